//! Rollouts: prompts drawn from a weighted mix of environments, G responses per prompt from the
//! model, scored concurrently (tokio) while the next prompts are being generated.
//!
//! The trainer never names a concrete environment: it receives `dyn Environment`s built by the caller.

mod chat;
mod mix;
mod shaping;

pub use chat::ChatFormat;
pub use mix::{MixCursor, TaskMix};
pub use shaping::overlong_penalty;

use std::sync::Arc;

use rlvr_envs::{EnvError, Environment, Task, Verdict};
use tokio::task::JoinHandle;

use crate::generate::{generate, Completion, FinishReason, SamplingParams};
use crate::model::{MiniMaxForCausalLM, ModelError};

/// One scored response.
#[derive(Debug, Clone)]
pub struct Sample {
    /// Which environment of the mix (index into [`TaskMix`]).
    pub env: usize,
    pub prompt_tokens: Vec<i64>,
    pub completion: Completion,
    /// The environment's reward, or `None` when scoring failed (masked, never rewarded).
    pub reward: Option<f64>,
    pub verdict: Option<Verdict>,
}

impl Sample {
    pub fn is_masked(&self) -> bool {
        self.reward.is_none()
    }

    pub fn finish(&self) -> FinishReason {
        self.completion.finish
    }
}

/// A scoring in flight.
type Pending = JoinHandle<Result<rlvr_envs::Outcome, EnvError>>;

/// Generates `group_size` responses for each task, hands each response to its environment's scorer
/// on `runtime` as soon as its chunk is generated, and returns the groups once scored.
///
/// Prompts go to the model `chunk_prompts` at a time, so scoring chunk k overlaps generating chunk k+1.
#[allow(clippy::too_many_arguments)]
pub fn generate_and_score(
    runtime: &tokio::runtime::Handle,
    model: &MiniMaxForCausalLM,
    envs: &[Arc<dyn Environment>],
    chat: &ChatFormat,
    tasks: &[(usize, Task)],
    group_size: usize,
    chunk_prompts: usize,
    params: &SamplingParams,
) -> Result<Vec<Vec<Sample>>, RolloutError> {
    let mut pending: Vec<Vec<(Sample, Pending)>> = Vec::with_capacity(tasks.len());
    for (chunk_idx, chunk) in tasks.chunks(chunk_prompts.max(1)).enumerate() {
        let mut prompts = Vec::with_capacity(chunk.len() * group_size);
        let mut encoded = Vec::with_capacity(chunk.len());
        for (_, task) in chunk {
            let p = chat.encode_prompt(&task.prompt)?;
            for _ in 0..group_size {
                prompts.push(p.clone());
            }
            encoded.push(p);
        }
        let chunk_params = SamplingParams {
            seed: params.seed.wrapping_add(chunk_idx as u64 * 0x9e37_79b9),
            ..params.clone()
        };
        let completions = generate(model, &prompts, &chunk_params)?;
        let mut completions = completions.into_iter();
        for ((env_idx, task), prompt_tokens) in chunk.iter().zip(encoded) {
            let mut group = Vec::with_capacity(group_size);
            for _ in 0..group_size {
                let completion = completions.next().expect("one completion per prompt");
                let text = chat.decode_response(&completion.tokens)?;
                let env = Arc::clone(&envs[*env_idx]);
                let task = task.clone();
                let handle = runtime.spawn(async move { env.score(&task, &text).await });
                let sample = Sample {
                    env: *env_idx,
                    prompt_tokens: prompt_tokens.clone(),
                    completion,
                    reward: None,
                    verdict: None,
                };
                group.push((sample, handle));
            }
            pending.push(group);
        }
    }
    let mut groups = Vec::with_capacity(pending.len());
    for group in pending {
        let mut scored = Vec::with_capacity(group.len());
        for (mut sample, handle) in group {
            match runtime.block_on(handle) {
                Ok(Ok(outcome)) => {
                    sample.reward = Some(outcome.reward);
                    sample.verdict = Some(outcome.verdict);
                }
                Ok(Err(e)) => {
                    // Infrastructure (or a malformed reference): the sample is masked, never rewarded.
                    tracing::warn!(error = %e, "scoring failed; sample masked");
                }
                Err(join) => return Err(RolloutError::Scorer(join.to_string())),
            }
            scored.push(sample);
        }
        groups.push(scored);
    }
    Ok(groups)
}

/// A rollout that could not be produced at all (as opposed to a masked sample).
#[derive(Debug, thiserror::Error)]
pub enum RolloutError {
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(transparent)]
    Env(#[from] EnvError),
    #[error("a scoring task panicked: {0}")]
    Scorer(String),
}
