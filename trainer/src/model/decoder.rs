//! One decoder layer: attention (lightning or softmax) then MoE, each with DeepNorm residual factors.

use tch::{nn, Tensor};

use super::cache::LayerCache;
use super::config::{LayerType, MiniMaxConfig, Residual};
use super::lightning::LightningAttention;
use super::moe::SparseMoe;
use super::norm::RmsNorm;
use super::softmax_attention::{KvSlot, SoftmaxAttention};

#[derive(Debug)]
pub enum Attention {
    Lightning(LightningAttention),
    Softmax(SoftmaxAttention),
}

#[derive(Debug)]
pub struct DecoderLayer {
    pub input_layernorm: RmsNorm,
    pub post_attention_layernorm: RmsNorm,
    pub attention: Attention,
    pub moe: SparseMoe,
    attn_residual: Residual,
    mlp_residual: Residual,
    postnorm: bool,
}

/// What a layer needs to know about the batch beyond its hidden states.
pub struct LayerInputs<'a> {
    pub positions: &'a Tensor,
    /// `[b, t]` bool over the new tokens (false = padding), `None` when nothing is padded.
    pub valid: Option<&'a Tensor>,
    /// `[b, start + t]` bool over every visible key, `None` when nothing is padded.
    pub key_valid: Option<&'a Tensor>,
    /// Tokens already in the cache.
    pub start: i64,
    /// Static decoding: the device-side cache index of the new token (see [`KvSlot::at`]).
    pub at: Option<&'a Tensor>,
}

impl DecoderLayer {
    pub fn new(p: nn::Path, cfg: &MiniMaxConfig, layer_idx: usize) -> Self {
        let h = cfg.hidden_size;
        let kind = cfg.layer_types[layer_idx];
        let attn_path = &p / "self_attn";
        let (attention, attn_residual) = match kind {
            LayerType::Lightning => (
                Attention::Lightning(LightningAttention::new(attn_path, cfg, layer_idx)),
                cfg.linear_attn,
            ),
            LayerType::Softmax => (
                Attention::Softmax(SoftmaxAttention::new(attn_path, cfg)),
                cfg.full_attn,
            ),
        };
        DecoderLayer {
            input_layernorm: RmsNorm::new(&p / "input_layernorm", h, cfg.rms_norm_eps),
            post_attention_layernorm: RmsNorm::new(
                &p / "post_attention_layernorm",
                h,
                cfg.rms_norm_eps,
            ),
            attention,
            moe: SparseMoe::new(&p / "mlp", cfg),
            attn_residual,
            mlp_residual: cfg.mlp,
            postnorm: cfg.postnorm,
        }
    }

    /// The attention weights with their names under `self_attn.`.
    pub fn attention_parameters(&self) -> Vec<(&'static str, Tensor)> {
        match &self.attention {
            Attention::Lightning(a) => a.parameters(),
            Attention::Softmax(a) => a.parameters(),
        }
    }

    /// Returns `(hidden, load-balancing loss when gradients flow)`.
    pub fn forward(
        &self,
        h: &Tensor,
        inputs: &LayerInputs,
        cache: Option<&mut LayerCache>,
    ) -> (Tensor, Option<Tensor>) {
        let x = self.input_layernorm.forward(h);
        let attn = match (&self.attention, cache) {
            (Attention::Lightning(layer), Some(LayerCache::Lightning { state })) => {
                layer.forward(&x, inputs.valid, Some(state))
            }
            (Attention::Lightning(layer), _) => layer.forward(&x, inputs.valid, None),
            (Attention::Softmax(layer), Some(LayerCache::Softmax { k, v })) => layer.forward(
                &x,
                inputs.positions,
                inputs.key_valid,
                Some(KvSlot {
                    k,
                    v,
                    start: inputs.start,
                    at: inputs.at,
                }),
            ),
            (Attention::Softmax(layer), _) => {
                layer.forward(&x, inputs.positions, inputs.key_valid, None)
            }
        };
        let residual = if self.postnorm { &x } else { h };
        let h1 = combine(&self.attn_residual, residual, &attn);
        let y = self.post_attention_layernorm.forward(&h1);
        let (moe, aux) = self.moe.forward(&y);
        let residual = if self.postnorm { &y } else { &h1 };
        (combine(&self.mlp_residual, residual, &moe), aux)
    }
}

/// `alpha * residual + beta * sublayer`, skipping multiplications by 1 (each is a kernel launch, and
/// decoding is bound by launches).
fn combine(factors: &Residual, residual: &Tensor, sublayer: &Tensor) -> Tensor {
    let scaled = |t: &Tensor, f: f64| {
        if f == 1.0 {
            t.shallow_clone()
        } else {
            t * f
        }
    };
    scaled(residual, factors.alpha) + scaled(sublayer, factors.beta)
}
