//! Inference FLOPs of generating N tokens (prompt excluded): MiniMax-M1, the same model with every
//! layer softmax, and DeepSeek-R1 from its published dimensions.
//!
//! Per token, every weight matrix the token passes through costs 2 FLOPs per weight (active experts
//! only, router and LM head included). Attention over a context of `c` tokens costs, per layer,
//! `2·c·heads·(d_qk + d_v)` (QKᵀ and AV); a lightning layer instead updates and reads its `d×d` state,
//! `4·heads·d²`, whatever the length. DeepSeek-R1's MLA is counted in its decompressed form
//! (q/k head dim 192, v head dim 128, 128 heads).
//!
//! Two conventions for the context: [`Context::FullLength`] charges every generated token the full
//! length N (the usual "FLOPs at length N" of scaling-law accounting, `N²` in total), which is what
//! reproduces the M1 paper's figures (under 50% of R1 at 64K, about 25% at 100K);
//! [`Context::Causal`] charges token `t` its actual context `t` (`N(N+1)/2` in total).

use serde::Serialize;

use super::config::{LayerType, MiniMaxConfig};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    FullLength,
    Causal,
}

impl Context {
    /// Σ over generated tokens of the context each one attends to.
    fn attended(self, n: u64) -> f64 {
        let n = n as f64;
        match self {
            Context::FullLength => n * n,
            Context::Causal => n * (n + 1.0) / 2.0,
        }
    }
}

/// The output of `rlvr model flops --json`.
#[derive(Clone, Debug, Serialize)]
pub struct FlopsReport {
    pub gen_len: u64,
    pub m1: f64,
    pub m1_all_softmax: f64,
    pub deepseek_r1: f64,
    pub ratio_m1_over_r1: f64,
    pub ratio_m1_over_all_softmax: f64,
}

pub fn report(cfg: &MiniMaxConfig, gen_len: u64, context: Context) -> FlopsReport {
    let m1 = minimax(cfg, gen_len, context);
    let soft = minimax(&cfg.all_softmax(), gen_len, context);
    let r1 = deepseek_r1(gen_len, context);
    FlopsReport {
        gen_len,
        m1,
        m1_all_softmax: soft,
        deepseek_r1: r1,
        ratio_m1_over_r1: m1 / r1,
        ratio_m1_over_all_softmax: m1 / soft,
    }
}

/// FLOPs of generating `n` tokens with a MiniMax model.
pub fn minimax(cfg: &MiniMaxConfig, n: u64, context: Context) -> f64 {
    let (h, nh, kv, hd) = (
        cfg.hidden_size as f64,
        cfg.num_attention_heads as f64,
        cfg.num_key_value_heads as f64,
        cfg.head_dim as f64,
    );
    let moe = 2.0
        * (cfg.num_experts_per_tok as f64 * 3.0 * h * cfg.intermediate_size as f64
            + cfg.num_local_experts as f64 * h);
    let mut per_token = 2.0 * cfg.vocab_size as f64 * h;
    let mut softmax_layers = 0.0;
    for t in &cfg.layer_types {
        per_token += moe
            + match t {
                LayerType::Lightning => 2.0 * 5.0 * nh * hd * h + 4.0 * nh * hd * hd,
                LayerType::Softmax => {
                    softmax_layers += 1.0;
                    2.0 * (2.0 * nh * hd * h + 2.0 * kv * hd * h)
                }
            };
    }
    per_token * n as f64 + softmax_layers * 2.0 * nh * (hd + hd) * context.attended(n)
}

/// FLOPs of generating `n` tokens with DeepSeek-R1 (DeepSeek-V3 dimensions: 61 layers, hidden 7168,
/// MLA with q-LoRA 1536 and kv-LoRA 512, 128 heads of 128+64 (q/k) and 128 (v); 3 dense layers of
/// width 18432, then MoE with 256 experts of width 2048, 8 routed + 1 shared; vocab 129280).
pub fn deepseek_r1(n: u64, context: Context) -> f64 {
    let (h, heads, layers, vocab) = (7168.0, 128.0, 61.0, 129_280.0);
    let (q_lora, kv_lora, nope, rope, v) = (1536.0, 512.0, 128.0, 64.0, 128.0);
    let attn = h * q_lora
        + q_lora * heads * (nope + rope)
        + h * (kv_lora + rope)
        + kv_lora * heads * (nope + v)
        + heads * v * h;
    let moe = 9.0 * 3.0 * h * 2048.0 + 256.0 * h;
    let dense = 3.0 * h * 18432.0;
    let per_token = 2.0 * (layers * attn + 58.0 * moe + 3.0 * dense) + 2.0 * vocab * h;
    per_token * n as f64 + layers * 2.0 * heads * (nope + rope + v) * context.attended(n)
}
