//! The typed training config (`rlvr train --config train.toml`), with `--set key=value` overrides.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::advantage::AdvantageConfig;
use crate::loss::LossConfig;
use crate::optim::AdamWConfig;
use crate::schedule::ScheduleConfig;

/// Everything a run needs. Every section has defaults, so a config names only what it changes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TrainConfig {
    pub run: RunConfig,
    pub model: ModelConfig,
    /// The task mix: environments with sampling weights.
    pub envs: Vec<EnvEntry>,
    pub sft: SftConfig,
    pub rl: RlConfig,
    pub loss: LossConfig,
    pub advantage: AdvantageConfig,
    pub optim: AdamWConfig,
    pub eval: EvalConfig,
    pub checkpoint: CheckpointConfig,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RunConfig {
    /// Where checkpoints, metrics.jsonl and plots go. A run resumes from its latest checkpoint here.
    pub out_dir: PathBuf,
    /// Seeds model init, the task stream and sampling.
    pub seed: u64,
    /// `cpu`, `cuda` or `cuda:N`.
    pub device: String,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            out_dir: PathBuf::from("runs/main"),
            seed: 0,
            device: "cpu".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ModelConfig {
    /// A preset name (`tiny`, `small`) used when `checkpoint` is absent.
    pub preset: String,
    /// Start from these weights instead of a fresh init.
    pub checkpoint: Option<PathBuf>,
    /// Fields of the preset's config to change (e.g. `{ hidden_size = 64 }`).
    pub overrides: Value,
    /// Compute the LM head in fp32 (M1: raised the rollout/train probability correlation to 0.99x).
    pub fp32_lm_head: bool,
}

impl Default for ModelConfig {
    fn default() -> Self {
        ModelConfig {
            preset: "tiny".into(),
            checkpoint: None,
            overrides: Value::Null,
            fp32_lm_head: true,
        }
    }
}

/// One environment of the mix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvEntry {
    /// A registered id, e.g. `example/add@1`.
    pub id: String,
    /// Relative sampling weight (> 0).
    #[serde(default = "one")]
    pub weight: f64,
    /// The environment's own config (its defaults when absent).
    #[serde(default)]
    pub config: Value,
}

fn one() -> f64 {
    1.0
}

/// Supervised warm-up on reference responses before RL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SftConfig {
    pub steps: u64,
    pub batch_size: usize,
    pub schedule: ScheduleConfig,
}

impl Default for SftConfig {
    fn default() -> Self {
        SftConfig {
            steps: 0,
            batch_size: 32,
            schedule: ScheduleConfig {
                lr: 1e-3,
                ..ScheduleConfig::default()
            },
        }
    }
}

/// The RL phase: rollouts, rewards and policy updates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RlConfig {
    /// Generation batches (each followed by `updates_per_batch` optimizer updates).
    pub steps: u64,
    /// Prompts whose groups make up one generation batch (after dynamic sampling).
    pub prompts_per_step: usize,
    /// Responses per prompt (G).
    pub group_size: usize,
    /// Prompts per generation call: scoring of one chunk overlaps generation of the next.
    pub chunk_prompts: usize,
    /// Off-policy minibatch updates per generation batch (M1: 16).
    pub updates_per_batch: usize,
    pub max_new_tokens: usize,
    pub temperature: f64,
    pub top_p: f64,
    /// Drop groups whose rewards are all equal (no signal) and generate more in their place.
    pub dynamic_sampling: bool,
    /// How many extra generation rounds dynamic sampling may spend per step.
    pub max_refill_rounds: usize,
    pub overlong: OverlongConfig,
    pub repetition: RepetitionConfig,
    pub schedule: ScheduleConfig,
}

impl Default for RlConfig {
    fn default() -> Self {
        RlConfig {
            steps: 0,
            prompts_per_step: 8,
            group_size: 8,
            chunk_prompts: 4,
            updates_per_batch: 16,
            max_new_tokens: 64,
            temperature: 1.0,
            top_p: 1.0,
            dynamic_sampling: true,
            max_refill_rounds: 3,
            overlong: OverlongConfig::default(),
            repetition: RepetitionConfig::default(),
            schedule: ScheduleConfig::default(),
        }
    }
}

/// DAPO's soft overlong punishment, added to the reward: 0 up to `max_new_tokens - buffer` tokens, then
/// falling linearly to `-penalty` at `max_new_tokens`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OverlongConfig {
    /// Tokens before the limit where the penalty starts (0 disables).
    pub buffer: usize,
    pub penalty: f64,
}

impl Default for OverlongConfig {
    fn default() -> Self {
        OverlongConfig {
            buffer: 0,
            penalty: 1.0,
        }
    }
}

/// M1's early truncation: stop a generation once `run_length` consecutive tokens each had
/// probability above `min_prob` (M1: 3,000 and 0.99).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RepetitionConfig {
    pub run_length: usize,
    pub min_prob: f64,
}

impl Default for RepetitionConfig {
    fn default() -> Self {
        RepetitionConfig {
            run_length: 3000,
            min_prob: 0.99,
        }
    }
}

/// Held-out evaluation: greedy responses to tasks from a seed training never sees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EvalConfig {
    /// Evaluate every this many RL steps (and before and after each phase); 0 disables.
    pub every: u64,
    pub tasks_per_env: u64,
    pub seed: u64,
}

impl Default for EvalConfig {
    fn default() -> Self {
        EvalConfig {
            every: 10,
            tasks_per_env: 32,
            seed: 1_000_003,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckpointConfig {
    /// Save every this many steps (1: a crash loses at most the current step).
    pub every: u64,
    /// How many checkpoints to keep (the newest).
    pub keep: usize,
}

impl Default for CheckpointConfig {
    fn default() -> Self {
        CheckpointConfig { every: 1, keep: 2 }
    }
}

/// A config that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{source_name}: {message}")]
    Parse {
        source_name: String,
        message: String,
    },
    #[error("--set {assignment:?}: {message}")]
    Override { assignment: String, message: String },
    #[error("{source_name}: {message}")]
    Invalid {
        source_name: String,
        message: String,
    },
}

impl TrainConfig {
    /// Parses TOML `text` (named `source_name` in errors), applies `key=value` overrides (dotted keys,
    /// TOML values; a bare word is a string), and checks the result.
    pub fn parse(text: &str, source_name: &str, overrides: &[String]) -> Result<Self, ConfigError> {
        let parse_err = |message: String| ConfigError::Parse {
            source_name: source_name.to_owned(),
            message,
        };
        let config: TrainConfig = if overrides.is_empty() {
            // Straight from the text, so errors carry the file's line and column.
            toml::from_str(text).map_err(|e| parse_err(e.to_string()))?
        } else {
            let mut table: toml::Table =
                toml::from_str(text).map_err(|e| parse_err(e.to_string()))?;
            for assignment in overrides {
                apply_override(&mut table, assignment)?;
            }
            toml::Value::Table(table)
                .try_into()
                .map_err(|e: toml::de::Error| parse_err(format!("after --set overrides: {e}")))?
        };
        config.validate().map_err(|message| ConfigError::Invalid {
            source_name: source_name.to_owned(),
            message,
        })?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), String> {
        if self.envs.is_empty() {
            return Err("no environments: add at least one [[envs]] entry with an `id`".into());
        }
        for (i, e) in self.envs.iter().enumerate() {
            if !(e.weight > 0.0 && e.weight.is_finite()) {
                return Err(format!(
                    "envs[{i}] ({}): weight must be a positive number, got {}",
                    e.id, e.weight
                ));
            }
        }
        let rl = &self.rl;
        if rl.steps > 0 {
            if rl.group_size < 2 {
                return Err(format!(
                    "rl.group_size must be at least 2 (group-relative advantages), got {}",
                    rl.group_size
                ));
            }
            if rl.prompts_per_step == 0 || rl.updates_per_batch == 0 || rl.max_new_tokens == 0 {
                return Err("rl.prompts_per_step, rl.updates_per_batch and rl.max_new_tokens must be positive".into());
            }
            if rl.updates_per_batch > rl.prompts_per_step * rl.group_size {
                return Err(format!(
                    "rl.updates_per_batch ({}) exceeds the responses per batch ({})",
                    rl.updates_per_batch,
                    rl.prompts_per_step * rl.group_size
                ));
            }
            if rl.overlong.buffer > rl.max_new_tokens {
                return Err("rl.overlong.buffer exceeds rl.max_new_tokens".into());
            }
        }
        if self.sft.steps > 0 && self.sft.batch_size == 0 {
            return Err("sft.batch_size must be positive".into());
        }
        if self.checkpoint.keep == 0 {
            return Err("checkpoint.keep must be at least 1".into());
        }
        Ok(())
    }
}

fn apply_override(table: &mut toml::Table, assignment: &str) -> Result<(), ConfigError> {
    let err = |message: &str| ConfigError::Override {
        assignment: assignment.to_owned(),
        message: message.to_owned(),
    };
    let (key, raw) = assignment
        .split_once('=')
        .ok_or_else(|| err("expected key=value"))?;
    let path: Vec<&str> = key.trim().split('.').collect();
    if path.iter().any(|p| p.is_empty()) {
        return Err(err("empty key segment"));
    }
    let value = match toml::from_str::<toml::Table>(&format!("v = {raw}")) {
        Ok(mut t) => t.remove("v").expect("just parsed"),
        Err(_) => toml::Value::String(raw.to_owned()),
    };
    let (last, parents) = path.split_last().expect("non-empty");
    let mut node = table;
    for p in parents {
        let entry = node
            .entry((*p).to_owned())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        node = entry
            .as_table_mut()
            .ok_or_else(|| err(&format!("`{p}` is not a table")))?;
    }
    node.insert((*last).to_owned(), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "[[envs]]\nid = \"example/add@1\"\n[rl]\nsteps = 3\n";

    #[test]
    fn defaults_fill_in_and_overrides_apply() {
        let c = TrainConfig::parse(MINIMAL, "t.toml", &[]).unwrap();
        assert_eq!(c.rl.steps, 3);
        assert_eq!(c.optim.beta2, 0.95);
        assert_eq!(c.optim.eps, 1e-15);
        assert_eq!(c.envs[0].weight, 1.0);
        let c = TrainConfig::parse(
            MINIMAL,
            "t.toml",
            &[
                "rl.group_size=4".into(),
                "loss.algo=dapo".into(),
                "run.out_dir=/tmp/x".into(),
            ],
        )
        .unwrap();
        assert_eq!(c.rl.group_size, 4);
        assert_eq!(c.loss.algo, crate::loss::Algorithm::Dapo);
        assert_eq!(c.run.out_dir, PathBuf::from("/tmp/x"));
    }

    #[test]
    fn errors_name_the_place() {
        let e = TrainConfig::parse("[rl]\nstepz = 3\n", "t.toml", &[])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("t.toml") && e.contains("stepz") && e.contains("line 2"),
            "{e}"
        );
        let e = TrainConfig::parse(MINIMAL, "t.toml", &["rl.group_size=1".into()])
            .unwrap_err()
            .to_string();
        assert!(e.contains("group_size"), "{e}");
        let e = TrainConfig::parse(MINIMAL, "t.toml", &["nonsense".into()])
            .unwrap_err()
            .to_string();
        assert!(e.contains("nonsense") && e.contains("key=value"), "{e}");
        let e = TrainConfig::parse("", "t.toml", &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("[[envs]]"), "{e}");
    }
}
