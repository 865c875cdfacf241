//! `rlvr swe`.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct SweArgs {}

pub fn run(_args: SweArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`rlvr swe` is not built yet")
}
