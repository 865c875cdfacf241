//! `game_of_24`: combine the given numbers, each exactly once, with `+ - * /` and parentheses into an
//! expression whose value is the target. The verifier evaluates the expression in exact rational
//! arithmetic and compares it with the target, so any valid expression passes.
//!
//! SynLogic's verifier checks the characters and the number multiset but then tests
//! `abs(result - result) < 1e-10`, which never compares with the target (any well-formed expression
//! passes); it also evaluates in floating point. Both are fixed here.

use rand::Rng;
use serde_json::{json, Value};

use rlvr_envs::extract::strip_think;

use crate::difficulty::Difficulty;
use crate::error::SynlogicError;
use crate::extract;
use crate::instance::{Gold, Instance, Metadata};
use crate::language::{fill, pick, Bilingual};
use crate::puzzle::{self, Begun, GenOptions, Judgement, Puzzle};

const ID: &str = "game_of_24";

const OPERATORS: [char; 4] = ['+', '-', '*', '/'];

/// (how many numbers, largest number, target) per level. SynLogic's run.sh draws 4 numbers from
/// 1-9 for 24; its hyperparameter search sweeps 3-5 numbers.
const LEVELS: [(usize, i64, i64); 10] = [
    (3, 9, 24),
    (4, 9, 24),
    (4, 13, 24),
    (5, 9, 24),
    (5, 13, 48),
    (5, 20, 100),
    // Six numbers for 24 were easier than five for 100 (6 630 mean nodes after 14 826); 100 keeps
    // level 7 between its neighbours (29 965).
    (6, 13, 100),
    (6, 20, 100),
    (6, 25, 240),
    (6, 30, 360),
];

const INTROS: &[Bilingual] = &[
    Bilingual {
        en: "Using the numbers {numbers}, build an expression with the operations {operators} whose value is {result}.",
        zh: "请用数字 {numbers} 和运算 {operators} 构造一个值为 {result} 的算式。",
    },
    Bilingual {
        en: "Reach {result} by combining the numbers {numbers} with {operators}.",
        zh: "用运算 {operators} 组合数字 {numbers}，使结果等于 {result}。",
    },
    Bilingual {
        en: "Find an arithmetic expression over {numbers}, using {operators}, that equals {result}.",
        zh: "找出一个只用数字 {numbers} 和运算 {operators}、结果为 {result} 的算术表达式。",
    },
];

const RULES: Bilingual = Bilingual {
    en: "Use every number exactly once; parentheses are allowed, and division is exact (fractions may appear along the way).",
    zh: "每个数字必须恰好使用一次；可以使用括号，除法按精确值计算（中间结果可以是分数）。",
};

const FORMAT: Bilingual = Bilingual {
    en: "End your response with a ```python code block holding only the expression, so that Python's eval() can compute it.",
    zh: "请在回答的最后给出一个 ```python 代码块，其中只包含该表达式，使其能被 Python 的 eval() 直接求值。",
};

/// The game_of_24 task.
pub struct GameOf24;

/// An exact fraction with a positive denominator, in lowest terms. Operations fail on overflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ratio {
    num: i128,
    den: i128,
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.abs()
}

impl Ratio {
    fn int(n: i64) -> Ratio {
        Ratio {
            num: i128::from(n),
            den: 1,
        }
    }

    fn new(num: i128, den: i128) -> Option<Ratio> {
        if den == 0 {
            return None;
        }
        let g = gcd(num, den).max(1);
        let sign = if den < 0 { -1 } else { 1 };
        Some(Ratio {
            num: num.checked_div(g)?.checked_mul(sign)?,
            den: den.checked_div(g)?.checked_mul(sign)?,
        })
    }

    fn apply(self, op: char, other: Ratio) -> Option<Ratio> {
        let (a, b, c, d) = (self.num, self.den, other.num, other.den);
        match op {
            '+' => Ratio::new(
                a.checked_mul(d)?.checked_add(c.checked_mul(b)?)?,
                b.checked_mul(d)?,
            ),
            '-' => Ratio::new(
                a.checked_mul(d)?.checked_sub(c.checked_mul(b)?)?,
                b.checked_mul(d)?,
            ),
            '*' => Ratio::new(a.checked_mul(c)?, b.checked_mul(d)?),
            '/' => Ratio::new(a.checked_mul(d)?, b.checked_mul(c)?),
            _ => None,
        }
    }
}

/// Why an answer expression has no value.
#[derive(Debug)]
enum ExprError {
    Syntax(String),
    DivisionByZero,
    Overflow,
}

/// Nesting bound for parentheses and unary signs, so a hostile answer cannot overflow the stack.
const MAX_NESTING: usize = 64;

/// A recursive-descent evaluator for Python's `+ - * /` integer expressions with parentheses and
/// unary signs; collects the integer literals it reads.
struct Evaluator<'a> {
    src: &'a [u8],
    pos: usize,
    numbers: Vec<i64>,
}

impl Evaluator<'_> {
    fn skip_space(&mut self) {
        while self
            .src
            .get(self.pos)
            .is_some_and(|b| b.is_ascii_whitespace())
        {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_space();
        self.src.get(self.pos).copied()
    }

    fn syntax(&self, what: &str) -> ExprError {
        ExprError::Syntax(format!("{what} at byte {}", self.pos))
    }

    /// Reads a binary operator, refusing Python's `**` and `//`, which are not allowed here.
    fn operator(&mut self, ops: &[u8]) -> Result<Option<char>, ExprError> {
        match self.peek() {
            Some(b) if ops.contains(&b) => {
                if self.src.get(self.pos + 1) == Some(&b) && (b == b'*' || b == b'/') {
                    return Err(self.syntax("`**` and `//` are not allowed"));
                }
                self.pos += 1;
                Ok(Some(char::from(b)))
            }
            _ => Ok(None),
        }
    }

    fn sum(&mut self, depth: usize) -> Result<Ratio, ExprError> {
        let mut value = self.product(depth)?;
        while let Some(op) = self.operator(b"+-")? {
            let rhs = self.product(depth)?;
            value = value.apply(op, rhs).ok_or(ExprError::Overflow)?;
        }
        Ok(value)
    }

    fn product(&mut self, depth: usize) -> Result<Ratio, ExprError> {
        let mut value = self.unary(depth)?;
        while let Some(op) = self.operator(b"*/")? {
            let rhs = self.unary(depth)?;
            if op == '/' && rhs.num == 0 {
                return Err(ExprError::DivisionByZero);
            }
            value = value.apply(op, rhs).ok_or(ExprError::Overflow)?;
        }
        Ok(value)
    }

    fn unary(&mut self, depth: usize) -> Result<Ratio, ExprError> {
        if depth > MAX_NESTING {
            return Err(self.syntax("nesting too deep"));
        }
        match self.peek() {
            Some(b'-') => {
                self.pos += 1;
                let v = self.unary(depth + 1)?;
                Ratio::new(-v.num, v.den).ok_or(ExprError::Overflow)
            }
            Some(b'+') => {
                self.pos += 1;
                self.unary(depth + 1)
            }
            Some(b'(') => {
                self.pos += 1;
                let v = self.sum(depth + 1)?;
                if self.peek() != Some(b')') {
                    return Err(self.syntax("expected `)`"));
                }
                self.pos += 1;
                Ok(v)
            }
            Some(b) if b.is_ascii_digit() => {
                let start = self.pos;
                while self.src.get(self.pos).is_some_and(u8::is_ascii_digit) {
                    self.pos += 1;
                }
                let digits = &self.src[start..self.pos];
                // Python 3 rejects integer literals with leading zeros ("07").
                if digits.len() > 1 && digits[0] == b'0' {
                    return Err(self.syntax("a number with a leading zero"));
                }
                let n = std::str::from_utf8(digits)
                    .ok()
                    .and_then(|s| s.parse::<i64>().ok())
                    .ok_or(ExprError::Overflow)?;
                self.numbers.push(n);
                Ok(Ratio::int(n))
            }
            _ => Err(self.syntax("expected a number, `(` or a sign")),
        }
    }
}

/// The value of `expr` and the numbers it uses, in order.
fn evaluate(expr: &str) -> Result<(Ratio, Vec<i64>), ExprError> {
    let mut e = Evaluator {
        src: expr.as_bytes(),
        pos: 0,
        numbers: Vec::new(),
    };
    let value = e.sum(0)?;
    if e.peek().is_some() {
        return Err(e.syntax("unexpected text after the expression"));
    }
    Ok((value, e.numbers))
}

/// Search budget; past it the search gives up (generation redraws the numbers).
const MAX_NODES: u64 = 5_000_000;

/// How a value of the search was made: a given number, or an operation on two earlier values.
#[derive(Clone, Copy)]
enum Term {
    Number(i64),
    Apply(char, usize, usize),
}

/// Combines two of the remaining values at a time (every pair, every operation, both orders for
/// `-` and `/`) until one value is left; counts the combinations tried. Returns an expression for
/// `target` if one exists.
fn solve(numbers: &[i64], target: i64) -> (Option<String>, u64) {
    let mut terms: Vec<Term> = numbers.iter().map(|&n| Term::Number(n)).collect();
    let items: Vec<(Ratio, usize)> = numbers
        .iter()
        .enumerate()
        .map(|(i, &n)| (Ratio::int(n), i))
        .collect();
    let mut nodes = 0;
    let found = search(&items, Ratio::int(target), &mut terms, &mut nodes);
    (found.map(|root| render(&terms, root)), nodes)
}

fn render(terms: &[Term], at: usize) -> String {
    match terms[at] {
        Term::Number(n) => n.to_string(),
        Term::Apply(op, a, b) => format!("({} {op} {})", render(terms, a), render(terms, b)),
    }
}

fn search(
    items: &[(Ratio, usize)],
    target: Ratio,
    terms: &mut Vec<Term>,
    nodes: &mut u64,
) -> Option<usize> {
    if items.len() == 1 {
        return (items[0].0 == target).then_some(items[0].1);
    }
    let mut rest: Vec<(Ratio, usize)> = Vec::with_capacity(items.len() - 1);
    for i in 0..items.len() {
        for j in 0..items.len() {
            if i == j || *nodes > MAX_NODES {
                continue;
            }
            for op in OPERATORS {
                // `+` and `*` commute: try each unordered pair once.
                if (op == '+' || op == '*') && j < i {
                    continue;
                }
                *nodes += 1;
                let Some(value) = items[i].0.apply(op, items[j].0) else {
                    continue;
                };
                let mark = terms.len();
                terms.push(Term::Apply(op, items[i].1, items[j].1));
                rest.clear();
                rest.extend(
                    items
                        .iter()
                        .enumerate()
                        .filter(|&(k, _)| k != i && k != j)
                        .map(|(_, it)| *it),
                );
                rest.push((value, mark));
                if let Some(found) = search(&rest, target, terms, nodes) {
                    return Some(found);
                }
                terms.truncate(mark);
            }
        }
    }
    None
}

/// Drops the outermost parentheses the solver wraps around its whole expression.
fn strip_outer(expr: &str) -> &str {
    expr.strip_prefix('(')
        .and_then(|e| e.strip_suffix(')'))
        .unwrap_or(expr)
}

struct Gold24 {
    numbers: Vec<i64>,
    result: i64,
}

fn read_gold(gold: Gold<'_>) -> Result<Gold24, SynlogicError> {
    let numbers = gold
        .metadata
        .get("numbers")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty() && a.len() <= 16)
        .and_then(|a| a.iter().map(Value::as_i64).collect::<Option<Vec<_>>>())
        .ok_or_else(|| {
            SynlogicError::bad_record(ID, "metadata.numbers", "expected 1 to 16 integers")
        })?;
    let result = gold
        .metadata
        .get("result")
        .and_then(Value::as_i64)
        .ok_or_else(|| SynlogicError::bad_record(ID, "metadata.result", "expected an integer"))?;
    Ok(Gold24 { numbers, result })
}

fn sorted(mut v: Vec<i64>) -> Vec<i64> {
    v.sort_unstable();
    v
}

impl Puzzle for GameOf24 {
    fn id(&self) -> &'static str {
        ID
    }

    fn summary(&self) -> &'static str {
        "SynLogic game_of_24: an expression over the given numbers that equals the target"
    }

    fn knobs(&self, difficulty: Difficulty) -> Value {
        let (count, max, result) = difficulty.pick(&LEVELS);
        json!({ "num_of_numbers": count, "candidates": format!("1-{max}"), "result": result })
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
        let (count, max, result) = level.pick(&LEVELS);
        // Like SynLogic: draw numbers until the set has a solution.
        let mut solved = None;
        for _ in 0..1000 {
            let numbers = sorted((0..count).map(|_| rng.gen_range(1..=max)).collect());
            let (solution, nodes) = solve(&numbers, result);
            if let Some(solution) = solution {
                solved = Some((numbers, solution, nodes));
                break;
            }
        }
        let Some((numbers, solution, nodes)) = solved else {
            return Err(SynlogicError::Generation {
                task: ID,
                seed,
                index,
                message: "no solvable set of numbers in 1000 draws".into(),
            });
        };
        let candidates: Vec<i64> = (1..=max).collect();
        let operators: Vec<String> = OPERATORS.iter().map(char::to_string).collect();
        let numbers_text = format!("{numbers:?}");
        let operators_text = format!("{operators:?}");
        let result_text = result.to_string();
        let vars = [
            ("numbers", numbers_text.as_str()),
            ("operators", operators_text.as_str()),
            ("result", result_text.as_str()),
        ];
        let question = format!(
            "{} {}\n{}",
            fill(pick(&mut rng, INTROS, language), &vars),
            RULES.get(language),
            FORMAT.get(language)
        );
        let solution = strip_outer(&solution).to_owned();
        Ok(Instance {
            question,
            answer: Value::String(String::new()).into(),
            difficulty: level,
            metadata: Metadata::lazy(move || {
                json!({
                    "trace_id": trace,
                    "numbers": numbers,
                    "solutions": [solution],
                    "candidates": candidates,
                    "operators": operators,
                    "result": result,
                    "num_of_numbers": count,
                    "rlvr": {
                        "level": level.level(), "seed": seed, "index": index, "language": language,
                        "solver_nodes": nodes,
                    },
                })
            }),
        })
    }

    fn verify(&self, gold: Gold<'_>, response: &str) -> Result<Judgement, SynlogicError> {
        let gold = read_gold(gold)?;
        let text = strip_think(response);
        let Some(expr) = extract::last_fenced_block(text, "python") else {
            return Ok(Judgement::unparseable("no ```python block in the answer"));
        };
        let expr = match extract::within_limit(expr) {
            Ok(expr) => expr,
            Err(judgement) => return Ok(judgement),
        };
        let (value, used) = match evaluate(expr) {
            Ok(v) => v,
            Err(ExprError::Syntax(why)) => {
                return Ok(Judgement::unparseable(format!(
                    "the answer is not an expression: {why}"
                )))
            }
            Err(ExprError::DivisionByZero) => {
                return Ok(Judgement::wrong("the expression divides by zero"))
            }
            Err(ExprError::Overflow) => {
                return Ok(Judgement::wrong("the expression's numbers are too large"))
            }
        };
        if sorted(used) != sorted(gold.numbers.clone()) {
            return Ok(Judgement::wrong(
                "the expression does not use each given number exactly once",
            ));
        }
        if value != Ratio::int(gold.result) {
            return Ok(Judgement::wrong(format!(
                "the expression equals {}/{}, not {}",
                value.num, value.den, gold.result
            )));
        }
        Ok(Judgement::correct())
    }

    fn reference_response(&self, gold: Gold<'_>) -> Result<String, SynlogicError> {
        let g = read_gold(gold)?;
        let stored = gold
            .metadata
            .get("solutions")
            .and_then(Value::as_array)
            .and_then(|s| s.first())
            .and_then(Value::as_str)
            .filter(|s| evaluate(s).is_ok());
        let solution = match stored {
            Some(s) => s.to_owned(),
            // SynLogic's records store solutions in another format; solve again.
            None => solve(&g.numbers, g.result)
                .0
                .map(|s| strip_outer(&s).to_owned())
                .ok_or_else(|| {
                    SynlogicError::bad_record(
                        ID,
                        "metadata.numbers",
                        "no expression reaches the result",
                    )
                })?,
        };
        Ok(format!(
            "One expression that works:\n```python\n{solution}\n```"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[ignore]
    fn ladder_probe() {
        let cands: Vec<(u8, (usize, i64, i64))> = std::env::var("PROBE")
            .unwrap()
            .split(';')
            .map(|c| {
                let v: Vec<i64> = c.split(',').map(|x| x.parse().unwrap()).collect();
                (v[0] as u8, (v[1] as usize, v[2], v[3]))
            })
            .collect();
        for (level, (count, max, result)) in cands {
            let level = Difficulty::new(i64::from(level)).unwrap();
            let mut total = 0u64;
            for index in 0..16 {
                let mut rng = puzzle::begin(ID, 0, index, GenOptions::at(level)).rng;
                for _ in 0..1000 {
                    let numbers = sorted((0..count).map(|_| rng.gen_range(1..=max)).collect());
                    let (solution, nodes) = solve(&numbers, result);
                    if solution.is_some() {
                        total += nodes;
                        break;
                    }
                }
            }
            println!(
                "PROBE level {} knobs {:?} mean {}",
                level.level(),
                (count, max, result),
                total as f64 / 16.0
            );
        }
    }

    fn gold_for(numbers: &[i64], result: i64) -> Value {
        json!({ "numbers": numbers, "result": result })
    }

    fn judge(numbers: &[i64], result: i64, expr: &str) -> Judgement {
        let metadata = gold_for(numbers, result);
        let gold = Gold {
            question: "",
            answer: &Value::Null,
            metadata: &metadata,
        };
        GameOf24
            .verify(gold, &format!("```python\n{expr}\n```"))
            .unwrap()
    }

    #[test]
    fn checks_the_value_against_the_target() {
        assert!(judge(&[1, 2, 3, 4], 24, "1 * 2 * 3 * 4").is_correct());
        assert!(judge(&[1, 2, 3, 4], 24, "(4 + 2) * (3 + 1)").is_correct());
        // SynLogic accepts this (it never compares with the target).
        assert_eq!(
            judge(&[1, 2, 3, 4], 24, "1 + 2 + 3 + 4").verdict,
            rlvr_envs::Verdict::Wrong
        );
    }

    #[test]
    fn uses_exact_fractions() {
        // 8 / (3 - 8 / 3) = 24 exactly; in floating point it is 23.999999999999993.
        assert!(judge(&[3, 3, 8, 8], 24, "8 / (3 - 8 / 3)").is_correct());
        assert!(judge(&[1, 5, 5, 5], 24, "5 * (5 - 1 / 5)").is_correct());
    }

    #[test]
    fn refuses_wrong_numbers_and_operators() {
        assert!(!judge(&[1, 2, 3, 4], 24, "2 * 3 * 4").is_correct());
        assert!(!judge(&[1, 2, 3, 4], 24, "1 * 2 * 3 * 4 * 1").is_correct());
        assert!(!judge(&[2, 3, 4], 24, "2 * 3 * 04").is_correct());
        assert!(!judge(&[2, 3, 4], 24, "(2 ** 3) * 3").is_correct());
        assert!(!judge(&[1, 2, 3, 4], 24, "4 // 1 * 2 * 3").is_correct());
        assert!(!judge(&[1, 2, 3, 4], 24, "(4 / (1 - 1)) * 2 * 3").is_correct());
        assert!(!judge(&[1, 2, 3, 4], 24, &"(".repeat(10_000)).is_correct());
    }

    #[test]
    fn solver_finds_classic_hard_sets() {
        let (found, _) = solve(&[3, 3, 8, 8], 24);
        let found = found.expect("8 / (3 - 8 / 3)");
        assert_eq!(evaluate(&found).unwrap().0, Ratio::int(24));
        assert!(solve(&[1, 1, 1, 1], 24).0.is_none());
    }
}
