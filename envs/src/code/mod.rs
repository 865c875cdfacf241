//! `code/stdio@1` and `code/call@1`: competitive-programming verification in a sandbox.
//!
//! A response's program (the last fenced block of the target language, [`fence`]) is built once per
//! source ([`build`]), then run on each test in the process sandbox ([`sandbox`]) under CPU, wall,
//! memory, output and process limits; each run is classified (AC, WA, TLE, MLE, RE, CE, OLE) and
//! its output compared by the problem's checker ([`checker`]). Problems are read natively from
//! LiveCodeBench, APPS and code_contests records ([`formats`]) into one [`suite::TestSuite`].
//! A program that exceeds a limit gets a verdict; a sandbox that fails is an infrastructure error.

pub mod build;
pub mod checker;
mod env;
pub mod fence;
pub mod formats;
pub mod judge;
pub mod language;
pub mod report;
pub mod sandbox;
pub mod suite;

pub use env::{judge_async, outcome_of, register, CodeConfig};
pub use judge::{judge, JudgeError, JudgeOptions};
pub use language::Language;
pub use report::{Report, RewardMode, TestReport, TestVerdict};
