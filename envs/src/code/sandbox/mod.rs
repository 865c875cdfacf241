//! Running untrusted programs: two backends behind the [`Sandbox`] trait, chosen by [`SandboxKind`].
//! - the process sandbox ([`ProcessSandbox`]: namespaces, an unprivileged uid, rlimits, seccomp), the
//!   default: a run costs a `clone`, not a container;
//! - the Docker backend (`docker` module, feature `docker`): one locked-down container per run, for
//!   full isolation (its own network stack, cgroup memory and pids limits, the engine's seccomp).
//!
//! Memory and process caps are rlimits in the process sandbox, not cgroups: cgroups v2 would count a
//! run's memory exactly, but the machines this was built on mount the v1 hierarchy (the unified
//! hierarchy there has no memory or pids controller), and the Docker backend covers the cgroup case.
//!
//! One run of the process sandbox:
//! - a helper is cloned into new PID, mount and IPC namespaces and becomes PID 1 there; when it exits
//!   the kernel kills everything left in the namespace, so a run never leaves a process behind;
//! - in the new mount namespace every host mount is read-only; `/tmp`, `/var/tmp`, `/dev/shm`,
//!   `/run/lock`, `/root` and `/home` are covered by empty tmpfs mounts that vanish with the namespace,
//!   so a run never leaves a file behind and cannot read root's home; the program's own files are
//!   bound read-only under `/tmp`; `/proc` shows only the sandbox's processes;
//! - the program runs as its own unprivileged uid (see [`slots`]) with `no_new_privs`, rlimits on
//!   CPU time, address space, file size, processes and open files, and the seccomp filter of
//!   [`seccomp`] (no network sockets, no new namespaces, no tracing);
//! - the harness reads stdout and stderr as they come, cuts stdout at the output cap and kills the
//!   run at the wall-clock limit, counted from the end of the sandbox's own set-up to the helper's
//!   report of the program's end (a set-up that stalls past `SETUP_LIMIT` is an infrastructure
//!   error, not a time-limit verdict; the namespaces' teardown after the report is not counted);
//! - time the machine withheld from the run (its threads waiting for a CPU, the hypervisor's steal:
//!   see [`withheld`]) moves the wall-clock deadline out, and a run withheld for more than
//!   `WITHHELD_LIMIT` is an infrastructure error.

#[cfg(feature = "docker")]
pub mod docker;
mod seccomp;
pub mod slots;
mod sys;
mod withheld;

use std::ffi::CString;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Why a sandbox could not run a program. Never a verdict on the program.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    #[error("sandbox: {context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("sandbox set-up failed at {stage} step {step}: {source}")]
    Setup {
        stage: &'static str,
        step: u32,
        #[source]
        source: std::io::Error,
    },
    #[error("sandbox unavailable: {0}")]
    Unavailable(String),
}

/// Which backend runs programs. Typed config (`sandbox = "namespaces" | "docker"`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum SandboxKind {
    /// The process sandbox: namespaces, a private uid, rlimits, seccomp (needs root).
    #[default]
    Namespaces,
    /// One container per run through the Docker engine (needs the `docker` feature and an engine).
    Docker,
}

impl SandboxKind {
    pub fn name(self) -> &'static str {
        match self {
            SandboxKind::Namespaces => "namespaces",
            SandboxKind::Docker => "docker",
        }
    }
}

impl std::fmt::Display for SandboxKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for SandboxKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "namespaces" | "namespace" | "process" => Ok(SandboxKind::Namespaces),
            "docker" => Ok(SandboxKind::Docker),
            _ => Err(format!(
                "unknown sandbox {s:?}; expected namespaces or docker"
            )),
        }
    }
}

/// A backend that runs one program to its end or its limits. Both backends give the same facts, so
/// the judge's verdicts do not depend on the backend.
pub trait Sandbox: Send + Sync {
    fn run(&self, spec: &RunSpec) -> Result<RunResult, SandboxError>;
}

fn io_err(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> SandboxError {
    let context = context.into();
    move |source| SandboxError::Io { context, source }
}

/// A host path made visible inside the sandbox.
#[derive(Debug, Clone)]
pub struct Bind {
    pub host: PathBuf,
    /// Where it appears; must lie under `/tmp` (the sandbox's own tmpfs).
    pub inside: String,
    pub writable: bool,
}

/// The limits of one run.
#[derive(Debug, Clone)]
pub struct RunLimits {
    /// CPU time (user + system) of the program.
    pub cpu: Duration,
    /// Wall-clock time of the whole run, enforced by the harness.
    pub wall: Duration,
    /// Address-space limit; `None` for unlimited (compilers).
    pub memory_bytes: Option<u64>,
    /// Bytes of stdout kept; more is an output-limit verdict. Also the largest file it may write.
    pub output_bytes: u64,
    /// Processes and threads of the run's uid.
    pub processes: u64,
    /// Size of the private `/tmp`.
    pub tmpfs_bytes: u64,
}

/// What to run.
#[derive(Debug, Clone)]
pub struct RunSpec<'a> {
    /// `argv[0]` is the executable's absolute path inside the sandbox.
    pub argv: Vec<String>,
    pub stdin: &'a [u8],
    pub binds: Vec<Bind>,
    pub cwd: String,
    pub limits: RunLimits,
}

/// How the program ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    Signal(i32),
    /// The harness killed the run (wall time or output cap) before the program ended.
    Killed,
}

/// The facts of one run; judging them is the caller's business.
#[derive(Debug, Clone)]
pub struct RunResult {
    pub exit: Exit,
    pub cpu: Duration,
    /// The run's wall time: the process sandbox counts it from the end of its own set-up
    /// (namespaces and mounts) to its report of the program's end, the Docker backend from the
    /// container's start request to its end.
    pub wall: Duration,
    pub peak_rss_kb: u64,
    pub stdout: Vec<u8>,
    /// The first [`STDERR_KEPT`] bytes of stderr.
    pub stderr: Vec<u8>,
    pub output_exceeded: bool,
    pub wall_exceeded: bool,
    /// Time the machine withheld from the run (CPU waits, steal), as counted at the wall-clock
    /// deadline and added to it; zero for a run that ended before its deadline, and always zero in
    /// the Docker backend.
    pub withheld: Duration,
    /// A memory cgroup killed the run (the Docker backend); the process sandbox's memory limit is
    /// an rlimit, which shows as a failed allocation instead.
    pub memory_exceeded: bool,
}

/// Bytes of stderr kept for messages.
pub const STDERR_KEPT: usize = 64 * 1024;

/// Host directories covered by an empty tmpfs inside the sandbox (those that exist).
const COVERED: &[&str] = &[
    "/tmp",
    "/var/tmp",
    "/dev/shm",
    "/run/lock",
    "/root",
    "/home",
];

/// The process sandbox. Cheap to share; build it once with [`ProcessSandbox::get`].
#[derive(Debug)]
pub struct ProcessSandbox {
    covered: Vec<PathBuf>,
    /// Host directories under a covered directory that programs need (toolchains), bound read-only at
    /// the same path.
    toolchains: Vec<PathBuf>,
    seccomp: Vec<libc::sock_filter>,
}

static SHARED: OnceLock<Result<ProcessSandbox, String>> = OnceLock::new();

impl ProcessSandbox {
    /// The process-wide sandbox, probed on first use.
    pub fn get() -> Result<&'static ProcessSandbox, SandboxError> {
        SHARED
            .get_or_init(|| ProcessSandbox::probe().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| SandboxError::Unavailable(e.clone()))
    }

    /// Builds the sandbox for this machine and checks that a trivial run works.
    fn probe() -> Result<ProcessSandbox, SandboxError> {
        if sys::euid() != 0 {
            return Err(SandboxError::Unavailable(
                "the process sandbox needs root (namespaces, mounts, setuid); run as root or use the \
                 docker backend"
                    .into(),
            ));
        }
        let covered = COVERED
            .iter()
            .map(PathBuf::from)
            .filter(|p| p.is_dir())
            .collect();
        let sandbox = ProcessSandbox {
            covered,
            toolchains: Vec::new(),
            seccomp: seccomp::filter(),
        };
        let probe = sandbox.run(&RunSpec {
            argv: vec!["/bin/true".into()],
            stdin: b"",
            binds: vec![],
            cwd: "/tmp".into(),
            limits: RunLimits {
                cpu: Duration::from_secs(2),
                wall: Duration::from_secs(5),
                memory_bytes: Some(256 << 20),
                output_bytes: 1 << 10,
                processes: 8,
                tmpfs_bytes: 1 << 20,
            },
        })?;
        if probe.exit != Exit::Code(0) {
            return Err(SandboxError::Unavailable(format!(
                "/bin/true in the sandbox ended with {:?}: {}",
                probe.exit,
                String::from_utf8_lossy(&probe.stderr)
            )));
        }
        Ok(sandbox)
    }

    /// Makes a host toolchain directory (under a covered directory such as `/root`) visible read-only
    /// at the same path. Returns a new sandbox; the shared one is left alone.
    pub fn with_toolchains(&self, dirs: &[PathBuf]) -> ProcessSandbox {
        let mut toolchains = self.toolchains.clone();
        for d in dirs {
            if self.covered.iter().any(|c| d.starts_with(c)) && !toolchains.contains(d) {
                toolchains.push(d.clone());
            }
        }
        ProcessSandbox {
            covered: self.covered.clone(),
            toolchains,
            seccomp: self.seccomp.clone(),
        }
    }

    /// Runs one program to its end or its limits.
    pub fn run(&self, spec: &RunSpec) -> Result<RunResult, SandboxError> {
        let slot = slots::acquire().map_err(io_err("taking a sandbox uid"))?;
        let stdin = sys::memfd_with(spec.stdin).map_err(io_err("writing stdin"))?;
        let stdin: OwnedFd = stdin.into();
        let (out_r, out_w) = sys::pipe().map_err(io_err("stdout pipe"))?;
        let (err_r, err_w) = sys::pipe().map_err(io_err("stderr pipe"))?;
        let (status_r, status_w) = sys::pipe().map_err(io_err("status pipe"))?;

        let keep = vec![
            stdin.as_raw_fd(),
            out_w.as_raw_fd(),
            err_w.as_raw_fd(),
            status_w.as_raw_fd(),
        ];
        let mut mounts = vec![sys::MountStep::PrivateRoot, sys::MountStep::ReadOnlyRoot];
        // Bind sources are opened first, before tmpfs mounts cover them, as descriptors 3 to 9.
        let mut binds: Vec<(PathBuf, PathBuf, bool)> = self
            .toolchains
            .iter()
            .map(|d| (d.clone(), d.clone(), false))
            .collect();
        for b in &spec.binds {
            if !b.inside.starts_with("/tmp/") {
                return Err(SandboxError::Unavailable(format!(
                    "bind target {} is not under /tmp",
                    b.inside
                )));
            }
            binds.push((b.host.clone(), PathBuf::from(&b.inside), b.writable));
        }
        if binds.len() > 7 {
            return Err(SandboxError::Unavailable(format!(
                "{} binds; at most 7",
                binds.len()
            )));
        }
        for (i, (host, _, _)) in binds.iter().enumerate() {
            mounts.push(sys::MountStep::OpenSource {
                path: cstr(host.as_os_str().as_bytes())?,
                fd: 3 + i as i32,
            });
        }
        for dir in &self.covered {
            let options = if dir == Path::new("/tmp") {
                format!(
                    "size={},nr_inodes=4096,mode=1777",
                    spec.limits.tmpfs_bytes.max(4096)
                )
            } else if dir.starts_with("/root") || dir.starts_with("/home") {
                "size=1m,nr_inodes=1024,mode=755".to_owned()
            } else {
                "size=1m,nr_inodes=64,mode=1777".to_owned()
            };
            mounts.push(sys::MountStep::Tmpfs {
                target: cstr(dir.as_os_str().as_bytes())?,
                options: cstr(options.as_bytes())?,
            });
        }
        for (i, (_, inside, writable)) in binds.iter().enumerate() {
            // Mount points inside the covering tmpfs, from the covered directory down.
            let root = self
                .covered
                .iter()
                .find(|c| inside.starts_with(c))
                .cloned()
                .unwrap_or_else(|| PathBuf::from("/tmp"));
            let mut path = root.clone();
            for part in inside.strip_prefix(&root).unwrap_or(inside).components() {
                path.push(part);
                mounts.push(sys::MountStep::Mkdir {
                    path: cstr(path.as_os_str().as_bytes())?,
                });
            }
            mounts.push(sys::MountStep::Bind {
                source: cstr(format!("/proc/self/fd/{}", 3 + i).as_bytes())?,
                target: cstr(inside.as_os_str().as_bytes())?,
                writable: *writable,
            });
        }
        mounts.push(sys::MountStep::Proc);

        let limits = &spec.limits;
        let cpu_secs = limits.cpu.as_secs_f64().ceil().max(1.0) as u64;
        let mut rlimits = vec![
            (libc::RLIMIT_CPU, cpu_secs),
            (libc::RLIMIT_FSIZE, limits.output_bytes),
            (libc::RLIMIT_NPROC, limits.processes),
            (libc::RLIMIT_CORE, 0),
            (libc::RLIMIT_NOFILE, 256),
            (libc::RLIMIT_STACK, 64 << 20),
        ];
        if let Some(bytes) = limits.memory_bytes {
            rlimits.push((libc::RLIMIT_AS, bytes));
        }
        let argv = spec
            .argv
            .iter()
            .map(|a| cstr(a.as_bytes()))
            .collect::<Result<Vec<_>, _>>()?;
        let exe = argv
            .first()
            .cloned()
            .ok_or_else(|| SandboxError::Unavailable("empty argv".into()))?;
        let env = [
            "PATH=/usr/local/bin:/usr/bin:/bin",
            "HOME=/tmp",
            "TMPDIR=/tmp",
            "LANG=C.UTF-8",
            "PYTHONHASHSEED=0",
            "PYTHONDONTWRITEBYTECODE=1",
        ]
        .iter()
        .map(|e| cstr(e.as_bytes()))
        .collect::<Result<Vec<_>, _>>()?;
        let plan = sys::ChildPlan {
            exe,
            argv,
            env,
            cwd: cstr(spec.cwd.as_bytes())?,
            stdin: stdin.as_raw_fd(),
            stdout: out_w.as_raw_fd(),
            stderr: err_w.as_raw_fd(),
            status: status_w.as_raw_fd(),
            keep,
            mounts,
            rlimits,
            uid: slot.uid,
            gid: slot.uid,
            seccomp: self.seccomp.clone(),
        };

        let start = Instant::now();
        let spawned = sys::spawn(&plan).map_err(io_err("cloning the sandbox"))?;
        // Our copies of the child ends go now, or the pipes would never report end of file.
        drop((stdin, out_w, err_w, status_w));
        let result = watch(&spawned, out_r, err_r, status_r, limits, start);
        sys::kill(spawned.pid);
        let reaped = sys::reap(spawned.pid).map_err(io_err("reaping the sandbox"));
        drop(slot);
        let result = result?;
        reaped?;
        result.finish(start)
    }
}

impl Sandbox for ProcessSandbox {
    fn run(&self, spec: &RunSpec) -> Result<RunResult, SandboxError> {
        ProcessSandbox::run(self, spec)
    }
}

fn cstr(bytes: &[u8]) -> Result<CString, SandboxError> {
    CString::new(bytes)
        .map_err(|_| SandboxError::Unavailable("an argument holds a NUL byte".into()))
}

/// How long cloning the namespaces and mounting may take before the run counts as an infrastructure
/// failure. Generous: on a loaded machine namespace creation can wait seconds on the kernel.
const SETUP_LIMIT: Duration = Duration::from_secs(60);

/// How much machine time may be withheld from one run before it counts as an infrastructure failure
/// rather than a run: beyond it the machine, not the program, is what failed.
const WITHHELD_LIMIT: Duration = Duration::from_secs(60);

/// What the harness collected while the run went on.
struct Watched {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    status: Vec<u8>,
    output_exceeded: bool,
    wall_exceeded: bool,
    wall: Duration,
    withheld: Duration,
    /// The program's CPU time when the harness killed it at the wall limit (it sends no report then).
    cpu_at_kill: Duration,
}

/// Reads the pipes until the helper exits, enforcing the output cap and the wall-clock limit.
fn watch(
    spawned: &sys::Spawned,
    out_r: OwnedFd,
    err_r: OwnedFd,
    status_r: OwnedFd,
    limits: &RunLimits,
    start: Instant,
) -> Result<Watched, SandboxError> {
    for fd in [&out_r, &err_r, &status_r] {
        sys::set_nonblocking(fd.as_raw_fd()).map_err(io_err("non-blocking pipe"))?;
    }
    let mut w = Watched {
        stdout: Vec::new(),
        stderr: Vec::new(),
        status: Vec::new(),
        output_exceeded: false,
        wall_exceeded: false,
        wall: Duration::ZERO,
        withheld: Duration::ZERO,
        cpu_at_kill: Duration::ZERO,
    };
    let cap = usize::try_from(limits.output_bytes).unwrap_or(usize::MAX);
    let mut buf = vec![0u8; 64 * 1024];
    let mut open = [true, true, true];
    let fds = [out_r.as_raw_fd(), err_r.as_raw_fd(), status_r.as_raw_fd()];
    let pidfd = spawned.pidfd.as_raw_fd();
    let mut killed = false;
    // When the helper reported its set-up done: the program's wall clock starts there, and so does
    // the count of the machine time withheld from it.
    let mut started: Option<Instant> = None;
    let mut withheld: Option<withheld::Withheld> = None;
    // The program's wall time once the helper's report is in: the program has ended, and what is
    // left (the namespaces' teardown, which can wait on the kernel under load) is not its time.
    let mut ended: Option<Duration> = None;
    loop {
        let mut watched: Vec<i32> = fds
            .iter()
            .zip(open)
            .filter(|(_, o)| *o)
            .map(|(fd, _)| *fd)
            .collect();
        watched.push(pidfd);
        let timeout = match (killed || ended.is_some(), started) {
            (true, _) => Duration::from_millis(100),
            (false, Some(t0)) => (limits.wall + w.withheld).saturating_sub(t0.elapsed()),
            (false, None) => SETUP_LIMIT.saturating_sub(start.elapsed()),
        };
        let revents = sys::poll(&watched, timeout).map_err(io_err("poll"))?;
        let helper_done = revents.last().is_some_and(|r| *r != 0);
        for (i, fd) in fds.iter().enumerate() {
            if !open[i] {
                continue;
            }
            // Drain what is there; after the helper's exit every writer is dead, so read to the end.
            loop {
                match sys::read(*fd, &mut buf) {
                    Ok(0) => {
                        open[i] = false;
                        break;
                    }
                    Ok(n) => {
                        let chunk = &buf[..n];
                        match i {
                            0 => {
                                let room = cap.saturating_sub(w.stdout.len());
                                w.stdout.extend_from_slice(&chunk[..room.min(n)]);
                                if n > room && !w.output_exceeded {
                                    w.output_exceeded = true;
                                    sys::kill(spawned.pid);
                                    killed = true;
                                }
                            }
                            1 => {
                                let room = STDERR_KEPT.saturating_sub(w.stderr.len());
                                w.stderr.extend_from_slice(&chunk[..room.min(n)]);
                            }
                            _ => w.status.extend_from_slice(chunk),
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                    Err(e) => return Err(io_err("reading a pipe")(e)),
                }
            }
        }
        if started.is_none() && w.status.first() == Some(&sys::STARTED) {
            started = Some(Instant::now());
            withheld = Some(withheld::Withheld::start(spawned.pid));
            w.status.remove(0);
        }
        if let (Some(t0), None) = (started, ended) {
            if w.status.first() == Some(&sys::REPORT) && w.status.len() >= sys::REPORT_LEN {
                ended = Some(t0.elapsed());
            }
        }
        if helper_done {
            w.wall = ended.unwrap_or_else(|| started.unwrap_or(start).elapsed());
            return Ok(w);
        }
        match (started, withheld.as_mut()) {
            (Some(t0), Some(withheld))
                if !killed && ended.is_none() && t0.elapsed() >= limits.wall + w.withheld =>
            {
                // Counted only here, at the deadline: a run that ends in time costs no /proc walk.
                let census = withheld::Census::take(spawned.pid);
                w.withheld = withheld.update(&census);
                if w.withheld > WITHHELD_LIMIT {
                    return Err(SandboxError::Unavailable(format!(
                        "the machine withheld {:.1} s from the run (CPU waits and steal)",
                        w.withheld.as_secs_f64()
                    )));
                }
                if t0.elapsed() >= limits.wall + w.withheld {
                    w.wall_exceeded = true;
                    w.cpu_at_kill = census.on_cpu;
                    sys::kill(spawned.pid);
                    killed = true;
                }
            }
            (None, _) if start.elapsed() >= SETUP_LIMIT => {
                // A stalled set-up is the machine's failure, never a verdict on the program.
                return Err(SandboxError::Unavailable(format!(
                    "the sandbox's set-up did not finish within {} s",
                    SETUP_LIMIT.as_secs()
                )));
            }
            _ => {}
        }
    }
}

impl Watched {
    fn finish(self, _start: Instant) -> Result<RunResult, SandboxError> {
        let rec = &self.status;
        let mut result = RunResult {
            exit: Exit::Killed,
            cpu: Duration::ZERO,
            wall: self.wall,
            peak_rss_kb: 0,
            stdout: self.stdout,
            stderr: self.stderr,
            output_exceeded: self.output_exceeded,
            wall_exceeded: self.wall_exceeded,
            withheld: self.withheld,
            memory_exceeded: false,
        };
        match rec.first() {
            Some(&sys::REPORT) if rec.len() >= sys::REPORT_LEN => {
                let u32_at =
                    |i: usize| u32::from_le_bytes(rec[i..i + 4].try_into().expect("4 bytes"));
                let u64_at =
                    |i: usize| u64::from_le_bytes(rec[i..i + 8].try_into().expect("8 bytes"));
                let status = u32_at(1) as i32;
                result.exit = if libc::WIFEXITED(status) {
                    Exit::Code(libc::WEXITSTATUS(status))
                } else if libc::WIFSIGNALED(status) {
                    Exit::Signal(libc::WTERMSIG(status))
                } else {
                    Exit::Killed
                };
                result.cpu = Duration::from_micros(u64_at(5) + u64_at(13));
                result.peak_rss_kb = u64_at(21);
            }
            Some(&stage) if rec.len() >= sys::FAILURE_LEN => {
                let step = u32::from_le_bytes(rec[1..5].try_into().expect("4 bytes"));
                let errno = i32::from_le_bytes(rec[5..9].try_into().expect("4 bytes"));
                let stage = match stage {
                    sys::STAGE_MOUNT => "mount",
                    sys::STAGE_EXEC => "execve",
                    sys::STAGE_FORK => "fork",
                    _ => "process set-up",
                };
                return Err(SandboxError::Setup {
                    stage,
                    step,
                    source: std::io::Error::from_raw_os_error(errno),
                });
            }
            _ if result.output_exceeded || result.wall_exceeded => {
                result.cpu = self.cpu_at_kill;
            }
            _ => {
                return Err(SandboxError::Unavailable(
                    "the sandbox helper ended without a report".into(),
                ))
            }
        }
        Ok(result)
    }
}
