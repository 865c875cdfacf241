//! Softmax attention layers: GQA, RoPE (full or partial), causal mask; transformers' `MixtralAttention`.

use tch::{nn, Kind, Tensor};

use super::config::MiniMaxConfig;
use super::linear;
use super::rope::Rope;

#[derive(Debug)]
pub struct SoftmaxAttention {
    q_proj: Tensor,
    k_proj: Tensor,
    v_proj: Tensor,
    o_proj: Tensor,
    rope: Rope,
    heads: i64,
    kv_heads: i64,
    head_dim: i64,
}

/// Where the new tokens go in a softmax layer's KV cache.
pub struct KvSlot<'a> {
    pub k: &'a mut Tensor,
    pub v: &'a mut Tensor,
    /// Tokens already in the cache.
    pub start: i64,
    /// Static decoding (one token, CUDA-graph friendly): `[1]` i64 on the device, the cache index to
    /// write. The new key and value go there and the query reads the whole buffer, so no shape or
    /// host-side number depends on the step; `key_valid` then hides the unwritten positions.
    pub at: Option<&'a Tensor>,
}

impl SoftmaxAttention {
    pub fn new(p: nn::Path, cfg: &MiniMaxConfig) -> Self {
        let (h, nh, kv, hd) = (
            cfg.hidden_size,
            cfg.num_attention_heads,
            cfg.num_key_value_heads,
            cfg.head_dim,
        );
        let init = nn::Init::Randn {
            mean: 0.0,
            stdev: 0.02,
        };
        SoftmaxAttention {
            q_proj: (&p / "q_proj").var("weight", &[nh * hd, h], init),
            k_proj: (&p / "k_proj").var("weight", &[kv * hd, h], init),
            v_proj: (&p / "v_proj").var("weight", &[kv * hd, h], init),
            o_proj: (&p / "o_proj").var("weight", &[h, nh * hd], init),
            rope: Rope::new(cfg.effective_rotary_dim(), hd, cfg.rope_theta, p.device()),
            heads: nh,
            kv_heads: kv,
            head_dim: hd,
        }
    }

    /// The weights with their names under `self_attn.`.
    pub fn parameters(&self) -> Vec<(&'static str, Tensor)> {
        vec![
            ("q_proj.weight", self.q_proj.shallow_clone()),
            ("k_proj.weight", self.k_proj.shallow_clone()),
            ("v_proj.weight", self.v_proj.shallow_clone()),
            ("o_proj.weight", self.o_proj.shallow_clone()),
        ]
    }

    /// `x: [b, t, hidden]`, `positions: [b, t]` (RoPE), `key_valid: [b, keys]` bool over every key
    /// the queries may see (cache plus new tokens; `None` when nothing is padded).
    pub fn forward(
        &self,
        x: &Tensor,
        positions: &Tensor,
        key_valid: Option<&Tensor>,
        cache: Option<KvSlot>,
    ) -> Tensor {
        let (b, t, _) = x.size3().expect("x is [b,t,h]");
        let kind = x.kind();
        let q = linear(x, &self.q_proj)
            .view([b, t, self.heads, self.head_dim])
            .transpose(1, 2);
        let k = linear(x, &self.k_proj)
            .view([b, t, self.kv_heads, self.head_dim])
            .transpose(1, 2);
        let v = linear(x, &self.v_proj)
            .view([b, t, self.kv_heads, self.head_dim])
            .transpose(1, 2);
        let (cos, sin) = self.rope.cos_sin(positions, kind);
        let q = self.rope.apply(&q, &cos, &sin);
        let k = self.rope.apply(&k, &cos, &sin);
        let (k_all, v_all, start) = match cache {
            Some(KvSlot {
                k: k_cache,
                v: v_cache,
                start,
                at: Some(at),
            }) => {
                let _ = k_cache.index_copy_(2, at, &k);
                let _ = v_cache.index_copy_(2, at, &v);
                (
                    k_cache.shallow_clone(),
                    v_cache.shallow_clone(),
                    start.max(1),
                )
            }
            Some(slot) => {
                slot.k.narrow(2, slot.start, t).copy_(&k);
                slot.v.narrow(2, slot.start, t).copy_(&v);
                let total = slot.start + t;
                (
                    slot.k.narrow(2, 0, total),
                    slot.v.narrow(2, 0, total),
                    slot.start,
                )
            }
            None => (k, v, 0),
        };
        let scale = (self.head_dim as f64).powf(-0.5);
        let out = if t == 1 && start > 0 {
            self.decode_attention(&q, &k_all, &v_all, key_valid, scale)
        } else if start == 0 && key_valid.is_none() {
            Tensor::scaled_dot_product_attention::<Tensor>(
                &q, &k_all, &v_all, None, 0.0, true, scale, true,
            )
        } else {
            let mask = attention_mask(t, start, key_valid, x.device());
            Tensor::scaled_dot_product_attention(
                &q,
                &k_all,
                &v_all,
                Some(mask),
                0.0,
                false,
                scale,
                true,
            )
        };
        let out = out
            .transpose(1, 2)
            .reshape([b, t, self.heads * self.head_dim]);
        linear(&out, &self.o_proj)
    }
}

impl SoftmaxAttention {
    /// One query per sequence against the cache, as plain matmuls: `scaled_dot_product_attention`
    /// picks a backend per key length, and some (cuDNN) build a plan for every new length, which
    /// made each decode step cost ~100 ms. `q: [b, heads, 1, d]`, `k, v: [b, kv_heads, keys, d]`.
    fn decode_attention(
        &self,
        q: &Tensor,
        k: &Tensor,
        v: &Tensor,
        key_valid: Option<&Tensor>,
        scale: f64,
    ) -> Tensor {
        let b = q.size()[0];
        let group = self.heads / self.kv_heads;
        // Query heads sharing a KV head sit together: [b, kv, group, d].
        let q = q.reshape([b, self.kv_heads, group, self.head_dim]);
        // Scores and the weighted sum in fp32, as the fused kernels keep them (bf16 scores would
        // round away up to a few % of each probability).
        let kind = q.kind();
        let scores = q
            .to_kind(Kind::Float)
            .matmul(&k.to_kind(Kind::Float).transpose(-1, -2))
            .g_mul_scalar(scale); // [b, kv, group, keys]
        let scores = match key_valid {
            Some(valid) => {
                let keys = k.size()[2];
                scores.masked_fill(
                    &valid.narrow(1, 0, keys).logical_not().view([b, 1, 1, keys]),
                    f64::NEG_INFINITY,
                )
            }
            None => scores,
        };
        scores
            .softmax(-1, Kind::Float)
            .matmul(&v.to_kind(Kind::Float))
            .to_kind(kind)
            .view([b, self.heads, 1, self.head_dim])
    }
}

/// `[b or 1, 1, t, start + t]` bool, true where query `i` (at position `start + i`) may attend key `j`:
/// causal, and the key is real. A query always sees itself, so padded rows stay finite.
fn attention_mask(t: i64, start: i64, key_valid: Option<&Tensor>, device: tch::Device) -> Tensor {
    let total = start + t;
    let qpos = Tensor::arange_start(start, total, (Kind::Int64, device)).view([-1, 1]);
    let kpos = Tensor::arange(total, (Kind::Int64, device)).view([1, -1]);
    let causal = kpos.le_tensor(&qpos); // [t, total]
    match key_valid {
        None => causal.view([1, 1, t, total]),
        Some(valid) => {
            let own = kpos.eq_tensor(&qpos).unsqueeze(0);
            let valid = valid.narrow(1, 0, total).unsqueeze(1); // [b,1,total]
            (causal.unsqueeze(0).logical_and(&valid.logical_or(&own))).unsqueeze(1)
        }
    }
}
