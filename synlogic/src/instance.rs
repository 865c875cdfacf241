//! One generated puzzle, in SynLogic's `Data` schema: `{question, answer, difficulty, metadata}`.

use rand::Rng;
use std::any::Any;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use rlvr_envs::seed::TaskRng;

use crate::difficulty::Difficulty;
use crate::language::Language;
use crate::lazy_json::LazyJson;

/// A generated puzzle. `to_record` gives the JSON line SynLogic's generators write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instance {
    /// The prompt the model sees.
    pub question: String,
    /// SynLogic's `answer` field for this task (a string, a list, or `""` where the gold lives in
    /// metadata); a task may build it lazily, like the metadata.
    pub answer: LazyJson,
    pub difficulty: Difficulty,
    /// SynLogic's metadata for this task, plus our own `rlvr` object (level, seed, index, solver effort).
    pub metadata: Metadata,
}

/// An instance's metadata: a JSON value, or the task's typed data that becomes one on first use
/// (see [`LazyJson`]), plus the task's compact copy of the gold for its verifier.
#[derive(Serialize, Deserialize)]
#[serde(transparent)]
pub struct Metadata {
    json: LazyJson,
    /// The task's own compact copy of the gold, for [`crate::Puzzle::verify_instance`]: a verifier
    /// reads a few flat fields instead of walking the JSON tree. Set only at generation; a record
    /// read from JSON (or cloned) has none and is verified from the JSON.
    #[serde(skip)]
    typed: Option<Box<dyn Any + Send + Sync>>,
}

impl Metadata {
    /// Metadata built by `build` on first use.
    pub fn lazy(build: impl FnOnce() -> Value + Send + 'static) -> Self {
        Metadata {
            json: LazyJson::lazy(build),
            typed: None,
        }
    }

    /// The same metadata, carrying `typed` as its task's typed gold (see [`Metadata::typed`]).
    pub fn with_typed<T: Any + Send + Sync>(mut self, typed: T) -> Self {
        self.typed = Some(Box::new(typed));
        self
    }

    /// The typed gold set at generation, when there is one of type `T`.
    pub fn typed<T: Any>(&self) -> Option<&T> {
        self.typed.as_deref()?.downcast_ref()
    }

    /// The metadata as JSON (built now if it was lazy).
    pub fn value(&self) -> &Value {
        self.json.value()
    }
}

impl From<Value> for Metadata {
    fn from(value: Value) -> Self {
        Metadata {
            json: LazyJson::from(value),
            typed: None,
        }
    }
}

impl std::ops::Deref for Metadata {
    type Target = Value;

    fn deref(&self) -> &Value {
        self.value()
    }
}

impl Clone for Metadata {
    fn clone(&self) -> Self {
        Metadata::from(self.value().clone())
    }
}

/// Two metadata are equal when their JSON is: the typed gold is a copy of it, present only on
/// generated instances.
impl PartialEq for Metadata {
    fn eq(&self, other: &Self) -> bool {
        self.value() == other.value()
    }
}

impl std::fmt::Debug for Metadata {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.value().fmt(f)
    }
}

impl Instance {
    /// What a verifier reads.
    pub fn gold(&self) -> Gold<'_> {
        Gold {
            question: &self.question,
            answer: self.answer.value(),
            metadata: self.metadata.value(),
        }
    }

    /// The record as SynLogic's `Data.to_json` writes it (field order included).
    pub fn to_record(&self) -> Value {
        let mut map = Map::new();
        map.insert("question".into(), Value::String(self.question.clone()));
        map.insert("answer".into(), self.answer.value().clone());
        map.insert("difficulty".into(), Value::from(self.difficulty.level()));
        map.insert("metadata".into(), self.metadata.value().clone());
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

/// Our `rlvr` metadata object, `{"level", "seed", "index", "language"}`, built without `json!`'s
/// serializer round trip; a task appends its own keys (`solver_nodes`, ...) after these.
pub fn rlvr_meta(
    level: Difficulty,
    seed: u64,
    index: u64,
    language: Language,
) -> Map<String, Value> {
    let mut map = Map::with_capacity(5);
    map.insert("level".into(), Value::from(level.level()));
    map.insert("seed".into(), Value::from(seed));
    map.insert("index".into(), Value::from(index));
    let language = match language {
        Language::En => "en",
        Language::Zh => "zh",
    };
    map.insert("language".into(), Value::from(language));
    map
}

/// A deterministic UUID-v4-shaped trace id drawn from the task's stream, standing in for SynLogic's
/// `uuid.uuid4()` (which is random and would make outputs differ run to run).
pub fn trace_id(rng: &mut TaskRng) -> String {
    TraceId::draw(rng).to_string()
}

/// A trace id's 16 bytes, drawn at generation and formatted (as [`trace_id`]) only when the
/// metadata is built: a record kept in memory holds 16 bytes instead of a 36-byte string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceId([u8; 16]);

impl TraceId {
    /// Draws the bytes (the same draws as [`trace_id`]) and sets the UUID-v4 version and variant.
    pub fn draw(rng: &mut TaskRng) -> Self {
        let mut bytes: [u8; 16] = rng.gen();
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        TraceId(bytes)
    }
}

impl std::fmt::Display for TraceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Written into a fixed buffer: one allocation instead of one `format!` per byte.
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = [b'-'; 36];
        let mut pos = 0;
        for (i, b) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                pos += 1;
            }
            out[pos] = HEX[usize::from(b >> 4)];
            out[pos + 1] = HEX[usize::from(b & 0x0f)];
            pos += 2;
        }
        // ASCII hex digits and dashes: always UTF-8.
        f.write_str(std::str::from_utf8(&out).unwrap_or_default())
    }
}

impl From<TraceId> for Value {
    fn from(id: TraceId) -> Value {
        Value::String(id.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rlvr_envs::seed::task_rng;

    #[test]
    fn lazy_metadata_is_built_once_and_equals_the_eager_value() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&calls);
        let lazy = Metadata::lazy(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            serde_json::json!({"a": [1, 2], "b": "x"})
        });
        assert_eq!(calls.load(Ordering::SeqCst), 0);
        let eager = Metadata::from(serde_json::json!({"a": [1, 2], "b": "x"}));
        assert_eq!(lazy, eager);
        assert_eq!(lazy.get("b").and_then(Value::as_str), Some("x"));
        assert_eq!(
            serde_json::to_string(&lazy).unwrap(),
            serde_json::to_string(&eager).unwrap()
        );
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn trace_id_is_a_uuid_v4_shape_and_matches_the_old_formatting() {
        let mut a = task_rng("t", 1, 2);
        let mut b = a.clone();
        let id = trace_id(&mut a);
        let mut bytes: [u8; 16] = b.gen();
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let old = format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        );
        assert_eq!(id, old);
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
    }
}
