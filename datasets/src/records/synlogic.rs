//! SynLogic puzzle instances, in the shape of SynLogic's `Data.to_json`.

use super::ExtraFields;
use serde::{Deserialize, Serialize};

/// One SynLogic instance: `{"question", "answer", "difficulty", "metadata", "gpt_response"}`.
///
/// `answer` is a string for most tasks, a list for a few (time_sequence, futoshiki, wordscapes), and
/// `""` for constraint tasks whose gold lives in `metadata`; so it is kept as JSON. `metadata` may be
/// null (boolean_expressions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SynlogicRecord {
    /// The full prompt, including the answer-format instruction.
    pub question: String,
    /// The gold answer as published.
    #[serde(default = "empty_answer")]
    pub answer: serde_json::Value,
    /// The task's difficulty level; SynLogic's `Data` defaults it to 1 and some CLIs omit it.
    #[serde(default = "default_difficulty")]
    pub difficulty: i64,
    /// Generator parameters and the puzzle state the verifier needs (solution grids, ...).
    #[serde(default)]
    pub metadata: serde_json::Value,
    /// A model response slot that SynLogic writes as `""`.
    #[serde(default)]
    pub gpt_response: String,
    /// Fields this type does not model (the calcudoko CLI's `id`, ...), kept as read.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

fn empty_answer() -> serde_json::Value {
    serde_json::Value::String(String::new())
}

fn default_difficulty() -> i64 {
    1
}

impl SynlogicRecord {
    /// The answer as text: a string as it is, anything else (a list) as compact JSON.
    pub fn answer_text(&self) -> String {
        match &self.answer {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        }
    }
}
