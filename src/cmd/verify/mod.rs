//! `rlvr verify`: answer verifiers as commands.

use std::process::ExitCode;

use clap::{Args, Subcommand};

pub mod code;
pub mod math;

#[derive(Args)]
pub struct VerifyArgs {
    #[command(subcommand)]
    command: VerifyCommand,
}

#[derive(Subcommand)]
enum VerifyCommand {
    /// Check a math answer against a gold answer (one pair, or a JSONL batch).
    Math(math::MathArgs),
    /// Run a program against a problem's tests in the sandbox.
    Code(code::CodeArgs),
}

pub fn run(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        VerifyCommand::Math(args) => math::run(args),
        VerifyCommand::Code(args) => code::run(args),
    }
}
