//! `rlvr swe clean`: remove every container the harness created (found by label).

use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct CleanArgs {
    /// Also remove our images.
    #[arg(long)]
    images: bool,
}

pub fn run(args: CleanArgs) -> anyhow::Result<ExitCode> {
    let rt = super::super::runtime()?;
    rt.block_on(async {
        let docker = super::common::docker().await?;
        let removed = rlvr_envs::swe::reaper::remove_all(&docker).await?;
        println!("removed {} container(s)", removed.len());
        if args.images {
            let images = rlvr_envs::swe::images::prune(&docker, &[]).await?;
            println!("removed {} image(s)", images.len());
        }
        Ok::<_, anyhow::Error>(ExitCode::SUCCESS)
    })
}
