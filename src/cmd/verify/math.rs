//! `rlvr verify math`: one gold/response pair, or a JSONL batch judged on every core.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};
use rlvr_envs::math::{Judgement, MathVerifier, VerifierConfig};
use serde_json::{json, Map, Value};

use crate::progress;

#[derive(clap::Args)]
#[command(
    after_help = "Exit status for a single pair: 0 when the answer is correct, 1 when it is not.\n\
Batch mode (--in/--out) reads JSONL lines with `gold` and `output` and writes each line back with \
`correct` and `reason` added, in the same order."
)]
pub struct MathArgs {
    /// The gold answer (bare LaTeX, `$...$` or `\boxed{...}`).
    #[arg(long, requires = "response", conflicts_with_all = ["input", "output"])]
    gold: Option<String>,
    /// The full model response.
    #[arg(long, requires = "gold")]
    response: Option<String>,
    /// A JSONL file of cases with `gold` and `output` fields.
    #[arg(long = "in", value_name = "CASES", requires = "output")]
    input: Option<PathBuf>,
    /// Where to write the verdicts (JSONL).
    #[arg(long = "out", value_name = "VERDICTS", requires = "input")]
    output: Option<PathBuf>,
    /// Worker threads for a batch (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Print the verdict (or the batch summary) as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: MathArgs) -> anyhow::Result<ExitCode> {
    let verifier = MathVerifier::new(VerifierConfig::default());
    match (&args.gold, &args.response, &args.input, &args.output) {
        (Some(gold), Some(response), None, None) => single(&verifier, gold, response, args.json),
        (None, None, Some(input), Some(output)) => {
            batch(&verifier, input, output, args.threads, args.json)
        }
        _ => bail!("give either --gold and --response, or --in and --out"),
    }
}

fn single(
    verifier: &MathVerifier,
    gold: &str,
    response: &str,
    as_json: bool,
) -> anyhow::Result<ExitCode> {
    let judgement = verifier.verify(gold, response);
    if as_json {
        println!("{}", serde_json::to_string(&judgement)?);
    } else {
        let verdict = serde_json::to_value(judgement.verdict)?;
        let verdict = verdict.as_str().unwrap_or("?");
        match &judgement.extracted {
            Some(answer) => println!("{verdict}: {} (answer {answer:?})", judgement.reason),
            None => println!("{verdict}: {}", judgement.reason),
        }
    }
    Ok(if judgement.is_correct() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// One input line, checked.
struct Case {
    fields: Map<String, Value>,
    gold: String,
    response: String,
}

fn read_cases(path: &Path) -> anyhow::Result<Vec<Case>> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut cases = Vec::new();
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let at = || format!("{} line {}", path.display(), n + 1);
        let line = line.with_context(at)?;
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(&line).with_context(at)?;
        let Value::Object(fields) = value else {
            bail!("{}: expected a JSON object", at());
        };
        let text = |name: &str| -> anyhow::Result<String> {
            match fields.get(name) {
                Some(Value::String(s)) => Ok(s.clone()),
                Some(Value::Number(x)) => Ok(x.to_string()),
                Some(_) => bail!("{}: field `{name}` must be a string", at()),
                None => bail!("{}: missing field `{name}`", at()),
            }
        };
        let gold = text("gold")?;
        let response = text("output")?;
        cases.push(Case {
            fields,
            gold,
            response,
        });
    }
    Ok(cases)
}

fn batch(
    verifier: &MathVerifier,
    input: &Path,
    output: &Path,
    threads: Option<usize>,
    as_json: bool,
) -> anyhow::Result<ExitCode> {
    let cases = read_cases(input)?;
    let threads = threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .max(1);
    let bar = progress::bar(cases.len() as u64, "verify");
    let started = Instant::now();
    let chunk = cases.len().div_ceil(threads).max(1);
    let judgements: Vec<Judgement> = std::thread::scope(|scope| {
        let workers: Vec<_> = cases
            .chunks(chunk)
            .map(|part| {
                let bar = &bar;
                scope.spawn(move || {
                    part.iter()
                        .map(|case| {
                            let j = verifier.verify(&case.gold, &case.response);
                            bar.inc(1);
                            j
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("a verifier thread panicked"))
            .collect()
    });
    let elapsed = started.elapsed().as_secs_f64();
    bar.finish_and_clear();

    let dir = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("creating a file in {}", dir.display()))?;
    let (mut n_correct, mut n_expected, mut n_agree) = (0usize, 0usize, 0usize);
    for (case, judgement) in cases.iter().zip(&judgements) {
        let mut fields = case.fields.clone();
        let correct = judgement.is_correct();
        n_correct += usize::from(correct);
        if let Some(expected) = fields.get("expected").and_then(Value::as_bool) {
            n_expected += 1;
            n_agree += usize::from(expected == correct);
        }
        fields.insert("correct".into(), Value::Bool(correct));
        fields.insert("reason".into(), Value::String(judgement.reason.clone()));
        writeln!(tmp, "{}", Value::Object(fields))
            .with_context(|| format!("writing {}", output.display()))?;
    }
    tmp.persist(output)
        .with_context(|| format!("writing {}", output.display()))?;

    let per_second = if elapsed > 0.0 {
        cases.len() as f64 / elapsed
    } else {
        0.0
    };
    let summary = json!({
        "cases": cases.len(),
        "correct": n_correct,
        "with_expected": n_expected,
        "agree_with_expected": n_agree,
        "threads": threads,
        "seconds": elapsed,
        "verifications_per_second": per_second,
    });
    if as_json {
        println!("{summary}");
    } else {
        println!(
            "{} cases, {} correct; {:.3} s on {} threads ({:.0} verifications/s){}",
            cases.len(),
            n_correct,
            elapsed,
            threads,
            per_second,
            if n_expected > 0 {
                format!("; agrees with `expected` on {n_agree}/{n_expected}")
            } else {
                String::new()
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}
