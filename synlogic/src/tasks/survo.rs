//! `survo`: an n x n matrix whose last column holds the row sums and last row the column sums; some
//! inner cells are blanked (0) and their numbers listed. Place the listed numbers back so every sum
//! holds. The verifier checks the sums, the kept numbers and the multiset, so any valid filling passes.

use rand::Rng;
use serde_json::{json, Map, Value};

use rlvr_envs::extract::strip_think;

use crate::difficulty::Difficulty;
use crate::error::SynlogicError;
use crate::extract;
use crate::grid_text;
use crate::instance::{rlvr_meta, Gold, Instance, Metadata};
use crate::language::{fill_with, pick, Bilingual};
use crate::lazy_json::LazyJson;
use crate::puzzle::{self, GenOptions, Judgement, LazyBegun, Puzzle};
use crate::pyliteral;
use crate::scratch;
use crate::small_sample;

const ID: &str = "survo";

/// (matrix size n, blank cells x) per level; numbers are 1..=9 as in SynLogic, whose run.sh sweeps
/// n = 4..8 with x = n..2(n-1).
const LEVELS: [(usize, usize); 10] = [
    (4, 3),
    (4, 5),
    (4, 7),
    (5, 9),
    (6, 12),
    (7, 15),
    (8, 16),
    (8, 18),
    (8, 20),
    (8, 22),
];
const MIN_NUM: i64 = 1;
const MAX_NUM: i64 = 9;

/// The most cells, inner cells and blanks a level's matrix has: generation works on stack buffers.
const GEN_CELLS: usize = 64;
const GEN_INNER: usize = 49;
const GEN_BLANKS: usize = 22;
const _: () = {
    let mut k = 0;
    while k < LEVELS.len() {
        let (n, x) = LEVELS[k];
        assert!(n * n <= GEN_CELLS && (n - 1) * (n - 1) <= GEN_INNER && x <= GEN_BLANKS);
        // Inner numbers and blank indices are kept in bytes.
        assert!(MAX_NUM <= u8::MAX as i64 && GEN_INNER <= u8::MAX as usize);
        k += 1;
    }
};

/// The full matrix (row-major, n x n) from its inner (n-1) x (n-1) numbers: each row's sum in its
/// last column, each column's sum in the last row, the total in the corner.
fn full_matrix(inner: &[u8; GEN_INNER], n: usize) -> [i64; GEN_CELLS] {
    let mut full = [0i64; GEN_CELLS];
    // One pass: each number goes to its cell, its row's sum, its column's sum and the total.
    let last = (n - 1) * n;
    for i in 0..n - 1 {
        for j in 0..n - 1 {
            let v = i64::from(inner[i * (n - 1) + j]);
            full[i * n + j] = v;
            full[i * n + n - 1] += v;
            full[last + j] += v;
            full[n * n - 1] += v;
        }
    }
    full
}

const INTROS: &[Bilingual] = &[
    Bilingual {
        en: "Fill in this {n}x{n} Survo matrix.",
        zh: "请填写这个 {n}x{n} 的 Survo 矩阵。",
    },
    Bilingual {
        en: "Here is a {n}x{n} Survo puzzle with some numbers missing.",
        zh: "这是一道缺了若干数字的 {n}x{n} Survo 谜题。",
    },
    Bilingual {
        en: "Complete the {n}x{n} sum matrix below.",
        zh: "请补全下面这个 {n}x{n} 的求和矩阵。",
    },
];

const RULES: Bilingual = Bilingual {
    en: "In every row but the last, the last number is the sum of the others; in every column but the last, the bottom number is the sum of the others. The cells shown as X are blank: fill them using each of these numbers exactly once: {candidates}. Keep every other number as it is.",
    zh: "除最后一行外，每行最后一个数是该行其余数之和；除最后一列外，每列最下面的数是该列其余数之和。显示为 X 的格子是空格：请把下列数字各用一次填入空格：{candidates}。其他数字保持不变。",
};

const FORMAT: Bilingual = Bilingual {
    en: "Give the whole completed matrix at the end in a Python code block, e.g. ```python\n[[1, 2, 3], [4, 5, 9], [5, 7, 12]]\n```",
    zh: "请在最后用 Python 代码块给出完整的矩阵，例如 ```python\n[[1, 2, 3], [4, 5, 9], [5, 7, 12]]\n```",
};

/// The survo task.
pub struct Survo;

struct Board {
    n: usize,
    original: Vec<Vec<i64>>,
    candidates: Vec<i64>,
}

fn read_board(gold: Gold<'_>) -> Result<Board, SynlogicError> {
    let m = gold.metadata;
    let original = m
        .get("original_matrix")
        .and_then(grid_text::read_int_rows)
        .ok_or_else(|| {
            SynlogicError::bad_record(ID, "metadata.original_matrix", "expected rows of integers")
        })?;
    let n = original.len();
    if !(2..=32).contains(&n) || original.iter().any(|r| r.len() != n) {
        return Err(SynlogicError::bad_record(
            ID,
            "metadata.original_matrix",
            "expected a square matrix of side 2..=32",
        ));
    }
    let candidates = m
        .get("candidate_numbers")
        .and_then(Value::as_array)
        .and_then(|a| a.iter().map(Value::as_i64).collect::<Option<Vec<_>>>())
        .ok_or_else(|| {
            SynlogicError::bad_record(
                ID,
                "metadata.candidate_numbers",
                "expected a list of integers",
            )
        })?;
    Ok(Board {
        n,
        original,
        candidates,
    })
}

fn response_matrix(response: &str) -> Result<Vec<Vec<i64>>, Judgement> {
    let text = strip_think(response);
    let candidate = extract::last_python_or_any_block(text)
        .or_else(|| extract::last_balanced(text, '[', ']', 4))
        .ok_or_else(|| {
            Judgement::unparseable("no ```python block or [[...]] matrix in the answer")
        })?;
    let candidate = extract::within_limit(candidate)?;
    if let Some(matrix) = pyliteral::simple_int_matrix(candidate) {
        return Ok(matrix);
    }
    let value = pyliteral::parse(candidate)
        .map_err(|e| Judgement::unparseable(format!("the answer is not a list literal: {e}")))?;
    pyliteral::int_matrix(&value)
        .ok_or_else(|| Judgement::wrong("the answer is not a matrix of integers"))
}

/// Places the candidate multiset into the blanks, cell by cell, checking a row or column sum as soon
/// as its last blank is filled; counts the placements tried until the first solution.
fn solve_nodes(board: &Board) -> u64 {
    let n = board.n;
    let blanks: Vec<(usize, usize)> = (0..n - 1)
        .flat_map(|i| (0..n - 1).map(move |j| (i, j)))
        .filter(|&(i, j)| board.original[i][j] == 0)
        .collect();
    let mut values: Vec<i64> = board.candidates.clone();
    values.sort_unstable();
    values.dedup();
    let mut left: Vec<usize> = values
        .iter()
        .map(|v| board.candidates.iter().filter(|c| *c == v).count())
        .collect();
    let last_in_row: Vec<usize> = (0..n)
        .map(|i| blanks.iter().rposition(|b| b.0 == i).unwrap_or(usize::MAX))
        .collect();
    let last_in_col: Vec<usize> = (0..n)
        .map(|j| blanks.iter().rposition(|b| b.1 == j).unwrap_or(usize::MAX))
        .collect();
    let mut grid = board.original.clone();
    let mut nodes = 0u64;
    #[allow(clippy::too_many_arguments)]
    fn go(
        k: usize,
        blanks: &[(usize, usize)],
        values: &[i64],
        left: &mut [usize],
        grid: &mut [Vec<i64>],
        last_in_row: &[usize],
        last_in_col: &[usize],
        nodes: &mut u64,
    ) -> bool {
        let n = grid.len();
        let Some(&(i, j)) = blanks.get(k) else {
            return true;
        };
        for v in 0..values.len() {
            if left[v] == 0 {
                continue;
            }
            *nodes += 1;
            grid[i][j] = values[v];
            let row_ok =
                last_in_row[i] != k || grid[i][..n - 1].iter().sum::<i64>() == grid[i][n - 1];
            let col_ok = last_in_col[j] != k
                || (0..n - 1).map(|r| grid[r][j]).sum::<i64>() == grid[n - 1][j];
            if row_ok && col_ok {
                left[v] -= 1;
                let found = go(
                    k + 1,
                    blanks,
                    values,
                    left,
                    grid,
                    last_in_row,
                    last_in_col,
                    nodes,
                );
                left[v] += 1;
                if found {
                    return true;
                }
            }
            grid[i][j] = 0;
        }
        false
    }
    go(
        0,
        &blanks,
        &values,
        &mut left,
        &mut grid,
        &last_in_row,
        &last_in_col,
        &mut nodes,
    );
    nodes
}

impl Puzzle for Survo {
    fn id(&self) -> &'static str {
        ID
    }

    fn summary(&self) -> &'static str {
        "SynLogic survo: refill blanked cells of a sum matrix from a given multiset"
    }

    fn knobs(&self, difficulty: Difficulty) -> Value {
        let (n, x) = difficulty.pick(&LEVELS);
        json!({ "n": n, "x": x, "min_num": MIN_NUM, "max_num": MAX_NUM })
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
        let (n, x) = level.pick(&LEVELS);
        // The inner (n-1) x (n-1) numbers, row-major: all that the rest is computed from.
        let mut inner = [0u8; GEN_INNER];
        for v in &mut inner[..(n - 1) * (n - 1)] {
            *v = rng.gen_range(MIN_NUM..=MAX_NUM) as u8;
        }
        let full = full_matrix(&inner, n);
        // The blanks, as indices into the inner block; their numbers, in this order, are the
        // candidates.
        let blanks = small_sample::sample(&mut rng, (n - 1) * (n - 1), x);
        let mut blank_at = [0u8; GEN_BLANKS];
        for (slot, k) in blank_at.iter_mut().zip(blanks.iter()) {
            *slot = k as u8;
        }
        let blank_at = &blank_at[..x];
        let cell = move |k: u8| (usize::from(k) / (n - 1)) * n + usize::from(k) % (n - 1);
        let mut original = full;
        for &k in blank_at {
            original[cell(k)] = 0;
        }
        let (full, original) = (&full[..n * n], &original[..n * n]);
        let n_text = grid_text::small_int(n);
        let write = |key: &str, out: &mut String| match key {
            "n" => {
                out.push_str(&n_text);
                true
            }
            "candidates" => {
                grid_text::push_list(out, blank_at.iter().map(|&k| full[cell(k)]));
                true
            }
            _ => false,
        };
        let intro = pick(&mut rng, INTROS, language);
        let (rules, format) = (RULES.get(language), FORMAT.get(language));
        let question = scratch::build(|question| {
            fill_with(question, intro, write);
            question.push_str("\n\n");
            grid_text::push_rows(question, original, n, " ", Some(0));
            question.push_str("\n\n");
            fill_with(question, rules, write);
            question.push_str("\n\n");
            question.push_str(format);
        });
        // The answer is the full matrix again: built from the inner numbers when first read.
        let answer = LazyJson::lazy(move || {
            let full = full_matrix(&inner, n);
            Value::String(scratch::build(|answer| {
                grid_text::push_matrix(answer, &full[..n * n], n)
            }))
        });
        // What the metadata is built from, captured by value (one allocation for the closure).
        let blanks = {
            let mut kept = [0u8; GEN_BLANKS];
            kept[..x].copy_from_slice(blank_at);
            kept
        };
        let metadata = Metadata::lazy(move || {
            let full = full_matrix(&inner, n);
            let full = &full[..n * n];
            let blanks = &blanks[..x];
            let mut original = full.to_vec();
            for &k in blanks {
                original[cell(k)] = 0;
            }
            let mut metadata = Map::with_capacity(9);
            metadata.insert("trace_id".into(), Value::from(trace));
            metadata.insert(
                "original_matrix".into(),
                grid_text::int_rows_value(&original, n),
            );
            metadata.insert("filled_matrix".into(), grid_text::int_rows_value(full, n));
            metadata.insert(
                "candidate_numbers".into(),
                grid_text::int_list_value(blanks.iter().map(|&k| full[cell(k)])),
            );
            metadata.insert("n".into(), Value::from(n));
            metadata.insert("x".into(), Value::from(x));
            metadata.insert("min_num".into(), Value::from(MIN_NUM));
            metadata.insert("max_num".into(), Value::from(MAX_NUM));
            metadata.insert(
                "rlvr".into(),
                Value::Object(rlvr_meta(level, seed, index, language)),
            );
            Value::Object(metadata)
        });
        Ok(Instance {
            question,
            answer,
            difficulty: level,
            metadata,
        })
    }

    fn verify(&self, gold: Gold<'_>, response: &str) -> Result<Judgement, SynlogicError> {
        let board = read_board(gold)?;
        let n = board.n;
        let matrix = match response_matrix(response) {
            Ok(m) => m,
            Err(judgement) => return Ok(judgement),
        };
        if matrix.len() != n || matrix.iter().any(|r| r.len() != n) {
            return Ok(Judgement::wrong(format!(
                "the answer is not a {n}x{n} matrix"
            )));
        }
        let mut filled = Vec::new();
        for i in 0..n {
            for j in 0..n {
                match board.original[i][j] {
                    0 => filled.push(matrix[i][j]),
                    kept if kept != matrix[i][j] => {
                        return Ok(Judgement::wrong(format!(
                            "cell ({}, {}) was {kept} but the answer has {}",
                            i + 1,
                            j + 1,
                            matrix[i][j]
                        )))
                    }
                    _ => {}
                }
            }
        }
        let mut wanted = board.candidates.clone();
        filled.sort_unstable();
        wanted.sort_unstable();
        if filled != wanted {
            return Ok(Judgement::wrong(format!(
                "the blanks hold {filled:?}, not the numbers {wanted:?}"
            )));
        }
        let sum = |it: &mut dyn Iterator<Item = i64>| it.fold(0i64, |a, b| a.saturating_add(b));
        for i in 0..n - 1 {
            if sum(&mut matrix[i][..n - 1].iter().copied()) != matrix[i][n - 1] {
                return Ok(Judgement::wrong(format!("row {} does not add up", i + 1)));
            }
            if sum(&mut (0..n - 1).map(|r| matrix[r][i])) != matrix[n - 1][i] {
                return Ok(Judgement::wrong(format!(
                    "column {} does not add up",
                    i + 1
                )));
            }
        }
        Ok(Judgement::correct())
    }

    fn reference_response(&self, gold: Gold<'_>) -> Result<String, SynlogicError> {
        let full = gold
            .metadata
            .get("filled_matrix")
            .and_then(grid_text::read_int_rows)
            .ok_or_else(|| {
                SynlogicError::bad_record(ID, "metadata.filled_matrix", "expected rows of integers")
            })?;
        Ok(format!("```python\n{full:?}\n```"))
    }

    fn solver_effort(&self, instance: &Instance) -> Option<u64> {
        let board = read_board(instance.gold()).ok()?;
        Some(solve_nodes(&board))
    }
}
