//! Building a crossword: words placed across or down on a square grid, each new word crossing one
//! already placed, so the layout is connected and *well formed*: every horizontal or vertical run of
//! two or more letters is exactly one placed word (no word touches another side by side or end to
//! end). That makes the slots readable from the X/0 layout alone.

use rand::seq::SliceRandom;
use rand::Rng;

use rlvr_envs::seed::TaskRng;

use super::words::{Dictionary, MAX_LEN, MIN_LEN};

/// One placed word: its first cell, direction and letters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub row: usize,
    pub col: usize,
    pub across: bool,
    pub word: &'static [u8],
}

impl Placement {
    /// The cells the word covers, first letter first.
    pub fn cells(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        (0..self.word.len()).map(move |k| {
            if self.across {
                (self.row, self.col + k)
            } else {
                (self.row + k, self.col)
            }
        })
    }
}

/// A finished crossword.
#[derive(Debug, Clone)]
pub struct Crossword {
    pub size: usize,
    /// `letters[r][c]`: the letter at a cell, `None` for an empty cell.
    pub letters: Vec<Vec<Option<u8>>>,
    pub placements: Vec<Placement>,
    /// Cells shared by an across and a down word.
    pub intersections: usize,
}

/// Tries per word to find a slot that fits.
const TRIES_PER_WORD: usize = 60;

/// Where a word in direction `across` starting at `(row, col)` with `len` letters would go: the
/// letters it must match (`None` for empty cells), or `None` when it breaks the layout rules.
fn slot_pattern(
    grid: &Crossword,
    owners: &[Vec<[bool; 2]>],
    (row, col): (usize, usize),
    len: usize,
    across: bool,
) -> Option<Vec<Option<u8>>> {
    let n = grid.size;
    let at = |k: usize| {
        if across {
            (row, col + k)
        } else {
            (row + k, col)
        }
    };
    let (end_r, end_c) = at(len - 1);
    if end_r >= n || end_c >= n {
        return None;
    }
    let letter = |(r, c): (usize, usize)| grid.letters[r][c];
    // The cells just before and after the word stay empty.
    let before = if across {
        col.checked_sub(1).map(|c| (row, c))
    } else {
        row.checked_sub(1).map(|r| (r, col))
    };
    let after = if across {
        (end_c + 1 < n).then_some((row, end_c + 1))
    } else {
        (end_r + 1 < n).then_some((end_r + 1, col))
    };
    if [before, after]
        .into_iter()
        .flatten()
        .any(|c| letter(c).is_some())
    {
        return None;
    }
    let dir = usize::from(!across);
    let mut pattern = Vec::with_capacity(len);
    for k in 0..len {
        let (r, c) = at(k);
        match letter((r, c)) {
            // A crossing: the letter must belong to a word in the other direction only.
            Some(l) => {
                if owners[r][c][dir] {
                    return None;
                }
                pattern.push(Some(l));
            }
            // A new cell: nothing beside it across the word's direction.
            None => {
                let sides = if across {
                    [
                        r.checked_sub(1).map(|r| (r, c)),
                        (r + 1 < n).then_some((r + 1, c)),
                    ]
                } else {
                    [
                        c.checked_sub(1).map(|c| (r, c)),
                        (c + 1 < n).then_some((r, c + 1)),
                    ]
                };
                if sides.into_iter().flatten().any(|s| letter(s).is_some()) {
                    return None;
                }
                pattern.push(None);
            }
        }
    }
    Some(pattern)
}

fn place(grid: &mut Crossword, owners: &mut [Vec<[bool; 2]>], placement: Placement) {
    let dir = usize::from(!placement.across);
    for ((r, c), &l) in placement.cells().zip(placement.word) {
        if grid.letters[r][c].is_some() {
            grid.intersections += 1;
        }
        grid.letters[r][c] = Some(l);
        owners[r][c][dir] = true;
    }
    grid.placements.push(placement);
}

/// Builds a crossword of `words` words on a `size` grid with at most `max_intersections` crossings;
/// `None` when this draw gets stuck (the caller draws again).
pub fn build(
    rng: &mut TaskRng,
    dict: &Dictionary,
    size: usize,
    words: usize,
    max_intersections: usize,
) -> Option<Crossword> {
    let longest = MAX_LEN.min(size);
    if longest < MIN_LEN {
        return None;
    }
    let mut grid = Crossword {
        size,
        letters: vec![vec![None; size]; size],
        placements: Vec::with_capacity(words),
        intersections: 0,
    };
    let mut owners = vec![vec![[false; 2]; size]; size];
    let len = rng.gen_range(MIN_LEN..=longest);
    let across = rng.gen_bool(0.5);
    let (row, col) = if across {
        (rng.gen_range(0..size), rng.gen_range(0..=size - len))
    } else {
        (rng.gen_range(0..=size - len), rng.gen_range(0..size))
    };
    let word = *dict.of_len(len).choose(rng)?;
    place(
        &mut grid,
        &mut owners,
        Placement {
            row,
            col,
            across,
            word,
        },
    );
    let mut tries = 0;
    while grid.placements.len() < words {
        tries += 1;
        if tries > TRIES_PER_WORD * words {
            return None;
        }
        // Cross a random letter of a random placed word.
        let host = grid.placements.choose(rng)?.clone();
        let k = rng.gen_range(0..host.word.len());
        let (r, c) = host.cells().nth(k)?;
        let across = !host.across;
        let len = rng.gen_range(MIN_LEN..=longest);
        let offset = rng.gen_range(0..len);
        let start = if across {
            c.checked_sub(offset).map(|c0| (r, c0))
        } else {
            r.checked_sub(offset).map(|r0| (r0, c))
        };
        let Some(start) = start else { continue };
        let Some(pattern) = slot_pattern(&grid, &owners, start, len, across) else {
            continue;
        };
        let crossings = pattern.iter().filter(|l| l.is_some()).count();
        if grid.intersections + crossings > max_intersections {
            continue;
        }
        let used = |w: &&[u8]| grid.placements.iter().any(|p| p.word == *w);
        let candidates: Vec<&'static [u8]> = dict
            .matching(&pattern)
            .into_iter()
            .filter(|w| !used(w))
            .collect();
        let Some(&word) = candidates.choose(rng) else {
            continue;
        };
        place(
            &mut grid,
            &mut owners,
            Placement {
                row: start.0,
                col: start.1,
                across,
                word,
            },
        );
    }
    Some(grid)
}

/// The maximal runs of two or more letter cells, as (row, col, across, len), row-major.
pub fn runs(is_letter: &[Vec<bool>]) -> Vec<(usize, usize, bool, usize)> {
    let n = is_letter.len();
    let mut out = Vec::new();
    for across in [true, false] {
        for line in 0..n {
            let mut k = 0;
            while k < n {
                let cell = |k: usize| if across { (line, k) } else { (k, line) };
                let letter = |k: usize| {
                    let (r, c) = cell(k);
                    is_letter[r].get(c).copied().unwrap_or(false)
                };
                if !letter(k) {
                    k += 1;
                    continue;
                }
                let start = k;
                while k < n && letter(k) {
                    k += 1;
                }
                if k - start >= 2 {
                    let (r, c) = cell(start);
                    out.push((r, c, across, k - start));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::words::dictionary;
    use super::*;
    use rlvr_envs::seed::task_rng;

    #[test]
    fn layouts_are_well_formed() {
        let dict = dictionary();
        let mut built = 0;
        for index in 0..40 {
            let mut rng = task_rng("layout-test", 0, index);
            let Some(grid) = build(&mut rng, dict, 8, 7, 9) else {
                continue;
            };
            built += 1;
            assert!(grid.intersections <= 9);
            let is_letter: Vec<Vec<bool>> = grid
                .letters
                .iter()
                .map(|r| r.iter().map(Option::is_some).collect())
                .collect();
            let mut slots: Vec<_> = grid
                .placements
                .iter()
                .map(|p| (p.row, p.col, p.across, p.word.len()))
                .collect();
            slots.sort_unstable();
            let mut found = runs(&is_letter);
            found.sort_unstable();
            assert_eq!(found, slots);
        }
        assert!(built > 20, "only {built} of 40 draws completed");
    }
}
