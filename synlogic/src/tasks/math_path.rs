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
use crate::instance::{Gold, Instance, Metadata};
use crate::language::{fill_into, pick, Bilingual};
use crate::puzzle::{self, Begun, GenOptions, Judgement, Puzzle};

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

/// One token of a generated left-hand side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Digit(u8),
    Op(Op),
    Open,
    Close,
}

/// SynLogic's shape: n + 1 single digits joined by n operators, then up to two tries at wrapping
/// one `digit op digit` pair in parentheses.
#[cfg(test)]
fn draw_tokens(rng: &mut impl Rng, n: usize) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(2 * n + 5);
    draw_tokens_into(rng, n, &mut tokens);
    tokens
}

/// [`draw_tokens`] into `tokens` (cleared first): the generator redraws many times per instance and
/// keeps one buffer.
fn draw_tokens_into(rng: &mut impl Rng, n: usize, tokens: &mut Vec<Token>) {
    tokens.clear();
    tokens.push(Token::Digit(rng.gen_range(0..=9)));
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
        if matches!(tokens[at - 1], Token::Digit(_)) && matches!(tokens[at + 1], Token::Digit(_)) {
            tokens.insert(at + 2, Token::Close);
            tokens.insert(at - 1, Token::Open);
        }
    }
}

/// The value of a drawn token list as [`arith::evaluate_with`] gives it for its text in integer
/// mode (Python precedence; every `/` exact), without the text or rationals: `None` where that is
/// an error (division by zero, a `/` with a remainder). Drawn lists are single digits joined by
/// operators, some pairs in parentheses; 16 digits of at most 9 stay far inside `i64`, and any
/// overflow is an error there too.
fn evaluate_tokens(tokens: &[Token]) -> Option<i64> {
    struct Eval<'a> {
        tokens: &'a [Token],
        pos: usize,
    }
    impl Eval<'_> {
        fn next_op(&self, ops: &[Op]) -> Option<Op> {
            match self.tokens.get(self.pos) {
                Some(Token::Op(op)) if ops.contains(op) => Some(*op),
                _ => None,
            }
        }

        fn expr(&mut self) -> Option<i64> {
            let mut value = self.term()?;
            while let Some(op) = self.next_op(&[Op::Add, Op::Sub]) {
                self.pos += 1;
                value = apply(op, value, self.term()?)?;
            }
            Some(value)
        }

        fn term(&mut self) -> Option<i64> {
            let mut value = self.factor()?;
            while let Some(op) = self.next_op(&[Op::Mul, Op::Div, Op::Rem]) {
                self.pos += 1;
                value = apply(op, value, self.factor()?)?;
            }
            Some(value)
        }

        fn factor(&mut self) -> Option<i64> {
            let token = *self.tokens.get(self.pos)?;
            self.pos += 1;
            match token {
                Token::Digit(d) => Some(i64::from(d)),
                Token::Open => {
                    let value = self.expr()?;
                    (self.tokens.get(self.pos) == Some(&Token::Close)).then_some(())?;
                    self.pos += 1;
                    Some(value)
                }
                Token::Op(_) | Token::Close => None,
            }
        }
    }
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
    let mut eval = Eval { tokens, pos: 0 };
    let value = eval.expr()?;
    (eval.pos == tokens.len()).then_some(value)
}

/// The tokens as text; `hidden[k]` masks the k-th digit as `?`; `spaced` puts spaces around operators.
#[cfg(test)]
fn render(tokens: &[Token], hidden: &[bool], spaced: bool) -> String {
    let mut out = String::with_capacity(tokens.len() * 3);
    render_into(&mut out, tokens, hidden, spaced);
    out
}

/// [`render`] appended to `out`.
fn render_into(out: &mut String, tokens: &[Token], hidden: &[bool], spaced: bool) {
    let mut digit = 0;
    for &t in tokens {
        match t {
            Token::Digit(d) => {
                out.push(if hidden.get(digit).copied().unwrap_or(false) {
                    '?'
                } else {
                    char::from(b'0' + d)
                });
                digit += 1;
            }
            Token::Op(op) => {
                if spaced {
                    out.push(' ');
                    out.push(op.symbol());
                    out.push(' ');
                } else {
                    out.push(op.symbol());
                }
            }
            Token::Open => out.push('('),
            Token::Close => out.push(')'),
        }
    }
}

/// `value` in decimal, written into `buf`.
fn itoa_i64(value: i64, buf: &mut [u8; 20]) -> &str {
    let mut pos = buf.len();
    let mut rest = value.unsigned_abs();
    loop {
        pos -= 1;
        buf[pos] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if value < 0 {
        pos -= 1;
        buf[pos] = b'-';
    }
    // ASCII digits and a sign only.
    std::str::from_utf8(&buf[pos..]).unwrap_or_default()
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
        let Begun {
            level,
            mut rng,
            language,
            trace,
        } = puzzle::begin(ID, seed, index, options);
        let (n, x_prob) = level.pick(&LEVELS);
        // Like SynLogic, redraw until every `/` divides exactly and nothing divides by zero.
        let mut tokens = Vec::with_capacity(2 * n + 5);
        let value = (0..MAX_DRAWS)
            .find_map(|_| {
                draw_tokens_into(&mut rng, n, &mut tokens);
                evaluate_tokens(&tokens)
            })
            .ok_or_else(|| SynlogicError::Generation {
                task: ID,
                seed,
                index,
                message: format!("no expression without a remainder in {MAX_DRAWS} draws"),
            })?;
        let share = f64::from(x_prob) / 100.0;
        // n is at most 15 (the level table), so the mask fits a fixed array.
        let mut hidden = [false; 16];
        for h in &mut hidden[..=n] {
            *h = rng.gen::<f64>() <= share;
        }
        // Both sides written in place: `{left} = {value}`.
        let with_value = |hidden: &[bool], spaced: bool| {
            let mut out = String::with_capacity(tokens.len() * 3 + 24);
            render_into(&mut out, &tokens, hidden, spaced);
            out.push_str(" = ");
            out.push_str(itoa_i64(value, &mut [0; 20]));
            out
        };
        let ref_expr = with_value(&[], true);
        let query_expr = with_value(&hidden, false);
        // The prompt in one buffer.
        let intro = pick(&mut rng, INTROS, language);
        let (rules, format) = (RULES.get(language), FORMAT.get(language));
        let mut question =
            String::with_capacity(intro.len() + query_expr.len() + rules.len() + format.len() + 4);
        fill_into(&mut question, intro, &[("query", query_expr.as_str())]);
        question.push('\n');
        question.push_str(rules);
        question.push_str("\n\n");
        question.push_str(format);
        Ok(Instance {
            question,
            answer: Value::String(ref_expr.clone()).into(),
            difficulty: level,
            metadata: Metadata::lazy(move || {
                json!({
                    "trace_id": trace,
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

    #[test]
    fn token_evaluation_equals_the_text_evaluator() {
        let level = Difficulty::new(1).unwrap();
        let mut rng = crate::puzzle::instance_rng(ID, 1, 2, level);
        let (mut ok, mut err) = (0, 0);
        for round in 0..20_000 {
            let tokens = draw_tokens(&mut rng, 3 + round % 13);
            let text = arith::evaluate_with(&render(&tokens, &[], false), true)
                .ok()
                .and_then(|v| v.as_int());
            let direct = evaluate_tokens(&tokens).map(i128::from);
            assert_eq!(direct, text, "{}", render(&tokens, &[], false));
            if direct.is_some() {
                ok += 1;
            } else {
                err += 1;
            }
        }
        assert!(ok > 1_000 && err > 1_000, "{ok} {err}");
        use Token::{Close, Digit, Open};
        let rem = |a, b| evaluate_tokens(&[Digit(a), Token::Op(Op::Rem), Digit(b)]);
        assert_eq!((rem(7, 3), rem(0, 4), rem(5, 0)), (Some(1), Some(0), None));
        let t = [Open, Digit(1), Token::Op(Op::Sub), Digit(8), Close];
        let neg_rem = [&t[..], &[Token::Op(Op::Rem), Digit(3)]].concat();
        assert_eq!(evaluate_tokens(&neg_rem), Some(2));
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
