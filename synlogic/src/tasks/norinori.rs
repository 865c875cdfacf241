//! `norinori`: cover cells of an n x n grid with dominoes (1x2 or 2x1) so that every region has exactly
//! two covered cells, no two dominoes share an edge, and every shadow cell `X` (in no region) is covered.
//!
//! SynLogic's verifier only checks regions that hold at least one covered cell, so a subset of the gold
//! dominoes passes; ours checks every region. Its generator draws random regions and keeps those its
//! solver can fill; ours plants the dominoes first and grows the regions around them, so every instance
//! is solvable by construction. Several solutions may exist: the verifier accepts any valid one.

use rand::seq::SliceRandom;
use rand::Rng;
use serde_json::{json, Value};

use crate::difficulty::Difficulty;
use crate::error::SynlogicError;
use crate::extract::{self, strip_think};
use crate::instance::{Gold, Instance, Metadata};
use crate::language::{fill, pick, Bilingual};
use crate::puzzle::{self, Begun, GenOptions, Judgement, Puzzle};
use crate::pyliteral::{self, PyValue};

const ID: &str = "norinori";

/// The shadow label; region labels are the other capital letters.
const SHADOW: &str = "X";

/// (side, regions, shadow dominoes) per level. SynLogic's run.sh draws 5x5 grids with 3-5 regions and
/// 10% shadow cells.
const LEVELS: [(usize, usize, usize); 10] = [
    (4, 3, 0),
    (5, 4, 0),
    (5, 4, 1),
    (6, 5, 1),
    (6, 6, 1),
    (7, 8, 1),
    (8, 10, 1),
    (8, 11, 2),
    (9, 14, 2),
    (10, 17, 2),
];

const INTROS: &[Bilingual] = &[
    Bilingual {
        en: "Solve this {n}x{n} Norinori puzzle.",
        zh: "请解这道 {n}x{n} 的 Norinori 谜题。",
    },
    Bilingual {
        en: "Place dominoes on the {n}x{n} Norinori grid below.",
        zh: "请在下方 {n}x{n} 的 Norinori 网格上放置多米诺骨牌。",
    },
    Bilingual {
        en: "Here is a {n}x{n} Norinori grid divided into lettered regions; cover it with dominoes by the rules.",
        zh: "这是一个被划分为字母区域的 {n}x{n} Norinori 网格，请按规则用多米诺骨牌覆盖格子。",
    },
];

const RULES: Bilingual = Bilingual {
    en: "Rules: each domino covers two edge-adjacent cells (1x2 or 2x1). Every lettered region must have exactly two of its cells covered; a domino may cross a region border. Two dominoes may touch at a corner but never along an edge. Cells marked X belong to no region and must all be covered. Rows and columns are numbered from 1, starting at the top-left cell.",
    zh: "规则：每块多米诺骨牌覆盖两个边相邻的格子（1x2 或 2x1）。每个字母区域必须恰好有两个格子被覆盖；一块骨牌可以跨越区域边界。两块骨牌可以在角上相接，但不能共享一条边。标记为 X 的格子不属于任何区域，且必须全部被覆盖。行和列从 1 开始编号，左上角的格子为 (1,1)。",
};

const FORMAT: Bilingual = Bilingual {
    en: "At the end, list every domino as a pair of (row, column) coordinates, e.g. [[(1,2), (1,3)], [(3,1), (4,1)]].",
    zh: "请在最后列出所有多米诺骨牌，每块写成一对 (行, 列) 坐标，例如 [[(1,2), (1,3)], [(3,1), (4,1)]]。",
};

/// The norinori task.
pub struct Norinori;

type Cell = (usize, usize);

/// A region grid: `region[i][j]` is `Some(r)` for region `r`, `None` for a shadow cell.
struct Board {
    n: usize,
    region: Vec<Vec<Option<usize>>>,
    regions: usize,
}

fn neighbours(n: usize, (i, j): Cell) -> impl Iterator<Item = Cell> {
    let up = i.checked_sub(1).map(|i| (i, j));
    let left = j.checked_sub(1).map(|j| (i, j));
    let down = (i + 1 < n).then_some((i + 1, j));
    let right = (j + 1 < n).then_some((i, j + 1));
    [up, left, down, right].into_iter().flatten()
}

/// Every domino position of an n x n grid: right and down pairs.
fn all_pairs(n: usize) -> Vec<(Cell, Cell)> {
    let mut pairs = Vec::new();
    for i in 0..n {
        for j in 0..n {
            if j + 1 < n {
                pairs.push(((i, j), (i, j + 1)));
            }
            if i + 1 < n {
                pairs.push(((i, j), (i + 1, j)));
            }
        }
    }
    pairs
}

/// Whether a domino on `(a, b)` fits `covered`: both free, and no covered cell along an edge.
fn fits(covered: &[Vec<bool>], n: usize, (a, b): (Cell, Cell)) -> bool {
    !covered[a.0][a.1]
        && !covered[b.0][b.1]
        && [a, b]
            .into_iter()
            .all(|c| neighbours(n, c).all(|(x, y)| !covered[x][y]))
}

/// Plants `count` dominoes at random, none sharing an edge; `None` when the grid jams first.
fn plant_dominoes(rng: &mut impl Rng, n: usize, count: usize) -> Option<Vec<(Cell, Cell)>> {
    let mut pairs = all_pairs(n);
    pairs.shuffle(rng);
    let mut covered = vec![vec![false; n]; n];
    let mut placed = Vec::new();
    for pair in pairs {
        if placed.len() == count {
            break;
        }
        if fits(&covered, n, pair) {
            covered[pair.0 .0][pair.0 .1] = true;
            covered[pair.1 .0][pair.1 .1] = true;
            placed.push(pair);
        }
    }
    (placed.len() == count).then_some(placed)
}

/// Grows one region from each of the first `regions` dominoes over the uncovered cells (random
/// frontier growth); the remaining dominoes are shadow cells. `None` if a cell stays unreachable.
fn grow_regions(
    rng: &mut impl Rng,
    n: usize,
    dominoes: &[(Cell, Cell)],
    regions: usize,
) -> Option<Vec<Vec<Option<usize>>>> {
    let mut label: Vec<Vec<Option<usize>>> = vec![vec![None; n]; n];
    let mut blocked = vec![vec![false; n]; n];
    for (k, &(a, b)) in dominoes.iter().enumerate() {
        for c in [a, b] {
            blocked[c.0][c.1] = true;
            if k < regions {
                label[c.0][c.1] = Some(k);
            }
        }
    }
    let mut frontier: Vec<Cell> = dominoes[..regions]
        .iter()
        .flat_map(|&(a, b)| [a, b])
        .collect();
    while !frontier.is_empty() {
        let at = rng.gen_range(0..frontier.len());
        let cell = frontier[at];
        let free: Vec<Cell> = neighbours(n, cell)
            .filter(|&(x, y)| label[x][y].is_none() && !blocked[x][y])
            .collect();
        if free.is_empty() {
            frontier.swap_remove(at);
            continue;
        }
        let next = free[rng.gen_range(0..free.len())];
        label[next.0][next.1] = label[cell.0][cell.1];
        frontier.push(next);
    }
    let shadow_cells: Vec<Cell> = dominoes[regions..]
        .iter()
        .flat_map(|&(a, b)| [a, b])
        .collect();
    let complete =
        (0..n).all(|i| (0..n).all(|j| label[i][j].is_some() || shadow_cells.contains(&(i, j))));
    complete.then_some(label)
}

fn region_text(r: usize) -> String {
    // Capital letters without X, which marks shadow cells.
    let letters: Vec<char> = ('A'..='Z').filter(|&c| c != 'X').collect();
    letters[r].to_string()
}

/// What the verifier reads: the region of every cell, row-major ([`NO_REGION`] for a shadow cell).
struct Regions {
    n: usize,
    cell: Vec<u16>,
    count: usize,
}

const NO_REGION: u16 = u16::MAX;

impl Regions {
    #[cfg(test)]
    fn of(board: &Board) -> Regions {
        Regions {
            n: board.n,
            cell: board
                .region
                .iter()
                .flatten()
                .map(|r| r.map_or(NO_REGION, |r| r as u16))
                .collect(),
            count: board.regions,
        }
    }
}

fn read_regions(gold: Gold<'_>) -> Result<Regions, SynlogicError> {
    let bad =
        |message: &str| SynlogicError::bad_record(ID, "metadata.region_grid", message.to_owned());
    let rows = gold
        .metadata
        .get("region_grid")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("missing or not a list of rows"))?;
    let n = rows.len();
    if !(1..=32).contains(&n) {
        return Err(bad("expected 1 to 32 rows"));
    }
    // Regions are numbered in order of first appearance. Labels are one letter in our records
    // (looked up by byte); longer labels, possible in others, by a scan of those seen.
    let mut by_byte = [NO_REGION; 256];
    let mut long_labels: Vec<(&str, u16)> = Vec::new();
    let mut count: u16 = 0;
    let mut cell = Vec::with_capacity(n * n);
    for row in rows {
        let cells = row
            .as_array()
            .filter(|r| r.len() == n)
            .ok_or_else(|| bad("a row is not a list of n labels"))?;
        for label in cells {
            let text = label
                .as_str()
                .ok_or_else(|| bad("a label is not a string"))?;
            if text == SHADOW {
                cell.push(NO_REGION);
                continue;
            }
            let slot = match text.as_bytes() {
                [b] => &mut by_byte[usize::from(*b)],
                _ => {
                    let at = match long_labels.iter().position(|(l, _)| *l == text) {
                        Some(at) => at,
                        None => {
                            long_labels.push((text, NO_REGION));
                            long_labels.len() - 1
                        }
                    };
                    &mut long_labels[at].1
                }
            };
            if *slot == NO_REGION {
                *slot = count;
                count += 1;
            }
            cell.push(*slot);
        }
    }
    Ok(Regions {
        n,
        cell,
        count: usize::from(count),
    })
}

/// The dominoes of a response, 1-based as written.
fn response_dominoes(response: &str) -> Result<Vec<[(i64, i64); 2]>, Judgement> {
    let text = strip_think(response);
    let candidate = extract::last_python_or_any_block(text)
        .or_else(|| extract::last_balanced(text, '[', ']', 3))
        .ok_or_else(|| Judgement::unparseable("no [[(r,c), (r,c)], ...] list in the answer"))?;
    let candidate = extract::within_limit(candidate)?;
    // The usual answer is read without building a literal tree.
    if let Some(dominoes) = pyliteral::simple_pair_pairs(candidate) {
        return Ok(dominoes);
    }
    let value = pyliteral::parse(candidate)
        .map_err(|e| Judgement::unparseable(format!("the answer is not a list literal: {e}")))?;
    let items = value
        .as_seq()
        .ok_or_else(|| Judgement::wrong("the answer is not a list of dominoes"))?;
    let coordinate = |v: &PyValue| -> Option<(i64, i64)> {
        match v.as_seq()? {
            [r, c] => Some((r.as_int()?, c.as_int()?)),
            _ => None,
        }
    };
    items
        .iter()
        .map(|item| match item.as_seq() {
            Some([a, b]) => match (coordinate(a), coordinate(b)) {
                (Some(a), Some(b)) => Ok([a, b]),
                _ => Err(Judgement::wrong(
                    "a domino is not two (row, column) integer pairs",
                )),
            },
            _ => Err(Judgement::wrong("a domino is not a pair of coordinates")),
        })
        .collect()
}

/// Checks the rules; `Err` names the first broken one.
fn check(board: &Regions, dominoes: &[[(i64, i64); 2]]) -> Result<(), String> {
    let n = board.n;
    const FREE: u16 = u16::MAX;
    // The domino covering each cell (row-major), then the covered cells per region.
    let mut owner = vec![FREE; n * n];
    let inside = |(r, c): (i64, i64)| -> Option<Cell> {
        let (r, c) = (usize::try_from(r).ok()?, usize::try_from(c).ok()?);
        ((1..=n).contains(&r) && (1..=n).contains(&c)).then(|| (r - 1, c - 1))
    };
    for (k, [a, b]) in dominoes.iter().enumerate() {
        let (Some(ca), Some(cb)) = (inside(*a), inside(*b)) else {
            return Err(format!("domino {} leaves the {n}x{n} grid", k + 1));
        };
        if ca.0.abs_diff(cb.0) + ca.1.abs_diff(cb.1) != 1 {
            return Err(format!(
                "domino {} does not cover two edge-adjacent cells",
                k + 1
            ));
        }
        for c in [ca, cb] {
            if owner[c.0 * n + c.1] != FREE {
                return Err(format!("cell ({}, {}) is covered twice", c.0 + 1, c.1 + 1));
            }
            // Dominoes beyond n*n/2 cannot all fit, so k < n*n/2 < FREE here.
            owner[c.0 * n + c.1] = k as u16;
        }
    }
    for i in 0..n {
        for j in 0..n {
            let k = owner[i * n + j];
            if k == FREE {
                if board.cell[i * n + j] == NO_REGION {
                    return Err(format!("shadow cell ({}, {}) is not covered", i + 1, j + 1));
                }
                continue;
            }
            if let Some((x, y)) = neighbours(n, (i, j)).find(|&(x, y)| {
                let o = owner[x * n + y];
                o != FREE && o != k
            }) {
                return Err(format!(
                    "dominoes at ({}, {}) and ({}, {}) share an edge",
                    i + 1,
                    j + 1,
                    x + 1,
                    y + 1
                ));
            }
        }
    }
    let mut count = vec![0usize; board.count];
    for (&r, &o) in board.cell.iter().zip(owner.iter()) {
        if r != NO_REGION && o != FREE {
            count[usize::from(r)] += 1;
        }
    }
    // Every region, including those the response leaves untouched.
    if let Some(r) = (0..board.count).find(|&r| count[r] != 2) {
        return Err(format!("a region has {} covered cells, not 2", count[r]));
    }
    Ok(())
}

/// The search stops (and reports this many nodes) past this budget.
const MAX_NODES: u64 = 20_000_000;

/// Depth-first search for one solution; at each step it fills the open constraint (an uncovered shadow
/// cell, or a region still short of covered cells) with the fewest dominoes that fit. Counts placements.
fn solve_nodes(board: &Board) -> u64 {
    let n = board.n;
    let pairs = all_pairs(n);
    // Constraint k < regions: region k; then one per shadow cell.
    let shadows: Vec<Cell> = (0..n)
        .flat_map(|i| (0..n).map(move |j| (i, j)))
        .filter(|&(i, j)| board.region[i][j].is_none())
        .collect();
    let mut touching: Vec<Vec<usize>> = vec![Vec::new(); board.regions + shadows.len()];
    for (p, &(a, b)) in pairs.iter().enumerate() {
        for c in [a, b] {
            let k = match board.region[c.0][c.1] {
                Some(r) => r,
                None => board.regions + shadows.iter().position(|&s| s == c).unwrap_or(0),
            };
            if touching[k].last() != Some(&p) {
                touching[k].push(p);
            }
        }
    }
    struct State<'a> {
        board: &'a Board,
        pairs: &'a [(Cell, Cell)],
        shadows: &'a [Cell],
        touching: &'a [Vec<usize>],
        covered: Vec<Vec<bool>>,
        need: Vec<usize>,
        nodes: u64,
    }
    impl State<'_> {
        fn allowed(&self, p: usize) -> bool {
            let (a, b) = self.pairs[p];
            if !fits(&self.covered, self.board.n, (a, b)) {
                return false;
            }
            let mut regions_hit = vec![];
            for c in [a, b] {
                if let Some(r) = self.board.region[c.0][c.1] {
                    regions_hit.push(r);
                }
            }
            regions_hit
                .iter()
                .all(|&r| self.need[r] >= regions_hit.iter().filter(|&&s| s == r).count())
        }
        fn set(&mut self, p: usize, on: bool) {
            let (a, b) = self.pairs[p];
            for c in [a, b] {
                self.covered[c.0][c.1] = on;
                if let Some(r) = self.board.region[c.0][c.1] {
                    if on {
                        self.need[r] -= 1;
                    } else {
                        self.need[r] += 1;
                    }
                }
            }
        }
        fn go(&mut self) -> bool {
            let regions = self.board.regions;
            let mut best: Option<Vec<usize>> = None;
            for k in 0..self.touching.len() {
                let open = if k < regions {
                    self.need[k] > 0
                } else {
                    let s = self.shadows[k - regions];
                    !self.covered[s.0][s.1]
                };
                if !open {
                    continue;
                }
                let options: Vec<usize> = self.touching[k]
                    .iter()
                    .copied()
                    .filter(|&p| self.allowed(p))
                    .collect();
                if best.as_ref().is_none_or(|b| options.len() < b.len()) {
                    let empty = options.is_empty();
                    best = Some(options);
                    if empty {
                        return false;
                    }
                }
            }
            let Some(options) = best else {
                return true;
            };
            for p in options {
                self.nodes += 1;
                if self.nodes > MAX_NODES {
                    return true;
                }
                self.set(p, true);
                let found = self.go();
                self.set(p, false);
                if found {
                    return true;
                }
            }
            false
        }
    }
    let mut state = State {
        board,
        pairs: &pairs,
        shadows: &shadows,
        touching: &touching,
        covered: vec![vec![false; n]; n],
        need: vec![2; board.regions],
        nodes: 0,
    };
    state.go();
    state.nodes
}

impl Puzzle for Norinori {
    fn id(&self) -> &'static str {
        ID
    }

    fn summary(&self) -> &'static str {
        "SynLogic norinori: dominoes covering exactly two cells of every region"
    }

    fn knobs(&self, difficulty: Difficulty) -> Value {
        let (n, regions, shadow_dominoes) = difficulty.pick(&LEVELS);
        json!({ "n": n, "region_nums": regions, "shadow_dominoes": shadow_dominoes })
    }

    fn generate(
        &self,
        seed: u64,
        index: u64,
        options: GenOptions,
    ) -> Result<Instance, SynlogicError> {
        let Begun {
            level,
            mut rng,
            language,
            trace,
        } = puzzle::begin(ID, seed, index, options);
        let (n, regions, shadow_dominoes) = level.pick(&LEVELS);
        let mut planted = None;
        for _ in 0..1_000 {
            let Some(dominoes) = plant_dominoes(&mut rng, n, regions + shadow_dominoes) else {
                continue;
            };
            if let Some(label) = grow_regions(&mut rng, n, &dominoes, regions) {
                planted = Some((dominoes, label));
                break;
            }
        }
        let Some((dominoes, label)) = planted else {
            return Err(SynlogicError::Generation {
                task: ID,
                seed,
                index,
                message: "no domino layout with fully grown regions in 1000 draws".into(),
            });
        };
        let region_grid: Vec<Vec<String>> = label
            .iter()
            .map(|row| {
                row.iter()
                    .map(|l| l.map_or_else(|| SHADOW.to_owned(), region_text))
                    .collect()
            })
            .collect();
        let board = Board {
            n,
            region: label,
            regions,
        };
        let nodes = solve_nodes(&board);
        let mut solution: Vec<[Cell; 2]> = dominoes
            .iter()
            .map(|&(a, b)| [(a.0 + 1, a.1 + 1), (b.0 + 1, b.1 + 1)])
            .collect();
        solution.sort_unstable();
        let n_text = n.to_string();
        let vars = [("n", n_text.as_str())];
        let grid_text: Vec<String> = region_grid.iter().map(|r| r.join(" ")).collect();
        let question = format!(
            "{}\n{}\n\n{}\n\n{}",
            fill(pick(&mut rng, INTROS, language), &vars),
            RULES.get(language),
            grid_text.join("\n"),
            FORMAT.get(language)
        );
        let shadow_cells = 2 * shadow_dominoes;
        Ok(Instance {
            question,
            answer: Value::String(String::new()).into(),
            difficulty: level,
            metadata: Metadata::lazy(move || {
                json!({
                    "trace_id": trace,
                    "region_grid": region_grid,
                    "solution": solution,
                    "n": n,
                    "region_nums": regions,
                    "shadow_ratio": shadow_cells as f64 / (n * n) as f64,
                    "rlvr": {
                        "level": level.level(), "seed": seed, "index": index, "language": language,
                        "solver_nodes": nodes,
                    },
                })
            }),
        })
    }

    fn verify(&self, gold: Gold<'_>, response: &str) -> Result<Judgement, SynlogicError> {
        let board = read_regions(gold)?;
        let dominoes = match response_dominoes(response) {
            Ok(d) => d,
            Err(judgement) => return Ok(judgement),
        };
        Ok(match check(&board, &dominoes) {
            Ok(()) => Judgement::correct(),
            Err(reason) => Judgement::wrong(reason),
        })
    }

    fn reference_response(&self, gold: Gold<'_>) -> Result<String, SynlogicError> {
        let bad = || {
            SynlogicError::bad_record(ID, "metadata.solution", "expected [[[r, c], [r, c]], ...]")
        };
        let solution = gold
            .metadata
            .get("solution")
            .and_then(Value::as_array)
            .ok_or_else(bad)?;
        let mut parts = Vec::with_capacity(solution.len());
        for domino in solution {
            let cells = domino.as_array().filter(|d| d.len() == 2).ok_or_else(bad)?;
            let mut text = Vec::with_capacity(2);
            for cell in cells {
                let rc = cell
                    .as_array()
                    .filter(|c| c.len() == 2)
                    .and_then(|c| Some((c[0].as_u64()?, c[1].as_u64()?)))
                    .ok_or_else(bad)?;
                text.push(format!("({}, {})", rc.0, rc.1));
            }
            parts.push(format!("[{}]", text.join(", ")));
        }
        Ok(format!("The dominoes are [{}]", parts.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_is_checked_so_a_subset_of_the_gold_fails() {
        let instance = Norinori
            .generate(3, 0, GenOptions::at(Difficulty::new(5).unwrap()))
            .unwrap();
        let gold = instance.gold();
        let full = Norinori.reference_response(gold).unwrap();
        assert!(Norinori.verify(gold, &full).unwrap().is_correct());
        // Keep only the first domino: SynLogic's verifier skipped the regions left uncovered.
        let first = full.find("], [").unwrap();
        let subset = format!("{}]]", &full[..first]);
        let judged = Norinori.verify(gold, &subset).unwrap();
        assert_eq!(judged.verdict, rlvr_envs::Verdict::Wrong, "{judged:?}");
    }

    #[test]
    fn touching_dominoes_and_bad_shapes_are_wrong() {
        let board = Board {
            n: 3,
            region: vec![vec![Some(0); 3]; 3],
            regions: 1,
        };
        assert!(check(&Regions::of(&board), &[[(1, 1), (1, 2)]]).is_ok());
        assert!(check(&Regions::of(&board), &[[(1, 1), (2, 2)]]).is_err());
        let two_regions = Board {
            n: 3,
            region: vec![vec![Some(0); 3], vec![Some(1); 3], vec![Some(1); 3]],
            regions: 2,
        };
        assert!(check(
            &Regions::of(&two_regions),
            &[[(1, 1), (1, 2)], [(2, 1), (2, 2)]]
        )
        .is_err());
        assert!(check(
            &Regions::of(&two_regions),
            &[[(1, 1), (1, 2)], [(3, 1), (3, 2)]]
        )
        .is_ok());
    }
}
