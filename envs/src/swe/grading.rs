//! SWE-bench 5.x grading: find the test output in a raw eval log, parse it, reject logs that do
//! not describe the run (markers missing, nothing parsed, forged PASSED lines under a failing exit
//! code), and grade FAIL_TO_PASS / PASS_TO_PASS into a [`ResolvedStatus`] and a per-instance
//! [`InstanceReport`].
//!
//! Pure functions over text: the Docker side (`swe::eval`) produces the log; this module decides.

use std::ops::Bound;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::swe::log_parsers::{self, LogParser, StatusMap, TestStatus};
use crate::swe::report::{InstanceReport, SuccessFailure, TestsStatus};

/// Printed (as a `:` no-op under `set -x`) right before the test command.
pub const START_TEST_OUTPUT: &str = ">>>>> Start Test Output";
/// Printed right after the test command.
pub const END_TEST_OUTPUT: &str = ">>>>> End Test Output";
/// Prefix of the line that carries the test command's exit status, after the end marker.
pub const TEST_EXIT_CODE: &str = ">>>>> Test Exit Code";
/// The shell variable the eval script keeps the test command's `$?` in.
pub const TEST_EXIT_CODE_VAR: &str = "SWEBENCH_TEST_EXIT_CODE";
/// Logged when no patch-application method worked.
pub const APPLY_PATCH_FAIL: &str = ">>>>> Patch Apply Failed";
/// Logged when a patch applied.
pub const APPLY_PATCH_PASS: &str = ">>>>> Applied Patch";
/// Logged when resetting the repository failed.
pub const RESET_FAILED: &str = ">>>>> Reset Failed";
/// Logged when the test command could not run.
pub const TESTS_ERROR: &str = ">>>>> Tests Errored";
/// Logged when the tests ran past the time limit.
pub const TESTS_TIMEOUT: &str = ">>>>> Tests Timed Out";

/// How F2P/P2P tests are judged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvalType {
    /// A test must pass (PASSED or XFAIL); the Python repositories.
    #[default]
    PassAndFail,
    /// Only an explicit FAILED counts against a test (parsers that record failures only).
    FailOnly,
}

/// SWE-bench's verdict on one instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ResolvedStatus {
    /// Every FAIL_TO_PASS and PASS_TO_PASS test passes: resolved.
    #[serde(rename = "RESOLVED_FULL")]
    Full,
    /// Some but not all FAIL_TO_PASS tests pass, and every PASS_TO_PASS test still passes.
    #[serde(rename = "RESOLVED_PARTIAL")]
    Partial,
    /// Anything else.
    #[serde(rename = "RESOLVED_NO")]
    No,
}

/// Why a log gives no usable status map (SWE-bench then reports the instance unresolved, with
/// `patch_successfully_applied: false`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidLog {
    /// The harness logged a failure marker (patch apply failed, reset failed, tests errored or timed out).
    #[error("the log carries the failure marker {0:?}")]
    FailureMarker(&'static str),
    /// The start or end marker is missing: the tests never ran to completion.
    #[error("the log lacks the start or end test-output marker")]
    MissingMarkers,
    /// Nothing parsed and no sign that a test suite ran.
    #[error("no test results could be parsed and nothing shows that the suite ran")]
    NoResults,
    /// The test command exited non-zero while the parsed log shows no failure: forged output.
    #[error("the test command exited with {exit_code} but the log reports no failure or error")]
    ExitCodeMismatch { exit_code: i64 },
}

/// The text between the start and end markers (the first start marker, then the first end marker
/// after it, as Python's `split` does), or `None` when either is missing.
pub fn test_output_section(log: &str) -> Option<&str> {
    if !log.contains(START_TEST_OUTPUT) || !log.contains(END_TEST_OUTPUT) {
        return None;
    }
    let after_start = log.split(START_TEST_OUTPUT).nth(1)?;
    after_start.split(END_TEST_OUTPUT).next()
}

/// The exit status recorded after the end marker (`>>>>> Test Exit Code: N`), if any.
///
/// SWE-bench reads the first such line; a test can print a fake one before the real one, so we read
/// the last, which is the one the eval script echoes after the tests ended. Honest logs carry one
/// line, and both readings agree on them.
pub fn parse_test_exit_code(log: &str) -> Option<i64> {
    static EXIT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(
            r"{}:[\s\x1c-\x1f]*(-?\d+)",
            regex::escape(TEST_EXIT_CODE)
        ))
        .expect("valid regex")
    });
    EXIT.captures_iter(log)
        .last()
        .and_then(|found| found[1].parse().ok())
}

/// Evidence that a test runner actually ran, for logs whose status map is empty (SWE-bench's
/// `SUITE_RAN`: non-zero counts only).
pub fn suite_ran(log: &str) -> bool {
    static SUITE_RAN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(concat!(
            r"(?m)Executed [1-9]\d* of \d+",
            r"|TOTAL: [1-9]\d* (?:SUCCESS|FAILED)",
            r"|[1-9]\d* passing",
            r"|Tests:[\s\x1c-\x1f]+[1-9]\d*",
            r"|Test Suites:[\s\x1c-\x1f]+(?:\d+ \w+, )*[1-9]\d* total",
            r"|^# tests [1-9]\d*",
            r"|[1-9]\d* specs?, \d+ failures?",
            r"|': ok$",
        ))
        .expect("valid regex")
    });
    SUITE_RAN.is_match(log)
}

/// Python's universal-newline reading (`open(path).read()`): `\r\n` and lone `\r` become `\n`.
/// SWE-bench reads test logs this way before parsing them, so raw container output must be
/// normalised the same way before [`logs_eval`].
pub fn normalize_newlines(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// SWE-bench's `get_logs_eval` over a log's text (already newline-normalised): the status map of
/// the test output, or why there is none.
pub fn logs_eval(parser: LogParser, log: &str) -> Result<StatusMap, InvalidLog> {
    for marker in [APPLY_PATCH_FAIL, RESET_FAILED, TESTS_ERROR, TESTS_TIMEOUT] {
        if log.contains(marker) {
            return Err(InvalidLog::FailureMarker(marker));
        }
    }
    let section = test_output_section(log).ok_or(InvalidLog::MissingMarkers)?;
    let mut statuses = log_parsers::parse(parser, section);
    if statuses.is_empty() {
        // Some runners print results outside the markers; SWE-bench then reads the whole log.
        statuses = log_parsers::parse(parser, log);
    }
    if statuses.is_empty() && !suite_ran(log) {
        return Err(InvalidLog::NoResults);
    }
    // A patch can print its own PASSED lines (from a conftest.py hook, say): a failing exit status
    // with no failure in the log means the log does not describe the run.
    if let Some(exit_code) = parse_test_exit_code(log).filter(|&code| code != 0) {
        if !statuses.is_empty() && !statuses.values().any(TestStatus::is_failure) {
            return Err(InvalidLog::ExitCodeMismatch { exit_code });
        }
    }
    Ok(statuses)
}

/// The status-map key for an expected test id: the id itself, or, for an id truncated inside a
/// parameter (more `[` than `]`, as 676 SWE-bench Verified ids are), the first key it prefixes
/// when all such keys agree on pass versus not-pass.
fn resolve_case<'a>(case: &'a str, statuses: &'a StatusMap) -> Option<&'a str> {
    if statuses.contains_key(case) {
        return Some(case);
    }
    if case.matches('[').count() <= case.matches(']').count() {
        return None;
    }
    let mut matches = statuses
        .range::<str, _>((Bound::Included(case), Bound::Unbounded))
        .take_while(|(key, _)| key.starts_with(case));
    let (first_key, first_status) = matches.next()?;
    let outcome = first_status.is_pass();
    if matches.all(|(_, status)| status.is_pass() == outcome) {
        Some(first_key.as_str())
    } else {
        None
    }
}

/// PASSED or XFAIL.
pub fn test_passed(case: &str, statuses: &StatusMap) -> bool {
    resolve_case(case, statuses).is_some_and(|key| statuses[key].is_pass())
}

/// Passed, or SKIPPED: for PASS_TO_PASS a skipped test is no regression.
pub fn test_maintained(case: &str, statuses: &StatusMap) -> bool {
    test_passed(case, statuses)
        || resolve_case(case, statuses).is_some_and(|key| statuses[key] == TestStatus::Skipped)
}

/// Absent, FAILED, ERROR or SKIPPED: for FAIL_TO_PASS a skipped test is no resolution.
pub fn test_failed(case: &str, statuses: &StatusMap) -> bool {
    resolve_case(case, statuses).is_none_or(|key| {
        matches!(
            statuses[key],
            TestStatus::Failed | TestStatus::Error | TestStatus::Skipped
        )
    })
}

/// Sorts FAIL_TO_PASS and PASS_TO_PASS tests into success and failure lists (`get_eval_tests_report`
/// without the validation-only to-fail lists, which stay empty). A test with a status that is
/// neither (e.g. [`TestStatus::Other`]) lands in neither list, as in SWE-bench.
pub fn grade_tests(
    statuses: &StatusMap,
    fail_to_pass: &[String],
    pass_to_pass: &[String],
    eval_type: EvalType,
) -> TestsStatus {
    let mut report = TestsStatus::default();
    for case in fail_to_pass {
        match eval_type {
            EvalType::PassAndFail => sort_case(
                case,
                test_passed(case, statuses),
                test_failed(case, statuses),
                &mut report.fail_to_pass,
            ),
            EvalType::FailOnly => sort_fail_only(case, statuses, &mut report.fail_to_pass),
        }
    }
    for case in pass_to_pass {
        match eval_type {
            EvalType::PassAndFail => sort_case(
                case,
                test_maintained(case, statuses),
                test_failed(case, statuses),
                &mut report.pass_to_pass,
            ),
            EvalType::FailOnly => sort_fail_only(case, statuses, &mut report.pass_to_pass),
        }
    }
    report
}

fn sort_case(case: &str, succeeded: bool, failed: bool, lists: &mut SuccessFailure) {
    if succeeded {
        lists.success.push(case.to_string());
    } else if failed {
        lists.failure.push(case.to_string());
    }
}

/// Fail-only: an exact-id FAILED is a failure; anything else (absent included) a success.
fn sort_fail_only(case: &str, statuses: &StatusMap, lists: &mut SuccessFailure) {
    if statuses.get(case) == Some(&TestStatus::Failed) {
        lists.failure.push(case.to_string());
    } else {
        lists.success.push(case.to_string());
    }
}

/// Share of a kind's tests that succeeded; 1 when there are none.
fn success_rate(lists: &SuccessFailure) -> f64 {
    let total = lists.success.len() + lists.failure.len();
    if total == 0 {
        1.0
    } else {
        lists.success.len() as f64 / total as f64
    }
}

/// FULL when every F2P and P2P test succeeded, PARTIAL when some but not all F2P did and every
/// P2P did, NO otherwise.
pub fn resolution_status(report: &TestsStatus) -> ResolvedStatus {
    let f2p = success_rate(&report.fail_to_pass);
    let p2p = success_rate(&report.pass_to_pass);
    if f2p == 1.0 && p2p == 1.0 {
        ResolvedStatus::Full
    } else if f2p > 0.0 && f2p < 1.0 && p2p == 1.0 {
        ResolvedStatus::Partial
    } else {
        ResolvedStatus::No
    }
}

/// What grading needs to know about an instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GradingSpec {
    pub instance_id: String,
    pub parser: LogParser,
    pub eval_type: EvalType,
    pub fail_to_pass: Vec<String>,
    pub pass_to_pass: Vec<String>,
}

/// A graded instance: the report SWE-bench would write, with the status map and the reason a
/// log was rejected kept for our own diagnostics.
#[derive(Debug, Clone, PartialEq)]
pub struct Grade {
    pub report: InstanceReport,
    pub status: ResolvedStatus,
    pub statuses: StatusMap,
    pub invalid_log: Option<InvalidLog>,
}

/// SWE-bench's `get_eval_report` with `include_tests_status`: grades the raw eval log of a run of
/// `model_patch` (`None` for a null patch, which is not run).
pub fn grade_instance(spec: &GradingSpec, model_patch: Option<&str>, raw_log: &str) -> Grade {
    let mut report = InstanceReport::default();
    let Some(_) = model_patch else {
        report.patch_is_None = true;
        return Grade {
            report,
            status: ResolvedStatus::No,
            statuses: StatusMap::new(),
            invalid_log: None,
        };
    };
    report.patch_exists = true;
    let log = normalize_newlines(raw_log);
    match logs_eval(spec.parser, &log) {
        Err(invalid) => {
            if let Some((reason, tier)) = classify_infra_failure(&log) {
                report.infra_failure = tier == FailureTier::Environment;
                report.infra_failure_reason = Some(reason.to_string());
            }
            Grade {
                report,
                status: ResolvedStatus::No,
                statuses: StatusMap::new(),
                invalid_log: Some(invalid),
            }
        }
        Ok(statuses) => {
            report.patch_successfully_applied = true;
            let tests = grade_tests(
                &statuses,
                &spec.fail_to_pass,
                &spec.pass_to_pass,
                spec.eval_type,
            );
            let status = resolution_status(&tests);
            report.resolved = status == ResolvedStatus::Full;
            report.tests_status = Some(tests);
            Grade {
                report,
                status,
                statuses,
                invalid_log: None,
            }
        }
    }
}

/// How sure a failure signature is that the environment, not the patch, broke the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureTier {
    /// Cannot plausibly come from a patch to the repository's source.
    Environment,
    /// Could be either.
    Ambiguous,
}

/// SWE-bench 5.x's infrastructure-failure signatures over a log (first match wins): the reason
/// (`out_of_memory`, `tests_timed_out`, ...) and its tier. Advisory only: it never changes
/// `resolved`.
pub fn classify_infra_failure(log: &str) -> Option<(&'static str, FailureTier)> {
    static SIGNATURES: LazyLock<Vec<(&'static str, FailureTier, Regex)>> = LazyLock::new(|| {
        [
            (
                "browser_launch_failed",
                FailureTier::Environment,
                r"Failed to launch|Failed to connect to the bus",
            ),
            (
                "display_unavailable",
                FailureTier::Environment,
                r"cannot open display|Missing X server|unable to open X display",
            ),
            (
                "out_of_memory",
                FailureTier::Environment,
                r"Cannot allocate memory|OutOfMemoryError|^Killed$",
            ),
            (
                "container_unavailable",
                FailureTier::Environment,
                r"Error response from daemon|Cannot connect to the Docker daemon",
            ),
            (
                "network_unreachable",
                FailureTier::Environment,
                r"Could not resolve host|Temporary failure in name resolution",
            ),
            (
                "missing_module",
                FailureTier::Ambiguous,
                r"Cannot find module|MODULE_NOT_FOUND|ModuleNotFoundError",
            ),
            (
                "no_tests_collected",
                FailureTier::Ambiguous,
                r"no tests ran|collected 0 items",
            ),
            (
                "tests_timed_out",
                FailureTier::Ambiguous,
                r"Timeout error: \d+ seconds exceeded",
            ),
        ]
        .into_iter()
        .map(|(reason, tier, pattern)| {
            (
                reason,
                tier,
                Regex::new(&format!("(?m){pattern}")).expect("valid regex"),
            )
        })
        .collect()
    });
    SIGNATURES
        .iter()
        .find(|(_, _, pattern)| pattern.is_match(log))
        .map(|(reason, tier, _)| (*reason, *tier))
}
