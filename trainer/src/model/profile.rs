//! Where the time of a decode step and of a training step goes (run on the GPU machine by
//! `rlvr model bench --what profile`): each part timed on its own, synchronised, in milliseconds.
//!
//! The figures guide kernel work; they are not the benchmark (see [`super::bench`]).

use std::time::Instant;

use serde::Serialize;
use tch::{Device, Kind, Tensor};

use super::bench::sync;
use super::cache::{LayerCache, ModelCache};
use super::causal_lm::MiniMaxForCausalLM;
use super::decoder::{Attention, LayerInputs};
use super::softmax_attention::KvSlot;

/// One timed part: milliseconds per call.
#[derive(Debug, Serialize)]
pub struct Part {
    pub name: String,
    pub ms: f64,
}

/// Milliseconds per call of `f`, after two warm-up calls, over `reps` calls with one synchronisation
/// at the end: launch-bound parts show their CPU cost, device-bound parts their device time.
fn time_ms(device: Device, reps: usize, mut f: impl FnMut()) -> f64 {
    f();
    f();
    sync(device);
    let t0 = Instant::now();
    for _ in 0..reps {
        f();
    }
    sync(device);
    1e3 * t0.elapsed().as_secs_f64() / reps as f64
}

/// A timed part, also written to stderr at once so a later failure loses nothing.
fn part(name: &str, ms: f64) -> Part {
    eprintln!("profile: {name}: {ms:.4} ms");
    Part {
        name: name.to_string(),
        ms,
    }
}

/// Decode with `batch` sequences after a prompt of `prompt_len` tokens.
pub fn decode(model: &MiniMaxForCausalLM, batch: i64, prompt_len: i64, reps: usize) -> Vec<Part> {
    let device = model.device();
    let cfg = &model.config;
    tch::no_grad(|| {
        let mut parts = Vec::new();
        let probe = Tensor::zeros([batch, cfg.hidden_size], (model.kind(), device));
        parts.push(part(
            "one elementwise op (launch cost)",
            time_ms(device, reps * 20, || {
                let _ = probe.g_add_scalar(1.0);
            }),
        ));
        let ids = Tensor::randint(cfg.vocab_size, [batch, prompt_len], (Kind::Int64, device));
        let positions = Tensor::arange(prompt_len, (Kind::Int64, device))
            .unsqueeze(0)
            .expand([batch, prompt_len], true)
            .contiguous();
        let capacity = prompt_len + 6 * reps as i64 + 16;
        let mut cache = ModelCache::new(cfg, batch, capacity, model.kind(), device);
        let (h, _) = model.hidden_states(&ids, &positions, None, Some(&mut cache));
        let mut token = model
            .lm_logits(&h.select(1, prompt_len - 1))
            .argmax(-1, true);
        let mut pos = prompt_len;
        parts.push(part(
            "decode step, device-resident (model + fp32 head + argmax)",
            time_ms(device, reps, || {
                let p = Tensor::full([batch, 1], pos, (Kind::Int64, device));
                let (h, _) = model.hidden_states(&token, &p, None, Some(&mut cache));
                token = model.lm_logits(&h.select(1, 0)).argmax(-1, true);
                pos += 1;
            }),
        ));
        parts.push(part(
            "decode step, tokens read back every step",
            time_ms(device, reps, || {
                let p = Tensor::full([batch, 1], pos, (Kind::Int64, device));
                let (h, _) = model.hidden_states(&token, &p, None, Some(&mut cache));
                let next = model.lm_logits(&h.select(1, 0)).argmax(-1, true);
                let host: Vec<i64> =
                    Vec::try_from(next.to_device(Device::Cpu).view([-1])).expect("tokens are i64");
                token = Tensor::from_slice(&host).view([batch, 1]).to_device(device);
                pos += 1;
            }),
        ));
        // The real step once more, layer by layer, synchronised around each layer: a layer that
        // costs more in place than alone (below) shows here.
        let mut per_layer = vec![0.0; model.layers.len()];
        for _ in 0..reps {
            let p = Tensor::full([batch, 1], pos, (Kind::Int64, device));
            let start = cache.len;
            let key_valid = cache.key_valid.narrow(1, 0, start + 1);
            let inputs = LayerInputs {
                positions: &p,
                valid: None,
                key_valid: Some(&key_valid),
                start,
                at: None,
            };
            let mut h = Tensor::embedding(&model.embed_tokens, &token, -1, false, false);
            for (i, layer) in model.layers.iter().enumerate() {
                sync(device);
                let t0 = Instant::now();
                h = layer.forward(&h, &inputs, Some(&mut cache.layers[i])).0;
                sync(device);
                per_layer[i] += 1e3 * t0.elapsed().as_secs_f64() / reps as f64;
            }
            cache.len += 1;
            pos += 1;
        }
        for (i, ms) in per_layer.iter().enumerate() {
            parts.push(part(&format!("decode step in place, layer {i}"), *ms));
        }
        let x = Tensor::randn([batch, 1, cfg.hidden_size], (model.kind(), device));
        let inputs = LayerInputs {
            positions: &Tensor::full([batch, 1], pos, (Kind::Int64, device)),
            valid: None,
            key_valid: None,
            start: cache.len,
            at: None,
        };
        let mut lightning_done = false;
        let mut softmax_done = false;
        for (i, layer) in model.layers.iter().enumerate() {
            let label = match (&layer.attention, &mut cache.layers[i]) {
                (Attention::Lightning(a), LayerCache::Lightning { state }) if !lightning_done => {
                    lightning_done = true;
                    let ms = time_ms(device, reps, || {
                        let _ = a.forward(&x, None, Some(state));
                    });
                    Some(("lightning attention, one layer", ms))
                }
                (Attention::Softmax(a), LayerCache::Softmax { k, v }) if !softmax_done => {
                    softmax_done = true;
                    // A growing cache, as in decoding: every call sees one more key.
                    let mut start = inputs.start;
                    let ms = time_ms(device, reps, || {
                        start += 1;
                        let _ = a.forward(
                            &x,
                            inputs.positions,
                            None,
                            Some(KvSlot {
                                k: &mut *k,
                                v: &mut *v,
                                start,
                                at: None,
                            }),
                        );
                    });
                    Some(("softmax attention, one layer, growing cache", ms))
                }
                _ => None,
            };
            if let Some((name, ms)) = label {
                parts.push(part(name, ms));
            }
        }
        let layer = &model.layers[0];
        parts.push(part(
            "MoE, one layer",
            time_ms(device, reps, || {
                let _ = layer.moe.forward(&x);
            }),
        ));
        parts.push(part(
            "RMSNorm",
            time_ms(device, reps, || {
                let _ = layer.input_layernorm.forward(&x);
            }),
        ));
        parts.push(part(
            "fp32 LM head + argmax",
            time_ms(device, reps, || {
                let _ = model.lm_logits(&x.select(1, 0)).argmax(-1, true);
            }),
        ));
        parts
    })
}

/// One training step of `batch` x `seq_len` random tokens, split into its parts.
pub fn train(model: &MiniMaxForCausalLM, batch: i64, seq_len: i64, reps: usize) -> Vec<Part> {
    let device = model.device();
    let cfg = &model.config;
    let ids = Tensor::randint(cfg.vocab_size, [batch, seq_len], (Kind::Int64, device));
    let mut parts = vec![
        part(
            "forward, no grad",
            time_ms(device, reps, || {
                tch::no_grad(|| {
                    let _ = model.forward_with_aux(&ids);
                })
            }),
        ),
        part(
            "forward + backward",
            time_ms(device, reps, || {
                let out = model.forward_with_aux(&ids);
                (out.logits.mean(Kind::Float) + out.aux_loss).backward();
            }),
        ),
    ];
    let x = Tensor::randn([batch, seq_len, cfg.hidden_size], (model.kind(), device))
        .set_requires_grad(true);
    let positions = Tensor::arange(seq_len, (Kind::Int64, device))
        .unsqueeze(0)
        .expand([batch, seq_len], false);
    let mut lightning_done = false;
    let mut softmax_done = false;
    for layer in &model.layers {
        match &layer.attention {
            Attention::Lightning(a) if !lightning_done => {
                lightning_done = true;
                parts.push(part(
                    "lightning attention, one layer, forward + backward",
                    time_ms(device, reps, || {
                        a.forward(&x, None, None).sum(Kind::Float).backward();
                    }),
                ));
            }
            Attention::Softmax(a) if !softmax_done => {
                softmax_done = true;
                parts.push(part(
                    "softmax attention, one layer, forward + backward",
                    time_ms(device, reps, || {
                        a.forward(&x, &positions, None, None)
                            .sum(Kind::Float)
                            .backward();
                    }),
                ));
            }
            _ => {}
        }
    }
    let layer = &model.layers[0];
    parts.push(part(
        "MoE, one layer, forward + backward",
        time_ms(device, reps, || {
            let (y, aux) = layer.moe.forward(&x);
            let aux = aux.expect("the input requires grad");
            (y.sum(Kind::Float) + aux).backward();
        }),
    ));
    parts.push(part(
        "fp32 LM head + cross-entropy, forward + backward",
        time_ms(device, reps, || {
            let logits = model.lm_logits(&x);
            logits
                .view([-1, cfg.vocab_size])
                .cross_entropy_for_logits(&ids.view([-1]))
                .backward();
        }),
    ));
    parts
}

/// The grouped-GEMM MoE path against the per-expert loop on the same routed tokens:
/// `(max |difference| of outputs, loop ms, grouped-GEMM ms)`, forward and backward.
pub fn moe_paths(model: &MiniMaxForCausalLM, tokens: i64, reps: usize) -> Vec<Part> {
    let device = model.device();
    let moe = &model.layers[0].moe;
    let x = Tensor::randn([tokens, model.config.hidden_size], (model.kind(), device))
        .set_requires_grad(true);
    // Routing is fixed input here: only the experts' graph is rebuilt per call.
    let (_, w, i) = tch::no_grad(|| moe.route(&x));
    let mut parts = Vec::new();
    if !super::moe::grouped_mm_applies(&x, model.config.intermediate_size) {
        return parts;
    }
    let diff = tch::no_grad(|| {
        (moe.grouped(&x, &w, &i) - moe.grouped_mm(&x, &w, &i))
            .abs()
            .max()
            .double_value(&[])
    });
    parts.push(part("MoE grouped GEMM vs loop, max abs diff", diff));
    parts.push(part(
        "MoE per-expert loop, forward + backward",
        time_ms(device, reps, || {
            moe.grouped(&x, &w, &i).sum(Kind::Float).backward();
        }),
    ));
    parts.push(part(
        "MoE grouped GEMM, forward + backward",
        time_ms(device, reps, || {
            moe.grouped_mm(&x, &w, &i).sum(Kind::Float).backward();
        }),
    ));
    parts
}
