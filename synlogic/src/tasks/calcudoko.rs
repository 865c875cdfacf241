//! `calcudoko` (KenKen): a Latin square cut into cages, each with a target and an operator
//! (+, -, *, ÷); the numbers of a cage combine to its target and, as SynLogic's verifier demands,
//! do not repeat inside the cage. Fixes SynLogic's generator bug: its ÷ targets come from floor
//! division, so most gold answers fail its own exact-division check; ours use ÷ only where the
//! division is exact. The verifier accepts any grid that keeps the rules and reads the last `[[...]]`
//! (SynLogic's reads the first and pads short rows with 1s).

use rand::seq::SliceRandom;
use rand::Rng;
use serde_json::{json, Value};

use rlvr_envs::extract::strip_think;

use crate::difficulty::Difficulty;
use crate::error::SynlogicError;
use crate::extract;
use crate::grid_text;
use crate::instance::{Gold, Instance, Metadata};
use crate::language::{fill, pick, Bilingual};
use crate::latin::{self, Rules};
use crate::puzzle::{self, Begun, GenOptions, Judgement, Puzzle};

const ID: &str = "calcudoko";

/// (grid size, largest cage) per level. SynLogic's run.sh uses sizes 4, 5 and 6 with cages of 2-4.
const LEVELS: [(usize, usize); 10] = [
    (3, 2),
    (4, 2),
    (4, 3),
    (4, 4),
    (5, 3),
    (5, 4),
    (6, 3),
    (6, 4),
    (7, 4),
    (7, 5),
];

const INTROS: &[Bilingual] = &[
    Bilingual {
        en: "Solve this {n}x{n} Calcudoko (KenKen) puzzle.",
        zh: "请解这道 {n}x{n} 的计算数独（KenKen）。",
    },
    Bilingual {
        en: "Here is a {n}x{n} Calcudoko grid divided into cages.",
        zh: "下面是一个被划分成若干笼子的 {n}x{n} 计算数独。",
    },
    Bilingual {
        en: "Fill in the {n}x{n} grid below according to Calcudoko rules.",
        zh: "请按照计算数独的规则填满下面的 {n}x{n} 网格。",
    },
];

const RULES: Bilingual = Bilingual {
    en: "Put a number from 1 to {n} in every cell so that no row and no column repeats a number. The cells are grouped into cages, written as a list of (row,column) cells followed by a target and an operator: the numbers in the cage, which must all differ, give the target when combined with the operator. For - and ÷ the cage has two cells and the larger number comes first (so (1,1),(1,2):2÷ means one number is twice the other).",
    zh: "在每个格子中填入 1 到 {n} 的数字，使任何行和列都没有重复数字。格子被分成若干笼子，写作一串 (行,列) 格子，后面跟着目标数和运算符：笼内的数字互不相同，用该运算符组合后等于目标数。对于 - 和 ÷，笼子有两个格子，用较大的数去减或除较小的数（例如 (1,1),(1,2):2÷ 表示一个数是另一个数的两倍）。",
};

const FORMAT: Bilingual = Bilingual {
    en: "End your answer with the grid row by row inside double square brackets, numbers separated by spaces and rows by commas, e.g. [[1 2 3,2 3 1,3 1 2]].",
    zh: "请在回答末尾把网格逐行写在双方括号中，数字之间用空格分隔，行之间用逗号分隔，例如 [[1 2 3,2 3 1,3 1 2]]。",
};

/// The calcudoko task.
pub struct Calcudoko;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

impl Op {
    fn symbol(self) -> &'static str {
        match self {
            Op::Add => "+",
            Op::Sub => "-",
            Op::Mul => "*",
            Op::Div => "÷",
        }
    }

    fn parse(s: &str) -> Option<Op> {
        match s {
            "+" => Some(Op::Add),
            "-" => Some(Op::Sub),
            "*" | "×" | "x" => Some(Op::Mul),
            "÷" | "/" => Some(Op::Div),
            _ => None,
        }
    }

    /// Whether `values` (all filled) reach `target`.
    fn holds(self, values: &[i64], target: i64) -> bool {
        match (self, values) {
            (Op::Add, v) => v.iter().sum::<i64>() == target,
            (Op::Mul, v) => v.iter().try_fold(1i64, |p, &x| p.checked_mul(x)) == Some(target),
            (Op::Sub, [a, b]) => (a - b).abs() == target,
            (Op::Div, [a, b]) => {
                let (hi, lo) = ((*a).max(*b), (*a).min(*b));
                lo != 0 && hi % lo == 0 && hi / lo == target
            }
            _ => false,
        }
    }
}

#[derive(Debug, Clone)]
struct Cage {
    cells: Vec<(usize, usize)>,
    target: i64,
    op: Op,
}

struct Board {
    n: usize,
    cages: Vec<Cage>,
}

/// "(r,c)" with 1-based indices, SynLogic's cell notation.
fn parse_cell(s: &str) -> Option<(usize, usize)> {
    let inner = s.trim().strip_prefix('(')?.strip_suffix(')')?;
    let (r, c) = inner.split_once(',')?;
    let (r, c) = (
        r.trim().parse::<usize>().ok()?,
        c.trim().parse::<usize>().ok()?,
    );
    (r >= 1 && c >= 1).then(|| (r - 1, c - 1))
}

fn read_board(gold: Gold<'_>) -> Result<Board, SynlogicError> {
    let bad = |field: &'static str, m: &str| SynlogicError::bad_record(ID, field, m);
    let n = gold
        .metadata
        .get("grid_size")
        .and_then(Value::as_u64)
        .filter(|n| (1..=16).contains(n))
        .ok_or_else(|| bad("metadata.grid_size", "expected an integer 1..=16"))?
        as usize;
    let regions = gold
        .metadata
        .get("regions")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("metadata.regions", "expected a list"))?;
    let cages = regions
        .iter()
        .map(|region| {
            let cells = region
                .get("cells")?
                .as_array()?
                .iter()
                .map(|c| parse_cell(c.as_str()?).filter(|&(r, c)| r < n && c < n))
                .collect::<Option<Vec<_>>>()?;
            let target = match region.get("target")? {
                Value::Number(x) => x
                    .as_i64()
                    .or_else(|| x.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))?,
                _ => return None,
            };
            let op = Op::parse(region.get("operator")?.as_str()?)?;
            Some(Cage { cells, target, op })
        })
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| {
            bad(
                "metadata.regions",
                "expected {cells: [\"(r,c)\"], target, operator} cages inside the grid",
            )
        })?;
    Ok(Board { n, cages })
}

/// Cuts the solved grid into cages of 1..=max_size orthogonally connected cells with distinct values.
fn cut_cages(solution: &[u8], n: usize, max_size: usize, rng: &mut impl Rng) -> Vec<Cage> {
    let mut owner = vec![usize::MAX; n * n];
    let mut order: Vec<usize> = (0..n * n).collect();
    order.shuffle(rng);
    let mut cages = Vec::new();
    for &start in &order {
        if owner[start] != usize::MAX {
            continue;
        }
        let size = rng.gen_range(2..=max_size.max(2));
        let mut cells = vec![start];
        owner[start] = cages.len();
        while cells.len() < size {
            let mut frontier: Vec<usize> = Vec::new();
            for &cell in &cells {
                let (r, c) = (cell / n, cell % n);
                let mut neighbours = Vec::with_capacity(4);
                if r > 0 {
                    neighbours.push(cell - n);
                }
                if r + 1 < n {
                    neighbours.push(cell + n);
                }
                if c > 0 {
                    neighbours.push(cell - 1);
                }
                if c + 1 < n {
                    neighbours.push(cell + 1);
                }
                for nb in neighbours {
                    let fresh = owner[nb] == usize::MAX && !frontier.contains(&nb);
                    if fresh && cells.iter().all(|&k| solution[k] != solution[nb]) {
                        frontier.push(nb);
                    }
                }
            }
            let Some(&next) = frontier.choose(rng) else {
                break;
            };
            owner[next] = cages.len();
            cells.push(next);
        }
        let values: Vec<i64> = cells.iter().map(|&k| i64::from(solution[k])).collect();
        let (op, target) = match values.as_slice() {
            [v] => (Op::Add, *v),
            [a, b] => {
                let (hi, lo) = ((*a).max(*b), (*a).min(*b));
                if hi % lo == 0 && rng.gen_bool(0.5) {
                    (Op::Div, hi / lo)
                } else {
                    (Op::Sub, hi - lo)
                }
            }
            v => {
                if rng.gen_bool(0.5) {
                    (Op::Add, v.iter().sum())
                } else {
                    (Op::Mul, v.iter().product())
                }
            }
        };
        cages.push(Cage {
            cells: cells.iter().map(|&k| (k / n, k % n)).collect(),
            target,
            op,
        });
    }
    cages
}

/// Cage checks for the solver: a full cage must reach its target; partial sums and products must
/// not overshoot it.
struct CageRules<'a> {
    cages: &'a [Cage],
    cage_of: Vec<usize>,
}

impl Rules for CageRules<'_> {
    fn allows(&self, grid: &[u8], n: usize, cell: usize) -> bool {
        let cage = &self.cages[self.cage_of[cell]];
        let values: Vec<i64> = cage
            .cells
            .iter()
            .map(|&(r, c)| i64::from(grid[r * n + c]))
            .collect();
        let filled: Vec<i64> = values.iter().copied().filter(|&v| v != 0).collect();
        let distinct = filled
            .iter()
            .enumerate()
            .all(|(i, v)| !filled[..i].contains(v));
        if !distinct {
            return false;
        }
        if filled.len() == values.len() {
            return cage.op.holds(&values, cage.target);
        }
        match cage.op {
            Op::Add => filled.iter().sum::<i64>() < cage.target,
            Op::Mul => {
                let p: i64 = filled.iter().product();
                p != 0 && cage.target % p == 0
            }
            Op::Sub | Op::Div => true,
        }
    }
}

fn cages_json(cages: &[Cage]) -> Value {
    Value::Array(
        cages
            .iter()
            .map(|cage| {
                json!({
                    "cells": cage.cells.iter().map(|(r, c)| format!("({},{})", r + 1, c + 1)).collect::<Vec<_>>(),
                    "target": cage.target,
                    "operator": cage.op.symbol(),
                })
            })
            .collect(),
    )
}

impl Puzzle for Calcudoko {
    fn id(&self) -> &'static str {
        ID
    }

    fn summary(&self) -> &'static str {
        "SynLogic calcudoko: KenKen with exact division cages"
    }

    fn knobs(&self, difficulty: Difficulty) -> Value {
        let (n, max_cage) = difficulty.pick(&LEVELS);
        json!({ "grid_size": n, "max_cage_size": max_cage })
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
        let (n, max_cage) = level.pick(&LEVELS);
        let solution = latin::random_square(n, &mut rng);
        let cages = cut_cages(&solution, n, max_cage, &mut rng);
        let cage_lines: Vec<String> = cages
            .iter()
            .map(|cage| {
                let cells: Vec<String> = cage
                    .cells
                    .iter()
                    .map(|(r, c)| format!("({},{})", r + 1, c + 1))
                    .collect();
                format!("{}:{}{}", cells.join(","), cage.target, cage.op.symbol())
            })
            .collect();
        let n_text = n.to_string();
        let vars = [("n", n_text.as_str())];
        let question = format!(
            "{}\n{}\n\n{}\n{}\n\n{}",
            fill(pick(&mut rng, INTROS, language), &vars),
            fill(RULES.get(language), &vars),
            if language.is_chinese() {
                "笼子："
            } else {
                "Cages:"
            },
            cage_lines.join("\n"),
            FORMAT.get(language)
        );
        Ok(Instance {
            question,
            answer: Value::String(grid_text::bracket_rows(&solution, n)).into(),
            difficulty: level,
            metadata: Metadata::lazy(move || {
                json!({
                    "trace_id": trace,
                    "grid_size": n,
                    "regions": cages_json(&cages),
                    "rlvr": { "level": level.level(), "seed": seed, "index": index, "language": language },
                })
            }),
        })
    }

    fn verify(&self, gold: Gold<'_>, response: &str) -> Result<Judgement, SynlogicError> {
        let board = read_board(gold)?;
        let text = strip_think(response);
        let Some(group) = extract::double_bracket_groups(text).pop() else {
            return Ok(Judgement::unparseable("no [[...]] answer"));
        };
        let group = match extract::within_limit(group) {
            Ok(group) => group,
            Err(judgement) => return Ok(judgement),
        };
        let Some(grid) = extract::space_separated_rows(group) else {
            return Ok(Judgement::unparseable(
                "the [[...]] answer holds something other than integers",
            ));
        };
        if let Some(why) = latin::violation(&grid, board.n) {
            return Ok(Judgement::wrong(why));
        }
        for cage in &board.cages {
            let values: Vec<i64> = cage.cells.iter().map(|&(r, c)| grid[r][c]).collect();
            let label = || format!("{}{}", cage.target, cage.op.symbol());
            if values
                .iter()
                .enumerate()
                .any(|(i, v)| values[..i].contains(v))
            {
                return Ok(Judgement::wrong(format!(
                    "cage {} repeats a number",
                    label()
                )));
            }
            if !cage.op.holds(&values, cage.target) {
                return Ok(Judgement::wrong(format!(
                    "cage {} does not reach its target with {values:?}",
                    label()
                )));
            }
        }
        Ok(Judgement::correct())
    }

    fn reference_response(&self, gold: Gold<'_>) -> Result<String, SynlogicError> {
        let answer = gold
            .answer
            .as_str()
            .filter(|a| a.starts_with("[[") && a.ends_with("]]"))
            .ok_or_else(|| {
                SynlogicError::bad_record(ID, "answer", "expected a \"[[...]]\" string")
            })?;
        Ok(format!("The filled grid is {answer}"))
    }

    fn solver_effort(&self, instance: &Instance) -> Option<u64> {
        let board = read_board(instance.gold()).ok()?;
        let mut cage_of = vec![0; board.n * board.n];
        for (k, cage) in board.cages.iter().enumerate() {
            for &(r, c) in &cage.cells {
                cage_of[r * board.n + c] = k;
            }
        }
        let rules = CageRules {
            cages: &board.cages,
            cage_of,
        };
        Some(latin::solve(board.n, &vec![0; board.n * board.n], &rules, 1, 50_000_000).nodes)
    }
}
