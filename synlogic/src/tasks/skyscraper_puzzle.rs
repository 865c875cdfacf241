//! `skyscraper_puzzle`: a Latin square of building heights; the clue on each side of a row or column
//! counts the buildings seen from there (a taller one hides the shorter behind it). As in SynLogic all
//! 4n clues are given (SynLogic's `all_prompts`, 20 rephrasings stored in every record, is left out); our higher levels grow the grid and our lower ones also show some heights.
//! The verifier accepts any grid that keeps the rules, the clues and the shown heights.

use rand::seq::index::sample;
use serde_json::{json, Map, Value};

use rlvr_envs::extract::strip_think;

use crate::difficulty::Difficulty;
use crate::error::SynlogicError;
use crate::extract;
use crate::grid_text;
use crate::instance::{rlvr_meta, Gold, Instance, Metadata};
use crate::language::{fill_into, pick, Bilingual, Language};
use crate::latin::{self, Rules};
use crate::puzzle::{self, GenOptions, Judgement, LazyBegun, Puzzle};
use crate::pyliteral;

const ID: &str = "skyscraper_puzzle";

/// (grid size, heights shown) per level. SynLogic's run.sh uses n = 3 and 4 with no heights shown.
const LEVELS: [(usize, usize); 10] = [
    (3, 0),
    (4, 3),
    (4, 0),
    (5, 3),
    (5, 0),
    (6, 4),
    (6, 0),
    (7, 6),
    (7, 3),
    (7, 0),
];

const INTROS: &[Bilingual] = &[
    Bilingual {
        en: "Solve this {n}x{n} Skyscrapers puzzle.",
        zh: "请解这道 {n}x{n} 的摩天楼谜题。",
    },
    Bilingual {
        en: "A city block is laid out as a {n}x{n} grid; work out the height of every building.",
        zh: "一个街区被划分为 {n}x{n} 的网格，请推算出每栋楼的高度。",
    },
    Bilingual {
        en: "Fill in the following {n}x{n} skyscraper grid.",
        zh: "请填写下面这个 {n}x{n} 的摩天楼网格。",
    },
    Bilingual {
        en: "Here is a {n}x{n} Skyscraper puzzle for you to complete.",
        zh: "这里有一道 {n}x{n} 的摩天楼题目需要你完成。",
    },
];

const RULES: Bilingual = Bilingual {
    en: "Each cell holds a building of height 1 to {n}; every row and every column contains each height exactly once. A number outside the grid says how many buildings are visible when looking along that row or column from that side: a building is hidden when a taller one stands in front of it.",
    zh: "每个格子放一栋高度为 1 到 {n} 的楼，每行每列中每种高度恰好出现一次。网格外的数字表示从该方向沿这一行或列看过去能看到几栋楼：被前面更高的楼挡住的楼看不到。",
};

const FORMAT: Bilingual = Bilingual {
    en: "Give the full grid at the end as a Python list of rows in a markdown code block, e.g. ```python\n[[1, 2, 3], [3, 1, 2], [2, 3, 1]]\n```",
    zh: "请在最后用 markdown 的 Python 代码块给出完整网格，写成由各行组成的列表，例如 ```python\n[[1, 2, 3], [3, 1, 2], [2, 3, 1]]\n```",
};

/// The skyscraper task.
pub struct SkyscraperPuzzle;

/// How many buildings are seen along `heights`, first to last.
fn visible(heights: impl Iterator<Item = i64>) -> i64 {
    let mut tallest = 0;
    let mut seen = 0;
    for h in heights {
        if h > tallest {
            tallest = h;
            seen += 1;
        }
    }
    seen
}

/// The clues of a board: top and bottom per column, left and right per row.
/// The largest side a record may claim (and the clue arrays' length).
const MAX_N: usize = 16;

/// The four rows of clues; entries past `n` are 0.
#[derive(Debug, Clone, Copy)]
struct Clues {
    top: [i64; MAX_N],
    bottom: [i64; MAX_N],
    left: [i64; MAX_N],
    right: [i64; MAX_N],
}

impl Clues {
    fn of(grid: &[Vec<i64>], n: usize) -> Clues {
        Clues::from_cells(n, |r, c| grid[r][c])
    }

    /// The clues of a row-major square (the generator's own grid).
    fn of_cells(cells: &[u8], n: usize) -> Clues {
        Clues::from_cells(n, |r, c| i64::from(cells[r * n + c]))
    }

    fn from_cells(n: usize, at: impl Fn(usize, usize) -> i64) -> Clues {
        let mut clues = Clues {
            top: [0; MAX_N],
            bottom: [0; MAX_N],
            left: [0; MAX_N],
            right: [0; MAX_N],
        };
        for k in 0..n.min(MAX_N) {
            clues.top[k] = visible((0..n).map(|r| at(r, k)));
            clues.bottom[k] = visible((0..n).rev().map(|r| at(r, k)));
            clues.left[k] = visible((0..n).map(|c| at(k, c)));
            clues.right[k] = visible((0..n).rev().map(|c| at(k, c)));
        }
        clues
    }
}

impl Rules for Clues {
    fn allows(&self, grid: &[u8], n: usize, cell: usize) -> bool {
        let (r, c) = (cell / n, cell % n);
        let row = &grid[r * n..r * n + n];
        let seen_left = visible(row[..=c].iter().map(|&v| i64::from(v)));
        if seen_left > self.left[r] || (row[c] as usize == n && seen_left != self.left[r]) {
            return false;
        }
        let seen_top = visible((0..=r).map(|k| i64::from(grid[k * n + c])));
        if seen_top > self.top[c] || (grid[cell] as usize == n && seen_top != self.top[c]) {
            return false;
        }
        if c == n - 1 && visible(row.iter().rev().map(|&v| i64::from(v))) != self.right[r] {
            return false;
        }
        r < n - 1 || visible((0..n).rev().map(|k| i64::from(grid[k * n + c]))) == self.bottom[c]
    }
}

struct Board {
    n: usize,
    clues: Clues,
    shown: Vec<(usize, usize, i64)>,
}

fn read_board(gold: Gold<'_>) -> Result<Board, SynlogicError> {
    let m = gold.metadata;
    let bad = |field: &'static str, msg: &str| SynlogicError::bad_record(ID, field, msg);
    let n = m
        .get("n")
        .and_then(Value::as_u64)
        .filter(|n| (1..=16).contains(n))
        .ok_or_else(|| bad("metadata.n", "expected an integer 1..=16"))? as usize;
    let side = |key: &'static str| -> Result<[i64; MAX_N], SynlogicError> {
        let mut side = [0; MAX_N];
        let values = m
            .get(key)
            .and_then(Value::as_array)
            .filter(|a| a.len() == n)
            .ok_or_else(|| {
                SynlogicError::bad_record(ID, "metadata", format!("`{key}` is not {n} integers"))
            })?;
        for (slot, v) in side.iter_mut().zip(values) {
            *slot = v.as_i64().ok_or_else(|| {
                SynlogicError::bad_record(ID, "metadata", format!("`{key}` is not {n} integers"))
            })?;
        }
        Ok(side)
    };
    let clues = Clues {
        top: side("top")?,
        bottom: side("bottom")?,
        left: side("left")?,
        right: side("right")?,
    };
    let shown = match m.get("prefilled") {
        None | Some(Value::Null) => Vec::new(),
        Some(v) => v
            .as_array()
            .and_then(|cells| {
                cells
                    .iter()
                    .map(|t| {
                        let t = t.as_array()?;
                        let (r, c, h) = (
                            t.first()?.as_u64()? as usize,
                            t.get(1)?.as_u64()? as usize,
                            t.get(2)?.as_i64()?,
                        );
                        (r < n && c < n).then_some((r, c, h))
                    })
                    .collect::<Option<Vec<_>>>()
            })
            .ok_or_else(|| {
                bad(
                    "metadata.prefilled",
                    "expected [row, col, height] triples inside the grid",
                )
            })?,
    };
    Ok(Board { n, clues, shown })
}

fn response_grid(response: &str) -> Result<Vec<Vec<i64>>, Judgement> {
    let text = strip_think(response);
    let candidate = extract::last_python_or_any_block(text)
        .or_else(|| extract::last_balanced(text, '[', ']', 4))
        .ok_or_else(|| {
            Judgement::unparseable("no ```python block or [[...]] grid in the answer")
        })?;
    let candidate = extract::within_limit(candidate)?;
    if let Some(grid) = pyliteral::simple_int_matrix(candidate) {
        return Ok(grid);
    }
    let value = pyliteral::parse(candidate)
        .map_err(|e| Judgement::unparseable(format!("the answer is not a Python literal: {e}")))?;
    pyliteral::int_matrix(&value)
        .ok_or_else(|| Judgement::wrong("the answer is not a grid of integers"))
}

/// Appends the four clue lines of the prompt.
fn push_clue_lines(out: &mut String, clues: &Clues, n: usize, language: Language) {
    let labels = match language {
        Language::En => [
            "Top (columns left to right)",
            "Bottom (columns left to right)",
            "Left (rows top to bottom)",
            "Right (rows top to bottom)",
        ],
        Language::Zh => [
            "上方（各列从左到右）",
            "下方（各列从左到右）",
            "左侧（各行从上到下）",
            "右侧（各行从上到下）",
        ],
    };
    let sides = [&clues.top, &clues.bottom, &clues.left, &clues.right];
    for (k, (label, side)) in labels.iter().zip(sides).enumerate() {
        if k > 0 {
            out.push('\n');
        }
        out.push_str(label);
        out.push_str(": ");
        grid_text::push_rows(out, &side[..n], n, " ", None);
    }
}

impl Puzzle for SkyscraperPuzzle {
    fn id(&self) -> &'static str {
        ID
    }

    fn summary(&self) -> &'static str {
        "SynLogic skyscraper_puzzle: Latin square with all 4n visibility clues"
    }

    fn knobs(&self, difficulty: Difficulty) -> Value {
        let (n, shown) = difficulty.pick(&LEVELS);
        json!({ "n": n, "heights_shown": shown })
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
        let (n, num_shown) = level.pick(&LEVELS);
        let cells = latin::random_square(n, &mut rng);
        let clues = Clues::of_cells(&cells, n);
        let shown = sample(&mut rng, n * n, num_shown.min(n * n));
        // The grid as the prompt shows it: 0 (drawn as X) except the shown heights.
        let mut masked = [0u8; MAX_N * MAX_N];
        for cell in shown.iter() {
            masked[cell] = cells[cell];
        }
        let n_text = grid_text::small_int(n);
        let vars = [("n", &*n_text)];
        let intro = pick(&mut rng, INTROS, language);
        let (rules, format) = (RULES.get(language), FORMAT.get(language));
        // The four clue lines take at most 40 bytes of label and 2n of numbers each.
        let mut question = String::with_capacity(
            intro.len() + rules.len() + format.len() + 2 * n * n + 4 * (40 + 2 * n) + 16,
        );
        fill_into(&mut question, intro, &vars);
        question.push('\n');
        fill_into(&mut question, rules, &vars);
        question.push_str("\n\n");
        grid_text::push_masked_rows(&mut question, &masked[..n * n], n);
        question.push_str("\n\n");
        push_clue_lines(&mut question, &clues, n, language);
        question.push_str("\n\n");
        question.push_str(format);
        let metadata = Metadata::lazy(move || {
            let clues = Clues::of_cells(&cells, n);
            let mut metadata = Map::with_capacity(9);
            metadata.insert("trace_id".into(), Value::from(trace));
            metadata.insert("n".into(), Value::from(n));
            let flat: Vec<i64> = cells.iter().map(|&v| i64::from(v)).collect();
            metadata.insert("solved_grid".into(), grid_text::int_rows_value(&flat, n));
            for (key, side) in [
                ("top", &clues.top),
                ("bottom", &clues.bottom),
                ("left", &clues.left),
                ("right", &clues.right),
            ] {
                metadata.insert(
                    key.into(),
                    grid_text::int_list_value(side[..n].iter().copied()),
                );
            }
            metadata.insert(
                "prefilled".into(),
                Value::Array(
                    shown
                        .iter()
                        .map(|c| {
                            Value::Array(vec![
                                Value::from(c / n),
                                Value::from(c % n),
                                Value::from(cells[c]),
                            ])
                        })
                        .collect(),
                ),
            );
            metadata.insert(
                "rlvr".into(),
                Value::Object(rlvr_meta(level, seed, index, language)),
            );
            Value::Object(metadata)
        });
        // The record may be held (a batch, the bench): keep only the bytes it uses.
        question.shrink_to_fit();
        Ok(Instance {
            question,
            answer: Value::String(String::new()).into(),
            difficulty: level,
            metadata,
        })
    }

    fn verify(&self, gold: Gold<'_>, response: &str) -> Result<Judgement, SynlogicError> {
        let board = read_board(gold)?;
        let grid = match response_grid(response) {
            Ok(grid) => grid,
            Err(judgement) => return Ok(judgement),
        };
        if let Some(why) = latin::violation(&grid, board.n) {
            return Ok(Judgement::wrong(why));
        }
        if let Some(&(r, c, h)) = board.shown.iter().find(|&&(r, c, h)| grid[r][c] != h) {
            return Ok(Judgement::wrong(format!(
                "cell ({}, {}) is shown as {h}",
                r + 1,
                c + 1
            )));
        }
        let seen = Clues::of(&grid, board.n);
        for (what, got, want) in [
            ("top", &seen.top, &board.clues.top),
            ("bottom", &seen.bottom, &board.clues.bottom),
            ("left", &seen.left, &board.clues.left),
            ("right", &seen.right, &board.clues.right),
        ] {
            if let Some(k) = (0..board.n).find(|&k| got[k] != want[k]) {
                return Ok(Judgement::wrong(format!(
                    "{what} clue {} is {} but {} buildings are visible",
                    k + 1,
                    want[k],
                    got[k]
                )));
            }
        }
        Ok(Judgement::correct())
    }

    fn reference_response(&self, gold: Gold<'_>) -> Result<String, SynlogicError> {
        let rows = gold
            .metadata
            .get("solved_grid")
            .and_then(grid_text::read_int_rows)
            .ok_or_else(|| {
                SynlogicError::bad_record(ID, "metadata.solved_grid", "expected rows of integers")
            })?;
        Ok(format!("```python\n{rows:?}\n```"))
    }

    fn solver_effort(&self, instance: &Instance) -> Option<u64> {
        let board = read_board(instance.gold()).ok()?;
        let mut givens = vec![0u8; board.n * board.n];
        for &(r, c, h) in &board.shown {
            givens[r * board.n + c] = h as u8;
        }
        Some(latin::solve(board.n, &givens, &board.clues, 1, 50_000_000).nodes)
    }
}
