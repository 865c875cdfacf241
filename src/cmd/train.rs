//! `rlvr train`.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct TrainArgs {}

pub fn run(_args: TrainArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`rlvr train` is not built yet")
}
