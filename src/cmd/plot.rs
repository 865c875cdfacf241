//! `rlvr plot`.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct PlotArgs {}

pub fn run(_args: PlotArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`rlvr plot` is not built yet")
}
