//! `rlvr synlogic`: list the SynLogic tasks, generate records in SynLogic's schema, verify responses
//! in SynLogic records, and measure generation and verification speed.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;
use serde_json::{Map, Value};

use rlvr_synlogic::{bench, tasks, Difficulty, GenOptions, Gold, Language, Puzzle};

use crate::progress;

#[derive(Args)]
pub struct SynlogicArgs {
    #[command(subcommand)]
    command: SynlogicCommand,
}

#[derive(Subcommand)]
enum SynlogicCommand {
    /// Print the task ids, one per line.
    List {
        /// Print a JSON array instead.
        #[arg(long)]
        json: bool,
    },
    /// Generate records in SynLogic's Data schema (question, answer, difficulty, metadata), one JSON per line.
    Gen {
        /// The task id (see `rlvr synlogic list`).
        #[arg(long)]
        task: String,
        /// How many records.
        #[arg(long, default_value_t = 100)]
        count: u64,
        /// Difficulty level 1..=10.
        #[arg(long, default_value_t = 5)]
        difficulty: i64,
        /// Seed of the stream; record i is instance i of this seed.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Index of the first record.
        #[arg(long, default_value_t = 0)]
        start: u64,
        /// Force the prompt language (drawn per record when absent).
        #[arg(long, value_enum)]
        language: Option<LanguageArg>,
        /// Output JSONL file (written to a temporary file, then renamed).
        #[arg(long)]
        out: PathBuf,
    },
    /// Verify responses: each input line is a SynLogic record plus `response`; each output line is
    /// the input plus `correct` and `reason`.
    Verify {
        /// The task id.
        #[arg(long)]
        task: String,
        /// Input JSONL file.
        #[arg(long = "in")]
        input: PathBuf,
        /// Output JSONL file (written to a temporary file, then renamed).
        #[arg(long)]
        out: PathBuf,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Measure generation and verification speed (one thread) and mean solver effort per level.
    Bench {
        /// Tasks to measure (all when absent); repeat or separate with commas.
        #[arg(long, value_delimiter = ',')]
        task: Vec<String>,
        /// Levels to measure (all ten when absent).
        #[arg(long, value_delimiter = ',')]
        difficulty: Vec<i64>,
        /// Instances per batch: generation repeats fresh batches for at least 200 ms of CPU, and
        /// the last batch is verified.
        #[arg(long, default_value_t = 200)]
        count: u64,
        /// Seed of the generated stream.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Print the rows as JSON.
        #[arg(long)]
        json: bool,
        /// Skip the solver-effort pass (untimed, but it can take minutes at high levels).
        #[arg(long)]
        no_effort: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum LanguageArg {
    En,
    Zh,
}

impl From<LanguageArg> for Language {
    fn from(l: LanguageArg) -> Language {
        match l {
            LanguageArg::En => Language::En,
            LanguageArg::Zh => Language::Zh,
        }
    }
}

pub fn run(args: SynlogicArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        SynlogicCommand::List { json } => {
            let ids: Vec<&str> = tasks::ALL.iter().map(|p| p.id()).collect();
            if json {
                println!("{}", serde_json::to_string(&ids)?);
            } else {
                for id in ids {
                    println!("{id}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        SynlogicCommand::Gen {
            task,
            count,
            difficulty,
            seed,
            start,
            language,
            out,
        } => {
            let puzzle = tasks::find(&task)?;
            let options = GenOptions {
                difficulty: Difficulty::new(difficulty).context("--difficulty")?,
                language: language.map(Language::from),
            };
            generate(puzzle, options, seed, start, count, &out)?;
            Ok(ExitCode::SUCCESS)
        }
        SynlogicCommand::Verify {
            task,
            input,
            out,
            json,
        } => {
            let puzzle = tasks::find(&task)?;
            let summary = verify_file(puzzle, &input, &out)?;
            if json {
                println!("{}", serde_json::to_string(&summary)?);
            } else {
                println!(
                    "{}: {} of {} responses correct -> {}",
                    summary.task,
                    summary.correct,
                    summary.records,
                    out.display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        SynlogicCommand::Bench {
            task,
            difficulty,
            count,
            seed,
            json,
            no_effort,
        } => bench(&task, &difficulty, count, seed, json, no_effort),
    }
}

/// A JSONL writer into a temporary file beside `out`, renamed over it on `finish`.
struct AtomicJsonl {
    out: PathBuf,
    writer: BufWriter<tempfile::NamedTempFile>,
}

impl AtomicJsonl {
    fn create(out: &Path) -> anyhow::Result<Self> {
        let dir = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let file = tempfile::NamedTempFile::new_in(dir)
            .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
        Ok(AtomicJsonl {
            out: out.to_owned(),
            writer: BufWriter::new(file),
        })
    }

    fn write(&mut self, value: &Value) -> anyhow::Result<()> {
        serde_json::to_writer(&mut self.writer, value)?;
        self.writer.write_all(b"\n")?;
        Ok(())
    }

    fn finish(self) -> anyhow::Result<()> {
        let file = self
            .writer
            .into_inner()
            .map_err(|e| e.into_error())
            .with_context(|| format!("cannot write {}", self.out.display()))?;
        file.persist(&self.out)
            .with_context(|| format!("cannot rename the output into {}", self.out.display()))?;
        Ok(())
    }
}

fn generate(
    puzzle: &dyn Puzzle,
    options: GenOptions,
    seed: u64,
    start: u64,
    count: u64,
    out: &Path,
) -> anyhow::Result<()> {
    let mut writer = AtomicJsonl::create(out)?;
    let bar = progress::bar(count, "generating");
    for index in start..start + count {
        let instance = puzzle.generate(seed, index, options)?;
        writer.write(&instance.to_record())?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    writer.finish()
}

#[derive(Serialize)]
struct VerifySummary {
    task: &'static str,
    records: u64,
    correct: u64,
}

fn verify_file(puzzle: &dyn Puzzle, input: &Path, out: &Path) -> anyhow::Result<VerifySummary> {
    let file = File::open(input).with_context(|| format!("cannot open {}", input.display()))?;
    let mut writer = AtomicJsonl::create(out)?;
    let mut summary = VerifySummary {
        task: puzzle.id(),
        records: 0,
        correct: 0,
    };
    for (number, line) in BufReader::new(file).lines().enumerate() {
        let at = || format!("{}:{}", input.display(), number + 1);
        let line = line.with_context(|| format!("{}: cannot read", at()))?;
        if line.trim().is_empty() {
            continue;
        }
        let mut record: Map<String, Value> =
            serde_json::from_str(&line).with_context(|| format!("{}: not a JSON object", at()))?;
        let response = match record.get("response") {
            Some(Value::String(s)) => s.clone(),
            Some(_) => bail!("{}: field `response` is not a string", at()),
            None => bail!("{}: missing field `response`", at()),
        };
        if !record.get("question").is_none_or(Value::is_string) {
            bail!("{}: field `question` is not a string", at());
        }
        let judgement = puzzle
            .verify(Gold::from_record(&record), &response)
            .with_context(at)?;
        summary.records += 1;
        summary.correct += u64::from(judgement.is_correct());
        record.insert("correct".into(), Value::Bool(judgement.is_correct()));
        record.insert("reason".into(), Value::String(judgement.reason));
        writer.write(&Value::Object(record))?;
    }
    writer.finish()?;
    Ok(summary)
}

#[derive(Serialize)]
struct BenchRow {
    task: &'static str,
    difficulty: u8,
    /// Instances per batch (generation repeats batches for at least 200 ms of CPU).
    instances: u64,
    generated_per_s: f64,
    verified_per_s: f64,
    /// The same rates over this thread's CPU time, comparable with Python's
    /// `time.process_time()` when the machine is shared.
    cpu_generated_per_s: f64,
    cpu_verified_per_s: f64,
    mean_solver_nodes: Option<f64>,
}

fn bench(
    task_ids: &[String],
    levels: &[i64],
    count: u64,
    seed: u64,
    json: bool,
    no_effort: bool,
) -> anyhow::Result<ExitCode> {
    let puzzles: Vec<&dyn Puzzle> = if task_ids.is_empty() {
        tasks::ALL.to_vec()
    } else {
        task_ids
            .iter()
            .map(|t| tasks::find(t))
            .collect::<Result<_, _>>()?
    };
    let levels: Vec<Difficulty> = if levels.is_empty() {
        Difficulty::all().collect()
    } else {
        levels
            .iter()
            .map(|&l| Difficulty::new(l))
            .collect::<Result<_, _>>()
            .context("--difficulty")?
    };
    let count = count.max(1);
    let mut rows = Vec::new();
    if !json {
        println!("task                   level  gen/s        verify/s     mean solver nodes");
    }
    for puzzle in puzzles {
        for &level in &levels {
            let options = GenOptions::at(level);
            let measured = bench::measure(puzzle, options, seed, count)?;
            let nodes: Vec<u64> = if no_effort {
                Vec::new()
            } else {
                // Effort is reported over indices 0..count, whichever batch was timed last.
                let first: Vec<_> = if measured.first_index == 0 {
                    measured.instances
                } else {
                    (0..count)
                        .map(|index| puzzle.generate(seed, index, options))
                        .collect::<Result<_, _>>()?
                };
                first
                    .iter()
                    .filter_map(|i| puzzle.solver_effort(i))
                    .collect()
            };
            let mean_solver_nodes =
                (!nodes.is_empty()).then(|| nodes.iter().sum::<u64>() as f64 / nodes.len() as f64);
            let row = BenchRow {
                task: puzzle.id(),
                difficulty: level.level(),
                instances: count,
                generated_per_s: measured.generated.per_s,
                verified_per_s: measured.verified.per_s,
                cpu_generated_per_s: measured.generated.cpu_per_s,
                cpu_verified_per_s: measured.verified.cpu_per_s,
                mean_solver_nodes,
            };
            if !json {
                println!(
                    "{:<22} {:>5}  {:<12.0} {:<12.0} {}",
                    row.task,
                    row.difficulty,
                    row.generated_per_s,
                    row.verified_per_s,
                    row.mean_solver_nodes
                        .map_or("-".to_owned(), |n| format!("{n:.1}"))
                );
            }
            rows.push(row);
        }
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    }
    Ok(ExitCode::SUCCESS)
}
