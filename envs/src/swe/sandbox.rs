//! One evaluation container: created from an environment image with no network, resource limits,
//! no capabilities and no privilege escalation, running as the unprivileged user; files go in as tar
//! archives; commands run as execs with a deadline. The container is removed on every path:
//! explicitly by [`Sandbox::remove`], else by `Drop` (best effort), else by the reaper, which finds
//! it by its labels.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use bollard::exec::{StartExecOptions, StartExecResults};
use bollard::models::{ContainerCreateBody, ExecConfig, HostConfig};
use bollard::query_parameters::{CreateContainerOptionsBuilder, RemoveContainerOptionsBuilder};
use bollard::Docker;
use futures::StreamExt;

use crate::swe::docker::{
    is_not_found, with_retry, LABEL_INSTANCE, LABEL_OWNER, LABEL_PID, LABEL_RUN,
};
use crate::swe::error::{SweError, SweResult};
use crate::swe::images::base::EVAL_UID;

/// Resource limits of an evaluation container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub memory_bytes: i64,
    pub nano_cpus: i64,
    pub pids: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory_bytes: 4 << 30,
            nano_cpus: 2_000_000_000,
            pids: 1024,
        }
    }
}

/// Output of one exec: the bytes of stdout and stderr interleaved as they came (not necessarily
/// UTF-8), the exit code, and whether the deadline cut it.
#[derive(Debug, Clone, Default)]
pub struct ExecOutput {
    pub output: Vec<u8>,
    pub exit_code: Option<i64>,
    pub timed_out: bool,
    /// Whether output past [`MAX_OUTPUT`] was dropped.
    pub truncated: bool,
}

impl ExecOutput {
    /// The output as text; invalid UTF-8 becomes U+FFFD instead of failing the instance.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.output).into_owned()
    }
}

/// Output of [`Sandbox::exec_staged`].
#[derive(Debug, Clone, Default)]
pub struct StagedOutput {
    /// What the first stage printed (without the boundary line).
    pub first: Vec<u8>,
    /// The rest of the boundary line, trimmed; `None` when the command ended or was killed
    /// before printing it.
    pub status: Option<String>,
    /// Whether the first stage ran past its deadline.
    pub first_timed_out: bool,
    /// What the second stage printed, its exit code (the exec's) and whether it timed out.
    pub second: ExecOutput,
    /// Wall time from the boundary to the end of the exec.
    pub second_time: Duration,
}

/// Appends to `out`, keeping at most [`MAX_OUTPUT`] bytes.
fn push_capped(out: &mut ExecOutput, bytes: &[u8]) {
    let room = MAX_OUTPUT.saturating_sub(out.output.len());
    if bytes.len() > room {
        out.truncated = true;
    }
    out.output
        .extend_from_slice(&bytes[..bytes.len().min(room)]);
}

/// Splits `buf` at the first complete line holding `boundary`: what came before (without the
/// newline that precedes the boundary), the rest of that line, and what follows it. `None` until
/// the line is complete.
pub fn split_at_boundary<'a>(
    buf: &'a [u8],
    boundary: &[u8],
) -> Option<(&'a [u8], String, &'a [u8])> {
    let at = buf.windows(boundary.len()).position(|w| w == boundary)?;
    let rest = &buf[at + boundary.len()..];
    let end = rest.iter().position(|&b| b == b'\n')?;
    let status = String::from_utf8_lossy(&rest[..end]).trim().to_owned();
    let before = &buf[..at];
    let before = before.strip_suffix(b"\n").unwrap_or(before);
    Some((before, status, &rest[end + 1..]))
}

/// Output kept per exec; a test suite printing more is cut (and says so).
pub const MAX_OUTPUT: usize = 16 << 20;

/// A started evaluation container.
pub struct Sandbox {
    docker: Docker,
    id: String,
    removed: bool,
}

/// What names and labels a container.
#[derive(Debug, Clone)]
pub struct SandboxLabels {
    pub run_id: String,
    pub instance_id: String,
}

impl Sandbox {
    /// Creates and starts a container of `image` that idles until execs arrive.
    pub async fn start(
        docker: &Docker,
        image: &str,
        labels: &SandboxLabels,
        limits: Limits,
    ) -> SweResult<Sandbox> {
        let name = container_name(&labels.instance_id, &labels.run_id);
        let label_map: HashMap<String, String> = [
            (LABEL_OWNER, "1".to_owned()),
            (LABEL_RUN, labels.run_id.clone()),
            (LABEL_INSTANCE, labels.instance_id.clone()),
            (LABEL_PID, std::process::id().to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let body = ContainerCreateBody {
            image: Some(image.to_owned()),
            cmd: Some(vec!["sleep".into(), "infinity".into()]),
            user: Some(format!("{EVAL_UID}:{EVAL_UID}")),
            working_dir: Some("/testbed".into()),
            labels: Some(label_map),
            network_disabled: Some(true),
            host_config: Some(HostConfig {
                network_mode: Some("none".into()),
                memory: Some(limits.memory_bytes),
                memory_swap: Some(limits.memory_bytes),
                nano_cpus: Some(limits.nano_cpus),
                pids_limit: Some(limits.pids),
                cap_drop: Some(vec!["ALL".into()]),
                security_opt: Some(vec!["no-new-privileges".into()]),
                init: Some(true),
                ..Default::default()
            }),
            ..Default::default()
        };
        let created = with_retry("create container", || {
            let body = body.clone();
            let name = name.clone();
            async move {
                let options = CreateContainerOptionsBuilder::new().name(&name).build();
                match docker
                    .create_container(Some(options.clone()), body.clone())
                    .await
                {
                    // The name is taken by a ghost (an earlier crash of this run): remove it and
                    // create again. Only on a conflict, so the usual path is one round trip.
                    Err(bollard::errors::Error::DockerResponseServerError {
                        status_code: 409,
                        ..
                    }) => {
                        remove_by_name(docker, &name).await?;
                        docker.create_container(Some(options), body).await
                    }
                    other => other,
                }
                .map_err(|e| SweError::docker(format!("create container {name}"), e))
            }
        })
        .await?;
        let sandbox = Sandbox {
            docker: docker.clone(),
            id: created.id,
            removed: false,
        };
        with_retry("start container", || async {
            docker
                .start_container(
                    &sandbox.id,
                    None::<bollard::query_parameters::StartContainerOptions>,
                )
                .await
                .map_err(|e| SweError::docker("start container", e))
        })
        .await?;
        Ok(sandbox)
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Writes files (path relative to `dir`, contents) into the container, owned by the eval user.
    pub async fn put_files(&self, dir: &str, files: &[(&str, &[u8])]) -> SweResult<()> {
        let mut builder = tar::Builder::new(Vec::new());
        for (name, bytes) in files {
            let mut header = tar::Header::new_gnu();
            header.set_size(bytes.len() as u64);
            header.set_mode(0o644);
            header.set_uid(EVAL_UID.into());
            header.set_gid(EVAL_UID.into());
            header.set_cksum();
            builder
                .append_data(&mut header, name, *bytes)
                .map_err(|e| SweError::io(*name, e))?;
        }
        let archive = builder.into_inner().map_err(|e| SweError::io(dir, e))?;
        let archive = bytes::Bytes::from(archive);
        with_retry("upload to container", || {
            let archive = archive.clone();
            async move {
                let options = bollard::query_parameters::UploadToContainerOptionsBuilder::new()
                    .path(dir)
                    .build();
                self.docker
                    .upload_to_container(&self.id, Some(options), bollard::body_full(archive))
                    .await
                    .map_err(|e| SweError::docker("upload to container", e))
            }
        })
        .await
    }

    /// Runs `cmd` as the eval user, collecting output until it exits or `timeout` passes. On a
    /// timeout the container is killed (taking the exec with it): the result says `timed_out`.
    pub async fn exec(&mut self, cmd: &[&str], timeout: Duration) -> SweResult<ExecOutput> {
        let exec = self.create_exec(cmd).await?;
        let started = self
            .docker
            .start_exec(&exec, Some(StartExecOptions::default()))
            .await
            .map_err(|e| SweError::docker("start exec", e))?;
        let StartExecResults::Attached { mut output, .. } = started else {
            return Err(SweError::command(
                "exec",
                "engine detached an attached exec",
            ));
        };
        let mut collected = Vec::new();
        let mut truncated = false;
        let read_all = async {
            while let Some(item) = output.next().await {
                let chunk = item.map_err(|e| SweError::docker("read exec output", e))?;
                let bytes = chunk.into_bytes();
                let room = MAX_OUTPUT.saturating_sub(collected.len());
                if bytes.len() > room {
                    truncated = true;
                }
                collected.extend_from_slice(&bytes[..bytes.len().min(room)]);
            }
            Ok::<(), SweError>(())
        };
        let finished = tokio::time::timeout(timeout, read_all).await;
        match finished {
            Err(_elapsed) => {
                self.kill().await;
                Ok(ExecOutput {
                    output: collected,
                    exit_code: None,
                    timed_out: true,
                    truncated,
                })
            }
            Ok(result) => {
                result?;
                let inspect = self
                    .docker
                    .inspect_exec(&exec)
                    .await
                    .map_err(|e| SweError::docker("inspect exec", e))?;
                Ok(ExecOutput {
                    output: collected,
                    exit_code: inspect.exit_code,
                    timed_out: false,
                    truncated,
                })
            }
        }
    }

    /// Runs `cmd` as the eval user in two stages told apart by a boundary line the command prints
    /// between them: `<boundary> <status>`. The first stage has `first_timeout`; the second gets
    /// `second_timeout` from the moment the boundary arrives. Only the first occurrence counts, so
    /// output of the second stage cannot fake the first stage's status: that stage ran before any
    /// code of the second, and a boundary with an unguessable token cannot come from the first.
    /// One exec instead of one per stage saves its create/start/inspect round trips. On a timeout
    /// the container is killed.
    pub async fn exec_staged(
        &mut self,
        cmd: &[&str],
        boundary: &str,
        first_timeout: Duration,
        second_timeout: Duration,
    ) -> SweResult<StagedOutput> {
        let exec = self.create_exec(cmd).await?;
        let started = self
            .docker
            .start_exec(&exec, Some(StartExecOptions::default()))
            .await
            .map_err(|e| SweError::docker("start exec", e))?;
        let StartExecResults::Attached { mut output, .. } = started else {
            return Err(SweError::command(
                "exec",
                "engine detached an attached exec",
            ));
        };
        let mut out = StagedOutput::default();
        let mut pending = Vec::new();
        let mut deadline = tokio::time::Instant::now() + first_timeout;
        let mut boundary_at: Option<Instant> = None;
        loop {
            let item = match tokio::time::timeout_at(deadline, output.next()).await {
                Err(_elapsed) => {
                    self.kill().await;
                    match boundary_at {
                        None => {
                            out.first = pending;
                            out.first_timed_out = true;
                        }
                        Some(at) => {
                            out.second.timed_out = true;
                            out.second_time = at.elapsed();
                        }
                    }
                    return Ok(out);
                }
                Ok(None) => break,
                Ok(Some(item)) => item,
            };
            let chunk = item.map_err(|e| SweError::docker("read exec output", e))?;
            let bytes = chunk.into_bytes();
            if boundary_at.is_some() {
                push_capped(&mut out.second, &bytes);
                continue;
            }
            pending.extend_from_slice(&bytes);
            if let Some((before, status, after)) = split_at_boundary(&pending, boundary.as_bytes())
            {
                out.first = before.to_vec();
                out.status = Some(status);
                let after = after.to_vec();
                push_capped(&mut out.second, &after);
                pending = Vec::new();
                boundary_at = Some(Instant::now());
                deadline = tokio::time::Instant::now() + second_timeout;
            } else if pending.len() > MAX_OUTPUT {
                return Err(SweError::command(
                    "exec",
                    format!("more than {MAX_OUTPUT} bytes of output before the stage boundary"),
                ));
            }
        }
        if boundary_at.is_none() {
            out.first = pending;
        }
        out.second_time = boundary_at.map(|at| at.elapsed()).unwrap_or_default();
        let inspect = self
            .docker
            .inspect_exec(&exec)
            .await
            .map_err(|e| SweError::docker("inspect exec", e))?;
        out.second.exit_code = inspect.exit_code;
        Ok(out)
    }

    async fn create_exec(&self, cmd: &[&str]) -> SweResult<String> {
        let config = ExecConfig {
            cmd: Some(cmd.iter().map(|s| s.to_string()).collect()),
            attach_stdout: Some(true),
            attach_stderr: Some(true),
            user: Some(format!("{EVAL_UID}:{EVAL_UID}")),
            working_dir: Some("/testbed".into()),
            ..Default::default()
        };
        let exec = self
            .docker
            .create_exec(&self.id, config)
            .await
            .map_err(|e| SweError::docker("create exec", e))?;
        Ok(exec.id)
    }

    /// Kills and removes the container now (the exec dies with it).
    async fn kill(&mut self) {
        if let Err(e) = force_remove(&self.docker, &self.id).await {
            tracing::warn!(container = %self.id, error = %e, "removing a timed-out container failed; the reaper will");
        } else {
            self.removed = true;
        }
    }

    /// Removes the container (force: it is running).
    pub async fn remove(mut self) -> SweResult<()> {
        if !self.removed {
            let result =
                with_retry("remove container", || force_remove(&self.docker, &self.id)).await;
            self.removed = result.is_ok();
            result?;
        }
        Ok(())
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if self.removed {
            return;
        }
        // Dropped on an error path or a cancelled future: remove in the background if a runtime is
        // still there; otherwise the reaper (next start, or `rlvr swe clean`) finds it by label.
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            let docker = self.docker.clone();
            let id = self.id.clone();
            handle.spawn(async move {
                let _ = force_remove(&docker, &id).await;
            });
        }
    }
}

/// `rlvr-swe.<instance>.<run>`, with characters Docker rejects in names replaced.
pub fn container_name(instance_id: &str, run_id: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "_.-".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    format!("rlvr-swe.{}.{}", clean(instance_id), clean(run_id))
}

pub(crate) async fn force_remove(docker: &Docker, id: &str) -> SweResult<()> {
    let options = RemoveContainerOptionsBuilder::new()
        .force(true)
        .v(true)
        .build();
    match docker.remove_container(id, Some(options)).await {
        Ok(()) => Ok(()),
        Err(e) if is_not_found(&e) => Ok(()),
        // 409: removal already in progress: done as far as we are concerned.
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 409, ..
        }) => Ok(()),
        Err(e) => Err(SweError::docker(format!("remove container {id}"), e)),
    }
}

async fn remove_by_name(docker: &Docker, name: &str) -> SweResult<()> {
    force_remove(docker, name).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_boundary_line_splits_the_stages() {
        let b = "rlvr-stage-0123";
        let buf = b"prep out\nrlvr-stage-0123 0\ntest out\nrlvr-stage-0123 7\n";
        let (before, status, after) = split_at_boundary(buf, b.as_bytes()).unwrap();
        assert_eq!(before, b"prep out");
        assert_eq!(status, "0");
        // A boundary printed by the second stage is just output.
        assert_eq!(after, b"test out\nrlvr-stage-0123 7\n");
    }

    #[test]
    fn an_incomplete_boundary_line_waits_for_more_output() {
        assert!(split_at_boundary(b"x\nrlvr-stage-0123 1", b"rlvr-stage-0123").is_none());
        assert!(split_at_boundary(b"x\nrlvr-sta", b"rlvr-stage-0123").is_none());
    }
}
