//! `sympy`: sympy's own runner (`bin/test -C --verbose`): `test_name ok|F|E` lines, and
//! `____ path.py:test_name ____` failure headers.

use std::sync::LazyLock;

use regex::Regex;

use super::status::{StatusMap, TestStatus};
use super::text::{py_split, py_strip};

/// Parses a sympy test log. Failure headers are read first; per-test lines then override them.
pub fn parse(log: &str) -> StatusMap {
    static HEADER: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(_*) (.*)\.py:(.*) (_*)").expect("valid regex"));
    let mut statuses = StatusMap::new();
    for header in HEADER.captures_iter(log) {
        statuses.insert(
            format!("{}.py:{}", &header[2], &header[3]),
            TestStatus::Failed,
        );
    }
    for line in log.split('\n') {
        let line = py_strip(line);
        if !line.starts_with("test_") {
            continue;
        }
        let status = if line.ends_with(" E") {
            TestStatus::Error
        } else if line.ends_with(" F") {
            TestStatus::Failed
        } else if line.ends_with(" ok") {
            TestStatus::Passed
        } else {
            continue;
        };
        if let Some(test) = py_split(line).first() {
            statuses.insert(test.to_string(), status);
        }
    }
    statuses
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_results_and_failure_headers() {
        let log = "\
sympy/core/tests/test_basic.py[3]
test_one ok
test_two F
test_three E
test_four f
________________ sympy/core/tests/test_basic.py:test_two _________________
Traceback (most recent call last):
";
        let map = parse(log);
        let expected: StatusMap = [
            ("test_one", TestStatus::Passed),
            ("test_two", TestStatus::Failed),
            ("test_three", TestStatus::Error),
            (
                "sympy/core/tests/test_basic.py:test_two",
                TestStatus::Failed,
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        assert_eq!(map, expected);
    }
}
