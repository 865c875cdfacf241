//! LiveCodeBench `code_generation_lite` records.
//!
//! `public_test_cases` is a JSON string of `[{input, output, testtype}]`; `private_test_cases` is the
//! same JSON string, or base64 of zlib of a pickle of it; `testtype` is `stdin` or `functional`;
//! `metadata` is a JSON string whose `func_name` names the function of functional problems.

use serde::Deserialize;
use serde_json::Value;

use super::{pickle, string, FormatError, Problem};
use crate::code::suite::{Checker, Limits, Mode, TestCase, TestSuite};

const F: &str = "LiveCodeBench";

#[derive(Deserialize)]
struct LcbTest {
    input: String,
    output: String,
    #[serde(default)]
    testtype: Option<String>,
}

fn tests_field(record: &Value, name: &str) -> Result<Vec<LcbTest>, FormatError> {
    let text = match record.get(name) {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(_)) => record[name].to_string(),
        Some(_) => return Err(FormatError::new(F, name, "expected a JSON string")),
    };
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let json = if text.trim_start().starts_with('[') {
        text
    } else {
        pickle::decode_compressed_string(&text).map_err(|e| FormatError::new(F, name, e))?
    };
    serde_json::from_str(&json)
        .map_err(|e| FormatError::new(F, name, format!("not a test list: {e}")))
}

/// Reads one record.
pub fn parse(record: &Value) -> Result<Problem, FormatError> {
    let mut tests = tests_field(record, "public_test_cases")?;
    tests.extend(tests_field(record, "private_test_cases")?);
    let functional = tests
        .iter()
        .any(|t| t.testtype.as_deref() == Some("functional"));
    let mode = if functional {
        let metadata = match record.get("metadata") {
            Some(Value::String(s)) => serde_json::from_str::<Value>(s)
                .map_err(|e| FormatError::new(F, "metadata", format!("not JSON: {e}")))?,
            Some(v) => v.clone(),
            None => Value::Null,
        };
        let func_name = metadata
            .get("func_name")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                FormatError::new(
                    F,
                    "metadata.func_name",
                    "functional tests need a function name",
                )
            })?;
        Mode::Call {
            func_name: func_name.to_owned(),
            unwrap_singleton: false,
        }
    } else {
        Mode::Stdio
    };
    Ok(Problem {
        format: F,
        title: string(record, "question_title"),
        statement: string(record, "question_content"),
        starter_code: string(record, "starter_code").filter(|s| !s.trim().is_empty()),
        suite: TestSuite {
            mode,
            tests: tests
                .into_iter()
                .map(|t| TestCase {
                    input: t.input,
                    output: t.output,
                })
                .collect(),
            // LiveCodeBench compares stdout line by line, token by token.
            checker: Checker::Tokens,
            limits: Limits::default(),
        },
    })
}
