//! Throughput measurements (run on the GPU machine by `rlvr model bench`): prefill and decode as the
//! context grows, training steps, batched generation.

use std::time::Instant;

use serde::Serialize;
use tch::{nn, nn::OptimizerConfig, Device, Kind, Tensor};

use super::cache::ModelCache;
use super::causal_lm::MiniMaxForCausalLM;
use super::config::MiniMaxConfig;
use super::error::ModelError;
use crate::generate::{generate, DecodeMode, SamplingParams};

pub(crate) fn sync(device: Device) {
    if let Device::Cuda(i) = device {
        tch::Cuda::synchronize(i as i64);
    }
}

fn random_ids(cfg: &MiniMaxConfig, b: i64, t: i64, device: Device) -> Tensor {
    Tensor::randint(cfg.vocab_size, [b, t], (Kind::Int64, device))
}

/// A randomly initialised model in `kind` on `device`.
pub fn random_model(
    cfg: &MiniMaxConfig,
    device: Device,
    kind: Kind,
    seed: i64,
) -> Result<(nn::VarStore, MiniMaxForCausalLM), ModelError> {
    tch::manual_seed(seed);
    let mut vs = nn::VarStore::new(device);
    let model = MiniMaxForCausalLM::new(&vs.root(), cfg)?;
    if kind != Kind::Float {
        vs.set_kind(kind);
    }
    Ok((vs, model))
}

/// Prefill of one sequence of `len` tokens, then `decode_steps` single-token steps.
#[derive(Debug, Serialize)]
pub struct ScalingPoint {
    pub len: i64,
    pub prefill_s: f64,
    pub prefill_tokens_per_s: f64,
    pub decode_ms_per_token: f64,
}

pub fn prefill_decode(model: &MiniMaxForCausalLM, len: i64, decode_steps: i64) -> ScalingPoint {
    let device = model.device();
    let cfg = &model.config;
    tch::no_grad(|| {
        let ids = random_ids(cfg, 1, len, device);
        let positions = Tensor::arange(len, (Kind::Int64, device)).unsqueeze(0);
        // Warm-up at a short length (kernel selection, allocator).
        let mut warm = ModelCache::new(cfg, 1, 64, model.kind(), device);
        let warm_len = len.min(32);
        let (h, _) = model.hidden_states(
            &ids.narrow(1, 0, warm_len),
            &positions.narrow(1, 0, warm_len),
            None,
            Some(&mut warm),
        );
        // Decode steps too: their first call selects kernels for the single-token shapes.
        let mut token = model.lm_logits(&h.select(1, warm_len - 1)).argmax(-1, true);
        for step in 0..4 {
            let pos = Tensor::from_slice(&[warm_len + step])
                .view([1, 1])
                .to_device(device);
            let (h, _) = model.hidden_states(&token, &pos, None, Some(&mut warm));
            token = model.lm_logits(&h.select(1, 0)).argmax(-1, true);
        }
        sync(device);
        let mut cache = ModelCache::new(cfg, 1, len + decode_steps + 1, model.kind(), device);
        let t0 = Instant::now();
        let (h, _) = model.hidden_states(&ids, &positions, None, Some(&mut cache));
        let mut token = model.lm_logits(&h.select(1, len - 1)).argmax(-1, true);
        sync(device);
        let prefill_s = t0.elapsed().as_secs_f64();
        let t1 = Instant::now();
        for step in 0..decode_steps {
            let pos = Tensor::from_slice(&[len + step])
                .view([1, 1])
                .to_device(device);
            let (h, _) = model.hidden_states(&token, &pos, None, Some(&mut cache));
            token = model.lm_logits(&h.select(1, 0)).argmax(-1, true);
        }
        sync(device);
        let decode_s = t1.elapsed().as_secs_f64();
        ScalingPoint {
            len,
            prefill_s,
            prefill_tokens_per_s: len as f64 / prefill_s,
            decode_ms_per_token: 1e3 * decode_s / decode_steps.max(1) as f64,
        }
    })
}

#[derive(Debug, Serialize)]
pub struct TrainReport {
    pub fp32_head: bool,
    pub batch: i64,
    pub seq_len: i64,
    pub steps: usize,
    pub seconds: f64,
    pub tokens_per_s: f64,
    pub final_loss: f64,
}

/// `steps` timed steps (after 2 warm-up steps) of next-token cross-entropy + aux loss, backward, AdamW.
/// With `fp32_head` the LM head runs in fp32 (the trainer's default); without it in the weights' kind
/// with the loss in fp32, as transformers trains.
pub fn train_steps(
    vs: &nn::VarStore,
    model: &MiniMaxForCausalLM,
    batch: i64,
    seq_len: i64,
    steps: usize,
    fp32_head: bool,
) -> Result<TrainReport, ModelError> {
    let device = model.device();
    let mut opt = nn::AdamW {
        beta1: 0.9,
        beta2: 0.95,
        wd: 0.0,
        eps: 1e-15,
        amsgrad: false,
    }
    .build(vs, 1e-5)?;
    let ids = random_ids(&model.config, batch, seq_len + 1, device);
    let inputs = ids.narrow(1, 0, seq_len);
    let targets = ids.narrow(1, 1, seq_len);
    let step = |opt: &mut nn::Optimizer| -> f64 {
        let positions = Tensor::arange(seq_len, (Kind::Int64, device))
            .unsqueeze(0)
            .expand([batch, seq_len], false);
        let (hidden, aux) = model.hidden_states(&inputs, &positions, None, None);
        let logits = if fp32_head {
            model.lm_logits(&hidden)
        } else {
            hidden
                .linear::<Tensor>(&model.lm_head, None)
                .to_kind(Kind::Float)
        };
        let loss = logits
            .view([-1, model.config.vocab_size])
            .cross_entropy_for_logits(&targets.reshape([-1]))
            + aux;
        opt.zero_grad();
        loss.backward();
        opt.step();
        loss.double_value(&[])
    };
    for _ in 0..2 {
        step(&mut opt);
    }
    sync(device);
    let t0 = Instant::now();
    let mut last = 0.0;
    for _ in 0..steps {
        last = step(&mut opt);
    }
    sync(device);
    let seconds = t0.elapsed().as_secs_f64();
    Ok(TrainReport {
        fp32_head,
        batch,
        seq_len,
        steps,
        seconds,
        tokens_per_s: (batch * seq_len) as f64 * steps as f64 / seconds,
        final_loss: last,
    })
}

#[derive(Debug, Serialize)]
pub struct GenerateReport {
    pub batch: usize,
    pub prompt_len: usize,
    pub new_tokens: usize,
    pub seconds: f64,
    pub tokens_per_s: f64,
    pub decode: DecodeMode,
    /// The generated tokens, row by row (to compare decode modes).
    #[serde(skip)]
    pub tokens: Vec<Vec<i64>>,
}

/// Greedy generation of `new_tokens` for `batch` random prompts of `prompt_len` (no stop tokens).
pub fn generation(
    model: &MiniMaxForCausalLM,
    batch: usize,
    prompt_len: usize,
    new_tokens: usize,
    decode: DecodeMode,
) -> Result<GenerateReport, ModelError> {
    let vocab = model.config.vocab_size;
    let prompts: Vec<Vec<i64>> = (0..batch)
        .map(|b| {
            (0..prompt_len)
                .map(|j| ((b * 7919 + j * 104_729) as i64) % vocab)
                .collect()
        })
        .collect();
    let params = SamplingParams {
        temperature: 0.0,
        max_new_tokens: new_tokens,
        decode,
        ..SamplingParams::default()
    };
    // Warm-up, at the timed batch size (graph capture and kernel choice depend on it).
    generate(
        model,
        &prompts,
        &SamplingParams {
            max_new_tokens: 4,
            ..params.clone()
        },
    )?;
    sync(model.device());
    let t0 = Instant::now();
    let out = generate(model, &prompts, &params)?;
    sync(model.device());
    let seconds = t0.elapsed().as_secs_f64();
    let produced: usize = out.iter().map(|c| c.tokens.len()).sum();
    Ok(GenerateReport {
        batch,
        prompt_len,
        new_tokens,
        seconds,
        tokens_per_s: produced as f64 / seconds,
        decode,
        tokens: out.into_iter().map(|c| c.tokens).collect(),
    })
}
