//! The one error type of the environment API.

use crate::id::EnvId;

/// Alias used throughout this crate.
pub type Result<T, E = EnvError> = std::result::Result<T, E>;

/// A failure to produce a task or a score. Never a verdict on the model's response: those are
/// [`crate::Outcome`]s. The trainer drops (masks) samples whose scoring failed with one of these.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EnvError {
    /// An environment id that does not parse (`family/name@version`).
    #[error("invalid environment id {id:?}: {reason}")]
    InvalidId { id: String, reason: String },
    /// An id that parses but is not registered.
    #[error("unknown environment {id}; run `rlvr env list` to see the registered ids")]
    UnknownEnv { id: String },
    /// An environment config that does not fit the environment's typed config.
    #[error("bad config for {env}: {message}")]
    Config { env: EnvId, message: String },
    /// A task that cannot be generated for this (seed, index), e.g. an index past a dataset's end.
    #[error("{env}: no task at seed {seed}, index {index}: {message}")]
    NoTask {
        env: EnvId,
        seed: u64,
        index: u64,
        message: String,
    },
    /// A task whose hidden reference does not belong to this environment.
    #[error("{env}: malformed task reference: {message}")]
    BadReference { env: EnvId, message: String },
    /// The scoring machinery failed (container engine, sandbox, harness timeout). Not a reward.
    #[error("{env}: infrastructure failure: {message}")]
    Infrastructure { env: EnvId, message: String },
    /// An episode was stepped after it ended.
    #[error("{env}: step after the episode ended")]
    EpisodeOver { env: EnvId },
    /// I/O underneath an environment (reading a dataset, a word list).
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl EnvError {
    /// Whether the failure is the machinery's, so the sample must be masked rather than scored.
    pub fn is_infrastructure(&self) -> bool {
        matches!(self, EnvError::Infrastructure { .. } | EnvError::Io { .. })
    }
}
