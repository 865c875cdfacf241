//! Batched generation with per-layer caches: left-padded prefill, then one token per step.
//!
//! Each step samples from the fp32 logits (temperature, top-k, top-p; greedy at temperature 0) with
//! uniforms from a seeded ChaCha8 stream (one per prompt per step, so a prompt's tokens do not depend
//! on which other prompts are still running). The returned log-probability of each token is taken
//! from the full-vocabulary distribution at the sampling temperature (temperature 1 when greedy),
//! before top-k/top-p truncation: the policy's own probability, as the trainer recomputes it.

mod sampling;
mod static_decode;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rlvr_kernels::cuda_graph::GraphError;
use serde::{Deserialize, Serialize};
use tch::Tensor;

use crate::model::{MiniMaxForCausalLM, ModelCache, ModelError};
use static_decode::StaticDecoder;

/// Stop once `run_length` consecutive generated tokens each had probability above `min_prob`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EarlyTruncation {
    pub run_length: usize,
    pub min_prob: f64,
}

impl EarlyTruncation {
    /// MiniMax-M1's setting: 3,000 consecutive tokens each above 0.99.
    pub const M1: EarlyTruncation = EarlyTruncation {
        run_length: 3000,
        min_prob: 0.99,
    };
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SamplingParams {
    /// 0 means greedy.
    pub temperature: f64,
    /// 1.0 disables nucleus sampling.
    pub top_p: f64,
    /// 0 disables top-k.
    pub top_k: i64,
    pub seed: u64,
    pub max_new_tokens: usize,
    /// Generation of a sequence ends after it emits one of these (the token is kept).
    pub stop_tokens: Vec<i64>,
    pub early_truncation: Option<EarlyTruncation>,
    /// Fills left padding and the inputs of finished sequences; never attended to.
    pub pad_token: i64,
    /// How decode steps run; the tokens are the same either way.
    #[serde(default)]
    pub decode: DecodeMode,
}

/// How each decode step runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecodeMode {
    /// CUDA graphs where the device and the batch allow them, else `Eager`.
    #[default]
    Auto,
    /// Op by op; finished sequences leave the batch.
    Eager,
    /// The fixed-shape step that a graph replays (whole batch, whole-cache attention), op by op.
    Static,
    /// CUDA graphs; an error where they are unavailable.
    Graph,
}

impl Default for SamplingParams {
    fn default() -> Self {
        SamplingParams {
            temperature: 1.0,
            top_p: 1.0,
            top_k: 0,
            seed: 0,
            max_new_tokens: 256,
            stop_tokens: Vec::new(),
            early_truncation: None,
            pad_token: 0,
            decode: DecodeMode::Auto,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FinishReason {
    /// Emitted a stop token.
    Stop,
    /// Reached `max_new_tokens`.
    Length,
    /// Cut by [`EarlyTruncation`].
    Truncated,
}

/// One generated continuation (prompt excluded).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Completion {
    pub tokens: Vec<i64>,
    /// fp32 log-probability of each token (see the module docs).
    pub logprobs: Vec<f32>,
    pub finish: FinishReason,
}

/// Generates a continuation of every prompt.
pub fn generate(
    model: &MiniMaxForCausalLM,
    prompts: &[Vec<i64>],
    params: &SamplingParams,
) -> Result<Vec<Completion>, ModelError> {
    validate(model, prompts, params)?;
    if prompts.is_empty() {
        return Ok(Vec::new());
    }
    tch::no_grad(|| run(model, prompts, params))
}

fn validate(
    model: &MiniMaxForCausalLM,
    prompts: &[Vec<i64>],
    params: &SamplingParams,
) -> Result<(), ModelError> {
    let vocab = model.config.vocab_size;
    for (i, p) in prompts.iter().enumerate() {
        if p.is_empty() {
            return Err(ModelError::Input(format!("prompt {i} is empty")));
        }
        if let Some((j, t)) = p.iter().enumerate().find(|(_, &t)| t < 0 || t >= vocab) {
            return Err(ModelError::Input(format!(
                "prompt {i}, token {j}: id {t} outside the vocabulary 0..{vocab}"
            )));
        }
    }
    if !(params.temperature >= 0.0 && params.temperature.is_finite()) {
        return Err(ModelError::Input(format!(
            "temperature {} must be finite and >= 0",
            params.temperature
        )));
    }
    if !(params.top_p > 0.0 && params.top_p <= 1.0) {
        return Err(ModelError::Input(format!(
            "top_p {} must be in (0, 1]",
            params.top_p
        )));
    }
    if params.top_k < 0 {
        return Err(ModelError::Input(format!(
            "top_k {} must be >= 0",
            params.top_k
        )));
    }
    if params.pad_token < 0 || params.pad_token >= vocab {
        return Err(ModelError::Input(format!(
            "pad_token {} outside the vocabulary",
            params.pad_token
        )));
    }
    Ok(())
}

/// Per-prompt bookkeeping while generating.
struct Running {
    completion: Completion,
    confident_run: usize,
    next_position: i64,
    done: bool,
}

fn run(
    model: &MiniMaxForCausalLM,
    prompts: &[Vec<i64>],
    params: &SamplingParams,
) -> Result<Vec<Completion>, ModelError> {
    let device = model.device();
    let b = prompts.len() as i64;
    let longest = prompts.iter().map(Vec::len).max().unwrap_or(0) as i64;
    let mut ids = vec![params.pad_token; (b * longest) as usize];
    let mut valid = vec![false; (b * longest) as usize];
    let mut positions = vec![0i64; (b * longest) as usize];
    for (i, p) in prompts.iter().enumerate() {
        let pad = longest as usize - p.len();
        for (j, &t) in p.iter().enumerate() {
            let at = i * longest as usize + pad + j;
            ids[at] = t;
            valid[at] = true;
            positions[at] = j as i64;
        }
    }
    let padded = prompts.iter().any(|p| p.len() as i64 != longest);
    let to_dev = |v: &[i64]| Tensor::from_slice(v).view([b, longest]).to_device(device);
    let valid_t = Tensor::from_slice(&valid)
        .view([b, longest])
        .to_device(device);
    let mut cache = ModelCache::new(
        &model.config,
        b,
        longest + params.max_new_tokens as i64,
        model.kind(),
        device,
    );
    let (hidden, _) = model.hidden_states(
        &to_dev(&ids),
        &to_dev(&positions),
        padded.then_some(&valid_t),
        Some(&mut cache),
    );
    let mut logits = model.lm_logits(&hidden.select(1, longest - 1));

    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    let mut state: Vec<Running> = prompts
        .iter()
        .map(|p| Running {
            completion: Completion {
                tokens: Vec::new(),
                logprobs: Vec::new(),
                finish: FinishReason::Length,
            },
            confident_run: 0,
            next_position: p.len() as i64,
            done: params.max_new_tokens == 0,
        })
        .collect();
    // Fixed-shape steps keep every row (and so every batch row -> prompt mapping) to the end.
    let use_graph = match params.decode {
        DecodeMode::Auto => {
            device.is_cuda()
                && rlvr_kernels::cuda_graph::available()
                && model.decode_is_capturable(b)
        }
        DecodeMode::Graph => {
            if !device.is_cuda() {
                return Err(GraphError::Unavailable(format!("the model is on {device:?}")).into());
            }
            rlvr_kernels::cuda_graph::ensure_available()?;
            if !model.decode_is_capturable(b) {
                return Err(ModelError::Input(format!(
                    "a batch of {b} takes a MoE path that waits on the host; it cannot be captured"
                )));
            }
            true
        }
        DecodeMode::Eager | DecodeMode::Static => false,
    };
    let fixed_shape = use_graph || params.decode == DecodeMode::Static;
    // `Auto` may fall back to op-by-op steps if a capture fails; `Graph` reports the failure.
    let graph = use_graph.then_some(params.decode == DecodeMode::Auto);
    let mut fixed: Option<StaticDecoder> = None;
    // Batch row -> prompt index, for the rows still generating (all rows when the shape is fixed).
    let mut rows: Vec<usize> = (0..prompts.len()).collect();
    for _ in 0..params.max_new_tokens {
        if rows.is_empty() {
            break;
        }
        // One uniform per prompt per step, drawn for every prompt in order.
        let draws: Vec<f64> = (0..prompts.len()).map(|_| rng.gen::<f64>()).collect();
        let uniforms: Vec<f64> = rows.iter().map(|&r| draws[r]).collect();
        let (tokens_dev, logprobs) = sampling::sample(&logits, params, &uniforms);
        let tokens: Vec<i64> = Vec::try_from(tokens_dev.to_device(tch::Device::Cpu))?;
        let logprobs: Vec<f32> = Vec::try_from(logprobs.to_device(tch::Device::Cpu))?;
        for (row, &p) in rows.iter().enumerate() {
            let s = &mut state[p];
            if s.done {
                continue;
            }
            let (tok, lp) = (tokens[row], logprobs[row]);
            s.completion.tokens.push(tok);
            s.completion.logprobs.push(lp);
            s.next_position += 1;
            if params.stop_tokens.contains(&tok) {
                s.completion.finish = FinishReason::Stop;
                s.done = true;
            } else if let Some(rule) = params.early_truncation {
                s.confident_run = if (lp as f64).exp() > rule.min_prob {
                    s.confident_run + 1
                } else {
                    0
                };
                if s.confident_run >= rule.run_length {
                    s.completion.finish = FinishReason::Truncated;
                    s.done = true;
                }
            }
            if !s.done && s.completion.tokens.len() >= params.max_new_tokens {
                s.done = true;
            }
        }
        let keep: Vec<i64> = (0..rows.len() as i64)
            .filter(|&r| !state[rows[r as usize]].done)
            .collect();
        if keep.is_empty() {
            break;
        }
        // The sampled ids are already on the device: feed them back without a host round trip.
        if fixed_shape {
            let decoder = fixed.get_or_insert_with(|| {
                let pos: Vec<i64> = rows.iter().map(|&p| state[p].next_position - 1).collect();
                StaticDecoder::new(b, &pos, cache.len, device, graph)
            });
            logits = decoder.step(model, &tokens_dev, &mut cache)?;
            continue;
        }
        let mut step_tokens = tokens_dev;
        if keep.len() < rows.len() {
            let keep_t = Tensor::from_slice(&keep).to_device(device);
            cache.select(&keep_t);
            step_tokens = step_tokens.index_select(0, &keep_t);
            rows = keep.iter().map(|&r| rows[r as usize]).collect();
        }
        let pos: Vec<i64> = rows.iter().map(|&p| state[p].next_position - 1).collect();
        let pos_t = Tensor::from_slice(&pos).view([-1, 1]).to_device(device);
        let (hidden, _) =
            model.hidden_states(&step_tokens.view([-1, 1]), &pos_t, None, Some(&mut cache));
        logits = model.lm_logits(&hidden.select(1, 0));
    }
    Ok(state.into_iter().map(|s| s.completion).collect())
}
