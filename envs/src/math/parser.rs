//! A recursive-descent parser from the LaTeX models write to an [`Expr`].
//!
//! Precedence, loosest first: answer lists (`,`, `and`, `or`), relations (`=`, `<`, `\le`, chains),
//! unions (`\cup`), sums (`+`, `-`, `\pm`), products (`\cdot`, `\times`, `/`, juxtaposition),
//! signs, powers, postfix marks (`!`, `\%`, `^\circ`), primaries.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Zero};

use super::expr::{Constant, Expr, Func, RelOp};
use super::lexer::{lex, NumLit, Tok, Token};
use super::limits::{MAX_DEPTH, MAX_ELEMENTS};
use super::normalize::normalize;
use super::units::{clean_tokens, WordRole};

/// Why an answer could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("empty answer")]
    Empty,
    #[error("syntax: {0}")]
    Syntax(String),
    #[error("unsupported LaTeX command \\{0}")]
    Unsupported(String),
    #[error("over a size limit: {0}")]
    TooLarge(&'static str),
}

/// Parses one answer (the content of a box, a gold string).
pub fn parse(text: &str) -> Result<Expr, ParseError> {
    let normalized = normalize(text);
    let tokens = clean_tokens(lex(&normalized)?);
    if tokens.is_empty() {
        return Err(ParseError::Empty);
    }
    if let Some(text) = whole_text_answer(&tokens) {
        return Ok(text);
    }
    let mut parser = Parser {
        toks: tokens,
        pos: 0,
        depth: 0,
    };
    let expr = parser.list()?;
    match parser.peek() {
        None => Ok(expr),
        Some(t) => Err(ParseError::Syntax(format!("unexpected {t:?}"))),
    }
}

/// An answer made only of words (`\text{Monday}`, `no solution`) is compared as text.
fn whole_text_answer(tokens: &[Token]) -> Option<Expr> {
    let mut words = Vec::new();
    let mut has_long_word = false;
    for t in tokens {
        match &t.tok {
            Tok::Word(w) => {
                has_long_word = true;
                words.push(w.clone());
            }
            Tok::Text(w) => {
                let w = w.trim();
                if w.chars()
                    .any(|c| !(c.is_alphabetic() || c == ' ' || c == '-'))
                {
                    return None;
                }
                has_long_word |= w.chars().filter(|c| c.is_alphabetic()).count() >= 2;
                words.push(w.to_owned());
            }
            Tok::Letter(c) => words.push(c.to_string()),
            _ => return None,
        }
    }
    if !has_long_word {
        return None;
    }
    let joined = words.join(" ").to_lowercase();
    Some(Expr::Text(
        joined.split_whitespace().collect::<Vec<_>>().join(" "),
    ))
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
}

/// Function names read as `\name` or as a bare word.
fn function_named(name: &str) -> Option<Func> {
    Some(match name {
        "sin" => Func::Sin,
        "cos" => Func::Cos,
        "tan" | "tg" => Func::Tan,
        "sec" => Func::Sec,
        "csc" | "cosec" => Func::Csc,
        "cot" | "ctg" => Func::Cot,
        "arcsin" | "asin" => Func::Asin,
        "arccos" | "acos" => Func::Acos,
        "arctan" | "atan" => Func::Atan,
        "sinh" => Func::Sinh,
        "cosh" => Func::Cosh,
        "tanh" => Func::Tanh,
        "ln" | "log" => Func::Ln,
        "exp" => Func::Exp,
        "abs" => Func::Abs,
        "sqrt" => Func::Sqrt,
        _ => return None,
    })
}

const GREEK: &[&str] = &[
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "varepsilon",
    "zeta",
    "eta",
    "theta",
    "vartheta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "rho",
    "sigma",
    "tau",
    "upsilon",
    "phi",
    "varphi",
    "chi",
    "psi",
    "omega",
    "Gamma",
    "Delta",
    "Theta",
    "Lambda",
    "Xi",
    "Sigma",
    "Phi",
    "Psi",
    "Omega",
];

fn relation_op(tok: &Tok) -> Option<RelOp> {
    Some(match tok {
        Tok::Sym('=') => RelOp::Eq,
        Tok::Sym('<') => RelOp::Lt,
        Tok::Sym('>') => RelOp::Gt,
        Tok::Cmd(c) => match c.as_str() {
            "le" | "leq" | "leqslant" => RelOp::Le,
            "ge" | "geq" | "geqslant" => RelOp::Ge,
            "ne" | "neq" => RelOp::Ne,
            "lt" => RelOp::Lt,
            "gt" => RelOp::Gt,
            "approx" | "equiv" | "simeq" => RelOp::Eq,
            _ => return None,
        },
        _ => return None,
    })
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }

    fn peek_at(&self, k: usize) -> Option<&Tok> {
        self.toks.get(self.pos + k).map(|t| &t.tok)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).map(|t| t.tok.clone());
        self.pos += 1;
        t
    }

    fn eat(&mut self, tok: &Tok) -> bool {
        if self.peek() == Some(tok) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, tok: &Tok) -> Result<(), ParseError> {
        if self.eat(tok) {
            Ok(())
        } else {
            Err(ParseError::Syntax(format!(
                "expected {tok:?}, found {:?}",
                self.peek()
            )))
        }
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError::TooLarge("nesting too deep"));
        }
        Ok(())
    }

    /// `item (sep item)*` at the top level or inside a group.
    fn list(&mut self) -> Result<Expr, ParseError> {
        let mut items = vec![self.relation()?];
        while matches!(self.peek(), Some(Tok::Sym(',' | ';'))) {
            self.pos += 1;
            if self.peek().is_none() {
                break;
            }
            items.push(self.relation()?);
            if items.len() > MAX_ELEMENTS {
                return Err(ParseError::TooLarge("too many elements"));
            }
        }
        Ok(if items.len() == 1 {
            items.pop().expect("one item")
        } else {
            Expr::List(items)
        })
    }

    /// Items of a bracketed group up to (not including) one of `closers`.
    fn items_until(&mut self, closers: &[Tok]) -> Result<Vec<Expr>, ParseError> {
        let mut items = Vec::new();
        loop {
            match self.peek() {
                None => return Err(ParseError::Syntax("unclosed bracket".into())),
                Some(t) if closers.contains(t) => return Ok(items),
                _ => {}
            }
            items.push(self.relation()?);
            if items.len() > MAX_ELEMENTS {
                return Err(ParseError::TooLarge("too many elements"));
            }
            if !matches!(self.peek(), Some(Tok::Sym(',' | ';'))) {
                continue;
            }
            self.pos += 1;
        }
    }

    fn relation(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        let mut sides = vec![self.union()?];
        let mut ops = Vec::new();
        loop {
            if self.peek() == Some(&Tok::Cmd("in".into())) {
                // `x \in [1, 2]` is the set on the right.
                self.pos += 1;
                sides = vec![self.union()?];
                continue;
            }
            let Some(op) = self.peek().and_then(relation_op) else {
                break;
            };
            self.pos += 1;
            ops.push(op);
            sides.push(self.union()?);
        }
        self.depth -= 1;
        Ok(if ops.is_empty() {
            sides.pop().expect("one side")
        } else {
            Expr::Relation { sides, ops }
        })
    }

    fn union(&mut self) -> Result<Expr, ParseError> {
        let mut parts = vec![self.sum()?];
        loop {
            let is_union = match self.peek() {
                Some(Tok::Cmd(c)) => c == "cup",
                Some(Tok::Letter('U')) => matches!(self.peek_at(1), Some(Tok::Sym('(' | '['))),
                _ => false,
            };
            if !is_union {
                break;
            }
            self.pos += 1;
            parts.push(self.sum()?);
        }
        Ok(if parts.len() == 1 {
            parts.pop().expect("one part")
        } else {
            Expr::Union(parts)
        })
    }

    fn sum(&mut self) -> Result<Expr, ParseError> {
        let mut terms = Vec::new();
        let mut plus_minus: Option<Expr> = None;
        let first = match self.peek() {
            Some(Tok::Cmd(c)) if c == "pm" || c == "mp" => {
                self.pos += 1;
                plus_minus = Some(self.term()?);
                None
            }
            _ => Some(self.term()?),
        };
        terms.extend(first);
        loop {
            match self.peek() {
                Some(Tok::Sym('+')) => {
                    self.pos += 1;
                    terms.push(self.term()?);
                }
                Some(Tok::Sym('-')) => {
                    self.pos += 1;
                    terms.push(Expr::Neg(Box::new(self.term()?)));
                }
                Some(Tok::Cmd(c)) if (c == "pm" || c == "mp") && plus_minus.is_none() => {
                    self.pos += 1;
                    plus_minus = Some(self.term()?);
                }
                _ => break,
            }
        }
        let base = match terms.len() {
            0 => Expr::integer(0),
            1 => terms.pop().expect("one term"),
            _ => Expr::Add(terms),
        };
        Ok(match plus_minus {
            Some(offset) => Expr::PlusMinus(Box::new(base), Box::new(offset)),
            None => base,
        })
    }

    fn starts_factor(&self) -> bool {
        match self.peek() {
            // `(a, b) U (c, d)`: a union, not the variable U.
            Some(Tok::Letter('U')) if matches!(self.peek_at(1), Some(Tok::Sym('(' | '['))) => false,
            Some(Tok::Num(_) | Tok::Letter(_) | Tok::Word(_) | Tok::Begin(_) | Tok::SetOpen) => {
                true
            }
            Some(Tok::Sym('(' | '{')) => true,
            Some(Tok::Text(t)) => !t.trim().is_empty(),
            Some(Tok::Cmd(c)) => {
                relation_op(&Tok::Cmd(c.clone())).is_none()
                    && !matches!(
                        c.as_str(),
                        "cup"
                            | "pm"
                            | "mp"
                            | "times"
                            | "cdot"
                            | "div"
                            | "in"
                            | "ast"
                            | "circ"
                            | "rfloor"
                            | "rceil"
                    )
            }
            _ => false,
        }
    }

    fn term(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        let mut factors = vec![self.signed()?];
        loop {
            match self.peek() {
                Some(Tok::Sym('*')) | Some(Tok::Cmd(_)) if self.is_times() => {
                    self.pos += 1;
                    factors.push(self.signed()?);
                }
                Some(Tok::Sym('/')) => {
                    self.pos += 1;
                    let den = self.signed()?;
                    let num = collapse_product(std::mem::take(&mut factors));
                    factors.push(Expr::Div(Box::new(num), Box::new(den)));
                }
                Some(Tok::Cmd(c)) if c == "div" => {
                    self.pos += 1;
                    let den = self.signed()?;
                    let num = collapse_product(std::mem::take(&mut factors));
                    factors.push(Expr::Div(Box::new(num), Box::new(den)));
                }
                _ if self.starts_factor() => factors.push(self.power()?),
                _ => break,
            }
            if factors.len() > MAX_ELEMENTS {
                return Err(ParseError::TooLarge("too many factors"));
            }
        }
        self.depth -= 1;
        Ok(collapse_product(factors))
    }

    fn is_times(&self) -> bool {
        match self.peek() {
            Some(Tok::Sym('*')) => true,
            Some(Tok::Cmd(c)) => matches!(c.as_str(), "times" | "cdot" | "ast"),
            _ => false,
        }
    }

    fn signed(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        let result = match self.peek() {
            Some(Tok::Sym('-')) => {
                self.pos += 1;
                Expr::Neg(Box::new(self.signed()?))
            }
            Some(Tok::Sym('+')) => {
                self.pos += 1;
                self.signed()?
            }
            _ => match self.mixed_number()? {
                Some(mixed) => self.postfix_marks(mixed)?,
                None => self.power()?,
            },
        };
        self.depth -= 1;
        Ok(result)
    }

    /// `2\frac12` and `2 1/2`: a whole number followed by a proper fraction of whole numbers.
    fn mixed_number(&mut self) -> Result<Option<Expr>, ParseError> {
        let Some(Tok::Num(whole)) = self.peek() else {
            return Ok(None);
        };
        if !is_whole(whole) {
            return Ok(None);
        }
        let whole = BigInt::parse_bytes(whole.int_digits.as_bytes(), 10).unwrap_or_default();
        let fraction = match (self.peek_at(1), self.peek_at(2), self.peek_at(3)) {
            (Some(Tok::Cmd(c)), _, _) if c == "frac" => {
                let save = (self.pos, self.toks.clone());
                self.pos += 2;
                let num = self.argument()?;
                let den = self.argument()?;
                match (num, den) {
                    (Expr::Number(n), Expr::Number(d)) if n.is_integer() && d.is_integer() => {
                        Some((n, d))
                    }
                    _ => {
                        (self.pos, self.toks) = save;
                        None
                    }
                }
            }
            (Some(Tok::Num(n)), Some(Tok::Sym('/')), Some(Tok::Num(d)))
                if self.toks[self.pos + 1].space_before && is_whole(n) && is_whole(d) =>
            {
                let n = BigRational::from_integer(
                    BigInt::parse_bytes(n.int_digits.as_bytes(), 10).unwrap_or_default(),
                );
                let d = BigRational::from_integer(
                    BigInt::parse_bytes(d.int_digits.as_bytes(), 10).unwrap_or_default(),
                );
                self.pos += 4;
                Some((n, d))
            }
            _ => None,
        };
        let Some((num, den)) = fraction else {
            return Ok(None);
        };
        if den.is_zero() || num >= den || num.is_zero() {
            return Err(ParseError::Syntax("improper mixed number".into()));
        }
        Ok(Some(Expr::Number(
            BigRational::from_integer(whole) + num / den,
        )))
    }

    fn power(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        let mut base = self.postfix()?;
        while self.peek() == Some(&Tok::Sym('^')) {
            self.pos += 1;
            if self.eat_degree_mark() {
                base = Expr::Degrees(Box::new(base));
                base = self.postfix_marks(base)?;
                continue;
            }
            let exponent = self.exponent()?;
            base = Expr::Pow(Box::new(base), Box::new(exponent));
            base = self.postfix_marks(base)?;
        }
        self.depth -= 1;
        Ok(base)
    }

    /// `\circ` or `{\circ}` right after `^`.
    fn eat_degree_mark(&mut self) -> bool {
        let circ = Tok::Cmd("circ".into());
        if self.eat(&circ) {
            return true;
        }
        if self.peek() == Some(&Tok::Sym('{'))
            && self.peek_at(1) == Some(&circ)
            && self.peek_at(2) == Some(&Tok::Sym('}'))
        {
            self.pos += 3;
            return true;
        }
        false
    }

    /// The exponent after `^`: a group, a signed primary, or a whole number as written (`2^10`).
    fn exponent(&mut self) -> Result<Expr, ParseError> {
        match self.peek() {
            Some(Tok::Sym('-')) => {
                self.pos += 1;
                Ok(Expr::Neg(Box::new(self.exponent()?)))
            }
            Some(Tok::Sym('{')) => self.primary(),
            _ => self.primary(),
        }
    }

    fn postfix(&mut self) -> Result<Expr, ParseError> {
        let base = self.primary()?;
        self.postfix_marks(base)
    }

    fn postfix_marks(&mut self, mut base: Expr) -> Result<Expr, ParseError> {
        loop {
            match self.peek() {
                Some(Tok::Sym('!')) => base = Expr::Factorial(Box::new(base)),
                Some(Tok::Sym('%')) => base = Expr::Percent(Box::new(base)),
                Some(Tok::Cmd(c)) if c == "circ" || c == "degree" => {
                    base = Expr::Degrees(Box::new(base))
                }
                Some(Tok::Sym('\'')) => {}
                _ => return Ok(base),
            }
            self.pos += 1;
        }
    }

    /// A braced group, or a single token (one digit of a number: `\frac12`).
    fn argument(&mut self) -> Result<Expr, ParseError> {
        if let Some(Tok::Num(n)) = self.peek() {
            if n.frac_digits.is_empty()
                && n.repeat_digits.is_empty()
                && n.exponent == 0
                && n.int_digits.len() > 1
            {
                let mut rest = n.clone();
                let first = rest.int_digits.remove(0);
                self.toks[self.pos].tok = Tok::Num(rest);
                return Ok(Expr::integer(i64::from(first.to_digit(10).unwrap_or(0))));
            }
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        let Some(tok) = self.next() else {
            return Err(ParseError::Syntax("expression ends too early".into()));
        };
        let expr = match tok {
            Tok::Num(n) => number(&n)?,
            Tok::Letter(c) => {
                let name = self.subscripted(c.to_string())?;
                match name.as_str() {
                    "e" => Expr::Constant(Constant::E),
                    "i" => Expr::Constant(Constant::I),
                    _ => Expr::Var(name),
                }
            }
            Tok::Word(w) => {
                return Err(ParseError::Syntax(format!("unexpected word {w:?}")));
            }
            Tok::Text(t) => self.text(&t)?,
            Tok::Sym('(') => self.bracketed(false)?,
            Tok::Sym('[') => self.bracketed(true)?,
            Tok::Sym('{') => {
                let items = self.items_until(&[Tok::Sym('}')])?;
                self.expect(&Tok::Sym('}'))?;
                let mut items = items;
                match items.len() {
                    0 => return Err(ParseError::Syntax("empty group".into())),
                    1 => items.pop().expect("one"),
                    _ => Expr::List(items),
                }
            }
            Tok::SetOpen => {
                let items = self.items_until(&[Tok::SetClose])?;
                self.expect(&Tok::SetClose)?;
                Expr::Set(items)
            }
            Tok::Sym('|') => {
                let inner = self.sum()?;
                self.expect(&Tok::Sym('|'))?;
                Expr::Apply(Func::Abs, Box::new(inner))
            }
            Tok::Begin(env) => self.matrix(&env)?,
            Tok::Cmd(c) => self.command(&c)?,
            other => return Err(ParseError::Syntax(format!("unexpected {other:?}"))),
        };
        self.depth -= 1;
        Ok(expr)
    }

    /// `x_1`, `a_{n}`: a subscript becomes part of the name.
    fn subscripted(&mut self, mut name: String) -> Result<String, ParseError> {
        if self.eat(&Tok::Sym('_')) {
            let sub = match self.next() {
                Some(Tok::Num(n)) => n.int_digits,
                Some(Tok::Letter(c)) => c.to_string(),
                Some(Tok::Sym('{')) => {
                    let mut sub = String::new();
                    loop {
                        match self.next() {
                            Some(Tok::Sym('}')) => break,
                            Some(Tok::Num(n)) => sub.push_str(&n.int_digits),
                            Some(Tok::Letter(c)) => sub.push(c),
                            Some(Tok::Word(w)) => sub.push_str(&w),
                            _ => return Err(ParseError::Syntax("bad subscript".into())),
                        }
                    }
                    sub
                }
                _ => return Err(ParseError::Syntax("bad subscript".into())),
            };
            name.push('_');
            name.push_str(&sub);
        }
        Ok(name)
    }

    /// `\text{...}` in math position.
    fn text(&mut self, raw: &str) -> Result<Expr, ParseError> {
        let t = raw.trim();
        let letters: Vec<char> = t
            .chars()
            .filter(|c| !matches!(c, '(' | ')' | ' ' | '.'))
            .collect();
        if letters.len() == 1 && letters[0].is_ascii_alphabetic() {
            let c = letters[0];
            if t.contains('(') {
                return Ok(Expr::Choice(c.to_ascii_uppercase()));
            }
            return Ok(match c {
                'e' => Expr::Constant(Constant::E),
                'i' => Expr::Constant(Constant::I),
                _ => Expr::Var(c.to_string()),
            });
        }
        if t.chars().all(|c| c.is_alphabetic() || c == ' ') {
            return Ok(Expr::Text(
                t.to_lowercase()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            ));
        }
        // Math inside text (`\text{13}`, `\mathbf{2\sqrt3}`).
        self.enter()?;
        let inner = clean_tokens(lex(&normalize(t))?);
        let mut sub = Parser {
            toks: inner,
            pos: 0,
            depth: self.depth,
        };
        let expr = sub.list()?;
        if sub.peek().is_some() {
            return Err(ParseError::Syntax("trailing text".into()));
        }
        self.depth -= 1;
        Ok(expr)
    }

    /// After `(` or `[`: a group, a tuple or an interval.
    fn bracketed(&mut self, opened_square: bool) -> Result<Expr, ParseError> {
        let mut items = self.items_until(&[Tok::Sym(')'), Tok::Sym(']')])?;
        let closed_square = self.next() == Some(Tok::Sym(']'));
        match items.len() {
            0 => Err(ParseError::Syntax("empty brackets".into())),
            1 => {
                let item = items.pop().expect("one");
                if opened_square != closed_square && !opened_square {
                    return Err(ParseError::Syntax("mismatched brackets".into()));
                }
                Ok(item)
            }
            2 if opened_square || closed_square || items.iter().any(is_infinite) => {
                let hi = items.pop().expect("two");
                let lo = items.pop().expect("two");
                Ok(Expr::Interval {
                    lo: Box::new(lo),
                    hi: Box::new(hi),
                    lo_closed: opened_square,
                    hi_closed: closed_square,
                })
            }
            _ if opened_square || closed_square => Err(ParseError::Syntax("bracketed list".into())),
            _ => Ok(Expr::Tuple(items)),
        }
    }

    fn matrix(&mut self, env: &str) -> Result<Expr, ParseError> {
        let env = env.trim_end_matches('*');
        if !matches!(
            env,
            "pmatrix"
                | "bmatrix"
                | "Bmatrix"
                | "vmatrix"
                | "Vmatrix"
                | "matrix"
                | "smallmatrix"
                | "array"
        ) {
            return Err(ParseError::Unsupported(format!("begin{{{env}}}")));
        }
        let mut rows: Vec<Vec<Expr>> = vec![Vec::new()];
        loop {
            match self.peek() {
                None => return Err(ParseError::Syntax("unclosed matrix".into())),
                Some(Tok::End(_)) => {
                    self.pos += 1;
                    break;
                }
                Some(Tok::RowBreak) => {
                    self.pos += 1;
                    rows.push(Vec::new());
                }
                Some(Tok::Sym('&')) => self.pos += 1,
                _ => {
                    let cell = self.sum()?;
                    rows.last_mut().expect("a row").push(cell);
                    if rows.iter().map(Vec::len).sum::<usize>() > MAX_ELEMENTS {
                        return Err(ParseError::TooLarge("matrix too large"));
                    }
                }
            }
        }
        rows.retain(|r| !r.is_empty());
        if rows.is_empty() || rows.iter().any(|r| r.len() != rows[0].len()) {
            return Err(ParseError::Syntax("ragged matrix".into()));
        }
        Ok(Expr::Matrix(rows))
    }

    fn command(&mut self, name: &str) -> Result<Expr, ParseError> {
        if let Some(func) = function_named(name) {
            return self.function(func);
        }
        if GREEK.contains(&name) {
            return Ok(Expr::Var(self.subscripted(name.to_owned())?));
        }
        Ok(match name {
            "frac" | "over" => {
                let num = self.argument()?;
                let den = self.argument()?;
                Expr::Div(Box::new(num), Box::new(den))
            }
            "binom" | "dbinom" | "tbinom" | "choose" => {
                let n = self.argument()?;
                let k = self.argument()?;
                // C(n, k) = n! / (k! (n-k)!)
                let n_minus_k = Expr::Add(vec![n.clone(), Expr::Neg(Box::new(k.clone()))]);
                Expr::Div(
                    Box::new(Expr::Factorial(Box::new(n))),
                    Box::new(Expr::Mul(vec![
                        Expr::Factorial(Box::new(k)),
                        Expr::Factorial(Box::new(n_minus_k)),
                    ])),
                )
            }
            "pi" => Expr::Constant(Constant::Pi),
            "infty" | "infinity" | "inf" => Expr::Infinity,
            "emptyset" => Expr::Set(Vec::new()),
            "lfloor" => self.delimited(Func::Floor, "rfloor")?,
            "lceil" => self.delimited(Func::Ceil, "rceil")?,
            "boxed" | "fbox" | "overline" | "bar" | "mathring" | "vec" | "hat" | "widehat"
            | "overrightarrow" => self.argument()?,
            "circ" => return Err(ParseError::Syntax("degree mark without a number".into())),
            other => return Err(ParseError::Unsupported(other.to_owned())),
        })
    }

    fn delimited(&mut self, func: Func, close: &str) -> Result<Expr, ParseError> {
        let inner = self.sum()?;
        self.expect(&Tok::Cmd(close.to_owned()))?;
        Ok(Expr::Apply(func, Box::new(inner)))
    }

    /// `\sin x`, `\sin(2x)`, `\sin^2 x`, `\sin^{-1} x`, `\log_2 8`, `\sqrt[3]{x}`.
    fn function(&mut self, func: Func) -> Result<Expr, ParseError> {
        if func == Func::Sqrt {
            let index = if self.eat(&Tok::Sym('[')) {
                let index = self.sum()?;
                self.expect(&Tok::Sym(']'))?;
                Some(index)
            } else {
                None
            };
            let radicand = self.argument()?;
            return Ok(match index {
                Some(index) => Expr::Root {
                    index: Box::new(index),
                    radicand: Box::new(radicand),
                },
                None => Expr::Apply(Func::Sqrt, Box::new(radicand)),
            });
        }
        let mut base = None;
        if func == Func::Ln && self.eat(&Tok::Sym('_')) {
            base = Some(self.argument()?);
        }
        let mut power = None;
        if self.eat(&Tok::Sym('^')) {
            power = Some(self.exponent()?);
        }
        let arg = self.function_argument()?;
        let inverse = power
            .as_ref()
            .is_some_and(|p| *p == Expr::Neg(Box::new(Expr::integer(1))));
        let applied = match (func, base) {
            (_, Some(base)) => Expr::Log {
                base: Box::new(base),
                arg: Box::new(arg),
            },
            (Func::Sin, None) if inverse => return Ok(Expr::Apply(Func::Asin, Box::new(arg))),
            (Func::Cos, None) if inverse => return Ok(Expr::Apply(Func::Acos, Box::new(arg))),
            (Func::Tan, None) if inverse => return Ok(Expr::Apply(Func::Atan, Box::new(arg))),
            (func, None) => Expr::Apply(func, Box::new(arg)),
        };
        Ok(match power {
            Some(p) => Expr::Pow(Box::new(applied), Box::new(p)),
            None => applied,
        })
    }

    /// A function's argument: a parenthesized group, or the product of the plain factors that follow.
    fn function_argument(&mut self) -> Result<Expr, ParseError> {
        if matches!(self.peek(), Some(Tok::Sym('(' | '{'))) {
            return self.power();
        }
        let mut factors = vec![self.power()?];
        while matches!(self.peek(), Some(Tok::Letter(_) | Tok::Num(_)))
            || matches!(self.peek(), Some(Tok::Cmd(c)) if c == "pi" || GREEK.contains(&c.as_str()))
        {
            factors.push(self.power()?);
        }
        Ok(collapse_product(factors))
    }
}

fn collapse_product(mut factors: Vec<Expr>) -> Expr {
    if factors.len() == 1 {
        factors.pop().expect("one factor")
    } else {
        Expr::Mul(factors)
    }
}

fn is_whole(n: &NumLit) -> bool {
    n.frac_digits.is_empty()
        && n.repeat_digits.is_empty()
        && n.exponent == 0
        && !n.int_digits.is_empty()
}

fn is_infinite(e: &Expr) -> bool {
    match e {
        Expr::Infinity => true,
        Expr::Neg(inner) => is_infinite(inner),
        _ => false,
    }
}

fn digits_value(digits: &str) -> BigInt {
    if digits.is_empty() {
        BigInt::zero()
    } else {
        BigInt::parse_bytes(digits.as_bytes(), 10).unwrap_or_default()
    }
}

/// The exact value of a number literal; terminating decimals keep their places.
fn number(n: &NumLit) -> Result<Expr, ParseError> {
    if n.int_digits.len() + n.frac_digits.len() + n.repeat_digits.len() > 400
        || n.exponent.unsigned_abs() > 400
    {
        return Err(ParseError::TooLarge("number too long"));
    }
    let ten = BigInt::from(10);
    let places = n.frac_digits.len() as u32;
    let scale = num_traits::pow(ten.clone(), places as usize);
    let mut value = BigRational::new(
        digits_value(&n.int_digits) * &scale + digits_value(&n.frac_digits),
        scale.clone(),
    );
    if !n.repeat_digits.is_empty() {
        // 0.1\overline{6}: the repeating block r of length k adds r / (10^k - 1) / 10^places.
        let k = n.repeat_digits.len();
        let period = num_traits::pow(ten.clone(), k) - BigInt::one();
        value += BigRational::new(digits_value(&n.repeat_digits), period * scale);
        return Ok(Expr::Number(value));
    }
    if n.exponent != 0 {
        let factor =
            BigRational::from_integer(num_traits::pow(ten, n.exponent.unsigned_abs() as usize));
        value = if n.exponent > 0 {
            value * factor
        } else {
            value / factor
        };
        return Ok(Expr::Number(value));
    }
    if places == 0 {
        return Ok(Expr::Number(value));
    }
    let all_digits = format!("{}{}", n.int_digits, n.frac_digits);
    let significant = all_digits.trim_start_matches('0').len() as u32;
    Ok(Expr::Decimal {
        value,
        places,
        significant,
    })
}

/// How a bare word reads, for the token clean-up.
pub(super) fn word_role(word: &str) -> WordRole {
    let lower = word.to_ascii_lowercase();
    if function_named(&lower).is_some() {
        return WordRole::Command(lower);
    }
    match lower.as_str() {
        "pi" => WordRole::Command("pi".into()),
        "infinity" | "inf" | "infty" => WordRole::Command("infty".into()),
        "and" | "or" => WordRole::Separator,
        "percent" | "pct" => WordRole::Percent,
        "degrees" | "degree" | "deg" => WordRole::Degrees,
        _ => WordRole::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rat(n: i64, d: i64) -> Expr {
        Expr::Number(BigRational::new(n.into(), d.into()))
    }

    #[test]
    fn parses_numbers_in_their_forms() {
        assert_eq!(parse("2\\frac12").unwrap(), rat(5, 2));
        assert_eq!(parse("2 1/2").unwrap(), rat(5, 2));
        assert_eq!(parse("0.\\overline{3}").unwrap(), rat(1, 3));
        assert_eq!(parse("0.1\\overline{6}").unwrap(), rat(1, 6));
        assert_eq!(parse("1,000").unwrap(), Expr::integer(1000));
        assert!(matches!(parse("1,5").unwrap(), Expr::List(_)));
        assert!(matches!(
            parse("3.50").unwrap(),
            Expr::Decimal {
                places: 2,
                significant: 3,
                ..
            }
        ));
    }

    #[test]
    fn parses_structures() {
        assert!(matches!(
            parse("[1, 2)").unwrap(),
            Expr::Interval {
                lo_closed: true,
                hi_closed: false,
                ..
            }
        ));
        assert!(matches!(parse("(1, 2)").unwrap(), Expr::Tuple(_)));
        assert!(matches!(
            parse("(1, \\infty)").unwrap(),
            Expr::Interval { .. }
        ));
        assert!(matches!(parse("\\{1, 2\\}").unwrap(), Expr::Set(_)));
        assert!(matches!(parse("x \\ge 3").unwrap(), Expr::Relation { .. }));
        assert!(matches!(
            parse("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}").unwrap(),
            Expr::Matrix(_)
        ));
        assert_eq!(
            parse("\\text{Monday}").unwrap(),
            Expr::Text("monday".into())
        );
        assert_eq!(parse("\\text{(B)}").unwrap(), Expr::Choice('B'));
    }

    #[test]
    fn refuses_deep_nesting_quickly() {
        let deep = format!("{}1{}", "{".repeat(1000), "}".repeat(1000));
        assert_eq!(parse(&deep), Err(ParseError::TooLarge("nesting too deep")));
    }
}
