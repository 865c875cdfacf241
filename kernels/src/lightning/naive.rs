//! The quadratic reference: `O = ((Q Kᵀ) ⊙ D) V + (Q ⊙ λ^{t+1}) S₀` with `D[t,u] = λ^{t-u}` for `u ≤ t`.

use tch::{Kind, Tensor};

use super::{fp32, zero_state};

/// Reference lightning attention; O(T²) memory. Returns `(output [b,h,t,d] fp32, final state fp32)`.
pub fn attention(
    q: &Tensor,
    k: &Tensor,
    v: &Tensor,
    slopes: &Tensor,
    state: Option<&Tensor>,
) -> (Tensor, Tensor) {
    let (q, k, v) = (fp32(q), fp32(k), fp32(v));
    let t = q.size()[2];
    let device = q.device();
    let s = slopes
        .to_kind(Kind::Float)
        .to_device(device)
        .view([-1, 1, 1]);
    let pos = Tensor::arange(t, (Kind::Float, device));
    let dist = pos.view([-1, 1]) - pos.view([1, -1]); // t - u
    let causal = dist.ge(0.0);
    let decay = (-&s * dist.clamp_min(0.0)).exp() * causal.to_kind(Kind::Float); // [h,t,t]
    let scores = q.matmul(&k.transpose(-1, -2)) * decay.unsqueeze(0);
    let mut out = scores.matmul(&v);
    let s0 = state.map(fp32).unwrap_or_else(|| zero_state(&k, &v));
    let q_decay = (-&s * (pos.view([1, -1, 1]) + 1.0)).exp(); // [h,t,1]
    out += (&q * q_decay.unsqueeze(0)).matmul(&s0);
    // Final state: Σ_u λ^{T-1-u} k_uᵀ v_u + λ^T S₀.
    let k_decay = (-&s * (pos.view([1, -1, 1]) * -1.0 + (t - 1) as f64)).exp(); // [h,t,1]
    let final_state = (&k * k_decay.unsqueeze(0)).transpose(-1, -2).matmul(&v)
        + s0 * (-&s * t as f64).exp().unsqueeze(0);
    (out, final_state)
}
