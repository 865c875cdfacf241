//! rlvr-trainer: the MiniMax hybrid model (lightning attention, softmax attention, MoE), generation,
//! rollouts from environments and the CISPO family of policy-gradient losses.

pub mod loss;
pub mod model;
