//! rlvr-datasets: typed records and the file formats Hugging Face datasets publish.
//!
//! Records ([`SweInstance`], [`SwePrediction`], [`MathProblem`], [`LiveCodeBenchProblem`],
//! [`AppsProblem`], [`CodeContestsProblem`], [`SynlogicRecord`]) are plain serde types that keep the
//! fields they do not model, so any of them can be read from and written back to a data file.
//!
//! [`read_records`] streams a JSON Lines, JSON array or Parquet file as typed records, one at a time;
//! [`write_records`] writes one through a temporary file and a rename. Every error names the file,
//! the line, element or row, and the field ([`DatasetError`]).
//!
//! This crate is a leaf: it knows file formats, not environments or scoring.

mod decode;
mod error;
mod format;
mod read;
mod records;
mod swe_predictions;
mod write;

pub use error::{DatasetError, Location};
pub use format::DataFormat;
pub use read::{read_all, read_records, Records};
pub use records::{
    AppsProblem, AppsTestCases, CodeContestsDuration, CodeContestsProblem, CodeContestsSolutions,
    CodeContestsTests, ExtraFields, LiveCodeBenchProblem, LiveCodeBenchTestCase, MathProblem,
    SweInstance, SwePrediction, SynlogicRecord,
};
pub use swe_predictions::read_swe_predictions;
pub use write::write_records;
