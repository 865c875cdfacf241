//! The task mix: which environment each prompt comes from, and which task, as a pure function of the
//! run seed and a cursor, so a resumed run draws exactly the prompts it would have drawn.

use rand::Rng;
use rlvr_envs::seed::task_rng;
use rlvr_envs::{EnvError, Environment, Task};
use serde::{Deserialize, Serialize};

/// Where the task stream stands: prompts drawn so far, and the next task index of each environment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MixCursor {
    pub drawn: u64,
    pub next_index: Vec<u64>,
}

/// Normalized sampling weights over the environments.
pub struct TaskMix {
    cumulative: Vec<f64>,
    seed: u64,
}

impl TaskMix {
    pub fn new(weights: &[f64], seed: u64) -> Self {
        let total: f64 = weights.iter().sum();
        let mut acc = 0.0;
        let cumulative = weights
            .iter()
            .map(|w| {
                acc += w / total;
                acc
            })
            .collect();
        TaskMix { cumulative, seed }
    }

    /// The environment of prompt number `n`.
    pub fn pick(&self, n: u64) -> usize {
        let u: f64 = task_rng("rlvr-train/mix", self.seed, n).gen();
        self.cumulative
            .iter()
            .position(|&c| u < c)
            .unwrap_or(self.cumulative.len() - 1)
    }

    /// Draws the next `count` tasks, advancing `cursor`.
    pub fn draw(
        &self,
        envs: &[std::sync::Arc<dyn Environment>],
        cursor: &mut MixCursor,
        count: usize,
    ) -> Result<Vec<(usize, Task)>, EnvError> {
        cursor.next_index.resize(envs.len(), 0);
        (0..count)
            .map(|_| {
                let env = self.pick(cursor.drawn);
                cursor.drawn += 1;
                let index = cursor.next_index[env];
                cursor.next_index[env] += 1;
                Ok((env, envs[env].task(self.seed, index)?))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_follow_the_weights_and_the_seed() {
        let mix = TaskMix::new(&[3.0, 1.0], 5);
        let picks: Vec<usize> = (0..4000).map(|n| mix.pick(n)).collect();
        let first = picks.iter().filter(|&&e| e == 0).count() as f64 / 4000.0;
        assert!((first - 0.75).abs() < 0.03, "{first}");
        assert_eq!(
            picks,
            (0..4000)
                .map(|n| TaskMix::new(&[3.0, 1.0], 5).pick(n))
                .collect::<Vec<_>>()
        );
    }
}
