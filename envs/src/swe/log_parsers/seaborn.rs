//! `seaborn`: seaborn's pytest logs; only PASSED and FAILED are read, from either end of a line.

use super::status::{StatusMap, TestStatus};
use super::text::py_split;

/// Parses a seaborn log: `FAILED <id>`, `<id> PASSED ...` or `PASSED <id>`.
pub fn parse(log: &str) -> StatusMap {
    let mut statuses = StatusMap::new();
    for line in log.split('\n') {
        let words = py_split(line);
        if words.len() < 2 {
            continue;
        }
        if line.starts_with("FAILED") {
            statuses.insert(words[1].to_string(), TestStatus::Failed);
        } else if line.contains(" PASSED ") {
            if words[1] == "PASSED" {
                statuses.insert(words[0].to_string(), TestStatus::Passed);
            }
        } else if line.starts_with("PASSED") {
            statuses.insert(words[1].to_string(), TestStatus::Passed);
        }
    }
    statuses
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_passed_and_failed_only() {
        let log =
            "tests/a.py::t1 PASSED [ 10%]\nPASSED tests/a.py::t2\nFAILED tests/a.py::t3 - boom\n\
                   SKIPPED [1] x\nERROR tests/a.py::t4\nsome PASSED text here\nPASSED\n";
        let map = parse(log);
        let expected: StatusMap = [
            ("tests/a.py::t1", TestStatus::Passed),
            ("tests/a.py::t2", TestStatus::Passed),
            ("tests/a.py::t3", TestStatus::Failed),
            // Any `<word> PASSED ...` line counts, as in SWE-bench.
            ("some", TestStatus::Passed),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        assert_eq!(map, expected);
    }
}
