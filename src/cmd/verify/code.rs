//! `rlvr verify code`: judge one program against a problem's tests, or a JSONL batch on every core.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{bail, Context};
use rlvr_envs::code::fence;
use rlvr_envs::code::formats::parse_problem;
use rlvr_envs::code::sandbox::SandboxKind;
use rlvr_envs::code::{judge, JudgeOptions, Language, Report, RewardMode, TestVerdict};
use rlvr_envs::extract::strip_think;
use serde_json::{json, Value};

use crate::progress;

#[derive(clap::Args)]
#[command(
    after_help = "A problem is a LiveCodeBench, APPS or code_contests record, or {\"tests\": [{\"input\", \
\"output\"}]}, optionally with `checker`, `time_limit_s` and `memory_limit_mb`.\n\
Exit status for one submission: 0 when accepted (AC), 1 otherwise.\n\
Batch mode (--in/--out) reads JSONL lines with `problem` (a record) and `response` (and optionally \
`language`) and writes one report per line, in the same order."
)]
pub struct CodeArgs {
    /// The problem record (JSON).
    #[arg(long, requires = "response", conflicts_with_all = ["input", "output"])]
    problem: Option<PathBuf>,
    /// The model's response (its last fenced code block is the program).
    #[arg(long, requires = "problem")]
    response: Option<PathBuf>,
    /// python, cpp or rust (default: the language of the last tagged code block, else python).
    #[arg(long)]
    language: Option<Language>,
    /// A JSONL file of submissions.
    #[arg(long = "in", value_name = "SUBMISSIONS", requires = "output")]
    input: Option<PathBuf>,
    /// Where to write the reports (JSONL).
    #[arg(long = "out", value_name = "REPORTS", requires = "input")]
    output: Option<PathBuf>,
    /// Reward the fraction of tests passed instead of all-or-nothing.
    #[arg(long)]
    partial: bool,
    /// Run every test even after a failure.
    #[arg(long)]
    all_tests: bool,
    /// Worker threads for a batch (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Print the batch summary as JSON (a single report is always JSON).
    #[arg(long)]
    json: bool,
    /// Where programs run: namespaces (the process sandbox) or docker (one container per run).
    #[arg(long, default_value = "namespaces", value_name = "namespaces|docker")]
    sandbox: SandboxKind,
}

pub fn run(args: CodeArgs) -> anyhow::Result<ExitCode> {
    let options = JudgeOptions {
        reward: if args.partial {
            RewardMode::Fraction
        } else {
            RewardMode::AllOrNothing
        },
        stop_at_first_failure: !args.all_tests,
        sandbox: args.sandbox,
    };
    match (&args.problem, &args.response, &args.input, &args.output) {
        (Some(problem), Some(response), None, None) => {
            single(problem, response, args.language, &options)
        }
        (None, None, Some(input), Some(output)) => batch(
            input,
            output,
            args.language,
            &options,
            args.threads,
            args.json,
        ),
        _ => bail!("give either --problem and --response, or --in and --out"),
    }
}

fn read_json(path: &Path) -> anyhow::Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{}: not JSON", path.display()))
}

/// Judges one response; an error names what was wrong with the input.
fn judge_one(
    problem: &Value,
    response: &str,
    language: Option<Language>,
    options: &JudgeOptions,
) -> anyhow::Result<Report> {
    let problem = parse_problem(problem)?;
    let text = strip_think(response);
    let language = language
        .or_else(|| fence::any_program(text).map(|(l, _)| l))
        .unwrap_or(Language::Python);
    let Some(source) = fence::program_for(text, language) else {
        return Ok(Report {
            verdict: TestVerdict::CE,
            passed: 0,
            total: problem.suite.tests.len(),
            reward: 0.0,
            language: language.name().to_owned(),
            tests: vec![],
            compile_output: Some(format!(
                "no ```{} code block in the response",
                language.name()
            )),
        });
    };
    Ok(judge(&problem.suite, language, source, options)?)
}

fn single(
    problem: &Path,
    response: &Path,
    language: Option<Language>,
    options: &JudgeOptions,
) -> anyhow::Result<ExitCode> {
    let record = read_json(problem)?;
    let response = std::fs::read_to_string(response)
        .with_context(|| format!("reading {}", response.display()))?;
    let report = judge_one(&record, &response, language, options)
        .with_context(|| format!("judging {}", problem.display()))?;
    println!("{}", serde_json::to_string(&report)?);
    Ok(if report.verdict == TestVerdict::AC {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// One input line.
struct Submission {
    problem: Value,
    response: String,
    language: Option<Language>,
}

fn read_submissions(path: &Path) -> anyhow::Result<Vec<Submission>> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let at = || format!("{} line {}", path.display(), n + 1);
        let line = line.with_context(at)?;
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(&line).with_context(at)?;
        let problem = v
            .get("problem")
            .cloned()
            .with_context(|| format!("{}: no `problem` field", at()))?;
        let response = v
            .get("response")
            .and_then(Value::as_str)
            .with_context(|| format!("{}: `response` must be a string", at()))?
            .to_owned();
        let language = match v.get("language") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(
                s.parse::<Language>()
                    .map_err(anyhow::Error::msg)
                    .with_context(at)?,
            ),
            Some(_) => bail!("{}: `language` must be a string", at()),
        };
        out.push(Submission {
            problem,
            response,
            language,
        });
    }
    Ok(out)
}

fn batch(
    input: &Path,
    output: &Path,
    language: Option<Language>,
    options: &JudgeOptions,
    threads: Option<usize>,
    as_json: bool,
) -> anyhow::Result<ExitCode> {
    let submissions = read_submissions(input)?;
    let threads = threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let start = Instant::now();
    let bar = progress::bar(submissions.len() as u64, "judging");
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Value>>> = Mutex::new(vec![None; submissions.len()]);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(s) = submissions.get(i) else { break };
                let line =
                    match judge_one(&s.problem, &s.response, s.language.or(language), options) {
                        Ok(report) => serde_json::to_value(&report).unwrap_or(Value::Null),
                        Err(e) => json!({ "error": format!("{e:#}") }),
                    };
                results.lock().expect("no panics while held")[i] = Some(line);
                bar.inc(1);
            });
        }
    });
    bar.finish_and_clear();
    let results = results.into_inner().expect("no panics while held");
    let dir = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("creating a temp file in {}", dir.display()))?;
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for r in results.iter().flatten() {
        let key = r
            .get("verdict")
            .and_then(Value::as_str)
            .unwrap_or("error")
            .to_owned();
        *counts.entry(key).or_default() += 1;
        writeln!(tmp, "{r}")?;
    }
    tmp.persist(output)
        .with_context(|| format!("writing {}", output.display()))?;
    let seconds = start.elapsed().as_secs_f64();
    let errors = counts.get("error").copied().unwrap_or(0);
    let summary = json!({
        "submissions": results.len(),
        "verdicts": counts,
        "seconds": seconds,
        "per_second": results.len() as f64 / seconds.max(1e-9),
        "threads": threads,
    });
    if as_json {
        println!("{summary}");
    } else {
        println!(
            "{} submissions in {seconds:.1} s ({:.1}/s on {threads} threads): {}",
            results.len(),
            results.len() as f64 / seconds.max(1e-9),
            counts
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(if errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
