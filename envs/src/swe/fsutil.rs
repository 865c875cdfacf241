//! Small file helpers: atomic writes (temp file in the same directory, then rename).

use std::io::Write;
use std::path::Path;

use crate::swe::error::{SweError, SweResult};

/// Writes `bytes` to `path` through a temporary file renamed into place, so readers never see a
/// half-written file (a report that exists is a complete report).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> SweResult<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|e| SweError::io(dir, e))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| SweError::io(dir, e))?;
    tmp.write_all(bytes).map_err(|e| SweError::io(path, e))?;
    tmp.persist(path).map_err(|e| SweError::io(path, e.error))?;
    Ok(())
}
