//! rlvr-datasets: typed records and the file formats Hugging Face datasets publish.
//!
//! Records ([`SweInstance`], [`SwePrediction`], [`MathProblem`], [`LiveCodeBenchProblem`],
//! [`AppsProblem`], [`CodeContestsProblem`], [`SynlogicRecord`]) are plain serde types that keep the
//! fields they do not model, so any of them can be read from and written back to a data file.
//!
//! This crate is a leaf: it knows file formats, not environments or scoring.

mod records;

pub use records::{
    AppsProblem, AppsTestCases, CodeContestsDuration, CodeContestsProblem, CodeContestsSolutions,
    CodeContestsTests, ExtraFields, LiveCodeBenchProblem, LiveCodeBenchTestCase, MathProblem,
    SweInstance, SwePrediction, SynlogicRecord,
};
