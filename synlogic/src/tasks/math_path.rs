//! `math_path`: an equation `?+3*(?-1)%? = 7` whose left side lost some digits; fill every `?` with
//! one digit so the equation holds. The verifier keeps every visible digit, operator and parenthesis
//! (SynLogic compared only digits and operators, so moved parentheses passed) and evaluates both sides
//! exactly with Python's precedence, so any valid filling passes.

use std::collections::HashSet;

use rand::Rng;
use serde_json::{json, Value};

use crate::arith::{self, ArithError, Op, Rational};
use crate::difficulty::Difficulty;
use crate::error::SynlogicError;
use crate::extract::{self, strip_think};
use crate::grid_text;
use crate::instance::{Gold, Instance, Metadata};
use crate::language::{fill_into, pick, Bilingual};
use crate::puzzle::{self, GenOptions, Judgement, LazyBegun, Puzzle};

const ID: &str = "math_path";

/// (operators n, percent of left-side digits hidden x_prob) per level. SynLogic's run.sh uses n = 10
/// at x_prob 50..100; its generator needs n >= 3.
const LEVELS: [(usize, u32); 10] = [
    (3, 30),
    (3, 60),
    (4, 70),
    (5, 80),
    (6, 90),
    (8, 100),
    // (9, 90), not (10, 70): the latter measured below level 6 (74 991 vs 80 446 mean nodes); and
    // (11, 100) at level 8, since (10, 100) measured below (9, 100) (109 446 vs 163 594).
    (9, 90),
    (11, 100),
    (12, 100),
    (15, 100),
];

/// Expressions drawn per instance before giving up (division by zero or with a remainder).
const MAX_DRAWS: usize = 100_000;

const INTROS: &[Bilingual] = &[
    Bilingual {
        en: "Some digits of the equation {query} have been replaced by question marks.",
        zh: "等式 {query} 中有一些数字被问号遮住了。",
    },
    Bilingual {
        en: "Restore the missing digits in this equation: {query}",
        zh: "请补全下面等式中缺失的数字：{query}",
    },
    Bilingual {
        en: "The equation {query} is incomplete: each ? hides a digit on the left-hand side.",
        zh: "等式 {query} 并不完整：等号左边的每个 ? 都藏着一个数字。",
    },
    Bilingual {
        en: "Fill in the blanks of {query} so that it becomes a true equation.",
        zh: "请填补 {query} 中的空缺，使它成为一个成立的等式。",
    },
];

const RULES: Bilingual = Bilingual {
    en: "Replace every ? with a single digit from 0 to 9 and leave the other digits, operators and parentheses as they are. The left side is evaluated with the usual precedence (*, / and % before + and -, left to right within the same level); / is exact division and % is the remainder, as in Python.",
    zh: "把每个 ? 换成 0 到 9 中的一个数字，其余数字、运算符和括号保持不变。左边按通常的优先级计算（先算 *、/ 和 %，再算 + 和 -，同级从左到右）；/ 为精确除法，% 为取余，与 Python 相同。",
};

const FORMAT: Bilingual = Bilingual {
    en: "End your answer with the completed equation between [[ and ]], for example [[3 + 5 * 2 - 4 = 9]].",
    zh: "请在回答末尾把补全后的等式写在 [[ 和 ]] 之间，例如 [[3 + 5 * 2 - 4 = 9]]。",
};

/// The math_path task.
pub struct MathPath;

/// Most operators a level asks for (the level table's largest n).
const MAX_N: usize = 15;

/// One drawn left-hand side, SynLogic's shape: n + 1 single digits joined by n operators, and the
/// operators whose `digit op digit` pair got parentheses. Kept as arrays rather than tokens: the
/// generator redraws about ten times per instance, and only the accepted draw is ever written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Expr {
    n: usize,
    digits: [u8; MAX_N + 1],
    ops: [Op; MAX_N],
    /// Operator indices wrapped, in draw order; the same one twice means double parentheses.
    wrapped: [usize; 2],
    wraps: usize,
}

impl Expr {
    fn new(n: usize) -> Self {
        assert!(
            (1..=MAX_N).contains(&n),
            "math_path needs 1..={MAX_N} operators"
        );
        Expr {
            n,
            digits: [0; MAX_N + 1],
            ops: [Op::Add; MAX_N],
            wrapped: [0; 2],
            wraps: 0,
        }
    }

    /// Redraws in place, draw for draw as SynLogic's token list: the digits and operators, then up
    /// to two tries at wrapping the pair around a random operator. A try wraps only when both of
    /// the operator's neighbours are still digits: always the first time; the second time unless
    /// it picked an operator next to the first pair (the same operator wraps it again).
    fn draw(&mut self, rng: &mut impl Rng) {
        let n = self.n;
        self.digits[0] = rng.gen_range(0..=9);
        for i in 0..n {
            self.ops[i] = Op::ALL[rng.gen_range(0..Op::ALL.len())];
            self.digits[i + 1] = rng.gen_range(0..=9);
        }
        self.wraps = 0;
        // The bound's type is inferred as SynLogic's port always had it (i32): keep it untyped.
        for _ in 0..rng.gen_range(0..=2) {
            let pick = rng.gen_range(0..n);
            if self.wraps == 0 || pick == self.wrapped[0] || pick.abs_diff(self.wrapped[0]) >= 2 {
                self.wrapped[self.wraps] = pick;
                self.wraps += 1;
            }
        }
    }

    fn is_wrapped(&self, op: usize) -> bool {
        self.wrapped[..self.wraps].contains(&op)
    }

    /// The operand starting at digit `at` (a wrapped pair is one operand) and the digit after it.
    fn operand(&self, at: usize) -> Option<(i64, usize)> {
        let digit = |i: usize| i64::from(self.digits[i]);
        if at < self.n && self.is_wrapped(at) {
            Some((apply(self.ops[at], digit(at), digit(at + 1))?, at + 2))
        } else {
            Some((digit(at), at + 1))
        }
    }

    /// The value as [`arith::evaluate_with`] gives it for the text in integer mode (Python
    /// precedence; every `/` exact), in one left-to-right pass over `i64`: `None` where that is an
    /// error (division by zero, a `/` with a remainder). 16 digits of at most 9 stay far inside
    /// `i64`, and any overflow is an error there too.
    fn value(&self) -> Option<i64> {
        // `sum pending term`: the additive chain so far and the multiplicative term being built.
        let (mut sum, mut pending) = (0, Op::Add);
        let (mut term, mut next) = self.operand(0)?;
        while next <= self.n {
            let op = self.ops[next - 1];
            let (operand, after) = self.operand(next)?;
            if matches!(op, Op::Add | Op::Sub) {
                sum = apply(pending, sum, term)?;
                (pending, term) = (op, operand);
            } else {
                term = apply(op, term, operand)?;
            }
            next = after;
        }
        apply(pending, sum, term)
    }

    /// `{left} = {value}`; `hidden[k]` masks the k-th digit as `?`; `spaced` puts spaces around
    /// operators. Written as bytes on the stack: it is copied into the prompt and the answer.
    fn equation(&self, hidden: &Mask, spaced: bool, value: i64) -> EquationText {
        let mut text = EquationText {
            bytes: [0; EQUATION_CAP],
            len: 0,
        };
        // Parentheses opened before and closed after each digit.
        let (mut opens, mut closes) = ([0u8; MAX_N + 1], [0u8; MAX_N + 1]);
        for &w in &self.wrapped[..self.wraps] {
            opens[w] += 1;
            closes[w + 1] += 1;
        }
        for i in 0..=self.n {
            for _ in 0..opens[i] {
                text.byte(b'(');
            }
            text.byte(if hidden[i] {
                b'?'
            } else {
                b'0' + self.digits[i]
            });
            for _ in 0..closes[i] {
                text.byte(b')');
            }
            if i < self.n {
                let symbol = match self.ops[i] {
                    Op::Add => b'+',
                    Op::Sub => b'-',
                    Op::Mul => b'*',
                    Op::Div => b'/',
                    Op::Rem => b'%',
                };
                if spaced {
                    text.push(&[b' ', symbol, b' ']);
                } else {
                    text.byte(symbol);
                }
            }
        }
        text.push(b" = ");
        text.push(grid_text::decimal(value, &mut [0; 20]));
        text
    }
}

/// Which digits a query hides, by position.
type Mask = [bool; MAX_N + 1];

/// The longest equation: 16 digits, 15 spaced operators, two pairs of parentheses, ` = ` and an
/// `i64` take 88 bytes.
const EQUATION_CAP: usize = 96;

/// An equation's ASCII text, built without allocating.
struct EquationText {
    bytes: [u8; EQUATION_CAP],
    len: usize,
}

impl EquationText {
    #[inline]
    fn byte(&mut self, byte: u8) {
        self.bytes[self.len] = byte;
        self.len += 1;
    }

    #[inline]
    fn push(&mut self, bytes: &[u8]) {
        self.bytes[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }

    fn as_str(&self) -> &str {
        // Digits, `?`, operators, parentheses, spaces and `=` only.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

/// One operation in `i64` as Python does it on integers, `/` allowed only where exact.
fn apply(op: Op, a: i64, b: i64) -> Option<i64> {
    match op {
        Op::Add => a.checked_add(b),
        Op::Sub => a.checked_sub(b),
        Op::Mul => a.checked_mul(b),
        // Exact division only; Python's `%` takes the divisor's sign (floor division).
        Op::Div => (b != 0 && a.checked_rem(b)? == 0).then(|| a / b),
        Op::Rem => {
            let r = a.checked_rem(b)?;
            Some(if r != 0 && (r < 0) != (b < 0) {
                r + b
            } else {
                r
            })
        }
    }
}

/// The response with blanks removed, checked against the query's template: same characters except
/// that each `?` became a digit. `Err` says what changed.
fn matches_template(query: &str, answer: &str) -> Result<(), String> {
    let mut q = query.chars().filter(|c| !c.is_whitespace());
    let mut a = answer.chars().filter(|c| !c.is_whitespace());
    loop {
        match (q.next(), a.next()) {
            (None, None) => return Ok(()),
            (Some('?'), Some(d)) if d.is_ascii_digit() => {}
            (Some('?'), Some(other)) => {
                return Err(format!("a ? was filled with {other:?}, not a digit"))
            }
            (Some(x), Some(y)) if x == y => {}
            (Some(x), Some(y)) => {
                return Err(format!(
                    "the given {x:?} was changed to {y:?}; only ? may be filled"
                ))
            }
            _ => {
                return Err(
                    "the equation's length differs from the given one (one digit per ?)".to_owned(),
                )
            }
        }
    }
}

/// The left and right sides of `text` at its single `=`.
fn sides(text: &str) -> Option<(&str, &str)> {
    let (left, right) = text.split_once('=')?;
    (!right.contains('=')).then_some((left, right))
}

/// A parsed left-hand side for the solver: digits known or hidden.
enum Node {
    Leaf(Option<u8>),
    Neg(Box<Node>),
    Bin(Op, Box<Node>, Box<Node>),
}

/// Parses a query side (digits, `?`, operators, parentheses) into a tree, Python precedence.
struct TreeParser<'a> {
    src: &'a [u8],
    pos: usize,
}

impl TreeParser<'_> {
    fn peek(&mut self) -> Option<u8> {
        while self.src.get(self.pos).is_some_and(u8::is_ascii_whitespace) {
            self.pos += 1;
        }
        self.src.get(self.pos).copied()
    }

    fn expr(&mut self, depth: usize) -> Option<Node> {
        let mut node = self.term(depth)?;
        while let Some(op) = match self.peek() {
            Some(b'+') => Some(Op::Add),
            Some(b'-') => Some(Op::Sub),
            _ => None,
        } {
            self.pos += 1;
            node = Node::Bin(op, Box::new(node), Box::new(self.term(depth)?));
        }
        Some(node)
    }

    fn term(&mut self, depth: usize) -> Option<Node> {
        let mut node = self.factor(depth)?;
        while let Some(op) = match self.peek() {
            Some(b'*') => Some(Op::Mul),
            Some(b'/') => Some(Op::Div),
            Some(b'%') => Some(Op::Rem),
            _ => None,
        } {
            self.pos += 1;
            node = Node::Bin(op, Box::new(node), Box::new(self.factor(depth)?));
        }
        Some(node)
    }

    fn factor(&mut self, depth: usize) -> Option<Node> {
        if depth >= arith::MAX_DEPTH {
            return None;
        }
        let byte = self.peek()?;
        self.pos += 1;
        match byte {
            b'-' => Some(Node::Neg(Box::new(self.factor(depth + 1)?))),
            b'(' => {
                let node = self.expr(depth + 1)?;
                if self.peek() != Some(b')') {
                    return None;
                }
                self.pos += 1;
                Some(node)
            }
            b'?' => Some(Node::Leaf(None)),
            d @ b'0'..=b'9' => Some(Node::Leaf(Some(d - b'0'))),
            _ => None,
        }
    }
}

/// The solver stops (and reports this many nodes) past this budget. Level 10's heaviest instance
/// of the 16 the ladder is measured on (seed 0) needs 123 M, so none is capped there and the
/// ladder's mean is exact (at 20 M one was, and the mean was only a lower bound).
const MAX_NODES: u64 = 250_000_000;

/// The set of values each subtree can take over all fillings of its `?`s, bottom up; counts the
/// operand pairs combined. Returns `None` once the budget is spent.
fn value_set(node: &Node, nodes: &mut u64) -> Option<HashSet<Rational>> {
    Some(match node {
        Node::Leaf(Some(d)) => HashSet::from([Rational::int(i64::from(*d))]),
        Node::Leaf(None) => (0..=9).map(Rational::int).collect(),
        Node::Neg(inner) => value_set(inner, nodes)?
            .into_iter()
            .filter_map(|v| v.checked_neg().ok())
            .collect(),
        Node::Bin(op, left, right) => {
            let (left, right) = (value_set(left, nodes)?, value_set(right, nodes)?);
            *nodes += (left.len() * right.len()) as u64;
            if *nodes > MAX_NODES {
                return None;
            }
            let mut out = HashSet::with_capacity(left.len().max(right.len()));
            for &a in &left {
                for &b in &right {
                    if let Ok(v) = op.apply(a, b, false) {
                        out.insert(v);
                    }
                }
            }
            out
        }
    })
}

/// Our solving effort on a query: operand pairs combined by the value-set search.
fn solve_nodes(query: &str) -> Option<u64> {
    let (left, _) = sides(query)?;
    let mut parser = TreeParser {
        src: left.as_bytes(),
        pos: 0,
    };
    let tree = parser.expr(0)?;
    let mut nodes = 0;
    value_set(&tree, &mut nodes);
    Some(nodes.min(MAX_NODES))
}

fn read_query(gold: Gold<'_>) -> Result<&str, SynlogicError> {
    gold.metadata
        .get("query_expr")
        .and_then(Value::as_str)
        .filter(|q| sides(q).is_some())
        .ok_or_else(|| {
            SynlogicError::bad_record(ID, "metadata.query_expr", "missing or not `... = value`")
        })
}

/// Judges a completed equation against the query's template.
fn check(query: &str, answer: &str) -> Judgement {
    if let Err(reason) = matches_template(query, answer) {
        return Judgement::wrong(reason);
    }
    let Some((left, right)) = sides(answer) else {
        return Judgement::wrong("the answer has no single `=`");
    };
    let evaluated = |side: &str| -> Result<Rational, ArithError> { arith::evaluate(side) };
    match (evaluated(left), evaluated(right)) {
        (Ok(l), Ok(r)) if l == r => Judgement::correct(),
        (Ok(l), Ok(r)) => Judgement::wrong(format!("the left side is {l}, not {r}")),
        (Err(e), _) | (_, Err(e)) => Judgement::wrong(format!("the equation has {e}")),
    }
}

impl Puzzle for MathPath {
    fn id(&self) -> &'static str {
        ID
    }

    fn summary(&self) -> &'static str {
        "SynLogic math_path: fill the hidden digits of an arithmetic equation"
    }

    fn knobs(&self, difficulty: Difficulty) -> Value {
        let (n, x_prob) = difficulty.pick(&LEVELS);
        json!({ "n": n, "x_prob": x_prob })
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
        let (n, x_prob) = level.pick(&LEVELS);
        // Like SynLogic, redraw until every `/` divides exactly and nothing divides by zero.
        let mut expr = Expr::new(n);
        let value = (0..MAX_DRAWS)
            .find_map(|_| {
                expr.draw(&mut rng);
                expr.value()
            })
            .ok_or_else(|| SynlogicError::Generation {
                task: ID,
                seed,
                index,
                message: format!("no expression without a remainder in {MAX_DRAWS} draws"),
            })?;
        let share = f64::from(x_prob) / 100.0;
        let mut hidden: Mask = [false; MAX_N + 1];
        for h in &mut hidden[..=n] {
            *h = rng.gen::<f64>() <= share;
        }
        let query = expr.equation(&hidden, false, value);
        let answer = expr.equation(&[false; MAX_N + 1], true, value);
        // The prompt in one buffer, the query written straight into it.
        let intro = pick(&mut rng, INTROS, language);
        let (rules, format) = (RULES.get(language), FORMAT.get(language));
        let mut question =
            String::with_capacity(intro.len() + query.len + rules.len() + format.len() + 4);
        fill_into(&mut question, intro, &[("query", query.as_str())]);
        question.push('\n');
        question.push_str(rules);
        question.push_str("\n\n");
        question.push_str(format);
        Ok(Instance {
            question,
            answer: Value::String(answer.as_str().to_owned()).into(),
            difficulty: level,
            metadata: Metadata::lazy(move || {
                // Both sides again, written only when the metadata is read.
                let ref_expr = expr.equation(&[false; MAX_N + 1], true, value);
                let ref_expr = ref_expr.as_str();
                let query_expr = expr.equation(&hidden, false, value);
                let query_expr = query_expr.as_str();
                json!({
                    "trace_id": Value::from(trace),
                    "ref_expr": ref_expr,
                    "query_expr": query_expr,
                    "n": n,
                    "x_prob": x_prob,
                    "rlvr": { "level": level.level(), "seed": seed, "index": index, "language": language },
                })
            }),
        })
    }

    fn verify(&self, gold: Gold<'_>, response: &str) -> Result<Judgement, SynlogicError> {
        let query = read_query(gold)?;
        let text = strip_think(response);
        let Some(group) = extract::double_bracket_groups(text).pop() else {
            return Ok(Judgement::unparseable("no [[...]] equation in the answer"));
        };
        Ok(match extract::within_limit(group) {
            Ok(answer) => check(query, answer),
            Err(judgement) => judgement,
        })
    }

    fn reference_response(&self, gold: Gold<'_>) -> Result<String, SynlogicError> {
        let reference = gold
            .metadata
            .get("ref_expr")
            .and_then(Value::as_str)
            .ok_or_else(|| SynlogicError::bad_record(ID, "metadata.ref_expr", "missing"))?;
        Ok(format!("The restored equation is [[{reference}]]"))
    }

    fn solver_effort(&self, instance: &Instance) -> Option<u64> {
        solve_nodes(read_query(instance.gold()).ok()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_template_and_checks_the_value() {
        let query = "?+3*(?-1) = 11";
        assert!(check(query, "2 + 3 * (4 - 1)= 11").is_correct());
        assert!(check(query, "5+3*(3-1) = 11").is_correct());
        assert!(!check(query, "2+3*(3-1) = 11").is_correct());
        // Moving the parentheses, dropping a digit or changing a shown one are all wrong.
        assert!(!check(query, "(2+3)*4-1 = 11").is_correct());
        assert!(!check(query, "2+3*(4-1) = 1").is_correct());
        assert!(!check(query, "2+4*(4-1) = 11").is_correct());
        assert!(!check(query, "?+3*(4-1) = 11").is_correct());
        assert!(!check(query, "22+3*(4-1) = 11").is_correct());
    }

    /// One token of SynLogic's left-hand side: the reference [`Expr`] is tested against.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Token {
        Digit(u8),
        Op(Op),
        Open,
        Close,
    }

    /// SynLogic's draw as it builds its token list: n + 1 single digits joined by n operators,
    /// then up to two tries at wrapping one `digit op digit` pair in parentheses.
    fn draw_tokens(rng: &mut impl Rng, n: usize) -> Vec<Token> {
        let mut tokens = vec![Token::Digit(rng.gen_range(0..=9))];
        for _ in 0..n {
            tokens.push(Token::Op(Op::ALL[rng.gen_range(0..Op::ALL.len())]));
            tokens.push(Token::Digit(rng.gen_range(0..=9)));
        }
        for _ in 0..rng.gen_range(0..=2) {
            let is_op = |t: &Token| matches!(t, Token::Op(_));
            let inner = 1..tokens.len() - 1;
            let count = tokens[inner.clone()].iter().filter(|t| is_op(t)).count();
            let pick = rng.gen_range(0..count);
            let at = inner
                .filter(|&i| is_op(&tokens[i]))
                .nth(pick)
                .expect("pick < count");
            if matches!(tokens[at - 1], Token::Digit(_))
                && matches!(tokens[at + 1], Token::Digit(_))
            {
                tokens.insert(at + 2, Token::Close);
                tokens.insert(at - 1, Token::Open);
            }
        }
        tokens
    }

    fn render(tokens: &[Token]) -> String {
        tokens
            .iter()
            .map(|t| match t {
                Token::Digit(d) => char::from(b'0' + d),
                Token::Op(op) => op.symbol(),
                Token::Open => '(',
                Token::Close => ')',
            })
            .collect()
    }

    #[test]
    fn the_draw_and_value_equal_synlogic_tokens_and_the_text_evaluator() {
        let level = Difficulty::new(1).unwrap();
        let mut rng = crate::puzzle::instance_rng(ID, 1, 2, level);
        let mut reference = rng.clone();
        let (mut ok, mut err, mut double) = (0, 0, 0);
        for round in 0..50_000 {
            let n = 1 + round % MAX_N;
            let tokens = draw_tokens(&mut reference, n);
            let mut expr = Expr::new(n);
            expr.draw(&mut rng);
            // The same draws, the same text, and the streams still in step.
            let text = render(&tokens);
            let written = expr.equation(&[false; MAX_N + 1], false, 0);
            assert_eq!(written.as_str(), format!("{text} = 0"));
            assert_eq!(rng.gen::<u32>(), reference.gen::<u32>());
            double += usize::from(text.contains("(("));
            let exact = arith::evaluate_with(&text, true)
                .ok()
                .and_then(|v| v.as_int());
            let direct = expr.value().map(i128::from);
            assert_eq!(direct, exact, "{text}");
            if direct.is_some() {
                ok += 1;
            } else {
                err += 1;
            }
        }
        assert!(
            ok > 1_000 && err > 1_000 && double > 100,
            "{ok} {err} {double}"
        );
    }

    #[test]
    fn python_remainder_and_exact_division() {
        assert_eq!(
            (
                apply(Op::Rem, 7, 3),
                apply(Op::Rem, 0, 4),
                apply(Op::Rem, 5, 0)
            ),
            (Some(1), Some(0), None)
        );
        assert_eq!(apply(Op::Rem, -7, 3), Some(2));
        assert_eq!(apply(Op::Rem, 7, -3), Some(-2));
        assert_eq!(
            (apply(Op::Div, 8, 4), apply(Op::Div, 7, 2)),
            (Some(2), None)
        );
    }

    #[test]
    fn division_is_exact_not_floored() {
        // 7 / 2 * 2 is exactly 7, as Python's true division gives; 7 // 2 * 2 would be 6.
        assert!(check("?/2*2 = 7", "7/2*2 = 7").is_correct());
        assert!(!check("?/2*2 = 6", "7/2*2 = 6").is_correct());
        assert!(!check("?/? = 0", "0/0 = 0").is_correct());
    }

    #[test]
    fn the_value_set_solver_finds_reachable_values() {
        let mut parser = TreeParser {
            src: b"?*?+(?-?)",
            pos: 0,
        };
        let tree = parser.expr(0).unwrap();
        let mut nodes = 0;
        let values = value_set(&tree, &mut nodes).unwrap();
        assert!(values.contains(&Rational::int(90)));
        assert!(values.contains(&Rational::int(-9)));
        assert!(!values.contains(&Rational::int(91)));
        assert!(nodes > 0);
    }
}
