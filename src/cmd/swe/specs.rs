//! `rlvr swe specs`: which instances of a dataset this machine can serve, and why not. Where the
//! repository's clone is present, this is the same derivation `rlvr swe eval` runs (requirements
//! files read at the instance's environment_setup_commit); without it, the tables alone decide.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use rlvr_datasets::{read_records, SweInstance};
use rlvr_envs::swe::environment_spec::{derive, CloneFiles};
use rlvr_envs::swe::images::env::clone_git_dir;
use rlvr_envs::swe::specs::{serviceability, Serviceability, Tables};
use serde::Serialize;

#[derive(clap::Args)]
pub struct SpecsArgs {
    /// SWE-bench instances: `.jsonl`, `.json` or `.parquet`.
    #[arg(long)]
    dataset: PathBuf,
    /// Local git clones, one per `owner__name`; default: `repos` beside the dataset.
    #[arg(long)]
    repos: Option<PathBuf>,
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
    let repos = args
        .repos
        .clone()
        .unwrap_or_else(|| args.dataset.with_file_name("repos"));
    let files = CloneFiles {
        repos: repos.clone(),
    };
    let mut instances = Vec::new();
    for record in records {
        let instance =
            record.with_context(|| format!("reading dataset {}", args.dataset.display()))?;
        let verdict = if clone_git_dir(&repos, &instance.repo).is_ok() {
            let setup = if instance.environment_setup_commit.is_empty() {
                &instance.base_commit
            } else {
                &instance.environment_setup_commit
            };
            match derive(
                &instance.repo,
                &instance.version,
                setup,
                Tables::embedded(),
                &files,
            ) {
                Ok(derived) => match serviceability(&instance.repo, &instance.version) {
                    Serviceability::Serve {
                        interpreter,
                        parser,
                        ..
                    } => {
                        let mut notes = derived.notes;
                        notes.push(format!(
                            "{} pinned packages",
                            derived.spec.pip_packages.len()
                        ));
                        Serviceability::Serve {
                            interpreter,
                            parser,
                            notes,
                        }
                    }
                    cannot => cannot,
                },
                Err(reason) => Serviceability::Cannot { reason },
            }
        } else {
            match serviceability(&instance.repo, &instance.version) {
                Serviceability::Serve {
                    interpreter,
                    parser,
                    mut notes,
                } => {
                    notes.push(format!(
                        "no clone under {}: requirements files not read",
                        repos.display()
                    ));
                    Serviceability::Serve {
                        interpreter,
                        parser,
                        notes,
                    }
                }
                cannot => cannot,
            }
        };
        instances.push(InstanceVerdict {
            serviceability: verdict,
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
