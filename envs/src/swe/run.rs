//! A whole evaluation run: many (instance, prediction) pairs over N workers, per-instance
//! `report.json` (an instance that has one is skipped on re-run), and the run report with SWE-bench
//! 5.x's keys.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use bollard::Docker;
use futures::StreamExt;
use rlvr_datasets::{SweInstance, SwePrediction};

use crate::swe::environment_spec::{EnvironmentSpec, EnvironmentTable};
use crate::swe::error::{SweError, SweResult};
use crate::swe::fsutil::write_atomic;
use crate::swe::grading::{classify_infra_failure, FailureTier};
use crate::swe::harness::{evaluate, EvalRequest, Timings};
use crate::swe::images::env as env_image;
use crate::swe::report::{
    instance_log_dir, run_report_file_name, to_swe_bench_json, InstanceReport, InstanceReportFile,
    RunReport, INSTANCE_LOG_FILE, INSTANCE_REPORT_FILE, RUN_REPORT_SCHEMA_VERSION,
    TEST_OUTPUT_FILE,
};
use crate::swe::sandbox::Limits;

/// How a run is carried out.
#[derive(Debug, Clone)]
pub struct RunConfig {
    pub run_id: String,
    pub workers: usize,
    pub timeout: Duration,
    pub limits: Limits,
    /// SWE-bench's `logs/run_evaluation`.
    pub log_root: PathBuf,
    /// Where the run report goes.
    pub report_dir: PathBuf,
    /// Local clones, one per `owner__name`.
    pub repos: PathBuf,
    /// The base image for each Python version (`"3.11"` to its tag): an environment is built on the
    /// base whose Debian suite ships its interpreter.
    pub base_tags: BTreeMap<String, String>,
}

/// How one pair ended, for progress and benchmarks.
#[derive(Debug, Clone)]
pub enum PairOutcome {
    /// Already had a report (resume).
    Skipped {
        resolved: bool,
    },
    Graded {
        resolved: bool,
        timings: Timings,
    },
    /// Machinery failure; no report written.
    Error {
        message: String,
    },
}

/// The result of a run: the report, where it was written, and each pair's outcome by id.
#[derive(Debug, Clone)]
pub struct RunResult {
    pub report: RunReport,
    pub report_path: PathBuf,
    pub outcomes: BTreeMap<String, PairOutcome>,
}

/// The environment spec of an instance.
pub fn spec_of<'a>(
    table: &'a EnvironmentTable,
    instance: &SweInstance,
) -> SweResult<&'a EnvironmentSpec> {
    table.get(&instance.repo, &instance.version).ok_or_else(|| {
        SweError::Input(format!(
            "instance {}: no environment for {}@{} (run `rlvr swe specs` to see what this machine can serve)",
            instance.instance_id, instance.repo, instance.version
        ))
    })
}

/// Evaluates `predictions` against `instances`; `on_done` hears of every finished pair.
pub async fn run_evaluation(
    docker: &Docker,
    instances: &[SweInstance],
    predictions: &[SwePrediction],
    table: &EnvironmentTable,
    config: &RunConfig,
    on_done: &(dyn Fn(&str, &PairOutcome) + Sync),
) -> SweResult<RunResult> {
    if config.run_id.is_empty() || config.run_id.contains(['/', '\\']) {
        return Err(SweError::Input(format!(
            "bad run id {:?}: non-empty, no slashes",
            config.run_id
        )));
    }
    let by_id: BTreeMap<&str, &SweInstance> = instances
        .iter()
        .map(|i| (i.instance_id.as_str(), i))
        .collect();
    let models: BTreeSet<&str> = predictions
        .iter()
        .map(|p| p.model_name_or_path.as_str())
        .collect();
    if models.len() > 1 {
        return Err(SweError::Input(format!(
            "predictions name {} models ({}); evaluate one model per run",
            models.len(),
            models.into_iter().collect::<Vec<_>>().join(", ")
        )));
    }
    let model = models.into_iter().next().unwrap_or("none").to_owned();
    for p in predictions {
        if !by_id.contains_key(p.instance_id.as_str()) {
            return Err(SweError::Input(format!(
                "prediction for unknown instance {}",
                p.instance_id
            )));
        }
    }
    // Images first, one per environment used by a non-empty prediction.
    let to_run: Vec<&SwePrediction> = predictions.iter().filter(|p| !p.is_empty_patch()).collect();
    let mut images: BTreeMap<(String, String), String> = BTreeMap::new();
    for p in &to_run {
        let instance = by_id[p.instance_id.as_str()];
        let spec = spec_of(table, instance)?;
        let key = (spec.repo.clone(), spec.version.clone());
        if let std::collections::btree_map::Entry::Vacant(e) = images.entry(key) {
            let base_tag = config.base_tags.get(&spec.python).ok_or_else(|| {
                SweError::Input(format!(
                    "no base image for Python {} (environment {}@{})",
                    spec.python, spec.repo, spec.version
                ))
            })?;
            let tag = env_image::ensure(docker, base_tag, spec, &config.repos).await?;
            e.insert(tag);
        }
    }
    let jobs = to_run.iter().map(|p| {
        let instance = by_id[p.instance_id.as_str()];
        let images = &images;
        let model = model.as_str();
        async move {
            let outcome = run_pair(docker, instance, p, table, images, config, model).await;
            on_done(&instance.instance_id, &outcome);
            (instance.instance_id.clone(), outcome)
        }
    });
    let outcomes: BTreeMap<String, PairOutcome> = futures::stream::iter(jobs)
        .buffer_unordered(config.workers.max(1))
        .collect()
        .await;
    let report = make_run_report(instances, predictions, &outcomes, config, &model);
    let report_path = config
        .report_dir
        .join(run_report_file_name(&model, &config.run_id));
    let text = to_swe_bench_json(&report).map_err(|e| SweError::Input(e.to_string()))?;
    write_atomic(&report_path, text.as_bytes())?;
    Ok(RunResult {
        report,
        report_path,
        outcomes,
    })
}

async fn run_pair(
    docker: &Docker,
    instance: &SweInstance,
    prediction: &SwePrediction,
    table: &EnvironmentTable,
    images: &BTreeMap<(String, String), String>,
    config: &RunConfig,
    model: &str,
) -> PairOutcome {
    let dir = instance_log_dir(
        &config.log_root,
        &config.run_id,
        model,
        &instance.instance_id,
    );
    if let Some(report) = read_report(&dir, &instance.instance_id) {
        return PairOutcome::Skipped {
            resolved: report.resolved,
        };
    }
    let result = async {
        let spec = spec_of(table, instance)?;
        let image = &images[&(spec.repo.clone(), spec.version.clone())];
        let request = EvalRequest {
            instance,
            spec,
            image,
            model_patch: prediction.model_patch.as_deref(),
            run_id: &config.run_id,
            timeout: config.timeout,
            limits: config.limits,
        };
        let result = evaluate(docker, &request).await?;
        write_atomic(&dir.join(TEST_OUTPUT_FILE), result.log.as_bytes())?;
        write_atomic(&dir.join("patch.diff"), prediction.model_patch.as_deref().unwrap_or("").as_bytes())?;
        let file: InstanceReportFile = [(instance.instance_id.clone(), result.grade.report.clone())].into();
        let text = to_swe_bench_json(&file).map_err(|e| SweError::Input(e.to_string()))?;
        write_atomic(&dir.join(INSTANCE_REPORT_FILE), text.as_bytes())?;
        let log = format!(
            "instance {}: resolved={} status={:?} invalid_log={:?} timed_out={} total={:.3}s tests={:.3}s setup={:.3}s prepare={:.3}s teardown={:.3}s\n",
            instance.instance_id,
            result.grade.report.resolved,
            result.grade.status,
            result.grade.invalid_log,
            result.timed_out,
            result.timings.total.as_secs_f64(),
            result.timings.tests.as_secs_f64(),
            result.timings.setup.as_secs_f64(),
            result.timings.prepare.as_secs_f64(),
            result.timings.teardown.as_secs_f64()
        );
        write_atomic(&dir.join(INSTANCE_LOG_FILE), log.as_bytes())?;
        Ok::<_, SweError>(PairOutcome::Graded {
            resolved: result.grade.report.resolved,
            timings: result.timings,
        })
    }
    .await;
    match result {
        Ok(outcome) => outcome,
        Err(err) => {
            let message = err.to_string();
            let _ = write_atomic(
                &dir.join(INSTANCE_LOG_FILE),
                format!("error: {message}\n").as_bytes(),
            );
            PairOutcome::Error { message }
        }
    }
}

/// The instance's report from an earlier run, if complete.
fn read_report(dir: &Path, instance_id: &str) -> Option<InstanceReport> {
    let text = std::fs::read_to_string(dir.join(INSTANCE_REPORT_FILE)).ok()?;
    let mut file: InstanceReportFile = serde_json::from_str(&text).ok()?;
    file.remove(instance_id)
}

fn make_run_report(
    instances: &[SweInstance],
    predictions: &[SwePrediction],
    outcomes: &BTreeMap<String, PairOutcome>,
    config: &RunConfig,
    model: &str,
) -> RunReport {
    let mut r = RunReport {
        total_instances: instances.len(),
        schema_version: RUN_REPORT_SCHEMA_VERSION,
        ..Default::default()
    };
    let mut ids: Vec<&SwePrediction> = predictions.iter().collect();
    ids.sort_by(|a, b| a.instance_id.cmp(&b.instance_id));
    for p in ids {
        let id = p.instance_id.clone();
        r.submitted_ids.push(id.clone());
        if p.is_empty_patch() {
            r.empty_patch_ids.push(id);
            continue;
        }
        let dir = instance_log_dir(&config.log_root, &config.run_id, model, &id);
        match read_report(&dir, &id) {
            Some(report) => {
                r.completed_ids.push(id.clone());
                if report.resolved {
                    r.resolved_ids.push(id);
                } else {
                    if let Some(reason) = &report.infra_failure_reason {
                        r.failure_reasons.insert(id.clone(), reason.clone());
                        if report.infra_failure {
                            r.infra_failure_ids.push(id.clone());
                        } else {
                            r.ambiguous_failure_ids.push(id.clone());
                        }
                    }
                    r.unresolved_ids.push(id);
                }
            }
            None => {
                // No report: the machinery failed (Docker, image, harness timeout).
                let message = match outcomes.get(&id) {
                    Some(PairOutcome::Error { message }) => message.clone(),
                    _ => String::new(),
                };
                let reason = match classify_infra_failure(&message) {
                    Some((reason, FailureTier::Ambiguous)) => {
                        r.ambiguous_failure_ids.push(id.clone());
                        reason.to_owned()
                    }
                    Some((reason, FailureTier::Environment)) => {
                        r.infra_failure_ids.push(id.clone());
                        reason.to_owned()
                    }
                    None => {
                        r.infra_failure_ids.push(id.clone());
                        "harness_error".to_owned()
                    }
                };
                r.failure_reasons.insert(id.clone(), reason);
                r.error_ids.push(id);
            }
        }
    }
    let submitted: BTreeSet<&str> = r.submitted_ids.iter().map(String::as_str).collect();
    r.incomplete_ids = instances
        .iter()
        .map(|i| i.instance_id.clone())
        .filter(|id| !submitted.contains(id.as_str()))
        .collect();
    r.incomplete_ids.sort();
    r.submitted_instances = r.submitted_ids.len();
    r.completed_instances = r.completed_ids.len();
    r.resolved_instances = r.resolved_ids.len();
    r.unresolved_instances = r.unresolved_ids.len();
    r.infra_failure_instances = r.infra_failure_ids.len();
    r.ambiguous_failure_instances = r.ambiguous_failure_ids.len();
    r.empty_patch_instances = r.empty_patch_ids.len();
    r.error_instances = r.error_ids.len();
    r
}
