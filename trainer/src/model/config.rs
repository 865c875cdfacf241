//! `MiniMaxConfig`: the model's dimensions, read from a transformers `config.json` (either naming
//! scheme) or taken from a preset.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::ModelError;

/// The attention kind of one decoder layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LayerType {
    /// Lightning (linear) attention; transformers calls it `linear_attention`, the original code `0`.
    #[serde(rename = "linear_attention")]
    Lightning,
    /// Softmax attention with RoPE and GQA; `full_attention`, or `1` in the original code.
    #[serde(rename = "full_attention")]
    Softmax,
}

/// DeepNorm-style residual factors: `h = alpha * normed_input + beta * sublayer(normed_input)`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Residual {
    pub alpha: f64,
    pub beta: f64,
}

impl Default for Residual {
    fn default() -> Self {
        Residual {
            alpha: 1.0,
            beta: 1.0,
        }
    }
}

/// The MiniMax-01/M1 architecture. Field names follow transformers' `MiniMaxConfig`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MiniMaxConfig {
    pub vocab_size: i64,
    pub hidden_size: i64,
    /// Per-expert FFN width.
    pub intermediate_size: i64,
    pub num_hidden_layers: usize,
    pub num_attention_heads: i64,
    /// KV heads of the softmax layers (lightning layers use all heads).
    pub num_key_value_heads: i64,
    pub head_dim: i64,
    pub layer_types: Vec<LayerType>,
    pub block_size: i64,
    pub num_local_experts: i64,
    pub num_experts_per_tok: i64,
    pub router_aux_loss_coef: f64,
    pub rms_norm_eps: f64,
    pub rope_theta: f64,
    /// Dims of each softmax head that RoPE rotates (MiniMax's own code: 64 of 128).
    pub rotary_dim: i64,
    /// Rotate the full head dim whatever `rotary_dim` says, as transformers does (for parity tests).
    #[serde(default)]
    pub hf_full_rope: bool,
    pub full_attn: Residual,
    pub linear_attn: Residual,
    pub mlp: Residual,
    /// `true`: the residual is the normed input (MiniMax's `postnorm`, the only mode transformers has).
    pub postnorm: bool,
    pub tie_word_embeddings: bool,
    pub bos_token_id: Option<i64>,
    pub eos_token_id: Vec<i64>,
}

impl MiniMaxConfig {
    /// Names accepted by [`MiniMaxConfig::preset`].
    pub const PRESETS: [&'static str; 4] = ["tiny", "small", "bench", "m1"];

    /// A named preset: `tiny` (CPU tests), `small` (~100M parameters), `bench` (423M, the transformers
    /// comparison), `m1` (MiniMax-M1's real dimensions, for FLOPs and memory accounting).
    pub fn preset(name: &str) -> Result<Self, ModelError> {
        match name {
            "tiny" => Ok(Self::tiny()),
            "small" => Ok(Self::small()),
            "bench" => Ok(Self::bench()),
            "m1" => Ok(Self::m1()),
            other => Err(ModelError::Config(format!(
                "unknown preset `{other}` (expected one of {})",
                Self::PRESETS.join(", ")
            ))),
        }
    }

    /// 4 layers (3 lightning + 1 softmax), hidden 32, vocab 64; block 4 so tests cross block edges.
    pub fn tiny() -> Self {
        let mut cfg = Self::base(64, 32, 48, 4, 4, 2, 8, 4);
        cfg.layer_types = hybrid_pattern(4, 4);
        cfg.rotary_dim = 4;
        cfg.num_local_experts = 4;
        cfg
    }

    /// About 100M parameters: hidden 512, 8 layers (7 lightning + 1 softmax), 8 heads of 64.
    pub fn small() -> Self {
        let mut cfg = Self::base(32000, 512, 1024, 8, 8, 2, 64, 256);
        cfg.layer_types = hybrid_pattern(8, 8);
        cfg.rotary_dim = 32;
        cfg.num_local_experts = 8;
        cfg
    }

    /// The transformers comparison preset: hidden 768, 12 layers `LLLLLLLFLLLL`, 12 heads of 64, 4 KV
    /// heads, 8 experts top-2, intermediate 1536, vocab 32000, block 256.
    pub fn bench() -> Self {
        let mut cfg = Self::base(32000, 768, 1536, 12, 12, 4, 64, 256);
        cfg.layer_types = hybrid_pattern(12, 8);
        cfg.num_local_experts = 8;
        cfg
    }

    /// MiniMax-M1: 80 layers (7 lightning then 1 softmax, repeated), hidden 6144, 64 heads of 128,
    /// 8 KV heads, 32 experts top-2 of width 9216, vocab 200064, partial RoPE over 64 dims.
    pub fn m1() -> Self {
        let mut cfg = Self::base(200_064, 6144, 9216, 80, 64, 8, 128, 256);
        cfg.layer_types = hybrid_pattern(80, 8);
        cfg.num_local_experts = 32;
        cfg.rotary_dim = 64;
        cfg.rope_theta = 1e7;
        let alpha = (2.0f64 * 80.0).powf(0.25);
        let deep = Residual { alpha, beta: 1.0 };
        (cfg.full_attn, cfg.linear_attn, cfg.mlp) = (deep, deep, deep);
        cfg
    }

    #[allow(clippy::too_many_arguments)]
    fn base(
        vocab: i64,
        hidden: i64,
        inter: i64,
        layers: usize,
        heads: i64,
        kv: i64,
        head_dim: i64,
        block: i64,
    ) -> Self {
        MiniMaxConfig {
            vocab_size: vocab,
            hidden_size: hidden,
            intermediate_size: inter,
            num_hidden_layers: layers,
            num_attention_heads: heads,
            num_key_value_heads: kv,
            head_dim,
            layer_types: hybrid_pattern(layers, 8),
            block_size: block,
            num_local_experts: 8,
            num_experts_per_tok: 2,
            router_aux_loss_coef: 0.001,
            rms_norm_eps: 1e-5,
            rope_theta: 1e6,
            rotary_dim: head_dim,
            hf_full_rope: false,
            full_attn: Residual::default(),
            linear_attn: Residual::default(),
            mlp: Residual::default(),
            postnorm: true,
            tie_word_embeddings: false,
            bos_token_id: Some(1),
            eos_token_id: vec![2],
        }
    }

    /// The same dimensions with every layer softmax (the FLOPs and throughput anchor).
    pub fn all_softmax(&self) -> Self {
        let mut cfg = self.clone();
        cfg.layer_types = vec![LayerType::Softmax; cfg.num_hidden_layers];
        cfg
    }

    /// The rotated dims of a softmax head, after the transformers-compatibility switch.
    pub fn effective_rotary_dim(&self) -> i64 {
        if self.hf_full_rope {
            self.head_dim
        } else {
            self.rotary_dim
        }
    }

    /// Reads `config.json` as transformers 5.x or MiniMax's original code writes it.
    pub fn from_json_file(path: &Path) -> Result<Self, ModelError> {
        let text = std::fs::read_to_string(path).map_err(|e| ModelError::io(path, e))?;
        let value: Value = serde_json::from_str(&text).map_err(|e| {
            ModelError::Config(format!("{}: line {}: {e}", path.display(), e.line()))
        })?;
        Self::from_json_value(&value)
            .map_err(|e| ModelError::Config(format!("{}: {e}", path.display())))
    }

    /// Reads a config JSON object. Accepts both schemes: transformers' (`layer_types`,
    /// `*_alpha_factor`, `rope_parameters`) and the original (`attn_type_list`, `layernorm_*_alpha`,
    /// `rope_theta`, `rotary_dim`, `postnorm`). Missing fields take transformers' defaults.
    pub fn from_json_value(v: &Value) -> Result<Self, String> {
        let obj = v.as_object().ok_or("config must be a JSON object")?;
        let int = |key: &str, default: i64| -> Result<i64, String> {
            match obj.get(key) {
                None | Some(Value::Null) => Ok(default),
                Some(x) => x
                    .as_i64()
                    .ok_or_else(|| format!("field `{key}` must be an integer, got {x}")),
            }
        };
        let float = |key: &str| -> Result<Option<f64>, String> {
            match obj.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(x) => x
                    .as_f64()
                    .map(Some)
                    .ok_or_else(|| format!("field `{key}` must be a number, got {x}")),
            }
        };
        let hidden = int("hidden_size", 4096)?;
        let heads = int("num_attention_heads", 32)?;
        let layers = int("num_hidden_layers", 32)?;
        if layers <= 0 || heads <= 0 || hidden <= 0 {
            return Err(
                "hidden_size, num_attention_heads and num_hidden_layers must be positive".into(),
            );
        }
        let layers = layers as usize;
        let head_dim = int("head_dim", hidden / heads)?;
        let layer_types = read_layer_types(obj, layers)?;
        let residual = |hf: &str, orig: &str| -> Result<Residual, String> {
            let alpha = float(&format!("{hf}_alpha_factor"))?
                .or(float(&format!("layernorm_{orig}_alpha"))?);
            let beta =
                float(&format!("{hf}_beta_factor"))?.or(float(&format!("layernorm_{orig}_beta"))?);
            Ok(Residual {
                alpha: alpha.unwrap_or(1.0),
                beta: beta.unwrap_or(1.0),
            })
        };
        let rope_theta = match obj.get("rope_parameters").and_then(|p| p.get("rope_theta")) {
            Some(x) => x
                .as_f64()
                .ok_or("field `rope_parameters.rope_theta` must be a number")?,
            None => float("rope_theta")?.unwrap_or(1e6),
        };
        let partial = obj
            .get("rope_parameters")
            .and_then(|p| p.get("partial_rotary_factor"))
            .and_then(Value::as_f64)
            .or(float("partial_rotary_factor")?);
        let rotary_dim = match obj.get("rotary_dim") {
            Some(Value::Number(n)) => n.as_i64().ok_or("field `rotary_dim` must be an integer")?,
            _ => partial
                .map(|f| (f * head_dim as f64).round() as i64)
                .unwrap_or(head_dim),
        };
        if rotary_dim <= 0 || rotary_dim > head_dim || rotary_dim % 2 != 0 {
            return Err(format!(
                "rotary_dim {rotary_dim} must be even and in 1..={head_dim}"
            ));
        }
        let eos = match obj.get("eos_token_id") {
            None | Some(Value::Null) => vec![2],
            Some(Value::Array(items)) => items
                .iter()
                .map(|x| {
                    x.as_i64()
                        .ok_or_else(|| format!("eos_token_id entries must be integers, got {x}"))
                })
                .collect::<Result<_, _>>()?,
            Some(x) => vec![x
                .as_i64()
                .ok_or_else(|| format!("eos_token_id must be an integer, got {x}"))?],
        };
        let experts = match obj.get("num_local_experts") {
            Some(_) => int("num_local_experts", 8)?,
            None => int("num_experts", 8)?,
        };
        let cfg = MiniMaxConfig {
            vocab_size: int("vocab_size", 32000)?,
            hidden_size: hidden,
            intermediate_size: int("intermediate_size", 14336)?,
            num_hidden_layers: layers,
            num_attention_heads: heads,
            num_key_value_heads: int("num_key_value_heads", heads)?,
            head_dim,
            layer_types,
            block_size: int("block_size", 256)?,
            num_local_experts: experts,
            num_experts_per_tok: int("num_experts_per_tok", 2)?,
            router_aux_loss_coef: float("router_aux_loss_coef")?.unwrap_or(0.001),
            rms_norm_eps: float("rms_norm_eps")?.unwrap_or(1e-5),
            rope_theta,
            rotary_dim,
            hf_full_rope: false,
            full_attn: residual("full_attn", "full_attention")?,
            linear_attn: residual("linear_attn", "linear_attention")?,
            mlp: residual("mlp", "mlp")?,
            postnorm: obj.get("postnorm").and_then(Value::as_bool).unwrap_or(true),
            tie_word_embeddings: obj
                .get("tie_word_embeddings")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            bos_token_id: obj.get("bos_token_id").and_then(Value::as_i64).or(Some(1)),
            eos_token_id: eos,
        };
        cfg.validate()?;
        Ok(cfg)
    }

    /// Checks the dimensions fit together.
    pub fn validate(&self) -> Result<(), String> {
        if self.layer_types.len() != self.num_hidden_layers {
            return Err(format!(
                "layer_types has {} entries but num_hidden_layers is {}",
                self.layer_types.len(),
                self.num_hidden_layers
            ));
        }
        if self.num_key_value_heads <= 0 || self.num_attention_heads % self.num_key_value_heads != 0
        {
            return Err(format!(
                "num_attention_heads {} must be a multiple of num_key_value_heads {}",
                self.num_attention_heads, self.num_key_value_heads
            ));
        }
        if self.num_experts_per_tok <= 0 || self.num_experts_per_tok > self.num_local_experts {
            return Err(format!(
                "num_experts_per_tok {} must be in 1..={}",
                self.num_experts_per_tok, self.num_local_experts
            ));
        }
        if self.block_size <= 0
            || self.vocab_size <= 0
            || self.intermediate_size <= 0
            || self.head_dim <= 0
        {
            return Err(
                "block_size, vocab_size, intermediate_size and head_dim must be positive".into(),
            );
        }
        Ok(())
    }

    /// Writes the config in transformers' naming (with `rotary_dim` and `postnorm` kept as extra keys).
    pub fn to_hf_json(&self) -> Value {
        serde_json::json!({
            "architectures": ["MiniMaxForCausalLM"],
            "model_type": "minimax",
            "vocab_size": self.vocab_size,
            "hidden_size": self.hidden_size,
            "intermediate_size": self.intermediate_size,
            "num_hidden_layers": self.num_hidden_layers,
            "num_attention_heads": self.num_attention_heads,
            "num_key_value_heads": self.num_key_value_heads,
            "head_dim": self.head_dim,
            "hidden_act": "silu",
            "layer_types": self.layer_types,
            "block_size": self.block_size,
            "num_local_experts": self.num_local_experts,
            "num_experts_per_tok": self.num_experts_per_tok,
            "router_aux_loss_coef": self.router_aux_loss_coef,
            "rms_norm_eps": self.rms_norm_eps,
            "rope_parameters": {"rope_type": "default", "rope_theta": self.rope_theta},
            "rotary_dim": self.rotary_dim,
            "postnorm": self.postnorm,
            "full_attn_alpha_factor": self.full_attn.alpha,
            "full_attn_beta_factor": self.full_attn.beta,
            "linear_attn_alpha_factor": self.linear_attn.alpha,
            "linear_attn_beta_factor": self.linear_attn.beta,
            "mlp_alpha_factor": self.mlp.alpha,
            "mlp_beta_factor": self.mlp.beta,
            "tie_word_embeddings": self.tie_word_embeddings,
            "bos_token_id": self.bos_token_id,
            "eos_token_id": self.eos_token_id,
        })
    }

    /// Parameter count (embeddings and LM head included).
    pub fn num_parameters(&self) -> i64 {
        let (h, hd, nh, kv) = (
            self.hidden_size,
            self.head_dim,
            self.num_attention_heads,
            self.num_key_value_heads,
        );
        let moe =
            self.num_local_experts * 3 * h * self.intermediate_size + self.num_local_experts * h;
        let layers: i64 = self
            .layer_types
            .iter()
            .map(|t| match t {
                LayerType::Lightning => 3 * nh * hd * h + 2 * nh * hd * h + nh * hd,
                LayerType::Softmax => 2 * nh * hd * h + 2 * kv * hd * h,
            } + moe + 2 * h)
            .sum();
        let head = if self.tie_word_embeddings {
            0
        } else {
            self.vocab_size * h
        };
        layers + self.vocab_size * h + head + h
    }
}

/// `period - 1` lightning layers then one softmax layer, repeated (MiniMax: period 8).
pub fn hybrid_pattern(layers: usize, period: usize) -> Vec<LayerType> {
    (0..layers)
        .map(|i| {
            if (i + 1) % period == 0 {
                LayerType::Softmax
            } else {
                LayerType::Lightning
            }
        })
        .collect()
}

fn read_layer_types(
    obj: &serde_json::Map<String, Value>,
    layers: usize,
) -> Result<Vec<LayerType>, String> {
    if let Some(list) = obj.get("layer_types").filter(|v| !v.is_null()) {
        let items = list
            .as_array()
            .ok_or("field `layer_types` must be a list")?;
        return items
            .iter()
            .enumerate()
            .map(|(i, x)| match x.as_str() {
                Some("linear_attention") => Ok(LayerType::Lightning),
                Some("full_attention") => Ok(LayerType::Softmax),
                _ => Err(format!(
                    "layer_types[{i}] = {x}: expected \"linear_attention\" or \"full_attention\""
                )),
            })
            .collect();
    }
    if let Some(list) = obj.get("attn_type_list").filter(|v| !v.is_null()) {
        let items = list
            .as_array()
            .ok_or("field `attn_type_list` must be a list")?;
        return items
            .iter()
            .enumerate()
            .map(|(i, x)| match x.as_i64() {
                Some(0) => Ok(LayerType::Lightning),
                Some(1) => Ok(LayerType::Softmax),
                _ => Err(format!(
                    "attn_type_list[{i}] = {x}: expected 0 (lightning) or 1 (softmax)"
                )),
            })
            .collect();
    }
    // transformers' default: even indices full attention, odd ones linear.
    Ok((0..layers)
        .map(|i| {
            if (i + 1) % 2 == 1 {
                LayerType::Softmax
            } else {
                LayerType::Lightning
            }
        })
        .collect())
}
