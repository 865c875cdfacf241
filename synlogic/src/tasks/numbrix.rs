//! `numbrix`: fill an n x n grid with 1..n² so that consecutive numbers are orthogonally adjacent (a
//! Hamiltonian path), keeping the given clues. Like SynLogic, 1 and n² are always given. The verifier
//! checks the rules, so any valid path passes.

use rand::Rng;
use serde_json::{json, Value};

use crate::difficulty::Difficulty;
use crate::error::SynlogicError;
use crate::extract::{self, strip_think};
use crate::grid_text;
use crate::instance::{Gold, Instance, Metadata};
use crate::language::{fill_with, pick, Bilingual};
use crate::puzzle::{self, GenOptions, Judgement, LazyBegun, Puzzle};
use crate::pyliteral;

const ID: &str = "numbrix";

/// (side, share of cells given) per level. SynLogic's run.sh draws n = 6..12 at fill rates 0.3-0.4.
const LEVELS: [(usize, f64); 10] = [
    (3, 0.5),
    (4, 0.5),
    (4, 0.4),
    (5, 0.4),
    (5, 0.3),
    (6, 0.35),
    (6, 0.3),
    // 7x7 at .3 measured above 8x8 at .3 (630 vs 483 mean nodes); .35 keeps level 8 below level 9.
    (7, 0.35),
    (8, 0.3),
    (9, 0.3),
];

const INTROS: &[Bilingual] = &[
    Bilingual {
        en: "Solve this {n}x{n} Numbrix puzzle.",
        zh: "请解这道 {n}x{n} 的 Numbrix 谜题。",
    },
    Bilingual {
        en: "Complete the {n}x{n} Numbrix grid below.",
        zh: "请补全下方 {n}x{n} 的 Numbrix 网格。",
    },
];

const RULES: Bilingual = Bilingual {
    en: "Replace every X with a number so that each of 1 to {nn} appears exactly once and every two consecutive numbers sit in cells sharing an edge (up, down, left or right). The given numbers stay where they are.",
    zh: "把每个 X 换成一个数字，使 1 到 {nn} 的每个数恰好出现一次，并且任意两个相邻的数（如 3 和 4）所在的格子共享一条边（上下左右）。已给出的数字保持不变。",
};

const FORMAT: Bilingual = Bilingual {
    en: "At the end, give the full grid as a list of rows of integers, e.g. [[1, 2, 3], [6, 5, 4], [7, 8, 9]].",
    zh: "请在最后把完整网格写成由各行整数组成的列表，例如 [[1, 2, 3], [6, 5, 4], [7, 8, 9]]。",
};

/// The numbrix task.
pub struct Numbrix;

type Cell = (usize, usize);

fn adjacent(a: Cell, b: Cell) -> bool {
    a.0.abs_diff(b.0) + a.1.abs_diff(b.1) == 1
}

fn neighbours(n: usize, (i, j): Cell) -> impl Iterator<Item = Cell> {
    [
        i.checked_sub(1).map(|i| (i, j)),
        j.checked_sub(1).map(|j| (i, j)),
        (i + 1 < n).then_some((i + 1, j)),
        (j + 1 < n).then_some((i, j + 1)),
    ]
    .into_iter()
    .flatten()
}

/// A random Hamiltonian path: a snake scrambled by backbite moves (an end jumps to a neighbour and
/// the loop it closes is reversed), which keeps a Hamiltonian path at every step.
///
/// Each step may first reverse the whole path (a coin flip); that reversal is kept as a flag, not
/// done. The end's predecessor is read off the path, so no position table is kept up to date: the
/// chosen neighbour is found by a scan the compiler vectorises, and the stretch is reversed in place
/// on bytes. Same draws, same path as reversing in place (`random_path_reference` in the tests).
fn random_path(rng: &mut impl Rng, n: usize) -> Vec<Cell> {
    assert!(n <= 16, "cells are numbered in a byte");
    let len = n * n;
    // Cells as i * n + j in stored order; past `len`, a byte no cell has (n² ≤ 255 below n = 16,
    // and at n = 16 the whole buffer is path).
    let mut path = [u8::MAX; 256];
    for i in 0..n {
        for j in 0..n {
            let j_snake = if i % 2 == 0 { j } else { n - 1 - j };
            path[i * n + j] = (i * n + j_snake) as u8;
        }
    }
    // Each cell's neighbours in `neighbours` order, looked up instead of divided out every step.
    let mut around = [[0u8; 4]; 256];
    let mut degree = [0u8; 256];
    for cell in 0..len {
        for (i, j) in neighbours(n, (cell / n, cell % n)) {
            around[cell][usize::from(degree[cell])] = (i * n + j) as u8;
            degree[cell] += 1;
        }
    }
    // Whether the path reads backwards: logical index k is stored at `len - 1 - k`.
    let mut flipped = false;
    for _ in 0..20 * len {
        if rng.gen_bool(0.5) {
            flipped = !flipped;
        }
        if len < 2 {
            continue;
        }
        let (end, before) = if flipped {
            (path[0], path[1])
        } else {
            (path[len - 1], path[len - 2])
        };
        let end = usize::from(end);
        let mut options = [0u8; 4];
        let mut count = 0;
        for &cell in &around[end][..usize::from(degree[end])] {
            options[count] = cell;
            count += usize::from(cell != before);
        }
        if count == 0 {
            continue;
        }
        let chosen = options[rng.gen_range(0..count)];
        let Some(stored) = find(&path, chosen) else {
            continue; // unreachable: every cell is on the path
        };
        // Reverse the logical stretch after the chosen neighbour.
        if flipped {
            path[..stored].reverse();
        } else {
            path[stored + 1..len].reverse();
        }
    }
    let mut cells: Vec<Cell> = path[..len]
        .iter()
        .map(|&c| (usize::from(c) / n, usize::from(c) % n))
        .collect();
    if flipped {
        cells.reverse();
    }
    cells
}

/// The index of `cell` in `path`: 32 bytes compared at a time into a bit mask.
fn find(path: &[u8; 256], cell: u8) -> Option<usize> {
    for (k, chunk) in path.chunks_exact(32).enumerate() {
        let mask = chunk
            .iter()
            .enumerate()
            .fold(0u32, |m, (i, &c)| m | (u32::from(c == cell) << i));
        if mask != 0 {
            return Some(k * 32 + mask.trailing_zeros() as usize);
        }
    }
    None
}

struct Board {
    n: usize,
    /// `Some(v)` for a clue.
    grid: Vec<Vec<Option<u64>>>,
}

fn read_board(gold: Gold<'_>) -> Result<Board, SynlogicError> {
    let bad = |message: &str| SynlogicError::bad_record(ID, "metadata.grid", message.to_owned());
    let rows = gold
        .metadata
        .get("grid")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("missing or not a list of rows"))?;
    let n = rows.len();
    if !(1..=32).contains(&n) {
        return Err(bad("expected 1 to 32 rows"));
    }
    let grid = rows
        .iter()
        .map(|row| {
            row.as_array()
                .filter(|r| r.len() == n)
                .ok_or_else(|| bad("a row is not n cells"))?
                .iter()
                .map(|cell| match cell {
                    Value::String(s) if s == "X" => Ok(None),
                    other => other
                        .as_u64()
                        .map(Some)
                        .ok_or_else(|| bad("a cell is neither \"X\" nor a positive integer")),
                })
                .collect()
        })
        .collect::<Result<_, _>>()?;
    Ok(Board { n, grid })
}

fn response_grid(response: &str) -> Result<Vec<Vec<i64>>, Judgement> {
    let text = strip_think(response);
    let candidate = extract::last_python_or_any_block(text)
        .or_else(|| extract::last_balanced(text, '[', ']', 3))
        .ok_or_else(|| Judgement::unparseable("no [[...]] grid in the answer"))?;
    let candidate = extract::within_limit(candidate)?;
    let value = pyliteral::parse(candidate.trim())
        .map_err(|e| Judgement::unparseable(format!("the answer is not a list literal: {e}")))?;
    let rows = value
        .as_seq()
        .ok_or_else(|| Judgement::wrong("the answer is not a list of rows"))?;
    rows.iter()
        .map(|row| {
            row.as_seq()
                .ok_or_else(|| Judgement::wrong("a row is not a list"))?
                .iter()
                .map(|c| {
                    c.as_int()
                        .ok_or_else(|| Judgement::wrong("a cell is not an integer"))
                })
                .collect()
        })
        .collect()
}

/// Checks the rules; `Err` names the first broken one.
fn check(board: &Board, grid: &[Vec<i64>]) -> Result<(), String> {
    let n = board.n;
    if grid.len() != n || grid.iter().any(|r| r.len() != n) {
        return Err(format!("the answer is not a {n}x{n} grid"));
    }
    let total = n * n;
    let mut at: Vec<Option<Cell>> = vec![None; total + 1];
    for i in 0..n {
        for j in 0..n {
            let v = grid[i][j];
            let Some(k) = usize::try_from(v).ok().filter(|k| (1..=total).contains(k)) else {
                return Err(format!(
                    "{v} at ({}, {}) is outside 1..={total}",
                    i + 1,
                    j + 1
                ));
            };
            if at[k].is_some() {
                return Err(format!("{v} appears twice"));
            }
            at[k] = Some((i, j));
            if let Some(clue) = board.grid[i][j] {
                if clue != k as u64 {
                    return Err(format!(
                        "the given {clue} at ({}, {}) was changed",
                        i + 1,
                        j + 1
                    ));
                }
            }
        }
    }
    for k in 1..total {
        if let (Some(a), Some(b)) = (at[k], at[k + 1]) {
            if !adjacent(a, b) {
                return Err(format!("{k} and {} are not adjacent", k + 1));
            }
        }
    }
    Ok(())
}

/// The search stops (and reports this many nodes) past this budget.
const MAX_NODES: u64 = 20_000_000;

/// Extends the path 1, 2, ... cell by cell, pruning any step from which the next clue is out of reach
/// (distance or parity); counts the cells tried. `clues` is the grid row-major, `Some(v)` for a clue.
fn solve_nodes(n: usize, clues: &[Option<u64>]) -> u64 {
    let total = n * n;
    let mut clue_at: Vec<Option<Cell>> = vec![None; total + 1];
    let mut used = vec![false; total];
    for (cell, clue) in clues.iter().enumerate() {
        if let Some(v) = *clue {
            if let Some(slot) = clue_at.get_mut(v as usize) {
                *slot = Some((cell / n, cell % n));
            }
            used[cell] = true;
        }
    }
    // The next clue at or after each value.
    let mut next_clue: Vec<Option<(usize, Cell)>> = vec![None; total + 2];
    for v in (1..=total).rev() {
        next_clue[v] = clue_at[v].map(|c| (v, c)).or(next_clue[v + 1]);
    }
    struct Search<'a> {
        n: usize,
        total: usize,
        clue_at: &'a [Option<Cell>],
        next_clue: &'a [Option<(usize, Cell)>],
        used: &'a mut [bool],
        nodes: u64,
    }
    impl Search<'_> {
        fn go(&mut self, v: usize, at: Cell) -> bool {
            if v == self.total {
                return true;
            }
            let w = v + 1;
            if let Some(c) = self.clue_at[w] {
                return adjacent(at, c) && self.go(w, c);
            }
            let mut next = [(0, 0); 4];
            let mut count = 0;
            for c in neighbours(self.n, at) {
                next[count] = c;
                count += 1;
            }
            for &c in &next[..count] {
                let cell = c.0 * self.n + c.1;
                if self.used[cell] {
                    continue;
                }
                if let Some((k, target)) = self.next_clue[w] {
                    let dist = c.0.abs_diff(target.0) + c.1.abs_diff(target.1);
                    if dist > k - w || !(k - w - dist).is_multiple_of(2) {
                        continue;
                    }
                }
                self.nodes += 1;
                if self.nodes > MAX_NODES {
                    return true;
                }
                self.used[cell] = true;
                let found = self.go(w, c);
                self.used[cell] = false;
                if found {
                    return true;
                }
            }
            false
        }
    }
    let mut search = Search {
        n,
        total,
        clue_at: &clue_at,
        next_clue: &next_clue,
        used: &mut used,
        nodes: 0,
    };
    if let Some(start) = clue_at[1] {
        search.go(1, start);
    }
    search.nodes
}

impl Puzzle for Numbrix {
    fn id(&self) -> &'static str {
        ID
    }

    fn summary(&self) -> &'static str {
        "SynLogic numbrix: a path 1..n² through orthogonal neighbours, keeping the clues"
    }

    fn knobs(&self, difficulty: Difficulty) -> Value {
        let (n, fill_rate) = difficulty.pick(&LEVELS);
        json!({ "n": n, "fill_rate": fill_rate })
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
        let (n, fill_rate) = level.pick(&LEVELS);
        let path = random_path(&mut rng, n);
        let total = n * n;
        // Per cell: its number on the path, and whether it is shown (flat, row-major).
        let mut solution = vec![0u16; total];
        for (k, &(i, j)) in path.iter().enumerate() {
            solution[i * n + j] = k as u16 + 1;
        }
        // Like SynLogic: 1 and n² always shown; hide (1 - fill_rate) of the cells among the others.
        let hide = ((total as f64) * (1.0 - fill_rate)) as usize;
        let mut middle: Vec<Cell> = path[1..total - 1].to_vec();
        let hide = hide.min(middle.len());
        let mut shown = vec![true; total];
        for _ in 0..hide {
            let (i, j) = middle.swap_remove(rng.gen_range(0..middle.len()));
            shown[i * n + j] = false;
        }
        let clues: Vec<Option<u64>> = (0..total)
            .map(|cell| shown[cell].then_some(u64::from(solution[cell])))
            .collect();
        let nodes = solve_nodes(n, &clues);
        let intro = pick(&mut rng, INTROS, language);
        let (rules, format) = (RULES.get(language), FORMAT.get(language));
        let (n_text, nn_text) = (grid_text::small_int(n), total.to_string());
        let write = |key: &str, out: &mut String| {
            match key {
                "n" => out.push_str(&n_text),
                "nn" => out.push_str(&nn_text),
                _ => return false,
            }
            true
        };
        let mut question =
            String::with_capacity(intro.len() + rules.len() + format.len() + 3 * total + 16);
        fill_with(&mut question, intro, write);
        question.push('\n');
        fill_with(&mut question, rules, write);
        question.push_str("\n\n");
        for (cell, clue) in clues.iter().enumerate() {
            if cell > 0 {
                question.push(if cell % n == 0 { '\n' } else { ' ' });
            }
            match *clue {
                Some(v) => grid_text::push_int(&mut question, v as i64),
                None => question.push('X'),
            }
        }
        question.push_str("\n\n");
        question.push_str(format);
        // The record may be held (a batch, the bench): keep only the bytes it uses.
        question.shrink_to_fit();
        // What the metadata is built from: each cell's number, the top bit set where it is hidden.
        let kept: Vec<u16> = (0..total)
            .map(|cell| solution[cell] | if shown[cell] { 0 } else { 0x8000 })
            .collect();
        Ok(Instance {
            question,
            answer: Value::String(String::new()).into(),
            difficulty: level,
            metadata: Metadata::lazy(move || {
                let rows = |cell: fn(u16) -> Value| {
                    Value::Array(
                        kept.chunks(n.max(1))
                            .map(|row| Value::Array(row.iter().map(|&v| cell(v)).collect()))
                            .collect(),
                    )
                };
                let grid = rows(|v| {
                    if v & 0x8000 != 0 {
                        Value::from("X")
                    } else {
                        Value::from(v)
                    }
                });
                let solution = rows(|v| Value::from(v & 0x7fff));
                json!({
                    "trace_id": trace.to_string(),
                    "grid": grid,
                    "solution": solution,
                    "n": n,
                    "fill_rate": fill_rate,
                    "rlvr": {
                        "level": level.level(), "seed": seed, "index": index, "language": language,
                        "solver_nodes": nodes,
                    },
                })
            }),
        })
    }

    fn verify(&self, gold: Gold<'_>, response: &str) -> Result<Judgement, SynlogicError> {
        let board = read_board(gold)?;
        let grid = match response_grid(response) {
            Ok(g) => g,
            Err(judgement) => return Ok(judgement),
        };
        Ok(match check(&board, &grid) {
            Ok(()) => Judgement::correct(),
            Err(reason) => Judgement::wrong(reason),
        })
    }

    fn reference_response(&self, gold: Gold<'_>) -> Result<String, SynlogicError> {
        let bad =
            || SynlogicError::bad_record(ID, "metadata.solution", "expected rows of integers");
        let solution = gold.metadata.get("solution").ok_or_else(bad)?;
        let rows = solution.as_array().ok_or_else(bad)?;
        if rows
            .iter()
            .any(|r| !r.as_array().is_some_and(|c| c.iter().all(Value::is_u64)))
        {
            return Err(bad());
        }
        Ok(format!(
            "The filled grid is {}",
            serde_json::to_string(solution).map_err(|_| bad())?
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::puzzle::instance_rng;

    /// The backbite walk as first written (reversing in place, positions rebuilt every step).
    fn random_path_reference(rng: &mut impl Rng, n: usize) -> Vec<Cell> {
        let mut path: Vec<Cell> = (0..n)
            .flat_map(|i| (0..n).map(move |j| if i % 2 == 0 { (i, j) } else { (i, n - 1 - j) }))
            .collect();
        let mut index = vec![vec![0usize; n]; n];
        let len = path.len();
        for _ in 0..20 * len {
            if rng.gen_bool(0.5) {
                path.reverse();
            }
            for (k, &(i, j)) in path.iter().enumerate() {
                index[i][j] = k;
            }
            let end = path[len - 1];
            let options: Vec<Cell> = neighbours(n, end)
                .filter(|&(i, j)| len >= 2 && index[i][j] != len - 2)
                .collect();
            if options.is_empty() {
                continue;
            }
            let (i, j) = options[rng.gen_range(0..options.len())];
            path[index[i][j] + 1..].reverse();
        }
        path
    }

    #[test]
    fn the_flagged_walk_equals_the_in_place_walk() {
        for n in 1..10 {
            for index in 0..4 {
                let mut a = instance_rng(ID, 7, index, Difficulty::new(1).unwrap());
                let mut b = a.clone();
                assert_eq!(
                    random_path(&mut a, n),
                    random_path_reference(&mut b, n),
                    "n {n}"
                );
                assert_eq!(a.gen::<u64>(), b.gen::<u64>());
            }
        }
    }

    #[test]
    fn backbite_paths_stay_hamiltonian() {
        let mut rng = instance_rng(ID, 0, 0, Difficulty::new(1).unwrap());
        for n in 2..8 {
            let path = random_path(&mut rng, n);
            assert_eq!(path.len(), n * n);
            assert!(path.windows(2).all(|w| adjacent(w[0], w[1])));
            let mut sorted = path.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), n * n);
        }
    }

    #[test]
    fn a_path_that_jumps_is_wrong() {
        let board = Board {
            n: 2,
            grid: vec![vec![Some(1), None], vec![None, Some(4)]],
        };
        assert!(check(&board, &[vec![1, 2], vec![3, 4]]).is_err());
        assert!(check(&board, &[vec![1, 2], vec![4, 3]]).is_err());
        assert!(check(&board, &[vec![1, 4], vec![2, 3]]).is_err());
        assert!(check(&board, &[vec![1, 3], vec![2, 4]]).is_err());
        let board = Board {
            n: 2,
            grid: vec![vec![Some(1), None], vec![None, None]],
        };
        assert!(check(&board, &[vec![1, 2], vec![4, 3]]).is_ok());
        assert!(check(&board, &[vec![1, 4], vec![2, 3]]).is_ok());
    }
}
