//! `rlvr verify code`.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct CodeArgs {}

pub fn run(_args: CodeArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`rlvr verify code` is not built yet")
}
