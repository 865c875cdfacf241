//! `rlvr swe parse-log`.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct ParseLogArgs {}

pub fn run(_args: ParseLogArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`rlvr swe parse-log` is not built yet")
}
