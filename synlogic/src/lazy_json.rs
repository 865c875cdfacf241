//! A JSON value, or the typed data that becomes one on first use.
//!
//! Generation produces records far faster than it writes them, and a batch (the bench, an RL
//! rollout's prompts) may be held in memory: a record's JSON trees (`answer` grids, metadata) are
//! dozens of small allocations each. A lazy value keeps the task's own compact data in one closure
//! and builds the tree only when a record is written or a verifier reads it, once. The value is the
//! same either way, so no output byte depends on when it is built.

use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Serialize};
use serde_json::Value;

type Builder = Box<dyn FnOnce() -> Value + Send>;

/// A JSON value built by a closure on first use (or given outright).
pub struct LazyJson {
    value: OnceLock<Value>,
    build: Mutex<Option<Builder>>,
}

impl LazyJson {
    /// The value `build` returns, built on first use.
    pub fn lazy(build: impl FnOnce() -> Value + Send + 'static) -> Self {
        LazyJson {
            value: OnceLock::new(),
            build: Mutex::new(Some(Box::new(build))),
        }
    }

    /// The value (built now if it was lazy).
    pub fn value(&self) -> &Value {
        self.value.get_or_init(|| {
            let build = self
                .build
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .take();
            // `OnceLock` runs this once; a builder can be missing only if an earlier build panicked.
            build.map_or(Value::Null, |build| build())
        })
    }
}

impl From<Value> for LazyJson {
    fn from(value: Value) -> Self {
        LazyJson {
            value: OnceLock::from(value),
            build: Mutex::new(None),
        }
    }
}

impl From<String> for LazyJson {
    fn from(text: String) -> Self {
        LazyJson::from(Value::String(text))
    }
}

impl std::ops::Deref for LazyJson {
    type Target = Value;

    fn deref(&self) -> &Value {
        self.value()
    }
}

impl Clone for LazyJson {
    fn clone(&self) -> Self {
        LazyJson::from(self.value().clone())
    }
}

impl PartialEq for LazyJson {
    fn eq(&self, other: &Self) -> bool {
        self.value() == other.value()
    }
}

impl std::fmt::Debug for LazyJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.value().fmt(f)
    }
}

impl Serialize for LazyJson {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for LazyJson {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Value::deserialize(deserializer).map(LazyJson::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn builds_once_and_equals_the_eager_value() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&calls);
        let lazy = LazyJson::lazy(move || {
            counted.fetch_add(1, Ordering::SeqCst);
            json!([[1, 2], [3, 4]])
        });
        assert_eq!(calls.load(Ordering::SeqCst), 0, "built before use");
        assert_eq!(lazy, LazyJson::from(json!([[1, 2], [3, 4]])));
        assert_eq!(serde_json::to_string(&lazy).unwrap(), "[[1,2],[3,4]]");
        assert_eq!(lazy.clone().value(), lazy.value());
        assert_eq!(calls.load(Ordering::SeqCst), 1, "built more than once");
    }
}
