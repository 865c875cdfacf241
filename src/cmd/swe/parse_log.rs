//! `rlvr swe parse-log`: a test log to its SWE-bench status map, as JSON.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use rlvr_envs::swe::grading::normalize_newlines;
use rlvr_envs::swe::log_parsers::{self, LogParser};

#[derive(clap::Args)]
#[command(group = clap::ArgGroup::new("which").required(true).args(["parser", "repo"]))]
pub struct ParseLogArgs {
    /// Parser name: pytest, pytest_options, pytest_v2, django, sympy, seaborn, matplotlib (or a
    /// SWE-bench `parse_log_*` name).
    #[arg(long)]
    parser: Option<LogParser>,
    /// Repository (`owner/name`): use the parser SWE-bench uses for it.
    #[arg(long, value_name = "OWNER/NAME")]
    repo: Option<String>,
    /// The log file. Bytes that are not UTF-8 are replaced; line endings are read the way Python
    /// reads text files (`\r\n` and `\r` become `\n`), as SWE-bench does.
    #[arg(long)]
    log: PathBuf,
}

pub fn run(args: ParseLogArgs) -> anyhow::Result<ExitCode> {
    let parser = match (args.parser, args.repo.as_deref()) {
        (Some(parser), _) => parser,
        (None, Some(repo)) => LogParser::for_repo(repo).with_context(|| {
            format!(
                "SWE-bench has no log parser for repository {repo:?}; pass --parser NAME instead"
            )
        })?,
        (None, None) => anyhow::bail!("pass --parser NAME or --repo OWNER/NAME"),
    };
    let bytes =
        std::fs::read(&args.log).with_context(|| format!("reading log {}", args.log.display()))?;
    let log = normalize_newlines(&String::from_utf8_lossy(&bytes));
    let statuses = log_parsers::parse(parser, &log);
    println!("{}", serde_json::to_string_pretty(&statuses)?);
    Ok(ExitCode::SUCCESS)
}
