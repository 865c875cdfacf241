//! `rlvr loss`.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct LossArgs {}

pub fn run(_args: LossArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`rlvr loss` is not built yet")
}
