//! `rlvr swe images build|list|prune`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use rlvr_envs::swe::images;

use super::common::{self, BaseArgs};

#[derive(clap::Args, Debug)]
pub struct ImagesArgs {
    #[command(subcommand)]
    command: ImagesCommand,
}

#[derive(Subcommand, Debug)]
enum ImagesCommand {
    /// Build the base image and the environment images of a dataset (skipping those present).
    Build {
        /// Instances whose environments to build; without it, only the base image.
        #[arg(long)]
        dataset: Option<PathBuf>,
        #[arg(long)]
        repos: Option<PathBuf>,
        #[arg(long)]
        environments: Option<PathBuf>,
        #[command(flatten)]
        base: BaseArgs,
        #[arg(long)]
        json: bool,
    },
    /// List our images.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove our images, except those named with --keep.
    Prune {
        #[arg(long)]
        keep: Vec<String>,
    },
}

pub fn run(args: ImagesArgs) -> anyhow::Result<ExitCode> {
    let rt = super::super::runtime()?;
    rt.block_on(async {
        let docker = common::docker().await?;
        match args.command {
            ImagesCommand::Build {
                dataset,
                repos,
                environments,
                base,
                json,
            } => {
                let mut built = Vec::new();
                match dataset {
                    // Without a dataset: the base image of --suite.
                    None => {
                        let base = base.base()?;
                        built.push(
                            base.ensure(&docker)
                                .await
                                .context("building the base image")?,
                        );
                    }
                    Some(dataset) => {
                        let instances = common::read_instances(&dataset)?;
                        let repos = repos.unwrap_or_else(|| dataset.with_file_name("repos"));
                        let table = common::environments(
                            environments.as_ref(),
                            &dataset,
                            &instances,
                            &repos,
                        )?;
                        let mut base_tags = std::collections::BTreeMap::new();
                        for (python, base) in base.bases_for(&table)? {
                            let tag = base.ensure(&docker).await.with_context(|| {
                                format!("building the base image {}", base.tag())
                            })?;
                            built.push(tag.clone());
                            base_tags.insert(python, tag);
                        }
                        for spec in table.iter() {
                            let tag = images::env::ensure(
                                &docker,
                                &base_tags[&spec.python],
                                spec,
                                &repos,
                            )
                            .await
                            .with_context(|| {
                                format!("building the image of {}@{}", spec.repo, spec.version)
                            })?;
                            built.push(tag);
                        }
                    }
                }
                if json {
                    println!("{}", serde_json::to_string_pretty(&built)?);
                } else {
                    for tag in built {
                        println!("{tag}");
                    }
                }
            }
            ImagesCommand::List { json } => {
                let list = images::list(&docker).await?;
                if json {
                    println!("{}", serde_json::to_string_pretty(&list)?);
                } else {
                    for i in list {
                        println!(
                            "{:<70} {:<5} {:>8.1} MB",
                            i.tag,
                            i.kind,
                            i.size as f64 / 1e6
                        );
                    }
                }
            }
            ImagesCommand::Prune { keep } => {
                for tag in images::prune(&docker, &keep).await? {
                    println!("removed {tag}");
                }
            }
        }
        Ok::<_, anyhow::Error>(ExitCode::SUCCESS)
    })
}
