//! Test statuses and the status map every parser produces.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Test id to status, as SWE-bench's parsers return it (sorted by id, so output is deterministic).
pub type StatusMap = BTreeMap<String, TestStatus>;

/// The status of one test, serialized as SWE-bench writes it: `PASSED`, `FAILED`, `SKIPPED`, `ERROR`,
/// `XFAIL`.
///
/// The pytest-family parsers record whatever first word a line starting with a status has, so a
/// pytest message such as `ERROR: file or directory not found: x` yields the status `ERROR:`.
/// SWE-bench keeps such words; [`TestStatus::Other`] keeps them too (grading treats them as neither
/// passed nor failed, exactly as SWE-bench does), so our maps equal SWE-bench's.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TestStatus {
    Passed,
    Failed,
    Skipped,
    Error,
    Xfail,
    /// A first word that starts with a status but is not one (`ERROR:`, `PASSEDx`).
    Other(String),
}

impl TestStatus {
    /// The five statuses, in SWE-bench's declaration order (the order prefix checks use).
    pub const KNOWN: [TestStatus; 5] = [
        TestStatus::Failed,
        TestStatus::Passed,
        TestStatus::Skipped,
        TestStatus::Error,
        TestStatus::Xfail,
    ];

    /// The text SWE-bench writes for this status.
    pub fn as_str(&self) -> &str {
        match self {
            TestStatus::Passed => "PASSED",
            TestStatus::Failed => "FAILED",
            TestStatus::Skipped => "SKIPPED",
            TestStatus::Error => "ERROR",
            TestStatus::Xfail => "XFAIL",
            TestStatus::Other(word) => word,
        }
    }

    /// Reads a status word; any word that is not one of the five becomes [`TestStatus::Other`].
    pub fn from_word(word: &str) -> TestStatus {
        match word {
            "PASSED" => TestStatus::Passed,
            "FAILED" => TestStatus::Failed,
            "SKIPPED" => TestStatus::Skipped,
            "ERROR" => TestStatus::Error,
            "XFAIL" => TestStatus::Xfail,
            other => TestStatus::Other(other.to_string()),
        }
    }

    /// PASSED or XFAIL: what SWE-bench counts as a pass.
    pub fn is_pass(&self) -> bool {
        matches!(self, TestStatus::Passed | TestStatus::Xfail)
    }

    /// FAILED or ERROR: what SWE-bench counts as an explicit failure.
    pub fn is_failure(&self) -> bool {
        matches!(self, TestStatus::Failed | TestStatus::Error)
    }
}

impl fmt::Display for TestStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TestStatus {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(TestStatus::from_word(s))
    }
}

impl Serialize for TestStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for TestStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let word = String::deserialize(deserializer)?;
        Ok(TestStatus::from_word(&word))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_through_json_as_swe_bench_words() {
        for status in TestStatus::KNOWN {
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
            assert_eq!(serde_json::from_str::<TestStatus>(&json).unwrap(), status);
        }
        let odd: TestStatus = serde_json::from_str("\"ERROR:\"").unwrap();
        assert_eq!(odd, TestStatus::Other("ERROR:".into()));
        assert!(!odd.is_pass() && !odd.is_failure());
    }
}
