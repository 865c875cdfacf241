//! SWE-bench 5.x report files: the per-instance `report.json` and the run report
//! `<model>.<run_id>.json`, with exactly SWE-bench's keys in SWE-bench's order, so its tooling reads
//! ours.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::swe::grading::FailureTier;

/// `report.json`'s name in an instance's log directory.
pub const INSTANCE_REPORT_FILE: &str = "report.json";
/// The test log's name in an instance's log directory.
pub const TEST_OUTPUT_FILE: &str = "test_output.txt";
/// The harness log's name in an instance's log directory.
pub const INSTANCE_LOG_FILE: &str = "run_instance.log";
/// The run report's `schema_version`.
pub const RUN_REPORT_SCHEMA_VERSION: u32 = 2;

/// Tests of one kind that passed and failed under the candidate patch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuccessFailure {
    pub success: Vec<String>,
    pub failure: Vec<String>,
}

/// `tests_status` of a per-instance report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestsStatus {
    #[serde(rename = "FAIL_TO_PASS")]
    pub fail_to_pass: SuccessFailure,
    #[serde(rename = "PASS_TO_PASS")]
    pub pass_to_pass: SuccessFailure,
    /// Filled only when validating a dataset; empty lists in evaluation reports.
    #[serde(rename = "FAIL_TO_FAIL")]
    pub fail_to_fail: SuccessFailure,
    /// Filled only when validating a dataset; empty lists in evaluation reports.
    #[serde(rename = "PASS_TO_FAIL")]
    pub pass_to_fail: SuccessFailure,
}

/// The grading of one instance (the value under the instance id in `report.json`).
#[allow(non_snake_case)]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceReport {
    /// The prediction's `model_patch` was null.
    pub patch_is_None: bool,
    /// There was a patch to apply.
    pub patch_exists: bool,
    /// SWE-bench's name for "the test log was found and parsed" (the patch applied, the tests ran).
    pub patch_successfully_applied: bool,
    /// Every FAIL_TO_PASS and PASS_TO_PASS test passed ([`crate::swe::grading::ResolvedStatus::Full`]).
    pub resolved: bool,
    /// The unparseable log looks like an environment fault rather than the patch's (advisory).
    pub infra_failure: bool,
    /// Why the log looks like an infrastructure failure; present only when a signature matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub infra_failure_reason: Option<String>,
    /// Present when the log was parsed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tests_status: Option<TestsStatus>,
}

/// `report.json`: one entry, keyed by instance id.
pub type InstanceReportFile = BTreeMap<String, InstanceReport>;

/// The run report, keys in SWE-bench 5.x order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunReport {
    pub total_instances: usize,
    pub submitted_instances: usize,
    pub completed_instances: usize,
    pub resolved_instances: usize,
    pub unresolved_instances: usize,
    pub infra_failure_instances: usize,
    pub ambiguous_failure_instances: usize,
    pub empty_patch_instances: usize,
    pub error_instances: usize,
    pub completed_ids: Vec<String>,
    pub incomplete_ids: Vec<String>,
    pub empty_patch_ids: Vec<String>,
    pub submitted_ids: Vec<String>,
    pub resolved_ids: Vec<String>,
    pub unresolved_ids: Vec<String>,
    pub infra_failure_ids: Vec<String>,
    pub ambiguous_failure_ids: Vec<String>,
    /// Instance id to infrastructure-failure reason, for unresolved and errored instances.
    pub failure_reasons: BTreeMap<String, String>,
    pub error_ids: Vec<String>,
    pub schema_version: u32,
    /// Only when the harness inspected the container engine after the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unstopped_instances: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unstopped_containers: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unremoved_images: Option<Vec<String>>,
}

/// `model_name_or_path` as a directory or file-name component (`/` becomes `__`).
pub fn model_dir_name(model_name_or_path: &str) -> String {
    model_name_or_path.replace('/', "__")
}

/// `<root>/<run_id>/<model>/<instance_id>`: where SWE-bench keeps one instance's logs and report
/// (`root` is `logs/run_evaluation` in SWE-bench).
pub fn instance_log_dir(
    root: &Path,
    run_id: &str,
    model_name_or_path: &str,
    instance_id: &str,
) -> PathBuf {
    root.join(run_id)
        .join(model_dir_name(model_name_or_path))
        .join(instance_id)
}

/// `<model>.<run_id>.json`: the run report's file name.
pub fn run_report_file_name(model_name_or_path: &str, run_id: &str) -> String {
    format!("{}.{run_id}.json", model_dir_name(model_name_or_path))
}

/// JSON indented by four spaces, as SWE-bench writes its reports.
pub fn to_swe_bench_json<T: Serialize>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    value.serialize(&mut serializer)?;
    // serde_json writes only valid UTF-8.
    Ok(String::from_utf8(out).unwrap_or_default())
}

/// What the harness knows about one submitted prediction when it writes the run report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    /// The prediction's patch was null or empty: not run.
    pub empty_patch: bool,
    /// The instance's `report.json`, as found after the run.
    pub result: InstanceResult,
    /// The infrastructure-failure signature its logs match, if any (see
    /// [`crate::swe::grading::classify_infra_failure`]); read only for unresolved and errored ones.
    pub failure: Option<(String, FailureTier)>,
}

/// The state of an instance's `report.json` after a run.
// One value per instance, read once into the run report: boxing the report would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstanceResult {
    /// Written and readable.
    Report(InstanceReport),
    /// Not written: the run errored (patch did not apply, timeout, harness failure).
    Missing,
    /// Written but empty, not JSON, or without the instance's entry.
    Unreadable,
}

/// SWE-bench's `make_run_report` without the container-engine inventory: sorts the dataset's
/// instances into completed, resolved, unresolved, empty-patch, error and incomplete, and names the
/// infrastructure failures among the unresolved and errored ones.
pub fn make_run_report(
    dataset_ids: &[String],
    submissions: &BTreeMap<String, Submission>,
) -> RunReport {
    let mut report = RunReport {
        total_instances: dataset_ids.len(),
        submitted_instances: submissions.len(),
        submitted_ids: submissions.keys().cloned().collect(),
        schema_version: RUN_REPORT_SCHEMA_VERSION,
        ..RunReport::default()
    };
    let mut not_resolved = Vec::new();
    for id in dataset_ids {
        let Some(submission) = submissions.get(id) else {
            report.incomplete_ids.push(id.clone());
            continue;
        };
        if submission.empty_patch {
            report.empty_patch_ids.push(id.clone());
            continue;
        }
        match &submission.result {
            InstanceResult::Report(instance) => {
                report.completed_ids.push(id.clone());
                if instance.resolved {
                    report.resolved_ids.push(id.clone());
                } else {
                    report.unresolved_ids.push(id.clone());
                    not_resolved.push((id, submission));
                }
            }
            InstanceResult::Unreadable => {
                report.completed_ids.push(id.clone());
                report.error_ids.push(id.clone());
                not_resolved.push((id, submission));
            }
            InstanceResult::Missing => {
                report.error_ids.push(id.clone());
                not_resolved.push((id, submission));
            }
        }
    }
    for (id, submission) in not_resolved {
        if let Some((reason, tier)) = &submission.failure {
            report.failure_reasons.insert(id.clone(), reason.clone());
            match tier {
                FailureTier::Environment => report.infra_failure_ids.push(id.clone()),
                FailureTier::Ambiguous => report.ambiguous_failure_ids.push(id.clone()),
            }
        }
    }
    // SWE-bench collects ids in sets and writes them sorted (a dataset may list an id twice).
    for ids in [
        &mut report.completed_ids,
        &mut report.incomplete_ids,
        &mut report.empty_patch_ids,
        &mut report.resolved_ids,
        &mut report.unresolved_ids,
        &mut report.infra_failure_ids,
        &mut report.ambiguous_failure_ids,
        &mut report.error_ids,
    ] {
        ids.sort();
        ids.dedup();
    }
    report.completed_instances = report.completed_ids.len();
    report.resolved_instances = report.resolved_ids.len();
    report.unresolved_instances = report.unresolved_ids.len();
    report.infra_failure_instances = report.infra_failure_ids.len();
    report.ambiguous_failure_instances = report.ambiguous_failure_ids.len();
    report.empty_patch_instances = report.empty_patch_ids.len();
    report.error_instances = report.error_ids.len();
    report
}
