//! Latin squares (each of 1..=n once per row and column), shared by futoshiki, skyscraper_puzzle and
//! calcudoko: a random complete square, and a row-major backtracking solver whose extra rules are a
//! callback, counting the nodes it tries as the measure of solver effort.

use rand::{Rng, RngCore};

use rlvr_envs::seed::TaskRng;

/// A random Latin square of order `n` (row-major, values 1..=n): cells filled row by row with a
/// shuffled candidate order, backtracking when a column runs out.
pub fn random_square(n: usize, rng: &mut TaskRng) -> Vec<u8> {
    let mut grid = vec![0u8; n * n];
    fill_random_square(n, rng, &mut grid);
    grid
}

/// [`random_square`] written into `grid` (its first n*n cells), for callers that keep the square in
/// a fixed array: the same draws and the same square, without the allocation.
pub fn fill_random_square(n: usize, rng: &mut TaskRng, grid: &mut [u8]) {
    assert!((1..=16).contains(&n), "Latin squares of order 1..=16");
    let grid = &mut grid[..n * n];
    grid.fill(0);
    let mut rows = [0u32; 16];
    let mut cols = [0u32; 16];
    // Per cell: the shuffled candidates (n per cell, in one flat buffer rather than a Vec per
    // cell; the shuffles draw the same numbers) and how many have been tried. Small orders (all
    // the levels' grids) use stack buffers: no allocation.
    const SMALL: usize = 8;
    let (mut order_small, mut tried_small) = ([0u8; SMALL * SMALL * SMALL], [0u8; SMALL * SMALL]);
    let (mut order_large, mut tried_large);
    let (order, tried): (&mut [u8], &mut [u8]) = if n <= SMALL {
        (&mut order_small[..], &mut tried_small[..])
    } else {
        order_large = vec![0u8; n * n * n];
        tried_large = vec![0u8; n * n];
        (&mut order_large[..], &mut tried_large[..])
    };
    // Row and column are tracked alongside the cell: a division per step was a visible cost.
    let (mut cell, mut r, mut c) = (0, 0, 0);
    while cell < n * n {
        if tried[cell] == 0 {
            let values = &mut order[cell * n..cell * n + n];
            for (k, v) in values.iter_mut().enumerate() {
                *v = k as u8 + 1;
            }
            shuffle(values, rng);
        }
        if grid[cell] != 0 {
            let bit = 1u32 << grid[cell];
            rows[r] &= !bit;
            cols[c] &= !bit;
            grid[cell] = 0;
        }
        let taken = rows[r] | cols[c];
        let mut placed = false;
        while usize::from(tried[cell]) < n {
            let v = order[cell * n + usize::from(tried[cell])];
            tried[cell] += 1;
            let bit = 1u32 << v;
            if taken & bit == 0 {
                grid[cell] = v;
                rows[r] |= bit;
                cols[c] |= bit;
                placed = true;
                break;
            }
        }
        if placed {
            cell += 1;
            c += 1;
            if c == n {
                (r, c) = (r + 1, 0);
            }
            if cell < n * n {
                tried[cell] = 0;
            }
        } else {
            // Dead end: retry the previous cell with its next candidate.
            tried[cell] = 0;
            cell = cell.checked_sub(1).expect("a Latin square always exists");
            if c == 0 {
                (r, c) = (r - 1, n - 1);
            } else {
                c -= 1;
            }
        }
    }
}

/// `rng.gen_range(0..bound)` for a `u32` bound, as rand 0.8 draws it (`UniformInt::sample_single`):
/// one `next_u32` per try, a widening multiply, and its conservative rejection zone. Written out so
/// the shuffle inlines into the square's loop.
#[inline(always)]
fn index_below(rng: &mut TaskRng, bound: u32) -> u32 {
    let zone = (bound << bound.leading_zeros()).wrapping_sub(1);
    loop {
        let product = u64::from(rng.next_u32()) * u64::from(bound);
        if product as u32 <= zone {
            return (product >> 32) as u32;
        }
    }
}

/// `values.shuffle(rng)` of rand 0.8 (`SliceRandom`), draw for draw: Fisher-Yates from the end.
#[inline(always)]
fn shuffle(values: &mut [u8], rng: &mut TaskRng) {
    for i in (1..values.len()).rev() {
        values.swap(i, index_below(rng, i as u32 + 1) as usize);
    }
}

/// A random Latin square with the law of [`random_square`], for far fewer draws: each cell tries its
/// allowed values in a uniformly random order, as there, but picks each next value with one draw
/// among the allowed values not yet tried (none when one is left) instead of shuffling all n values
/// when it is first visited. Orders 1..=16.
pub fn random_square_lean(n: usize, rng: &mut TaskRng) -> Vec<u8> {
    let mut grid = vec![0u8; n * n];
    fill_random_square_lean(n, rng, &mut grid);
    grid
}

/// [`random_square_lean`] written into `grid` (its first n*n cells), without the allocation.
pub fn fill_random_square_lean(n: usize, rng: &mut TaskRng, grid: &mut [u8]) {
    assert!((1..=16).contains(&n), "Latin squares of order 1..=16");
    let grid = &mut grid[..n * n];
    grid.fill(0);
    let mut rows = [0u32; 16];
    let mut cols = [0u32; 16];
    // Values (as bits 1..=n) tried at each cell since it was last entered from the previous one.
    let mut tried = [0u32; 256];
    let all = ((1u32 << (n + 1)) - 1) & !1;
    // Row and column are stepped with the cell: a division per step was a visible cost.
    let (mut cell, mut r, mut c) = (0, 0, 0);
    while cell < n * n {
        if grid[cell] != 0 {
            let bit = 1u32 << grid[cell];
            rows[r] &= !bit;
            cols[c] &= !bit;
            grid[cell] = 0;
        }
        let mut allowed = all & !(rows[r] | cols[c] | tried[cell]);
        if allowed == 0 {
            // Dead end: retry the previous cell with another value.
            tried[cell] = 0;
            cell = cell.checked_sub(1).expect("a Latin square always exists");
            (r, c) = if c == 0 { (r - 1, n - 1) } else { (r, c - 1) };
            continue;
        }
        let count = allowed.count_ones();
        if count > 1 {
            for _ in 0..rng.gen_range(0..count) {
                allowed &= allowed - 1;
            }
        }
        let bit = allowed & allowed.wrapping_neg();
        tried[cell] |= bit;
        grid[cell] = bit.trailing_zeros() as u8;
        rows[r] |= bit;
        cols[c] |= bit;
        cell += 1;
        (r, c) = if c + 1 == n { (r + 1, 0) } else { (r, c + 1) };
        if cell < n * n {
            tried[cell] = 0;
        }
    }
}

/// Extra rules of a Latin-square puzzle, checked right after `cell` is filled (row-major order,
/// so every earlier cell is filled and every later one is 0).
pub trait Rules {
    fn allows(&self, grid: &[u8], n: usize, cell: usize) -> bool;
}

/// What a search found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Search {
    pub solutions: u32,
    pub nodes: u64,
    /// Whether the node budget ran out before the search finished.
    pub exhausted: bool,
}

/// Counts solutions of the puzzle (givens: nonzero cells) up to `limit`, trying at most `max_nodes`.
pub fn solve(n: usize, givens: &[u8], rules: &impl Rules, limit: u32, max_nodes: u64) -> Search {
    let mut state = State {
        n,
        grid: givens.to_vec(),
        givens,
        rows: vec![0; n],
        cols: vec![0; n],
        search: Search {
            solutions: 0,
            nodes: 0,
            exhausted: false,
        },
        limit,
        max_nodes,
    };
    for (i, &v) in givens.iter().enumerate() {
        if v != 0 {
            let bit = 1u32 << v;
            if (state.rows[i / n] | state.cols[i % n]) & bit != 0 {
                return state.search;
            }
            state.rows[i / n] |= bit;
            state.cols[i % n] |= bit;
        }
    }
    state.run(0, rules);
    state.search
}

struct State<'a> {
    n: usize,
    grid: Vec<u8>,
    givens: &'a [u8],
    rows: Vec<u32>,
    cols: Vec<u32>,
    search: Search,
    limit: u32,
    max_nodes: u64,
}

impl State<'_> {
    fn done(&self) -> bool {
        self.search.solutions >= self.limit || self.search.exhausted
    }

    fn run(&mut self, cell: usize, rules: &impl Rules) {
        let n = self.n;
        if cell == n * n {
            self.search.solutions += 1;
            return;
        }
        if self.givens[cell] != 0 {
            if rules.allows(&self.grid, n, cell) {
                self.run(cell + 1, rules);
            }
            return;
        }
        let (r, c) = (cell / n, cell % n);
        for v in 1..=n as u8 {
            let bit = 1u32 << v;
            if (self.rows[r] | self.cols[c]) & bit != 0 {
                continue;
            }
            self.search.nodes += 1;
            if self.search.nodes > self.max_nodes {
                self.search.exhausted = true;
                return;
            }
            self.grid[cell] = v;
            self.rows[r] |= bit;
            self.cols[c] |= bit;
            if rules.allows(&self.grid, n, cell) {
                self.run(cell + 1, rules);
            }
            self.rows[r] &= !bit;
            self.cols[c] &= !bit;
            self.grid[cell] = 0;
            if self.done() {
                return;
            }
        }
    }
}

/// The first row or column that is not a permutation of 1..=n, if any.
pub fn violation(grid: &[Vec<i64>], n: usize) -> Option<String> {
    if grid.len() != n || grid.iter().any(|r| r.len() != n) {
        return Some(format!("the answer is not a {n}x{n} grid"));
    }
    if let Some((r, c)) = (0..n)
        .flat_map(|r| (0..n).map(move |c| (r, c)))
        .find(|&(r, c)| !(1..=n as i64).contains(&grid[r][c]))
    {
        return Some(format!(
            "cell ({}, {}) holds {}, not a number 1-{n}",
            r + 1,
            c + 1,
            grid[r][c]
        ));
    }
    for i in 0..n {
        let (mut row, mut col) = (0u32, 0u32);
        for j in 0..n {
            row |= 1 << grid[i][j];
            col |= 1 << grid[j][i];
        }
        let full = ((1u32 << (n + 1)) - 1) & !1;
        if row != full {
            return Some(format!("row {} repeats a number", i + 1));
        }
        if col != full {
            return Some(format!("column {} repeats a number", i + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use rlvr_envs::seed::task_rng;

    struct NoRules;
    impl Rules for NoRules {
        fn allows(&self, _: &[u8], _: usize, _: usize) -> bool {
            true
        }
    }

    #[test]
    fn random_squares_are_latin() {
        for n in 1..=9 {
            let g = random_square(n, &mut task_rng("latin", 0, n as u64));
            let rows: Vec<Vec<i64>> = g
                .chunks(n)
                .map(|r| r.iter().map(|&v| i64::from(v)).collect())
                .collect();
            assert_eq!(violation(&rows, n), None, "{rows:?}");
        }
    }

    #[test]
    fn lean_random_squares_are_latin_and_cover_order_three() {
        let mut seen = std::collections::HashSet::new();
        for n in 1..=9 {
            let samples = if n == 3 { 300 } else { 50 };
            for k in 0..samples {
                let g = random_square_lean(n, &mut task_rng("latin-lean", k, n as u64));
                let rows: Vec<Vec<i64>> = g
                    .chunks(n)
                    .map(|r| r.iter().map(|&v| i64::from(v)).collect())
                    .collect();
                assert_eq!(violation(&rows, n), None, "{rows:?}");
                if n == 3 {
                    seen.insert(g);
                }
            }
        }
        // All 12 Latin squares of order 3 come up.
        assert_eq!(seen.len(), 12);
    }

    #[test]
    fn lean_squares_follow_the_law_of_random_square() {
        // All 576 squares of order 4, 40 000 draws from each generator: the total variation
        // between the two histograms is sampling noise (about 0.07), while the backtracking law is
        // far from uniform (0.23 from it), so a sampler with another law would stand out.
        const DRAWS: u64 = 40_000;
        let histogram = |square: &dyn Fn(u64) -> Vec<u8>| {
            let mut counts = std::collections::HashMap::<Vec<u8>, f64>::new();
            for k in 0..DRAWS {
                *counts.entry(square(k)).or_default() += 1.0 / DRAWS as f64;
            }
            counts
        };
        let shuffled = histogram(&|k| random_square(4, &mut task_rng("law-shuffled", k, 4)));
        let lean = histogram(&|k| random_square_lean(4, &mut task_rng("law-lean", k, 4)));
        let distance = |p: &std::collections::HashMap<Vec<u8>, f64>, q: &dyn Fn(&[u8]) -> f64| {
            let keys: std::collections::HashSet<&Vec<u8>> = p.keys().chain(lean.keys()).collect();
            keys.iter()
                .map(|k| (p.get(*k).copied().unwrap_or(0.0) - q(k)).abs())
                .sum::<f64>()
                / 2.0
        };
        let between = distance(&shuffled, &|k| lean.get(k).copied().unwrap_or(0.0));
        let from_uniform = distance(&shuffled, &|_| 1.0 / 576.0);
        assert_eq!(shuffled.len(), 576);
        assert!(between < 0.12, "total variation {between}");
        assert!(
            from_uniform > 0.18,
            "the test cannot tell laws apart ({from_uniform})"
        );
    }

    #[test]
    fn shuffle_matches_rand_draw_for_draw() {
        use rand::seq::SliceRandom;
        for len in 0..=16u8 {
            for seed in 0..300 {
                let (mut ours, mut theirs) = (
                    task_rng("latin-shuffle", seed, u64::from(len)),
                    task_rng("latin-shuffle", seed, u64::from(len)),
                );
                let mut a: Vec<u8> = (1..=len).collect();
                let mut b = a.clone();
                shuffle(&mut a, &mut ours);
                b.shuffle(&mut theirs);
                assert_eq!(a, b, "len {len} seed {seed}");
                // Same number of draws taken: the streams stay in step.
                assert_eq!(ours.next_u64(), theirs.next_u64(), "len {len} seed {seed}");
            }
        }
    }

    #[test]
    fn fill_random_square_matches_random_square() {
        for n in 1..=12 {
            for seed in 0..20 {
                let mut grid = [7u8; 256];
                fill_random_square(n, &mut task_rng("latin-fill", seed, 0), &mut grid);
                let square = random_square(n, &mut task_rng("latin-fill", seed, 0));
                assert_eq!(&grid[..n * n], &square[..]);
            }
        }
    }

    #[test]
    fn counts_latin_squares_of_order_three() {
        let s = solve(3, &[0; 9], &NoRules, 100, 1_000_000);
        assert_eq!(s.solutions, 12);
        assert!(!s.exhausted);
        assert!(solve(4, &[0; 16], &NoRules, 1000, 5).exhausted);
    }
}
