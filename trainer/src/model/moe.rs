//! The sparse MoE block: fp32 softmax router, top-k renormalised, SwiGLU experts, load-balancing loss.

use tch::{nn, Kind, Tensor};

use super::config::MiniMaxConfig;

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

    /// `x: [b, t, hidden]` → `(output [b, t, hidden], load-balancing loss (fp32 scalar))`.
    pub fn forward(&self, x: &Tensor) -> (Tensor, Tensor) {
        let shape = x.size();
        let kind = x.kind();
        let flat = x.reshape([-1, shape[2]]);
        let logits = flat
            .to_kind(Kind::Float)
            .linear::<Tensor>(&self.gate.to_kind(Kind::Float), None);
        let probs = logits.softmax(-1, Kind::Float);
        let (top_w, top_i) = probs.topk(self.top_k, -1, true, true);
        let top_w = &top_w / top_w.sum_dim_intlist(-1, true, Kind::Float);
        let aux = self.balance_loss(&probs, &top_i);
        let n = flat.size()[0];
        let out = if n * self.top_k <= DENSE_MAX_ROUTED {
            self.dense(&flat, &top_w, &top_i)
        } else {
            self.grouped(&flat, &top_w, &top_i)
        };
        (out.to_kind(kind).view(shape.as_slice()), aux)
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
            &self.gate_up_proj.to_kind(kind),
            &self.down_proj.to_kind(kind),
        ); // [E,n,H]
        let n = x.size()[0];
        let w =
            Tensor::zeros([n, self.experts], (Kind::Float, x.device())).scatter(1, top_i, top_w);
        (ys.to_kind(Kind::Float) * w.t_copy().unsqueeze(-1)).sum_dim_intlist(0, false, Kind::Float)
    }

    /// Tokens sorted by expert; one matmul chain per expert that received any.
    fn grouped(&self, x: &Tensor, top_w: &Tensor, top_i: &Tensor) -> Tensor {
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
