//! `django`: Django's `runtests.py --verbosity 2` (unittest) output: `test (module.Class) ... ok`.

use std::sync::LazyLock;

use regex::Regex;

use super::status::{StatusMap, TestStatus};
use super::text::{py_split, py_strip};

/// A test whose output spans lines in a way no per-line rule reads; SWE-bench hard-codes it.
const VERSION_TEST: &str = "--version is equivalent to version";

/// A migration line that runs into a test's result line (django__django-7188 in SWE-bench).
const MIGRATION_PREFIX: &str = "Applying sites.0002_alter_domain_unique...test_no_migrations";

/// Parses a Django test-runner log.
pub fn parse(log: &str) -> StatusMap {
    let mut statuses = StatusMap::new();
    let mut previous_test: Option<String> = None;
    for raw in log.split('\n') {
        let mut line = py_strip(raw).to_string();

        if line.contains(VERSION_TEST) {
            statuses.insert(VERSION_TEST.to_string(), TestStatus::Passed);
        }
        if let Some((test, _)) = line.split_once(" ... ") {
            previous_test = Some(test.to_string());
        }
        for suffix in [" ... ok", " ... OK", " ...  OK"] {
            if line.ends_with(suffix) {
                if py_strip(&line).starts_with(MIGRATION_PREFIX) {
                    let after = line
                        .split_once("...")
                        .map_or(line.as_str(), |(_, rest)| rest);
                    line = py_strip(after).to_string();
                }
                let test = line
                    .rsplit_once(suffix)
                    .map_or(line.as_str(), |(test, _)| test);
                statuses.insert(test.to_string(), TestStatus::Passed);
                break;
            }
        }
        if let Some((test, _)) = line.split_once(" ... skipped") {
            statuses.insert(test.to_string(), TestStatus::Skipped);
        }
        if line.ends_with(" ... FAIL") {
            statuses.insert(before(&line, " ... FAIL"), TestStatus::Failed);
        }
        if line.starts_with("FAIL:") {
            if let Some(test) = py_split(&line).get(1) {
                statuses.insert(test.to_string(), TestStatus::Failed);
            }
        }
        if line.ends_with(" ... ERROR") {
            statuses.insert(before(&line, " ... ERROR"), TestStatus::Error);
        }
        if line.starts_with("ERROR:") {
            if let Some(test) = py_split(&line).get(1) {
                statuses.insert(test.to_string(), TestStatus::Error);
            }
        }
        // A bare `ok` after the test printed something: the result belongs to the last test seen.
        if line.starts_with("ok") {
            if let Some(test) = &previous_test {
                statuses.insert(test.clone(), TestStatus::Passed);
            }
        }
    }
    for pattern in interrupted_result_patterns() {
        for found in pattern.captures_iter(log) {
            statuses.insert(found[1].to_string(), TestStatus::Passed);
        }
    }
    statuses
}

/// The text before the first `marker` (Python's `line.split(marker)[0]`).
fn before(line: &str, marker: &str) -> String {
    line.split(marker).next().unwrap_or_default().to_string()
}

/// Three multi-line shapes in which a long message interrupts a passing test's result, read over
/// the whole log as SWE-bench does.
fn interrupted_result_patterns() -> &'static [Regex; 3] {
    static PATTERNS: LazyLock<[Regex; 3]> = LazyLock::new(|| {
        [
            r"(?m)^(.*?)\s\.\.\.\sTesting against Django installed in ((?s:.*?)) silenced\)\.\nok$",
            r"(?m)^(.*?)\s\.\.\.\sInternal Server Error: /(.*)/\nok$",
            r"(?m)^(.*?)\s\.\.\.\sSystem check identified no issues \(0 silenced\)\nok$",
        ]
        // Python's `\s` also matches U+001C..U+001F.
        .map(|pattern| pattern.replace(r"\s", r"[\s\x1c-\x1f]"))
        .map(|pattern| Regex::new(&pattern).expect("valid regex"))
    });
    &PATTERNS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, TestStatus)]) -> StatusMap {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn reads_unittest_verbose_results() {
        let log = "\
test_a (app.tests.ATests) ... ok
test_b (app.tests.ATests) ... FAIL
test_c (app.tests.ATests) ... ERROR
test_d (app.tests.ATests) ... skipped 'no db'
test_e (app.tests.ATests) ... expected failure
test_f (app.tests.ATests) ... some output
ok
======================================================================
FAIL: test_g (app.tests.BTests)
ERROR:
";
        let expected = map(&[
            ("test_a (app.tests.ATests)", TestStatus::Passed),
            ("test_b (app.tests.ATests)", TestStatus::Failed),
            ("test_c (app.tests.ATests)", TestStatus::Error),
            ("test_d (app.tests.ATests)", TestStatus::Skipped),
            ("test_f (app.tests.ATests)", TestStatus::Passed),
            ("test_g", TestStatus::Failed),
        ]);
        assert_eq!(parse(log), expected);
    }

    #[test]
    fn reads_results_interrupted_by_a_multi_line_message() {
        // The bare `ok` goes to the last ` ... ` line (`noise`); only the multi-line rule finds test_y.
        let log = "test_y (a.B)\t...\tTesting against Django installed in '/x'\nnoise ... more\n\
                   with up to 1 processes (0 silenced).\nok\n";
        let parsed = parse(log);
        assert_eq!(parsed["test_y (a.B)"], TestStatus::Passed);
        assert_eq!(parsed["noise"], TestStatus::Passed);
        assert_eq!(parsed.len(), 2);
    }

    #[test]
    fn reads_the_migration_line_of_django_7188() {
        let log = "Applying sites.0002_alter_domain_unique...test_no_migrations (m.T) ... ok\n";
        assert_eq!(
            parse(log),
            map(&[("test_no_migrations (m.T)", TestStatus::Passed)])
        );
    }

    #[test]
    fn records_the_hard_coded_version_test() {
        let parsed = parse("  --version is equivalent to version\n");
        assert_eq!(parsed[VERSION_TEST], TestStatus::Passed);
    }
}
