//! `MiniMaxForCausalLM`: embeddings, decoder layers, final norm and an fp32 LM head.

use tch::{nn, Device, Kind, Tensor};

use super::cache::ModelCache;
use super::config::MiniMaxConfig;
use super::decoder::{DecoderLayer, LayerInputs};
use super::error::ModelError;
use super::norm::RmsNorm;

#[derive(Debug)]
pub struct MiniMaxForCausalLM {
    pub config: MiniMaxConfig,
    pub embed_tokens: Tensor,
    pub layers: Vec<DecoderLayer>,
    pub norm: RmsNorm,
    /// `[vocab, hidden]`; the embedding itself when tied.
    pub lm_head: Tensor,
    device: Device,
}

/// Logits and the auxiliary loss of one forward pass.
#[derive(Debug)]
pub struct ModelOutput {
    /// `[b, t, vocab]` fp32.
    pub logits: Tensor,
    /// Load-balancing loss averaged over layers, already multiplied by `router_aux_loss_coef` (fp32 scalar).
    pub aux_loss: Tensor,
}

impl MiniMaxForCausalLM {
    /// Creates the parameters under `vs_path` (the VarStore root) with transformers' names, randomly
    /// initialised (std 0.02, norms at 1). Load a checkpoint over them with [`super::checkpoint`].
    pub fn new(vs_path: &nn::Path, cfg: &MiniMaxConfig) -> Result<Self, ModelError> {
        cfg.validate().map_err(ModelError::Config)?;
        let model = vs_path / "model";
        let init = nn::Init::Randn {
            mean: 0.0,
            stdev: 0.02,
        };
        let embed_tokens =
            (&model / "embed_tokens").var("weight", &[cfg.vocab_size, cfg.hidden_size], init);
        let layers = (0..cfg.num_hidden_layers)
            .map(|i| DecoderLayer::new(&model / "layers" / i, cfg, i))
            .collect();
        let norm = RmsNorm::new(&model / "norm", cfg.hidden_size, cfg.rms_norm_eps);
        let lm_head = if cfg.tie_word_embeddings {
            embed_tokens.shallow_clone()
        } else {
            (vs_path / "lm_head").var("weight", &[cfg.vocab_size, cfg.hidden_size], init)
        };
        Ok(MiniMaxForCausalLM {
            config: cfg.clone(),
            embed_tokens,
            layers,
            norm,
            lm_head,
            device: vs_path.device(),
        })
    }

    pub fn device(&self) -> Device {
        self.device
    }

    /// The kind the weights are held in (activations follow it).
    pub fn kind(&self) -> Kind {
        self.embed_tokens.kind()
    }

    /// `input_ids: [b, t]` i64 → logits `[b, t, vocab]` fp32 (fp32 LM head).
    pub fn forward(&self, input_ids: &Tensor) -> Tensor {
        self.forward_with_aux(input_ids).logits
    }

    /// Logits plus the router's load-balancing loss (for training).
    pub fn forward_with_aux(&self, input_ids: &Tensor) -> ModelOutput {
        let (b, t) = input_ids.size2().expect("input_ids is [b,t]");
        let positions = Tensor::arange(t, (Kind::Int64, input_ids.device()))
            .unsqueeze(0)
            .expand([b, t], false);
        let (hidden, aux) = self.hidden_states(input_ids, &positions, None, None);
        ModelOutput {
            logits: self.lm_logits(&hidden),
            aux_loss: aux,
        }
    }

    /// The final hidden states `[b, t, hidden]` (after the final norm) and the aux loss.
    ///
    /// `positions: [b, t]`; `valid: [b, t]` bool marks real tokens (left padding false); `cache` is read
    /// and advanced by `t` tokens when given.
    pub fn hidden_states(
        &self,
        input_ids: &Tensor,
        positions: &Tensor,
        valid: Option<&Tensor>,
        mut cache: Option<&mut ModelCache>,
    ) -> (Tensor, Tensor) {
        let t = input_ids.size()[1];
        let start = cache.as_ref().map_or(0, |c| c.len);
        let key_valid = match (&mut cache, valid) {
            (Some(c), Some(v)) => {
                c.key_valid.narrow(1, start, t).copy_(v);
                Some(c.key_valid.narrow(1, 0, start + t))
            }
            (Some(c), None) if start > 0 => Some(c.key_valid.narrow(1, 0, start + t)),
            (_, v) => v.map(Tensor::shallow_clone),
        };
        let inputs = LayerInputs {
            positions,
            valid,
            key_valid: key_valid.as_ref(),
            start,
            at: None,
        };
        let mut h = Tensor::embedding(&self.embed_tokens, input_ids, -1, false, false);
        let mut aux: Option<Tensor> = None;
        for (i, layer) in self.layers.iter().enumerate() {
            let layer_cache = cache.as_mut().map(|c| &mut c.layers[i]);
            let (next, layer_aux) = layer.forward(&h, &inputs, layer_cache);
            h = next;
            aux = match (aux, layer_aux) {
                (Some(a), Some(l)) => Some(a + l),
                (a, l) => a.or(l),
            };
        }
        if let Some(c) = cache {
            c.len += t;
        }
        let aux = match aux {
            Some(a) => a * (self.config.router_aux_loss_coef / self.layers.len() as f64),
            None => Tensor::zeros([], (Kind::Float, h.device())),
        };
        (self.norm.forward(&h), aux)
    }

    /// One decode step whose kernels, shapes and host-side numbers are the same at every step, so
    /// that it can be captured once as a CUDA graph and replayed (see `generate`).
    ///
    /// `tokens, positions: [b, 1]` i64 and `at: [1]` i64 (the cache index of this token) live on the
    /// device; the step advances `positions` and `at` by one in place, so a replay needs only new
    /// `tokens`. Softmax layers write their key and value at `at` and attend over the whole cache
    /// buffer, masked to the keys written so far. The caller keeps `cache.len` in step. Returns the
    /// fp32 logits `[b, vocab]` of the new token.
    pub fn decode_static(
        &self,
        tokens: &Tensor,
        positions: &Tensor,
        at: &Tensor,
        cache: &mut ModelCache,
    ) -> Tensor {
        let keys = Tensor::arange(cache.capacity, (Kind::Int64, tokens.device())).unsqueeze(0);
        let visible = cache.key_valid.logical_and(&keys.le_tensor(at));
        let inputs = LayerInputs {
            positions,
            valid: None,
            key_valid: Some(&visible),
            start: cache.len,
            at: Some(at),
        };
        let mut h = Tensor::embedding(&self.embed_tokens, tokens, -1, false, false);
        for (layer, layer_cache) in self.layers.iter().zip(&mut cache.layers) {
            h = layer.forward(&h, &inputs, Some(layer_cache)).0;
        }
        let logits = self.lm_logits(&self.norm.forward(&h).select(1, 0));
        let _ = positions.shallow_clone().g_add_scalar_(1);
        let _ = at.shallow_clone().g_add_scalar_(1);
        logits
    }

    /// Whether [`decode_static`](Self::decode_static) for `batch` sequences never synchronises with
    /// the host, the condition for capturing it as a CUDA graph.
    pub fn decode_is_capturable(&self, batch: i64) -> bool {
        let probe = Tensor::empty([1, self.config.hidden_size], (self.kind(), self.device));
        self.layers
            .iter()
            .all(|l| l.moe.decode_is_sync_free(batch, &probe))
    }

    /// The LM head in fp32: `hidden.float() @ lm_head.float()ᵀ`.
    pub fn lm_logits(&self, hidden: &Tensor) -> Tensor {
        hidden
            .to_kind(Kind::Float)
            .linear::<Tensor>(&self.lm_head.to_kind(Kind::Float), None)
    }
}
