//! rlvr-kernels: the tensor math under the MiniMax model, kept apart from the model so that CUDA
//! kernels can replace a reference implementation without touching the layers that call it.
//!
//! Every op has a pure-tch reference; fused CUDA versions (when present) are tested against it.

pub mod cuda_graph;
pub mod cuda_runtime;
pub mod lightning;
