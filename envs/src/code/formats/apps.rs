//! APPS records: `input_output` is a JSON string of `{inputs, outputs, fn_name?}`.
//!
//! With `fn_name` the tests are calls: each input is the list of arguments and each output the return
//! value, often wrapped in a one-element list (accepted either way, as verl's APPS grader does).

use serde::Deserialize;
use serde_json::Value;

use super::{string, FormatError, Problem};
use crate::code::suite::{Checker, Limits, Mode, TestCase, TestSuite};

const F: &str = "APPS";

#[derive(Deserialize)]
struct InputOutput {
    inputs: Vec<Value>,
    outputs: Vec<Value>,
    #[serde(default)]
    fn_name: Option<String>,
}

fn stdio_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Array(lines) => lines
            .iter()
            .map(|l| l.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .map(|l| l.join("\n")),
        _ => None,
    }
}

/// Reads one record.
pub fn parse(record: &Value) -> Result<Problem, FormatError> {
    let io: InputOutput = match record.get("input_output") {
        Some(Value::String(s)) => serde_json::from_str(s),
        Some(v) => serde_json::from_value(v.clone()),
        None => unreachable!("checked by the caller"),
    }
    .map_err(|e| FormatError::new(F, "input_output", e.to_string()))?;
    if io.inputs.len() != io.outputs.len() {
        return Err(FormatError::new(
            F,
            "input_output",
            format!(
                "{} inputs but {} outputs",
                io.inputs.len(),
                io.outputs.len()
            ),
        ));
    }
    let mode = match &io.fn_name {
        Some(name) => Mode::Call {
            func_name: name.clone(),
            unwrap_singleton: true,
        },
        None => Mode::Stdio,
    };
    let mut tests = Vec::with_capacity(io.inputs.len());
    for (i, (input, output)) in io.inputs.iter().zip(&io.outputs).enumerate() {
        let test = if io.fn_name.is_some() {
            let args = match input {
                Value::Array(args) => args
                    .iter()
                    .map(Value::to_string)
                    .collect::<Vec<_>>()
                    .join("\n"),
                other => other.to_string(),
            };
            TestCase {
                input: args,
                output: output.to_string(),
            }
        } else {
            TestCase {
                input: stdio_text(input).ok_or_else(|| {
                    FormatError::new(F, format!("input_output.inputs[{i}]"), "expected a string")
                })?,
                output: stdio_text(output).ok_or_else(|| {
                    FormatError::new(F, format!("input_output.outputs[{i}]"), "expected a string")
                })?,
            }
        };
        tests.push(test);
    }
    Ok(Problem {
        format: F,
        title: None,
        statement: string(record, "question"),
        starter_code: string(record, "starter_code").filter(|s| !s.trim().is_empty()),
        suite: TestSuite {
            mode,
            tests,
            checker: Checker::Tokens,
            limits: Limits::default(),
        },
    })
}
