//! Whether two parsed answers mean the same thing.
//!
//! - Numbers compare exactly (big rationals, complex) while both stay rational; otherwise in complex
//!   floating point with a relative tolerance of 1e-9 plus a cancellation allowance scaled by the
//!   largest intermediate. A decimal literal with enough significant digits may also be a rounded
//!   approximation (see [`Tolerance`]); nothing else gets a tolerance.
//! - Expressions with variables are compared at seeded random rational points (identity testing):
//!   exact where rational, so `x+1` vs `1+x` is decided without any algebra.
//! - Percent: `p\%` equals both `p/100` and `p`. Degrees: `x^\circ` equals both `x` and `x*pi/180`.
//! - Sets, lists of answers and unions are unordered; tuples and matrices are ordered; intervals
//!   compare endpoints and openness; a pair `(a, b)` may be an open interval.
//! - Relations: `x = 3` matches `3` either way (not `y = 3`); equations match when `lhs - rhs` agree up
//!   to a non-zero factor; inequalities up to a positive one, with the same strictness; a
//!   one-variable inequality matches the interval it describes.

use num_rational::BigRational;
use num_traits::Zero;
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::eval::{eval, EvalError, Reading, Value};
use super::expr::{Expr, RelOp};
use super::limits::MAX_ELEMENTS;
use crate::seed::task_rng;

/// When a decimal answer may stand for a value it approximates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Tolerance {
    /// A decimal gets a tolerance only with at least this many significant digits (`0.333`, not `0.3`).
    pub min_significant_digits: u32,
    /// Allowed distance, in units of the decimal's last place: 0.5 accepts correct rounding only.
    pub last_place_units: f64,
}

impl Default for Tolerance {
    fn default() -> Self {
        Tolerance {
            min_significant_digits: 3,
            last_place_units: 0.5,
        }
    }
}

/// Why an answer pair could not be judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unjudgeable {
    /// A value past the size limits.
    TooLarge,
}

type Judged = Result<bool, Unjudgeable>;

/// Relative tolerance of floating-point comparisons.
const RELATIVE: f64 = 1e-9;
/// Cancellation allowance, relative to the largest intermediate value.
const CANCELLATION: f64 = 1e-11;
/// Random points for identity testing, and how many must be defined on both sides.
const POINTS: u64 = 6;
const MIN_DEFINED_POINTS: usize = 3;

/// Compares a gold answer with a predicted one.
pub fn equivalent(gold: &Expr, pred: &Expr, tol: &Tolerance) -> Judged {
    Comparer { tol }.same(gold, pred)
}

struct Comparer<'a> {
    tol: &'a Tolerance,
}

/// `a \pm b` as its two answers; other expressions as themselves.
fn expand_plus_minus(e: &Expr) -> Vec<Expr> {
    match e {
        Expr::PlusMinus(a, b) => vec![
            Expr::Add(vec![(**a).clone(), (**b).clone()]),
            Expr::Add(vec![(**a).clone(), Expr::Neg(b.clone())]),
        ],
        Expr::List(items) => {
            let mut out = Vec::new();
            for item in items {
                out.extend(expand_plus_minus(item));
            }
            out
        }
        Expr::Relation { sides, ops }
            if sides.len() == 2 && matches!(sides[1], Expr::PlusMinus(..)) =>
        {
            expand_plus_minus(&sides[1])
                .into_iter()
                .map(|rhs| Expr::Relation {
                    sides: vec![sides[0].clone(), rhs],
                    ops: ops.clone(),
                })
                .collect()
        }
        other => vec![other.clone()],
    }
}

fn as_answers(e: &Expr) -> Expr {
    let expanded = expand_plus_minus(e);
    if expanded.len() == 1 {
        expanded.into_iter().next().expect("one")
    } else {
        Expr::List(expanded)
    }
}

/// `x = value` (also `a = b = value`): the value, when the left side is a lone variable.
fn assignment(e: &Expr) -> Option<(&str, &Expr)> {
    match e {
        Expr::Relation { sides, ops } if ops.iter().all(|o| *o == RelOp::Eq) => match &sides[0] {
            Expr::Var(name) => sides.last().map(|v| (name.as_str(), v)),
            _ => None,
        },
        _ => None,
    }
}

fn letter_of(e: &Expr) -> Option<char> {
    match e {
        Expr::Choice(c) => Some(*c),
        Expr::Var(v) if v.chars().count() == 1 => v.chars().next().map(|c| c.to_ascii_uppercase()),
        Expr::Text(t) if t.chars().count() == 1 => t.chars().next().map(|c| c.to_ascii_uppercase()),
        _ => None,
    }
}

/// `+1` for `\infty`, `-1` for `-\infty`.
fn infinity_sign(e: &Expr) -> Option<i8> {
    match e {
        Expr::Infinity => Some(1),
        Expr::Neg(inner) => infinity_sign(inner).map(|s| -s),
        Expr::Add(terms) if terms.len() == 1 => infinity_sign(&terms[0]),
        _ => None,
    }
}

/// Decimal places and significant digits when the expression is a lone decimal literal.
fn decimal_literal(e: &Expr) -> Option<(u32, u32)> {
    match e {
        Expr::Decimal {
            places,
            significant,
            ..
        } => Some((*places, *significant)),
        Expr::Neg(inner) => decimal_literal(inner),
        _ => None,
    }
}

impl Comparer<'_> {
    fn same(&self, gold: &Expr, pred: &Expr) -> Judged {
        let (gold, pred) = (as_answers(gold), as_answers(pred));
        let (gold, pred) = (&gold, &pred);
        if let Some(g) = letter_of(gold).filter(|_| matches!(gold, Expr::Choice(_))) {
            return Ok(letter_of(pred) == Some(g));
        }
        if let Some(p) = letter_of(pred).filter(|_| matches!(pred, Expr::Choice(_))) {
            return Ok(letter_of(gold) == Some(p));
        }
        match (gold, pred) {
            (Expr::Text(a), Expr::Text(b)) => return Ok(a == b),
            (Expr::Text(_), _) | (_, Expr::Text(_)) => return Ok(false),
            _ => {}
        }
        // `x = 3` against `3`, either way.
        if !matches!(pred, Expr::Relation { .. }) {
            if let Some((_, value)) = assignment(gold) {
                return self.same(value, pred);
            }
        }
        if !matches!(gold, Expr::Relation { .. }) {
            if let Some((_, value)) = assignment(pred) {
                return self.same(gold, value);
            }
        }
        match (gold, pred) {
            (Expr::Relation { .. }, Expr::Relation { .. }) => self.relations(gold, pred),
            (Expr::Relation { .. }, _) => match relation_as_set(gold) {
                Some(set) => self.same(&set, pred),
                None => Ok(false),
            },
            (_, Expr::Relation { .. }) => match relation_as_set(pred) {
                Some(set) => self.same(gold, &set),
                None => Ok(false),
            },
            (Expr::List(a) | Expr::Set(a), Expr::List(b) | Expr::Set(b)) => self.unordered(a, b),
            // `\{5\}` against `5`; a repeated answer (`\boxed{840}\boxed{840}`) against itself.
            (Expr::Set(a) | Expr::List(a), single) | (single, Expr::Set(a) | Expr::List(a))
                if single.is_scalar() =>
            {
                let distinct = self.dedup(a)?;
                Ok(distinct.len() == 1 && self.same(distinct[0], single)?)
            }
            (Expr::Tuple(a), Expr::Tuple(b)) => self.ordered(a, b),
            (Expr::List(a), Expr::Tuple(b)) | (Expr::Tuple(a), Expr::List(b)) => {
                self.ordered_assignments(a, b)
            }
            (Expr::Union(a), Expr::Union(b)) => self.unordered(a, b),
            (Expr::Interval { .. }, Expr::Interval { .. }) => self.intervals(gold, pred),
            (Expr::Interval { .. }, Expr::Tuple(t)) | (Expr::Tuple(t), Expr::Interval { .. })
                if t.len() == 2 =>
            {
                let open = Expr::Interval {
                    lo: Box::new(t[0].clone()),
                    hi: Box::new(t[1].clone()),
                    lo_closed: false,
                    hi_closed: false,
                };
                let interval = if matches!(gold, Expr::Interval { .. }) {
                    gold
                } else {
                    pred
                };
                self.intervals(interval, &open)
            }
            (Expr::Matrix(a), Expr::Matrix(b)) => {
                if a.len() != b.len() || a.iter().zip(b).any(|(r, s)| r.len() != s.len()) {
                    return Ok(false);
                }
                self.ordered(
                    &a.iter().flatten().cloned().collect::<Vec<_>>(),
                    &b.iter().flatten().cloned().collect::<Vec<_>>(),
                )
            }
            (Expr::Matrix(m), Expr::Tuple(t)) | (Expr::Tuple(t), Expr::Matrix(m)) => {
                // A column or row vector written as a tuple.
                let vector = m.len() == 1 || m.iter().all(|r| r.len() == 1);
                if !vector {
                    return Ok(false);
                }
                self.ordered(&m.iter().flatten().cloned().collect::<Vec<_>>(), t)
            }
            (a, b) if a.is_scalar() && b.is_scalar() => self.scalars(a, b),
            _ => Ok(false),
        }
    }

    fn ordered(&self, a: &[Expr], b: &[Expr]) -> Judged {
        if a.len() != b.len() {
            return Ok(false);
        }
        for (x, y) in a.iter().zip(b) {
            if !self.same(x, y)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// `x = 3, y = -2` against `(3, -2)`: the list in written order.
    fn ordered_assignments(&self, a: &[Expr], b: &[Expr]) -> Judged {
        let unwrap = |xs: &[Expr]| -> Vec<Expr> {
            xs.iter()
                .map(|x| assignment(x).map_or_else(|| x.clone(), |(_, v)| v.clone()))
                .collect()
        };
        self.ordered(&unwrap(a), &unwrap(b))
    }

    /// Unordered, duplicates ignored: every element of each side matches one of the other.
    fn unordered(&self, a: &[Expr], b: &[Expr]) -> Judged {
        if a.len() * b.len() > MAX_ELEMENTS * MAX_ELEMENTS / 4 {
            return Err(Unjudgeable::TooLarge);
        }
        let a = self.dedup(a)?;
        let b = self.dedup(b)?;
        if a.len() != b.len() {
            return Ok(false);
        }
        let mut used = vec![false; b.len()];
        for x in &a {
            let mut found = false;
            for (k, y) in b.iter().enumerate() {
                if !used[k] && self.same(x, y)? {
                    used[k] = true;
                    found = true;
                    break;
                }
            }
            if !found {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn dedup<'e>(&self, xs: &'e [Expr]) -> Result<Vec<&'e Expr>, Unjudgeable> {
        let mut out: Vec<&Expr> = Vec::new();
        for x in xs {
            let mut seen = false;
            for y in &out {
                if self.same(y, x)? {
                    seen = true;
                    break;
                }
            }
            if !seen {
                out.push(x);
            }
        }
        Ok(out)
    }

    fn intervals(&self, a: &Expr, b: &Expr) -> Judged {
        let (
            Expr::Interval {
                lo: lo_a,
                hi: hi_a,
                lo_closed: lca,
                hi_closed: hca,
            },
            Expr::Interval {
                lo: lo_b,
                hi: hi_b,
                lo_closed: lcb,
                hi_closed: hcb,
            },
        ) = (a, b)
        else {
            return Ok(false);
        };
        // Openness at an infinite end carries no information.
        let lo_ok = if infinity_sign(lo_a).is_some() {
            true
        } else {
            lca == lcb
        };
        let hi_ok = if infinity_sign(hi_a).is_some() {
            true
        } else {
            hca == hcb
        };
        Ok(lo_ok && hi_ok && self.endpoint(lo_a, lo_b)? && self.endpoint(hi_a, hi_b)?)
    }

    fn endpoint(&self, a: &Expr, b: &Expr) -> Judged {
        match (infinity_sign(a), infinity_sign(b)) {
            (Some(x), Some(y)) => Ok(x == y),
            (None, None) => self.scalars(a, b),
            _ => Ok(false),
        }
    }

    fn relations(&self, a: &Expr, b: &Expr) -> Judged {
        let (Some(ra), Some(rb)) = (oriented(a), oriented(b)) else {
            // Chains: the same interval, or the same sides in the same or reversed order.
            if let (Some(sa), Some(sb)) = (relation_as_set(a), relation_as_set(b)) {
                return self.same(&sa, &sb);
            }
            return self.chains(a, b);
        };
        if ra.op != rb.op {
            return Ok(false);
        }
        let positive_only = !matches!(ra.op, RelOp::Eq | RelOp::Ne);
        self.proportional(&ra.difference, &rb.difference, positive_only)
    }

    fn chains(&self, a: &Expr, b: &Expr) -> Judged {
        let (Expr::Relation { sides: sa, ops: oa }, Expr::Relation { sides: sb, ops: ob }) = (a, b)
        else {
            return Ok(false);
        };
        if oa == ob {
            return self.ordered(sa, sb);
        }
        let flipped: Vec<RelOp> = ob.iter().rev().map(|o| o.flipped()).collect();
        if *oa == flipped {
            let reversed: Vec<Expr> = sb.iter().rev().cloned().collect();
            return self.ordered(sa, &reversed);
        }
        Ok(false)
    }

    /// Whether `a = c * b` for a constant `c` (non-zero; positive if `positive_only`), at random points.
    fn proportional(&self, a: &Expr, b: &Expr, positive_only: bool) -> Judged {
        let vars = union_vars(a, b);
        let mut ratio: Option<Value> = None;
        let mut defined = 0;
        for k in 0..POINTS {
            let point = random_point(&vars, k);
            let (va, vb) = match (
                eval(a, &point, Reading::STANDARD),
                eval(b, &point, Reading::STANDARD),
            ) {
                (Ok(x), Ok(y)) => (x, y),
                (Err(EvalError::TooLarge), _) | (_, Err(EvalError::TooLarge)) => {
                    return Err(Unjudgeable::TooLarge)
                }
                (Err(EvalError::Undefined), _) | (_, Err(EvalError::Undefined)) => continue,
                _ => return Ok(false),
            };
            let (za, zb) = (is_zero(&va), is_zero(&vb));
            if za && zb {
                defined += 1;
                continue;
            }
            if za != zb {
                return Ok(false);
            }
            let r = match (&va, &vb) {
                (Value::Exact(x), Value::Exact(y)) if x.im.is_zero() && y.im.is_zero() => {
                    Value::Exact(super::eval::ExactComplex {
                        re: &x.re / &y.re,
                        im: BigRational::zero(),
                    })
                }
                _ => Value::Approx {
                    z: va.complex() / vb.complex(),
                    scale: (va.scale() / vb.complex().norm())
                        .max((va.complex() / vb.complex()).norm()),
                },
            };
            if positive_only
                && !(r.complex().re > 0.0 && r.complex().im.abs() <= RELATIVE * r.complex().norm())
            {
                return Ok(false);
            }
            match &ratio {
                None => ratio = Some(r),
                Some(first) if values_equal(first, &r) => {}
                Some(_) => return Ok(false),
            }
            defined += 1;
        }
        Ok(defined >= MIN_DEFINED_POINTS.min(POINTS as usize) || (vars.is_empty() && defined > 0))
    }

    fn scalars(&self, gold: &Expr, pred: &Expr) -> Judged {
        match (infinity_sign(gold), infinity_sign(pred)) {
            (Some(a), Some(b)) => return Ok(a == b),
            (Some(_), None) | (None, Some(_)) => return Ok(false),
            _ => {}
        }
        let vars = union_vars(gold, pred);
        if vars.is_empty() {
            return self.numbers(gold, pred);
        }
        let mut defined = 0;
        for k in 0..POINTS {
            let point = random_point(&vars, k);
            match (
                eval(gold, &point, Reading::STANDARD),
                eval(pred, &point, Reading::STANDARD),
            ) {
                (Ok(a), Ok(b)) => {
                    if !values_equal(&a, &b) {
                        return Ok(false);
                    }
                    defined += 1;
                }
                (Err(EvalError::TooLarge), _) | (_, Err(EvalError::TooLarge)) => {
                    return Err(Unjudgeable::TooLarge)
                }
                (Err(EvalError::Undefined), Err(EvalError::Undefined)) => {}
                _ => return Ok(false),
            }
        }
        Ok(defined >= MIN_DEFINED_POINTS)
    }

    /// Numbers without variables, under every reading of percent and degree marks.
    fn numbers(&self, gold: &Expr, pred: &Expr) -> Judged {
        let gold_values = readings(gold)?;
        let pred_values = readings(pred)?;
        if gold_values.is_empty() || pred_values.is_empty() {
            return Ok(false);
        }
        let gold_decimal = decimal_literal(strip_marks(gold));
        let pred_decimal = decimal_literal(strip_marks(pred));
        for (g, g_extra_places) in &gold_values {
            for (p, p_extra_places) in &pred_values {
                if values_equal(g, p)
                    || self.rounds_to(g, p, pred_decimal, *p_extra_places)
                    || self.rounds_to(p, g, gold_decimal, *g_extra_places)
                {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    /// Whether `decimal` (a literal with `places` decimals) is `exact` rounded to those places.
    fn rounds_to(
        &self,
        exact: &Value,
        decimal: &Value,
        literal: Option<(u32, u32)>,
        extra_places: u32,
    ) -> bool {
        let Some((places, significant)) = literal else {
            return false;
        };
        if significant < self.tol.min_significant_digits {
            return false;
        }
        let (x, d) = (exact.complex(), decimal.complex());
        if x.im != 0.0 || d.im != 0.0 {
            return false;
        }
        let unit = 10f64.powi(-((places + extra_places) as i32));
        (x.re - d.re).abs() <= self.tol.last_place_units * unit * (1.0 + 1e-9) + 1e-15 * x.re.abs()
    }
}

/// The marks a reading may drop: a top-level percent or degree mark around a decimal.
fn strip_marks(e: &Expr) -> &Expr {
    match e {
        Expr::Percent(inner) | Expr::Degrees(inner) => strip_marks(inner),
        other => other,
    }
}

/// The values of an expression under each reading of its marks, with the extra decimal places a
/// percent reading adds (12.5% = 0.125).
fn readings(e: &Expr) -> Result<Vec<(Value, u32)>, Unjudgeable> {
    let mut has_percent = false;
    let mut has_degrees = false;
    e.visit(&mut |n| {
        has_percent |= matches!(n, Expr::Percent(_));
        has_degrees |= matches!(n, Expr::Degrees(_));
    });
    let mut variants = vec![(Reading::STANDARD, if has_percent { 2 } else { 0 })];
    if has_percent {
        variants.push((
            Reading {
                percent_as_fraction: false,
                degrees_as_radians: true,
            },
            0,
        ));
    }
    if has_degrees {
        variants.push((
            Reading {
                percent_as_fraction: true,
                degrees_as_radians: false,
            },
            0,
        ));
    }
    let mut out = Vec::new();
    for (reading, extra) in variants {
        match eval(e, &[], reading) {
            Ok(v) => out.push((v, extra)),
            Err(EvalError::TooLarge) => return Err(Unjudgeable::TooLarge),
            Err(_) => {}
        }
    }
    Ok(out)
}

fn is_zero(v: &Value) -> bool {
    match v {
        Value::Exact(x) => x.re.is_zero() && x.im.is_zero(),
        Value::Approx { z, scale } => z.norm() <= CANCELLATION * scale.max(1e-300),
    }
}

/// Exact equality for exact values; otherwise relative closeness with a cancellation allowance.
pub(super) fn values_equal(a: &Value, b: &Value) -> bool {
    if let (Value::Exact(x), Value::Exact(y)) = (a, b) {
        return x == y;
    }
    let (za, zb) = (a.complex(), b.complex());
    if !(za.re.is_finite() && za.im.is_finite() && zb.re.is_finite() && zb.im.is_finite()) {
        return false;
    }
    let diff = (za - zb).norm();
    diff <= RELATIVE * za.norm().max(zb.norm()) + CANCELLATION * a.scale().max(b.scale())
}

fn union_vars(a: &Expr, b: &Expr) -> Vec<String> {
    let mut vars = a.vars();
    vars.extend(b.vars());
    vars.sort();
    vars.dedup();
    vars
}

/// Point `k` for identity testing: each variable a seeded random rational in about (0.1, 5), so
/// square roots and logarithms of a variable are defined.
fn random_point(vars: &[String], k: u64) -> Vec<(String, BigRational)> {
    let mut rng = task_rng("math/identity-points", 0, k);
    vars.iter()
        .map(|v| {
            let num: i64 = rng.gen_range(1..=97);
            let den: i64 = rng.gen_range(11..=23);
            (v.clone(), BigRational::new(num.into(), den.into()))
        })
        .collect()
}

/// The difference form of a single relation, oriented so the operator is `=`, `!=`, `<` or `<=`.
struct Oriented {
    op: RelOp,
    difference: Expr,
}

fn oriented(e: &Expr) -> Option<Oriented> {
    let Expr::Relation { sides, ops } = e else {
        return None;
    };
    if ops.len() != 1 {
        return None;
    }
    let (l, r) = (&sides[0], &sides[1]);
    let diff = |a: &Expr, b: &Expr| Expr::Add(vec![a.clone(), Expr::Neg(Box::new(b.clone()))]);
    Some(match ops[0] {
        RelOp::Eq | RelOp::Ne | RelOp::Lt | RelOp::Le => Oriented {
            op: ops[0],
            difference: diff(l, r),
        },
        RelOp::Gt | RelOp::Ge => Oriented {
            op: ops[0].flipped(),
            difference: diff(r, l),
        },
    })
}

/// A one-variable inequality with constant bounds as the interval it describes
/// (`x > 3` is `(3, \infty)`, `1 \le x < 2` is `[1, 2)`).
fn relation_as_set(e: &Expr) -> Option<Expr> {
    let Expr::Relation { sides, ops } = e else {
        return None;
    };
    let var_positions: Vec<usize> = sides
        .iter()
        .enumerate()
        .filter(|(_, s)| s.has_vars())
        .map(|(k, _)| k)
        .collect();
    if var_positions.len() != 1 || !matches!(sides[var_positions[0]], Expr::Var(_)) {
        return None;
    }
    let at = var_positions[0];
    let infinity = || Box::new(Expr::Infinity);
    let minus_infinity = || Box::new(Expr::Neg(Box::new(Expr::Infinity)));
    let mut lo: (Box<Expr>, bool) = (minus_infinity(), false);
    let mut hi: (Box<Expr>, bool) = (infinity(), false);
    // Each operator touching the variable bounds it from one side.
    for (k, op) in ops.iter().enumerate() {
        let (other, var_on_left) = if k == at {
            (&sides[k + 1], true)
        } else if k + 1 == at {
            (&sides[k], false)
        } else {
            continue;
        };
        let op = if var_on_left { *op } else { op.flipped() };
        let bound = Box::new(other.clone());
        match op {
            RelOp::Lt => hi = (bound, false),
            RelOp::Le => hi = (bound, true),
            RelOp::Gt => lo = (bound, false),
            RelOp::Ge => lo = (bound, true),
            RelOp::Eq | RelOp::Ne => return None,
        }
    }
    if sides.iter().any(|s| !s.is_scalar()) {
        return None;
    }
    Some(Expr::Interval {
        lo: lo.0,
        hi: hi.0,
        lo_closed: lo.1,
        hi_closed: hi.1,
    })
}
