//! RMSNorm as transformers computes it: the variance in fp32, then the weight.

use tch::{nn, Tensor};

#[derive(Debug)]
pub struct RmsNorm {
    pub weight: Tensor,
    eps: f64,
}

impl RmsNorm {
    pub fn new(p: nn::Path, dim: i64, eps: f64) -> Self {
        RmsNorm {
            weight: p.var("weight", &[dim], nn::Init::Const(1.0)),
            eps,
        }
    }

    /// libtorch's fused `rms_norm` (one kernel forward and backward on CUDA) accumulates in fp32
    /// like transformers; for bf16 inputs it applies the weight before the final rounding, where
    /// transformers rounds first (a difference of at most one bf16 ulp; fp32 is identical).
    pub fn forward(&self, x: &Tensor) -> Tensor {
        let dim = *x.size().last().expect("x has a last dim");
        x.rms_norm(
            [dim],
            Some(super::same_kind(&self.weight, x.kind())),
            self.eps,
        )
    }
}
