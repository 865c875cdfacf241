//! Turning a submission into something runnable: toolchains, compilation in the sandbox, and a cache
//! of built programs keyed by the hash of (language, compiler, flags, source).
//!
//! Compilers run in the sandbox too (as an unprivileged uid, with `/root` covered), so a program that
//! `#include`s `/etc/shadow` gets a compile error, not the file. A built program lives in a directory
//! of the cache that runs bind read-only at `/tmp/prog`.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::language::Language;
use super::sandbox::{Bind, Exit, ProcessSandbox, RunLimits, RunSpec, SandboxError};

/// Where runs see the program's directory.
pub const PROGRAM_DIR: &str = "/tmp/prog";
/// The driver of call-style tests, written beside every Python program.
pub const DRIVER_FILE: &str = "driver.py";
const DRIVER: &str = include_str!("driver.py");

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

/// A program ready to run.
#[derive(Debug, Clone)]
pub struct Program {
    pub language: Language,
    /// Host directory bound at [`PROGRAM_DIR`].
    pub dir: PathBuf,
}

impl Program {
    /// The command line of a run, as seen inside the sandbox.
    pub fn argv(&self, tools: &Toolchains) -> Vec<String> {
        match self.language {
            Language::Python => vec![
                tools.python.to_string_lossy().into_owned(),
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

fn compile_command(language: Language, tools: &Toolchains) -> Option<Vec<String>> {
    let out = "/tmp/build/prog".to_owned();
    let src = format!("/tmp/build/{}", language.source_file());
    match language {
        Language::Python => None,
        Language::Cpp => Some(vec![
            tools.gxx.to_string_lossy().into_owned(),
            "-std=c++17".into(),
            "-O2".into(),
            "-pipe".into(),
            "-o".into(),
            out,
            src,
        ]),
        Language::Rust => Some(vec![
            tools.rustc.as_ref().map_or_else(
                || "/usr/bin/rustc".to_owned(),
                |p| p.to_string_lossy().into_owned(),
            ),
            "-O".into(),
            "--edition".into(),
            "2021".into(),
            "-o".into(),
            out,
            src,
        ]),
    }
}

/// Builds (or finds in the cache) the program for `source`.
pub fn build(language: Language, source: &str) -> Result<Build, SandboxError> {
    let (tools, sandbox) = environment()?;
    let command = compile_command(language, tools);
    let mut hasher = Sha256::new();
    // Bump when the build steps or limits change, so stale results are not reused.
    hasher.update(b"rlvr-build-2\0");
    hasher.update(language.name().as_bytes());
    hasher.update([0]);
    if let Some(c) = &command {
        hasher.update(c.join(" ").as_bytes());
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
    if let Some(argv) = command {
        let run = sandbox.run(&RunSpec {
            argv,
            stdin: b"",
            binds: vec![Bind {
                host: work.path().to_path_buf(),
                inside: "/tmp/build".into(),
                writable: true,
            }],
            cwd: "/tmp/build".into(),
            limits: RunLimits {
                cpu: Duration::from_secs(30),
                wall: Duration::from_secs(90),
                memory_bytes: Some(4 << 30),
                // Also the largest file the compiler may write (the binary).
                output_bytes: 256 << 20,
                processes: 64,
                tmpfs_bytes: 512 << 20,
            },
        })?;
        let built = work.path().join("prog");
        if run.exit != Exit::Code(0) || !built.is_file() {
            let mut message = String::from_utf8_lossy(&run.stderr).into_owned();
            message.push_str(&String::from_utf8_lossy(&run.stdout));
            if run.wall_exceeded
                || run.exit == Exit::Signal(libc::SIGXCPU)
                || run.exit == Exit::Signal(libc::SIGKILL)
            {
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
    build(language, source)
}

fn set_mode(path: &Path, mode: u32) -> Result<(), SandboxError> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .map_err(io(format!("chmod {}", path.display())))
}
