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
    api_probe().await.is_ok()
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

/// The variable that turns "no Docker engine" from a skip into a failure in tests and CI.
pub const REQUIRE_DOCKER_VAR: &str = "RLVR_REQUIRE_DOCKER";

/// The gate every Docker-backed test shares: `probe` is `Ok` when an engine answers, else says why
/// not. Without an engine the test is skipped (a note on stderr, `false`), unless
/// `RLVR_REQUIRE_DOCKER=1`, which makes it a failure (a panic naming the reason).
pub fn docker_gate<E: std::fmt::Display>(what: &str, probe: Result<(), E>) -> bool {
    match probe {
        Ok(()) => true,
        Err(reason) => {
            assert!(
                std::env::var(REQUIRE_DOCKER_VAR).as_deref() != Ok("1"),
                "{REQUIRE_DOCKER_VAR}=1 but {reason}"
            );
            eprintln!("note: {reason}; skipping {what}");
            false
        }
    }
}

/// Probes the engine with the `docker` CLI (for tests that drive the engine through `rlvr` or the
/// CLI and have no async runtime of their own).
pub fn cli_probe() -> Result<(), String> {
    let out = std::process::Command::new("docker")
        .args(["version", "--format", "{{.Server.Version}}"])
        .output();
    match out {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(format!(
            "no Docker engine answers ({})",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Err(e) => Err(format!("no Docker engine answers (docker CLI: {e})")),
    }
}

/// Probes the engine through the API client, as the harness connects.
pub async fn api_probe() -> Result<(), String> {
    connect()
        .await
        .map(|_| ())
        .map_err(|e| format!("no Docker engine answers ({e})"))
}
