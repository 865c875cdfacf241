//! The crate's one error type. A wrong or unreadable *response* is never an error (it is a
//! [`crate::Judgement`]); these are failures of the caller's inputs or of generation.

/// What went wrong outside the model's response.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SynlogicError {
    /// A task id that is not in [`crate::tasks::ALL`].
    #[error("unknown SynLogic task {0:?}; run `rlvr synlogic list` to see the task ids")]
    UnknownTask(String),
    /// A difficulty outside 1..=10.
    #[error("difficulty {0} is outside 1..=10")]
    BadDifficulty(i64),
    /// A record whose gold data (metadata, answer) lacks what the verifier needs.
    #[error("{task}: malformed record: {field}: {message}")]
    BadRecord {
        task: &'static str,
        field: &'static str,
        message: String,
    },
    /// The generator gave up (e.g. no puzzle with the requested property within its attempt budget).
    #[error("{task}: generation failed at seed {seed}, index {index}: {message}")]
    Generation {
        task: &'static str,
        seed: u64,
        index: u64,
        message: String,
    },
    /// A generated instance's own reference response was judged wrong (the bench's self-check).
    #[error("{task}: the reference response of instance {index} was judged wrong: {reason}")]
    ReferenceRejected {
        task: &'static str,
        index: u64,
        reason: String,
    },
}

impl SynlogicError {
    /// A malformed-record error for `task`, naming the `field`.
    pub fn bad_record(task: &'static str, field: &'static str, message: impl Into<String>) -> Self {
        SynlogicError::BadRecord {
            task,
            field,
            message: message.into(),
        }
    }
}
