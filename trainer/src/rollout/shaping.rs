//! Reward shaping on response length (DAPO's soft overlong punishment).

use crate::config::OverlongConfig;

/// 0 up to `max_len - buffer` tokens, then falling linearly to `-penalty` at `max_len`.
pub fn overlong_penalty(len: usize, max_len: usize, cfg: &OverlongConfig) -> f64 {
    if cfg.buffer == 0 {
        return 0.0;
    }
    let free = max_len.saturating_sub(cfg.buffer);
    if len <= free {
        0.0
    } else if len <= max_len {
        -cfg.penalty * (len - free) as f64 / cfg.buffer as f64
    } else {
        -cfg.penalty
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn penalty_ramps_over_the_buffer() {
        let cfg = OverlongConfig {
            buffer: 4,
            penalty: 1.0,
        };
        assert_eq!(overlong_penalty(16, 20, &cfg), 0.0);
        assert_eq!(overlong_penalty(18, 20, &cfg), -0.5);
        assert_eq!(overlong_penalty(20, 20, &cfg), -1.0);
        assert_eq!(overlong_penalty(25, 20, &cfg), -1.0);
        assert_eq!(
            overlong_penalty(
                20,
                20,
                &OverlongConfig {
                    buffer: 0,
                    penalty: 1.0
                }
            ),
            0.0
        );
    }
}
