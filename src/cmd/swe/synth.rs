//! `rlvr swe synth`: task instances from real projects with injected bugs (see
//! `rlvr_envs::swe::synth`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use rlvr_envs::swe::synth::{projects, synthesize, SynthConfig};

use super::common::{self, BaseArgs};

#[derive(clap::Args, Debug)]
pub struct SynthArgs {
    /// Output directory; default: the directory `swe/patch@1` reads by default.
    #[arg(long)]
    out: Option<PathBuf>,
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Instances per project.
    #[arg(long, default_value_t = 2)]
    per_project: usize,
    /// Candidate bugs tried per project at most.
    #[arg(long, default_value_t = 12)]
    max_attempts: usize,
    /// Projects (pip names); default: all known.
    #[arg(long, value_delimiter = ',')]
    projects: Vec<String>,
    /// Test timeout per run, seconds.
    #[arg(long, default_value_t = 300)]
    timeout: u64,
    #[command(flatten)]
    base: BaseArgs,
    #[arg(long)]
    json: bool,
}

pub fn run(args: SynthArgs) -> anyhow::Result<ExitCode> {
    let chosen = if args.projects.is_empty() {
        projects::PROJECTS.iter().collect()
    } else {
        args.projects
            .iter()
            .map(|p| {
                projects::find(p).with_context(|| {
                    let known: Vec<_> = projects::PROJECTS.iter().map(|p| p.package).collect();
                    format!("unknown project {p:?}; known: {}", known.join(", "))
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(rlvr_envs::swe::patch_env::default_synth_dir);
    let base = args.base.base()?;
    let config = SynthConfig {
        out,
        seed: args.seed,
        per_project: args.per_project,
        max_attempts: args.max_attempts,
        projects: chosen,
        base_tag: base.tag(),
        timeout: Duration::from_secs(args.timeout),
    };
    let rt = super::super::runtime()?;
    let summary = rt.block_on(async {
        let docker = common::docker().await?;
        base.ensure(&docker)
            .await
            .context("building the base image")?;
        let summary = synthesize(&docker, &config, |i| {
            eprintln!(
                "kept {} ({} FAIL_TO_PASS, {} PASS_TO_PASS)",
                i.instance_id,
                i.fail_to_pass.len(),
                i.pass_to_pass.len()
            )
        })
        .await?;
        Ok::<_, anyhow::Error>(summary)
    })?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        println!(
            "{} instance(s) from {} candidate(s): {}",
            summary.instances,
            summary.tried,
            summary.instances_file.display()
        );
    }
    Ok(if summary.instances > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
