//! The Docker backend: one container per run, for full isolation.
//!
//! A run's container is created from the SWE harness's offline Debian base image (debootstrap from
//! this machine's mirror, imported with no registry: [`crate::swe::images::base`]), which carries
//! `python3`; C++ and Rust programs are linked statically on the host, so they need nothing from it.
//! The container has no network, a read-only root, a private tmpfs `/tmp`, cgroup memory, pids and
//! CPU limits, no capabilities, `no-new-privileges`, and runs as the image's unprivileged user. Its
//! PID 1 is a small static runner ([`RUNNER`]) that starts the program with its stdio on files of a
//! per-run host directory and its rlimits (CPU time, file size = the output cap, address space),
//! waits for it and reports its wait status and resource usage on the container's stdout. The output
//! cap is the program's `RLIMIT_FSIZE`, so a flood is cut by the kernel and never buffered.
//!
//! Every container is labelled ([`LABEL_OWNER`], [`LABEL_PID`]) and removed after its run; leftovers
//! of a crashed process are reaped by label when the backend starts.

use std::collections::HashMap;
use std::future::Future;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use bollard::models::{ContainerCreateBody, HostConfig, HostConfigLogConfig};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, LogsOptionsBuilder, WaitContainerOptions,
};
use bollard::Docker;
use futures::StreamExt;

use super::{Exit, RunResult, RunSpec, Sandbox, SandboxError, STDERR_KEPT};
use crate::code::build::{self, Build};
use crate::code::language::Language;
use crate::swe::images::base::{BaseImage, EVAL_UID};
use crate::swe::images::mirror;

/// Label on every container of this backend.
pub const LABEL_OWNER: &str = "rlvr.code";
/// Label carrying the host process id that owns a container, for the reaper.
pub const LABEL_PID: &str = "rlvr.code.pid";
/// The in-container runner (C, compiled as C++17 and linked statically).
pub const RUNNER: &str = include_str!("runner.c");
/// The Debian suite of the image (its Python is the one that runs submissions).
pub const SUITE: &str = "bookworm";
/// Where a run's stdio files and the runner appear inside the container.
const IO_DIR: &str = "/rlvr-io";
const RUNNER_DIR: &str = "/rlvr-runner";
/// The Python interpreter inside the image.
pub const PYTHON: &str = "/usr/bin/python3";
/// Slack over the program's address-space limit for the container's memory cgroup, which also
/// counts the runner, page cache and the tmpfs.
const CGROUP_SLACK: u64 = 64 << 20;

/// The Docker backend. Build it once with [`DockerSandbox::get`].
pub struct DockerSandbox {
    runtime: tokio::runtime::Runtime,
    docker: Docker,
    image: String,
    /// Host directory holding the static runner, bound read-only at [`RUNNER_DIR`].
    runner_dir: PathBuf,
}

impl std::fmt::Debug for DockerSandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DockerSandbox")
            .field("image", &self.image)
            .finish_non_exhaustive()
    }
}

static SHARED: OnceLock<Result<DockerSandbox, String>> = OnceLock::new();

fn unavailable(what: impl std::fmt::Display) -> SandboxError {
    SandboxError::Unavailable(format!("docker backend: {what}"))
}

impl DockerSandbox {
    /// The process-wide backend: connects, reaps leftovers, makes sure the image and the runner exist
    /// and checks a trivial run, on first use.
    pub fn get() -> Result<&'static DockerSandbox, SandboxError> {
        SHARED
            .get_or_init(|| DockerSandbox::probe().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| SandboxError::Unavailable(e.clone()))
    }

    /// The image runs use.
    pub fn image(&self) -> &str {
        &self.image
    }

    fn probe() -> Result<DockerSandbox, SandboxError> {
        // A runtime of its own: the judge is synchronous and may be called from any thread.
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("rlvr-code-docker")
            .enable_all()
            .build()
            .map_err(|e| unavailable(format!("tokio runtime: {e}")))?;
        let (docker, image) = block_on(&runtime, async {
            let docker = crate::swe::docker::connect().await.map_err(unavailable)?;
            reap_orphans(&docker).await?;
            let mirror = mirror::debian_mirror(Path::new("/etc/apt"))
                .unwrap_or_else(|| "http://deb.debian.org/debian".to_owned());
            let base = BaseImage::new(SUITE, mirror).map_err(unavailable)?;
            let image = base.ensure(&docker).await.map_err(unavailable)?;
            Ok::<_, SandboxError>((docker, image))
        })?;
        let runner_dir = match build::build_static_on_host(Language::Cpp, RUNNER)? {
            Build::Ready(p) => p.dir,
            Build::CompileError(m) => {
                return Err(unavailable(format!("the runner does not compile: {m}")))
            }
        };
        let sandbox = DockerSandbox {
            runtime,
            docker,
            image,
            runner_dir,
        };
        let probe = sandbox.run(&RunSpec {
            argv: vec![PYTHON.into(), "-c".into(), "print(6 * 7)".into()],
            stdin: b"",
            binds: vec![],
            cwd: "/tmp".into(),
            limits: super::RunLimits {
                cpu: Duration::from_secs(5),
                wall: Duration::from_secs(30),
                memory_bytes: Some(256 << 20),
                output_bytes: 1 << 10,
                processes: 8,
                tmpfs_bytes: 1 << 20,
            },
        })?;
        if probe.exit != Exit::Code(0) || probe.stdout != b"42\n" {
            return Err(unavailable(format!(
                "{PYTHON} in {} ended with {:?}: {}",
                sandbox.image,
                probe.exit,
                String::from_utf8_lossy(&probe.stderr)
            )));
        }
        Ok(sandbox)
    }

    async fn run_async(&self, spec: &RunSpec<'_>) -> Result<RunResult, SandboxError> {
        let limits = &spec.limits;
        let io = IoDir::new(spec.stdin)?;
        let mut binds = vec![
            format!("{}:{IO_DIR}:rw", io.path().display()),
            format!("{}:{RUNNER_DIR}:ro", self.runner_dir.display()),
        ];
        for b in &spec.binds {
            if !b.inside.starts_with("/tmp/") {
                return Err(unavailable(format!(
                    "bind target {} is not under /tmp",
                    b.inside
                )));
            }
            let mode = if b.writable { "rw" } else { "ro" };
            binds.push(format!("{}:{}:{mode}", b.host.display(), b.inside));
        }
        let cpu_secs = limits.cpu.as_secs_f64().ceil().max(1.0) as u64;
        // One byte over the cap, so a program that writes exactly the cap is not cut.
        let fsize = limits.output_bytes.saturating_add(1);
        let mut cmd = vec![
            format!("{RUNNER_DIR}/prog"),
            cpu_secs.to_string(),
            fsize.to_string(),
            limits.memory_bytes.unwrap_or(0).to_string(),
            "--".into(),
        ];
        cmd.extend(spec.argv.iter().cloned());
        let memory = limits
            .memory_bytes
            .map_or(4 << 30, |m| m + limits.tmpfs_bytes + CGROUP_SLACK);
        let labels: HashMap<String, String> = [
            (LABEL_OWNER, "1".to_owned()),
            (LABEL_PID, std::process::id().to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let tmpfs: HashMap<String, String> = [(
            "/tmp".to_owned(),
            format!(
                "rw,exec,nosuid,nodev,size={},nr_inodes=4096,mode=1777",
                limits.tmpfs_bytes.max(4096)
            ),
        )]
        .into_iter()
        .collect();
        let body = ContainerCreateBody {
            image: Some(self.image.clone()),
            cmd: Some(cmd),
            user: Some(format!("{EVAL_UID}:{EVAL_UID}")),
            working_dir: Some(spec.cwd.clone()),
            env: Some(
                [
                    "PATH=/usr/local/bin:/usr/bin:/bin",
                    "HOME=/tmp",
                    "TMPDIR=/tmp",
                    "LANG=C.UTF-8",
                    "PYTHONHASHSEED=0",
                    "PYTHONDONTWRITEBYTECODE=1",
                ]
                .map(String::from)
                .to_vec(),
            ),
            labels: Some(labels),
            network_disabled: Some(true),
            host_config: Some(HostConfig {
                network_mode: Some("none".into()),
                binds: Some(binds),
                tmpfs: Some(tmpfs),
                readonly_rootfs: Some(true),
                memory: Some(memory as i64),
                memory_swap: Some(memory as i64),
                pids_limit: Some(limits.processes as i64),
                nano_cpus: Some(1_000_000_000),
                cap_drop: Some(vec!["ALL".into()]),
                security_opt: Some(vec!["no-new-privileges".into()]),
                ipc_mode: Some("private".into()),
                // Only the runner's one-line report reaches the log; the cap is a backstop.
                log_config: Some(HostConfigLogConfig {
                    typ: Some("json-file".into()),
                    config: Some(
                        [("max-size", "64k"), ("max-file", "1")]
                            .map(|(k, v)| (k.to_owned(), v.to_owned()))
                            .into_iter()
                            .collect(),
                    ),
                }),
                ..Default::default()
            }),
            ..Default::default()
        };
        let name = format!(
            "rlvr-code.{}.{}",
            std::process::id(),
            io.path()
                .file_name()
                .map(|n| n.to_string_lossy().trim_start_matches('.').to_owned())
                .unwrap_or_default()
        );
        let options = CreateContainerOptionsBuilder::new().name(&name).build();
        let created = self
            .docker
            .create_container(Some(options), body)
            .await
            .map_err(|e| unavailable(format!("create container: {e}")))?;
        let container = Container {
            docker: self.docker.clone(),
            id: created.id,
            runtime: self.runtime.handle().clone(),
            removed: false,
        };
        let result = self.watch(&container, spec, &io).await;
        container.remove().await;
        result
    }

    /// Starts the container, waits for its end or the wall limit, and collects the run's facts.
    async fn watch(
        &self,
        container: &Container,
        spec: &RunSpec<'_>,
        io: &IoDir,
    ) -> Result<RunResult, SandboxError> {
        let start = Instant::now();
        self.docker
            .start_container(
                &container.id,
                None::<bollard::query_parameters::StartContainerOptions>,
            )
            .await
            .map_err(|e| unavailable(format!("start container: {e}")))?;
        let mut wait = self
            .docker
            .wait_container(&container.id, None::<WaitContainerOptions>);
        let remaining = spec.limits.wall.saturating_sub(start.elapsed());
        let wall_exceeded = match tokio::time::timeout(remaining, wait.next()).await {
            Ok(Some(Ok(_))) | Ok(None) => false,
            // The runner itself failed (a non-zero exit): its report says why.
            Ok(Some(Err(bollard::errors::Error::DockerContainerWaitError { .. }))) => false,
            Ok(Some(Err(e))) => return Err(unavailable(format!("wait for container: {e}"))),
            Err(_) => {
                let _ = self
                    .docker
                    .kill_container(
                        &container.id,
                        None::<bollard::query_parameters::KillContainerOptions>,
                    )
                    .await;
                true
            }
        };
        let wall = start.elapsed();
        let inspect = self
            .docker
            .inspect_container(
                &container.id,
                None::<bollard::query_parameters::InspectContainerOptions>,
            )
            .await
            .map_err(|e| unavailable(format!("inspect container: {e}")))?;
        let memory_exceeded = inspect
            .state
            .as_ref()
            .and_then(|s| s.oom_killed)
            .unwrap_or(false);
        let log = self.report_line(&container.id).await?;
        let (stdout, stdout_len) = read_head(&io.path().join("stdout"), spec.limits.output_bytes)?;
        let (stderr, _) = read_head(&io.path().join("stderr"), STDERR_KEPT as u64)?;
        let mut result = RunResult {
            exit: Exit::Killed,
            cpu: Duration::ZERO,
            wall,
            peak_rss_kb: 0,
            stdout,
            stderr,
            output_exceeded: stdout_len > spec.limits.output_bytes,
            wall_exceeded,
            withheld: Duration::ZERO,
            memory_exceeded,
        };
        match parse_report(&log) {
            Some(Report::Ended {
                status,
                cpu,
                peak_rss_kb,
            }) => {
                result.exit = if libc::WIFEXITED(status) {
                    Exit::Code(libc::WEXITSTATUS(status))
                } else if libc::WIFSIGNALED(status) {
                    Exit::Signal(libc::WTERMSIG(status))
                } else {
                    Exit::Killed
                };
                result.cpu = cpu;
                result.peak_rss_kb = peak_rss_kb;
            }
            Some(Report::Failed { stage, errno }) => {
                return Err(SandboxError::Setup {
                    stage,
                    step: 0,
                    source: std::io::Error::from_raw_os_error(errno),
                })
            }
            // Killed at the wall limit or by the memory cgroup before the runner could report.
            None if wall_exceeded || memory_exceeded => {}
            None => {
                return Err(unavailable(format!(
                    "the runner ended without a report: {}",
                    log.trim()
                )))
            }
        }
        Ok(result)
    }

    /// The container's log (the runner's report), at most a few KiB of it.
    async fn report_line(&self, id: &str) -> Result<String, SandboxError> {
        let options = LogsOptionsBuilder::new()
            .stdout(true)
            .stderr(true)
            .follow(false)
            .tail("8")
            .build();
        let mut logs = self.docker.logs(id, Some(options));
        let mut text = String::new();
        while let Some(item) = logs.next().await {
            let chunk = item.map_err(|e| unavailable(format!("container logs: {e}")))?;
            if text.len() < 8192 {
                text.push_str(&String::from_utf8_lossy(&chunk.into_bytes()));
            }
        }
        Ok(text)
    }
}

impl Sandbox for DockerSandbox {
    fn run(&self, spec: &RunSpec) -> Result<RunResult, SandboxError> {
        block_on(&self.runtime, self.run_async(spec))
    }
}

/// Runs a future to its end on `runtime`, from any thread (inside another runtime too, where
/// `block_on` would panic: then on a scoped thread of its own).
fn block_on<F: Future + Send>(runtime: &tokio::runtime::Runtime, future: F) -> F::Output
where
    F::Output: Send,
{
    if tokio::runtime::Handle::try_current().is_ok() {
        std::thread::scope(|s| {
            s.spawn(|| runtime.block_on(future))
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))
        })
    } else {
        runtime.block_on(future)
    }
}

/// A created container, removed on every path (explicitly, else on drop in the background, else by
/// the reaper through its labels).
struct Container {
    docker: Docker,
    id: String,
    runtime: tokio::runtime::Handle,
    removed: bool,
}

impl Container {
    async fn remove(mut self) {
        if crate::swe::sandbox::force_remove(&self.docker, &self.id)
            .await
            .is_ok()
        {
            self.removed = true;
        } else {
            tracing::warn!(container = %self.id, "removing a code container failed; the reaper will");
        }
    }
}

impl Drop for Container {
    fn drop(&mut self) {
        if !self.removed {
            let docker = self.docker.clone();
            let id = std::mem::take(&mut self.id);
            self.runtime.spawn(async move {
                let _ = crate::swe::sandbox::force_remove(&docker, &id).await;
            });
        }
    }
}

/// Removes this backend's containers whose owning process is gone; returns their names.
pub async fn reap_orphans(docker: &Docker) -> Result<Vec<String>, SandboxError> {
    crate::swe::reaper::reap_orphans_labelled(docker, LABEL_OWNER, LABEL_PID)
        .await
        .map_err(unavailable)
}

/// Every container of this backend, running or not (for leak checks and `rlvr swe clean`-like
/// tooling).
pub fn list_containers() -> Result<Vec<String>, SandboxError> {
    let sandbox = DockerSandbox::get()?;
    block_on(&sandbox.runtime, async {
        crate::swe::reaper::list_labelled(&sandbox.docker, LABEL_OWNER, LABEL_PID)
            .await
            .map(|found| found.into_iter().map(|c| c.name).collect())
            .map_err(unavailable)
    })
}

/// A run's stdio files on the host: `stdin` (read-only), `stdout` and `stderr` (owned by the
/// container's user). The directory is root's, so the program cannot create files in it.
struct IoDir(tempfile::TempDir);

impl IoDir {
    fn new(stdin: &[u8]) -> Result<IoDir, SandboxError> {
        let root = build::cache_root()?;
        let io = |what: &str| {
            let what = what.to_owned();
            move |source| SandboxError::Io {
                context: what,
                source,
            }
        };
        let dir = tempfile::Builder::new()
            .prefix(".io-")
            .tempdir_in(&root)
            .map_err(io("creating a run's io dir"))?;
        let path = dir.path();
        std::fs::write(path.join("stdin"), stdin).map_err(io("writing stdin"))?;
        std::fs::set_permissions(path.join("stdin"), std::fs::Permissions::from_mode(0o644))
            .map_err(io("chmod stdin"))?;
        for name in ["stdout", "stderr"] {
            let file = path.join(name);
            std::fs::write(&file, b"").map_err(io("creating an output file"))?;
            std::os::unix::fs::chown(&file, Some(EVAL_UID), Some(EVAL_UID))
                .map_err(io("chown an output file"))?;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))
                .map_err(io("chmod an output file"))?;
        }
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
            .map_err(io("chmod the io dir"))?;
        Ok(IoDir(dir))
    }

    fn path(&self) -> &Path {
        self.0.path()
    }
}

/// The first `cap` bytes of a file, and its whole length.
fn read_head(path: &Path, cap: u64) -> Result<(Vec<u8>, u64), SandboxError> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|source| SandboxError::Io {
        context: format!("opening {}", path.display()),
        source,
    })?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut head = Vec::with_capacity(len.min(cap) as usize);
    file.take(cap)
        .read_to_end(&mut head)
        .map_err(|source| SandboxError::Io {
            context: format!("reading {}", path.display()),
            source,
        })?;
    Ok((head, len))
}

/// What the runner said.
#[derive(Debug, PartialEq)]
enum Report {
    Ended {
        status: i32,
        cpu: Duration,
        peak_rss_kb: u64,
    },
    Failed {
        stage: &'static str,
        errno: i32,
    },
}

/// The last report line of the container's log.
fn parse_report(log: &str) -> Option<Report> {
    log.lines().rev().find_map(|line| {
        let mut words = line.split_whitespace();
        match words.next()? {
            "rlvr-report" => {
                let mut n = || words.next().and_then(|w| w.parse::<i64>().ok());
                let (status, user, system, rss) = (n()?, n()?, n()?, n()?);
                Some(Report::Ended {
                    status: i32::try_from(status).ok()?,
                    cpu: Duration::from_micros((user.max(0) + system.max(0)) as u64),
                    peak_rss_kb: rss.max(0) as u64,
                })
            }
            "rlvr-runner" => {
                let stage = match words.next()? {
                    "exec" => "execve",
                    "fork" => "fork",
                    _ => "process set-up",
                };
                let errno = words.next()?.parse().ok()?;
                Some(Report::Failed { stage, errno })
            }
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_last_report_line() {
        let log = "rlvr-report 0 1 1 1\nnoise\nrlvr-report 9 1500 500 2048\n";
        assert_eq!(
            parse_report(log),
            Some(Report::Ended {
                status: 9,
                cpu: Duration::from_micros(2000),
                peak_rss_kb: 2048
            })
        );
        assert_eq!(
            parse_report("rlvr-runner exec 2\n"),
            Some(Report::Failed {
                stage: "execve",
                errno: 2
            })
        );
        assert_eq!(parse_report("rlvr-report x\n"), None);
        assert_eq!(parse_report(""), None);
    }
}
