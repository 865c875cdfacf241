//! Block-parallel lightning attention (the training and prefill form).
//!
//! The sequence is cut into blocks of `block` tokens (the last one may be shorter). Within a block the
//! output is the decay-masked quadratic form; across blocks it reads the state left by all earlier
//! blocks. Unlike a block-by-block loop, every block is computed at once: the state before block `i`
//! is `Σ_{j<i} λ^{B(i-1-j)} KV_j + λ^{B·i} S₀`, a small matmul over the block index, so the whole
//! forward is a fixed number of batched ops (and autograd gives the backward).

use tch::{Kind, Tensor};

use super::{fp32, zero_state};

/// Block-wise lightning attention. Returns `(output [b,h,t,d] fp32, final state fp32)`.
pub fn attention(
    q: &Tensor,
    k: &Tensor,
    v: &Tensor,
    slopes: &Tensor,
    block: i64,
    state: Option<&Tensor>,
) -> (Tensor, Tensor) {
    assert!(block > 0, "block size must be positive");
    let (q, k, v) = (fp32(q), fp32(k), fp32(v));
    let (b, h, t, dk) = q.size4().expect("q is [b,h,t,d]");
    let dv = v.size()[3];
    let device = q.device();
    let s0 = state.map(fp32).unwrap_or_else(|| zero_state(&k, &v));
    if t == 0 {
        return (Tensor::zeros([b, h, 0, dv], (Kind::Float, device)), s0);
    }
    let nb = (t + block - 1) / block;
    let last = t - (nb - 1) * block; // tokens in the last block
    let padded = nb * block;
    let pad = |x: &Tensor| {
        if padded == t {
            x.shallow_clone()
        } else {
            x.constant_pad_nd([0, 0, 0, padded - t])
        }
    };
    let qb = pad(&q).view([b, h, nb, block, dk]);
    let kb = pad(&k).view([b, h, nb, block, dk]);
    let vb = pad(&v).view([b, h, nb, block, dv]);

    let s = slopes
        .to_kind(Kind::Float)
        .to_device(device)
        .view([h, 1, 1]);
    let pos = Tensor::arange(block, (Kind::Float, device));
    // Intra-block: D[a,c] = λ^{a-c} for c ≤ a.
    let dist = pos.view([-1, 1]) - pos.view([1, -1]);
    let diag = (-&s * dist.clamp_min(0.0)).exp() * dist.ge(0.0).to_kind(Kind::Float); // [h,B,B]
    let scores = qb.matmul(&kb.transpose(-1, -2)) * diag.view([1, h, 1, block, block]);
    let intra = scores.matmul(&vb);

    // Per-block KV contribution with key decay λ^{m-1-c} (m = tokens in that block; 0 on padding).
    let sizes: Vec<f32> = (0..nb)
        .map(|i| {
            if i == nb - 1 {
                last as f32
            } else {
                block as f32
            }
        })
        .collect();
    let m = Tensor::from_slice(&sizes)
        .to_device(device)
        .view([1, nb, 1]); // [1,nb,1]
    let kexp = &m - 1.0 - pos.view([1, 1, -1]); // [1,nb,B]
    let k_decay =
        (-s.view([h, 1, 1]) * kexp.clamp_min(0.0)).exp() * kexp.ge(0.0).to_kind(Kind::Float); // [h,nb,B]
    let kv = (&kb * k_decay.view([1, h, nb, block, 1]))
        .transpose(-1, -2)
        .matmul(&vb); // [b,h,nb,dk,dv]

    // State before block i: Σ_{j<i} λ^{B(i-1-j)} KV_j + λ^{B i} S₀ (all earlier blocks are full).
    let idx = Tensor::arange(nb, (Kind::Float, device));
    let gap = idx.view([-1, 1]) - idx.view([1, -1]) - 1.0; // i-1-j
    let scan = (-s.view([h, 1, 1]) * block as f64 * gap.clamp_min(0.0)).exp()
        * gap.ge(0.0).to_kind(Kind::Float); // [h,nb,nb]
    let before = scan
        .unsqueeze(0)
        .matmul(&kv.reshape([b, h, nb, dk * dv]))
        .view([b, h, nb, dk, dv])
        + s0.unsqueeze(2)
            * (-s.view([1, h, 1, 1, 1]) * block as f64 * idx.view([1, 1, -1, 1, 1])).exp();

    // Inter-block: (Q ⊙ λ^{a+1}) · S_before.
    let q_decay = (-s.view([h, 1, 1]) * (pos.view([1, -1, 1]) + 1.0)).exp(); // [h,B,1]
    let inter = (&qb * q_decay.view([1, h, 1, block, 1])).matmul(&before);

    let out = (intra + inter).view([b, h, padded, dv]);
    let out = if padded == t {
        out
    } else {
        out.narrow(2, 0, t)
    };
    let final_state = before.select(2, nb - 1) * (-s.view([1, h, 1, 1]) * last as f64).exp()
        + kv.select(2, nb - 1);
    (out, final_state)
}
