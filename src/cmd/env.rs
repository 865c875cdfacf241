//! `rlvr env`: list registered environments and check their conformance.

use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use rlvr_envs::conformance::{check, CheckConfig};

use crate::registry;

#[derive(Args)]
pub struct EnvArgs {
    #[command(subcommand)]
    command: EnvCommand,
}

#[derive(Subcommand)]
enum EnvCommand {
    /// Print the registered environment ids, one per line.
    List {
        /// Print a JSON array instead.
        #[arg(long)]
        json: bool,
    },
    /// Check an environment: determinism by seed, reward range, reference scores 1, garbage scores 0.
    Check {
        /// The environment id, e.g. `synlogic/sudoku@1`.
        id: String,
        /// The environment's config as JSON (defaults when absent).
        #[arg(long)]
        config: Option<String>,
        /// Seeds to draw tasks from.
        #[arg(long, value_delimiter = ',', default_values_t = [0u64, 1])]
        seeds: Vec<u64>,
        /// Tasks per seed.
        #[arg(long, default_value_t = 4)]
        tasks: u64,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(args: EnvArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        EnvCommand::List { json } => {
            let ids: Vec<String> = registry::full().specs().map(|s| s.id.to_string()).collect();
            if json {
                println!("{}", serde_json::to_string(&ids)?);
            } else {
                for id in ids {
                    println!("{id}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        EnvCommand::Check {
            id,
            config,
            seeds,
            tasks,
            json,
        } => {
            let config = match config {
                Some(text) => serde_json::from_str(&text).context("--config is not valid JSON")?,
                None => serde_json::Value::Null,
            };
            let env = registry::full().build(&id, &config)?;
            let check_config = CheckConfig {
                seeds,
                tasks_per_seed: tasks,
            };
            let report = super::runtime()?.block_on(check(env.as_ref(), &check_config));
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                println!("{} ({} tasks)", report.env, report.tasks_checked);
                for c in &report.checks {
                    let mark = if c.passed { "ok  " } else { "FAIL" };
                    match &c.detail {
                        Some(d) => println!("  {mark} {}: {d}", c.name),
                        None => println!("  {mark} {}", c.name),
                    }
                }
            }
            Ok(if report.passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}
