//! The error type of the SWE harness: everything here is the machinery's failure, never a verdict on a
//! patch (a patch that does not apply or fails its tests is a graded report, not an error).

use std::path::PathBuf;

/// Alias used throughout the harness.
pub type SweResult<T> = std::result::Result<T, SweError>;

/// A failure of the sandbox machinery.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SweError {
    /// The Docker engine refused or failed a call (after retries where retrying makes sense).
    #[error("docker {operation}: {source}")]
    Docker {
        operation: String,
        #[source]
        source: bollard::errors::Error,
    },
    /// A Docker image build (or import) ran but failed.
    #[error("building image {image}: {message}")]
    ImageBuild { image: String, message: String },
    /// An image the evaluation needs is not present; `rlvr swe images build` makes it.
    #[error("image {image} is missing; build it with `rlvr swe images build`")]
    MissingImage { image: String },
    /// A host command (debootstrap, pip, git, tar) failed.
    #[error("{command}: {message}")]
    Command { command: String, message: String },
    /// File I/O on the host.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The harness itself ran past its own deadline (container start, exec bookkeeping).
    #[error("{what} timed out after {seconds} s")]
    Timeout { what: String, seconds: u64 },
    /// Input the user gave (a dataset, a repository directory, a spec) that cannot be used.
    #[error("{0}")]
    Input(String),
    /// Instances whose environment cannot be derived here: (instance id, reason) each.
    #[error("{} instance(s) cannot be served here (see `rlvr swe specs`): {}", .0.len(), unservable_list(.0))]
    Unservable(Vec<(String, String)>),
}

fn unservable_list(items: &[(String, String)]) -> String {
    items
        .iter()
        .map(|(id, reason)| format!("{id}: {reason}"))
        .collect::<Vec<_>>()
        .join("; ")
}

impl SweError {
    pub(crate) fn docker(operation: impl Into<String>, source: bollard::errors::Error) -> Self {
        SweError::Docker {
            operation: operation.into(),
            source,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        SweError::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn command(command: impl Into<String>, message: impl Into<String>) -> Self {
        SweError::Command {
            command: command.into(),
            message: message.into(),
        }
    }

    /// Whether a retry may succeed: a transient engine error (connection reset, 5xx, conflict on a
    /// name still being removed), not a bad request.
    pub fn is_transient(&self) -> bool {
        use bollard::errors::Error as E;
        match self {
            SweError::Docker { source, .. } => match source {
                E::DockerResponseServerError { status_code, .. } => {
                    *status_code >= 500 || *status_code == 409 || *status_code == 429
                }
                E::HyperResponseError { .. } | E::IOError { .. } | E::RequestTimeoutError => true,
                _ => false,
            },
            SweError::Timeout { .. } => true,
            _ => false,
        }
    }
}
