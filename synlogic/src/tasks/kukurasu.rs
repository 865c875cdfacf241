//! `kukurasu`: mark cells of an n x m grid with 1 so that, in every row, the column numbers (1-based)
//! of its marked cells add up to the row's clue, and in every column the row numbers of its marked
//! cells add up to the column's clue. The verifier recomputes the sums, so any valid grid passes.

use rand::Rng;
use serde_json::{json, Map, Value};

use crate::difficulty::Difficulty;
use crate::error::SynlogicError;
use crate::extract::{self, strip_think};
use crate::grid_text;
use crate::instance::{rlvr_meta, Gold, Instance, Metadata};
use crate::language::{fill_into, pick, Bilingual};
use crate::puzzle::{self, Begun, GenOptions, Judgement, Puzzle};
use crate::pyliteral::{self, PyValue};

const ID: &str = "kukurasu";

/// (side, probability that a cell is 1) per level. SynLogic's run.sh spans 3x3..6x6 at p = 0.2/0.3;
/// its README reports 8x8 at p = 0.5 beyond DeepSeek-R1.
const LEVELS: [(usize, f64); 10] = [
    (3, 0.3),
    (4, 0.3),
    (5, 0.3),
    (6, 0.4),
    (6, 0.3),
    (7, 0.4),
    (8, 0.3),
    (8, 0.4),
    (9, 0.4),
    (10, 0.4),
];

const INTROS: &[Bilingual] = &[
    Bilingual {
        en: "Solve this {n}x{m} Kukurasu puzzle.",
        zh: "请解这道 {n}x{m} 的 Kukurasu 谜题。",
    },
    Bilingual {
        en: "Here is a {n}x{m} Kukurasu grid; decide which cells hold a 1.",
        zh: "这是一个 {n}x{m} 的 Kukurasu 网格，请判断哪些格子填 1。",
    },
    Bilingual {
        en: "Complete the {n}x{m} Kukurasu below by marking cells with 1 or X.",
        zh: "请用 1 或 X 标记下方 {n}x{m} Kukurasu 中的每个格子。",
    },
];

const RULES: Bilingual = Bilingual {
    en: "Each cell is either 1 or X. A 1 in column j (counting from 1) adds j to its row's total, and a 1 in row i (counting from 1) adds i to its column's total. The totals must equal the clues: rows from top to bottom {rows}; columns from left to right {cols}.",
    zh: "每个格子要么是 1 要么是 X。第 j 列（从 1 开始计数）中的 1 给它所在行的总和加 j，第 i 行（从 1 开始计数）中的 1 给它所在列的总和加 i。各总和必须等于给定的线索：各行从上到下为 {rows}；各列从左到右为 {cols}。",
};

const FORMAT: Bilingual = Bilingual {
    en: "At the end, give the grid as a list of rows of \"1\" and \"X\" strings in double quotes, e.g. [[\"X\", \"1\", \"X\"], [\"1\", \"X\", \"1\"]].",
    zh: "请在最后把网格写成由各行组成的列表，每个格子是用双引号括起的 \"1\" 或 \"X\"，例如 [[\"X\", \"1\", \"X\"], [\"1\", \"X\", \"1\"]]。",
};

/// The kukurasu task.
pub struct Kukurasu;

struct Board {
    n: usize,
    m: usize,
    /// The first `n` (`m`) entries are used; sides are at most 32.
    row_sums: [i64; 32],
    col_sums: [i64; 32],
}

/// The clues kept beside the JSON at generation, for [`Puzzle::verify_instance`]: rows then
/// columns (a clue is at most 32 · 33 / 2, so `u16`).
#[derive(Clone, Copy)]
struct Clues {
    n: u8,
    m: u8,
    sums: [u16; 64],
}

impl Clues {
    fn rows(&self) -> &[u16] {
        &self.sums[..usize::from(self.n)]
    }

    fn cols(&self) -> &[u16] {
        let n = usize::from(self.n);
        &self.sums[n..n + usize::from(self.m)]
    }

    fn board(&self) -> Board {
        let (n, m) = (usize::from(self.n), usize::from(self.m));
        let mut board = Board {
            n,
            m,
            row_sums: [0; 32],
            col_sums: [0; 32],
        };
        for (slot, &s) in board.row_sums.iter_mut().zip(&self.sums[..n]) {
            *slot = i64::from(s);
        }
        for (slot, &s) in board.col_sums.iter_mut().zip(&self.sums[n..n + m]) {
            *slot = i64::from(s);
        }
        board
    }
}

fn sums(grid: &[Vec<bool>], n: usize, m: usize) -> (Vec<i64>, Vec<i64>) {
    let rows = (0..n)
        .map(|i| (0..m).filter(|&j| grid[i][j]).map(|j| j as i64 + 1).sum())
        .collect();
    let cols = (0..m)
        .map(|j| (0..n).filter(|&i| grid[i][j]).map(|i| i as i64 + 1).sum())
        .collect();
    (rows, cols)
}

fn read_board(gold: Gold<'_>) -> Result<Board, SynlogicError> {
    let m_ = gold.metadata;
    let size = |key: &'static str| {
        m_.get(key)
            .and_then(Value::as_u64)
            .filter(|v| (1..=32).contains(v))
            .map(|v| v as usize)
            .ok_or_else(|| {
                SynlogicError::bad_record(
                    ID,
                    "metadata",
                    format!("`{key}` is not an integer 1..=32"),
                )
            })
    };
    let (n, m) = (size("n")?, size("m")?);
    let list = |key: &'static str, len: usize| {
        let bad =
            || SynlogicError::bad_record(ID, "metadata", format!("`{key}` is not {len} integers"));
        let values = m_
            .get(key)
            .and_then(Value::as_array)
            .filter(|a| a.len() == len)
            .ok_or_else(bad)?;
        let mut out = [0i64; 32];
        for (slot, v) in out.iter_mut().zip(values) {
            *slot = v.as_i64().ok_or_else(bad)?;
        }
        Ok(out)
    };
    Ok(Board {
        n,
        m,
        row_sums: list("row_sums", n)?,
        col_sums: list("col_sums", m)?,
    })
}

/// The answer's grid literal: the last code block, else the last balanced `[[...]]`.
fn response_text(response: &str) -> Result<&str, Judgement> {
    let text = strip_think(response);
    let candidate = extract::last_python_or_any_block(text)
        .or_else(|| extract::last_balanced(text, '[', ']', 4))
        .ok_or_else(|| Judgement::unparseable("no [[...]] grid in the answer"))?;
    extract::within_limit(candidate)
}

fn response_grid(response: &str) -> Result<Vec<Vec<bool>>, Judgement> {
    let candidate = response_text(response)?;
    // The usual answer (a list of lists of plain strings) is read without building a literal tree.
    if let Some(rows) = pyliteral::simple_str_matrix(candidate) {
        return rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|&cell| match cell {
                        "1" => Ok(true),
                        "X" => Ok(false),
                        _ => Err(Judgement::wrong("cells must be the strings \"1\" or \"X\"")),
                    })
                    .collect()
            })
            .collect();
    }
    let value = pyliteral::parse(candidate)
        .map_err(|e| Judgement::unparseable(format!("the answer is not a list literal: {e}")))?;
    let rows = value
        .as_seq()
        .ok_or_else(|| Judgement::wrong("the answer is not a list of rows"))?;
    rows.iter()
        .map(|row| {
            row.as_seq()
                .ok_or_else(|| Judgement::wrong("a row is not a list"))?
                .iter()
                .map(|cell| match cell {
                    PyValue::Str(s) if s == "1" => Ok(true),
                    PyValue::Str(s) if s == "X" => Ok(false),
                    _ => Err(Judgement::wrong("cells must be the strings \"1\" or \"X\"")),
                })
                .collect()
        })
        .collect()
}

/// The verdict on a response against the clues.
fn judge(board: &Board, response: &str) -> Judgement {
    let (n, m) = (board.n, board.m);
    let shape_error = || Judgement::wrong(format!("the answer is not a {n}x{m} grid"));
    // Row and column sums as the answer is read: the usual answer (quoted "1"/"X" cells) takes
    // no allocation; anything else goes through the full literal parser below.
    let mut rows = [0i64; 32];
    let mut cols = [0i64; 32];
    let mut row_len = [0usize; 32];
    let mut bad = None;
    let read = match response_text(response) {
        Ok(candidate) => pyliteral::visit_simple_str_cells(candidate, |i, j, cell| {
            if i >= n || j >= m {
                bad = Some(shape_error());
                return None;
            }
            // Byte patterns: a length check and one compare, no `memcmp` call per cell.
            match cell.as_bytes() {
                b"1" => {
                    rows[i] += j as i64 + 1;
                    cols[j] += i as i64 + 1;
                }
                b"X" => {}
                _ => {
                    bad = Some(Judgement::wrong("cells must be the strings \"1\" or \"X\""));
                    return None;
                }
            }
            row_len[i] += 1;
            Some(())
        }),
        Err(judgement) => return judgement,
    };
    if let Some(judgement) = bad {
        return judgement;
    }
    match read {
        Some(read_rows) => {
            if read_rows != n || row_len[..n].iter().any(|&len| len != m) {
                return shape_error();
            }
        }
        None => {
            let grid = match response_grid(response) {
                Ok(grid) => grid,
                Err(judgement) => return judgement,
            };
            if grid.len() != n || grid.iter().any(|r| r.len() != m) {
                return shape_error();
            }
            let (r, c) = sums(&grid, n, m);
            rows[..n].copy_from_slice(&r);
            cols[..m].copy_from_slice(&c);
        }
    }
    if let Some(i) = (0..n).find(|&i| rows[i] != board.row_sums[i]) {
        return Judgement::wrong(format!(
            "row {} sums to {}, not {}",
            i + 1,
            rows[i],
            board.row_sums[i]
        ));
    }
    if let Some(j) = (0..m).find(|&j| cols[j] != board.col_sums[j]) {
        return Judgement::wrong(format!(
            "column {} sums to {}, not {}",
            j + 1,
            cols[j],
            board.col_sums[j]
        ));
    }
    Judgement::correct()
}

/// The search stops (and reports this many nodes) past this budget.
const MAX_NODES: u64 = 50_000_000;

/// Row-by-row search over the column sets that reach each row's clue; counts the sets tried.
fn solve_nodes(board: &Board) -> u64 {
    let (n, m) = (board.n, board.m);
    // Subsets of columns (bitmasks) by the sum of their 1-based column numbers.
    let max_sum = m * (m + 1) / 2;
    let mut by_sum: Vec<Vec<u32>> = vec![Vec::new(); max_sum + 1];
    for mask in 0u32..(1 << m) {
        let s: usize = (0..m)
            .filter(|&j| mask & (1 << j) != 0)
            .map(|j| j + 1)
            .sum();
        by_sum[s].push(mask);
    }
    let mut col_left: Vec<i64> = board.col_sums[..board.m].to_vec();
    let mut nodes = 0u64;
    fn go(
        row: usize,
        n: usize,
        m: usize,
        board: &Board,
        by_sum: &[Vec<u32>],
        col_left: &mut [i64],
        nodes: &mut u64,
    ) -> bool {
        if row == n {
            return col_left.iter().all(|&c| c == 0);
        }
        let Some(options) = usize::try_from(board.row_sums[row])
            .ok()
            .and_then(|s| by_sum.get(s))
        else {
            return false;
        };
        let weight = row as i64 + 1;
        // What rows below can still add to a column.
        let later: i64 = ((row + 2)..=n).map(|i| i as i64).sum();
        for &mask in options {
            *nodes += 1;
            if *nodes > MAX_NODES {
                return true;
            }
            let fits = (0..m).all(|j| {
                let left = col_left[j] - if mask & (1 << j) != 0 { weight } else { 0 };
                left >= 0 && left <= later
            });
            if !fits {
                continue;
            }
            for (j, c) in col_left.iter_mut().enumerate() {
                if mask & (1 << j) != 0 {
                    *c -= weight;
                }
            }
            let found = go(row + 1, n, m, board, by_sum, col_left, nodes);
            for (j, c) in col_left.iter_mut().enumerate() {
                if mask & (1 << j) != 0 {
                    *c += weight;
                }
            }
            if found {
                return true;
            }
        }
        false
    }
    go(0, n, m, board, &by_sum, &mut col_left, &mut nodes);
    nodes
}

fn cell_text(on: bool) -> &'static str {
    if on {
        "1"
    } else {
        "X"
    }
}

impl Puzzle for Kukurasu {
    fn id(&self) -> &'static str {
        ID
    }

    fn summary(&self) -> &'static str {
        "SynLogic kukurasu: weighted row and column sums of marked cells"
    }

    fn knobs(&self, difficulty: Difficulty) -> Value {
        let (n, p) = difficulty.pick(&LEVELS);
        json!({ "n": n, "m": n, "ones_probability": p })
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
        let (n, p) = level.pick(&LEVELS);
        let m = n;
        // Like SynLogic, redraw until no row or column is empty (a zero clue); give up after a bound.
        // Row-major flat grid, redrawn in place (same draws, in the same order, as one Vec per row).
        let mut grid = vec![false; n * m];
        let mut found = false;
        for _ in 0..10_000 {
            for cell in grid.iter_mut() {
                *cell = rng.gen_bool(p);
            }
            let full_rows = grid.chunks(m).all(|r| r.iter().any(|&b| b));
            let full_cols = (0..m).all(|j| (0..n).any(|i| grid[i * m + j]));
            if full_rows && full_cols {
                found = true;
                break;
            }
        }
        if !found {
            return Err(SynlogicError::Generation {
                task: ID,
                seed,
                index,
                message: "no grid without an empty row or column in 10000 draws".into(),
            });
        }
        // The clues, kept beside the JSON for the verifier (and captured by the metadata builder
        // instead of two vectors). Sides are at most 10 here: the sizes and sums fit.
        let mut clues = Clues {
            n: n as u8,
            m: m as u8,
            sums: [0; 64],
        };
        for i in 0..n {
            for j in 0..m {
                if grid[i * m + j] {
                    clues.sums[i] += j as u16 + 1;
                    clues.sums[n + j] += i as u16 + 1;
                }
            }
        }
        let (n_text, m_text) = (n.to_string(), m.to_string());
        let mut rows_text = String::with_capacity(4 * n);
        grid_text::push_list(&mut rows_text, clues.rows().iter().map(|&s| i64::from(s)));
        let mut cols_text = String::with_capacity(4 * m);
        grid_text::push_list(&mut cols_text, clues.cols().iter().map(|&s| i64::from(s)));
        let vars = [
            ("n", n_text.as_str()),
            ("m", m_text.as_str()),
            ("rows", rows_text.as_str()),
            ("cols", cols_text.as_str()),
        ];
        let intro = pick(&mut rng, INTROS, language);
        let mut question = String::with_capacity(1024 + 2 * n * m);
        fill_into(&mut question, intro, &vars);
        question.push('\n');
        fill_into(&mut question, RULES.get(language), &vars);
        question.push_str("\n\n");
        for i in 0..n {
            if i > 0 {
                question.push('\n');
            }
            for j in 0..m {
                question.push_str(if j > 0 { " X" } else { "X" });
            }
        }
        question.push_str("\n\n");
        question.push_str(FORMAT.get(language));
        let metadata = Metadata::lazy(move || {
            let text_rows = |cell: &dyn Fn(usize) -> &'static str| {
                Value::Array(
                    (0..n)
                        .map(|i| {
                            Value::Array((0..m).map(|j| Value::from(cell(i * m + j))).collect())
                        })
                        .collect(),
                )
            };
            let mut metadata = Map::with_capacity(9);
            metadata.insert("trace_id".into(), Value::String(trace));
            metadata.insert("grid".into(), text_rows(&|_| "X"));
            let list = |sums: &[u16]| grid_text::int_list_value(sums.iter().map(|&s| i64::from(s)));
            metadata.insert("row_sums".into(), list(clues.rows()));
            metadata.insert("col_sums".into(), list(clues.cols()));
            metadata.insert("solution".into(), text_rows(&|k| cell_text(grid[k])));
            metadata.insert("n".into(), Value::from(n));
            metadata.insert("m".into(), Value::from(m));
            metadata.insert("ones_probability".into(), Value::from(p));
            metadata.insert(
                "rlvr".into(),
                Value::Object(rlvr_meta(level, seed, index, language)),
            );
            Value::Object(metadata)
        })
        .with_typed(clues);
        Ok(Instance {
            question,
            answer: Value::String(String::new()).into(),
            difficulty: level,
            metadata,
        })
    }

    fn verify(&self, gold: Gold<'_>, response: &str) -> Result<Judgement, SynlogicError> {
        Ok(judge(&read_board(gold)?, response))
    }

    fn verify_instance(
        &self,
        instance: &Instance,
        response: &str,
    ) -> Result<Judgement, SynlogicError> {
        match instance.metadata.typed::<Clues>() {
            Some(clues) => Ok(judge(&clues.board(), response)),
            None => self.verify(instance.gold(), response),
        }
    }

    fn reference_response(&self, gold: Gold<'_>) -> Result<String, SynlogicError> {
        let bad =
            || SynlogicError::bad_record(ID, "metadata.solution", "expected rows of \"1\"/\"X\"");
        let solution = gold.metadata.get("solution").ok_or_else(bad)?;
        let rows = solution.as_array().ok_or_else(bad)?;
        if rows.iter().any(|r| {
            !r.as_array()
                .is_some_and(|c| c.iter().all(|v| v == "1" || v == "X"))
        }) {
            return Err(bad());
        }
        Ok(format!(
            "The marked grid is {}",
            serde_json::to_string(solution).map_err(|_| bad())?
        ))
    }

    fn solver_effort(&self, instance: &Instance) -> Option<u64> {
        let board = read_board(instance.gold()).ok()?;
        (board.m <= 20).then(|| solve_nodes(&board))
    }
}
