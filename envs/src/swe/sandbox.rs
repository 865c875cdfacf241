//! One evaluation container: created from an environment image with no network, resource limits,
//! no capabilities and no privilege escalation, running as the unprivileged user; files go in as tar
//! archives; commands run as execs with a deadline. The container is removed on every path:
//! explicitly by [`Sandbox::remove`], else by `Drop` (best effort), else by the reaper, which finds
//! it by its labels.

use std::collections::HashMap;
use std::time::Duration;

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
#[derive(Debug, Clone)]
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
                // A ghost of the same name (an earlier crash) is removed first.
                remove_by_name(docker, &name).await?;
                let options = CreateContainerOptionsBuilder::new().name(&name).build();
                docker
                    .create_container(Some(options), body)
                    .await
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
        let started = self
            .docker
            .start_exec(&exec.id, Some(StartExecOptions::default()))
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
                    .inspect_exec(&exec.id)
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
