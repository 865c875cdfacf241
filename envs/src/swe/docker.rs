//! The Docker client the harness shares: version negotiation (the engine may speak an older API than
//! bollard's default), the labels that mark our resources, and retries with backoff for transient
//! engine errors.

use std::future::Future;
use std::time::Duration;

pub use bollard::Docker;

use crate::swe::error::{SweError, SweResult};

/// Label on every container and image the harness creates; `rlvr swe clean` and the reaper find
/// them by it.
pub const LABEL_OWNER: &str = "rlvr.swe";
/// Label carrying the run id on evaluation containers.
pub const LABEL_RUN: &str = "rlvr.swe.run";
/// Label carrying the instance id on evaluation containers.
pub const LABEL_INSTANCE: &str = "rlvr.swe.instance";
/// Label carrying the host process id that owns a container, so a reaper can tell live owners apart.
pub const LABEL_PID: &str = "rlvr.swe.pid";
/// Label saying what an image is (`base` or `env`).
pub const LABEL_KIND: &str = "rlvr.swe.kind";

/// How many times a transient engine error is retried, and the first backoff.
const RETRIES: u32 = 4;
const FIRST_BACKOFF: Duration = Duration::from_millis(250);

/// Connects to the local engine (`DOCKER_HOST` or the default socket) and agrees on an API version.
pub async fn connect() -> SweResult<Docker> {
    let docker = Docker::connect_with_local_defaults()
        .map_err(|e| SweError::docker("connect", e))?
        .with_timeout(Duration::from_secs(1800));
    let docker = docker
        .negotiate_version()
        .await
        .map_err(|e| SweError::docker("negotiate API version", e))?;
    docker
        .ping()
        .await
        .map_err(|e| SweError::docker("ping", e))?;
    Ok(docker)
}

/// Whether an engine answers; used by tests and commands to skip or fail with a clear note.
pub async fn engine_answers() -> bool {
    connect().await.is_ok()
}

/// Runs `op` until it succeeds, fails with a non-transient error, or the retries run out; the delay
/// doubles after each transient failure.
pub async fn with_retry<T, F, Fut>(operation: &str, mut op: F) -> SweResult<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = SweResult<T>>,
{
    let mut delay = FIRST_BACKOFF;
    let mut attempt = 1;
    loop {
        match op().await {
            Ok(value) => return Ok(value),
            Err(err) if err.is_transient() && attempt < RETRIES => {
                tracing::warn!(operation, attempt, error = %err, "transient docker error; retrying");
                tokio::time::sleep(delay).await;
                delay *= 2;
                attempt += 1;
            }
            Err(err) => return Err(err),
        }
    }
}

/// Whether a bollard error is "not found" (404), which cleanup treats as done.
pub fn is_not_found(err: &bollard::errors::Error) -> bool {
    matches!(
        err,
        bollard::errors::Error::DockerResponseServerError {
            status_code: 404,
            ..
        }
    )
}
