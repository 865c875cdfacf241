//! `rlvr swe`: SWE-bench-style evaluation in Docker sandboxes.

use std::process::ExitCode;

use clap::{Args, Subcommand};

pub mod parse_log;
pub mod specs;

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
}

pub fn run(args: SweArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        SweCommand::ParseLog(args) => parse_log::run(args),
        SweCommand::Specs(args) => specs::run(args),
    }
}
