//! APPS programming problems.

use super::ExtraFields;
use serde::{Deserialize, Serialize};

/// One APPS problem. `solutions` and `input_output` are the JSON strings APPS publishes (either may be
/// `""`); [`AppsProblem::solution_list`] and [`AppsProblem::test_cases`] decode them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppsProblem {
    /// Index of the problem in its split.
    pub problem_id: i64,
    /// The statement the model sees.
    pub question: String,
    /// JSON list of reference solutions in Python; `""` when there are none.
    #[serde(default)]
    pub solutions: String,
    /// JSON object `{"inputs": [...], "outputs": [...], "fn_name"?: "..."}`; `""` when there are no tests.
    #[serde(default)]
    pub input_output: String,
    /// `"introductory"`, `"interview"` or `"competition"`.
    pub difficulty: String,
    /// Where the problem was taken from.
    #[serde(default)]
    pub url: String,
    /// Code to complete (call-based problems); empty for stdin/stdout problems.
    #[serde(default)]
    pub starter_code: String,
    /// Fields this type does not model, kept as read.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// Decoded APPS `input_output`: parallel lists of inputs and expected outputs.
///
/// Without `fn_name`, each input and output is a stdin/stdout text (or a list of lines); with it, each
/// input is the argument list of a call to `fn_name` and each output its result, so they stay JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppsTestCases {
    /// One entry per test.
    pub inputs: Vec<serde_json::Value>,
    /// Expected result of each test, parallel to `inputs`.
    pub outputs: Vec<serde_json::Value>,
    /// Name of the function to call, for call-based problems.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fn_name: Option<String>,
}

impl AppsProblem {
    /// Decodes `solutions`; an empty field means no solutions.
    pub fn solution_list(&self) -> Result<Vec<String>, serde_json::Error> {
        if self.solutions.trim().is_empty() {
            return Ok(Vec::new());
        }
        serde_json::from_str(&self.solutions)
    }

    /// Decodes `input_output`; `None` when the field is empty (some APPS problems ship no tests).
    pub fn test_cases(&self) -> Result<Option<AppsTestCases>, serde_json::Error> {
        if self.input_output.trim().is_empty() {
            return Ok(None);
        }
        serde_json::from_str(&self.input_output).map(Some)
    }
}
