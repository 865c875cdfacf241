//! The base image: a Debian root filesystem bootstrapped with `debootstrap` from this machine's own
//! mirror (no registry), imported with the engine's import API. It carries git, Python (with venv
//! and pip), build tools and `patch`, plus the unprivileged user the evaluation runs as.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use bollard::query_parameters::CreateImageOptions;
use bollard::Docker;
use futures::StreamExt;
use sha2::{Digest, Sha256};
use tokio::io::AsyncReadExt;

use crate::swe::docker::{LABEL_KIND, LABEL_OWNER};
use crate::swe::error::{SweError, SweResult};
use crate::swe::images::{image_exists, IMAGE_PREFIX};

/// Bump when the recipe below changes, so the content-hash tag changes with it.
const RECIPE_VERSION: &str = "2";

/// Debian packages in the base image.
pub const PACKAGES: &[&str] = &[
    "git",
    "python3",
    "python3-venv",
    "python3-pip",
    "patch",
    "make",
    "gcc",
    "libc6-dev",
    "ca-certificates",
    "procps",
];

/// The unprivileged user evaluations run as (uid and gid 1000).
pub const EVAL_UID: u32 = 1000;

/// The Debian suites with the Python they ship.
pub const SUITES: &[(&str, &str)] = &[
    ("bullseye", "3.9"),
    ("bookworm", "3.11"),
    ("trixie", "3.13"),
];

/// The suite whose Python is `python` ("3.11"), if any.
pub fn suite_for_python(python: &str) -> Option<&'static str> {
    SUITES.iter().find(|(_, v)| *v == python).map(|(s, _)| *s)
}

/// The Python version a suite ships.
pub fn python_of_suite(suite: &str) -> Option<&'static str> {
    SUITES.iter().find(|(s, _)| *s == suite).map(|(_, v)| *v)
}

/// What the base image is made from; its tag is a hash of exactly these inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseImage {
    pub suite: String,
    pub mirror: String,
}

impl BaseImage {
    pub fn new(suite: impl Into<String>, mirror: impl Into<String>) -> SweResult<Self> {
        let suite = suite.into();
        if python_of_suite(&suite).is_none() {
            let known: Vec<_> = SUITES.iter().map(|(s, _)| *s).collect();
            return Err(SweError::Input(format!(
                "unknown Debian suite {suite:?}; known: {}",
                known.join(", ")
            )));
        }
        Ok(BaseImage {
            suite,
            mirror: mirror.into(),
        })
    }

    /// `rlvr-swe-base:<suite>-<hash>`, the hash over the suite, mirror, packages and recipe.
    pub fn tag(&self) -> String {
        let mut h = Sha256::new();
        for part in [RECIPE_VERSION, &self.suite, &self.mirror] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        for p in PACKAGES {
            h.update(p.as_bytes());
            h.update([0]);
        }
        let digest = hex(&h.finalize()[..8]);
        format!("{IMAGE_PREFIX}base:{}-{digest}", self.suite)
    }

    /// Builds the image unless one with the same tag exists; returns the tag.
    pub async fn ensure(&self, docker: &Docker) -> SweResult<String> {
        let tag = self.tag();
        if image_exists(docker, &tag).await? {
            return Ok(tag);
        }
        let work = tempfile::Builder::new()
            .prefix("rlvr-swe-rootfs-")
            .tempdir()
            .map_err(|e| SweError::io(std::env::temp_dir(), e))?;
        let rootfs = work.path().join("rootfs");
        self.bootstrap(&rootfs).await?;
        import_rootfs(docker, &rootfs, &tag).await?;
        Ok(tag)
    }

    async fn bootstrap(&self, rootfs: &Path) -> SweResult<()> {
        let include = format!("--include={}", PACKAGES.join(","));
        run_host(
            "debootstrap",
            &[
                "--variant=minbase",
                &include,
                &self.suite,
                &rootfs.to_string_lossy(),
                &self.mirror,
            ],
        )
        .await?;
        let root = rootfs.to_string_lossy().into_owned();
        let uid = EVAL_UID.to_string();
        run_host(
            "chroot",
            &[
                &root,
                "useradd",
                "--create-home",
                "--uid",
                &uid,
                "--shell",
                "/bin/bash",
                "nonroot",
            ],
        )
        .await?;
        // Any user may run git in any checkout (the repository is owned by the image's builder).
        run_host(
            "chroot",
            &[&root, "git", "config", "--system", "safe.directory", "*"],
        )
        .await?;
        for (key, value) in [("user.name", "rlvr"), ("user.email", "rlvr@localhost")] {
            run_host("chroot", &[&root, "git", "config", "--system", key, value]).await?;
        }
        for dir in ["var/cache/apt/archives", "var/lib/apt/lists"] {
            clear_files(&rootfs.join(dir));
        }
        Ok(())
    }
}

/// Streams `tar` of `rootfs` into the engine's import endpoint, tagging the result.
async fn import_rootfs(docker: &Docker, rootfs: &Path, tag: &str) -> SweResult<()> {
    let (repo, version) = tag.split_once(':').unwrap_or((tag, "latest"));
    let mut child = tokio::process::Command::new("tar")
        .args(["--numeric-owner", "--one-file-system", "-C"])
        .arg(rootfs)
        .args(["-cf", "-", "."])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| SweError::command("tar", e.to_string()))?;
    let stdout = child.stdout.take().expect("piped stdout");
    let body = futures::stream::unfold(stdout, |mut out| async move {
        let mut buf = vec![0u8; 1 << 20];
        match out.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(bytes::Bytes::from(buf)), out))
            }
            Err(e) => Some((Err(e), out)),
        }
    });
    let options = CreateImageOptions {
        from_src: Some("-".into()),
        repo: Some(repo.into()),
        tag: Some(version.into()),
        changes: vec![
            "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
            "ENV LANG=C.UTF-8".into(),
            format!("LABEL {LABEL_OWNER}=1 {LABEL_KIND}=base"),
            "CMD [\"/bin/bash\"]".into(),
        ],
        ..Default::default()
    };
    let mut progress =
        docker.create_image(Some(options), Some(bollard::body_try_stream(body)), None);
    while let Some(item) = progress.next().await {
        item.map_err(|e| SweError::ImageBuild {
            image: tag.into(),
            message: e.to_string(),
        })?;
    }
    let output = child
        .wait_with_output()
        .await
        .map_err(|e| SweError::command("tar", e.to_string()))?;
    if !output.status.success() {
        return Err(SweError::command(
            "tar",
            String::from_utf8_lossy(&output.stderr).into_owned(),
        ));
    }
    Ok(())
}

/// Runs a host command to completion, failing with its stderr's tail.
pub(crate) async fn run_host(program: &str, args: &[&str]) -> SweResult<String> {
    let output = tokio::process::Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .await
        .map_err(|e| SweError::command(program, format!("cannot start: {e}")))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: String = stderr
            .lines()
            .rev()
            .take(12)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n");
        return Err(SweError::command(
            format!("{program} {}", args.join(" ")),
            format!("{}: {tail}", output.status),
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn clear_files(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path: PathBuf = entry.path();
            if path.is_file() {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
