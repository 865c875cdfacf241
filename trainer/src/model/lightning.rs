//! The lightning-attention layer of MiniMax: SiLU q/k/v from one head-interleaved projection,
//! per-head decay, RMSNorm over all heads, sigmoid output gate.

use rlvr_kernels::lightning::{blockwise, decay_slopes, recurrent, slopes_tensor};
use tch::{nn, Kind, Tensor};

use super::config::MiniMaxConfig;
use super::linear;
use super::norm::RmsNorm;

/// transformers builds the inner norm with RMSNorm's default eps, not `rms_norm_eps`.
const INNER_NORM_EPS: f64 = 1e-6;

#[derive(Debug)]
pub struct LightningAttention {
    qkv_proj: Tensor,
    output_gate: Tensor,
    out_proj: Tensor,
    norm: RmsNorm,
    slopes: Tensor, // [heads] fp32
    decay: Tensor,  // [1, heads, 1, 1] = exp(-slope), fp32
    heads: i64,
    head_dim: i64,
    block: i64,
}

impl LightningAttention {
    pub fn new(p: nn::Path, cfg: &MiniMaxConfig, layer_idx: usize) -> Self {
        let (h, nh, hd) = (cfg.hidden_size, cfg.num_attention_heads, cfg.head_dim);
        let init = nn::Init::Randn {
            mean: 0.0,
            stdev: 0.02,
        };
        let slopes = slopes_tensor(
            &decay_slopes(nh as usize, layer_idx, cfg.num_hidden_layers),
            p.device(),
        );
        LightningAttention {
            qkv_proj: (&p / "qkv_proj").var("weight", &[3 * nh * hd, h], init),
            output_gate: (&p / "output_gate").var("weight", &[nh * hd, h], init),
            out_proj: (&p / "out_proj").var("weight", &[h, nh * hd], init),
            norm: RmsNorm::new(&p / "norm", nh * hd, INNER_NORM_EPS),
            decay: (-&slopes).exp().view([1, -1, 1, 1]),
            slopes,
            heads: nh,
            head_dim: hd,
            block: cfg.block_size,
        }
    }

    /// The weights with their names under `self_attn.`.
    pub fn parameters(&self) -> Vec<(&'static str, Tensor)> {
        vec![
            ("qkv_proj.weight", self.qkv_proj.shallow_clone()),
            ("output_gate.weight", self.output_gate.shallow_clone()),
            ("out_proj.weight", self.out_proj.shallow_clone()),
            ("norm.weight", self.norm.weight.shallow_clone()),
        ]
    }

    /// `x: [b, t, hidden]` (already normed). `valid: [b, t]` bool zeroes padded positions.
    /// `state`: the layer's recurrent state, read and replaced when generating.
    pub fn forward(
        &self,
        x: &Tensor,
        valid: Option<&Tensor>,
        state: Option<&mut Option<Tensor>>,
    ) -> Tensor {
        let (b, t, _) = x.size3().expect("x is [b,t,h]");
        let kind = x.kind();
        let mut qkv = linear(x, &self.qkv_proj).silu();
        if let Some(valid) = valid {
            qkv = qkv.where_self(&valid.unsqueeze(-1), &Tensor::zeros([], (kind, x.device())));
        }
        // Head-interleaved layout: per head [q | k | v].
        let qkv = qkv
            .view([b, t, self.heads, 3 * self.head_dim])
            .permute([0, 2, 1, 3]);
        let decoding = t == 1 && matches!(&state, Some(Some(_)));
        // Decode upcasts q, k and v in one op (the recurrence runs in fp32 anyway).
        let qkv = if decoding {
            qkv.to_kind(Kind::Float)
        } else {
            qkv
        };
        let q = qkv.narrow(-1, 0, self.head_dim);
        let k = qkv.narrow(-1, self.head_dim, self.head_dim);
        let v = qkv.narrow(-1, 2 * self.head_dim, self.head_dim);
        let out = match state {
            None => blockwise::attention(&q, &k, &v, &self.slopes, self.block, None).0,
            Some(slot) => match slot.as_mut() {
                Some(s) if decoding => recurrent::step_in_place(&q, &k, &v, &self.decay, s),
                _ => {
                    let (o, s) =
                        blockwise::attention(&q, &k, &v, &self.slopes, self.block, slot.as_ref());
                    *slot = Some(s);
                    o
                }
            },
        };
        let out =
            out.to_kind(kind)
                .permute([0, 2, 1, 3])
                .reshape([b, t, self.heads * self.head_dim]);
        let out = self.norm.forward(&out);
        let gate = linear(x, &self.output_gate).sigmoid();
        linear(&(gate * out), &self.out_proj)
    }
}
