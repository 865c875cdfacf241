//! `sudoku`: classic 9x9 sudoku. Unlike SynLogic (where uniqueness is optional and level 4 takes
//! seconds), every level is generated with a unique solution, proven by our solver as cells are
//! removed; the verifier still checks the rules and the givens rather than comparing strings.

mod solver;

use serde_json::{json, Value};

use rlvr_envs::extract::strip_think;

use crate::difficulty::Difficulty;
use crate::error::SynlogicError;
use crate::extract;
use crate::instance::{Gold, Instance, Metadata};
use crate::language::{fill, pick, Bilingual};
use crate::puzzle::{self, Begun, GenOptions, Judgement, Puzzle};
use crate::pyliteral;

pub use solver::{count_solutions, Cells, Count};

const ID: &str = "sudoku";

/// Givens kept per level (inclusive range). SynLogic's levels 1-4 keep 70-80, 55-70, 40-55 and 25-40.
/// Level 10 asks for fewer givens than most minimal puzzles have, so it yields minimal puzzles.
const GIVENS: [(usize, usize); 10] = [
    (70, 80),
    (60, 69),
    (52, 59),
    (46, 51),
    (40, 45),
    (36, 39),
    (32, 35),
    // Levels 8-9 keep more givens than the ranges below 29 did: at 26-28 givens a carved puzzle is
    // close to minimal and measured harder than level 10's minimal ones (74 vs 69 mean nodes).
    (30, 31),
    (28, 29),
    (17, 25),
];

const INTROS: &[Bilingual] = &[
    Bilingual {
        en: "Solve this 9x9 Sudoku. Each X marks an empty cell:\n{grid}",
        zh: "请解下面这道 9x9 数独，X 表示空格：\n{grid}",
    },
    Bilingual {
        en: "Below is a Sudoku grid with nine rows of nine cells; X stands for a digit you must find:\n{grid}",
        zh: "下面是一个九行九列的数独盘面，X 代表需要你求出的数字：\n{grid}",
    },
    Bilingual {
        en: "Fill in the blanks (X) of the following Sudoku puzzle:\n{grid}",
        zh: "请把以下数独中的空位（X）全部填好：\n{grid}",
    },
    Bilingual {
        en: "Here is an unfinished 9x9 Sudoku board, with X where a digit is missing:\n{grid}",
        zh: "这是一个尚未完成的 9x9 数独，缺少数字的位置用 X 标出：\n{grid}",
    },
    Bilingual {
        en: "Complete the Sudoku below. Cells shown as X are unknown:\n{grid}",
        zh: "补全下方的数独，显示为 X 的格子是未知的：\n{grid}",
    },
    Bilingual {
        en: "A Sudoku puzzle is given row by row; the letter X marks each cell still to be filled:\n{grid}",
        zh: "下面逐行给出一道数独题，字母 X 标记仍需填写的格子：\n{grid}",
    },
];

const RULES: &[Bilingual] = &[
    Bilingual {
        en: "Every row, every column and every 3x3 box must contain each digit from 1 to 9 exactly once.",
        zh: "每一行、每一列以及每个 3x3 宫内，1 到 9 每个数字都必须恰好出现一次。",
    },
    Bilingual {
        en: "Rules: no digit may repeat within a row, a column or one of the nine 3x3 boxes, and only digits 1-9 are used.",
        zh: "规则：只能使用数字 1-9，同一行、同一列或同一个 3x3 宫内不能有重复数字。",
    },
    Bilingual {
        en: "Use the digits 1-9 so that each row, column and 3x3 block holds all nine of them, without repeats.",
        zh: "用数字 1-9 填满盘面，使每行、每列和每个 3x3 小宫都包含全部九个数字且不重复。",
    },
];

const FORMAT: Bilingual = Bilingual {
    en: "Give your final answer at the end as a Python markdown code block holding a tuple of nine row tuples, for example: ```python\n((1,2,3,4,5,6,7,8,9),(4,5,6,7,8,9,1,2,3),...)\n```",
    zh: "请在回答的最后用 Python 的 markdown 代码块给出答案，写成由九个行元组组成的元组，例如：```python\n((1,2,3,4,5,6,7,8,9),(4,5,6,7,8,9,1,2,3),...)\n```",
};

/// The sudoku task.
pub struct Sudoku;

fn grid_text(puzzle: &Cells) -> String {
    puzzle
        .chunks(9)
        .map(|row| {
            row.iter()
                .map(|&d| if d == 0 { 'X' } else { char::from(b'0' + d) })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// SynLogic's `original_sudoku`: rows of digits, with "X" for the empty cells.
fn masked_json(puzzle: &Cells) -> Value {
    Value::Array(
        puzzle
            .chunks(9)
            .map(|row| {
                Value::Array(
                    row.iter()
                        .map(|&d| if d == 0 { json!("X") } else { json!(d) })
                        .collect(),
                )
            })
            .collect(),
    )
}

fn rows_json(cells: &Cells) -> Value {
    Value::Array(cells.chunks(9).map(|row| json!(row)).collect())
}

/// Python's `str(tuple(tuple(row) for row in grid))`, SynLogic's answer string.
fn python_tuple_text(cells: &Cells) -> String {
    let rows: Vec<String> = cells
        .chunks(9)
        .map(|row| {
            let digits: Vec<String> = row.iter().map(u8::to_string).collect();
            format!("({})", digits.join(", "))
        })
        .collect();
    format!("({})", rows.join(", "))
}

/// Reads a 9x9 grid from record JSON: digits, with "X"/"x"/0/null for empty cells.
fn read_grid(value: &Value, field: &'static str) -> Result<Cells, SynlogicError> {
    let bad = |m: &str| SynlogicError::bad_record(ID, field, m);
    let rows = value
        .as_array()
        .filter(|r| r.len() == 9)
        .ok_or_else(|| bad("expected 9 rows"))?;
    let mut cells = [0u8; 81];
    for (r, row) in rows.iter().enumerate() {
        let row = row
            .as_array()
            .filter(|c| c.len() == 9)
            .ok_or_else(|| bad("expected rows of 9 cells"))?;
        for (c, cell) in row.iter().enumerate() {
            cells[r * 9 + c] = match cell {
                Value::Number(n) => match n.as_u64() {
                    Some(d @ 0..=9) => d as u8,
                    _ => return Err(bad("cell is not a digit 0-9")),
                },
                Value::String(s) if s.eq_ignore_ascii_case("x") || s.is_empty() => 0,
                Value::String(s) => match s.parse::<u8>() {
                    Ok(d @ 0..=9) => d,
                    _ => return Err(bad("cell is neither a digit nor X")),
                },
                Value::Null => 0,
                _ => return Err(bad("cell is neither a digit nor X")),
            };
        }
    }
    Ok(cells)
}

/// The grid the response states, or why none could be read.
fn response_grid(response: &str) -> Result<Cells, Judgement> {
    let text = strip_think(response);
    let candidate = extract::last_python_or_any_block(text)
        .or_else(|| extract::last_balanced(text, '(', ')', 4))
        .or_else(|| extract::last_balanced(text, '[', ']', 4))
        .ok_or_else(|| {
            Judgement::unparseable("no ```python block or ((...)) grid in the answer")
        })?;
    let candidate = extract::within_limit(candidate)?;
    let value = pyliteral::parse(candidate)
        .map_err(|e| Judgement::unparseable(format!("the answer is not a Python literal: {e}")))?;
    let rows = pyliteral::int_matrix(&value)
        .ok_or_else(|| Judgement::wrong("the answer is not a grid of integers"))?;
    if rows.len() != 9 || rows.iter().any(|r| r.len() != 9) {
        return Err(Judgement::wrong("the answer is not 9 rows of 9 digits"));
    }
    let mut cells = [0u8; 81];
    for (i, &d) in rows.iter().flatten().enumerate() {
        if !(1..=9).contains(&d) {
            return Err(Judgement::wrong(format!(
                "cell ({}, {}) holds {d}, not a digit 1-9",
                i / 9 + 1,
                i % 9 + 1
            )));
        }
        cells[i] = d as u8;
    }
    Ok(cells)
}

/// The first broken rule of a complete grid, if any.
fn rule_violation(cells: &Cells) -> Option<String> {
    for unit in 0..9 {
        let (mut row, mut col, mut bx) = (0u16, 0u16, 0u16);
        for k in 0..9 {
            row |= 1 << (cells[unit * 9 + k] - 1);
            col |= 1 << (cells[k * 9 + unit] - 1);
            bx |= 1 << (cells[(unit / 3 * 3 + k / 3) * 9 + unit % 3 * 3 + k % 3] - 1);
        }
        for (mask, what) in [(row, "row"), (col, "column"), (bx, "box")] {
            if mask != 0x1ff {
                return Some(format!("{what} {} repeats a digit", unit + 1));
            }
        }
    }
    None
}

impl Puzzle for Sudoku {
    fn id(&self) -> &'static str {
        ID
    }

    fn summary(&self) -> &'static str {
        "SynLogic sudoku: 9x9, unique solution at every level"
    }

    fn knobs(&self, difficulty: Difficulty) -> Value {
        let (lo, hi) = difficulty.pick(&GIVENS);
        json!({ "givens_min": lo, "givens_max": hi, "unique_solution": true })
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
        let solution = solver::random_complete_grid(&mut rng);
        let keep = solver::draw_in(&mut rng, level.pick(&GIVENS));
        let puzzle = solver::carve_unique(&solution, keep, &mut rng);
        let effort = count_solutions(&puzzle, 2);
        if effort.solutions != 1 {
            return Err(SynlogicError::Generation {
                task: ID,
                seed,
                index,
                message: format!("carved puzzle has {} solutions", effort.solutions),
            });
        }
        let grid = grid_text(&puzzle);
        let question = format!(
            "{}\n\n{}\n\n{}",
            fill(pick(&mut rng, INTROS, language), &[("grid", &grid)]),
            pick(&mut rng, RULES, language),
            FORMAT.get(language)
        );
        let givens = puzzle.iter().filter(|&&d| d != 0).count();
        Ok(Instance {
            question,
            answer: Value::String(python_tuple_text(&solution)).into(),
            difficulty: level,
            metadata: Metadata::lazy(move || {
                json!({
                    "trace_id": trace,
                    "original_sudoku": masked_json(&puzzle),
                    "complete_sudoku": rows_json(&solution),
                    "difficulty": level.level(),
                    "unique_solution": true,
                    "rlvr": {
                        "level": level.level(),
                        "seed": seed,
                        "index": index,
                        "language": language,
                        "givens": givens,
                        "solver_nodes": effort.nodes,
                    },
                })
            }),
        })
    }

    fn verify(&self, gold: Gold<'_>, response: &str) -> Result<Judgement, SynlogicError> {
        let givens = read_grid(
            gold.metadata.get("original_sudoku").unwrap_or(&Value::Null),
            "metadata.original_sudoku",
        )?;
        let cells = match response_grid(response) {
            Ok(cells) => cells,
            Err(judgement) => return Ok(judgement),
        };
        if let Some(i) = (0..81).find(|&i| givens[i] != 0 && givens[i] != cells[i]) {
            return Ok(Judgement::wrong(format!(
                "cell ({}, {}) is a given {} but the answer has {}",
                i / 9 + 1,
                i % 9 + 1,
                givens[i],
                cells[i]
            )));
        }
        Ok(match rule_violation(&cells) {
            Some(why) => Judgement::wrong(why),
            None => Judgement::correct(),
        })
    }

    fn reference_response(&self, gold: Gold<'_>) -> Result<String, SynlogicError> {
        let solution = read_grid(
            gold.metadata.get("complete_sudoku").unwrap_or(&Value::Null),
            "metadata.complete_sudoku",
        )?;
        Ok(format!(
            "The completed grid:\n```python\n{}\n```",
            python_tuple_text(&solution)
        ))
    }
}
