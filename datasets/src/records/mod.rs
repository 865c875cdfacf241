//! Typed records for the data sets rlvr reads, one file per family.
//!
//! Every record keeps the fields it does not model in a flattened `extra` map, so reading a file and
//! writing it back loses nothing. Field names follow the public Hugging Face data sets exactly.

mod apps;
mod code_contests;
mod lenient;
mod livecodebench;
mod math;
mod swe;
mod synlogic;

pub use apps::{AppsProblem, AppsTestCases};
pub use code_contests::{
    CodeContestsDuration, CodeContestsProblem, CodeContestsSolutions, CodeContestsTests,
};
pub use livecodebench::{LiveCodeBenchProblem, LiveCodeBenchTestCase};
pub use math::MathProblem;
pub use swe::{SweInstance, SwePrediction};
pub use synlogic::SynlogicRecord;

/// Fields of a record that its type does not model, in their original order.
pub type ExtraFields = serde_json::Map<String, serde_json::Value>;
