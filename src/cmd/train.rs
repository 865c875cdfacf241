//! `rlvr train`: SFT warm-up then RL (CISPO by default) on registered environments, from a TOML
//! config (the embedded default when `--config` is absent).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::Context;
use rlvr_trainer::config::TrainConfig;
use rlvr_trainer::train::{RunEnd, Trainer};

/// The main job: the `tiny` model, SFT on reference solutions, then CISPO, on CPU in a few minutes.
pub const DEFAULT_CONFIG: &str = include_str!("../../configs/main.toml");

#[derive(clap::Args)]
pub struct TrainArgs {
    /// A TOML training config; the embedded default (configs/main.toml) when absent.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Override a config value, e.g. `--set rl.steps=10 --set loss.algo=dapo` (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    overrides: Vec<String>,
    /// Print the resolved config as JSON and exit.
    #[arg(long)]
    print_config: bool,
    /// Print one JSON summary line at the end (for scripts).
    #[arg(long)]
    json: bool,
}

pub fn run(args: TrainArgs) -> anyhow::Result<ExitCode> {
    let (text, source) = match &args.config {
        Some(path) => (
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?,
            path.display().to_string(),
        ),
        None => (
            DEFAULT_CONFIG.to_owned(),
            "the embedded default config (configs/main.toml)".to_owned(),
        ),
    };
    let config = TrainConfig::parse(&text, &source, &args.overrides)?;
    if args.print_config {
        println!("{}", serde_json::to_string_pretty(&config)?);
        return Ok(ExitCode::SUCCESS);
    }
    let registry = crate::registry::full();
    let envs = config
        .envs
        .iter()
        .enumerate()
        .map(|(i, e)| {
            registry
                .build(&e.id, &e.config)
                .with_context(|| format!("{source}: envs[{i}]"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let runtime = super::runtime()?;
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = Arc::clone(&stop);
        runtime.spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("\ninterrupt: finishing the current step, then saving a checkpoint");
                stop.store(true, Ordering::SeqCst);
            }
        });
    }
    let started = std::time::Instant::now();
    let out_dir = config.run.out_dir.clone();
    let mut trainer =
        Trainer::new(config, envs, runtime.handle().clone()).context("setting up the run")?;
    if let Some(dir) = trainer.resumed_from() {
        eprintln!("resuming from {}", dir.display());
    }
    eprintln!(
        "training {} parameters for {} steps ({} done); metrics in {}",
        trainer.num_parameters(),
        trainer.total_steps(),
        trainer.steps_done(),
        out_dir.join(rlvr_trainer::metrics::METRICS_FILE).display()
    );
    let bar = crate::progress::bar(trainer.total_steps(), "train");
    bar.set_position(trainer.steps_done());
    let end = trainer
        .run(&stop, |report| {
            bar.set_position(report.steps_done);
            let r = &report.record;
            let msg = match r["phase"].as_str() {
                Some("rl") => format!("rl r={:.2}", r["reward"].as_f64().unwrap_or(f64::NAN)),
                _ => format!("sft l={:.2}", r["loss"].as_f64().unwrap_or(f64::NAN)),
            };
            bar.set_message(msg);
        })
        .context("training")?;
    bar.finish_and_clear();
    let records = rlvr_trainer::metrics::read(&out_dir.join(rlvr_trainer::metrics::METRICS_FILE))?;
    let evals: Vec<_> = records.iter().filter(|r| r["phase"] == "eval").collect();
    let summary = serde_json::json!({
        "out_dir": out_dir,
        "steps_done": trainer.steps_done(),
        "interrupted": end == RunEnd::Interrupted,
        "seconds": started.elapsed().as_secs_f64(),
        "heldout": evals.iter().map(|e| serde_json::json!({
            "label": e["label"], "step": e["step"], "reward": e["heldout_reward"],
            "per_env": e["heldout_reward_per_env"],
        })).collect::<Vec<_>>(),
    });
    if args.json {
        println!("{summary}");
    } else {
        for e in &evals {
            println!(
                "held-out reward at step {:>4} ({}): {:.3}  {}",
                e["step"],
                e["label"].as_str().unwrap_or(""),
                e["heldout_reward"].as_f64().unwrap_or(f64::NAN),
                e["heldout_reward_per_env"]
            );
        }
        println!(
            "wall time {:.1}s; run dir {}",
            started.elapsed().as_secs_f64(),
            out_dir.display()
        );
    }
    Ok(if end == RunEnd::Interrupted {
        ExitCode::from(130)
    } else {
        ExitCode::SUCCESS
    })
}
