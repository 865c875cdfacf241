//! Evaluation of scalar expressions: exact complex rationals while the arithmetic stays rational,
//! complex floating point (with a record of the largest intermediate, for cancellation) once a
//! constant like `\pi` or a root that is not a perfect power appears.

use num_bigint::BigInt;
use num_complex::Complex64;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

use super::expr::{Constant, Expr, Func};
use super::limits::{MAX_BITS, MAX_FACTORIAL};

/// A complex number with exact rational parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExactComplex {
    pub re: BigRational,
    pub im: BigRational,
}

impl ExactComplex {
    fn real(re: BigRational) -> Self {
        ExactComplex {
            re,
            im: BigRational::zero(),
        }
    }

    fn is_real(&self) -> bool {
        self.im.is_zero()
    }

    fn is_zero(&self) -> bool {
        self.re.is_zero() && self.im.is_zero()
    }

    pub fn to_complex(&self) -> Complex64 {
        Complex64::new(
            self.re.to_f64().unwrap_or(f64::NAN),
            self.im.to_f64().unwrap_or(f64::NAN),
        )
    }
}

/// A value: exact, or floating point with the magnitude of the largest intermediate seen.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Exact(ExactComplex),
    Approx { z: Complex64, scale: f64 },
}

impl Value {
    pub fn complex(&self) -> Complex64 {
        match self {
            Value::Exact(x) => x.to_complex(),
            Value::Approx { z, .. } => *z,
        }
    }

    pub fn scale(&self) -> f64 {
        match self {
            Value::Exact(x) => x.to_complex().norm(),
            Value::Approx { scale, .. } => *scale,
        }
    }

    fn approx(z: Complex64, scale: f64) -> Result<Value, EvalError> {
        if !(z.re.is_finite() && z.im.is_finite()) {
            return Err(if z.re.is_nan() || z.im.is_nan() {
                EvalError::Undefined
            } else {
                EvalError::TooLarge
            });
        }
        Ok(Value::Approx {
            z,
            scale: scale.max(z.norm()),
        })
    }

    /// The exact real value, if it is one.
    pub fn exact_real(&self) -> Option<&BigRational> {
        match self {
            Value::Exact(x) if x.is_real() => Some(&x.re),
            _ => None,
        }
    }
}

/// Why an expression has no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvalError {
    /// Division by zero, a logarithm of zero, and the like (at this point).
    Undefined,
    /// Past a size limit: the answer is not judged.
    TooLarge,
    /// Not a scalar (a set, a relation, text, infinity).
    NotScalar,
    /// A variable with no value.
    Unbound,
}

/// How to read degree and percent marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    /// `x\%` as `x/100` (else as `x`).
    pub percent_as_fraction: bool,
    /// `x^\circ` as `x * pi / 180` (else as `x`).
    pub degrees_as_radians: bool,
}

impl Reading {
    pub const STANDARD: Reading = Reading {
        percent_as_fraction: true,
        degrees_as_radians: true,
    };
}

/// Evaluates `expr` with the variables bound to exact values.
pub fn eval(
    expr: &Expr,
    vars: &[(String, BigRational)],
    reading: Reading,
) -> Result<Value, EvalError> {
    Evaluator { vars, reading }.eval(expr)
}

struct Evaluator<'a> {
    vars: &'a [(String, BigRational)],
    reading: Reading,
}

fn bits(x: &BigRational) -> u64 {
    x.numer().bits() + x.denom().bits()
}

fn check_size(x: ExactComplex) -> Result<Value, EvalError> {
    if bits(&x.re) + bits(&x.im) > MAX_BITS {
        return Err(EvalError::TooLarge);
    }
    Ok(Value::Exact(x))
}

fn rational(n: i64, d: i64) -> BigRational {
    BigRational::new(n.into(), d.into())
}

impl Evaluator<'_> {
    fn eval(&self, expr: &Expr) -> Result<Value, EvalError> {
        match expr {
            Expr::Number(x) | Expr::Decimal { value: x, .. } => {
                check_size(ExactComplex::real(x.clone()))
            }
            Expr::Constant(Constant::I) => Ok(Value::Exact(ExactComplex {
                re: BigRational::zero(),
                im: BigRational::one(),
            })),
            Expr::Constant(Constant::Pi) => {
                Value::approx(Complex64::new(std::f64::consts::PI, 0.0), 0.0)
            }
            Expr::Constant(Constant::E) => {
                Value::approx(Complex64::new(std::f64::consts::E, 0.0), 0.0)
            }
            Expr::Var(name) => self
                .vars
                .iter()
                .find(|(v, _)| v == name)
                .map(|(_, x)| Value::Exact(ExactComplex::real(x.clone())))
                .ok_or(EvalError::Unbound),
            Expr::Add(terms) => {
                let mut acc = Value::Exact(ExactComplex::real(BigRational::zero()));
                for t in terms {
                    acc = add(acc, self.eval(t)?)?;
                }
                Ok(acc)
            }
            Expr::Mul(factors) => {
                let mut acc = Value::Exact(ExactComplex::real(BigRational::one()));
                for f in factors {
                    acc = mul(acc, self.eval(f)?)?;
                }
                Ok(acc)
            }
            Expr::Neg(a) => neg(self.eval(a)?),
            Expr::Div(a, b) => div(self.eval(a)?, self.eval(b)?),
            Expr::Pow(a, b) => pow(self.eval(a)?, self.eval(b)?),
            Expr::Apply(f, a) => {
                let arg = self.eval(a)?;
                apply(*f, arg)
            }
            Expr::Log { base, arg } => {
                let b = apply(Func::Ln, self.eval(base)?)?;
                let x = apply(Func::Ln, self.eval(arg)?)?;
                div(x, b)
            }
            Expr::Root { index, radicand } => root(self.eval(index)?, self.eval(radicand)?),
            Expr::Factorial(a) => factorial(self.eval(a)?),
            Expr::Percent(a) => {
                let x = self.eval(a)?;
                if self.reading.percent_as_fraction {
                    div(x, Value::Exact(ExactComplex::real(rational(100, 1))))
                } else {
                    Ok(x)
                }
            }
            Expr::Degrees(a) => {
                let x = self.eval(a)?;
                if self.reading.degrees_as_radians {
                    let per_degree =
                        Value::approx(Complex64::new(std::f64::consts::PI / 180.0, 0.0), 0.0)?;
                    mul(x, per_degree)
                } else {
                    Ok(x)
                }
            }
            Expr::Infinity
            | Expr::Text(_)
            | Expr::Choice(_)
            | Expr::Tuple(_)
            | Expr::Set(_)
            | Expr::Interval { .. }
            | Expr::Union(_)
            | Expr::Matrix(_)
            | Expr::Relation { .. }
            | Expr::List(_)
            | Expr::PlusMinus(..) => Err(EvalError::NotScalar),
        }
    }
}

fn add(a: Value, b: Value) -> Result<Value, EvalError> {
    match (a, b) {
        (Value::Exact(x), Value::Exact(y)) => check_size(ExactComplex {
            re: x.re + y.re,
            im: x.im + y.im,
        }),
        (a, b) => Value::approx(a.complex() + b.complex(), a.scale().max(b.scale())),
    }
}

fn neg(a: Value) -> Result<Value, EvalError> {
    Ok(match a {
        Value::Exact(x) => Value::Exact(ExactComplex {
            re: -x.re,
            im: -x.im,
        }),
        Value::Approx { z, scale } => Value::Approx { z: -z, scale },
    })
}

fn mul(a: Value, b: Value) -> Result<Value, EvalError> {
    match (a, b) {
        (Value::Exact(x), Value::Exact(y)) => {
            if bits(&x.re) + bits(&x.im) + bits(&y.re) + bits(&y.im) > 2 * MAX_BITS {
                return Err(EvalError::TooLarge);
            }
            if x.is_real() && y.is_real() {
                return check_size(ExactComplex::real(&x.re * &y.re));
            }
            check_size(ExactComplex {
                re: &x.re * &y.re - &x.im * &y.im,
                im: &x.re * &y.im + &x.im * &y.re,
            })
        }
        (a, b) => Value::approx(a.complex() * b.complex(), a.scale() * b.scale()),
    }
}

fn div(a: Value, b: Value) -> Result<Value, EvalError> {
    match (a, b) {
        (_, Value::Exact(y)) if y.is_zero() => Err(EvalError::Undefined),
        // Real operands: one rational division (the complex formula squares the divisor first).
        (Value::Exact(x), Value::Exact(y)) if x.is_real() && y.is_real() => {
            check_size(ExactComplex::real(&x.re / &y.re))
        }
        (Value::Exact(x), Value::Exact(y)) => {
            let norm = &y.re * &y.re + &y.im * &y.im;
            check_size(ExactComplex {
                re: (&x.re * &y.re + &x.im * &y.im) / &norm,
                im: (&x.im * &y.re - &x.re * &y.im) / &norm,
            })
        }
        (a, b) => {
            let d = b.complex();
            if d.norm() == 0.0 {
                return Err(EvalError::Undefined);
            }
            Value::approx(a.complex() / d, a.scale() / d.norm())
        }
    }
}

/// Exact integer power, refusing results past [`MAX_BITS`].
fn exact_int_pow(x: &ExactComplex, n: &BigInt) -> Result<Value, EvalError> {
    if x.is_zero() {
        return if n.is_negative() {
            Err(EvalError::Undefined)
        } else if n.is_zero() {
            Ok(Value::Exact(ExactComplex::real(BigRational::one())))
        } else {
            Ok(Value::Exact(x.clone()))
        };
    }
    let magnitude_bits = (bits(&x.re) + bits(&x.im)).max(1);
    let n_abs = n.abs().to_u64().ok_or(EvalError::TooLarge)?;
    let trivial = x.is_real() && (x.re.is_one() || (-x.re.clone()).is_one());
    if !trivial && n_abs.saturating_mul(magnitude_bits) > 2 * MAX_BITS {
        return Err(EvalError::TooLarge);
    }
    let (mut base, mut exp) = (x.clone(), n_abs);
    let mut acc = ExactComplex::real(BigRational::one());
    if trivial {
        // (+-1)^n: parity decides.
        let value = if x.re.is_one() || n_abs % 2 == 0 {
            BigRational::one()
        } else {
            -BigRational::one()
        };
        acc = ExactComplex::real(value);
        exp = 0;
    }
    while exp > 0 {
        if exp & 1 == 1 {
            acc = match mul(Value::Exact(acc), Value::Exact(base.clone()))? {
                Value::Exact(v) => v,
                Value::Approx { .. } => unreachable!("exact times exact is exact"),
            };
        }
        exp >>= 1;
        if exp > 0 {
            base = match mul(Value::Exact(base.clone()), Value::Exact(base))? {
                Value::Exact(v) => v,
                Value::Approx { .. } => unreachable!("exact times exact is exact"),
            };
        }
    }
    if n.is_negative() {
        div(
            Value::Exact(ExactComplex::real(BigRational::one())),
            Value::Exact(acc),
        )
    } else {
        Ok(Value::Exact(acc))
    }
}

/// The exact `q`-th root of a non-negative rational, when it is rational.
fn exact_root(x: &BigRational, q: u32) -> Option<BigRational> {
    if x.is_negative() || q == 0 || q > 64 {
        return None;
    }
    let n = x.numer().nth_root(q);
    let d = x.denom().nth_root(q);
    let candidate = BigRational::new(n.clone(), d.clone());
    (num_traits::pow(n, q as usize) == *x.numer() && num_traits::pow(d, q as usize) == *x.denom())
        .then_some(candidate)
}

fn pow(a: Value, b: Value) -> Result<Value, EvalError> {
    if let (Value::Exact(x), Some(e)) = (&a, b.exact_real()) {
        if e.is_integer() {
            return exact_int_pow(x, e.numer());
        }
        // Rational exponent p/q of a positive rational: exact when the q-th root is.
        if x.is_real() && x.re.is_positive() {
            if let Some(q) = e.denom().to_u32() {
                if let Some(r) = exact_root(&x.re, q) {
                    return exact_int_pow(&ExactComplex::real(r), e.numer());
                }
            }
        }
    }
    let (base, exponent) = (a.complex(), b.complex());
    let bound = base.norm().max(1.0).powf(exponent.norm().min(1e6));
    if !bound.is_finite() || exponent.norm() > 1e6 {
        return Err(EvalError::TooLarge);
    }
    if base.norm() == 0.0 {
        return if exponent.re > 0.0 {
            Value::approx(Complex64::new(0.0, 0.0), 0.0)
        } else {
            Err(EvalError::Undefined)
        };
    }
    let z = if base.im == 0.0 && base.re > 0.0 && exponent.im == 0.0 {
        Complex64::new(base.re.powf(exponent.re), 0.0)
    } else {
        base.powc(exponent)
    };
    Value::approx(z, a.scale().max(1.0).powf(exponent.re.abs()).max(z.norm()))
}

/// `\sqrt[n]{x}`: the real root for odd `n` and negative real `x`, as textbooks read it.
fn root(index: Value, radicand: Value) -> Result<Value, EvalError> {
    let n = index
        .exact_real()
        .filter(|n| n.is_integer() && n.is_positive())
        .and_then(|n| n.to_integer().to_u32())
        .ok_or(EvalError::Undefined)?;
    if n > 64 {
        return Err(EvalError::TooLarge);
    }
    if let Some(x) = radicand.exact_real() {
        if x.is_negative() && n % 2 == 1 {
            let positive = root(index.clone(), Value::Exact(ExactComplex::real(-x.clone())))?;
            return neg(positive);
        }
        if let Some(r) = exact_root(x, n) {
            return Ok(Value::Exact(ExactComplex::real(r)));
        }
    }
    let z = radicand.complex();
    if z.im == 0.0 && z.re < 0.0 && n % 2 == 1 {
        return Value::approx(Complex64::new(-(-z.re).powf(1.0 / f64::from(n)), 0.0), 0.0);
    }
    pow(
        radicand,
        Value::Exact(ExactComplex::real(rational(1, i64::from(n)))),
    )
}

fn apply(func: Func, arg: Value) -> Result<Value, EvalError> {
    if let Some(x) = arg.exact_real() {
        match func {
            Func::Sqrt => {
                if let Some(r) = exact_root(&x.abs(), 2) {
                    return Ok(Value::Exact(if x.is_negative() {
                        ExactComplex {
                            re: BigRational::zero(),
                            im: r,
                        }
                    } else {
                        ExactComplex::real(r)
                    }));
                }
            }
            Func::Abs => return Ok(Value::Exact(ExactComplex::real(x.abs()))),
            Func::Floor => return Ok(Value::Exact(ExactComplex::real(x.floor()))),
            Func::Ceil => return Ok(Value::Exact(ExactComplex::real(x.ceil()))),
            Func::Ln if x.is_one() => {
                return Ok(Value::Exact(ExactComplex::real(BigRational::zero())))
            }
            Func::Ln if x.is_zero() => return Err(EvalError::Undefined),
            Func::Sin | Func::Tan | Func::Asin | Func::Atan | Func::Sinh | Func::Tanh
                if x.is_zero() =>
            {
                return Ok(Value::Exact(ExactComplex::real(BigRational::zero())))
            }
            Func::Cos | Func::Cosh | Func::Exp | Func::Sec if x.is_zero() => {
                return Ok(Value::Exact(ExactComplex::real(BigRational::one())))
            }
            _ => {}
        }
    }
    let scale = arg.scale();
    let z = arg.complex();
    let one = Complex64::new(1.0, 0.0);
    let real_only = |f: fn(f64) -> f64| -> Result<Complex64, EvalError> {
        if z.im != 0.0 {
            return Err(EvalError::Undefined);
        }
        Ok(Complex64::new(f(z.re), 0.0))
    };
    let result = match func {
        Func::Sin => z.sin(),
        Func::Cos => z.cos(),
        Func::Tan => z.tan(),
        Func::Sec => one / z.cos(),
        Func::Csc => one / z.sin(),
        Func::Cot => one / z.tan(),
        Func::Asin => z.asin(),
        Func::Acos => z.acos(),
        Func::Atan => z.atan(),
        Func::Sinh => z.sinh(),
        Func::Cosh => z.cosh(),
        Func::Tanh => z.tanh(),
        Func::Ln => {
            if z.norm() == 0.0 {
                return Err(EvalError::Undefined);
            }
            z.ln()
        }
        Func::Exp => {
            if z.re > 700.0 {
                return Err(EvalError::TooLarge);
            }
            z.exp()
        }
        Func::Abs => Complex64::new(z.norm(), 0.0),
        Func::Sqrt => z.sqrt(),
        Func::Floor => real_only(f64::floor)?,
        Func::Ceil => real_only(f64::ceil)?,
    };
    // Functions with bounded derivatives near the argument keep its absolute error.
    let out_scale = match func {
        Func::Sqrt => scale.sqrt(),
        Func::Ln | Func::Abs | Func::Floor | Func::Ceil => result.norm(),
        _ => scale.max(1.0) * result.norm().max(1.0),
    };
    Value::approx(result, out_scale)
}

fn factorial(a: Value) -> Result<Value, EvalError> {
    let n = a
        .exact_real()
        .filter(|n| n.is_integer() && !n.is_negative())
        .ok_or(EvalError::Undefined)?;
    let n = n.to_integer().to_u64().ok_or(EvalError::TooLarge)?;
    if n > MAX_FACTORIAL {
        return Err(EvalError::TooLarge);
    }
    let mut acc = BigInt::one();
    for k in 2..=n {
        acc *= k;
    }
    check_size(ExactComplex::real(BigRational::from_integer(acc)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::parser::parse;

    fn value(text: &str) -> Result<Value, EvalError> {
        eval(&parse(text).unwrap(), &[], Reading::STANDARD)
    }

    #[test]
    fn stays_exact_where_it_can() {
        assert_eq!(
            value("\\sqrt{16}/\\sqrt{4}").unwrap().exact_real(),
            Some(&rational(2, 1))
        );
        assert_eq!(
            value("(1+i)^2").unwrap(),
            Value::Exact(ExactComplex {
                re: rational(0, 1),
                im: rational(2, 1)
            })
        );
        assert_eq!(
            value("8^{2/3}").unwrap().exact_real(),
            Some(&rational(4, 1))
        );
        assert_eq!(
            value("\\sqrt[3]{-8}").unwrap().exact_real(),
            Some(&rational(-2, 1))
        );
        assert_ne!(value("1/2^{99}").unwrap(), value("1/2^{98}").unwrap());
    }

    #[test]
    fn refuses_huge_values() {
        assert_eq!(value("10^{10^{10}}"), Err(EvalError::TooLarge));
        assert_eq!(value("100000!"), Err(EvalError::TooLarge));
        assert_eq!(value("1/0"), Err(EvalError::Undefined));
    }
}
