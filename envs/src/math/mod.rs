//! Math answers: extraction from a full response, a parser for the LaTeX models write, exact and
//! probabilistic equivalence, and the `math/answer@1` (a fixed problem set) and `math/arith@1`
//! (generated arithmetic) environments.
//!
//! The pipeline, one file per step: [`extract`] finds answer candidates in the response;
//! [`normalize`], [`lexer`], [`units`] and [`parser`] turn one candidate into an [`Expr`]; [`eval`]
//! evaluates scalars (exact rationals where possible); [`equivalence`] decides whether two trees
//! mean the same answer; [`verdict`] ties them into [`MathVerifier`]. Every step is bounded by
//! [`limits`], so no input can hang a verdict.

mod answer_env;
mod arith_env;
pub mod equivalence;
pub mod eval;
pub mod expr;
pub mod extract;
pub mod lexer;
pub mod limits;
pub mod normalize;
pub mod parser;
mod units;
pub mod verdict;

pub use answer_env::{MathAnswerConfig, MathAnswerEnv};
pub use arith_env::{ArithConfig, ArithEnv, ArithOp};
pub use equivalence::Tolerance;
pub use expr::Expr;
pub use parser::{parse, ParseError};
pub use verdict::{BadGold, Judgement, MathVerifier, VerifierConfig};

use crate::registry::Registry;

/// Registers the math environments.
pub fn register(reg: &mut Registry) {
    answer_env::register(reg);
    arith_env::register(reg);
}
