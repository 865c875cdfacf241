//! The learning-rate schedule: linear warm-up, then constant, linear or cosine decay.

use serde::{Deserialize, Serialize};

/// How the rate falls after warm-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decay {
    #[default]
    Constant,
    Linear,
    Cosine,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScheduleConfig {
    pub lr: f64,
    pub warmup_steps: u64,
    pub decay: Decay,
    /// The rate at the last step, as a fraction of `lr`.
    pub final_lr_fraction: f64,
}

impl Default for ScheduleConfig {
    fn default() -> Self {
        ScheduleConfig {
            lr: 1e-6,
            warmup_steps: 0,
            decay: Decay::Constant,
            final_lr_fraction: 0.1,
        }
    }
}

impl ScheduleConfig {
    /// The rate for update `step` (0-based) of `total` updates.
    pub fn lr_at(&self, step: u64, total: u64) -> f64 {
        if step < self.warmup_steps {
            return self.lr * (step + 1) as f64 / self.warmup_steps as f64;
        }
        let span = total.saturating_sub(self.warmup_steps).max(1);
        let progress = ((step - self.warmup_steps) as f64 / span as f64).min(1.0);
        let floor = self.lr * self.final_lr_fraction;
        match self.decay {
            Decay::Constant => self.lr,
            Decay::Linear => self.lr + (floor - self.lr) * progress,
            Decay::Cosine => {
                floor + (self.lr - floor) * 0.5 * (1.0 + (std::f64::consts::PI * progress).cos())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warms_up_linearly_then_decays_to_the_floor() {
        let s = ScheduleConfig {
            lr: 1.0,
            warmup_steps: 4,
            decay: Decay::Cosine,
            final_lr_fraction: 0.1,
        };
        assert_eq!(s.lr_at(0, 14), 0.25);
        assert_eq!(s.lr_at(3, 14), 1.0);
        assert!((s.lr_at(4, 14) - 1.0).abs() < 1e-12);
        assert!((s.lr_at(9, 14) - 0.55).abs() < 1e-12);
        assert!((s.lr_at(14, 14) - 0.1).abs() < 1e-12);
        let linear = ScheduleConfig {
            decay: Decay::Linear,
            ..s
        };
        assert!((linear.lr_at(9, 14) - 0.55).abs() < 1e-12);
        assert_eq!(
            ScheduleConfig {
                decay: Decay::Constant,
                ..s
            }
            .lr_at(13, 14),
            1.0
        );
    }
}
