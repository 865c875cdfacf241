//! rlvr-trainer: the MiniMax hybrid model (lightning attention, softmax attention, MoE), generation,
//! rollouts from environments and the CISPO family of policy-gradient losses.

pub mod advantage;
pub mod checkpoint;
pub mod config;
pub mod generate;
pub mod loss;
pub mod metrics;
pub mod model;
pub mod optim;
pub mod rollout;
pub mod schedule;
pub mod train;
