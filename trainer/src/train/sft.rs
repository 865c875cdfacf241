//! One SFT step: cross-entropy on the environments' reference responses (token mean).

use std::time::Instant;

use serde_json::{json, Value};
use tch::Kind;

use super::batch::{response_logprobs, TokenBatch};
use super::{TrainError, Trainer};

/// Salt separating the SFT task stream from the RL one.
pub(super) const SFT_STREAM: u64 = 0x5f7a_11c3;

pub(super) fn step(t: &mut Trainer) -> Result<Value, TrainError> {
    let start = Instant::now();
    let mix = t.mix(SFT_STREAM);
    let tasks = mix.draw(&t.envs, &mut t.state.sft_cursor, t.config.sft.batch_size)?;
    let mut seqs = Vec::with_capacity(tasks.len());
    for (env, task) in &tasks {
        let prompt = t.chat.encode_prompt(&task.prompt)?;
        let response = t
            .chat
            .encode_response(&t.envs[*env].reference_response(task)?)?;
        seqs.push((prompt, response));
    }
    let pairs: Vec<(&[i64], &[i64])> = seqs
        .iter()
        .map(|(p, r)| (p.as_slice(), r.as_slice()))
        .collect();
    let batch = TokenBatch::new(&pairs, 0, t.device);
    let out = response_logprobs(&t.model, &batch, 1.0, t.config.model.fp32_lm_head);
    let tokens = f64::try_from(batch.mask.sum(Kind::Double)).unwrap_or(0.0);
    let nll = -(&out.logp * &batch.mask).sum(Kind::Float) / tokens.max(1.0);
    let loss = &nll + &out.aux_loss;
    t.optimizer.zero_grad();
    loss.backward();
    let lr = t
        .config
        .sft
        .schedule
        .lr_at(t.state.sft_steps_done, t.config.sft.steps);
    let stats = t.optimizer.step(lr);
    let seconds = start.elapsed().as_secs_f64();
    Ok(json!({
        "phase": "sft",
        "loss": f64::try_from(&nll).unwrap_or(f64::NAN),
        "lr": lr,
        "grad_norm": stats.grad_norm,
        "tokens": tokens,
        "tokens_per_s": tokens / seconds.max(1e-9),
        "seconds": seconds,
    }))
}
