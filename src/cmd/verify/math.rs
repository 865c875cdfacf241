//! `rlvr verify math`.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct MathArgs {}

pub fn run(_args: MathArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`rlvr verify math` is not built yet")
}
