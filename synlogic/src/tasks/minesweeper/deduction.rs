//! Which unrevealed cells are mines in *every* mine layout consistent with the revealed numbers.
//!
//! Only frontier cells (unrevealed, next to a revealed number) are constrained; every other
//! unrevealed cell may be safe, so it is never forced. The frontier splits into components that share
//! no number; each is a small exact-count constraint problem, solved by depth-first search with unit
//! propagation (a number whose mines are all placed clears its other cells; one that needs all its
//! open cells fills them). A cell is forced exactly when the search finds no layout with it safe.

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

fn neighbours(n: usize, i: usize, j: usize) -> impl Iterator<Item = (usize, usize)> {
    let rows = i.saturating_sub(1)..=(i + 1).min(n - 1);
    rows.flat_map(move |r| {
        let cols = j.saturating_sub(1)..=(j + 1).min(n - 1);
        cols.map(move |c| (r, c))
    })
    .filter(move |&cell| cell != (i, j))
}

/// One exact-count constraint: `need` mines among `vars`.
struct Count {
    vars: Vec<usize>,
    need: usize,
}

/// A component's constraint problem with its search state.
struct Csp {
    counts: Vec<Count>,
    var_counts: Vec<Vec<usize>>,
    value: Vec<Option<bool>>,
    mines: Vec<usize>,
    open: Vec<usize>,
    trail: Vec<usize>,
}

impl Csp {
    fn new(vars: usize, counts: Vec<Count>) -> Self {
        let mut var_counts = vec![Vec::new(); vars];
        for (k, count) in counts.iter().enumerate() {
            for &v in &count.vars {
                var_counts[v].push(k);
            }
        }
        let open = counts.iter().map(|c| c.vars.len()).collect();
        Csp {
            mines: vec![0; counts.len()],
            open,
            counts,
            var_counts,
            value: vec![None; vars],
            trail: Vec::new(),
        }
    }

    /// Sets `v` and propagates; `false` on a contradiction (the caller undoes to its trail mark).
    fn assign(&mut self, v: usize, mine: bool) -> bool {
        let mut queue = vec![(v, mine)];
        while let Some((v, mine)) = queue.pop() {
            match self.value[v] {
                Some(current) if current == mine => continue,
                Some(_) => return false,
                None => {}
            }
            self.value[v] = Some(mine);
            self.trail.push(v);
            // All counts first, so that `undo_to` can reverse them even after a contradiction.
            for &k in &self.var_counts[v] {
                self.open[k] -= 1;
                if mine {
                    self.mines[k] += 1;
                }
            }
            for &k in &self.var_counts[v] {
                let (have, open, need) = (self.mines[k], self.open[k], self.counts[k].need);
                if have > need || have + open < need {
                    return false;
                }
                if open > 0 && (have == need || have + open == need) {
                    let fill = have < need;
                    for &u in &self.counts[k].vars {
                        if self.value[u].is_none() {
                            queue.push((u, fill));
                        }
                    }
                }
            }
        }
        true
    }

    fn undo_to(&mut self, mark: usize) {
        while self.trail.len() > mark {
            let v = self.trail.pop().expect("trail longer than mark");
            let mine = self.value[v] == Some(true);
            self.value[v] = None;
            for &k in &self.var_counts[v] {
                self.open[k] += 1;
                if mine {
                    self.mines[k] -= 1;
                }
            }
        }
    }

    /// Completes the current partial assignment; `Some(layout)` on success, the state restored.
    fn search(&mut self, nodes: &mut u64, budget: u64) -> Result<Option<Vec<bool>>, OverBudget> {
        // Branch inside the number with the fewest open cells, so propagation reaches far; a
        // variable-order choice made without it thrashes on large frontiers.
        let tightest = (0..self.counts.len())
            .filter(|&k| self.open[k] > 0)
            .min_by_key(|&k| self.open[k]);
        let next = match tightest {
            Some(k) => self.counts[k]
                .vars
                .iter()
                .copied()
                .find(|&u| self.value[u].is_none()),
            None => self.value.iter().position(Option::is_none),
        };
        let Some(v) = next else {
            return Ok(Some(self.value.iter().map(|x| *x == Some(true)).collect()));
        };
        for mine in [true, false] {
            *nodes += 1;
            if *nodes > budget {
                return Err(OverBudget);
            }
            let mark = self.trail.len();
            let found = if self.assign(v, mine) {
                self.search(nodes, budget)?
            } else {
                None
            };
            self.undo_to(mark);
            if found.is_some() {
                return Ok(found);
            }
        }
        Ok(None)
    }

    /// A layout with `v` set to `mine`, if any.
    fn layout_with(
        &mut self,
        v: usize,
        mine: bool,
        nodes: &mut u64,
        budget: u64,
    ) -> Result<Option<Vec<bool>>, OverBudget> {
        *nodes += 1;
        let found = if self.assign(v, mine) {
            self.search(nodes, budget)?
        } else {
            None
        };
        self.undo_to(0);
        Ok(found)
    }
}

/// The forced mines of `revealed` (an n x n grid), spending at most `budget` search nodes.
pub fn forced_mines(revealed: &Revealed, budget: u64) -> Result<Deduction, OverBudget> {
    let n = revealed.len();
    // Frontier variables, numbered in row-major order.
    let mut var_of = vec![vec![usize::MAX; n]; n];
    let mut cells = Vec::new();
    let mut numbers = Vec::new();
    for i in 0..n {
        for j in 0..n {
            if let Some(k) = revealed[i][j] {
                numbers.push((i, j, usize::from(k)));
                for (r, c) in neighbours(n, i, j) {
                    if revealed[r][c].is_none() && var_of[r][c] == usize::MAX {
                        var_of[r][c] = 0;
                    }
                }
            }
        }
    }
    for i in 0..n {
        for j in 0..n {
            if var_of[i][j] == 0 {
                var_of[i][j] = cells.len();
                cells.push((i, j));
            }
        }
    }
    // Union-find over variables that share a number.
    let mut parent: Vec<usize> = (0..cells.len()).collect();
    fn root(parent: &mut [usize], mut v: usize) -> usize {
        while parent[v] != v {
            parent[v] = parent[parent[v]];
            v = parent[v];
        }
        v
    }
    let mut constraints = Vec::with_capacity(numbers.len());
    for &(i, j, need) in &numbers {
        let vars: Vec<usize> = neighbours(n, i, j)
            .filter(|&(r, c)| revealed[r][c].is_none())
            .map(|(r, c)| var_of[r][c])
            .collect();
        if need > vars.len() {
            return Ok(Deduction {
                forced: None,
                nodes: 0,
            });
        }
        for w in vars.windows(2) {
            let (a, b) = (root(&mut parent, w[0]), root(&mut parent, w[1]));
            parent[a] = b;
        }
        constraints.push((vars, need));
    }
    // Per component: its variables and its (variables, mines needed) numbers.
    type Component = (Vec<usize>, Vec<(Vec<usize>, usize)>);
    let mut components: Vec<Component> = Vec::new();
    let mut component_of = vec![usize::MAX; cells.len()];
    for v in 0..cells.len() {
        let r = root(&mut parent, v);
        if component_of[r] == usize::MAX {
            component_of[r] = components.len();
            components.push((Vec::new(), Vec::new()));
        }
        component_of[v] = component_of[r];
        components[component_of[r]].0.push(v);
    }
    for (vars, need) in constraints {
        match vars.first() {
            Some(&v) => components[component_of[v]].1.push((vars, need)),
            None if need > 0 => {
                return Ok(Deduction {
                    forced: None,
                    nodes: 0,
                })
            }
            None => {}
        }
    }
    let mut nodes = 0u64;
    let mut forced = Vec::new();
    for (vars, counts) in components {
        let local: std::collections::HashMap<usize, usize> =
            vars.iter().enumerate().map(|(k, &v)| (v, k)).collect();
        let counts = counts
            .into_iter()
            .map(|(vs, need)| Count {
                vars: vs.iter().map(|v| local[v]).collect(),
                need,
            })
            .collect();
        let mut csp = Csp::new(vars.len(), counts);
        let Some(first) = csp.search(&mut nodes, budget)? else {
            return Ok(Deduction {
                forced: None,
                nodes,
            });
        };
        // Mines of one layout are the only candidates; a layout with a candidate safe clears every
        // candidate it leaves safe.
        let mut candidate = first;
        for v in 0..vars.len() {
            if !candidate[v] {
                continue;
            }
            match csp.layout_with(v, false, &mut nodes, budget)? {
                Some(other) => {
                    for (c, o) in candidate.iter_mut().zip(other) {
                        *c &= o;
                    }
                }
                None => forced.push(cells[vars[v]]),
            }
        }
    }
    forced.sort_unstable();
    Ok(Deduction {
        forced: Some(forced),
        nodes,
    })
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
