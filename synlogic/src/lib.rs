//! rlvr-synlogic: SynLogic's logic puzzles in Rust, seeded and with fixed generators and verifiers.
//!
//! Each task ([`tasks::ALL`]) is a [`Puzzle`]: `generate(seed, index, options)` gives an [`Instance`]
//! in SynLogic's record schema, deterministically; `verify(gold, response)` strips the reasoning,
//! extracts the answer in the task's format and checks it by the rules. [`register`] exposes every
//! task as the environment `synlogic/<task>@1`.

// Grid code indexes cells by (row, column); index loops read better there than iterator chains.
#![allow(clippy::needless_range_loop)]

pub mod arith;
pub mod bench;
pub mod difficulty;
pub mod env;
pub mod error;
pub mod extract;
pub mod grid_text;
pub mod heap;
pub mod instance;
pub mod language;
pub mod latin;
pub mod lazy_json;
pub mod puzzle;
pub mod pyliteral;
pub mod scratch;
pub mod small_sample;
pub mod tasks;

pub use difficulty::Difficulty;
pub use error::SynlogicError;
pub use instance::{Gold, Instance};
pub use language::Language;
pub use puzzle::{GenOptions, Judgement, Puzzle};

use rlvr_envs::Registry;

/// Registers every puzzle as `synlogic/<task>@1`.
pub fn register(reg: &mut Registry) {
    env::register(reg);
}
