//! `rlvr synlogic`.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct SynlogicArgs {}

pub fn run(_args: SynlogicArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`rlvr synlogic` is not built yet")
}
