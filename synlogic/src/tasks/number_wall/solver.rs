//! A number-wall solver on bit masks (sides up to 11, so a grid fits a `u128`), used to measure how
//! hard an instance is.
//!
//! Each number's island is one of the connected shapes of its size that hold its cell and stay off
//! the other numbers and their eight neighbours. The search repeatedly takes the first 2x2 block that
//! no placed island touches (a block of four walls is forbidden) and branches over the unplaced
//! islands' shapes that reach into it without touching a placed island, even diagonally; once every
//! block is covered, the remaining islands take any fitting shape.

use std::collections::HashSet;

/// The largest side the solver handles.
pub const MAX_SIDE: usize = 11;

/// Shapes enumerated per island before the solver gives up on an instance.
const MAX_SHAPES: usize = 200_000;

/// Bit helpers for an n x n grid stored row-major in a `u128`.
struct Board {
    n: usize,
    full: u128,
    not_first_col: u128,
    not_last_col: u128,
}

impl Board {
    fn new(n: usize) -> Self {
        let mut first = 0u128;
        let mut last = 0u128;
        for i in 0..n {
            first |= 1 << (i * n);
            last |= 1 << (i * n + n - 1);
        }
        let full = if n * n == 128 {
            u128::MAX
        } else {
            (1u128 << (n * n)) - 1
        };
        Board {
            n,
            full,
            not_first_col: full & !first,
            not_last_col: full & !last,
        }
    }

    /// `m` plus its edge neighbours.
    fn grow4(&self, m: u128) -> u128 {
        let sideways = ((m << 1) & self.not_first_col) | ((m >> 1) & self.not_last_col);
        (m | sideways | (m << self.n) | (m >> self.n)) & self.full
    }

    /// `m` plus its eight neighbours.
    fn grow8(&self, m: u128) -> u128 {
        let row = m | ((m << 1) & self.not_first_col) | ((m >> 1) & self.not_last_col);
        (row | (row << self.n) | (row >> self.n)) & self.full
    }
}

/// Every connected shape of `size` cells holding `start` and avoiding `forbidden`; `None` past
/// [`MAX_SHAPES`].
fn shapes(board: &Board, start: usize, size: usize, forbidden: u128) -> Option<Vec<u128>> {
    let mut seen: HashSet<u128> = HashSet::new();
    let mut layer = vec![1u128 << start];
    for _ in 1..size {
        let mut next = Vec::new();
        for &shape in &layer {
            let mut grow = board.grow4(shape) & !shape & !forbidden;
            while grow != 0 {
                let bit = grow & grow.wrapping_neg();
                grow ^= bit;
                if seen.insert(shape | bit) {
                    next.push(shape | bit);
                    if seen.len() > MAX_SHAPES {
                        return None;
                    }
                }
            }
        }
        layer = next;
    }
    Some(layer)
}

struct Search<'a> {
    blocks: &'a [u128],
    options: &'a [Vec<(u128, u128)>],
    placed: Vec<bool>,
    nodes: u64,
    budget: u64,
}

impl Search<'_> {
    /// `occupied` is the union of placed islands, `halo` the union of their 8-neighbourhoods.
    fn go(&mut self, occupied: u128, halo: u128) -> bool {
        if self.nodes > self.budget {
            return true;
        }
        let open_block = self.blocks.iter().find(|&&b| b & occupied == 0).copied();
        let islands: Vec<usize> = match open_block {
            Some(_) => (0..self.options.len())
                .filter(|&i| !self.placed[i])
                .collect(),
            None => match (0..self.options.len()).find(|&i| !self.placed[i]) {
                Some(i) => vec![i],
                None => return true,
            },
        };
        for i in islands {
            self.placed[i] = true;
            for k in 0..self.options[i].len() {
                let (shape, shape_halo) = self.options[i][k];
                if shape & halo != 0 || open_block.is_some_and(|b| b & shape == 0) {
                    continue;
                }
                self.nodes += 1;
                if self.go(occupied | shape, halo | shape_halo) {
                    self.placed[i] = false;
                    return true;
                }
            }
            self.placed[i] = false;
        }
        false
    }
}

/// What a solve cost and whether it found a solution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Effort {
    /// Island placements tried (at most the budget).
    pub nodes: u64,
    pub solved: bool,
}

/// Searches an n x n grid with `numbers` (cell index, value) for its first solution; `None` when the
/// grid is too large or an island has too many shapes. A search past `budget` stops unsolved.
pub fn solve(n: usize, numbers: &[(usize, usize)], budget: u64) -> Option<Effort> {
    if n == 0 || n > MAX_SIDE {
        return None;
    }
    let board = Board::new(n);
    let mut options = Vec::with_capacity(numbers.len());
    for (k, &(cell, size)) in numbers.iter().enumerate() {
        let forbidden = numbers
            .iter()
            .enumerate()
            .filter(|&(other, _)| other != k)
            .fold(0u128, |acc, (_, &(c, _))| acc | board.grow8(1 << c));
        let found = shapes(&board, cell, size.max(1), forbidden)?;
        options.push(
            found
                .into_iter()
                .map(|s| (s, board.grow8(s)))
                .collect::<Vec<_>>(),
        );
    }
    let mut blocks = Vec::new();
    for i in 0..n.saturating_sub(1) {
        for j in 0..n - 1 {
            let c = i * n + j;
            blocks.push((1u128 << c) | (1 << (c + 1)) | (1 << (c + n)) | (1 << (c + n + 1)));
        }
    }
    let mut search = Search {
        blocks: &blocks,
        options: &options,
        placed: vec![false; numbers.len()],
        nodes: 0,
        budget,
    };
    let finished = search.go(0, 0);
    Some(Effort {
        nodes: search.nodes.min(budget),
        solved: finished && search.nodes <= budget,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_shapes_and_solves_small_grids() {
        let board = Board::new(3);
        // Trominoes through a corner of a 3x3 grid: two straight, three bent.
        assert_eq!(shapes(&board, 0, 3, 0).unwrap().len(), 5);
        // Four 1s in the corners cover every 2x2 block.
        let corners = solve(3, &[(0, 1), (2, 1), (6, 1), (8, 1)], 1_000).unwrap();
        assert!(corners.solved && corners.nodes == 4, "{corners:?}");
        // 1 . 2 / . . . / 2 . . has none: the lower 2 can only reach cells touching another island.
        assert!(!solve(3, &[(0, 1), (2, 2), (6, 2)], 1_000).unwrap().solved);
    }
}
