//! The policy-gradient losses: CISPO, GRPO, DAPO and PPO as one masked token-level objective.
//!
//! MiniMax-M1's unified form (eq. 6-7): every algorithm maximizes
//! `J = norm( sum_it sg(w_it) * M_it * A_it * log pi(o_it) )`, and differs only in the weight `w`,
//! the mask `M` and the normalization `norm`:
//! - CISPO: `w = clip(r, 1 - eps_low, 1 + eps_high)` (no lower bound by default), `M = 1`, so every
//!   token keeps a gradient and only the importance weight is capped;
//! - PPO / GRPO / DAPO: `w = r`, `M = 0` where the clipped surrogate is flat, which gives exactly the
//!   loss and gradient of `-min(r A, clip(r, 1 - eps_low, 1 + eps_high) A)`. We compute that
//!   expression itself, so the loss value (not only the gradient) matches other implementations.
//!
//! The loss returned is minus the objective: the quantity an optimizer minimizes.

mod aggregation;
mod kl;

pub use aggregation::Aggregation;
pub use kl::kl_k3;

use serde::{Deserialize, Serialize};
use tch::{Kind, Tensor};

/// Which member of the family to train with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Algorithm {
    /// Clipped importance-sampling weights, every token kept (MiniMax-M1).
    #[default]
    Cispo,
    /// PPO's clipped surrogate, per-sequence normalization (DeepSeekMath).
    Grpo,
    /// The clipped surrogate with clip-higher and token-level normalization.
    Dapo,
    /// The clipped surrogate, symmetric clip, token-level normalization.
    Ppo,
}

impl Algorithm {
    /// The published defaults: (eps_low, eps_high, aggregation).
    ///
    /// CISPO has no lower bound (`eps_low` is "a large value" in the paper) and a cap of 5 on the
    /// weight (ScaleRL's epsilon_max; M1 did not publish its value).
    pub fn defaults(self) -> (Option<f64>, f64, Aggregation) {
        match self {
            Algorithm::Cispo => (None, 4.0, Aggregation::TokenMean),
            Algorithm::Grpo => (Some(0.2), 0.2, Aggregation::SeqMeanTokenMean),
            Algorithm::Dapo => (Some(0.2), 0.28, Aggregation::TokenMean),
            Algorithm::Ppo => (Some(0.2), 0.2, Aggregation::TokenMean),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Cispo => "cispo",
            Algorithm::Grpo => "grpo",
            Algorithm::Dapo => "dapo",
            Algorithm::Ppo => "ppo",
        }
    }
}

impl std::str::FromStr for Algorithm {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "cispo" => Ok(Algorithm::Cispo),
            "grpo" => Ok(Algorithm::Grpo),
            "dapo" => Ok(Algorithm::Dapo),
            "ppo" => Ok(Algorithm::Ppo),
            other => Err(format!(
                "unknown algorithm {other:?}; expected cispo, grpo, dapo or ppo"
            )),
        }
    }
}

/// The typed loss config. Unset fields take the algorithm's defaults ([`Algorithm::defaults`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LossConfig {
    #[serde(default)]
    pub algo: Algorithm,
    /// Lower clip: `1 - eps_low`. For CISPO, unset means no lower bound.
    pub eps_low: Option<f64>,
    /// Upper clip: `1 + eps_high`.
    pub eps_high: Option<f64>,
    pub agg: Option<Aggregation>,
    /// Coefficient of the KL penalty to a reference policy (0: none, as in M1).
    #[serde(default)]
    pub kl_coef: f64,
}

/// A loss config with every default resolved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResolvedLoss {
    pub algo: Algorithm,
    pub eps_low: Option<f64>,
    pub eps_high: f64,
    pub agg: Aggregation,
    pub kl_coef: f64,
}

impl LossConfig {
    pub fn resolve(&self) -> ResolvedLoss {
        let (eps_low, eps_high, agg) = self.algo.defaults();
        ResolvedLoss {
            algo: self.algo,
            eps_low: self.eps_low.or(eps_low),
            eps_high: self.eps_high.unwrap_or(eps_high),
            agg: self.agg.unwrap_or(agg),
            kl_coef: self.kl_coef,
        }
    }
}

/// One batch of `B` sequences padded to `T` tokens, all `[B, T]` floating tensors on one device.
pub struct LossInputs<'a> {
    /// Log-probabilities of the sampled tokens under the policy being trained (carries the graph).
    pub logp_new: &'a Tensor,
    /// Log-probabilities under the policy that generated the batch (no gradient).
    pub logp_old: &'a Tensor,
    /// Advantage per token (broadcast a per-sequence `[B, 1]` advantage before calling).
    pub advantages: &'a Tensor,
    /// 1 for response tokens that count, 0 for padding and masked samples.
    pub mask: &'a Tensor,
    /// Log-probabilities under the reference policy, for the KL penalty.
    pub logp_ref: Option<&'a Tensor>,
}

/// The loss and the statistics every step logs.
pub struct LossOutput {
    /// Minus the objective (scalar, differentiable through `logp_new`).
    pub loss: Tensor,
    /// Fraction of counted tokens whose weight was clipped (CISPO) or whose surrogate was flat (others).
    pub clip_fraction: f64,
    /// Mean KL estimate over counted tokens (0 without a reference).
    pub kl: f64,
}

impl ResolvedLoss {
    /// The per-token loss terms, before aggregation, and the per-token "clipped" indicator.
    fn token_terms(&self, inp: &LossInputs) -> (Tensor, Tensor) {
        let log_ratio = inp.logp_new - inp.logp_old;
        let ratio = log_ratio.exp();
        let low = self.eps_low.map_or(f64::NEG_INFINITY, |e| 1.0 - e);
        let high = 1.0 + self.eps_high;
        let adv = inp.advantages;
        match self.algo {
            Algorithm::Cispo => {
                let r = ratio.detach();
                let weight = r.clamp(low.max(0.0), high);
                let clipped = r.gt(high).logical_or(&r.lt(low));
                let terms = -(weight * adv * inp.logp_new);
                (terms, clipped)
            }
            Algorithm::Grpo | Algorithm::Dapo | Algorithm::Ppo => {
                let unclipped = &ratio * adv;
                let clipped_surrogate = ratio.clamp(low.max(0.0), high) * adv;
                let terms = -unclipped.minimum(&clipped_surrogate);
                // The surrogate is flat exactly where the unified mask M is 0 (eq. 7).
                let r = ratio.detach();
                let flat = adv
                    .gt(0.0)
                    .logical_and(&r.gt(high))
                    .logical_or(&adv.lt(0.0).logical_and(&r.lt(low)));
                (terms, flat)
            }
        }
    }

    /// Minus the objective over one batch.
    pub fn compute(&self, inp: &LossInputs) -> LossOutput {
        let mask = inp.mask.to_kind(inp.logp_new.kind());
        let (mut terms, clipped) = self.token_terms(inp);
        let counted = f64::try_from(mask.sum(Kind::Double)).unwrap_or(0.0);
        let mut kl_mean = 0.0;
        if let (Some(logp_ref), true) = (inp.logp_ref, self.kl_coef != 0.0) {
            let kl = kl_k3(inp.logp_new, logp_ref);
            if counted > 0.0 {
                kl_mean = f64::try_from((&kl.detach() * &mask).sum(Kind::Double)).unwrap_or(0.0)
                    / counted;
            }
            // Out of place: `terms` is part of the autograd graph.
            #[allow(clippy::assign_op_pattern)]
            {
                terms = terms + kl * self.kl_coef;
            }
        }
        let loss = self.agg.apply(&terms, &mask);
        let clip_fraction = if counted > 0.0 {
            f64::try_from(
                (clipped.to_kind(Kind::Double) * mask.to_kind(Kind::Double)).sum(Kind::Double),
            )
            .unwrap_or(0.0)
                / counted
        } else {
            0.0
        };
        LossOutput {
            loss,
            clip_fraction,
            kl: kl_mean,
        }
    }
}
