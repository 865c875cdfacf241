//! Rotary position embeddings (neox rotate-half) over the first `rotary_dim` dims of each head.

use tch::{Device, Kind, Tensor};

#[derive(Debug)]
pub struct Rope {
    inv_freq: Tensor, // [rotary_dim / 2] fp32
    rotary_dim: i64,
    head_dim: i64,
}

impl Rope {
    pub fn new(rotary_dim: i64, head_dim: i64, theta: f64, device: Device) -> Self {
        let exps = Tensor::arange_start_step(0, rotary_dim, 2, (Kind::Int64, device))
            .to_kind(Kind::Float)
            / rotary_dim as f64;
        let inv_freq = (Tensor::from(theta as f32).to_device(device).pow(&exps)).reciprocal();
        Rope {
            inv_freq,
            rotary_dim,
            head_dim,
        }
    }

    /// `(cos, sin)` of shape `[b, 1, t, rotary_dim]` in `kind`, for integer `positions: [b, t]`.
    pub fn cos_sin(&self, positions: &Tensor, kind: Kind) -> (Tensor, Tensor) {
        let inv = self.inv_freq.to_device(positions.device());
        let freqs = positions.to_kind(Kind::Float).unsqueeze(-1) * inv.view([1, 1, -1]);
        let emb = Tensor::cat(&[&freqs, &freqs], -1).unsqueeze(1);
        (emb.cos().to_kind(kind), emb.sin().to_kind(kind))
    }

    /// Rotates `x: [b, heads, t, head_dim]`.
    pub fn apply(&self, x: &Tensor, cos: &Tensor, sin: &Tensor) -> Tensor {
        if self.rotary_dim == self.head_dim {
            return x * cos + rotate_half(x) * sin;
        }
        let rot = x.narrow(-1, 0, self.rotary_dim);
        let pass = x.narrow(-1, self.rotary_dim, self.head_dim - self.rotary_dim);
        Tensor::cat(&[&rot * cos + rotate_half(&rot) * sin, pass], -1)
    }
}

fn rotate_half(x: &Tensor) -> Tensor {
    let half = x.size()[x.dim() - 1] / 2;
    let x1 = x.narrow(-1, 0, half);
    let x2 = x.narrow(-1, half, half);
    Tensor::cat(&[-x2, x1], -1)
}
