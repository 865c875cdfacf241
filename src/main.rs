//! `rlvr`: the command-line interface. CLI definition and glue only; the work lives in the crates.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;
mod progress;
mod registry;

/// Reinforcement learning with verifiable rewards: environments, verifiers and a CISPO trainer.
#[derive(Parser)]
#[command(name = "rlvr", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The main job on its embedded default: a task mix scored with reference and corrupted answers.
    Demo(cmd::demo::DemoArgs),
    /// List and check registered environments.
    Env(cmd::env::EnvArgs),
    /// SynLogic logic puzzles: generate, verify, list.
    Synlogic(cmd::synlogic::SynlogicArgs),
    /// Verify answers: math expressions, programs.
    Verify(cmd::verify::VerifyArgs),
    /// SWE-bench-style evaluation in Docker sandboxes.
    Swe(cmd::swe::SweArgs),
    /// The MiniMax hybrid model: score, FLOPs.
    Model(cmd::model::ModelArgs),
    /// Train a policy with CISPO (or GRPO, DAPO, PPO) on verifiable environments.
    Train(cmd::train::TrainArgs),
    /// Compute a policy-gradient loss and its gradient from a JSON batch.
    Loss(cmd::loss::LossArgs),
    /// Render the metrics of a training run as PNG curves.
    Plot(cmd::plot::PlotArgs),
}

fn main() -> ExitCode {
    // Before anything allocates much: batches of records reuse the heap their predecessors freed.
    rlvr_synlogic::heap::keep_freed_memory();
    // Before any tch call: libtorch caches its CUDA hooks on first use.
    let cuda_loaded = rlvr_kernels::cuda_runtime::preload_cuda();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    tracing::debug!(cuda_loaded, "start");
    // clap exits with 2 on bad usage and 0 for --help.
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Demo(args) => cmd::demo::run(args),
        Command::Env(args) => cmd::env::run(args),
        Command::Synlogic(args) => cmd::synlogic::run(args),
        Command::Verify(args) => cmd::verify::run(args),
        Command::Swe(args) => cmd::swe::run(args),
        Command::Model(args) => cmd::model::run(args),
        Command::Train(args) => cmd::train::run(args),
        Command::Loss(args) => cmd::loss::run(args),
        Command::Plot(args) => cmd::plot::run(args),
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}
