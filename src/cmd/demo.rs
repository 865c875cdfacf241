//! `rlvr demo`: the main job on its embedded default. For every registered environment that runs
//! without Docker, draw tasks, score the reference answer and a corrupted one, and summarize.

use std::process::ExitCode;

use clap::Args;
use serde::Serialize;

use crate::{progress, registry};

#[derive(Args)]
pub struct DemoArgs {
    /// Tasks per environment.
    #[arg(long, default_value_t = 8)]
    tasks: u64,
    /// Seed of the task stream.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct EnvSummary {
    env: String,
    tasks: u64,
    /// Mean reward of the reference answers (1.0 expected).
    reference_reward: f64,
    /// Mean reward of the corrupted answers (0.0 expected where the corruption changes the answer).
    corrupted_reward: f64,
    /// Tasks whose scoring failed for infrastructure reasons (never counted as rewards).
    errors: u64,
}

/// Changes the last digit of a response (or, with none, drops its last character), which changes
/// the answer of nearly every task without breaking its format.
fn corrupt(response: &str) -> String {
    let mut chars: Vec<char> = response.chars().collect();
    if let Some(pos) = chars.iter().rposition(|c| c.is_ascii_digit()) {
        let d = chars[pos].to_digit(10).expect("ascii digit");
        chars[pos] = char::from_digit((d + 1) % 10, 10).expect("digit");
    } else {
        chars.pop();
    }
    chars.into_iter().collect()
}

pub fn run(args: DemoArgs) -> anyhow::Result<ExitCode> {
    let reg = registry::full();
    let specs: Vec<_> = reg.specs().filter(|s| !s.needs_docker).cloned().collect();
    let rt = super::runtime()?;
    let bar = progress::bar(specs.len() as u64 * args.tasks, "scoring");
    let mut summaries = Vec::new();
    for spec in &specs {
        let env = reg.build(&spec.id.to_string(), &serde_json::Value::Null)?;
        let (mut reference_sum, mut corrupted_sum, mut scored, mut errors) = (0.0, 0.0, 0u64, 0u64);
        for index in 0..args.tasks {
            bar.inc(1);
            let task = env.task(args.seed, index)?;
            let reference = env.reference_response(&task)?;
            let scores = rt.block_on(async {
                let good = env.score(&task, &reference).await?;
                let bad = env.score(&task, &corrupt(&reference)).await?;
                Ok::<_, rlvr_envs::EnvError>((good.reward, bad.reward))
            });
            match scores {
                Ok((good, bad)) => {
                    reference_sum += good;
                    corrupted_sum += bad;
                    scored += 1;
                }
                Err(e) => {
                    tracing::warn!(env = %spec.id, index, "scoring failed: {e}");
                    errors += 1;
                }
            }
        }
        let mean = |sum: f64| {
            if scored == 0 {
                0.0
            } else {
                sum / scored as f64
            }
        };
        summaries.push(EnvSummary {
            env: spec.id.to_string(),
            tasks: scored,
            reference_reward: mean(reference_sum),
            corrupted_reward: mean(corrupted_sum),
            errors,
        });
    }
    bar.finish_and_clear();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summaries)?);
    } else {
        println!(
            "{:<36} {:>6} {:>10} {:>10} {:>7}",
            "environment", "tasks", "reference", "corrupted", "errors"
        );
        for s in &summaries {
            println!(
                "{:<36} {:>6} {:>10.3} {:>10.3} {:>7}",
                s.env, s.tasks, s.reference_reward, s.corrupted_reward, s.errors
            );
        }
    }
    let all_references_pass = summaries
        .iter()
        .all(|s| s.errors == 0 && s.reference_reward == 1.0);
    Ok(if all_references_pass {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[cfg(test)]
mod tests {
    use super::corrupt;

    #[test]
    fn corruption_changes_the_last_digit_or_character() {
        assert_eq!(corrupt("\\boxed{19}"), "\\boxed{10}");
        assert_eq!(corrupt("abc"), "ab");
    }
}
