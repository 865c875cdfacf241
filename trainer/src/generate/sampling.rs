//! One sampling step on the device: temperature, top-k, top-p, inverse-CDF draw with given uniforms.

use tch::{Kind, Tensor};

use super::SamplingParams;

/// `logits: [b, vocab]` fp32, one uniform in [0, 1) per row → `(tokens [b] i64, logprobs [b] fp32)`.
pub fn sample(logits: &Tensor, params: &SamplingParams, uniforms: &[f64]) -> (Tensor, Tensor) {
    let logits = logits.to_kind(Kind::Float);
    if params.temperature == 0.0 {
        let tokens = logits.argmax(-1, false);
        let logp = logits
            .log_softmax(-1, Kind::Float)
            .gather(-1, &tokens.unsqueeze(-1), false)
            .squeeze_dim(-1);
        return (tokens, logp);
    }
    let scaled = logits / params.temperature;
    let logp_full = scaled.log_softmax(-1, Kind::Float);
    let (sorted, order) = logp_full.exp().sort(-1, true);
    let vocab = sorted.size()[1];
    let mut kept = sorted.shallow_clone();
    if params.top_k > 0 && params.top_k < vocab {
        let rank = Tensor::arange(vocab, (Kind::Int64, sorted.device()));
        // Not `*=`: `kept` shares storage with `sorted`, which must stay unchanged.
        #[allow(clippy::assign_op_pattern)]
        {
            kept = kept * rank.lt(params.top_k).to_kind(Kind::Float);
        }
    }
    if params.top_p < 1.0 {
        // Keep the smallest prefix whose mass reaches top_p (the first token always stays).
        let before = kept.cumsum(-1, Kind::Float) - &kept;
        kept = &kept * before.lt(params.top_p).to_kind(Kind::Float);
    }
    let cum = kept.cumsum(-1, Kind::Float);
    let total = cum.select(1, vocab - 1).unsqueeze(-1);
    let u = Tensor::from_slice(uniforms)
        .to_kind(Kind::Float)
        .to_device(cum.device())
        .unsqueeze(-1)
        * total;
    let index = cum
        .le_tensor(&u)
        .sum_dim_intlist(-1, true, Kind::Int64)
        .clamp_max(vocab - 1);
    // Never land on a zeroed (truncated) entry because of rounding: step back to the last kept one.
    let index = index.minimum(&(kept.gt(0.0).sum_dim_intlist(-1, true, Kind::Int64) - 1));
    let tokens = order.gather(-1, &index, false);
    let logp = logp_full.gather(-1, &tokens, false).squeeze_dim(-1);
    (tokens.squeeze_dim(-1), logp)
}
