//! The recurrence `S_t = λ S_{t-1} + k_tᵀ v_t`, `o_t = q_t S_t`, one token at a time (decode).

use tch::{Kind, Tensor};

use super::{fp32, zero_state};

/// Recurrent lightning attention. Returns `(output [b,h,t,d] fp32, final state fp32)`.
pub fn attention(
    q: &Tensor,
    k: &Tensor,
    v: &Tensor,
    slopes: &Tensor,
    state: Option<&Tensor>,
) -> (Tensor, Tensor) {
    let (q, k, v) = (fp32(q), fp32(k), fp32(v));
    let t = q.size()[2];
    let ratio = (-slopes.to_kind(Kind::Float).to_device(q.device()))
        .exp()
        .view([1, -1, 1, 1]);
    let mut s = state.map(fp32).unwrap_or_else(|| zero_state(&k, &v));
    let mut outputs = Vec::with_capacity(t as usize);
    for i in 0..t {
        let (qi, ki, vi) = (q.narrow(2, i, 1), k.narrow(2, i, 1), v.narrow(2, i, 1));
        s = &s * &ratio + ki.transpose(-1, -2).matmul(&vi);
        outputs.push(qi.matmul(&s));
    }
    (Tensor::cat(&outputs, 2), s)
}

/// One decode step for `t = 1`, updating `state` in place (no autograd).
///
/// `q, k, v: [b,h,1,d]`, `state: [b,h,d,d]` fp32, `decay: [1,h,1,1]` = `exp(-slope)` fp32.
pub fn step_in_place(
    q: &Tensor,
    k: &Tensor,
    v: &Tensor,
    decay: &Tensor,
    state: &mut Tensor,
) -> Tensor {
    let (b, h, dk, dv) = state.size4().expect("state is [b,h,d,d]");
    let _ = state.g_mul_(decay);
    // A view shares the state's storage, so the in-place add lands in `state`.
    let mut flat = state.view([b * h, dk, dv]);
    let _ = flat.baddbmm_(
        &fp32(k).transpose(-1, -2).reshape([b * h, dk, 1]),
        &fp32(v).reshape([b * h, 1, dv]),
    );
    fp32(q).matmul(state)
}
