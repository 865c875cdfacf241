//! Errors of the model: config, checkpoint and input problems, each naming what and where.

use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("config: {0}")]
    Config(String),
    #[error("checkpoint: {0}")]
    Checkpoint(String),
    #[error("input: {0}")]
    Input(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("torch: {0}")]
    Torch(#[from] tch::TchError),
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    #[error(transparent)]
    Graph(#[from] rlvr_kernels::cuda_graph::GraphError),
}

impl ModelError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        ModelError::Io {
            path: path.display().to_string(),
            source,
        }
    }
}
