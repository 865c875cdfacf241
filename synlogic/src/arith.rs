//! Exact evaluation of small arithmetic expressions (`+ - * / %`, unary signs, parentheses) with
//! Python's semantics: `*`, `/`, `%` bind tighter than `+`, `-`, all left-associative; `/` is true
//! division; `%` takes the divisor's sign. Values are exact rationals, so `7 / 2 * 2` is exactly 7
//! where a float `eval` could round. No `eval`: a bounded recursive-descent parser.

use std::cmp::Ordering;
use std::fmt;

/// Parenthesis and unary-sign nesting limit; deeper input is rejected, never a stack overflow.
pub const MAX_DEPTH: usize = 64;

/// Why an expression has no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithError {
    /// Not an expression of the accepted grammar (also: a number Python would reject, like `05`).
    Syntax,
    DivisionByZero,
    /// A value outside what exact 128-bit rationals hold; never reached by the puzzles' answers.
    Overflow,
    /// `/` without an integer result where integer arithmetic was required.
    Inexact,
    TooDeep,
}

impl fmt::Display for ArithError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ArithError::Syntax => "not a valid arithmetic expression",
            ArithError::DivisionByZero => "division by zero",
            ArithError::Overflow => "a value too large to evaluate exactly",
            ArithError::Inexact => "a division with a remainder",
            ArithError::TooDeep => "nesting too deep",
        })
    }
}

/// An exact rational in lowest terms with a positive denominator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rational {
    num: i128,
    den: i128,
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Rational {
    pub fn int(v: i64) -> Self {
        Rational {
            num: i128::from(v),
            den: 1,
        }
    }

    fn new(num: i128, den: i128) -> Result<Self, ArithError> {
        if den == 0 {
            return Err(ArithError::DivisionByZero);
        }
        let g = gcd(num, den).max(1);
        let (mut num, mut den) = (num / g, den / g);
        if den < 0 {
            num = num.checked_neg().ok_or(ArithError::Overflow)?;
            den = den.checked_neg().ok_or(ArithError::Overflow)?;
        }
        Ok(Rational { num, den })
    }

    /// The value as an integer, when it is one.
    pub fn as_int(self) -> Option<i128> {
        (self.den == 1).then_some(self.num)
    }

    pub fn is_zero(self) -> bool {
        self.num == 0
    }

    fn mul_i(a: i128, b: i128) -> Result<i128, ArithError> {
        a.checked_mul(b).ok_or(ArithError::Overflow)
    }

    pub fn checked_add(self, o: Self) -> Result<Self, ArithError> {
        let num = Self::mul_i(self.num, o.den)?
            .checked_add(Self::mul_i(o.num, self.den)?)
            .ok_or(ArithError::Overflow)?;
        Rational::new(num, Self::mul_i(self.den, o.den)?)
    }

    pub fn checked_neg(self) -> Result<Self, ArithError> {
        Ok(Rational {
            num: self.num.checked_neg().ok_or(ArithError::Overflow)?,
            den: self.den,
        })
    }

    pub fn checked_sub(self, o: Self) -> Result<Self, ArithError> {
        self.checked_add(o.checked_neg()?)
    }

    pub fn checked_mul(self, o: Self) -> Result<Self, ArithError> {
        Rational::new(Self::mul_i(self.num, o.num)?, Self::mul_i(self.den, o.den)?)
    }

    pub fn checked_div(self, o: Self) -> Result<Self, ArithError> {
        if o.num == 0 {
            return Err(ArithError::DivisionByZero);
        }
        Rational::new(Self::mul_i(self.num, o.den)?, Self::mul_i(self.den, o.num)?)
    }

    /// Python's `a % b = a - b * floor(a / b)`: the result has the divisor's sign.
    pub fn checked_rem(self, o: Self) -> Result<Self, ArithError> {
        let q = self.checked_div(o)?;
        let floor = q.num.div_euclid(q.den);
        self.checked_sub(o.checked_mul(Rational { num: floor, den: 1 })?)
    }
}

impl PartialOrd for Rational {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Rational {
    fn cmp(&self, other: &Self) -> Ordering {
        // Denominators are positive; widen through f64 only if the cross products overflow.
        match (
            self.num.checked_mul(other.den),
            other.num.checked_mul(self.den),
        ) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => (self.num as f64 / self.den as f64)
                .partial_cmp(&(other.num as f64 / other.den as f64))
                .unwrap_or(Ordering::Equal),
        }
    }
}

impl fmt::Display for Rational {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.den == 1 {
            write!(f, "{}", self.num)
        } else {
            write!(f, "{}/{}", self.num, self.den)
        }
    }
}

/// A binary operator of the grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

impl Op {
    pub const ALL: [Op; 5] = [Op::Add, Op::Sub, Op::Mul, Op::Div, Op::Rem];

    pub fn symbol(self) -> char {
        match self {
            Op::Add => '+',
            Op::Sub => '-',
            Op::Mul => '*',
            Op::Div => '/',
            Op::Rem => '%',
        }
    }

    /// Applies the operator; `integer` demands an exact quotient from `/` (SynLogic's generator rule).
    pub fn apply(self, a: Rational, b: Rational, integer: bool) -> Result<Rational, ArithError> {
        match self {
            Op::Add => a.checked_add(b),
            Op::Sub => a.checked_sub(b),
            Op::Mul => a.checked_mul(b),
            Op::Div => {
                let q = a.checked_div(b)?;
                if integer && q.as_int().is_none() {
                    Err(ArithError::Inexact)
                } else {
                    Ok(q)
                }
            }
            Op::Rem => a.checked_rem(b),
        }
    }
}

/// Evaluates `text` exactly. Whitespace is ignored between tokens.
pub fn evaluate(text: &str) -> Result<Rational, ArithError> {
    evaluate_with(text, false)
}

/// Like [`evaluate`]; with `integer`, every `/` must divide exactly.
pub fn evaluate_with(text: &str, integer: bool) -> Result<Rational, ArithError> {
    let mut p = Parser {
        src: text.as_bytes(),
        pos: 0,
        integer,
    };
    let value = p.expr(0)?;
    p.skip_space();
    if p.pos != p.src.len() {
        return Err(ArithError::Syntax);
    }
    Ok(value)
}

struct Parser<'a> {
    src: &'a [u8],
    pos: usize,
    integer: bool,
}

impl Parser<'_> {
    fn skip_space(&mut self) {
        while self.src.get(self.pos).is_some_and(u8::is_ascii_whitespace) {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_space();
        self.src.get(self.pos).copied()
    }

    fn expr(&mut self, depth: usize) -> Result<Rational, ArithError> {
        let mut value = self.term(depth)?;
        loop {
            let op = match self.peek() {
                Some(b'+') => Op::Add,
                Some(b'-') => Op::Sub,
                _ => return Ok(value),
            };
            self.pos += 1;
            let right = self.term(depth)?;
            value = op.apply(value, right, self.integer)?;
        }
    }

    fn term(&mut self, depth: usize) -> Result<Rational, ArithError> {
        let mut value = self.factor(depth)?;
        loop {
            let op = match self.peek() {
                Some(b'*') => Op::Mul,
                Some(b'/') => Op::Div,
                Some(b'%') => Op::Rem,
                _ => return Ok(value),
            };
            self.pos += 1;
            // `**` and `//` are Python operators this grammar does not take.
            if matches!(self.src.get(self.pos), Some(b'*' | b'/')) {
                return Err(ArithError::Syntax);
            }
            let right = self.factor(depth)?;
            value = op.apply(value, right, self.integer)?;
        }
    }

    fn factor(&mut self, depth: usize) -> Result<Rational, ArithError> {
        if depth >= MAX_DEPTH {
            return Err(ArithError::TooDeep);
        }
        match self.peek() {
            Some(b'+') => {
                self.pos += 1;
                self.factor(depth + 1)
            }
            Some(b'-') => {
                self.pos += 1;
                self.factor(depth + 1)?.checked_neg()
            }
            Some(b'(') => {
                self.pos += 1;
                let value = self.expr(depth + 1)?;
                if self.peek() != Some(b')') {
                    return Err(ArithError::Syntax);
                }
                self.pos += 1;
                Ok(value)
            }
            Some(b'0'..=b'9') => self.number(),
            _ => Err(ArithError::Syntax),
        }
    }

    fn number(&mut self) -> Result<Rational, ArithError> {
        let start = self.pos;
        while self.src.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
        let digits = &self.src[start..self.pos];
        // Python rejects `05` (but takes `00`).
        if digits.len() > 1 && digits[0] == b'0' && digits.iter().any(|&d| d != b'0') {
            return Err(ArithError::Syntax);
        }
        let mut v: i128 = 0;
        for &d in digits {
            v = v
                .checked_mul(10)
                .and_then(|v| v.checked_add(i128::from(d - b'0')))
                .ok_or(ArithError::Overflow)?;
        }
        Ok(Rational { num: v, den: 1 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(text: &str) -> Option<i128> {
        evaluate(text).ok()?.as_int()
    }

    #[test]
    fn follows_python_precedence_and_signs() {
        assert_eq!(int("2 + 4 * 3 - 4"), Some(10));
        assert_eq!(int("8 - 3 - 2"), Some(3));
        assert_eq!(int("-7 % 3"), Some(2));
        assert_eq!(int("7 % -3"), Some(-2));
        assert_eq!(int("4 % (8 % 3) / 3 / 7"), Some(0));
        assert_eq!(int("2 * -3"), Some(-6));
        assert_eq!(int("7 / 2 * 2"), Some(7));
        assert_eq!(evaluate("1 / 3").unwrap().to_string(), "1/3");
        assert_eq!(evaluate("7 / 2 % 2").unwrap().to_string(), "3/2");
    }

    #[test]
    fn rejects_what_python_rejects() {
        assert_eq!(evaluate("1 / 0"), Err(ArithError::DivisionByZero));
        assert_eq!(evaluate("1 % 0"), Err(ArithError::DivisionByZero));
        assert_eq!(evaluate("05 + 1"), Err(ArithError::Syntax));
        assert_eq!(int("00 + 1"), Some(1));
        assert_eq!(evaluate("2 ** 3"), Err(ArithError::Syntax));
        assert_eq!(evaluate("(1 + 2"), Err(ArithError::Syntax));
        assert_eq!(evaluate("1 +"), Err(ArithError::Syntax));
        assert_eq!(evaluate(""), Err(ArithError::Syntax));
        assert_eq!(evaluate(&"(".repeat(100_000)), Err(ArithError::TooDeep));
        assert_eq!(evaluate(&"9".repeat(60)), Err(ArithError::Overflow));
    }

    #[test]
    fn integer_mode_demands_exact_quotients() {
        assert_eq!(evaluate_with("7 / 2 * 2", true), Err(ArithError::Inexact));
        assert_eq!(evaluate_with("8 / 2 * 2", true).unwrap().as_int(), Some(8));
    }
}
