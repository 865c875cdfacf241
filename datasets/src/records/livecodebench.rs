//! LiveCodeBench `code_generation_lite` problems.

use super::ExtraFields;
use serde::{Deserialize, Serialize};

/// One LiveCodeBench code-generation problem (the `code_generation_lite` release files).
///
/// The test cases and metadata stay the raw strings LiveCodeBench publishes. `private_test_cases` is
/// either a JSON list or base64 of zlib-compressed pickled JSON; decoding it is the code verifier's job.
/// [`LiveCodeBenchProblem::public_tests`] and [`LiveCodeBenchProblem::func_name`] decode the plain-JSON fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveCodeBenchProblem {
    /// Short title, for example `"Maximum Sum"`.
    pub question_title: String,
    /// The full statement the model sees.
    pub question_content: String,
    /// `"leetcode"`, `"codeforces"` or `"atcoder"`.
    pub platform: String,
    /// The platform's problem id.
    pub question_id: String,
    /// The platform's contest id.
    pub contest_id: String,
    /// Contest date, ISO 8601 (`"2023-08-21T00:00:00"`).
    pub contest_date: String,
    /// Code to complete (LeetCode function signatures); empty for stdin/stdout problems.
    #[serde(default)]
    pub starter_code: String,
    /// `"easy"`, `"medium"` or `"hard"`.
    pub difficulty: String,
    /// JSON list of `{"input", "output", "testtype"}`.
    pub public_test_cases: String,
    /// JSON list like `public_test_cases`, or base64(zlib(pickle(that JSON))). Kept raw.
    pub private_test_cases: String,
    /// JSON object; `func_name` names the function to call for functional (LeetCode) tests.
    #[serde(default)]
    pub metadata: String,
    /// Fields this type does not model, kept as read.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// One LiveCodeBench test case as published in `public_test_cases`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveCodeBenchTestCase {
    /// Standard input, or the function arguments one JSON value per line for functional tests.
    pub input: String,
    /// Expected standard output, or the JSON return value for functional tests.
    pub output: String,
    /// `"stdin"` or `"functional"`.
    pub testtype: String,
}

impl LiveCodeBenchProblem {
    /// Decodes `public_test_cases`.
    pub fn public_tests(&self) -> Result<Vec<LiveCodeBenchTestCase>, serde_json::Error> {
        serde_json::from_str(&self.public_test_cases)
    }

    /// The function name from `metadata`, for functional (LeetCode) problems; `None` when the metadata
    /// is empty, not JSON, or has no `func_name`.
    pub fn func_name(&self) -> Option<String> {
        let metadata: serde_json::Value = serde_json::from_str(&self.metadata).ok()?;
        metadata.get("func_name")?.as_str().map(str::to_owned)
    }
}
