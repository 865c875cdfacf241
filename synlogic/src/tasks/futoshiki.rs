//! `futoshiki`: a Latin square with some cells given and inequality signs between neighbours.
//! Fixes SynLogic's generator bug: its signs are drawn at random, independent of the solution (the
//! gold answer satisfies them in ~1/200 instances); ours are read off the solution, so the gold is
//! always valid. The verifier accepts any grid that keeps the rules, the givens and the signs, and
//! reads the givens in Chinese prompts too (SynLogic's only parses the English grid header).

use serde_json::{json, Map, Value};

use rlvr_envs::extract::strip_think;

use crate::difficulty::Difficulty;
use crate::error::SynlogicError;
use crate::extract;
use crate::grid_text;
use crate::instance::{rlvr_meta, Gold, Instance, Metadata};
use crate::language::{fill_into, pick, Bilingual};
use crate::latin::{self, Rules};
use crate::lazy_json::LazyJson;
use crate::puzzle::{self, GenOptions, Judgement, LazyBegun, Puzzle};
use crate::scratch;
use crate::small_sample;

const ID: &str = "futoshiki";

/// (grid size, inequality signs, given cells) per level. SynLogic's run.sh spans 4x4/2/2 to 5x5/10/5.
const LEVELS: [(usize, usize, usize); 10] = [
    (4, 5, 5),
    (4, 4, 3),
    (5, 9, 7),
    (5, 8, 6),
    (5, 7, 4),
    (5, 6, 3),
    (6, 10, 6),
    (6, 9, 4),
    (7, 13, 7),
    (8, 18, 8),
];

/// The longest side, and the most signs and givens, a level draws: generation works on fixed
/// buffers.
const GEN_SIDE: usize = 8;
const GEN_SIGNS: usize = 18;
const GEN_GIVENS: usize = 8;
const _: () = {
    let mut k = 0;
    while k < LEVELS.len() {
        assert!(LEVELS[k].0 <= GEN_SIDE && LEVELS[k].1 <= GEN_SIGNS && LEVELS[k].2 <= GEN_GIVENS);
        k += 1;
    }
};

/// The two grid headers SynLogic's prompts use; its verifier finds the givens under them.
const GRID_HEADER: Bilingual = Bilingual {
    en: "Current puzzle:",
    zh: "当前题目：",
};

const INTROS: &[Bilingual] = &[
    Bilingual {
        en: "Solve this {n}x{n} Futoshiki (inequality) puzzle.",
        zh: "请解这道 {n}x{n} 的不等号数独（Futoshiki）。",
    },
    Bilingual {
        en: "Here is a {n}x{n} Futoshiki grid to complete.",
        zh: "下面是一个需要补全的 {n}x{n} 不等式数独。",
    },
    Bilingual {
        en: "Complete the following {n}x{n} grid under Futoshiki rules.",
        zh: "请按照不等式数独的规则完成下面的 {n}x{n} 网格。",
    },
    Bilingual {
        en: "Your task is a {n}x{n} Futoshiki: fill every cell marked X.",
        zh: "你的任务是一道 {n}x{n} 的不等式数独：填满所有标记为 X 的格子。",
    },
];

const RULES: &[Bilingual] = &[
    Bilingual {
        en: "Rules: every row and every column holds each number from 1 to {n} exactly once; the given numbers stay as they are; each constraint (r,c) > (r',c') or (r,c) < (r',c') compares the cell in row r, column c with the cell in row r', column c' (rows and columns counted from 1).",
        zh: "规则：每一行、每一列都恰好包含 1 到 {n} 的每个数字一次；已给出的数字不能改动；约束 (r,c) > (r',c') 或 (r,c) < (r',c') 比较第 r 行第 c 列与第 r' 行第 c' 列的格子（行列均从 1 开始计数）。",
    },
    Bilingual {
        en: "Each row and column must be a permutation of 1..{n}. Keep the pre-filled numbers, and make every listed inequality between the two cells (row, column) true.",
        zh: "每行每列都必须是 1 到 {n} 的一个排列。保留预先填好的数字，并使列出的每个不等式（以 (行,列) 表示格子）都成立。",
    },
    Bilingual {
        en: "Place the numbers 1 to {n} so that no row or column repeats one, the shown numbers are kept, and all the inequalities below hold; a cell is written (row,column), counting from 1.",
        zh: "放置数字 1 到 {n}，使任何行或列都没有重复，显示的数字保持不变，且下面所有不等式都成立；格子写作 (行,列)，从 1 开始计数。",
    },
];

const FORMAT: Bilingual = Bilingual {
    en: "Write the final grid row by row inside double square brackets, numbers separated by spaces and rows by commas; for a 3x3 grid that looks like [[1 2 3,2 3 1,3 1 2]].",
    zh: "请把最终的网格逐行写在双方括号中，数字之间用空格分隔，行与行之间用逗号分隔；3x3 网格的写法例如 [[1 2 3,2 3 1,3 1 2]]。",
};

/// The futoshiki task.
pub struct Futoshiki;

/// One inequality: `a` (row, col) stands in relation `greater` to `b`.
#[derive(Debug, Clone, Copy)]
struct Sign {
    a: (usize, usize),
    b: (usize, usize),
    greater: bool,
}

struct SignRules<'a> {
    signs: &'a [Sign],
}

impl Rules for SignRules<'_> {
    fn allows(&self, grid: &[u8], n: usize, cell: usize) -> bool {
        self.signs.iter().all(|s| {
            let (x, y) = (grid[s.a.0 * n + s.a.1], grid[s.b.0 * n + s.b.1]);
            let involves = s.a.0 * n + s.a.1 == cell || s.b.0 * n + s.b.1 == cell;
            !involves || x == 0 || y == 0 || (x > y) == s.greater
        })
    }
}

/// The gold data of a record.
struct Board {
    n: usize,
    signs: Vec<Sign>,
    /// (row, col, value) of each given cell.
    givens: Vec<(usize, usize, i64)>,
}

fn field<'a>(metadata: &'a Value, key: &'static str) -> Result<&'a Value, SynlogicError> {
    metadata
        .get(key)
        .ok_or_else(|| SynlogicError::bad_record(ID, "metadata", format!("missing `{key}`")))
}

fn read_pair(v: &Value) -> Option<(usize, usize)> {
    let a = v.as_array()?;
    match a.as_slice() {
        [r, c] => Some((r.as_u64()? as usize, c.as_u64()? as usize)),
        _ => None,
    }
}

/// The givens under the grid header of the question (either language), for records (SynLogic's)
/// that do not store their values.
fn givens_from_question(
    question: &str,
    n: usize,
    coords: &[(usize, usize)],
) -> Option<Vec<(usize, usize, i64)>> {
    let start = [GRID_HEADER.en, GRID_HEADER.zh]
        .iter()
        .filter_map(|h| question.find(h).map(|i| i + h.len()))
        .min()?;
    let rows: Vec<Vec<&str>> = question[start..]
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(n)
        .map(|l| l.split_whitespace().collect())
        .collect();
    coords
        .iter()
        .map(|&(r, c)| {
            let token = rows.get(r)?.get(c)?;
            Some((r, c, token.parse::<i64>().ok()?))
        })
        .collect()
}

fn read_board(gold: Gold<'_>) -> Result<Board, SynlogicError> {
    let bad = |field: &'static str, m: &str| SynlogicError::bad_record(ID, field, m);
    let n = field(gold.metadata, "grid_size")?
        .as_u64()
        .filter(|n| (2..=16).contains(n))
        .ok_or_else(|| bad("metadata.grid_size", "expected an integer 2..=16"))?
        as usize;
    let mut signs = Vec::new();
    for c in field(gold.metadata, "constraints")?
        .as_array()
        .ok_or_else(|| bad("metadata.constraints", "expected a list"))?
    {
        let parts = c.as_array().filter(|p| p.len() == 3);
        let sign = parts.and_then(|p| {
            let (a, b) = (read_pair(&p[0])?, read_pair(&p[1])?);
            let greater = match p[2].as_str()? {
                ">" => true,
                "<" => false,
                _ => return None,
            };
            (a.0 < n && a.1 < n && b.0 < n && b.1 < n).then_some(Sign { a, b, greater })
        });
        signs.push(sign.ok_or_else(|| {
            bad(
                "metadata.constraints",
                "expected [[r,c],[r,c],\">\"|\"<\"] inside the grid",
            )
        })?);
    }
    let coords: Vec<(usize, usize)> = field(gold.metadata, "prefilled_coords")?
        .as_array()
        .ok_or_else(|| bad("metadata.prefilled_coords", "expected a list"))?
        .iter()
        .map(|p| read_pair(p).filter(|&(r, c)| r < n && c < n))
        .collect::<Option<_>>()
        .ok_or_else(|| {
            bad(
                "metadata.prefilled_coords",
                "expected [row, col] pairs inside the grid",
            )
        })?;
    let givens = match gold
        .metadata
        .get("prefilled_values")
        .and_then(Value::as_array)
    {
        Some(values) if values.len() == coords.len() => coords
            .iter()
            .zip(values)
            .map(|(&(r, c), v)| Some((r, c, v.as_i64()?)))
            .collect::<Option<_>>()
            .ok_or_else(|| bad("metadata.prefilled_values", "expected integers"))?,
        _ => givens_from_question(gold.question, n, &coords).ok_or_else(|| {
            bad(
                "question",
                "cannot read the given numbers under the grid header",
            )
        })?,
    };
    Ok(Board { n, signs, givens })
}

/// The grid the response states.
fn response_grid(response: &str) -> Result<Vec<Vec<i64>>, Judgement> {
    let text = strip_think(response);
    let group = extract::double_bracket_groups(text)
        .pop()
        .ok_or_else(|| Judgement::unparseable("no [[...]] answer"))?;
    let group = extract::within_limit(group)?;
    extract::space_separated_rows(group).ok_or_else(|| {
        Judgement::unparseable("the [[...]] answer holds something other than integers")
    })
}

/// How many adjacent pairs a generated grid can have.
const GEN_PAIRS: usize = 2 * GEN_SIDE * (GEN_SIDE - 1);

/// Adjacent pairs of cells (row-major numbers), each cell's right neighbour then its down neighbour:
/// the pairs a sign may sit between, in the order the generator samples them; and their count.
fn adjacent_pairs(n: usize) -> ([(u8, u8); GEN_PAIRS], usize) {
    let mut pairs = [(0, 0); GEN_PAIRS];
    let mut len = 0;
    for cell in 0..n * n {
        let (r, c) = (cell / n, cell % n);
        if c + 1 < n {
            pairs[len] = (cell as u8, (cell + 1) as u8);
            len += 1;
        }
        if r + 1 < n {
            pairs[len] = (cell as u8, (cell + n) as u8);
            len += 1;
        }
    }
    (pairs, len)
}

/// Sampled indices (all below 256 here) kept in bytes, so the metadata closure holds them inline.
fn bytes<const N: usize>(indices: &small_sample::Indices) -> Picked<N> {
    let mut picked = Picked {
        items: [0; N],
        len: indices.len().min(N),
    };
    for (slot, k) in picked.items.iter_mut().zip(indices.iter()) {
        *slot = k as u8;
    }
    picked
}

/// Up to `N` sampled indices.
#[derive(Clone, Copy)]
struct Picked<const N: usize> {
    items: [u8; N],
    len: usize,
}

impl<const N: usize> Picked<N> {
    fn len(&self) -> usize {
        self.len
    }

    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.items[..self.len].iter().map(|&k| usize::from(k))
    }
}

/// The sign on pair `k`, pointing the way the solution does.
fn sign_at(pairs: &[(u8, u8)], n: usize, solution: &[u8], k: usize) -> Sign {
    let (a, b) = (usize::from(pairs[k].0), usize::from(pairs[k].1));
    Sign {
        a: (a / n, a % n),
        b: (b / n, b % n),
        greater: solution[a] > solution[b],
    }
}

fn constraints_json(signs: &[Sign]) -> Value {
    let pair = |(r, c): (usize, usize)| Value::Array(vec![Value::from(r), Value::from(c)]);
    Value::Array(
        signs
            .iter()
            .map(|s| {
                Value::Array(vec![
                    pair(s.a),
                    pair(s.b),
                    Value::from(if s.greater { ">" } else { "<" }),
                ])
            })
            .collect(),
    )
}

impl Puzzle for Futoshiki {
    fn id(&self) -> &'static str {
        ID
    }

    fn summary(&self) -> &'static str {
        "SynLogic futoshiki: Latin square with givens and inequalities drawn from the solution"
    }

    fn knobs(&self, difficulty: Difficulty) -> Value {
        let (n, signs, givens) = difficulty.pick(&LEVELS);
        json!({ "grid_size": n, "num_inequality_signs": signs, "num_prefilled_coords": givens })
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
        let (n, num_signs, num_givens) = level.pick(&LEVELS);
        // The held record keeps the square in one array; its JSON rows are built on first use.
        let mut square = [0u8; GEN_SIDE * GEN_SIDE];
        // SynLogic's backtracking square, by its law rather than its draws (a seventh of them).
        latin::fill_random_square_lean(n, &mut rng, &mut square);
        let solution = &square[..n * n];
        let (pairs, n_pairs) = adjacent_pairs(n);
        // The signs, as indices into the pairs: their direction is read off the solution.
        let picked: Picked<GEN_SIGNS> = bytes(&small_sample::sample(
            &mut rng,
            n_pairs,
            num_signs.min(n_pairs),
        ));
        let given_cells: Picked<GEN_GIVENS> = bytes(&small_sample::sample(
            &mut rng,
            n * n,
            num_givens.min(n * n),
        ));
        let mut masked = [0u8; GEN_SIDE * GEN_SIDE];
        for cell in given_cells.iter() {
            masked[cell] = solution[cell];
        }
        let n_text = grid_text::small_int(n);
        let vars = [("n", &*n_text)];
        // The prompt is written into one buffer, in the order the template draws are made.
        let intro = pick(&mut rng, INTROS, language);
        let rules = pick(&mut rng, RULES, language);
        let format = FORMAT.get(language);
        let question = scratch::build(|question: &mut String| {
            fill_into(question, intro, &vars);
            question.push('\n');
            fill_into(question, rules, &vars);
            question.push_str("\n\n");
            question.push_str(GRID_HEADER.get(language));
            question.push('\n');
            grid_text::push_masked_rows(question, &masked[..n * n], n);
            question.push_str("\n\n");
            question.push_str(if language.is_chinese() {
                "不等式约束："
            } else {
                "Inequality constraints:"
            });
            question.push('\n');
            for (k, s) in picked
                .iter()
                .map(|k| sign_at(&pairs, n, solution, k))
                .enumerate()
            {
                if k > 0 {
                    question.push('\n');
                }
                let cell = |q: &mut String, (r, c): (usize, usize)| {
                    q.push('(');
                    grid_text::push_int(q, r as i64 + 1);
                    q.push(',');
                    grid_text::push_int(q, c as i64 + 1);
                    q.push(')');
                };
                cell(question, s.a);
                question.push_str(if s.greater { " > " } else { " < " });
                cell(question, s.b);
            }
            question.push_str("\n\n");
            question.push_str(format);
        });
        let answer = LazyJson::lazy(move || grid_text::json_rows(&square[..n * n], n));
        let metadata = Metadata::lazy(move || {
            let solution = &square[..n * n];
            let pair = |r: usize, c: usize| Value::Array(vec![Value::from(r), Value::from(c)]);
            let mut metadata = Map::with_capacity(8);
            metadata.insert("trace_id".into(), Value::from(trace));
            metadata.insert("grid_size".into(), Value::from(n));
            metadata.insert("num_inequality_signs".into(), Value::from(picked.len()));
            metadata.insert(
                "num_prefilled_coords".into(),
                Value::from(given_cells.len()),
            );
            metadata.insert(
                "prefilled_coords".into(),
                Value::Array(given_cells.iter().map(|c| pair(c / n, c % n)).collect()),
            );
            metadata.insert(
                "prefilled_values".into(),
                Value::Array(
                    given_cells
                        .iter()
                        .map(|c| Value::from(solution[c]))
                        .collect(),
                ),
            );
            let (pairs, _) = adjacent_pairs(n);
            let signs: Vec<Sign> = picked
                .iter()
                .map(|k| sign_at(&pairs, n, solution, k))
                .collect();
            metadata.insert("constraints".into(), constraints_json(&signs));
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
        let grid = match response_grid(response) {
            Ok(grid) => grid,
            Err(judgement) => return Ok(judgement),
        };
        if let Some(why) = latin::violation(&grid, board.n) {
            return Ok(Judgement::wrong(why));
        }
        if let Some(&(r, c, v)) = board.givens.iter().find(|&&(r, c, v)| grid[r][c] != v) {
            return Ok(Judgement::wrong(format!(
                "cell ({}, {}) is given as {v} but the answer has {}",
                r + 1,
                c + 1,
                grid[r][c]
            )));
        }
        if let Some(s) = board
            .signs
            .iter()
            .find(|s| (grid[s.a.0][s.a.1] > grid[s.b.0][s.b.1]) != s.greater)
        {
            return Ok(Judgement::wrong(format!(
                "constraint ({},{}) {} ({},{}) does not hold",
                s.a.0 + 1,
                s.a.1 + 1,
                if s.greater { '>' } else { '<' },
                s.b.0 + 1,
                s.b.1 + 1
            )));
        }
        Ok(Judgement::correct())
    }

    fn reference_response(&self, gold: Gold<'_>) -> Result<String, SynlogicError> {
        let rows = grid_text::read_int_rows(gold.answer)
            .ok_or_else(|| SynlogicError::bad_record(ID, "answer", "expected rows of integers"))?;
        let text: Vec<String> = rows
            .iter()
            .map(|r| r.iter().map(i64::to_string).collect::<Vec<_>>().join(" "))
            .collect();
        Ok(format!("The solved grid is [[{}]]", text.join(",")))
    }

    fn solver_effort(&self, instance: &Instance) -> Option<u64> {
        let board = read_board(instance.gold()).ok()?;
        let mut givens = vec![0u8; board.n * board.n];
        for &(r, c, v) in &board.givens {
            givens[r * board.n + c] = v as u8;
        }
        let search = latin::solve(
            board.n,
            &givens,
            &SignRules {
                signs: &board.signs,
            },
            1,
            50_000_000,
        );
        Some(search.nodes)
    }
}
