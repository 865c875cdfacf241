//! Held-out evaluation: greedy responses to tasks of a seed the training stream never uses.

use serde_json::{json, Value};

use crate::generate::{DecodeMode, SamplingParams};
use crate::rollout::generate_and_score;

use super::{TrainError, Trainer};

/// Mean reward and accuracy per environment.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalReport {
    /// Per environment: (mean reward, accuracy, samples scored).
    pub per_env: Vec<(f64, f64, usize)>,
}

impl EvalReport {
    /// The unweighted mean over environments.
    pub fn mean_reward(&self) -> f64 {
        let scored: Vec<f64> = self
            .per_env
            .iter()
            .filter(|e| e.2 > 0)
            .map(|e| e.0)
            .collect();
        scored.iter().sum::<f64>() / scored.len().max(1) as f64
    }

    pub fn to_json(&self, env_ids: &[String]) -> Value {
        let mut reward = serde_json::Map::new();
        let mut accuracy = serde_json::Map::new();
        for (id, (r, a, _)) in env_ids.iter().zip(&self.per_env) {
            reward.insert(id.clone(), json!(r));
            accuracy.insert(id.clone(), json!(a));
        }
        json!({
            "heldout_reward": self.mean_reward(),
            "heldout_reward_per_env": reward,
            "heldout_accuracy_per_env": accuracy,
        })
    }
}

pub(super) fn evaluate(t: &mut Trainer) -> Result<EvalReport, TrainError> {
    let n = t.config.eval.tasks_per_env;
    let mut tasks = Vec::new();
    for (i, env) in t.envs.iter().enumerate() {
        for k in 0..n {
            tasks.push((i, env.task(t.config.eval.seed, k)?));
        }
    }
    let params = SamplingParams {
        temperature: 0.0,
        top_p: 1.0,
        top_k: 0,
        seed: t.config.eval.seed,
        max_new_tokens: t.config.rl.max_new_tokens,
        stop_tokens: vec![t.chat.eos],
        early_truncation: None,
        pad_token: 0,
        decode: DecodeMode::Auto,
    };
    let chunk = tasks.len().div_ceil(2).max(1);
    let groups = generate_and_score(
        &t.runtime, &t.model, &t.envs, &t.chat, &tasks, 1, chunk, &params,
    )?;
    let mut sums = vec![(0.0, 0.0, 0usize); t.envs.len()];
    for sample in groups.iter().flatten() {
        if let Some(r) = sample.reward {
            let e = &mut sums[sample.env];
            e.0 += r;
            e.1 += f64::from(u8::from(
                sample.verdict == Some(rlvr_envs::Verdict::Correct),
            ));
            e.2 += 1;
        }
    }
    Ok(EvalReport {
        per_env: sums
            .into_iter()
            .map(|(r, a, n)| (r / n.max(1) as f64, a / n.max(1) as f64, n))
            .collect(),
    })
}
