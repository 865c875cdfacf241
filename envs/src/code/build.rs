//! Turning a submission into something runnable: toolchains, compilation in the sandbox, and a cache
//! of built programs keyed by the hash of (language, compiler, flags, backend, source).
//!
//! Compilers run in the process sandbox (as an unprivileged uid, with `/root` covered), so a program
//! that `#include`s `/etc/shadow` gets a compile error, not the file. For the Docker backend they link
//! statically, so the binary needs nothing from the image. A Python program is compiled to bytecode
//! once (`compile()`, nothing written) by the interpreter that will run it, in the run's own backend,
//! so a syntax error is a compile error with the interpreter's message. A built program lives in a
//! directory of the cache that runs bind read-only at `/tmp/prog`.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::language::Language;
use super::sandbox::{
    Bind, Exit, ProcessSandbox, RunLimits, RunSpec, Sandbox, SandboxError, SandboxKind,
};

/// Where runs see the program's directory.
pub const PROGRAM_DIR: &str = "/tmp/prog";
/// The driver of call-style tests, written beside every Python program.
pub const DRIVER_FILE: &str = "driver.py";
const DRIVER: &str = include_str!("driver.py");
/// Compiles a Python source without running or writing anything; a syntax error exits 1 with the
/// interpreter's message (the line, a caret, the error).
const PY_CHECK: &str = "import sys, traceback\n\
src = open(sys.argv[1], 'rb').read()\n\
try:\n    compile(src, 'sol.py', 'exec')\n\
except (SyntaxError, ValueError) as e:\n    \
sys.stderr.write(''.join(traceback.format_exception_only(type(e), e)))\n    sys.exit(1)\n";

/// The interpreters and compilers found on this machine.
#[derive(Debug, Clone)]
pub struct Toolchains {
    pub python: PathBuf,
    pub gxx: PathBuf,
    /// `rustc` inside its sysroot (not the rustup proxy, which needs a home directory).
    pub rustc: Option<PathBuf>,
    /// Toolchain directories to bind into the sandbox (those under a covered directory).
    pub dirs: Vec<PathBuf>,
}

fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .and_then(|p| p.canonicalize().ok())
}

impl Toolchains {
    fn discover() -> Toolchains {
        // The system interpreter first: a pyenv or conda shim under /root would need root's home.
        let python = std::env::var_os("RLVR_PYTHON")
            .map(PathBuf::from)
            .or_else(|| Some(PathBuf::from("/usr/bin/python3")).filter(|p| p.is_file()))
            .or_else(|| which("python3"))
            .unwrap_or_else(|| PathBuf::from("/usr/bin/python3"));
        let gxx = which("g++").unwrap_or_else(|| PathBuf::from("/usr/bin/g++"));
        let sysroot = std::process::Command::new("rustc")
            .args(["--print", "sysroot"])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
        let rustc = sysroot
            .as_ref()
            .map(|s| s.join("bin/rustc"))
            .filter(|p| p.is_file());
        let mut dirs = Vec::new();
        if let Some(s) = &sysroot {
            dirs.push(s.clone());
        }
        // An interpreter's prefix (…/bin/python3 → …).
        if let Some(prefix) = python.parent().and_then(Path::parent) {
            if prefix != Path::new("/usr") && prefix != Path::new("/") {
                dirs.push(prefix.to_path_buf());
            }
        }
        Toolchains {
            python,
            gxx,
            rustc,
            dirs,
        }
    }
}

/// The toolchains and the sandbox that can see them, built once per process.
pub fn environment() -> Result<&'static (Toolchains, ProcessSandbox), SandboxError> {
    static ENV: OnceLock<Result<(Toolchains, ProcessSandbox), String>> = OnceLock::new();
    ENV.get_or_init(|| {
        let tools = Toolchains::discover();
        let sandbox = ProcessSandbox::get()
            .map_err(|e| e.to_string())?
            .with_toolchains(&tools.dirs);
        Ok((tools, sandbox))
    })
    .as_ref()
    .map_err(|e| SandboxError::Unavailable(e.clone()))
}

/// Where programs run: a sandbox backend and the interpreter it sees.
#[derive(Clone, Copy)]
pub struct Backend {
    pub kind: SandboxKind,
    pub sandbox: &'static dyn Sandbox,
    /// The Python interpreter's path inside the sandbox.
    pub python: &'static str,
    /// What names the backend's toolchain in the build cache (the image, for Docker).
    cache_tag: &'static str,
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backend")
            .field("kind", &self.kind)
            .field("python", &self.python)
            .field("cache_tag", &self.cache_tag)
            .finish_non_exhaustive()
    }
}

/// The backend of `kind`, set up on first use (the Docker one builds its image then, if missing).
pub fn backend(kind: SandboxKind) -> Result<Backend, SandboxError> {
    match kind {
        SandboxKind::Namespaces => {
            static TAG: OnceLock<String> = OnceLock::new();
            static PYTHON: OnceLock<String> = OnceLock::new();
            let (tools, sandbox) = environment()?;
            let python = PYTHON.get_or_init(|| tools.python.to_string_lossy().into_owned());
            Ok(Backend {
                kind,
                sandbox,
                python,
                cache_tag: TAG.get_or_init(|| format!("namespaces:{python}")),
            })
        }
        SandboxKind::Docker => docker_backend(),
    }
}

#[cfg(feature = "docker")]
fn docker_backend() -> Result<Backend, SandboxError> {
    use super::sandbox::docker::{DockerSandbox, PYTHON};
    static TAG: OnceLock<String> = OnceLock::new();
    let sandbox = DockerSandbox::get()?;
    Ok(Backend {
        kind: SandboxKind::Docker,
        sandbox,
        python: PYTHON,
        cache_tag: TAG.get_or_init(|| format!("docker:{}", sandbox.image())),
    })
}

#[cfg(not(feature = "docker"))]
fn docker_backend() -> Result<Backend, SandboxError> {
    Err(SandboxError::Unavailable(
        "the docker sandbox needs rlvr-envs built with the `docker` feature".into(),
    ))
}

/// How a compiled program is linked: dynamically against the host's libraries (the process sandbox
/// sees the host's root), or statically (a container sees only its image).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Linking {
    Dynamic,
    Static,
}

/// A program ready to run.
#[derive(Debug, Clone)]
pub struct Program {
    pub language: Language,
    /// Host directory bound at [`PROGRAM_DIR`].
    pub dir: PathBuf,
}

impl Program {
    /// The command line of a run, as seen inside the sandbox.
    pub fn argv(&self, backend: &Backend) -> Vec<String> {
        match self.language {
            Language::Python => vec![
                backend.python.to_owned(),
                format!("{PROGRAM_DIR}/{}", Language::Python.source_file()),
            ],
            Language::Cpp | Language::Rust => vec![format!("{PROGRAM_DIR}/prog")],
        }
    }

    /// The bind that makes the program visible.
    pub fn bind(&self) -> Bind {
        Bind {
            host: self.dir.clone(),
            inside: PROGRAM_DIR.to_owned(),
            writable: false,
        }
    }
}

/// The result of building a submission.
#[derive(Debug, Clone)]
pub enum Build {
    Ready(Program),
    /// The compiler rejected the source; its message.
    CompileError(String),
}

/// The cache root (created on first use, readable by all so sandboxed uids can enter bound dirs).
pub fn cache_root() -> Result<PathBuf, SandboxError> {
    let root = std::env::var_os("RLVR_CODE_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("rlvr-code-cache"));
    fs::create_dir_all(&root).map_err(|source| SandboxError::Io {
        context: format!("creating {}", root.display()),
        source,
    })?;
    Ok(root)
}

fn io(context: String) -> impl FnOnce(std::io::Error) -> SandboxError {
    move |source| SandboxError::Io { context, source }
}

/// The compiler's command line (for the process sandbox), or the syntax check's (Python, run in
/// the backend that will run the program).
fn compile_command(
    language: Language,
    tools: &Toolchains,
    linking: Linking,
    python: &str,
) -> Vec<String> {
    let out = "/tmp/build/prog".to_owned();
    let src = format!("/tmp/build/{}", language.source_file());
    let mut argv = match language {
        Language::Python => vec![python.to_owned(), "-c".into(), PY_CHECK.into(), src.clone()],
        Language::Cpp => vec![
            tools.gxx.to_string_lossy().into_owned(),
            "-std=c++17".into(),
            "-O2".into(),
            "-pipe".into(),
        ],
        Language::Rust => vec![
            tools.rustc.as_ref().map_or_else(
                || "/usr/bin/rustc".to_owned(),
                |p| p.to_string_lossy().into_owned(),
            ),
            "-O".into(),
            "--edition".into(),
            "2021".into(),
        ],
    };
    if language.is_compiled() {
        if linking == Linking::Static {
            argv.push(match language {
                Language::Rust => "-Ctarget-feature=+crt-static".into(),
                _ => "-static".into(),
            });
        }
        argv.extend(["-o".into(), out, src]);
    }
    argv
}

/// Builds (or finds in the cache) the program for `source`, to run in `backend`.
pub fn build(language: Language, source: &str, backend: &Backend) -> Result<Build, SandboxError> {
    let linking = match backend.kind {
        SandboxKind::Namespaces => Linking::Dynamic,
        SandboxKind::Docker => Linking::Static,
    };
    build_with(language, source, linking, backend)
}

/// Builds a compiled program linked statically on the host (the Docker backend's own runner).
pub fn build_static_on_host(language: Language, source: &str) -> Result<Build, SandboxError> {
    let host = backend(SandboxKind::Namespaces)?;
    build_with(language, source, Linking::Static, &host)
}

fn build_with(
    language: Language,
    source: &str,
    linking: Linking,
    backend: &Backend,
) -> Result<Build, SandboxError> {
    // Compilers always run in the process sandbox, which sees the host's toolchains.
    let (tools, host_sandbox) = environment()?;
    let command = compile_command(language, tools, linking, backend.python);
    let mut hasher = Sha256::new();
    // Bump when the build steps or limits change, so stale results are not reused.
    hasher.update(b"rlvr-build-3\0");
    hasher.update(language.name().as_bytes());
    hasher.update([0]);
    hasher.update(command.join(" ").as_bytes());
    hasher.update([0]);
    if !language.is_compiled() {
        // The syntax check's verdict depends on the interpreter that runs it.
        hasher.update(backend.cache_tag.as_bytes());
    }
    hasher.update([0]);
    hasher.update(DRIVER.as_bytes());
    hasher.update([0]);
    hasher.update(source.as_bytes());
    let key: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let root = cache_root()?;
    let dir = root.join(&key);
    let error_file = dir.join("compile_error.txt");
    if dir.is_dir() {
        if let Ok(message) = fs::read_to_string(&error_file) {
            return Ok(Build::CompileError(message));
        }
        return Ok(Build::Ready(Program { language, dir }));
    }

    // Build in a fresh directory, then rename it into place: concurrent builds of one source race
    // harmlessly, and a half-built directory is never seen.
    let work = tempfile::Builder::new()
        .prefix(".build-")
        .tempdir_in(&root)
        .map_err(io(format!("creating a build dir in {}", root.display())))?;
    let src = work.path().join(language.source_file());
    fs::write(&src, source).map_err(io(format!("writing {}", src.display())))?;
    fs::write(work.path().join(DRIVER_FILE), DRIVER).map_err(io("writing the driver".into()))?;
    set_mode(work.path(), 0o777)?;
    for f in [language.source_file(), DRIVER_FILE] {
        set_mode(&work.path().join(f), 0o644)?;
    }
    {
        let sandbox: &dyn Sandbox = if language.is_compiled() {
            host_sandbox
        } else {
            backend.sandbox
        };
        let limits = RunLimits {
            cpu: Duration::from_secs(30),
            wall: Duration::from_secs(90),
            memory_bytes: Some(4 << 30),
            // Also the largest file the compiler may write (the binary).
            output_bytes: 256 << 20,
            processes: 64,
            tmpfs_bytes: 512 << 20,
        };
        let run = sandbox.run(&RunSpec {
            argv: command,
            stdin: b"",
            binds: vec![Bind {
                host: work.path().to_path_buf(),
                inside: "/tmp/build".into(),
                // A syntax check only reads.
                writable: language.is_compiled(),
            }],
            cwd: "/tmp/build".into(),
            limits: limits.clone(),
        })?;
        if run.wall_exceeded {
            // A compiler does not sleep, and the CPU limit ends one that spins: a build that ran out
            // of wall-clock time with CPU to spare was held up by the machine. Not a compile error,
            // and not cached, or the stall would be replayed to every later submission of the source.
            return Err(SandboxError::Unavailable(format!(
                "the {} build ran past its {} s wall-clock limit after {} ms of CPU",
                language.name(),
                limits.wall.as_secs(),
                run.cpu.as_millis()
            )));
        }
        let built = !language.is_compiled() || work.path().join("prog").is_file();
        if run.exit != Exit::Code(0) || !built {
            let mut message = String::from_utf8_lossy(&run.stderr).into_owned();
            message.push_str(&String::from_utf8_lossy(&run.stdout));
            if run.exit == Exit::Signal(libc::SIGXCPU) || run.exit == Exit::Signal(libc::SIGKILL) {
                message.push_str("\n(compilation exceeded its time limit)");
            }
            fs::write(work.path().join("compile_error.txt"), &message)
                .map_err(io("writing the compile error".into()))?;
        }
    }
    set_mode(work.path(), 0o755)?;
    std::os::unix::fs::chown(work.path(), Some(0), Some(0))
        .map_err(io("chown build dir".into()))?;
    let staged = work.keep();
    if fs::rename(&staged, &dir).is_err() {
        // Another build of the same source won the race; use its result.
        let _ = fs::remove_dir_all(&staged);
    }
    build_with(language, source, linking, backend)
}

fn set_mode(path: &Path, mode: u32) -> Result<(), SandboxError> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .map_err(io(format!("chmod {}", path.display())))
}
