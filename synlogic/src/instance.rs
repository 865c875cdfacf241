//! One generated puzzle, in SynLogic's `Data` schema: `{question, answer, difficulty, metadata}`.

use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use rlvr_envs::seed::TaskRng;

use crate::difficulty::Difficulty;

/// A generated puzzle. `to_record` gives the JSON line SynLogic's generators write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instance {
    /// The prompt the model sees.
    pub question: String,
    /// SynLogic's `answer` field for this task (a string, a list, or `""` where the gold lives in metadata).
    pub answer: Value,
    pub difficulty: Difficulty,
    /// SynLogic's metadata for this task, plus our own `rlvr` object (level, seed, index, solver effort).
    pub metadata: Value,
}

impl Instance {
    /// What a verifier reads.
    pub fn gold(&self) -> Gold<'_> {
        Gold {
            question: &self.question,
            answer: &self.answer,
            metadata: &self.metadata,
        }
    }

    /// The record as SynLogic's `Data.to_json` writes it (field order included).
    pub fn to_record(&self) -> Value {
        let mut map = Map::new();
        map.insert("question".into(), Value::String(self.question.clone()));
        map.insert("answer".into(), self.answer.clone());
        map.insert("difficulty".into(), Value::from(self.difficulty.level()));
        map.insert("metadata".into(), self.metadata.clone());
        map.insert("gpt_response".into(), Value::String(String::new()));
        Value::Object(map)
    }

    /// Our search effort to solve the puzzle from its givens, when the task records it.
    pub fn solver_nodes(&self) -> Option<u64> {
        self.metadata.get("rlvr")?.get("solver_nodes")?.as_u64()
    }
}

/// The parts of a record a verifier reads: borrowed, so a record read from a file needs no copy.
#[derive(Debug, Clone, Copy)]
pub struct Gold<'a> {
    pub question: &'a str,
    pub answer: &'a Value,
    pub metadata: &'a Value,
}

impl<'a> Gold<'a> {
    /// Reads the gold from a SynLogic record (a JSON object); missing fields read as null/empty.
    pub fn from_record(record: &'a Map<String, Value>) -> Self {
        const NULL: &Value = &Value::Null;
        Gold {
            question: record.get("question").and_then(Value::as_str).unwrap_or(""),
            answer: record.get("answer").unwrap_or(NULL),
            metadata: record.get("metadata").unwrap_or(NULL),
        }
    }
}

/// A deterministic UUID-v4-shaped trace id drawn from the task's stream, standing in for SynLogic's
/// `uuid.uuid4()` (which is random and would make outputs differ run to run).
pub fn trace_id(rng: &mut TaskRng) -> String {
    let mut bytes: [u8; 16] = rng.gen();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
