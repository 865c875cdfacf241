//! Math word problems with a checkable final answer (MATH, GSM8K, AIME-style `{problem, answer}`).

use super::lenient::optional_text_or_number;
use super::ExtraFields;
use serde::{Deserialize, Serialize};

/// One math problem.
///
/// Reads the common Hugging Face shapes:
/// - MATH: `{problem, solution, level: "Level 5", type: "Algebra"}`, and MATH-500's
///   `{problem, solution, answer, subject, level: 5, unique_id}`;
/// - GSM8K: `{question, answer: "...reasoning... #### 42"}` (see [`MathProblem::final_answer`]);
/// - plain `{problem, answer}`, with a numeric answer read as its text.
///
/// Written back in the canonical shape (`problem`, `answer`, `solution`, `id`, `level`, `subject`),
/// leaving out fields that are `None`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MathProblem {
    /// The problem text (`problem`, or `question` in GSM8K).
    #[serde(alias = "question")]
    pub problem: String,
    /// The reference answer as published; for GSM8K this is the full worked answer ending in `#### N`.
    #[serde(
        default,
        deserialize_with = "optional_text_or_number::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub answer: Option<String>,
    /// A worked solution (MATH), whose final `\boxed{}` holds the answer when `answer` is absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solution: Option<String>,
    /// An identifier (`id`, or MATH-500's `unique_id`); a number is read as its text.
    #[serde(
        default,
        alias = "unique_id",
        deserialize_with = "optional_text_or_number::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
    /// Difficulty as published: `"Level 5"` in MATH, `5` in MATH-500 (read as `"5"`).
    #[serde(
        default,
        deserialize_with = "optional_text_or_number::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub level: Option<String>,
    /// Subject (`subject`, or `type` in MATH), for example `"Algebra"`.
    #[serde(default, alias = "type", skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Fields this type does not model, kept as read.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// The marker GSM8K puts before the final answer in its `answer` field.
const GSM8K_FINAL_ANSWER_MARKER: &str = "####";

impl MathProblem {
    /// The final answer to compare against, when the record states one outright.
    ///
    /// A GSM8K answer (`"...so she has 18 left.\n#### 18"`) yields the text after the last `####`,
    /// trimmed and with thousands separators removed (`"1,000"` becomes `"1000"`). Any other `answer`
    /// is returned trimmed. `None` when there is no answer field (MATH keeps it in `solution`'s
    /// `\boxed{}`, which is for the math verifier's extractor) or it is blank.
    pub fn final_answer(&self) -> Option<String> {
        let answer = self.answer.as_deref()?;
        let final_answer = match answer.rsplit_once(GSM8K_FINAL_ANSWER_MARKER) {
            Some((_, after_marker)) => after_marker.trim().replace(',', ""),
            None => answer.trim().to_owned(),
        };
        (!final_answer.is_empty()).then_some(final_answer)
    }
}
