//! How per-token loss terms become one scalar: the normalizations the algorithms differ by.

use serde::{Deserialize, Serialize};
use tch::Tensor;

/// The normalization of the summed token terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Aggregation {
    /// One normalizer for the batch: the number of counted tokens (CISPO, DAPO).
    TokenMean,
    /// The mean over sequences of each sequence's token mean (GRPO). Empty sequences are skipped.
    SeqMeanTokenMean,
    /// Dr.GRPO: the sum over tokens divided by a constant, batch size times padded length.
    DrGrpo,
}

impl Aggregation {
    pub fn name(self) -> &'static str {
        match self {
            Aggregation::TokenMean => "token-mean",
            Aggregation::SeqMeanTokenMean => "seq-mean-token-mean",
            Aggregation::DrGrpo => "dr-grpo",
        }
    }

    /// Reduces `[B, T]` terms under a 0/1 mask of the same shape. Zero when nothing is counted.
    pub fn apply(self, terms: &Tensor, mask: &Tensor) -> Tensor {
        let masked = terms * mask;
        match self {
            Aggregation::TokenMean => {
                masked.sum(masked.kind()) / mask.sum(mask.kind()).clamp_min(1.0)
            }
            Aggregation::SeqMeanTokenMean => {
                let per_seq_tokens = mask.sum_dim_intlist(-1, false, mask.kind());
                let per_seq = masked.sum_dim_intlist(-1, false, masked.kind())
                    / per_seq_tokens.clamp_min(1.0);
                let non_empty = per_seq_tokens.gt(0.0).to_kind(masked.kind());
                (per_seq * &non_empty).sum(masked.kind())
                    / non_empty.sum(masked.kind()).clamp_min(1.0)
            }
            Aggregation::DrGrpo => {
                let size = terms.size();
                let constant = (size[0] * size[1]).max(1) as f64;
                masked.sum(masked.kind()) / constant
            }
        }
    }
}

impl std::str::FromStr for Aggregation {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "token-mean" => Ok(Aggregation::TokenMean),
            "seq-mean-token-mean" => Ok(Aggregation::SeqMeanTokenMean),
            "dr-grpo" => Ok(Aggregation::DrGrpo),
            other => Err(format!(
                "unknown aggregation {other:?}; expected token-mean, seq-mean-token-mean or dr-grpo"
            )),
        }
    }
}
