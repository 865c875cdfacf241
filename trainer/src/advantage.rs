//! Group-relative advantages (GRPO, used by CISPO): each response is judged against the other
//! responses to the same prompt.

use serde::{Deserialize, Serialize};

/// How rewards within a group become advantages.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AdvantageConfig {
    /// Divide by the group's standard deviation (GRPO, CISPO); off is Dr.GRPO's `R - mean`.
    pub scale_by_std: bool,
    /// Added to the standard deviation so equal rewards do not divide by zero.
    pub eps: f64,
}

impl Default for AdvantageConfig {
    fn default() -> Self {
        AdvantageConfig {
            scale_by_std: true,
            eps: 1e-6,
        }
    }
}

/// `(R - mean) / (std + eps)` over one group, std unbiased (as torch.std); a group of one gets
/// advantage 0.
pub fn group_advantages(rewards: &[f64], config: &AdvantageConfig) -> Vec<f64> {
    let n = rewards.len();
    if n == 0 {
        return Vec::new();
    }
    let mean = rewards.iter().sum::<f64>() / n as f64;
    let centered: Vec<f64> = rewards.iter().map(|r| r - mean).collect();
    if !config.scale_by_std {
        return centered;
    }
    let std = if n > 1 {
        (centered.iter().map(|c| c * c).sum::<f64>() / (n - 1) as f64).sqrt()
    } else {
        1.0
    };
    centered.iter().map(|c| c / (std + config.eps)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_by_unbiased_std_or_only_centers() {
        // rewards 1,0,0,1: mean 0.5, unbiased variance (4 * 0.25) / 3 = 1/3.
        let adv = group_advantages(&[1.0, 0.0, 0.0, 1.0], &AdvantageConfig::default());
        let expected = 0.5 / (1.0f64 / 3.0).sqrt();
        assert!((adv[0] - expected).abs() < 1e-5 && (adv[1] + expected).abs() < 1e-5);
        let plain = group_advantages(
            &[1.0, 0.0, 0.0, 1.0],
            &AdvantageConfig {
                scale_by_std: false,
                eps: 0.0,
            },
        );
        assert_eq!(plain, vec![0.5, -0.5, -0.5, 0.5]);
        assert_eq!(
            group_advantages(&[0.3, 0.3], &AdvantageConfig::default()),
            vec![0.0, 0.0]
        );
        assert_eq!(
            group_advantages(&[0.7], &AdvantageConfig::default()),
            vec![0.0]
        );
    }
}
