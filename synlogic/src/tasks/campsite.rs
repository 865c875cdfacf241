//! `campsite` (tents and trees): place tents `C` on an n x m grid of trees `T` and empty cells `X`
//! so that each row and column holds its given number of tents, no two tents touch (not even
//! diagonally), and tents and trees pair off one to one, each tent orthogonally next to its own tree.
//! The verifier checks the pairing as a bipartite perfect matching, so any valid layout passes.

use rand::seq::SliceRandom;
use rand::Rng;
use serde_json::{json, Value};

use rlvr_envs::extract::strip_think;

use crate::difficulty::Difficulty;
use crate::error::SynlogicError;
use crate::extract;
use crate::grid_text;
use crate::instance::{Gold, Instance, Metadata};
use crate::language::{fill_with, pick, Bilingual};
use crate::puzzle::{self, GenOptions, Judgement, LazyBegun, Puzzle};
use crate::pyliteral::{self, PyValue};

const ID: &str = "campsite";

/// (rows n, columns m, tree density) per level; SynLogic plants floor(n * m * density) trees. Its
/// run.sh sweeps n, m = 3..5 at density 0.2; denser grids rarely leave room for non-touching tents.
const LEVELS: [(usize, usize, f64); 10] = [
    (3, 3, 0.2),
    (3, 4, 0.2),
    (4, 4, 0.2),
    (4, 5, 0.2),
    (5, 5, 0.2),
    (6, 6, 0.2),
    (7, 7, 0.2),
    (8, 8, 0.2),
    (10, 10, 0.2),
    (12, 12, 0.2),
];

/// Tree layouts drawn per instance before giving up, and the tent search budget for each.
const MAX_LAYOUTS: usize = 1_000;
const LAYOUT_SEARCH_NODES: u64 = 5_000;

/// The largest grid side a record may claim.
const MAX_SIDE: usize = 64;

const INTROS: &[Bilingual] = &[
    Bilingual {
        en: "Solve this {n} x {m} tents-and-trees (Campsite) puzzle.",
        zh: "请解这道 {n} x {m} 的帐篷与树（营地）谜题。",
    },
    Bilingual {
        en: "Below is a {n} x {m} campsite map; pitch the tents.",
        zh: "下面是一张 {n} x {m} 的营地地图，请搭好帐篷。",
    },
    Bilingual {
        en: "Here is a {n} x {m} Campsite grid. Decide where the tents go.",
        zh: "这是一个 {n} x {m} 的营地网格，请确定帐篷的位置。",
    },
];

const RULES: Bilingual = Bilingual {
    en: "T is a tree and X is an empty cell. Put a tent C on some empty cells so that:\n- there are as many tents as trees, and they can be paired one to one so that every tent is directly above, below, left or right of its own tree;\n- no two tents touch, not even diagonally;\n- each row and each column contains exactly the number of tents given below.",
    zh: "T 表示树，X 表示空地。请在部分空地上放置帐篷 C，使得：\n- 帐篷数等于树数，并且帐篷与树可以一一配对，每个帐篷都紧挨在自己那棵树的上、下、左或右边；\n- 任意两个帐篷互不接触，对角线方向也不行；\n- 每行、每列的帐篷数恰好等于下面给出的数目。",
};

const COUNTS: Bilingual = Bilingual {
    en: "Tents per row, top to bottom: {rows}\nTents per column, left to right: {cols}",
    zh: "各行帐篷数（从上到下）：{rows}\n各列帐篷数（从左到右）：{cols}",
};

const FORMAT: Bilingual = Bilingual {
    en: "Finish with the whole grid as a Python list of rows, each cell 'T', 'C' or 'X', for example [['T', 'C', 'X'], ['X', 'X', 'X'], ['C', 'T', 'X']].",
    zh: "最后请把整个网格写成 Python 的行列表，每个格子为 'T'、'C' 或 'X'，例如 [['T', 'C', 'X'], ['X', 'X', 'X'], ['C', 'T', 'X']]。",
};

/// The campsite task.
pub struct Campsite;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    Empty,
    Tree,
    Tent,
}

impl Cell {
    fn symbol(self) -> &'static str {
        match self {
            Cell::Empty => "X",
            Cell::Tree => "T",
            Cell::Tent => "C",
        }
    }
}

type Pos = (usize, usize);

fn orthogonal(n: usize, m: usize, (i, j): Pos) -> impl Iterator<Item = Pos> {
    [
        (j + 1 < m).then_some((i, j + 1)),
        (i + 1 < n).then_some((i + 1, j)),
        j.checked_sub(1).map(|j| (i, j)),
        i.checked_sub(1).map(|i| (i, j)),
    ]
    .into_iter()
    .flatten()
}

/// Whether a tent sits in the 8-neighbourhood of (i, j).
fn touches_tent(grid: &[Vec<Cell>], (i, j): Pos) -> bool {
    let rows = i.saturating_sub(1)..=(i + 1).min(grid.len() - 1);
    rows.into_iter().any(|r| {
        let cols = j.saturating_sub(1)..=(j + 1).min(grid[r].len() - 1);
        cols.into_iter()
            .any(|c| (r, c) != (i, j) && grid[r][c] == Cell::Tent)
    })
}

/// The most cells, and the longest side, of a generated grid (the largest level): generation works
/// on fixed buffers.
const GEN_CELLS: usize = 144;
const GEN_SIDE: usize = 12;
const _: () = {
    let mut k = 0;
    while k < LEVELS.len() {
        assert!(LEVELS[k].0 <= GEN_SIDE && LEVELS[k].1 <= GEN_SIDE);
        assert!(LEVELS[k].0 * LEVELS[k].1 <= GEN_CELLS);
        k += 1;
    }
};

/// A generated grid, row-major on a fixed buffer (no allocation per draw).
#[derive(Clone, Copy)]
struct Layout {
    n: usize,
    m: usize,
    cells: [Cell; GEN_CELLS],
}

impl Layout {
    fn at(&self, i: usize, j: usize) -> Cell {
        self.cells[i * self.m + j]
    }

    /// Whether a tent sits in the 8-neighbourhood of (i, j), as [`touches_tent`].
    fn touches_tent(&self, i: usize, j: usize) -> bool {
        (i.saturating_sub(1)..=(i + 1).min(self.n - 1)).any(|r| {
            (j.saturating_sub(1)..=(j + 1).min(self.m - 1))
                .any(|c| (r, c) != (i, j) && self.at(r, c) == Cell::Tent)
        })
    }

    /// Tents per row and per column.
    fn counts(&self) -> ([u8; GEN_SIDE], [u8; GEN_SIDE]) {
        let (mut rows, mut cols) = ([0u8; GEN_SIDE], [0u8; GEN_SIDE]);
        for i in 0..self.n {
            for j in 0..self.m {
                if self.at(i, j) == Cell::Tent {
                    rows[i] += 1;
                    cols[j] += 1;
                }
            }
        }
        (rows, cols)
    }

    /// The grid as rows of `"T"`, `"C"` and `"X"`; tents read as `"X"` unless `tents`.
    fn symbols(&self, tents: bool) -> Value {
        Value::Array(
            (0..self.n)
                .map(|i| {
                    Value::Array(
                        (0..self.m)
                            .map(|j| match self.at(i, j) {
                                Cell::Tent if !tents => Value::from("X"),
                                c => Value::from(c.symbol()),
                            })
                            .collect(),
                    )
                })
                .collect(),
        )
    }
}

/// SynLogic's planting rule: visit cells in random order and plant a tree where there is none yet
/// and an orthogonal neighbour is still empty.
fn plant_trees(rng: &mut impl Rng, n: usize, m: usize, count: usize) -> Layout {
    let mut grid = Layout {
        n,
        m,
        cells: [Cell::Empty; GEN_CELLS],
    };
    // Row-major cell numbers: shuffled like a list of (row, column) pairs, the same draws.
    let mut order = [0u8; GEN_CELLS];
    for (k, cell) in order[..n * m].iter_mut().enumerate() {
        *cell = k as u8;
    }
    order[..n * m].shuffle(rng);
    let mut planted = 0;
    for &cell in &order[..n * m] {
        if planted >= count {
            break;
        }
        let (i, j) = (usize::from(cell) / m, usize::from(cell) % m);
        if orthogonal(n, m, (i, j)).any(|(a, b)| grid.at(a, b) == Cell::Empty) {
            grid.cells[usize::from(cell)] = Cell::Tree;
            planted += 1;
        }
    }
    grid
}

/// Gives each tree (in order) a tent on a random free orthogonal neighbour that touches no other tent,
/// backtracking; false when none exists within `budget` placements.
fn pitch_tents(rng: &mut impl Rng, grid: &mut Layout, trees: &[u8], budget: &mut u64) -> bool {
    let Some((&tree, rest)) = trees.split_first() else {
        return true;
    };
    let (n, m) = (grid.n, grid.m);
    let mut options = [0u8; 4];
    let mut len = 0;
    for (i, j) in orthogonal(n, m, (usize::from(tree) / m, usize::from(tree) % m)) {
        options[len] = (i * m + j) as u8;
        len += 1;
    }
    options[..len].shuffle(rng);
    for &cell in &options[..len] {
        let cell = usize::from(cell);
        if grid.cells[cell] != Cell::Empty || grid.touches_tent(cell / m, cell % m) {
            continue;
        }
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        grid.cells[cell] = Cell::Tent;
        if pitch_tents(rng, grid, rest, budget) {
            return true;
        }
        grid.cells[cell] = Cell::Empty;
    }
    false
}

fn counts(grid: &[Vec<Cell>]) -> (Vec<usize>, Vec<usize>) {
    let m = grid.first().map_or(0, Vec::len);
    let rows = grid
        .iter()
        .map(|r| r.iter().filter(|&&c| c == Cell::Tent).count())
        .collect();
    let cols = (0..m)
        .map(|j| grid.iter().filter(|r| r[j] == Cell::Tent).count())
        .collect();
    (rows, cols)
}

/// A puzzle as the verifier reads it from a record.
struct Board {
    grid: Vec<Vec<Cell>>,
    rows: Vec<usize>,
    cols: Vec<usize>,
}

fn read_board(gold: Gold<'_>) -> Result<Board, SynlogicError> {
    let bad = |field: &'static str, message: &str| SynlogicError::bad_record(ID, field, message);
    let rows = gold
        .metadata
        .get("grid")
        .and_then(Value::as_array)
        .filter(|r| (1..=MAX_SIDE).contains(&r.len()))
        .ok_or_else(|| bad("metadata.grid", "missing or not 1 to 64 rows"))?;
    let grid: Vec<Vec<Cell>> = rows
        .iter()
        .map(|row| {
            row.as_array()
                .filter(|r| (1..=MAX_SIDE).contains(&r.len()))?
                .iter()
                .map(|c| match c.as_str()? {
                    "T" => Some(Cell::Tree),
                    "X" => Some(Cell::Empty),
                    _ => None,
                })
                .collect()
        })
        .collect::<Option<_>>()
        .ok_or_else(|| bad("metadata.grid", "rows must hold 'T' or 'X' cells"))?;
    let m = grid[0].len();
    if grid.iter().any(|r| r.len() != m) {
        return Err(bad("metadata.grid", "rows differ in length"));
    }
    let list = |key: &'static str, len: usize| {
        gold.metadata
            .get(key)
            .and_then(Value::as_array)
            .filter(|a| a.len() == len)
            .and_then(|a| {
                a.iter()
                    .map(|v| v.as_u64().map(|v| v as usize))
                    .collect::<Option<Vec<_>>>()
            })
            .ok_or_else(|| SynlogicError::bad_record(ID, key, format!("expected {len} counts")))
    };
    let rows = list("row_constraints", grid.len())?;
    let cols = list("col_constraints", m)?;
    Ok(Board { grid, rows, cols })
}

fn response_grid(response: &str) -> Result<Vec<Vec<Cell>>, Judgement> {
    let text = strip_think(response);
    let candidate = extract::last_python_or_any_block(text)
        .or_else(|| extract::last_balanced(text, '[', ']', 3))
        .ok_or_else(|| Judgement::unparseable("no [[...]] grid in the answer"))?;
    let candidate = extract::within_limit(candidate)?;
    let value = pyliteral::parse(candidate)
        .map_err(|e| Judgement::unparseable(format!("the answer is not a list literal: {e}")))?;
    value
        .as_seq()
        .ok_or_else(|| Judgement::wrong("the answer is not a list of rows"))?
        .iter()
        .map(|row| {
            row.as_seq()
                .ok_or_else(|| Judgement::wrong("a row is not a list"))?
                .iter()
                .map(|cell| match cell {
                    PyValue::Str(s) if s == "T" => Ok(Cell::Tree),
                    PyValue::Str(s) if s == "C" => Ok(Cell::Tent),
                    PyValue::Str(s) if s == "X" => Ok(Cell::Empty),
                    _ => Err(Judgement::wrong("cells must be 'T', 'C' or 'X'")),
                })
                .collect()
        })
        .collect()
}

/// Kuhn's augmenting paths: whether every tent gets its own orthogonally adjacent tree.
fn perfect_matching(grid: &[Vec<Cell>], tents: &[Pos], trees: &[Pos]) -> bool {
    let (n, m) = (grid.len(), grid[0].len());
    let tree_index = |p: Pos| trees.binary_search(&p).ok();
    let adjacent: Vec<Vec<usize>> = tents
        .iter()
        .map(|&t| orthogonal(n, m, t).filter_map(tree_index).collect())
        .collect();
    let mut owner: Vec<Option<usize>> = vec![None; trees.len()];
    fn augment(
        tent: usize,
        adjacent: &[Vec<usize>],
        owner: &mut [Option<usize>],
        seen: &mut [bool],
    ) -> bool {
        for &tree in &adjacent[tent] {
            if std::mem::replace(&mut seen[tree], true) {
                continue;
            }
            if owner[tree].is_none_or(|other| augment(other, adjacent, owner, seen)) {
                owner[tree] = Some(tent);
                return true;
            }
        }
        false
    }
    let mut seen = vec![false; trees.len()];
    (0..tents.len()).all(|tent| {
        seen.iter_mut().for_each(|s| *s = false);
        augment(tent, &adjacent, &mut owner, &mut seen)
    })
}

/// Checks the rules; `Err` names the first broken one.
fn check(board: &Board, answer: &[Vec<Cell>]) -> Result<(), String> {
    let (n, m) = (board.grid.len(), board.grid[0].len());
    if answer.len() != n || answer.iter().any(|r| r.len() != m) {
        return Err(format!("the answer is not a {n}x{m} grid"));
    }
    let mut tents = Vec::new();
    let mut trees = Vec::new();
    for i in 0..n {
        for j in 0..m {
            let (given, cell) = (board.grid[i][j], answer[i][j]);
            if (given == Cell::Tree) != (cell == Cell::Tree) {
                return Err(format!("the trees changed at ({}, {})", i + 1, j + 1));
            }
            match cell {
                Cell::Tree => trees.push((i, j)),
                Cell::Tent => tents.push((i, j)),
                Cell::Empty => {}
            }
        }
    }
    let (rows, cols) = counts(answer);
    if let Some(i) = (0..n).find(|&i| rows[i] != board.rows[i]) {
        return Err(format!(
            "row {} has {} tents, not {}",
            i + 1,
            rows[i],
            board.rows[i]
        ));
    }
    if let Some(j) = (0..m).find(|&j| cols[j] != board.cols[j]) {
        return Err(format!(
            "column {} has {} tents, not {}",
            j + 1,
            cols[j],
            board.cols[j]
        ));
    }
    if let Some(&(i, j)) = tents.iter().find(|&&t| touches_tent(answer, t)) {
        return Err(format!(
            "the tent at ({}, {}) touches another",
            i + 1,
            j + 1
        ));
    }
    if tents.len() != trees.len() {
        return Err(format!("{} tents for {} trees", tents.len(), trees.len()));
    }
    if !perfect_matching(answer, &tents, &trees) {
        return Err("tents and trees cannot be paired, each tent next to its own tree".into());
    }
    Ok(())
}

/// The search stops (and reports this many nodes) past this budget.
const MAX_NODES: u64 = 20_000_000;

/// Solves from the trees and counts alone: trees in row-major order each pick a tent among their
/// free orthogonal neighbours, pruned by the counts (a row or column may not overflow, nor need more
/// tents than the unpaired trees within reach can still give). Counts the tents tried.
fn solve_nodes(board: &Board) -> u64 {
    struct Search {
        grid: Vec<Vec<Cell>>,
        trees: Vec<Pos>,
        rows_left: Vec<usize>,
        cols_left: Vec<usize>,
        /// Unpaired trees whose tent could still land in each row / column.
        row_reach: Vec<usize>,
        col_reach: Vec<usize>,
        nodes: u64,
    }
    impl Search {
        fn near(len: usize, k: usize) -> std::ops::RangeInclusive<usize> {
            k.saturating_sub(1)..=(k + 1).min(len - 1)
        }

        /// Marks tree `t` as paired (or unpaired again) and reports whether reach still covers need.
        fn reach(&mut self, (i, j): Pos, paired: bool) -> bool {
            let (n, m) = (self.grid.len(), self.grid[0].len());
            let mut ok = true;
            for r in Self::near(n, i) {
                if paired {
                    self.row_reach[r] -= 1;
                    ok &= self.row_reach[r] >= self.rows_left[r];
                } else {
                    self.row_reach[r] += 1;
                }
            }
            for c in Self::near(m, j) {
                if paired {
                    self.col_reach[c] -= 1;
                    ok &= self.col_reach[c] >= self.cols_left[c];
                } else {
                    self.col_reach[c] += 1;
                }
            }
            ok
        }

        fn go(&mut self, k: usize) -> bool {
            let Some(&tree) = self.trees.get(k) else {
                return true;
            };
            let (n, m) = (self.grid.len(), self.grid[0].len());
            let candidates: Vec<Pos> = orthogonal(n, m, tree).collect();
            for (i, j) in candidates {
                if self.grid[i][j] != Cell::Empty
                    || self.rows_left[i] == 0
                    || self.cols_left[j] == 0
                    || touches_tent(&self.grid, (i, j))
                {
                    continue;
                }
                self.nodes += 1;
                if self.nodes > MAX_NODES {
                    return true;
                }
                self.grid[i][j] = Cell::Tent;
                self.rows_left[i] -= 1;
                self.cols_left[j] -= 1;
                let feasible = self.reach(tree, true);
                if feasible && self.go(k + 1) {
                    return true;
                }
                self.reach(tree, false);
                self.grid[i][j] = Cell::Empty;
                self.rows_left[i] += 1;
                self.cols_left[j] += 1;
            }
            false
        }
    }
    let (n, m) = (board.grid.len(), board.grid[0].len());
    let trees: Vec<Pos> = (0..n)
        .flat_map(|i| (0..m).map(move |j| (i, j)))
        .filter(|&(i, j)| board.grid[i][j] == Cell::Tree)
        .collect();
    let mut row_reach = vec![0; n];
    let mut col_reach = vec![0; m];
    for &(i, j) in &trees {
        Search::near(n, i).for_each(|r| row_reach[r] += 1);
        Search::near(m, j).for_each(|c| col_reach[c] += 1);
    }
    let mut search = Search {
        grid: board.grid.clone(),
        trees,
        rows_left: board.rows.clone(),
        cols_left: board.cols.clone(),
        row_reach,
        col_reach,
        nodes: 0,
    };
    search.go(0);
    search.nodes.min(MAX_NODES)
}

impl Puzzle for Campsite {
    fn id(&self) -> &'static str {
        ID
    }

    fn summary(&self) -> &'static str {
        "SynLogic campsite: tents and trees with row and column counts"
    }

    fn knobs(&self, difficulty: Difficulty) -> Value {
        let (n, m, density) = difficulty.pick(&LEVELS);
        json!({ "n": n, "m": m, "tree_density": density })
    }

    fn generate(
        &self,
        seed: u64,
        index: u64,
        options: GenOptions,
    ) -> Result<Instance, SynlogicError> {
        let LazyBegun {
            level,
            mut rng,
            language,
            trace,
        } = puzzle::begin_lazy(ID, seed, index, options);
        let (n, m, density) = level.pick(&LEVELS);
        let tree_count = ((n * m) as f64 * density) as usize;
        let mut solved = None;
        for _ in 0..MAX_LAYOUTS {
            let mut grid = plant_trees(&mut rng, n, m, tree_count);
            let mut trees = [0u8; GEN_CELLS];
            let mut planted = 0;
            for (cell, &c) in grid.cells[..n * m].iter().enumerate() {
                if c == Cell::Tree {
                    trees[planted] = cell as u8;
                    planted += 1;
                }
            }
            let mut budget = LAYOUT_SEARCH_NODES;
            if pitch_tents(&mut rng, &mut grid, &trees[..planted], &mut budget) {
                solved = Some(grid);
                break;
            }
        }
        let solution = solved.ok_or_else(|| SynlogicError::Generation {
            task: ID,
            seed,
            index,
            message: format!("no tree layout with room for the tents in {MAX_LAYOUTS} draws"),
        })?;
        let (rows, cols) = solution.counts();
        let (n_text, m_text) = (grid_text::small_int(n), grid_text::small_int(m));
        let write = |key: &str, out: &mut String| {
            match key {
                "n" => out.push_str(&n_text),
                "m" => out.push_str(&m_text),
                "rows" => grid_text::push_list(out, rows[..n].iter().map(|&v| i64::from(v))),
                "cols" => grid_text::push_list(out, cols[..m].iter().map(|&v| i64::from(v))),
                _ => return false,
            }
            true
        };
        let intro = pick(&mut rng, INTROS, language);
        let (rules, counts, format) = (
            RULES.get(language),
            COUNTS.get(language),
            FORMAT.get(language),
        );
        let mut question = String::with_capacity(
            intro.len() + rules.len() + counts.len() + format.len() + 2 * n * m + 3 * (n + m) + 16,
        );
        fill_with(&mut question, intro, write);
        question.push('\n');
        question.push_str(rules);
        question.push_str("\n\n");
        for i in 0..n {
            if i > 0 {
                question.push('\n');
            }
            for j in 0..m {
                if j > 0 {
                    question.push(' ');
                }
                // The puzzle shows the trees only.
                question.push(if solution.at(i, j) == Cell::Tree {
                    'T'
                } else {
                    'X'
                });
            }
        }
        question.push_str("\n\n");
        fill_with(&mut question, counts, write);
        question.push_str("\n\n");
        question.push_str(format);
        // The record may be held (a batch, the bench): keep only the bytes it uses.
        question.shrink_to_fit();
        let kept: Vec<Cell> = solution.cells[..n * m].to_vec();
        Ok(Instance {
            question,
            answer: Value::String(String::new()).into(),
            difficulty: level,
            metadata: Metadata::lazy(move || {
                let mut solution = Layout {
                    n,
                    m,
                    cells: [Cell::Empty; GEN_CELLS],
                };
                solution.cells[..n * m].copy_from_slice(&kept);
                let (rows, cols) = solution.counts();
                let list = |v: &[u8]| Value::Array(v.iter().map(|&c| Value::from(c)).collect());
                json!({
                    "trace_id": trace.to_string(),
                    "grid": solution.symbols(false),
                    "solution": solution.symbols(true),
                    "row_constraints": list(&rows[..n]),
                    "col_constraints": list(&cols[..m]),
                    "n": n,
                    "m": m,
                    "tree_density": density,
                    "rlvr": { "level": level.level(), "seed": seed, "index": index, "language": language },
                })
            }),
        })
    }

    fn verify(&self, gold: Gold<'_>, response: &str) -> Result<Judgement, SynlogicError> {
        let board = read_board(gold)?;
        let answer = match response_grid(response) {
            Ok(grid) => grid,
            Err(judgement) => return Ok(judgement),
        };
        Ok(match check(&board, &answer) {
            Ok(()) => Judgement::correct(),
            Err(reason) => Judgement::wrong(reason),
        })
    }

    fn reference_response(&self, gold: Gold<'_>) -> Result<String, SynlogicError> {
        let bad = || SynlogicError::bad_record(ID, "metadata.solution", "expected rows of T/C/X");
        let solution = gold.metadata.get("solution").ok_or_else(bad)?;
        let rows = solution.as_array().ok_or_else(bad)?;
        let text: Vec<String> = rows
            .iter()
            .map(|r| {
                let cells = r.as_array().ok_or_else(bad)?;
                let cells: Vec<String> = cells
                    .iter()
                    .map(|c| match c.as_str() {
                        Some(s @ ("T" | "C" | "X")) => Ok(format!("'{s}'")),
                        _ => Err(bad()),
                    })
                    .collect::<Result<_, _>>()?;
                Ok(format!("[{}]", cells.join(", ")))
            })
            .collect::<Result<_, SynlogicError>>()?;
        Ok(format!(
            "The tents go here:\n```python\n[{}]\n```",
            text.join(",\n ")
        ))
    }

    fn solver_effort(&self, instance: &Instance) -> Option<u64> {
        read_board(instance.gold()).ok().map(|b| solve_nodes(&b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn board(rows: &[&str], row_counts: &[usize], col_counts: &[usize]) -> Board {
        Board {
            grid: rows
                .iter()
                .map(|r| {
                    r.chars()
                        .map(|c| if c == 'T' { Cell::Tree } else { Cell::Empty })
                        .collect()
                })
                .collect(),
            rows: row_counts.to_vec(),
            cols: col_counts.to_vec(),
        }
    }

    fn grid(rows: &[&str]) -> Vec<Vec<Cell>> {
        rows.iter()
            .map(|r| {
                r.chars()
                    .map(|c| match c {
                        'T' => Cell::Tree,
                        'C' => Cell::Tent,
                        _ => Cell::Empty,
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn two_tents_sharing_one_tree_are_wrong() {
        // The counts hold and no tents touch, but both tents only neighbour the same tree.
        let b = board(&["XXXXT", "XTXXX", "XXXXX"], &[0, 2, 0], &[1, 0, 1, 0, 0]);
        assert!(check(&b, &grid(&["XXXXT", "CTCXX", "XXXXX"])).is_err());
    }

    #[test]
    fn a_valid_layout_passes_and_touching_tents_fail() {
        let b = board(&["TXX", "XXX", "XTX"], &[0, 1, 1], &[1, 0, 1]);
        assert!(check(&b, &grid(&["TXX", "CXX", "XTC"])).is_ok());
        assert!(solve_nodes(&b) > 0);
        let b = board(&["TXX", "XXX", "XTX"], &[0, 1, 1], &[2, 0, 0]);
        assert!(check(&b, &grid(&["TXX", "CXX", "CTX"])).is_err());
    }
}
