//! SWE-bench 5.x grading over eval logs: FULL / PARTIAL / NO, SKIPPED semantics, missing tests,
//! forged PASSED lines under a failing exit code, invalid logs, and report key sets that match
//! SWE-bench's exactly.

use std::collections::BTreeMap;
use std::path::Path;

use rlvr_envs::swe::grading::{
    classify_infra_failure, grade_instance, grade_tests, logs_eval, parse_test_exit_code,
    resolution_status, test_output_section, EvalType, FailureTier, GradingSpec, InvalidLog,
    ResolvedStatus,
};
use rlvr_envs::swe::log_parsers::{LogParser, StatusMap, TestStatus};
use rlvr_envs::swe::report::{
    make_run_report, to_swe_bench_json, InstanceReport, InstanceResult, Submission, TestsStatus,
};

/// An eval log as the eval script prints it under `set -x`: markers as `:` no-ops, the exit status
/// recorded after the end marker.
fn eval_log(test_output: &str, exit_code: i32) -> String {
    format!(
        "+ git apply -v - <<'EOF_114329324912'\nChecking patch tests/test_x.py...\nApplied patch tests/test_x.py cleanly.\n\
         + : '>>>>> Start Test Output'\n+ pytest -rA tests/test_x.py\n{test_output}\n\
         + SWEBENCH_TEST_EXIT_CODE={exit_code}\n+ : '>>>>> End Test Output'\n\
         + echo '>>>>> Test Exit Code: {exit_code}'\n>>>>> Test Exit Code: {exit_code}\n+ git checkout abc tests/test_x.py\n"
    )
}

fn spec(f2p: &[&str], p2p: &[&str]) -> GradingSpec {
    GradingSpec {
        instance_id: "owner__repo-1".into(),
        parser: LogParser::Pytest,
        eval_type: EvalType::PassAndFail,
        fail_to_pass: f2p.iter().map(|s| s.to_string()).collect(),
        pass_to_pass: p2p.iter().map(|s| s.to_string()).collect(),
    }
}

fn summary(lines: &[(&str, &str)]) -> String {
    let mut out = String::from("============ short test summary info ============\n");
    for (status, test) in lines {
        out.push_str(&format!("{status} {test}\n"));
    }
    out
}

fn statuses(pairs: &[(&str, TestStatus)]) -> StatusMap {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

#[test]
fn all_tests_passing_is_resolved_full() {
    let log = eval_log(
        &summary(&[
            ("PASSED", "t::f1"),
            ("PASSED", "t::f2"),
            ("PASSED", "t::p1"),
        ]),
        0,
    );
    let grade = grade_instance(&spec(&["t::f1", "t::f2"], &["t::p1"]), Some("diff"), &log);
    assert_eq!(grade.status, ResolvedStatus::Full);
    assert!(
        grade.report.resolved
            && grade.report.patch_exists
            && grade.report.patch_successfully_applied
    );
    let tests = grade.report.tests_status.unwrap();
    assert_eq!(tests.fail_to_pass.success, vec!["t::f1", "t::f2"]);
    assert!(tests.fail_to_pass.failure.is_empty() && tests.pass_to_pass.failure.is_empty());
}

#[test]
fn some_fail_to_pass_passing_is_partial_and_not_resolved() {
    let log = eval_log(
        &summary(&[
            ("PASSED", "t::f1"),
            ("FAILED", "t::f2 - boom"),
            ("PASSED", "t::p1"),
        ]),
        1,
    );
    let grade = grade_instance(&spec(&["t::f1", "t::f2"], &["t::p1"]), Some("diff"), &log);
    assert_eq!(grade.status, ResolvedStatus::Partial);
    assert!(!grade.report.resolved);
    assert!(grade.report.patch_successfully_applied);
    assert_eq!(
        grade.report.tests_status.unwrap().fail_to_pass.failure,
        vec!["t::f2"]
    );
}

#[test]
fn a_broken_pass_to_pass_test_makes_it_no_even_with_all_fail_to_pass_passing() {
    let log = eval_log(&summary(&[("PASSED", "t::f1"), ("ERROR", "t::p1")]), 1);
    let grade = grade_instance(&spec(&["t::f1"], &["t::p1"]), Some("diff"), &log);
    assert_eq!(grade.status, ResolvedStatus::No);
    assert!(!grade.report.resolved);
}

#[test]
fn missing_tests_count_as_failures() {
    let log = eval_log(&summary(&[("PASSED", "t::p1")]), 0);
    let grade = grade_instance(&spec(&["t::f1"], &["t::p1", "t::p2"]), Some("diff"), &log);
    let tests = grade.report.tests_status.unwrap();
    assert_eq!(tests.fail_to_pass.failure, vec!["t::f1"]);
    assert_eq!(tests.pass_to_pass.failure, vec!["t::p2"]);
    assert_eq!(grade.status, ResolvedStatus::No);
}

#[test]
fn skipped_fails_fail_to_pass_but_maintains_pass_to_pass() {
    let map = statuses(&[
        ("f", TestStatus::Skipped),
        ("p", TestStatus::Skipped),
        ("x", TestStatus::Xfail),
    ]);
    let tests = grade_tests(
        &map,
        &["f".into(), "x".into()],
        &["p".into()],
        EvalType::PassAndFail,
    );
    assert_eq!(tests.fail_to_pass.failure, vec!["f"]);
    assert_eq!(
        tests.fail_to_pass.success,
        vec!["x"],
        "XFAIL counts as a pass"
    );
    assert_eq!(tests.pass_to_pass.success, vec!["p"]);
    assert_eq!(resolution_status(&tests), ResolvedStatus::Partial);

    // A patch that makes every FAIL_TO_PASS test skip resolves nothing.
    let all_skipped = grade_tests(&map, &["f".into()], &[], EvalType::PassAndFail);
    assert_eq!(resolution_status(&all_skipped), ResolvedStatus::No);
}

#[test]
fn an_unrecognised_status_lands_in_neither_list() {
    let map = statuses(&[("file", TestStatus::Other("ERROR:".into()))]);
    let tests = grade_tests(&map, &["file".into()], &[], EvalType::PassAndFail);
    assert!(tests.fail_to_pass.success.is_empty() && tests.fail_to_pass.failure.is_empty());
    // With no F2P test counted, SWE-bench's rate is 1: this is its behaviour, kept on purpose.
    assert_eq!(resolution_status(&tests), ResolvedStatus::Full);
}

#[test]
fn empty_lists_resolve_and_fail_only_counts_explicit_failures() {
    assert_eq!(
        resolution_status(&TestsStatus::default()),
        ResolvedStatus::Full
    );
    let map = statuses(&[("a", TestStatus::Failed), ("b", TestStatus::Error)]);
    let tests = grade_tests(
        &map,
        &["a".into(), "b".into(), "c".into()],
        &[],
        EvalType::FailOnly,
    );
    assert_eq!(tests.fail_to_pass.failure, vec!["a"]);
    assert_eq!(tests.fail_to_pass.success, vec!["b", "c"]);
}

#[test]
fn forged_passed_lines_under_a_failing_exit_code_are_rejected() {
    // A conftest hook printed PASSED for every expected test, but pytest itself exited 1.
    let log = eval_log(&summary(&[("PASSED", "t::f1"), ("PASSED", "t::p1")]), 1);
    assert_eq!(
        logs_eval(LogParser::Pytest, &log),
        Err(InvalidLog::ExitCodeMismatch { exit_code: 1 })
    );
    let grade = grade_instance(&spec(&["t::f1"], &["t::p1"]), Some("diff"), &log);
    assert!(!grade.report.resolved);
    assert!(!grade.report.patch_successfully_applied);
    assert!(grade.report.tests_status.is_none());
    assert_eq!(grade.status, ResolvedStatus::No);
}

#[test]
fn a_forged_exit_code_line_inside_the_test_output_does_not_count() {
    let forged = format!(
        "{}>>>>> Test Exit Code: 0\n",
        summary(&[("PASSED", "t::f1")])
    );
    let log = eval_log(&forged, 2);
    assert_eq!(parse_test_exit_code(&log), Some(2));
    assert_eq!(
        logs_eval(LogParser::Pytest, &log),
        Err(InvalidLog::ExitCodeMismatch { exit_code: 2 })
    );
}

#[test]
fn a_failing_exit_code_with_real_failures_is_graded() {
    let log = eval_log(&summary(&[("PASSED", "t::f1"), ("FAILED", "t::other")]), 1);
    let grade = grade_instance(&spec(&["t::f1"], &[]), Some("diff"), &log);
    assert!(grade.report.resolved, "{:?}", grade.invalid_log);
}

#[test]
fn failure_markers_and_missing_markers_invalidate_the_log() {
    let good = eval_log(&summary(&[("PASSED", "t::f1")]), 0);
    for marker in [
        ">>>>> Patch Apply Failed",
        ">>>>> Reset Failed",
        ">>>>> Tests Errored",
        ">>>>> Tests Timed Out",
    ] {
        let log = format!("{marker}\n{good}");
        assert!(
            matches!(logs_eval(LogParser::Pytest, &log), Err(InvalidLog::FailureMarker(m)) if m == marker)
        );
    }
    let truncated = good
        .split(">>>>> End Test Output")
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        logs_eval(LogParser::Pytest, &truncated),
        Err(InvalidLog::MissingMarkers)
    );
    assert_eq!(test_output_section(&truncated), None);
}

#[test]
fn no_results_and_no_sign_of_a_suite_is_invalid() {
    let log = eval_log("ImportError: cannot import name 'x'", 4);
    assert_eq!(
        logs_eval(LogParser::Pytest, &log),
        Err(InvalidLog::NoResults)
    );
    let grade = grade_instance(&spec(&["t::f1"], &[]), Some("diff"), &log);
    assert!(!grade.report.patch_successfully_applied && !grade.report.infra_failure);
}

#[test]
fn results_printed_outside_the_markers_are_read_from_the_whole_log() {
    let log = format!("{}{}", summary(&[("PASSED", "t::f1")]), eval_log("", 0));
    let map = logs_eval(LogParser::Pytest, &log).unwrap();
    assert_eq!(map["t::f1"], TestStatus::Passed);
}

#[test]
fn a_null_patch_is_not_run() {
    let grade = grade_instance(&spec(&["t::f1"], &[]), None, "");
    assert!(grade.report.patch_is_None && !grade.report.patch_exists && !grade.report.resolved);
}

#[test]
fn truncated_parametrized_ids_match_by_prefix_when_unambiguous() {
    let map = statuses(&[
        ("t[log(photon-a]", TestStatus::Passed),
        ("t[log(photon-b]", TestStatus::Xfail),
    ]);
    let tests = grade_tests(&map, &["t[log(photon".into()], &[], EvalType::PassAndFail);
    assert_eq!(tests.fail_to_pass.success, vec!["t[log(photon"]);

    let mixed = statuses(&[
        ("t[a-1]", TestStatus::Passed),
        ("t[a-2]", TestStatus::Failed),
    ]);
    let tests = grade_tests(&mixed, &["t[a".into()], &[], EvalType::PassAndFail);
    assert_eq!(
        tests.fail_to_pass.failure,
        vec!["t[a"],
        "ambiguous prefixes count as missing"
    );
    // Balanced brackets never fall back to prefixes.
    let tests = grade_tests(&map, &["t".into()], &[], EvalType::PassAndFail);
    assert_eq!(tests.fail_to_pass.failure, vec!["t"]);
}

#[test]
fn grades_a_real_flask_log_with_carriage_returns_and_bytes() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/swe/logs/flask_clean.log");
    let real = String::from_utf8_lossy(&std::fs::read(path).unwrap()).replace('\n', "\r\n");
    let log = eval_log(&real, 1);
    let spec = spec(
        &["tests/test_cli.py::test_help_echo_exception"],
        &[
            "tests/test_cli.py::test_cli_name",
            "tests/test_reqctx.py::test_greenlet_context_copying",
        ],
    );
    // pytest -rA reports skips only as `SKIPPED [1] file:line: reason`, which names no test, so
    // the skipped P2P test is missing from the map and counts as a failure (as in SWE-bench).
    let grade = grade_instance(&spec, Some("diff"), &log);
    assert!(
        grade.report.patch_successfully_applied,
        "{:?}",
        grade.invalid_log
    );
    let tests = grade.report.tests_status.unwrap();
    assert_eq!(
        tests.fail_to_pass.failure,
        vec!["tests/test_cli.py::test_help_echo_exception"]
    );
    assert_eq!(
        tests.pass_to_pass.success,
        vec!["tests/test_cli.py::test_cli_name"]
    );
    assert_eq!(
        tests.pass_to_pass.failure,
        vec!["tests/test_reqctx.py::test_greenlet_context_copying"]
    );
    assert_eq!(grade.status, ResolvedStatus::No);
}

#[test]
fn infrastructure_signatures_are_classified() {
    assert_eq!(
        classify_infra_failure("foo\nKilled\nbar"),
        Some(("out_of_memory", FailureTier::Environment))
    );
    assert_eq!(
        classify_infra_failure("ModuleNotFoundError: No module named 'x'"),
        Some(("missing_module", FailureTier::Ambiguous))
    );
    assert_eq!(classify_infra_failure("Killed by a test\n"), None);
    let log = eval_log("Cannot allocate memory", 137);
    let grade = grade_instance(&spec(&["t::f1"], &[]), Some("diff"), &log);
    assert!(grade.report.infra_failure);
    assert_eq!(
        grade.report.infra_failure_reason.as_deref(),
        Some("out_of_memory")
    );
}

fn keys(value: &serde_json::Value) -> Vec<&str> {
    value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

#[test]
fn instance_report_keys_match_swe_bench() {
    let log = eval_log(&summary(&[("PASSED", "t::f1")]), 0);
    let graded = grade_instance(&spec(&["t::f1"], &[]), Some("diff"), &log).report;
    let file: BTreeMap<String, InstanceReport> = [("owner__repo-1".to_string(), graded)].into();
    let json: serde_json::Value = serde_json::from_str(&to_swe_bench_json(&file).unwrap()).unwrap();
    let entry = &json["owner__repo-1"];
    assert_eq!(
        keys(entry),
        [
            "patch_is_None",
            "patch_exists",
            "patch_successfully_applied",
            "resolved",
            "infra_failure",
            "tests_status"
        ]
    );
    assert_eq!(
        keys(&entry["tests_status"]),
        [
            "FAIL_TO_PASS",
            "PASS_TO_PASS",
            "FAIL_TO_FAIL",
            "PASS_TO_FAIL"
        ]
    );
    assert_eq!(
        keys(&entry["tests_status"]["FAIL_TO_PASS"]),
        ["success", "failure"]
    );

    let failed = grade_instance(
        &spec(&["t::f1"], &[]),
        Some("diff"),
        &eval_log("Killed", 137),
    )
    .report;
    let json = serde_json::to_value(&failed).unwrap();
    assert_eq!(
        keys(&json),
        [
            "patch_is_None",
            "patch_exists",
            "patch_successfully_applied",
            "resolved",
            "infra_failure",
            "infra_failure_reason"
        ]
    );
    // Reports read back.
    let back: InstanceReport = serde_json::from_value(json).unwrap();
    assert_eq!(back, failed);
}

#[test]
fn run_report_sorts_instances_like_swe_bench_and_keys_match() {
    let report_of = |resolved| {
        InstanceResult::Report(InstanceReport {
            resolved,
            patch_exists: true,
            ..Default::default()
        })
    };
    let dataset: Vec<String> = ["a", "b", "c", "d", "e", "f", "g"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let sub = |empty_patch, result, failure: Option<(&str, FailureTier)>| Submission {
        empty_patch,
        result,
        failure: failure.map(|(r, t)| (r.to_string(), t)),
    };
    let submissions: BTreeMap<String, Submission> = [
        ("a", sub(false, report_of(true), None)),
        (
            "b",
            sub(
                false,
                report_of(false),
                Some(("out_of_memory", FailureTier::Environment)),
            ),
        ),
        (
            "c",
            sub(
                false,
                InstanceResult::Missing,
                Some(("tests_timed_out", FailureTier::Ambiguous)),
            ),
        ),
        ("d", sub(true, InstanceResult::Missing, None)),
        ("e", sub(false, InstanceResult::Unreadable, None)),
        (
            "f",
            sub(
                false,
                report_of(true),
                Some(("out_of_memory", FailureTier::Environment)),
            ),
        ),
        ("z", sub(false, report_of(true), None)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let report = make_run_report(&dataset, &submissions);
    assert_eq!(report.total_instances, 7);
    assert_eq!(report.submitted_instances, 7);
    assert_eq!(report.completed_ids, ["a", "b", "e", "f"]);
    assert_eq!(report.resolved_ids, ["a", "f"]);
    assert_eq!(report.unresolved_ids, ["b"]);
    assert_eq!(report.error_ids, ["c", "e"]);
    assert_eq!(report.empty_patch_ids, ["d"]);
    assert_eq!(report.incomplete_ids, ["g"]);
    assert_eq!(
        report.infra_failure_ids,
        ["b"],
        "only unresolved and errored instances are classified"
    );
    assert_eq!(report.ambiguous_failure_ids, ["c"]);
    assert_eq!(report.failure_reasons.len(), 2);
    assert_eq!(
        (
            report.resolved_instances,
            report.error_instances,
            report.completed_instances
        ),
        (2, 2, 4)
    );

    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(
        keys(&json),
        [
            "total_instances",
            "submitted_instances",
            "completed_instances",
            "resolved_instances",
            "unresolved_instances",
            "infra_failure_instances",
            "ambiguous_failure_instances",
            "empty_patch_instances",
            "error_instances",
            "completed_ids",
            "incomplete_ids",
            "empty_patch_ids",
            "submitted_ids",
            "resolved_ids",
            "unresolved_ids",
            "infra_failure_ids",
            "ambiguous_failure_ids",
            "failure_reasons",
            "error_ids",
            "schema_version",
        ]
    );
    assert_eq!(json["schema_version"], 2);
}
