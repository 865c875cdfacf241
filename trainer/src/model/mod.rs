//! The MiniMax-M1 hybrid model in tch: lightning attention, softmax attention, MoE.
//!
//! # API (stable; used by the trainer)
//!
//! ```ignore
//! use rlvr_trainer::model::{MiniMaxConfig, MiniMaxForCausalLM, checkpoint, ModelCache};
//! use rlvr_trainer::generate::{generate, SamplingParams, EarlyTruncation};
//!
//! // Config: a preset (`tiny`, `small`, `bench`, `m1`) or a transformers config.json (both schemes).
//! let cfg = MiniMaxConfig::preset("tiny")?;                  // or MiniMaxConfig::from_json_file(path)?
//! let vs = tch::nn::VarStore::new(tch::Device::Cpu);
//! let model = MiniMaxForCausalLM::new(&vs.root(), &cfg)?;    // HF parameter names in the VarStore
//!
//! // Forward: input_ids [b, t] i64 -> logits [b, t, vocab] fp32 (the LM head runs in fp32).
//! let logits = model.forward(&input_ids);
//! let out = model.forward_with_aux(&input_ids);              // out.logits, out.aux_loss (coef applied)
//!
//! // Checkpoints (safetensors, transformers names; per-expert or packed experts both load).
//! let loaded = checkpoint::load(dir, device, tch::Kind::Float)?;   // LoadedModel { vs, model, config }
//! checkpoint::save(&model, dir, checkpoint::ExpertLayout::PerExpert)?;
//!
//! // Generation with per-layer caches (lightning: fp32 state; softmax: KV cache).
//! let params = SamplingParams { temperature: 1.0, top_p: 0.95, top_k: 0, seed: 7,
//!     max_new_tokens: 256, stop_tokens: vec![2], early_truncation: Some(EarlyTruncation::M1),
//!     pad_token: 0, decode: DecodeMode::Auto };   // Auto: CUDA graphs where they apply
//! let completions = generate(&model, &[vec![1, 5, 9]], &params)?;  // tokens, fp32 logprobs, finish reason
//! ```
//!
//! Right padding needs no mask in `forward` (causal layers never look ahead). Generation left-pads
//! prompts and masks the padding (lightning layers zero q/k/v there; softmax layers mask the keys), so
//! a padded prompt gives the same tokens as the same prompt alone.

pub mod bench;
pub mod cache;
pub mod causal_lm;
pub mod checkpoint;
pub mod config;
pub mod decoder;
pub mod error;
pub mod flops;
pub mod lightning;
pub mod moe;
pub mod norm;
pub mod profile;
pub mod rope;
pub mod softmax_attention;
pub mod tokenizer;

pub use cache::{LayerCache, ModelCache};
pub use causal_lm::{MiniMaxForCausalLM, ModelOutput};
pub use config::{LayerType, MiniMaxConfig, Residual};
pub use error::ModelError;

use tch::Tensor;

/// `x @ wᵀ` with the weight cast to the activations' kind (skipped when they match: even a no-op
/// cast costs a dispatch, and decoding is bound by those).
pub(crate) fn linear(x: &Tensor, w: &Tensor) -> Tensor {
    x.linear::<Tensor>(&same_kind(w, x.kind()), None)
}

/// `t` in `kind`, without a dispatch when it already is.
pub(crate) fn same_kind(t: &Tensor, kind: tch::Kind) -> Tensor {
    if t.kind() == kind {
        t.shallow_clone()
    } else {
        t.to_kind(kind)
    }
}
