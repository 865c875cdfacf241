//! `rlvr model`.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct ModelArgs {}

pub fn run(_args: ModelArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`rlvr model` is not built yet")
}
