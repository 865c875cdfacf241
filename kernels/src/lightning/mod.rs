//! Lightning attention (MiniMax-01/M1): linear attention with a fixed per-head exponential decay.
//!
//! For one head with decay slope `s` (per-token decay `λ = exp(-s)`), queries `q_t`, keys `k_t`,
//! values `v_t` (all already passed through SiLU by the caller) and an optional initial state `S₀`:
//!
//! ```text
//! S_t = λ·S_{t-1} + k_tᵀ v_t          (S is [d_k, d_v], kept in fp32)
//! o_t = q_t · S_t
//!     = Σ_{u ≤ t} λ^{t-u} (q_t·k_u) v_u  +  λ^{t+1} q_t·S₀
//! ```
//!
//! There is no 1/√d scale, no softmax and no normaliser. Three implementations of the same math:
//! - [`naive::attention`]: the quadratic reference (a decay-masked `QKᵀ` matrix), for tests;
//! - [`blockwise::attention`]: block-parallel, used for training and prefill;
//! - [`recurrent::attention`]: token by token over the state, used for decode.
//!
//! All three take `q, k, v: [batch, heads, time, head_dim]` in any float dtype, `slopes: [heads]`,
//! compute in fp32 and return the output in fp32 with the final state `[batch, heads, d, d]` in fp32.

pub mod blockwise;
pub mod naive;
pub mod recurrent;

use tch::{Kind, Tensor};

/// The decay slope of every head of one lightning layer, as transformers computes it:
/// `s_h = (2^(-8/heads))^(h+1) · (1 − layer/(layers − 1 + 1e-5) + 1e-5)`.
///
/// `layer_idx` counts every decoder layer (softmax layers included), `num_layers` is the model's depth.
pub fn decay_slopes(num_heads: usize, layer_idx: usize, num_layers: usize) -> Vec<f64> {
    let base = 1.0 / 2f64.powf(8.0 / num_heads as f64);
    let factor = 1.0 - layer_idx as f64 / (num_layers as f64 - 1.0 + 1e-5) + 1e-5;
    (0..num_heads)
        .map(|h| base.powi(h as i32 + 1) * factor)
        // transformers holds the slopes in fp32.
        .map(|s| s as f32 as f64)
        .collect()
}

/// The slopes as an fp32 tensor `[heads]` on `device`.
pub fn slopes_tensor(slopes: &[f64], device: tch::Device) -> Tensor {
    let values: Vec<f32> = slopes.iter().map(|&s| s as f32).collect();
    Tensor::from_slice(&values).to_device(device)
}

/// Upcasts to fp32 (a no-op for fp32 inputs).
pub(crate) fn fp32(t: &Tensor) -> Tensor {
    if t.kind() == Kind::Float {
        t.shallow_clone()
    } else {
        t.to_kind(Kind::Float)
    }
}

/// A zero state `[batch, heads, d_k, d_v]` in fp32, shaped after `k` and `v`.
pub(crate) fn zero_state(k: &Tensor, v: &Tensor) -> Tensor {
    let (b, h, _, dk) = k.size4().expect("k is [b,h,t,d]");
    let dv = v.size()[3];
    Tensor::zeros([b, h, dk, dv], (Kind::Float, k.device()))
}
