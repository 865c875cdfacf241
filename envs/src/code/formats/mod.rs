//! Problem records as the datasets publish them, read natively into a [`TestSuite`].
//!
//! The format is recognised by its fields:
//! - LiveCodeBench `code_generation_lite`: `public_test_cases` ([`lcb`]);
//! - APPS: `input_output` ([`apps`]);
//! - DeepMind code_contests: `public_tests` ([`code_contests`]);
//! - our own: `tests` (a list of `{input, output}`), with `fn_name` for call tests.
//!
//! Every format also takes our optional fields `checker`, `time_limit_s` and `memory_limit_mb`, which
//! win over what the record says.

pub mod apps;
pub mod code_contests;
pub mod lcb;
mod pickle;
mod records;

use serde::Deserialize;
use serde_json::Value;

use super::suite::{Checker, Limits, Mode, TestCase, TestSuite};

/// A record that cannot be read: which field and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{format} record, field `{field}`: {message}")]
pub struct FormatError {
    pub format: &'static str,
    pub field: String,
    pub message: String,
}

impl FormatError {
    pub fn new(format: &'static str, field: impl Into<String>, message: impl Into<String>) -> Self {
        FormatError {
            format,
            field: field.into(),
            message: message.into(),
        }
    }
}

/// A problem: what the model is shown, and the tests.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub format: &'static str,
    pub title: Option<String>,
    pub statement: Option<String>,
    pub starter_code: Option<String>,
    pub suite: TestSuite,
}

/// Our optional fields, on any record.
#[derive(Debug, Default, Deserialize)]
struct Overrides {
    #[serde(default)]
    checker: Option<Checker>,
    #[serde(default)]
    time_limit_s: Option<f64>,
    #[serde(default)]
    memory_limit_mb: Option<u64>,
}

/// Reads any supported record.
pub fn parse_problem(record: &Value) -> Result<Problem, FormatError> {
    let obj = record
        .as_object()
        .ok_or_else(|| FormatError::new("problem", "(record)", "expected a JSON object"))?;
    let mut problem = if obj.contains_key("public_test_cases") {
        lcb::parse(record)?
    } else if obj.contains_key("input_output") {
        apps::parse(record)?
    } else if obj.contains_key("public_tests") {
        code_contests::parse(record)?
    } else if obj.contains_key("tests") {
        parse_native(record)?
    } else {
        return Err(FormatError::new(
            "problem",
            "(record)",
            "no test field: expected `public_test_cases` (LiveCodeBench), `input_output` (APPS), \
             `public_tests` (code_contests) or `tests`",
        ));
    };
    let overrides = Overrides {
        checker: field(record, "checker", "problem")?,
        time_limit_s: field(record, "time_limit_s", "problem")?,
        memory_limit_mb: field(record, "memory_limit_mb", "problem")?,
    };
    apply(&mut problem.suite, overrides)?;
    if problem.suite.tests.is_empty() {
        return Err(FormatError::new(
            problem.format,
            "(tests)",
            "the problem has no tests",
        ));
    }
    Ok(problem)
}

fn apply(suite: &mut TestSuite, o: Overrides) -> Result<(), FormatError> {
    if let Some(c) = o.checker {
        suite.checker = c;
    }
    if let Some(t) = o.time_limit_s {
        if !(t.is_finite() && t > 0.0 && t <= 60.0) {
            return Err(FormatError::new(
                "problem",
                "time_limit_s",
                "must be in (0, 60]",
            ));
        }
        suite.limits.time_limit_s = t;
    }
    if let Some(m) = o.memory_limit_mb {
        if !(16..=16384).contains(&m) {
            return Err(FormatError::new(
                "problem",
                "memory_limit_mb",
                "must be in [16, 16384]",
            ));
        }
        suite.limits.memory_limit_mb = m;
    }
    Ok(())
}

/// An optional typed field.
fn field<T: serde::de::DeserializeOwned>(
    record: &Value,
    name: &str,
    format: &'static str,
) -> Result<Option<T>, FormatError> {
    match record.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => serde_json::from_value(v.clone())
            .map(Some)
            .map_err(|e| FormatError::new(format, name, e.to_string())),
    }
}

/// An optional string field.
fn string(record: &Value, name: &str) -> Option<String> {
    record.get(name).and_then(Value::as_str).map(str::to_owned)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NativeTest {
    input: Value,
    output: Value,
}

/// Our own format: `{"tests": [{"input", "output"}], "fn_name"?, "statement"?, "title"?, ...}`.
fn parse_native(record: &Value) -> Result<Problem, FormatError> {
    const F: &str = "native";
    let tests: Vec<NativeTest> = field(record, "tests", F)?.unwrap_or_default();
    let fn_name: Option<String> = field(record, "fn_name", F)?;
    let mode = match fn_name {
        Some(func_name) => Mode::Call {
            func_name,
            unwrap_singleton: false,
        },
        None => Mode::Stdio,
    };
    let tests = tests
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            Ok(TestCase {
                input: text_or_json(&t.input, &mode).ok_or_else(|| {
                    FormatError::new(F, format!("tests[{i}].input"), "expected a string")
                })?,
                output: text_or_json(&t.output, &mode).ok_or_else(|| {
                    FormatError::new(F, format!("tests[{i}].output"), "expected a string")
                })?,
            })
        })
        .collect::<Result<Vec<_>, FormatError>>()?;
    Ok(Problem {
        format: F,
        title: string(record, "title"),
        statement: string(record, "statement"),
        starter_code: string(record, "starter_code"),
        suite: TestSuite {
            mode,
            tests,
            checker: Checker::default(),
            limits: Limits::default(),
        },
    })
}

/// A stdio test's text (a string, or a list of lines), or for call tests the JSON text itself.
fn text_or_json(v: &Value, mode: &Mode) -> Option<String> {
    match (v, mode) {
        (Value::String(s), _) => Some(s.clone()),
        (Value::Array(lines), Mode::Stdio) => lines
            .iter()
            .map(|l| l.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .map(|l| l.join("\n")),
        (other, Mode::Call { .. }) => Some(other.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn native_records_and_overrides() {
        let p = parse_problem(&json!({
            "tests": [{"input": "1 2\n", "output": "3\n"}],
            "checker": {"type": "float", "abs": 1e-3},
            "time_limit_s": 1.5,
            "memory_limit_mb": 128
        }))
        .unwrap();
        assert_eq!(p.suite.mode, Mode::Stdio);
        assert_eq!(
            p.suite.checker,
            Checker::Float {
                abs: 1e-3,
                rel: 1e-6
            }
        );
        assert_eq!(p.suite.limits.time_limit_s, 1.5);
        assert_eq!(p.suite.limits.memory_limit_mb, 128);
        let err = parse_problem(&json!({"tests": [], "checker": {"type": "fuzzy"}})).unwrap_err();
        assert_eq!(err.field, "checker");
        let err = parse_problem(&json!({"tests": [{"input": "1"}]})).unwrap_err();
        assert_eq!(err.field, "tests");
        assert!(parse_problem(&json!({"name": "x"})).is_err());
        assert!(parse_problem(&json!({"tests": []})).is_err());
    }
}
