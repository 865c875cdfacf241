//! DeepMind code_contests records: `public_tests`, `private_tests` and `generated_tests`, each
//! `{input: [..], output: [..]}`; `time_limit` as `{seconds, nanos}`; `memory_limit_bytes`.

use serde::Deserialize;
use serde_json::Value;

use super::{field, string, FormatError, Problem};
use crate::code::suite::{Checker, Limits, Mode, TestCase, TestSuite};

const F: &str = "code_contests";

#[derive(Deserialize, Default)]
struct Tests {
    #[serde(default)]
    input: Vec<String>,
    #[serde(default)]
    output: Vec<String>,
}

#[derive(Deserialize)]
struct Duration {
    #[serde(default)]
    seconds: f64,
    #[serde(default)]
    nanos: f64,
}

/// Reads one record; the tests are public, then private, then generated.
pub fn parse(record: &Value) -> Result<Problem, FormatError> {
    let mut tests = Vec::new();
    for name in ["public_tests", "private_tests", "generated_tests"] {
        let t: Tests = field(record, name, F)?.unwrap_or_default();
        if t.input.len() != t.output.len() {
            return Err(FormatError::new(
                F,
                name,
                format!("{} inputs but {} outputs", t.input.len(), t.output.len()),
            ));
        }
        tests.extend(
            t.input
                .into_iter()
                .zip(t.output)
                .map(|(input, output)| TestCase { input, output }),
        );
    }
    let mut limits = Limits::default();
    if let Some(d) = field::<Duration>(record, "time_limit", F)? {
        let s = d.seconds + d.nanos / 1e9;
        if s > 0.0 {
            limits.time_limit_s = s;
        }
    }
    if let Some(bytes) = field::<u64>(record, "memory_limit_bytes", F)? {
        if bytes > 0 {
            limits.memory_limit_mb = bytes.div_ceil(1 << 20);
        }
    }
    Ok(Problem {
        format: F,
        title: string(record, "name"),
        statement: string(record, "description"),
        starter_code: None,
        suite: TestSuite {
            mode: Mode::Stdio,
            tests,
            checker: Checker::Tokens,
            limits,
        },
    })
}
