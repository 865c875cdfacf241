//! Per-layer generation caches: an fp32 recurrent state for lightning layers and a preallocated
//! key/value buffer for softmax layers.

use tch::{Device, Kind, Tensor};

use super::config::{LayerType, MiniMaxConfig};

/// The cache of one decoder layer.
#[derive(Debug)]
pub enum LayerCache {
    /// `S: [batch, heads, head_dim, head_dim]` fp32, `None` before the first token.
    Lightning { state: Option<Tensor> },
    /// `k, v: [batch, kv_heads, capacity, head_dim]`; positions `0..len` are filled.
    Softmax { k: Tensor, v: Tensor },
}

/// The caches of every layer, plus which cached positions hold real (not padding) tokens.
#[derive(Debug)]
pub struct ModelCache {
    pub layers: Vec<LayerCache>,
    /// Tokens written so far (padding included).
    pub len: i64,
    pub capacity: i64,
    /// `[batch, capacity]` bool: false for left padding.
    pub key_valid: Tensor,
}

impl ModelCache {
    /// Empty caches for `batch` sequences of up to `capacity` tokens (prompt plus generation).
    pub fn new(cfg: &MiniMaxConfig, batch: i64, capacity: i64, kind: Kind, device: Device) -> Self {
        let layers = cfg
            .layer_types
            .iter()
            .map(|t| match t {
                LayerType::Lightning => LayerCache::Lightning { state: None },
                LayerType::Softmax => {
                    let shape = [batch, cfg.num_key_value_heads, capacity, cfg.head_dim];
                    LayerCache::Softmax {
                        k: Tensor::zeros(shape, (kind, device)),
                        v: Tensor::zeros(shape, (kind, device)),
                    }
                }
            })
            .collect();
        ModelCache {
            layers,
            len: 0,
            capacity,
            key_valid: Tensor::ones([batch, capacity], (Kind::Bool, device)),
        }
    }

    /// Keeps only the sequences at `indices` (drops finished ones from a batch).
    pub fn select(&mut self, indices: &Tensor) {
        for layer in &mut self.layers {
            match layer {
                LayerCache::Lightning { state } => {
                    if let Some(s) = state {
                        *s = s.index_select(0, indices);
                    }
                }
                LayerCache::Softmax { k, v } => {
                    *k = k.index_select(0, indices);
                    *v = v.index_select(0, indices);
                }
            }
        }
        self.key_valid = self.key_valid.index_select(0, indices);
    }
}
