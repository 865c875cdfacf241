//! Which file format a path holds, from its extension.

use crate::DatasetError;
use std::path::Path;

/// The data file formats this crate reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataFormat {
    /// One JSON value per line (`.jsonl`, `.ndjson`). A `.json` file that does not start with `[` is
    /// read as JSON Lines too, since that is what `datasets.Dataset.to_json` writes by default.
    JsonLines,
    /// A single JSON array of records (`.json`).
    JsonArray,
    /// Apache Parquet (`.parquet`).
    Parquet,
}

impl DataFormat {
    /// The format a file name asks for when writing; `.json` means a JSON array.
    pub fn from_path(path: &Path) -> Result<Self, DatasetError> {
        let extension = path
            .extension()
            .and_then(|extension| extension.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("jsonl" | "ndjson") => Ok(DataFormat::JsonLines),
            Some("json") => Ok(DataFormat::JsonArray),
            Some("parquet") => Ok(DataFormat::Parquet),
            _ => Err(DatasetError::UnknownFormat {
                path: path.to_owned(),
            }),
        }
    }
}
