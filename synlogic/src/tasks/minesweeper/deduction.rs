//! Which unrevealed cells are mines in *every* mine layout consistent with the revealed numbers.
//!
//! Only frontier cells (unrevealed, next to a revealed number) are constrained; every other
//! unrevealed cell may be safe, so it is never forced. The frontier splits into components that share
//! no number; each is a small exact-count constraint problem, solved by depth-first search with unit
//! propagation (a number whose mines are all placed clears its other cells; one that needs all its
//! open cells fills them). A cell is forced exactly when the search finds no layout with it safe.
//!
//! A component's state is two bitsets (mines, safe cells) over its variables, so a search node
//! copies a few words instead of keeping a trail, and a number's counts are two popcounts. The
//! branching is the one the recorded node counts were measured with (`reference.rs` in the tests):
//! the first number with the fewest open cells, its first open cell, mine before safe; propagation
//! starts only from the numbers around the cells it sets. Its result does not depend on the order in
//! which it visits them, so node counts and layouts found are the same.

/// A revealed grid: `Some(k)` is a revealed number, `None` an unrevealed cell.
pub type Revealed = Vec<Vec<Option<u8>>>;

/// The search gave up: more than the node budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverBudget;

/// The forced mines (row-major, 0-indexed) and the search nodes spent, or `None` when no layout fits
/// the numbers at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deduction {
    pub forced: Option<Vec<(usize, usize)>>,
    pub nodes: u64,
}

/// The up to eight cells around (i, j) on an n x n board.
pub(super) fn neighbours(n: usize, i: usize, j: usize) -> impl Iterator<Item = (usize, usize)> {
    let rows = i.saturating_sub(1)..=(i + 1).min(n - 1);
    rows.flat_map(move |r| {
        let cols = j.saturating_sub(1)..=(j + 1).min(n - 1);
        cols.map(move |c| (r, c))
    })
    .filter(move |&cell| cell != (i, j))
}

/// The forced mines of `revealed` (an n x n grid), spending at most `budget` search nodes.
pub fn forced_mines(revealed: &Revealed, budget: u64) -> Result<Deduction, OverBudget> {
    let n = revealed.len();
    let flat: Vec<Option<u8>> = revealed
        .iter()
        .flat_map(|row| (0..n).map(|j| row.get(j).copied().flatten()))
        .collect();
    forced_mines_flat(n, &flat, budget)
}

/// [`forced_mines`] of a row-major n x n grid.
pub fn forced_mines_flat(
    n: usize,
    revealed: &[Option<u8>],
    budget: u64,
) -> Result<Deduction, OverBudget> {
    Deducer::default().forced_mines(n, revealed, budget)
}

const NO_VAR: u32 = u32::MAX;

/// The row-major indices of (i, j)'s neighbours in an n x n grid, in row-major order: plain loops,
/// which the setup runs for every cell of every drawn board.
fn neighbour_indices(n: usize, i: usize, j: usize) -> ([u32; 8], usize) {
    let mut out = [0u32; 8];
    let mut len = 0;
    for r in i.saturating_sub(1)..(i + 2).min(n) {
        for c in j.saturating_sub(1)..(j + 2).min(n) {
            if r != i || c != j {
                out[len] = (r * n + c) as u32;
                len += 1;
            }
        }
    }
    (out, len)
}

/// The deduction's buffers, kept between calls so that a generator redrawing boards allocates once.
#[derive(Default)]
pub struct Deducer {
    /// Per cell: its frontier variable, or [`NO_VAR`].
    var_of: Vec<u32>,
    /// Frontier cells (row-major), by variable.
    cells: Vec<(usize, usize)>,
    parent: Vec<u32>,
    /// Per variable: its component, and its index within it.
    component_of: Vec<u32>,
    local: Vec<u32>,
    /// Per component: its variables' range in `by_component`.
    component_start: Vec<u32>,
    by_component: Vec<u32>,
    /// Numbers with at least one frontier neighbour, row-major: their variables (in neighbour order)
    /// and need.
    number_vars: Vec<[u32; 8]>,
    number_len: Vec<u8>,
    number_need: Vec<u8>,
    /// Numbers grouped by component, each group in row-major order.
    number_order: Vec<u32>,
    number_group: Vec<u32>,
    /// Per component: its size; scratch for the grouping.
    sizes: Vec<u32>,
    fill: Vec<u32>,
    space: Space,
}

/// One component's constraint problem, for any bitset width. The assignment is two bitsets (mines,
/// and cells set either way) passed by value; each count's open cells and mines still needed are
/// bytes in a frame per search depth, copied on the way down, so nothing is undone.
#[derive(Default)]
struct Space {
    /// Count k's variables: words `k * width .. (k + 1) * width` of `masks`.
    masks: Vec<u64>,
    counts: usize,
    /// Variable v's counts, as indices into the component's counts.
    var_counts: Vec<[u16; 8]>,
    var_degree: Vec<u8>,
    /// Frame d holds, for search depth d, each count's open cells (`counts` bytes) and then the
    /// mines it still needs (`counts` bytes).
    frames: Vec<u8>,
    /// Propagation's work list: variables set but not yet counted, and whether each is a mine.
    queue: Vec<(u16, bool)>,
}

impl Deducer {
    /// The forced mines of a row-major n x n grid (see [`forced_mines`]).
    pub fn forced_mines(
        &mut self,
        n: usize,
        revealed: &[Option<u8>],
        budget: u64,
    ) -> Result<Deduction, OverBudget> {
        // Frontier variables, numbered in row-major order.
        self.var_of.clear();
        self.var_of.resize(n * n, NO_VAR);
        self.cells.clear();
        for i in 0..n {
            for j in 0..n {
                if revealed[i * n + j].is_some() {
                    continue;
                }
                let (near, len) = neighbour_indices(n, i, j);
                if near[..len].iter().any(|&k| revealed[k as usize].is_some()) {
                    self.var_of[i * n + j] = self.cells.len() as u32;
                    self.cells.push((i, j));
                }
            }
        }
        let vars = self.cells.len();
        // Union-find over variables that share a number.
        self.parent.clear();
        self.parent.extend(0..vars as u32);
        fn root(parent: &mut [u32], mut v: u32) -> u32 {
            while parent[v as usize] != v {
                parent[v as usize] = parent[parent[v as usize] as usize];
                v = parent[v as usize];
            }
            v
        }
        self.number_vars.clear();
        self.number_len.clear();
        self.number_need.clear();
        for i in 0..n {
            for j in 0..n {
                let Some(k) = revealed[i * n + j] else {
                    continue;
                };
                let mut list = [0u32; 8];
                let mut len = 0;
                let (near, near_len) = neighbour_indices(n, i, j);
                for &cell in &near[..near_len] {
                    if revealed[cell as usize].is_none() {
                        list[len] = self.var_of[cell as usize];
                        len += 1;
                    }
                }
                if usize::from(k) > len {
                    return Ok(Deduction {
                        forced: None,
                        nodes: 0,
                    });
                }
                if len == 0 {
                    continue;
                }
                for w in list[..len].windows(2) {
                    let (a, b) = (root(&mut self.parent, w[0]), root(&mut self.parent, w[1]));
                    self.parent[a as usize] = b;
                }
                self.number_vars.push(list);
                self.number_len.push(len as u8);
                self.number_need.push(k);
            }
        }
        // Components in order of their first variable; each one's variables ascending.
        self.component_of.clear();
        self.component_of.resize(vars, u32::MAX);
        self.local.clear();
        self.local.resize(vars, 0);
        let sizes = &mut self.sizes;
        sizes.clear();
        for v in 0..vars {
            let r = root(&mut self.parent, v as u32) as usize;
            if self.component_of[r] == u32::MAX {
                self.component_of[r] = sizes.len() as u32;
                sizes.push(0);
            }
            let c = self.component_of[r] as usize;
            self.component_of[v] = c as u32;
            self.local[v] = sizes[c];
            sizes[c] += 1;
        }
        let components = sizes.len();
        self.component_start.clear();
        self.component_start.push(0);
        for &size in sizes.iter() {
            let last = *self.component_start.last().unwrap_or(&0);
            self.component_start.push(last + size);
        }
        self.by_component.clear();
        self.by_component.resize(vars, 0);
        for v in 0..vars {
            let c = self.component_of[v] as usize;
            self.by_component[(self.component_start[c] + self.local[v]) as usize] = v as u32;
        }
        // Numbers grouped by component (a stable counting sort keeps row-major order in a group).
        self.number_group.clear();
        self.number_group.resize(components + 1, 0);
        for list in &self.number_vars {
            self.number_group[self.component_of[list[0] as usize] as usize + 1] += 1;
        }
        for c in 0..components {
            self.number_group[c + 1] += self.number_group[c];
        }
        self.number_order.clear();
        self.number_order.resize(self.number_vars.len(), 0);
        self.fill.clone_from(&self.number_group);
        for (k, list) in self.number_vars.iter().enumerate() {
            let c = self.component_of[list[0] as usize] as usize;
            self.number_order[self.fill[c] as usize] = k as u32;
            self.fill[c] += 1;
        }
        let mut nodes = 0u64;
        let mut forced = Vec::new();
        for c in 0..components {
            let size = self.sizes[c] as usize;
            let found = match size {
                0..=64 => self.component::<1>(c, &mut nodes, budget, &mut forced),
                65..=128 => self.component::<2>(c, &mut nodes, budget, &mut forced),
                129..=256 => self.component::<4>(c, &mut nodes, budget, &mut forced),
                257..=512 => self.component::<8>(c, &mut nodes, budget, &mut forced),
                // A 64 x 64 board (the largest a record may have) has at most 4 096 cells.
                513..=4096 => self.component::<64>(c, &mut nodes, budget, &mut forced),
                _ => return Err(OverBudget),
            }?;
            if !found {
                return Ok(Deduction {
                    forced: None,
                    nodes,
                });
            }
        }
        forced.sort_unstable();
        Ok(Deduction {
            forced: Some(forced),
            nodes,
        })
    }

    /// Solves component `c` with `W`-word bitsets, pushing its forced cells; `false` when it has no
    /// layout.
    fn component<const W: usize>(
        &mut self,
        c: usize,
        nodes: &mut u64,
        budget: u64,
        forced: &mut Vec<(usize, usize)>,
    ) -> Result<bool, OverBudget> {
        let vars = &self.by_component
            [self.component_start[c] as usize..self.component_start[c + 1] as usize];
        let numbers =
            &self.number_order[self.number_group[c] as usize..self.number_group[c + 1] as usize];
        let space = &mut self.space;
        let counts = numbers.len();
        space.counts = counts;
        space.masks.clear();
        space.masks.resize(counts * W, 0);
        space.var_counts.clear();
        space.var_counts.resize(vars.len(), [0; 8]);
        space.var_degree.clear();
        space.var_degree.resize(vars.len(), 0);
        space.frames.clear();
        space.frames.resize(2 * counts, 0);
        for (k, &number) in numbers.iter().enumerate() {
            let len = self.number_len[number as usize];
            for &v in &self.number_vars[number as usize][..usize::from(len)] {
                let l = self.local[v as usize] as usize;
                space.masks[k * W + l / 64] |= 1 << (l % 64);
                let degree = &mut space.var_degree[l];
                space.var_counts[l][usize::from(*degree)] = k as u16;
                *degree += 1;
            }
            space.frames[k] = len;
            space.frames[counts + k] = self.number_need[number as usize];
        }
        let empty = [0u64; W];
        let Some(layout) = space.search::<W>(0, empty, empty, nodes, budget)? else {
            return Ok(false);
        };
        // Mines of one layout are the only candidates; a layout with a candidate safe clears every
        // candidate it leaves safe.
        let mut candidate = layout;
        for (l, &v) in vars.iter().enumerate() {
            let bit = 1u64 << (l % 64);
            if candidate[l / 64] & bit == 0 {
                continue;
            }
            *nodes += 1;
            let (mut mine, mut set) = (empty, empty);
            let other = if space.branch::<W>(0, l, false, &mut mine, &mut set) {
                space.search::<W>(1, mine, set, nodes, budget)?
            } else {
                None
            };
            match other {
                Some(other) => {
                    for (c, o) in candidate.iter_mut().zip(other) {
                        *c &= o;
                    }
                }
                None => forced.push(self.cells[v as usize]),
            }
        }
        Ok(true)
    }
}

impl Space {
    /// Copies frame `depth` to `depth + 1`, sets `v` there (a mine or safe) and propagates: a count
    /// whose mines are all placed clears its open cells, one that needs all its open cells fills
    /// them. Only the counts of cells it sets are looked at. `false` on a contradiction.
    fn branch<const W: usize>(
        &mut self,
        depth: usize,
        v: usize,
        is_mine: bool,
        mine: &mut [u64; W],
        set: &mut [u64; W],
    ) -> bool {
        let size = 2 * self.counts;
        if self.frames.len() < (depth + 2) * size {
            self.frames.resize((depth + 2) * size, 0);
        }
        self.frames
            .copy_within(depth * size..(depth + 1) * size, (depth + 1) * size);
        let (open, left) =
            self.frames[(depth + 1) * size..(depth + 2) * size].split_at_mut(self.counts);
        set[v / 64] |= 1 << (v % 64);
        if is_mine {
            mine[v / 64] |= 1 << (v % 64);
        }
        self.queue.clear();
        self.queue.push((v as u16, is_mine));
        // A cell is marked in `set` when queued and counted when popped; a count looked at in
        // between sees it as open, which can report a contradiction only where there is one.
        while let Some((u, is_mine)) = self.queue.pop() {
            let u = usize::from(u);
            let degree = usize::from(self.var_degree[u]);
            // Each count is checked right after it changes (all later changes are checked too).
            for &k in &self.var_counts[u][..degree] {
                let k = usize::from(k);
                let o = open[k] - 1;
                open[k] = o;
                let mut l = left[k];
                if is_mine {
                    if l == 0 {
                        return false;
                    }
                    l -= 1;
                    left[k] = l;
                }
                if l > o {
                    return false;
                }
                if o == 0 || (l != 0 && l != o) {
                    continue;
                }
                let fill = l != 0;
                let mask = &self.masks[k * W..(k + 1) * W];
                for w in 0..W {
                    let mut fresh = mask[w] & !set[w];
                    set[w] |= fresh;
                    if fill {
                        mine[w] |= fresh;
                    }
                    while fresh != 0 {
                        self.queue
                            .push(((w * 64 + fresh.trailing_zeros() as usize) as u16, fill));
                        fresh &= fresh - 1;
                    }
                }
            }
        }
        true
    }

    /// Completes the assignment at `depth` (`mine`, and `set`: cells set either way); the first
    /// layout found (its mines), if any.
    fn search<const W: usize>(
        &mut self,
        depth: usize,
        mine: [u64; W],
        set: [u64; W],
        nodes: &mut u64,
        budget: u64,
    ) -> Result<Option<[u64; W]>, OverBudget> {
        // Branch inside the first number with the fewest open cells, on its first open cell.
        let size = 2 * self.counts;
        let open = &self.frames[depth * size..depth * size + self.counts];
        let mut tightest: Option<(u8, usize)> = None;
        for (k, &o) in open.iter().enumerate() {
            if o > 0 && tightest.is_none_or(|(best, _)| o < best) {
                tightest = Some((o, k));
                if o == 1 {
                    break;
                }
            }
        }
        let Some((_, k)) = tightest else {
            return Ok(Some(mine));
        };
        let mask = &self.masks[k * W..(k + 1) * W];
        let (w, bits) = (0..W)
            .map(|w| (w, mask[w] & !set[w]))
            .find(|&(_, bits)| bits != 0)
            .expect("an open count has an open cell");
        let v = w * 64 + bits.trailing_zeros() as usize;
        for is_mine in [true, false] {
            *nodes += 1;
            if *nodes > budget {
                return Err(OverBudget);
            }
            let (mut m, mut s) = (mine, set);
            if self.branch::<W>(depth, v, is_mine, &mut m, &mut s) {
                if let Some(layout) = self.search::<W>(depth + 1, m, s, nodes, budget)? {
                    return Ok(Some(layout));
                }
            }
        }
        Ok(None)
    }
}

/// SynLogic's rule, iterated to a fixed point: a number whose unrevealed neighbours, plus the mines
/// already found around it, equal it makes all those neighbours mines. Sound but incomplete; kept to
/// record how often it falls short of [`forced_mines`]. Returns the mines in the order found, with
/// the steps as (iteration, number cell, its value, mines found).
#[allow(clippy::type_complexity)]
pub fn single_rule_mines(
    revealed: &Revealed,
) -> (
    Vec<(usize, usize)>,
    Vec<(usize, (usize, usize), u8, Vec<(usize, usize)>)>,
) {
    let n = revealed.len();
    let mut mine = vec![vec![false; n]; n];
    let mut found = Vec::new();
    let mut steps = Vec::new();
    let mut iteration = 0;
    loop {
        iteration += 1;
        let mut progress = false;
        for i in 0..n {
            for j in 0..n {
                let Some(k) = revealed[i][j].filter(|&k| k > 0) else {
                    continue;
                };
                let mut open = Vec::new();
                let mut known = 0;
                for (r, c) in neighbours(n, i, j) {
                    if mine[r][c] {
                        known += 1;
                    } else if revealed[r][c].is_none() {
                        open.push((r, c));
                    }
                }
                if !open.is_empty() && open.len() + known == usize::from(k) {
                    for &(r, c) in &open {
                        mine[r][c] = true;
                    }
                    found.extend_from_slice(&open);
                    steps.push((iteration, (i, j), k, open));
                    progress = true;
                }
            }
        }
        if !progress {
            return (found, steps);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rows: &[&str]) -> Revealed {
        rows.iter()
            .map(|r| r.chars().map(|c| c.to_digit(10).map(|d| d as u8)).collect())
            .collect()
    }

    #[test]
    fn finds_mines_the_single_rule_misses() {
        // The 1-2-1 pattern: no number alone decides a cell, but together they force the cells above
        // the 1s' inner neighbours and clear the middle one. The single rule finds nothing.
        let revealed = grid(&["XXXXX", "X121X", "00000", "00000", "00000"]);
        let deduction = forced_mines(&revealed, 10_000).unwrap();
        assert_eq!(deduction.forced, Some(vec![(0, 1), (0, 3)]));
        assert!(single_rule_mines(&revealed).0.is_empty());
    }

    #[test]
    fn unconstrained_and_ambiguous_cells_are_not_forced() {
        let revealed = grid(&["XX", "1X"]);
        assert_eq!(forced_mines(&revealed, 1_000).unwrap().forced, Some(vec![]));
        let revealed = grid(&["X3", "XX"]);
        assert_eq!(
            forced_mines(&revealed, 1_000).unwrap().forced,
            Some(vec![(0, 0), (1, 0), (1, 1)])
        );
        assert_eq!(single_rule_mines(&revealed).0, vec![(0, 0), (1, 0), (1, 1)]);
        // A 4 with three neighbours fits no layout.
        let revealed = grid(&["X4", "XX"]);
        assert_eq!(forced_mines(&revealed, 1_000).unwrap().forced, None);
    }
}
