//! `pytest_v2`: pytest logs with colour codes, and old verbose pytest's `<id> <STATUS>` lines.
//!
//! SWE-bench uses it for astropy, scikit-learn and sphinx.

use std::sync::LazyLock;

use regex::Regex;

use super::status::{StatusMap, TestStatus};
use super::text::{ends_with_status, is_skip_summary, py_split, starts_with_status};

/// Parses a pytest log after removing colour codes and control characters. Test ids may contain
/// spaces (all words after the status are joined), and a FAILED line's message is cut at the first
/// ` - `.
pub fn parse(log: &str) -> StatusMap {
    let mut statuses = StatusMap::new();
    for raw in log.split('\n') {
        let line = clean(raw);
        if starts_with_status(&line) {
            let line = if line.starts_with("FAILED") {
                line.split(" - ").next().unwrap_or_default()
            } else {
                line.as_str()
            };
            let words = py_split(line);
            if words.len() >= 2 && !is_skip_summary(words[0], words[1]) {
                statuses.insert(words[1..].join(" "), TestStatus::from_word(words[0]));
            }
        } else if ends_with_status(&line) {
            let words = py_split(&line);
            if let Some((status, id)) = words.split_last().filter(|(_, id)| !id.is_empty()) {
                statuses.insert(id.join(" "), TestStatus::from_word(status));
            }
        }
    }
    statuses
}

/// Drops `[<digits>m` colour codes, then every character U+0001..U+001F (tabs included, as
/// SWE-bench does; U+0000 stays).
fn clean(line: &str) -> String {
    static COLOUR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[\d+m").expect("valid regex"));
    COLOUR
        .replace_all(line, "")
        .chars()
        .filter(|&c| !('\u{1}'..='\u{1f}').contains(&c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_colours_and_joins_ids_with_spaces() {
        let log = "\u{1b}[32mPASSED\u{1b}[0m tests/t.py::test_a[a b]\r\n\
                   FAILED tests/t.py::test_b - assert 1 - 2\n\
                   SKIPPED [3] tests/t.py:4: slow\n\
                   tests/t.py::test_old PASSED\n\
                   PASSED\n";
        let map = parse(log);
        let expected: StatusMap = [
            ("tests/t.py::test_a[a b]", TestStatus::Passed),
            ("tests/t.py::test_b", TestStatus::Failed),
            ("tests/t.py::test_old", TestStatus::Passed),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        assert_eq!(map, expected);
    }

    #[test]
    fn removes_tabs_rather_than_splitting_on_them() {
        let map = parse("PASSED\tt::a b\n");
        assert_eq!(map["b"], TestStatus::Other("PASSEDt::a".into()));
    }
}
