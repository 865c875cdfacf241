//! The host wheelhouse: an environment's pinned test dependencies downloaded with pip on the host
//! (the only place with network), for the interpreter of the image, then copied into the build.
//! Containers never reach a package index.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::swe::error::{SweError, SweResult};
use crate::swe::images::base::{hex, run_host};

/// The cache root: `$RLVR_CACHE/swe/wheels`, else `~/.cache/rlvr/swe/wheels`.
pub fn cache_root() -> PathBuf {
    let base = std::env::var_os("RLVR_CACHE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/rlvr")))
        .unwrap_or_else(|| std::env::temp_dir().join("rlvr-cache"));
    base.join("swe/wheels")
}

/// Downloads binary wheels of `packages` (and their dependencies) for CPython `python` on x86-64
/// Linux into a directory keyed by those inputs, once; returns the directory.
pub async fn ensure(packages: &[String], python: &str) -> SweResult<PathBuf> {
    let host = host_python(python).await;
    let mut h = Sha256::new();
    h.update(python.as_bytes());
    h.update(host.as_bytes());
    for p in packages {
        h.update([0]);
        h.update(p.as_bytes());
    }
    let dir = cache_root().join(format!("py{python}-{}", hex(&h.finalize()[..8])));
    let done = dir.join(".complete");
    if done.exists() || packages.is_empty() {
        std::fs::create_dir_all(&dir).map_err(|e| SweError::io(&dir, e))?;
        return Ok(dir);
    }
    std::fs::create_dir_all(&dir).map_err(|e| SweError::io(&dir, e))?;
    let py_tag = python.replace('.', "");
    let dest = dir.to_string_lossy().into_owned();
    let mut args = vec![
        "-m",
        "pip",
        "download",
        "--disable-pip-version-check",
        "--only-binary=:all:",
        "--implementation",
        "cp",
        "--python-version",
        &py_tag,
        "--platform",
        "manylinux2014_x86_64",
        "--platform",
        "manylinux_2_28_x86_64",
        // Wheels built here from sdists (below) carry this tag; PyPI serves none.
        "--platform",
        "linux_x86_64",
        "--find-links",
        &dest,
        "--dest",
        &dest,
    ];
    args.extend(packages.iter().map(String::as_str));
    let mut built = Vec::new();
    loop {
        let err = match run_host(&host, &args).await {
            Ok(_) => break,
            Err(err) => err,
        };
        // A pin older than the interpreter may have no wheel for it (MarkupSafe 2.1.1 on
        // CPython 3.11): build that one from its sdist with the host's pip, as pip inside
        // SWE-bench's conda env would, then resolve again.
        let Some(missing) = missing_distribution(&err.to_string()) else {
            return Err(err);
        };
        if built.contains(&missing) || built.len() >= MAX_SDIST_BUILDS {
            return Err(err);
        }
        build_from_sdist(&host, &missing, python, &dest).await?;
        built.push(missing);
    }
    std::fs::write(&done, b"").map_err(|e| SweError::io(&done, e))?;
    Ok(dir)
}

/// A host interpreter of the image's `major.minor`, so that pip evaluates dependency markers
/// (`exceptiongroup; python_version < "3.11"`) for the image's Python, which `--python-version`
/// does not do: a pyenv install, else `pythonX.Y` on PATH, else `python3`.
async fn host_python(python: &str) -> String {
    let pyenv = std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pyenv")));
    if let Some(root) = pyenv {
        let mut found: Vec<PathBuf> = std::fs::read_dir(root.join("versions"))
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.strip_prefix(python).is_some_and(|rest| {
                    rest.starts_with('.') && rest[1..].chars().all(|c| c.is_ascii_digit())
                })
            })
            .map(|e| e.path().join("bin").join(format!("python{python}")))
            .filter(|p| p.is_file())
            .collect();
        // The newest patch release (numeric order: 3.9.18 after 3.9.2).
        found.sort_by_key(|p| {
            p.parent()
                .and_then(|b| b.parent())
                .and_then(|v| v.file_name())
                .and_then(|v| v.to_str())
                .and_then(|v| v.rsplit('.').next())
                .and_then(|patch| patch.parse::<u32>().ok())
                .unwrap_or(0)
        });
        if let Some(best) = found.last() {
            return best.to_string_lossy().into_owned();
        }
    }
    let named = format!("python{python}");
    if run_host(&named, &["-c", "import pip"]).await.is_ok() {
        return named;
    }
    "python3".to_owned()
}

/// At most this many pins are built from sdists for one wheelhouse.
const MAX_SDIST_BUILDS: usize = 8;

/// The requirement pip reports it found no distribution for, from its error output.
fn missing_distribution(pip_error: &str) -> Option<String> {
    let marker = "No matching distribution found for ";
    let start = pip_error.rfind(marker)? + marker.len();
    let name = pip_error[start..].split_whitespace().next()?;
    Some(name.to_owned())
}

/// Builds a wheel of `requirement` from its sdist with the host's Python; a wheel with compiled
/// code is only usable where the host's Python is the image's.
async fn build_from_sdist(
    host: &str,
    requirement: &str,
    python: &str,
    dest: &str,
) -> SweResult<()> {
    run_host(
        host,
        &[
            "-m",
            "pip",
            "wheel",
            "--disable-pip-version-check",
            "--no-deps",
            "--no-binary=:all:",
            "--wheel-dir",
            dest,
            requirement,
        ],
    )
    .await
    .map_err(|e| {
        SweError::command(
            format!("building {requirement} from its sdist with {host} for Python {python}"),
            e.to_string(),
        )
    })?;
    Ok(())
}

/// The wheel files of a wheelhouse, sorted, with their content hash (part of image tags).
pub fn wheels(dir: &Path) -> SweResult<Vec<(String, String)>> {
    let mut found = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| SweError::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| SweError::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".whl") {
            let bytes = std::fs::read(entry.path()).map_err(|e| SweError::io(entry.path(), e))?;
            found.push((name, hex(&Sha256::digest(&bytes)[..8])));
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_missing_distribution_is_read_from_pips_error() {
        let err = "pip download ...: exit status: 1: ERROR: Could not find a version that satisfies the requirement MarkupSafe==2.1.1 (from versions: 2.1.2)\nERROR: No matching distribution found for MarkupSafe==2.1.1";
        assert_eq!(
            missing_distribution(err).as_deref(),
            Some("MarkupSafe==2.1.1")
        );
        assert_eq!(missing_distribution("ERROR: network"), None);
    }
}
