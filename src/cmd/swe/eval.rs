//! `rlvr swe eval`: evaluate predictions against SWE-bench instances in Docker sandboxes.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use rlvr_envs::swe::run::{run_evaluation, PairOutcome, RunConfig};
use rlvr_envs::swe::sandbox::Limits;

use super::common::{self, BaseArgs};

#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    /// Instances: .jsonl, .json or .parquet.
    #[arg(long)]
    dataset: PathBuf,
    /// Predictions (.jsonl or .json), or `gold` for the instances' own patches.
    #[arg(long)]
    predictions: String,
    #[arg(long)]
    run_id: String,
    /// Concurrent evaluations.
    #[arg(long, default_value_t = 1)]
    workers: usize,
    /// Test timeout per instance, seconds.
    #[arg(long, default_value_t = 1800)]
    timeout: u64,
    /// Local git clones, one per `owner__name`; default: `repos` beside the dataset.
    #[arg(long)]
    repos: Option<PathBuf>,
    /// Environment specs (JSON list); default: `environments.json` beside the dataset if present,
    /// else derived from the embedded spec table (`rlvr swe specs` shows what it serves).
    #[arg(long)]
    environments: Option<PathBuf>,
    /// Root of the per-instance logs (SWE-bench's layout below it).
    #[arg(long, default_value = "logs/run_evaluation")]
    log_dir: PathBuf,
    /// Where the run report goes.
    #[arg(long, default_value = ".")]
    report_dir: PathBuf,
    /// Memory limit per container, MiB.
    #[arg(long, default_value_t = 4096)]
    memory_mib: i64,
    /// CPUs per container.
    #[arg(long, default_value_t = 2.0)]
    cpus: f64,
    /// Debian mirror options (the suite follows each environment's Python).
    #[command(flatten)]
    base: BaseArgs,
    /// Print the run report as JSON on stdout.
    #[arg(long)]
    json: bool,
}

pub fn run(args: EvalArgs) -> anyhow::Result<ExitCode> {
    let instances = common::read_instances(&args.dataset)?;
    let predictions = common::read_predictions(&args.predictions, &instances)?;
    let repos = args
        .repos
        .clone()
        .unwrap_or_else(|| args.dataset.with_file_name("repos"));
    let table = common::environments(
        args.environments.as_ref(),
        &args.dataset,
        &instances,
        &repos,
    )?;
    let bases = args.base.bases_for(&table)?;
    let config = RunConfig {
        run_id: args.run_id.clone(),
        workers: args.workers,
        timeout: Duration::from_secs(args.timeout),
        limits: Limits {
            memory_bytes: args.memory_mib << 20,
            nano_cpus: (args.cpus * 1e9) as i64,
            ..Limits::default()
        },
        log_root: args.log_dir.clone(),
        report_dir: args.report_dir.clone(),
        repos,
        base_tags: bases
            .iter()
            .map(|(python, base)| (python.clone(), base.tag()))
            .collect(),
    };
    let rt = super::super::runtime()?;
    let result = rt.block_on(async {
        let docker = common::docker().await?;
        let reaped = rlvr_envs::swe::reaper::reap_orphans(&docker).await?;
        if !reaped.is_empty() {
            eprintln!("removed {} container(s) left by earlier runs", reaped.len());
        }
        for base in bases.values() {
            base.ensure(&docker)
                .await
                .with_context(|| format!("building the base image {}", base.tag()))?;
        }
        let bar = crate::progress::bar(predictions.len() as u64, "evaluating");
        let on_done = |id: &str, outcome: &PairOutcome| {
            if let PairOutcome::Error { message } = outcome {
                bar.println(format!("{id}: error: {message}"));
            }
            bar.inc(1);
        };
        let run = run_evaluation(&docker, &instances, &predictions, &table, &config, &on_done);
        // SIGINT: stop scheduling, remove this run's containers, exit non-zero.
        let outcome = tokio::select! {
            r = run => Some(r),
            _ = tokio::signal::ctrl_c() => None,
        };
        bar.finish_and_clear();
        match outcome {
            Some(r) => Ok::<_, anyhow::Error>(Some(r?)),
            None => {
                let removed = rlvr_envs::swe::reaper::remove_run(&docker, &config.run_id).await?;
                eprintln!("interrupted; removed {} container(s)", removed.len());
                Ok(None)
            }
        }
    })?;
    let Some(result) = result else {
        return Ok(ExitCode::from(130));
    };
    let r = &result.report;
    if args.json {
        println!("{}", serde_json::to_string_pretty(r)?);
    } else {
        println!(
            "{} submitted, {} completed, {} resolved, {} unresolved, {} empty patch, {} error(s)\nrun report: {}",
            r.submitted_instances,
            r.completed_instances,
            r.resolved_instances,
            r.unresolved_instances,
            r.empty_patch_instances,
            r.error_instances,
            result.report_path.display()
        );
    }
    Ok(if r.error_instances == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
