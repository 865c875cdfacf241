//! Verdicts and the JSON report of one judged submission.

use serde::{Deserialize, Serialize};

/// The verdict of one test, or of a whole submission (its first failing test's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TestVerdict {
    /// Accepted.
    AC,
    /// Wrong answer.
    WA,
    /// Time limit exceeded (CPU or wall clock).
    TLE,
    /// Memory limit exceeded.
    MLE,
    /// Runtime error: a non-zero exit or a fatal signal.
    RE,
    /// Compilation error (or no program for the language).
    CE,
    /// Output limit exceeded.
    OLE,
}

impl TestVerdict {
    pub fn is_limit(self) -> bool {
        matches!(self, TestVerdict::TLE | TestVerdict::MLE | TestVerdict::OLE)
    }
}

/// How a submission's reward is computed from its tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RewardMode {
    /// 1 when every test passes, else 0.
    #[default]
    AllOrNothing,
    /// The fraction of tests passed.
    Fraction,
}

/// The facts of one test run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestReport {
    pub index: usize,
    pub verdict: TestVerdict,
    /// CPU time in milliseconds.
    pub time_ms: u64,
    /// Wall-clock time in milliseconds.
    pub wall_ms: u64,
    /// Milliseconds the machine withheld from the run (CPU waits while other work ran, the
    /// hypervisor's steal), added to its wall-clock deadline rather than charged to it.
    #[serde(default)]
    pub withheld_ms: u64,
    /// Peak resident memory in KiB.
    pub memory_kb: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signal: Option<i32>,
    /// Why, for failures: the checker's finding or the end of stderr.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A judged submission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub verdict: TestVerdict,
    pub passed: usize,
    pub total: usize,
    pub reward: f64,
    pub language: String,
    /// The tests that ran, in order (all of them, or up to the first failure).
    pub tests: Vec<TestReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compile_output: Option<String>,
}

/// Cuts a message to at most `max` bytes on a character boundary, marking the cut.
pub fn clip(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…[{} bytes cut]", &text[..end], text.len() - end)
}
