//! Deserializers for fields whose JSON type varies between published copies of a data set.

use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// A test-name list stored either as a JSON array of strings or as a string holding one
/// (`"[\"test_a\", \"test_b\"]"`), as SWE-bench publishes `FAIL_TO_PASS` and `PASS_TO_PASS`.
pub(crate) mod string_list_or_encoded {
    use super::*;
    use serde::Serializer;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<String>, D::Error> {
        deserializer.deserialize_any(StringListVisitor)
    }

    /// Writes the list as a JSON-encoded string, the shape the SWE-bench data sets carry.
    pub(crate) fn serialize<S: Serializer>(
        tests: &[String],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let encoded = serde_json::to_string(tests).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&encoded)
    }

    struct StringListVisitor;

    impl<'de> Visitor<'de> for StringListVisitor {
        type Value = Vec<String>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list of test names, or a string holding a JSON list of test names")
        }

        fn visit_str<E: de::Error>(self, encoded: &str) -> Result<Self::Value, E> {
            serde_json::from_str(encoded).map_err(|err| {
                E::custom(format!(
                    "string is not a JSON list of test names ({err}): {encoded:.80}"
                ))
            })
        }

        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut tests = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            while let Some(test) = seq.next_element::<String>()? {
                tests.push(test);
            }
            Ok(tests)
        }
    }
}

/// A text field that some copies store as a number (`"level": 5` or `"level": "Level 5"`,
/// `"answer": 42`), or leave null. Numbers keep their JSON spelling.
pub(crate) mod optional_text_or_number {
    use super::*;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<String>, D::Error> {
        deserializer.deserialize_any(TextOrNumberVisitor)
    }

    struct TextOrNumberVisitor;

    impl<'de> Visitor<'de> for TextOrNumberVisitor {
        type Value = Option<String>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string, a number or null")
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
            Ok(Some(text.to_owned()))
        }

        fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
            Ok(Some(text))
        }

        fn visit_i64<E: de::Error>(self, number: i64) -> Result<Self::Value, E> {
            Ok(Some(number.to_string()))
        }

        fn visit_u64<E: de::Error>(self, number: u64) -> Result<Self::Value, E> {
            Ok(Some(number.to_string()))
        }

        fn visit_f64<E: de::Error>(self, number: f64) -> Result<Self::Value, E> {
            // Through serde_json so that 3.0 stays "3.0", as it was written.
            Ok(Some(
                serde_json::Number::from_f64(number)
                    .map_or_else(|| number.to_string(), |n| n.to_string()),
            ))
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_any(self)
        }
    }
}

/// Like [`optional_text_or_number`] for a field that must be present: null becomes an empty string.
pub(crate) mod text_or_number {
    use super::*;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<String, D::Error> {
        Ok(super::optional_text_or_number::deserialize(deserializer)?.unwrap_or_default())
    }
}

/// A string field that some copies leave null; null reads as the empty string.
pub(crate) mod text_or_null {
    use super::*;
    use serde::Deserialize;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<String, D::Error> {
        Ok(Option::<String>::deserialize(deserializer)?.unwrap_or_default())
    }
}
