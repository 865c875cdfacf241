//! The internal test suite every problem format is converted into.

use serde::{Deserialize, Serialize};

use super::language::Language;

/// How a program is fed its tests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Mode {
    /// Input on stdin, output on stdout.
    Stdio,
    /// LeetCode-style: the program defines `func_name` (a method of `class Solution`, or a top-level
    /// function); each test's input is one JSON argument per line and its output is the JSON return
    /// value, compared structurally.
    Call {
        func_name: String,
        /// APPS wraps many expected return values in a one-element list: accept the element too.
        #[serde(default)]
        unwrap_singleton: bool,
    },
}

/// How a program's output is compared with the expected output (stdio tests).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Checker {
    /// Byte-for-byte equality.
    Exact,
    /// Equal whitespace-separated tokens (the default: newlines and spaces are interchangeable).
    #[default]
    Tokens,
    /// Equal lines after trimming trailing whitespace of each line and trailing empty lines.
    Lines,
    /// Tokens; numeric tokens match when within `abs` absolutely or `rel` relatively.
    Float {
        #[serde(default = "default_tolerance")]
        abs: f64,
        #[serde(default = "default_tolerance")]
        rel: f64,
    },
    /// A testlib-style checker program run as `checker input output answer`: exit code 0 accepts,
    /// 1 (wrong answer) and 2 (presentation error) reject; anything else is a checker failure.
    Program { language: Language, source: String },
}

fn default_tolerance() -> f64 {
    1e-6
}

/// One test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestCase {
    pub input: String,
    pub output: String,
}

/// Resource limits of each test run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// CPU seconds per test.
    pub time_limit_s: f64,
    /// Address-space limit in MiB.
    pub memory_limit_mb: u64,
    /// Bytes of output per test before the output-limit verdict.
    #[serde(default = "default_output_limit")]
    pub output_limit_bytes: u64,
}

fn default_output_limit() -> u64 {
    16 << 20
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            time_limit_s: 2.0,
            memory_limit_mb: 512,
            output_limit_bytes: default_output_limit(),
        }
    }
}

/// A problem's tests, in the one shape the judge understands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestSuite {
    pub mode: Mode,
    pub tests: Vec<TestCase>,
    #[serde(default)]
    pub checker: Checker,
    #[serde(default)]
    pub limits: Limits,
}
