//! The expression tree the LaTeX parser produces and the equivalence checker compares.

use num_rational::BigRational;

/// A comparison between two sides of a relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl RelOp {
    /// The same relation read right to left (`a < b` is `b > a`).
    pub fn flipped(self) -> RelOp {
        match self {
            RelOp::Lt => RelOp::Gt,
            RelOp::Le => RelOp::Ge,
            RelOp::Gt => RelOp::Lt,
            RelOp::Ge => RelOp::Le,
            other => other,
        }
    }
}

/// A named function of one argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    Sin,
    Cos,
    Tan,
    Sec,
    Csc,
    Cot,
    Asin,
    Acos,
    Atan,
    Sinh,
    Cosh,
    Tanh,
    /// Natural logarithm (`\ln`, and `\log` without a base, as SymPy reads it).
    Ln,
    Exp,
    Abs,
    Sqrt,
    Floor,
    Ceil,
}

impl Func {
    /// Trigonometric functions read an argument in degrees as radians times pi/180.
    pub fn is_trig(self) -> bool {
        matches!(
            self,
            Func::Sin | Func::Cos | Func::Tan | Func::Sec | Func::Csc | Func::Cot
        )
    }
}

/// A named constant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Constant {
    Pi,
    E,
    I,
}

/// One parsed answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// An exact rational literal: integers, fractions of integers, repeating decimals.
    Number(BigRational),
    /// A terminating decimal literal as written, with its count of decimal places and significant
    /// digits: it may be an approximation, which only decimals get a tolerance for.
    Decimal {
        value: BigRational,
        places: u32,
        significant: u32,
    },
    Constant(Constant),
    /// Positive infinity (`\infty`); `-\infty` is its negation.
    Infinity,
    /// A variable: one letter, a Greek letter, with an optional subscript (`x_1`).
    Var(String),
    /// A word answer (`\text{Monday}`), lower-cased, spaces collapsed.
    Text(String),
    /// A multiple-choice letter (`(D)`, `\textbf{D}`).
    Choice(char),
    Add(Vec<Expr>),
    Mul(Vec<Expr>),
    Neg(Box<Expr>),
    Div(Box<Expr>, Box<Expr>),
    Pow(Box<Expr>, Box<Expr>),
    /// `a \pm b`: two answers.
    PlusMinus(Box<Expr>, Box<Expr>),
    Apply(Func, Box<Expr>),
    /// `\log_b x`.
    Log {
        base: Box<Expr>,
        arg: Box<Expr>,
    },
    /// `\sqrt[n]{x}`.
    Root {
        index: Box<Expr>,
        radicand: Box<Expr>,
    },
    Factorial(Box<Expr>),
    /// `x\%`.
    Percent(Box<Expr>),
    /// `x^\circ`.
    Degrees(Box<Expr>),
    /// `(a, b, ...)`: ordered. A pair may also be an open interval; the comparison decides.
    Tuple(Vec<Expr>),
    /// `\{a, b\}`, `\emptyset`: unordered, duplicates ignored.
    Set(Vec<Expr>),
    Interval {
        lo: Box<Expr>,
        hi: Box<Expr>,
        lo_closed: bool,
        hi_closed: bool,
    },
    Union(Vec<Expr>),
    /// Rows of entries (`pmatrix`, `bmatrix`).
    Matrix(Vec<Vec<Expr>>),
    /// `a op b op c`: a chain of relations.
    Relation {
        sides: Vec<Expr>,
        ops: Vec<RelOp>,
    },
    /// Several answers written side by side (`1, 2`; `x=1 \text{ or } x=2`): unordered.
    List(Vec<Expr>),
}

impl Expr {
    pub fn integer(n: i64) -> Expr {
        Expr::Number(BigRational::from_integer(n.into()))
    }

    /// Whether the expression mentions a variable.
    pub fn has_vars(&self) -> bool {
        let mut found = false;
        self.visit(&mut |e| found |= matches!(e, Expr::Var(_)));
        found
    }

    /// Collects the variable names, sorted and deduplicated.
    pub fn vars(&self) -> Vec<String> {
        let mut names = Vec::new();
        self.visit(&mut |e| {
            if let Expr::Var(v) = e {
                names.push(v.clone());
            }
        });
        names.sort();
        names.dedup();
        names
    }

    /// Calls `f` on this node and every node below it.
    pub fn visit(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        match self {
            Expr::Add(xs)
            | Expr::Mul(xs)
            | Expr::Tuple(xs)
            | Expr::Set(xs)
            | Expr::Union(xs)
            | Expr::List(xs) => xs.iter().for_each(|x| x.visit(f)),
            Expr::Relation { sides, .. } => sides.iter().for_each(|x| x.visit(f)),
            Expr::Matrix(rows) => rows.iter().flatten().for_each(|x| x.visit(f)),
            Expr::Neg(a)
            | Expr::Apply(_, a)
            | Expr::Factorial(a)
            | Expr::Percent(a)
            | Expr::Degrees(a) => a.visit(f),
            Expr::Div(a, b) | Expr::Pow(a, b) | Expr::PlusMinus(a, b) => {
                a.visit(f);
                b.visit(f);
            }
            Expr::Log { base, arg } => {
                base.visit(f);
                arg.visit(f);
            }
            Expr::Root { index, radicand } => {
                index.visit(f);
                radicand.visit(f);
            }
            Expr::Interval { lo, hi, .. } => {
                lo.visit(f);
                hi.visit(f);
            }
            Expr::Number(_)
            | Expr::Decimal { .. }
            | Expr::Constant(_)
            | Expr::Infinity
            | Expr::Var(_)
            | Expr::Text(_)
            | Expr::Choice(_) => {}
        }
    }

    /// Whether this is a scalar expression (something arithmetic can evaluate).
    pub fn is_scalar(&self) -> bool {
        let mut scalar = true;
        self.visit(&mut |e| {
            if matches!(
                e,
                Expr::Text(_)
                    | Expr::Choice(_)
                    | Expr::Tuple(_)
                    | Expr::Set(_)
                    | Expr::Interval { .. }
                    | Expr::Union(_)
                    | Expr::Matrix(_)
                    | Expr::Relation { .. }
                    | Expr::List(_)
                    | Expr::PlusMinus(..)
            ) {
                scalar = false;
            }
        });
        scalar
    }
}
