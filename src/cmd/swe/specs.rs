//! `rlvr swe specs`.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct SpecsArgs {}

pub fn run(_args: SpecsArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`rlvr swe specs` is not built yet")
}
