//! A bitmask sudoku solver: depth-first search on the most constrained cell, counting solutions up
//! to a limit and the nodes (placements) it tried, which is our measure of solver effort.

use rand::seq::SliceRandom;
use rand::Rng;

use rlvr_envs::seed::TaskRng;

/// 81 cells, row-major; 0 is empty, 1..=9 a digit.
pub type Cells = [u8; 81];

const ALL_DIGITS: u16 = 0x1ff;

const fn box_of(cell: usize) -> usize {
    (cell / 27) * 3 + (cell % 9) / 3
}

/// The search state: the grid and the digits used per row, column and box (bit d-1 for digit d).
#[derive(Clone)]
struct Search {
    cells: Cells,
    rows: [u16; 9],
    cols: [u16; 9],
    boxes: [u16; 9],
    /// Digits a cell may not take (used to ask "is there a solution other than this one?").
    forbidden: [u16; 81],
    /// Candidate order, so a random order yields random complete grids.
    order: [u8; 9],
    nodes: u64,
    solutions: u32,
    limit: u32,
    first: Option<Cells>,
}

impl Search {
    /// Loads `cells`; `None` when two givens already clash.
    fn new(cells: &Cells, limit: u32) -> Option<Self> {
        let mut s = Search {
            cells: [0; 81],
            rows: [0; 9],
            cols: [0; 9],
            boxes: [0; 9],
            forbidden: [0; 81],
            order: [1, 2, 3, 4, 5, 6, 7, 8, 9],
            nodes: 0,
            solutions: 0,
            limit,
            first: None,
        };
        for (i, &d) in cells.iter().enumerate() {
            if d == 0 {
                continue;
            }
            if !(1..=9).contains(&d) {
                return None;
            }
            let bit = 1u16 << (d - 1);
            if (s.rows[i / 9] | s.cols[i % 9] | s.boxes[box_of(i)]) & bit != 0 {
                return None;
            }
            s.place(i, d);
        }
        Some(s)
    }

    fn place(&mut self, i: usize, d: u8) {
        let bit = 1u16 << (d - 1);
        self.cells[i] = d;
        self.rows[i / 9] |= bit;
        self.cols[i % 9] |= bit;
        self.boxes[box_of(i)] |= bit;
    }

    fn unplace(&mut self, i: usize, d: u8) {
        let bit = !(1u16 << (d - 1));
        self.cells[i] = 0;
        self.rows[i / 9] &= bit;
        self.cols[i % 9] &= bit;
        self.boxes[box_of(i)] &= bit;
    }

    fn candidates(&self, i: usize) -> u16 {
        !(self.rows[i / 9] | self.cols[i % 9] | self.boxes[box_of(i)] | self.forbidden[i])
            & ALL_DIGITS
    }

    fn run(&mut self) {
        // Candidates of every empty cell; the empty cell with the fewest is the branching cell.
        let mut cands = [0u16; 81];
        let mut best = usize::MAX;
        let mut best_mask = 0u16;
        let mut best_count = u32::MAX;
        for i in 0..81 {
            if self.cells[i] != 0 {
                continue;
            }
            let mask = self.candidates(i);
            let count = mask.count_ones();
            if count == 0 {
                return;
            }
            cands[i] = mask;
            if count < best_count {
                best = i;
                best_mask = mask;
                best_count = count;
                if count == 1 {
                    // A forced cell: branch on it without looking further.
                    break;
                }
            }
        }
        if best == usize::MAX {
            self.solutions += 1;
            if self.first.is_none() {
                self.first = Some(self.cells);
            }
            return;
        }
        if best_count > 1 {
            // Hidden singles: a digit with one place left in a unit is forced there; a digit with
            // no place left is a dead end. This prunes most of the exhaustive uniqueness proofs.
            for unit in &UNITS {
                let (mut once, mut twice, mut used) = (0u16, 0u16, 0u16);
                for &c in unit {
                    let c = usize::from(c);
                    if self.cells[c] != 0 {
                        used |= 1 << (self.cells[c] - 1);
                    } else {
                        twice |= once & cands[c];
                        once |= cands[c];
                    }
                }
                if (once | used) != ALL_DIGITS {
                    return;
                }
                let hidden = once & !twice;
                if hidden != 0 {
                    let bit = hidden & hidden.wrapping_neg();
                    let cell = unit
                        .iter()
                        .map(|&c| usize::from(c))
                        .find(|&c| self.cells[c] == 0 && cands[c] & bit != 0)
                        .expect("a hidden single has a cell");
                    best = cell;
                    best_mask = bit;
                    break;
                }
            }
        }
        for k in 0..9 {
            let d = self.order[k];
            if best_mask & (1 << (d - 1)) == 0 {
                continue;
            }
            self.nodes += 1;
            self.place(best, d);
            self.run();
            self.unplace(best, d);
            if self.solutions >= self.limit {
                return;
            }
        }
    }
}

/// The 27 units (rows, columns, boxes) as cell indices.
const UNITS: [[u8; 9]; 27] = {
    let mut units = [[0u8; 9]; 27];
    let mut u = 0;
    while u < 9 {
        let mut k = 0;
        while k < 9 {
            units[u][k] = (u * 9 + k) as u8;
            units[9 + u][k] = (k * 9 + u) as u8;
            units[18 + u][k] = ((u / 3 * 3 + k / 3) * 9 + u % 3 * 3 + k % 3) as u8;
            k += 1;
        }
        u += 1;
    }
    units
};

/// What a counting search found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    /// Solutions found, at most the limit asked for.
    pub solutions: u32,
    /// Placements tried.
    pub nodes: u64,
}

/// Counts the solutions of `cells`, stopping at `limit`.
pub fn count_solutions(cells: &Cells, limit: u32) -> Count {
    match Search::new(cells, limit) {
        Some(mut s) => {
            s.run();
            Count {
                solutions: s.solutions,
                nodes: s.nodes,
            }
        }
        None => Count {
            solutions: 0,
            nodes: 0,
        },
    }
}

/// Whether `cells` has a solution in which `cell` is not `digit`.
fn has_other_solution(cells: &Cells, cell: usize, digit: u8) -> bool {
    match Search::new(cells, 1) {
        Some(mut s) => {
            s.forbidden[cell] = 1 << (digit - 1);
            s.run();
            s.solutions > 0
        }
        None => false,
    }
}

/// A uniformly shuffled complete grid: three random diagonal boxes (they never interact),
/// completed by the solver with a random candidate order.
pub fn random_complete_grid(rng: &mut TaskRng) -> Cells {
    let mut cells = [0u8; 81];
    for b in 0..3 {
        let mut digits: [u8; 9] = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        digits.shuffle(rng);
        for (k, &d) in digits.iter().enumerate() {
            cells[(b * 3 + k / 3) * 9 + b * 3 + k % 3] = d;
        }
    }
    let mut s = Search::new(&cells, 1).expect("diagonal boxes never clash");
    s.order.shuffle(rng);
    s.run();
    s.first
        .expect("three filled diagonal boxes always complete")
}

/// Removes givens from `solution` in a random order, keeping each removal only while the puzzle
/// stays uniquely solvable, until `keep` givens remain or no further cell can go. Returns the puzzle.
pub fn carve_unique(solution: &Cells, keep: usize, rng: &mut TaskRng) -> Cells {
    let mut order: Vec<usize> = (0..81).collect();
    order.shuffle(rng);
    let mut puzzle = *solution;
    let mut givens = 81;
    for cell in order {
        if givens <= keep {
            break;
        }
        let digit = puzzle[cell];
        puzzle[cell] = 0;
        // The puzzle was unique before, so any other solution must differ in this cell.
        if has_other_solution(&puzzle, cell, digit) {
            puzzle[cell] = digit;
        } else {
            givens -= 1;
        }
    }
    puzzle
}

/// A random count in `lo..=hi`.
pub fn draw_in(rng: &mut TaskRng, (lo, hi): (usize, usize)) -> usize {
    rng.gen_range(lo..=hi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rlvr_envs::seed::task_rng;

    fn is_valid_complete(cells: &Cells) -> bool {
        let full = count_solutions(cells, 2);
        cells.iter().all(|&d| d != 0) && full.solutions == 1
    }

    #[test]
    fn complete_grids_are_valid_and_differ_by_seed() {
        let a = random_complete_grid(&mut task_rng("t", 0, 0));
        let b = random_complete_grid(&mut task_rng("t", 0, 1));
        assert!(is_valid_complete(&a) && is_valid_complete(&b));
        assert_ne!(a, b);
    }

    #[test]
    fn carved_puzzles_are_unique_and_consistent() {
        let mut rng = task_rng("t", 1, 0);
        let solution = random_complete_grid(&mut rng);
        let puzzle = carve_unique(&solution, 22, &mut rng);
        let count = count_solutions(&puzzle, 2);
        assert_eq!(count.solutions, 1);
        assert!(puzzle
            .iter()
            .zip(&solution)
            .all(|(&p, &s)| p == 0 || p == s));
        assert!(puzzle.iter().filter(|&&d| d != 0).count() < 35);
    }

    #[test]
    fn counts_multiple_solutions_and_rejects_clashes() {
        assert_eq!(count_solutions(&[0; 81], 2).solutions, 2);
        let mut clash = [0u8; 81];
        clash[0] = 5;
        clash[1] = 5;
        assert_eq!(count_solutions(&clash, 2).solutions, 0);
    }
}
