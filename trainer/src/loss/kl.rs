//! The KL penalty to a reference policy, off by default (M1 uses none).

use tch::Tensor;

/// Schulman's k3 estimator of KL(pi || pi_ref) per token: `exp(d) - d - 1` with `d = ref - new`.
/// Non-negative, unbiased, and low-variance (verl's `low_var_kl` without its clamp).
pub fn kl_k3(logp_new: &Tensor, logp_ref: &Tensor) -> Tensor {
    let d = logp_ref - logp_new;
    d.exp() - d - 1.0
}
