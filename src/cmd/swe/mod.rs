//! `rlvr swe`: SWE-bench-style evaluation in Docker sandboxes.

use std::process::ExitCode;

use clap::{Args, Subcommand};

pub mod clean;
pub mod common;
pub mod eval;
pub mod images;
pub mod parse_log;
pub mod specs;
pub mod synth;

#[derive(Args)]
pub struct SweArgs {
    #[command(subcommand)]
    command: SweCommand,
}

#[derive(Subcommand)]
enum SweCommand {
    /// Parse a test log into a status map, as SWE-bench's parsers do.
    ParseLog(parse_log::ParseLogArgs),
    /// List which instances of a dataset this machine can serve, and why not.
    Specs(specs::SpecsArgs),
    /// Evaluate predictions against instances in Docker sandboxes.
    Eval(eval::EvalArgs),
    /// Build, list and prune the offline images.
    Images(images::ImagesArgs),
    /// Remove every container (and with --images every image) of ours.
    Clean(clean::CleanArgs),
    /// Make task instances from real projects with injected bugs.
    Synth(synth::SynthArgs),
}

pub fn run(args: SweArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        SweCommand::ParseLog(args) => parse_log::run(args),
        SweCommand::Specs(args) => specs::run(args),
        SweCommand::Eval(args) => eval::run(args),
        SweCommand::Images(args) => images::run(args),
        SweCommand::Clean(args) => clean::run(args),
        SweCommand::Synth(args) => synth::run(args),
    }
}
