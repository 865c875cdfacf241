//! The sparse MoE block: fp32 softmax router, top-k renormalised, SwiGLU experts, load-balancing loss.

use tch::{nn, Kind, Tensor};

use super::config::MiniMaxConfig;
use super::{linear, same_kind};

/// Up to this many routed (token, expert) pairs, every expert runs on every token in one batched
/// matmul (decode); above it, tokens are grouped by expert (prefill and training).
const DENSE_MAX_ROUTED: i64 = 512;

#[derive(Debug)]
pub struct SparseMoe {
    /// Router `[experts, hidden]`.
    pub gate: Tensor,
    /// `[experts, 2·intermediate, hidden]`: per expert `cat(w1 (gate), w3 (up))`, transformers' packing.
    pub gate_up_proj: Tensor,
    /// `[experts, hidden, intermediate]`: per expert `w2`.
    pub down_proj: Tensor,
    experts: i64,
    top_k: i64,
    inter: i64,
}

impl SparseMoe {
    pub fn new(p: nn::Path, cfg: &MiniMaxConfig) -> Self {
        let (h, e, i) = (
            cfg.hidden_size,
            cfg.num_local_experts,
            cfg.intermediate_size,
        );
        let init = nn::Init::Randn {
            mean: 0.0,
            stdev: 0.02,
        };
        let ex = &p / "experts";
        SparseMoe {
            gate: (&p / "gate").var("weight", &[e, h], init),
            gate_up_proj: ex.var("gate_up_proj", &[e, 2 * i, h], init),
            down_proj: ex.var("down_proj", &[e, h, i], init),
            experts: e,
            top_k: cfg.num_experts_per_tok,
            inter: i,
        }
    }

    /// `x: [b, t, hidden]` → `(output [b, t, hidden], load-balancing loss (fp32 scalar))`; the loss is
    /// `None` when no gradient flows (generation and scoring have no use for it).
    pub fn forward(&self, x: &Tensor) -> (Tensor, Option<Tensor>) {
        let shape = x.size();
        let kind = x.kind();
        let flat = x.reshape([-1, shape[2]]);
        let (probs, top_w, top_i) = self.route(&flat);
        let aux = probs.map(|p| self.balance_loss(&p, &top_i));
        let n = flat.size()[0];
        let out = if n * self.top_k <= DENSE_MAX_ROUTED {
            self.dense(&flat, &top_w, &top_i)
        } else if grouped_mm_applies(&flat, self.inter) {
            self.grouped_mm(&flat, &top_w, &top_i)
        } else {
            self.grouped(&flat, &top_w, &top_i)
        };
        (out.to_kind(kind).view(shape.as_slice()), aux)
    }

    /// The router on `flat: [n, hidden]`: `(probs [n, E] when gradients flow (for the balance
    /// loss), top-k weights renormalised [n, k] fp32, top-k experts [n, k])`.
    ///
    /// As transformers: the gate's matmul in the weights' kind, the softmax in fp32. The renormalised
    /// top-k of a softmax is the softmax of the top-k logits, which decoding computes directly (two
    /// kernels instead of four; decoding is bound by launches).
    pub(crate) fn route(&self, flat: &Tensor) -> (Option<Tensor>, Tensor, Tensor) {
        let logits = linear(flat, &self.gate);
        if logits.requires_grad() {
            let probs = logits.softmax(-1, Kind::Float);
            let (top_w, top_i) = probs.topk(self.top_k, -1, true, true);
            let top_w = &top_w / top_w.sum_dim_intlist(-1, true, Kind::Float);
            (Some(probs), top_w, top_i)
        } else {
            let (top_logits, top_i) = logits.topk(self.top_k, -1, true, true);
            (None, top_logits.softmax(-1, Kind::Float), top_i)
        }
    }

    /// Switch-style loss `E · Σ_e f_e · P_e`, `f_e` = share of top-k slots routed to `e` (summed over
    /// the k slots, as transformers does), `P_e` = mean router probability. Computed from the raw
    /// router logits (transformers applies softmax twice; see the reference notes).
    fn balance_loss(&self, probs: &Tensor, top_i: &Tensor) -> Tensor {
        let one_hot = top_i.one_hot(self.experts).to_kind(Kind::Float); // [n,k,E]
        let f = one_hot.mean_dim(0, false, Kind::Float); // [k,E]
        let p = probs.mean_dim(0, false, Kind::Float); // [E]
        (f * p.unsqueeze(0)).sum(Kind::Float) * self.experts as f64
    }

    fn swiglu(&self, x: &Tensor, gate_up: &Tensor, down: &Tensor) -> Tensor {
        // x: [..., n, H]; gate_up: [..., 2I, H]; down: [..., H, I]
        let gu = x.matmul(&gate_up.transpose(-1, -2));
        let g = gu.narrow(-1, 0, self.inter);
        let u = gu.narrow(-1, self.inter, self.inter);
        (g.silu() * u).matmul(&down.transpose(-1, -2))
    }

    /// Every expert on every token, weighted by a dense `[n, E]` routing matrix (zeros off the top-k).
    fn dense(&self, x: &Tensor, top_w: &Tensor, top_i: &Tensor) -> Tensor {
        let kind = x.kind();
        let ys = self.swiglu(
            &x.unsqueeze(0),
            &same_kind(&self.gate_up_proj, kind),
            &same_kind(&self.down_proj, kind),
        ); // [E,n,H]
        let n = x.size()[0];
        let w =
            Tensor::zeros([n, self.experts], (Kind::Float, x.device())).scatter(1, top_i, top_w);
        // Σ_e w[n,e] · ys[e,n,:] as one batched matmul over the tokens (fp32, like the grouped paths).
        w.unsqueeze(1)
            .bmm(&ys.to_kind(Kind::Float).transpose(0, 1))
            .squeeze_dim(1)
    }

    /// Tokens sorted by expert, then libtorch's grouped GEMM over the experts' segments: two kernels
    /// for all experts and no read-back of the per-expert counts (the loop below waits for them).
    pub(crate) fn grouped_mm(&self, x: &Tensor, top_w: &Tensor, top_i: &Tensor) -> Tensor {
        let kind = x.kind();
        let flat_expert = top_i.flatten(0, 1);
        let order = flat_expert.argsort_stable(true, 0, false);
        let token = order.divide_scalar_mode(self.top_k, "floor");
        let weight = top_w.flatten(0, 1).index_select(0, &order);
        let offsets = expert_end_offsets(&flat_expert, self.experts);
        let xs = x.index_select(0, &token);
        // `[E, 2I, H]` seen as `[E, H, 2I]` column-major: the layout the kernel takes without a copy.
        let gate_up = self.gate_up_proj.to_kind(kind).transpose(-1, -2);
        let down = self.down_proj.to_kind(kind).transpose(-1, -2);
        let gu = xs.internal_grouped_mm(&gate_up, Some(&offsets), None::<&Tensor>, None);
        let g = gu.narrow(-1, 0, self.inter);
        let u = gu.narrow(-1, self.inter, self.inter);
        let ys = (g.silu() * u).internal_grouped_mm(&down, Some(&offsets), None::<&Tensor>, None);
        let ys = ys.to_kind(Kind::Float) * weight.unsqueeze(-1);
        Tensor::zeros([x.size()[0], x.size()[1]], (Kind::Float, x.device()))
            .index_add(0, &token, &ys)
    }

    /// Tokens sorted by expert; one matmul chain per expert that received any.
    pub(crate) fn grouped(&self, x: &Tensor, top_w: &Tensor, top_i: &Tensor) -> Tensor {
        let kind = x.kind();
        let flat_expert = top_i.flatten(0, 1);
        let order = flat_expert.argsort_stable(true, 0, false);
        let token = order.divide_scalar_mode(self.top_k, "floor");
        let weight = top_w.flatten(0, 1).index_select(0, &order);
        let counts: Vec<i64> = Vec::try_from(flat_expert.bincount::<Tensor>(None, self.experts))
            .expect("bincount is i64");
        let xs = x.index_select(0, &token);
        let gate_up = self.gate_up_proj.to_kind(kind);
        let down = self.down_proj.to_kind(kind);
        let mut outputs = Vec::new();
        let mut offset = 0;
        for (e, &count) in counts.iter().enumerate() {
            if count == 0 {
                continue;
            }
            let seg = xs.narrow(0, offset, count);
            outputs.push(self.swiglu(&seg, &gate_up.get(e as i64), &down.get(e as i64)));
            offset += count;
        }
        let ys = Tensor::cat(&outputs, 0).to_kind(Kind::Float) * weight.unsqueeze(-1);
        Tensor::zeros([x.size()[0], x.size()[1]], (Kind::Float, x.device()))
            .index_add(0, &token, &ys)
    }
}

impl SparseMoe {
    /// Whether routing `tokens` tokens through this layer without gradients never waits on the host
    /// (so the step can be captured as a CUDA graph): true for the dense and grouped-GEMM paths.
    pub(crate) fn decode_is_sync_free(&self, tokens: i64, x: &Tensor) -> bool {
        tokens * self.top_k <= DENSE_MAX_ROUTED || grouped_mm_applies(x, self.inter)
    }
}

/// The end offset of each expert's rows once `(token, slot)` pairs are sorted by expert: the number
/// of slots routed to experts `<= e`, int32 as the grouped GEMM wants. Counted by comparison, not
/// `bincount`, which reads its input's maximum back to the host (a synchronisation, and illegal
/// inside a CUDA-graph capture).
fn expert_end_offsets(flat_expert: &Tensor, experts: i64) -> Tensor {
    let ids = Tensor::arange(experts, (Kind::Int64, flat_expert.device())).unsqueeze(1);
    flat_expert
        .unsqueeze(0)
        .le_tensor(&ids)
        .sum_dim_intlist(1, false, Kind::Int)
}

/// libtorch's grouped GEMM runs on CUDA in bf16 with 16-aligned row lengths (Hopper and newer;
/// elsewhere the per-expert loop is used).
pub(crate) fn grouped_mm_applies(x: &Tensor, inter: i64) -> bool {
    x.device().is_cuda() && x.kind() == Kind::BFloat16 && x.size()[1] % 16 == 0 && inter % 16 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moe() -> (nn::VarStore, SparseMoe) {
        tch::manual_seed(3);
        let vs = nn::VarStore::new(tch::Device::Cpu);
        let cfg = MiniMaxConfig::tiny();
        let moe = SparseMoe::new(vs.root() / "mlp", &cfg);
        (vs, moe)
    }

    #[test]
    fn decode_routing_equals_training_routing() {
        let (_vs, moe) = moe();
        let x = Tensor::randn([40, 32], (Kind::Float, tch::Device::Cpu)).set_requires_grad(true);
        let (probs, w_train, i_train) = moe.route(&x);
        assert!(probs.is_some(), "training routing keeps the probabilities");
        let (none, w_decode, i_decode) = tch::no_grad(|| moe.route(&x));
        assert!(none.is_none());
        assert!(i_train.equal(&i_decode));
        let diff = (w_train.detach() - w_decode).abs().max().double_value(&[]);
        assert!(diff < 1e-6, "top-k weights differ by {diff}");
    }

    #[test]
    fn expert_offsets_are_the_cumulative_counts() {
        let flat = Tensor::from_slice(&[3i64, 0, 3, 5, 1, 0, 3, 7]);
        let offsets = expert_end_offsets(&flat, 8);
        let expected = flat.bincount::<Tensor>(None, 8).cumsum(0, Kind::Int);
        assert_eq!(offsets.kind(), Kind::Int);
        assert!(offsets.equal(&expected), "{offsets:?} vs {expected:?}");
        let as_vec: Vec<i32> = Vec::try_from(&offsets).unwrap();
        assert_eq!(as_vec, [2, 3, 3, 6, 6, 7, 7, 8]);
    }

    #[test]
    fn dense_and_grouped_paths_agree() {
        let (_vs, moe) = moe();
        let x = Tensor::randn([24, 32], (Kind::Float, tch::Device::Cpu));
        let (_, w, i) = tch::no_grad(|| moe.route(&x));
        let dense = tch::no_grad(|| moe.dense(&x, &w, &i));
        let grouped = tch::no_grad(|| moe.grouped(&x, &w, &i));
        let diff = (dense - grouped).abs().max().double_value(&[]);
        assert!(diff < 1e-6, "dense and grouped MoE differ by {diff}");
    }
}
