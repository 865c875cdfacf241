//! One RL step: a generation batch (with dynamic sampling), group-relative advantages, then
//! `updates_per_batch` off-policy minibatch updates of the configured loss.

use std::collections::BTreeMap;
use std::time::Instant;

use rand::seq::SliceRandom;
use rlvr_envs::seed::task_rng;
use rlvr_envs::Verdict;
use serde_json::{json, Value};
use tch::{Kind, Tensor};

use super::batch::{pearson, response_logprobs, TokenBatch};
use super::{TrainError, Trainer};
use crate::advantage::group_advantages;
use crate::generate::{DecodeMode, EarlyTruncation, FinishReason, SamplingParams};
use crate::loss::LossInputs;
use crate::rollout::{generate_and_score, overlong_penalty, Sample};

/// Salt separating the RL task stream from the SFT one.
pub(super) const RL_STREAM: u64 = 0x2c15_90e1;

/// A sample that enters the loss.
struct TrainSample {
    prompt: Vec<i64>,
    response: Vec<i64>,
    rollout_logp: Vec<f32>,
    advantage: f64,
}

#[derive(Default)]
struct RolloutStats {
    generated: usize,
    masked: usize,
    correct: usize,
    truncated: usize,
    length_limited: usize,
    response_tokens: usize,
    groups_kept: usize,
    groups_dropped_equal: usize,
    groups_dropped_masked: usize,
    rounds: usize,
    reward_sum: f64,
    per_env: BTreeMap<usize, (f64, usize)>,
}

pub(super) fn step(t: &mut Trainer) -> Result<Value, TrainError> {
    let start = Instant::now();
    let cfg = t.config.rl.clone();
    let step = t.state.rl_steps_done;
    let mix = t.mix(RL_STREAM);
    let mut stats = RolloutStats::default();
    let mut kept: Vec<Vec<Sample>> = Vec::new();
    let gen_start = Instant::now();
    loop {
        let need = cfg.prompts_per_step - kept.len();
        let tasks = mix.draw(&t.envs, &mut t.state.rl_cursor, need)?;
        let params = SamplingParams {
            temperature: cfg.temperature,
            top_p: cfg.top_p,
            top_k: 0,
            seed: task_rng("rlvr-train/sample", t.config.run.seed, step)
                .next_u64_from(stats.rounds),
            max_new_tokens: cfg.max_new_tokens,
            stop_tokens: vec![t.chat.eos],
            early_truncation: Some(EarlyTruncation {
                run_length: cfg.repetition.run_length,
                min_prob: cfg.repetition.min_prob,
            }),
            pad_token: 0,
            decode: DecodeMode::Auto,
        };
        let groups = generate_and_score(
            &t.runtime,
            &t.model,
            &t.envs,
            &t.chat,
            &tasks,
            cfg.group_size,
            cfg.chunk_prompts,
            &params,
        )?;
        stats.rounds += 1;
        for group in groups {
            record_group(&mut stats, &group);
            let rewards: Vec<f64> = group.iter().filter_map(|s| s.reward).collect();
            if rewards.len() < 2 {
                stats.groups_dropped_masked += 1;
            } else if cfg.dynamic_sampling && rewards.iter().all(|&r| r == rewards[0]) {
                stats.groups_dropped_equal += 1;
            } else {
                kept.push(group);
            }
        }
        if kept.len() >= cfg.prompts_per_step
            || !cfg.dynamic_sampling
            || stats.rounds > cfg.max_refill_rounds
        {
            break;
        }
    }
    let gen_seconds = gen_start.elapsed().as_secs_f64();
    stats.groups_kept = kept.len();
    let samples = advantages(&kept, &t.config);
    let mut record = json!({
        "phase": "rl",
        "reward": stats.reward_sum / (stats.generated - stats.masked).max(1) as f64,
        "accuracy": stats.correct as f64 / (stats.generated - stats.masked).max(1) as f64,
        "response_len": stats.response_tokens as f64 / stats.generated.max(1) as f64,
        "truncated_fraction": stats.truncated as f64 / stats.generated.max(1) as f64,
        "length_limited_fraction": stats.length_limited as f64 / stats.generated.max(1) as f64,
        "masked": stats.masked,
        "groups_kept": stats.groups_kept,
        "groups_dropped_equal": stats.groups_dropped_equal,
        "groups_dropped_masked": stats.groups_dropped_masked,
        "generation_rounds": stats.rounds,
        "gen_tokens_per_s": stats.response_tokens as f64 / gen_seconds.max(1e-9),
    });
    let mut per_env = serde_json::Map::new();
    for (env, (sum, n)) in &stats.per_env {
        per_env.insert(
            t.config.envs[*env].id.clone(),
            json!(sum / (*n).max(1) as f64),
        );
    }
    record["reward_per_env"] = Value::Object(per_env);
    if samples.is_empty() {
        record["skipped_update"] = json!(true);
    } else {
        let train_start = Instant::now();
        let update = update(t, &samples, step)?;
        let train_seconds = train_start.elapsed().as_secs_f64();
        for (k, v) in update {
            record[k] = v;
        }
        let train_tokens: usize = samples.iter().map(|s| s.response.len()).sum();
        record["train_tokens_per_s"] = json!(train_tokens as f64 / train_seconds.max(1e-9));
    }
    let seconds = start.elapsed().as_secs_f64();
    record["tokens_per_s"] = json!(stats.response_tokens as f64 / seconds.max(1e-9));
    record["seconds"] = json!(seconds);
    Ok(record)
}

fn record_group(stats: &mut RolloutStats, group: &[Sample]) {
    for s in group {
        stats.generated += 1;
        stats.response_tokens += s.completion.tokens.len();
        match s.finish() {
            FinishReason::Truncated => stats.truncated += 1,
            FinishReason::Length => stats.length_limited += 1,
            FinishReason::Stop => {}
        }
        match s.reward {
            None => stats.masked += 1,
            Some(r) => {
                stats.reward_sum += r;
                stats.correct += usize::from(s.verdict == Some(Verdict::Correct));
                let e = stats.per_env.entry(s.env).or_insert((0.0, 0));
                e.0 += r;
                e.1 += 1;
            }
        }
    }
}

/// Shaped rewards (overlong penalty) to group-relative advantages; masked samples leave the batch.
fn advantages(groups: &[Vec<Sample>], config: &crate::config::TrainConfig) -> Vec<TrainSample> {
    let mut out = Vec::new();
    for group in groups {
        let scored: Vec<&Sample> = group.iter().filter(|s| !s.is_masked()).collect();
        let shaped: Vec<f64> = scored
            .iter()
            .map(|s| {
                s.reward.expect("scored")
                    + overlong_penalty(
                        s.completion.tokens.len(),
                        config.rl.max_new_tokens,
                        &config.rl.overlong,
                    )
            })
            .collect();
        let adv = group_advantages(&shaped, &config.advantage);
        for (s, a) in scored.into_iter().zip(adv) {
            if s.completion.tokens.is_empty() {
                continue;
            }
            out.push(TrainSample {
                prompt: s.prompt_tokens.clone(),
                response: s.completion.tokens.clone(),
                rollout_logp: s.completion.logprobs.clone(),
                advantage: a,
            });
        }
    }
    out
}

fn batch_of(t: &Trainer, samples: &[&TrainSample]) -> TokenBatch {
    let pairs: Vec<(&[i64], &[i64])> = samples
        .iter()
        .map(|s| (s.prompt.as_slice(), s.response.as_slice()))
        .collect();
    TokenBatch::new(&pairs, 0, t.device)
}

/// `[B, R]` from ragged rows, zero-padded.
fn padded(rows: &[&[f64]], r: i64, device: tch::Device) -> Tensor {
    let mut flat = vec![0f64; rows.len() * r as usize];
    for (i, row) in rows.iter().enumerate() {
        flat[i * r as usize..i * r as usize + row.len()].copy_from_slice(row);
    }
    Tensor::from_slice(&flat)
        .reshape([rows.len() as i64, r])
        .to_kind(Kind::Float)
        .to_device(device)
}

fn update(
    t: &mut Trainer,
    samples: &[TrainSample],
    step: u64,
) -> Result<Vec<(&'static str, Value)>, TrainError> {
    let cfg = t.config.rl.clone();
    let loss_cfg = t.config.loss.resolve();
    let fp32_head = t.config.model.fp32_lm_head;
    // pi_old: the policy that generated the batch, as the trainer computes it (before any update).
    let all: Vec<&TrainSample> = samples.iter().collect();
    let old_batch = batch_of(t, &all);
    let old = tch::no_grad(|| response_logprobs(&t.model, &old_batch, cfg.temperature, fp32_head));
    let logp_old: Vec<Vec<f64>> = samples
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let row = Vec::<f64>::try_from(old.logp.get(i as i64).to_kind(Kind::Double))
                .unwrap_or_default();
            row[..s.response.len()].to_vec()
        })
        .collect();
    let (mut rollout_p, mut train_p) = (Vec::new(), Vec::new());
    for (s, old_row) in samples.iter().zip(&logp_old) {
        for (a, b) in s.rollout_logp.iter().zip(old_row) {
            rollout_p.push(f64::from(*a).exp());
            train_p.push(b.exp());
        }
    }
    let prob_corr = pearson(&rollout_p, &train_p);
    let entropy = f64::try_from((&old.entropy * &old_batch.mask).sum(Kind::Double)).unwrap_or(0.0)
        / f64::try_from(old_batch.mask.sum(Kind::Double))
            .unwrap_or(1.0)
            .max(1.0);

    let mut order: Vec<usize> = (0..samples.len()).collect();
    order.shuffle(&mut task_rng(
        "rlvr-train/minibatch",
        t.config.run.seed,
        step,
    ));
    let n_updates = cfg.updates_per_batch.min(samples.len()).max(1);
    let per = samples.len().div_ceil(n_updates);
    let total_updates = cfg.steps * cfg.updates_per_batch as u64;
    let (mut loss_sum, mut clip_sum, mut norm_sum, mut lr_last) = (0.0, 0.0, 0.0, 0.0);
    let mut done = 0;
    for (k, chunk) in order.chunks(per).enumerate() {
        let mb: Vec<&TrainSample> = chunk.iter().map(|&i| &samples[i]).collect();
        let batch = batch_of(t, &mb);
        let r = batch.targets.size()[1];
        let old_rows: Vec<&[f64]> = chunk.iter().map(|&i| logp_old[i].as_slice()).collect();
        let logp_old_t = padded(&old_rows, r, t.device);
        let adv: Vec<f64> = mb.iter().map(|s| s.advantage).collect();
        let adv_t = Tensor::from_slice(&adv)
            .to_kind(Kind::Float)
            .to_device(t.device)
            .unsqueeze(-1)
            .expand([mb.len() as i64, r], false);
        let out = response_logprobs(&t.model, &batch, cfg.temperature, fp32_head);
        let loss = loss_cfg.compute(&LossInputs {
            logp_new: &out.logp,
            logp_old: &logp_old_t,
            advantages: &adv_t,
            mask: &batch.mask,
            logp_ref: None,
        });
        let total = &loss.loss + &out.aux_loss;
        t.optimizer.zero_grad();
        total.backward();
        let lr = t.config.rl.schedule.lr_at(
            step * cfg.updates_per_batch as u64 + k as u64,
            total_updates,
        );
        let st = t.optimizer.step(lr);
        loss_sum += f64::try_from(&loss.loss).unwrap_or(f64::NAN);
        clip_sum += loss.clip_fraction;
        norm_sum += st.grad_norm;
        lr_last = lr;
        done += 1;
    }
    let d = done as f64;
    Ok(vec![
        ("loss", json!(loss_sum / d)),
        ("clip_fraction", json!(clip_sum / d)),
        ("grad_norm", json!(norm_sum / d)),
        ("lr", json!(lr_last)),
        ("entropy", json!(entropy)),
        (
            "prob_corr",
            if prob_corr.is_finite() {
                json!(prob_corr)
            } else {
                Value::Null
            },
        ),
        ("updates", json!(done)),
        ("train_samples", json!(samples.len())),
    ])
}

/// A seed per generation round of a step.
trait RoundSeed {
    fn next_u64_from(self, round: usize) -> u64;
}

impl RoundSeed for rlvr_envs::seed::TaskRng {
    fn next_u64_from(mut self, round: usize) -> u64 {
        use rand::RngCore;
        let mut v = 0;
        for _ in 0..=round {
            v = self.next_u64();
        }
        v
    }
}
