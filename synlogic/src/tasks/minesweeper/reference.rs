//! The deduction as first written (per-variable values, a trail of assignments, counts kept in
//! lists), kept as the tests' oracle: the bitset search in `deduction.rs` must find the same forced
//! sets with the same node counts, since generated records carry the node count and the generator
//! redraws boards past its node budget.

use super::deduction::{neighbours, Deduction, OverBudget};

/// A variable's value in the search.
const UNSET: u8 = 0;
const SAFE: u8 = 1;
const MINE: u8 = 2;

/// A component's exact-count constraints (`need` mines among a count's variables) with the search
/// state, all in flat arrays: no allocation per search node.
struct Csp {
    /// Count k's variables are `count_vars[count_start[k]..count_start[k + 1]]`.
    count_vars: Vec<u32>,
    count_start: Vec<u32>,
    need: Vec<u8>,
    /// Variable v's counts are `var_counts[var_start[v]..var_start[v + 1]]`.
    var_counts: Vec<u32>,
    var_start: Vec<u32>,
    value: Vec<u8>,
    mines: Vec<u8>,
    open: Vec<u8>,
    trail: Vec<u32>,
    /// Propagation's work list, kept between calls.
    queue: Vec<(u32, bool)>,
    /// The layout the last successful search completed.
    layout: Vec<bool>,
}

impl Csp {
    /// `counts` lists (first variable index into `count_vars`, need) per count, in order.
    fn new(vars: usize, count_vars: Vec<u32>, count_start: Vec<u32>, need: Vec<u8>) -> Self {
        let counts = need.len();
        let mut degree = vec![0u32; vars + 1];
        for &v in &count_vars {
            degree[v as usize + 1] += 1;
        }
        for v in 0..vars {
            degree[v + 1] += degree[v];
        }
        let var_start = degree;
        let mut fill = var_start.clone();
        let mut var_counts = vec![0u32; count_vars.len()];
        for k in 0..counts {
            for &v in &count_vars[count_start[k] as usize..count_start[k + 1] as usize] {
                var_counts[fill[v as usize] as usize] = k as u32;
                fill[v as usize] += 1;
            }
        }
        let open = (0..counts)
            .map(|k| (count_start[k + 1] - count_start[k]) as u8)
            .collect();
        Csp {
            count_vars,
            count_start,
            need,
            var_counts,
            var_start,
            value: vec![UNSET; vars],
            mines: vec![0; counts],
            open,
            trail: Vec::with_capacity(vars),
            queue: Vec::new(),
            layout: vec![false; vars],
        }
    }

    fn vars_of(&self, k: usize) -> std::ops::Range<usize> {
        self.count_start[k] as usize..self.count_start[k + 1] as usize
    }

    fn counts_of(&self, v: usize) -> std::ops::Range<usize> {
        self.var_start[v] as usize..self.var_start[v + 1] as usize
    }

    /// Sets `v` and propagates; `false` on a contradiction (the caller undoes to its trail mark).
    fn assign(&mut self, v: usize, mine: bool) -> bool {
        self.queue.clear();
        self.queue.push((v as u32, mine));
        while let Some((v, mine)) = self.queue.pop() {
            let v = v as usize;
            let want = if mine { MINE } else { SAFE };
            match self.value[v] {
                UNSET => {}
                current if current == want => continue,
                _ => return false,
            }
            self.value[v] = want;
            self.trail.push(v as u32);
            // All counts first, so that `undo_to` can reverse them even after a contradiction.
            for i in self.counts_of(v) {
                let k = self.var_counts[i] as usize;
                self.open[k] -= 1;
                if mine {
                    self.mines[k] += 1;
                }
            }
            for i in self.counts_of(v) {
                let k = self.var_counts[i] as usize;
                let (have, open, need) = (self.mines[k], self.open[k], self.need[k]);
                if have > need || have + open < need {
                    return false;
                }
                if open > 0 && (have == need || have + open == need) {
                    let fill = have < need;
                    for j in self.vars_of(k) {
                        let u = self.count_vars[j];
                        if self.value[u as usize] == UNSET {
                            self.queue.push((u, fill));
                        }
                    }
                }
            }
        }
        true
    }

    fn undo_to(&mut self, mark: usize) {
        while self.trail.len() > mark {
            let v = self.trail.pop().expect("trail longer than mark") as usize;
            let mine = self.value[v] == MINE;
            self.value[v] = UNSET;
            for i in self.counts_of(v) {
                let k = self.var_counts[i] as usize;
                self.open[k] += 1;
                if mine {
                    self.mines[k] -= 1;
                }
            }
        }
    }

    /// Completes the current partial assignment; `true` when it found a layout (left in
    /// `self.layout`), the state restored either way.
    fn search(&mut self, nodes: &mut u64, budget: u64) -> Result<bool, OverBudget> {
        // Branch inside the number with the fewest open cells, so propagation reaches far; a
        // variable-order choice made without it thrashes on large frontiers. (The first such
        // number, and its first open cell: the order the node counts were measured with.)
        let mut tightest: Option<(u8, usize)> = None;
        for (k, &open) in self.open.iter().enumerate() {
            if open > 0 && tightest.is_none_or(|(best, _)| open < best) {
                tightest = Some((open, k));
            }
        }
        let next = match tightest {
            Some((_, k)) => self
                .vars_of(k)
                .map(|j| self.count_vars[j] as usize)
                .find(|&u| self.value[u] == UNSET),
            None => self.value.iter().position(|&x| x == UNSET),
        };
        let Some(v) = next else {
            for (out, &x) in self.layout.iter_mut().zip(&self.value) {
                *out = x == MINE;
            }
            return Ok(true);
        };
        for mine in [true, false] {
            *nodes += 1;
            if *nodes > budget {
                return Err(OverBudget);
            }
            let mark = self.trail.len();
            let found = self.assign(v, mine) && self.search(nodes, budget)?;
            self.undo_to(mark);
            if found {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Whether a layout has `v` set to `mine` (left in `self.layout` when there is one).
    fn layout_with(
        &mut self,
        v: usize,
        mine: bool,
        nodes: &mut u64,
        budget: u64,
    ) -> Result<bool, OverBudget> {
        *nodes += 1;
        let found = self.assign(v, mine) && self.search(nodes, budget)?;
        self.undo_to(0);
        Ok(found)
    }
}

/// The list-based deduction of a row-major n x n grid.
pub fn forced_mines_flat(
    n: usize,
    revealed: &[Option<u8>],
    budget: u64,
) -> Result<Deduction, OverBudget> {
    const NO_VAR: u32 = u32::MAX;
    // Frontier variables, numbered in row-major order.
    let mut var_of = vec![NO_VAR; n * n];
    let mut frontier = vec![false; n * n];
    for i in 0..n {
        for j in 0..n {
            if revealed[i * n + j].is_some() {
                for (r, c) in neighbours(n, i, j) {
                    if revealed[r * n + c].is_none() {
                        frontier[r * n + c] = true;
                    }
                }
            }
        }
    }
    let mut cells = Vec::new();
    for (k, &f) in frontier.iter().enumerate() {
        if f {
            var_of[k] = cells.len() as u32;
            cells.push((k / n, k % n));
        }
    }
    // Union-find over variables that share a number; the numbers' variables (global ids) in
    // row-major order of the numbers, each in neighbour order.
    let mut parent: Vec<u32> = (0..cells.len() as u32).collect();
    fn root(parent: &mut [u32], mut v: u32) -> u32 {
        while parent[v as usize] != v {
            parent[v as usize] = parent[parent[v as usize] as usize];
            v = parent[v as usize];
        }
        v
    }
    let mut number_vars: Vec<u32> = Vec::new();
    let mut numbers: Vec<(u32, u32, u8)> = Vec::new();
    for i in 0..n {
        for j in 0..n {
            let Some(k) = revealed[i * n + j] else {
                continue;
            };
            let start = number_vars.len();
            for (r, c) in neighbours(n, i, j) {
                if revealed[r * n + c].is_none() {
                    number_vars.push(var_of[r * n + c]);
                }
            }
            if usize::from(k) > number_vars.len() - start {
                return Ok(Deduction {
                    forced: None,
                    nodes: 0,
                });
            }
            for w in number_vars[start..].windows(2) {
                let (a, b) = (root(&mut parent, w[0]), root(&mut parent, w[1]));
                parent[a as usize] = b;
            }
            numbers.push((start as u32, number_vars.len() as u32, k));
        }
    }
    // Components in order of their first variable; each one's variables ascending.
    let mut component_of = vec![u32::MAX; cells.len()];
    let mut components: Vec<Vec<u32>> = Vec::new();
    let mut local = vec![0u32; cells.len()];
    for v in 0..cells.len() as u32 {
        let r = root(&mut parent, v) as usize;
        if component_of[r] == u32::MAX {
            component_of[r] = components.len() as u32;
            components.push(Vec::new());
        }
        let c = component_of[r] as usize;
        component_of[v as usize] = c as u32;
        local[v as usize] = components[c].len() as u32;
        components[c].push(v);
    }
    // Each component's numbers, in order: (first, end) into `number_vars`, need.
    let mut component_numbers: Vec<Vec<(u32, u32, u8)>> = vec![Vec::new(); components.len()];
    for &(a, b, need) in &numbers {
        if a < b {
            let c = component_of[number_vars[a as usize] as usize] as usize;
            component_numbers[c].push((a, b, need));
        }
    }
    let mut nodes = 0u64;
    let mut forced = Vec::new();
    for (vars, counts) in components.iter().zip(&component_numbers) {
        let mut count_vars = Vec::new();
        let mut count_start = Vec::with_capacity(counts.len() + 1);
        let mut need = Vec::with_capacity(counts.len());
        count_start.push(0);
        for &(a, b, k) in counts {
            count_vars.extend(
                number_vars[a as usize..b as usize]
                    .iter()
                    .map(|&v| local[v as usize]),
            );
            count_start.push(count_vars.len() as u32);
            need.push(k);
        }
        let mut csp = Csp::new(vars.len(), count_vars, count_start, need);
        if !csp.search(&mut nodes, budget)? {
            return Ok(Deduction {
                forced: None,
                nodes,
            });
        }
        // Mines of one layout are the only candidates; a layout with a candidate safe clears every
        // candidate it leaves safe.
        let mut candidate = csp.layout.clone();
        for v in 0..vars.len() {
            if !candidate[v] {
                continue;
            }
            if csp.layout_with(v, false, &mut nodes, budget)? {
                for (c, &o) in candidate.iter_mut().zip(&csp.layout) {
                    *c &= o;
                }
            } else {
                forced.push(cells[vars[v] as usize]);
            }
        }
    }
    forced.sort_unstable();
    Ok(Deduction {
        forced: Some(forced),
        nodes,
    })
}
