//! The policy-gradient losses: CISPO, GRPO, DAPO, PPO as one masked token-level objective.
