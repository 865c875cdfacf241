//! `rlvr swe specs`: which instances of a dataset this machine can serve, and why not.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use rlvr_datasets::{read_records, SweInstance};
use rlvr_envs::swe::specs::{serviceability, Serviceability};
use serde::Serialize;

#[derive(clap::Args)]
pub struct SpecsArgs {
    /// SWE-bench instances: `.jsonl`, `.json` or `.parquet`.
    #[arg(long)]
    dataset: PathBuf,
    /// Print one JSON object (per-instance verdicts and totals) instead of a table.
    #[arg(long)]
    json: bool,
}

/// One instance's verdict, as `--json` prints it.
#[derive(Serialize)]
struct InstanceVerdict {
    instance_id: String,
    repo: String,
    version: String,
    #[serde(flatten)]
    serviceability: Serviceability,
}

#[derive(Serialize)]
struct Summary {
    total: usize,
    servable: usize,
    not_servable: usize,
    instances: Vec<InstanceVerdict>,
}

pub fn run(args: SpecsArgs) -> anyhow::Result<ExitCode> {
    let records = read_records::<SweInstance>(&args.dataset)
        .with_context(|| format!("opening dataset {}", args.dataset.display()))?;
    let mut instances = Vec::new();
    for record in records {
        let instance =
            record.with_context(|| format!("reading dataset {}", args.dataset.display()))?;
        instances.push(InstanceVerdict {
            serviceability: serviceability(&instance.repo, &instance.version),
            instance_id: instance.instance_id,
            repo: instance.repo,
            version: instance.version,
        });
    }
    let servable = instances
        .iter()
        .filter(|verdict| matches!(verdict.serviceability, Serviceability::Serve { .. }))
        .count();
    let summary = Summary {
        total: instances.len(),
        servable,
        not_servable: instances.len() - servable,
        instances,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print_table(&summary);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_table(summary: &Summary) {
    for verdict in &summary.instances {
        match &verdict.serviceability {
            Serviceability::Serve {
                interpreter,
                parser,
                notes,
            } => {
                let notes = if notes.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", notes.join("; "))
                };
                println!(
                    "serve   {}  {} {}  python {} ({}), parser {parser}{notes}",
                    verdict.instance_id,
                    verdict.repo,
                    verdict.version,
                    interpreter.python,
                    interpreter.suite
                );
            }
            Serviceability::Cannot { reason } => {
                println!(
                    "cannot  {}  {} {}  {reason}",
                    verdict.instance_id, verdict.repo, verdict.version
                );
            }
        }
    }
    println!(
        "{} instances: {} can be served, {} cannot",
        summary.total, summary.servable, summary.not_servable
    );
}
