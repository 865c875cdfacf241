//! `pytest`: pytest's `-rA` short test summary (`PASSED path::test`, `FAILED path::test - message`).
//!
//! SWE-bench uses it for pytest, flask, astroid, marshmallow, pvlib, pyvista, sqlfluff and xarray.

use super::status::{StatusMap, TestStatus};
use super::text::{is_skip_summary, py_split, starts_with_status};

/// Parses a pytest log: every line starting with a status word gives `{second word: first word}`.
pub fn parse(log: &str) -> StatusMap {
    let mut statuses = StatusMap::new();
    for line in log.split('\n') {
        if let Some((test, status)) = summary_line(line) {
            statuses.insert(test, status);
        }
    }
    statuses
}

/// One short-summary line as `(test id, status)`; `None` for lines that are not one.
///
/// On FAILED lines the ` - ` before the message is removed first, so the id is the word before it.
pub(crate) fn summary_line(line: &str) -> Option<(String, TestStatus)> {
    if !starts_with_status(line) {
        return None;
    }
    let cleaned;
    let line = if line.starts_with("FAILED") {
        cleaned = line.replace(" - ", " ");
        cleaned.as_str()
    } else {
        line
    };
    let words = py_split(line);
    if words.len() <= 1 || is_skip_summary(words[0], words[1]) {
        return None;
    }
    Some((words[1].to_string(), TestStatus::from_word(words[0])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_short_summary() {
        let log = "\
============================= test session starts ==============================
tests/test_a.py .F.s                                                     [100%]
=========================== short test summary info ============================
PASSED tests/test_a.py::test_one
PASSED tests/test_a.py::test_three[1-2]
FAILED tests/test_a.py::test_two - AssertionError: assert 1 == 2
SKIPPED [1] tests/test_a.py:12: needs network
XFAIL tests/test_a.py::test_four - reason: known bug
ERROR tests/test_b.py - ImportError: no module
ERROR: file or directory not found: tests/missing.py
FAILED
========================= 1 failed, 2 passed in 0.12s ==========================
";
        let map = parse(log);
        let expected: StatusMap = [
            ("tests/test_a.py::test_one", TestStatus::Passed),
            ("tests/test_a.py::test_three[1-2]", TestStatus::Passed),
            ("tests/test_a.py::test_two", TestStatus::Failed),
            ("tests/test_a.py::test_four", TestStatus::Xfail),
            ("tests/test_b.py", TestStatus::Error),
            ("file", TestStatus::Other("ERROR:".into())),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        assert_eq!(map, expected);
    }

    #[test]
    fn a_later_line_overrides_an_earlier_one() {
        let map = parse("PASSED t::a\nFAILED t::a - boom\n");
        assert_eq!(map["t::a"], TestStatus::Failed);
    }

    #[test]
    fn status_words_inside_a_line_do_not_count() {
        assert!(parse("  PASSED t::a\nt::a PASSED\n").is_empty());
    }
}
