//! Prompt + response sequences as one padded batch, and the per-token log-probabilities of the
//! responses under the model being trained.

use tch::{Device, Kind, Tensor};

use crate::model::MiniMaxForCausalLM;

/// `B` sequences `prompt ++ response`, right-padded; responses padded to `R` tokens.
pub struct TokenBatch {
    /// `[B, L]` i64.
    pub input_ids: Tensor,
    /// `[B, R]` i64: the position whose logits predict response token j (`prompt_len - 1 + j`).
    pub predict_pos: Tensor,
    /// `[B, R]` i64: the response tokens.
    pub targets: Tensor,
    /// `[B, R]` f32: 1 for real response tokens.
    pub mask: Tensor,
    pub response_lens: Vec<usize>,
}

impl TokenBatch {
    pub fn new(pairs: &[(&[i64], &[i64])], pad: i64, device: Device) -> Self {
        let b = pairs.len();
        let l = pairs
            .iter()
            .map(|(p, r)| p.len() + r.len())
            .max()
            .unwrap_or(1);
        let r_max = pairs.iter().map(|(_, r)| r.len()).max().unwrap_or(1).max(1);
        let mut ids = vec![pad; b * l];
        let mut pos = vec![0i64; b * r_max];
        let mut targets = vec![pad; b * r_max];
        let mut mask = vec![0f32; b * r_max];
        for (i, (p, r)) in pairs.iter().enumerate() {
            ids[i * l..i * l + p.len()].copy_from_slice(p);
            ids[i * l + p.len()..i * l + p.len() + r.len()].copy_from_slice(r);
            for (j, &t) in r.iter().enumerate() {
                pos[i * r_max + j] = (p.len() + j) as i64 - 1;
                targets[i * r_max + j] = t;
                mask[i * r_max + j] = 1.0;
            }
        }
        let shape = |n: usize| [b as i64, n as i64];
        TokenBatch {
            input_ids: Tensor::from_slice(&ids).reshape(shape(l)).to_device(device),
            predict_pos: Tensor::from_slice(&pos)
                .reshape(shape(r_max))
                .to_device(device),
            targets: Tensor::from_slice(&targets)
                .reshape(shape(r_max))
                .to_device(device),
            mask: Tensor::from_slice(&mask)
                .reshape(shape(r_max))
                .to_device(device),
            response_lens: pairs.iter().map(|(_, r)| r.len()).collect(),
        }
    }
}

/// What a training-side forward pass gives.
pub struct ResponseLogprobs {
    /// `[B, R]` f32 log-probabilities of the response tokens (differentiable).
    pub logp: Tensor,
    /// `[B, R]` f32 entropy of each next-token distribution (detached).
    pub entropy: Tensor,
    /// The router's load-balancing loss (coefficient applied).
    pub aux_loss: Tensor,
}

/// Log-probabilities of the response tokens at `temperature` (the rollout's), with the LM head in
/// fp32 when `fp32_head`, else in the weights' kind (to measure what the fp32 head buys).
pub fn response_logprobs(
    model: &MiniMaxForCausalLM,
    batch: &TokenBatch,
    temperature: f64,
    fp32_head: bool,
) -> ResponseLogprobs {
    let (b, t) = batch.input_ids.size2().expect("[b, l]");
    let positions = Tensor::arange(t, (Kind::Int64, batch.input_ids.device()))
        .unsqueeze(0)
        .expand([b, t], false);
    let (hidden, aux_loss) = model.hidden_states(&batch.input_ids, &positions, None, None);
    // Only the rows that predict response tokens go through the head.
    let h = hidden.size()[2];
    let rows = hidden.gather(
        1,
        &batch
            .predict_pos
            .unsqueeze(-1)
            .expand([b, batch.predict_pos.size()[1], h], false),
        false,
    );
    let logits = if fp32_head {
        model.lm_logits(&rows)
    } else {
        rows.linear::<Tensor>(&model.lm_head.to_kind(rows.kind()), None)
            .to_kind(Kind::Float)
    };
    let logits = if temperature > 0.0 && temperature != 1.0 {
        logits / temperature
    } else {
        logits
    };
    let logp_all = logits.log_softmax(-1, Kind::Float);
    let logp = logp_all
        .gather(-1, &batch.targets.unsqueeze(-1), false)
        .squeeze_dim(-1);
    let entropy = tch::no_grad(|| {
        let lp = logp_all.detach();
        -(lp.exp() * &lp).sum_dim_intlist(-1, false, Kind::Float)
    });
    ResponseLogprobs {
        logp,
        entropy,
        aux_loss,
    }
}

/// Pearson correlation of two equally long series (NaN when either is constant or empty).
pub fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    if n < 2 {
        return f64::NAN;
    }
    let (ma, mb) = (
        a.iter().sum::<f64>() / n as f64,
        b.iter().sum::<f64>() / n as f64,
    );
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let (da, db) = (a[i] - ma, b[i] - mb);
        sab += da * db;
        saa += da * da;
        sbb += db * db;
    }
    sab / (saa.sqrt() * sbb.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_layout_points_each_target_at_the_position_before_it() {
        let p1 = [1i64, 5, 6];
        let r1 = [7i64, 8];
        let p2 = [1i64];
        let r2 = [9i64, 10, 11];
        let b = TokenBatch::new(&[(&p1, &r1), (&p2, &r2)], 0, Device::Cpu);
        assert_eq!(b.input_ids.size(), [2, 5]);
        assert_eq!(
            Vec::<i64>::try_from(b.input_ids.get(1)).unwrap(),
            vec![1, 9, 10, 11, 0]
        );
        assert_eq!(
            Vec::<i64>::try_from(b.predict_pos.get(0)).unwrap(),
            vec![2, 3, 0]
        );
        assert_eq!(
            Vec::<i64>::try_from(b.predict_pos.get(1)).unwrap(),
            vec![0, 1, 2]
        );
        assert_eq!(
            Vec::<f32>::try_from(b.mask.get(0)).unwrap(),
            vec![1.0, 1.0, 0.0]
        );
        assert!((pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.5]) - 0.9986).abs() < 1e-3);
    }
}
