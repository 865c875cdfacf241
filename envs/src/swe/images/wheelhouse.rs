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
    let mut h = Sha256::new();
    h.update(python.as_bytes());
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
        "--dest",
        &dest,
    ];
    args.extend(packages.iter().map(String::as_str));
    run_host("python3", &args).await?;
    std::fs::write(&done, b"").map_err(|e| SweError::io(&done, e))?;
    Ok(dir)
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
