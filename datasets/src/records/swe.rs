//! SWE-bench task instances and the predictions evaluated against them.

use super::lenient::{string_list_or_encoded, text_or_null, text_or_number};
use super::ExtraFields;
use serde::{Deserialize, Serialize};

/// One SWE-bench task instance: a repository at a commit, an issue, the gold patch and the tests
/// that decide whether a candidate patch resolves it.
///
/// `FAIL_TO_PASS` and `PASS_TO_PASS` are read from a JSON-encoded string (what the Hugging Face
/// copies publish) or from a list, and written back as JSON-encoded strings. Fields beyond the
/// SWE-bench schema (`difficulty` in Verified, `image_assets`, 5.x `eval_script`, ...) stay in `extra`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweInstance {
    /// `owner__name-PR`, for example `astropy__astropy-12907`.
    pub instance_id: String,
    /// `owner/name` on GitHub.
    pub repo: String,
    /// The commit the task starts from (40 hex digits).
    pub base_commit: String,
    /// The gold patch that resolves the issue, as a `diff --git` diff.
    pub patch: String,
    /// The patch adding or changing the tests that judge a solution.
    pub test_patch: String,
    /// The issue text the model sees.
    pub problem_statement: String,
    /// Comments on the issue before the fix; empty when absent or null.
    #[serde(default, deserialize_with = "text_or_null::deserialize")]
    pub hints_text: String,
    /// Creation time of the pull request, ISO 8601; empty when absent.
    #[serde(default, deserialize_with = "text_or_null::deserialize")]
    pub created_at: String,
    /// Key into the harness's per-repository specs, for example `"2.4"`; a number is read as its text.
    #[serde(default, deserialize_with = "text_or_number::deserialize")]
    pub version: String,
    /// Commit whose requirements build the shared environment image; empty when absent.
    #[serde(default, deserialize_with = "text_or_null::deserialize")]
    pub environment_setup_commit: String,
    /// Tests that fail before the gold patch and pass after it.
    #[serde(rename = "FAIL_TO_PASS", with = "string_list_or_encoded")]
    pub fail_to_pass: Vec<String>,
    /// Tests that pass both before and after the gold patch.
    #[serde(rename = "PASS_TO_PASS", with = "string_list_or_encoded")]
    pub pass_to_pass: Vec<String>,
    /// Fields this type does not model, kept as read.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// A model's patch for one SWE-bench instance, in the harness's predictions format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SwePrediction {
    /// The instance this patch answers.
    pub instance_id: String,
    /// Who made the patch; the harness names its log directory after it.
    pub model_name_or_path: String,
    /// The diff; `None` (JSON null) when the model produced none, which the harness counts as empty.
    pub model_patch: Option<String>,
    /// Fields this type does not model, kept as read.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

impl SwePrediction {
    /// True when there is no patch to apply: null, or only whitespace.
    pub fn is_empty_patch(&self) -> bool {
        self.model_patch
            .as_deref()
            .is_none_or(|patch| patch.trim().is_empty())
    }
}
