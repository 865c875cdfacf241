//! Writers: [`write_records`] writes a whole data file through a temporary file in the same directory
//! and renames it into place, so a reader never sees half a file and a failure leaves no file behind.

mod json;
mod parquet;
mod parquet_schema;

use crate::format::DataFormat;
use crate::DatasetError;
use serde::Serialize;
use std::fs::File;
use std::path::Path;
use tempfile::NamedTempFile;

/// Writes `records` to `path` in the format its extension names: `.jsonl` / `.ndjson` (one compact
/// JSON object per line), `.json` (a JSON array, one element per line) or `.parquet` (snappy-compressed,
/// column types inferred from the records). Returns how many records were written.
///
/// Records are streamed for the JSON formats; Parquet holds them all (as JSON values) until the column
/// types are known. Parquet has one type per column, so a field must have the same JSON type in every
/// record (integers and floats mix as floats; null mixes with anything); otherwise the error names the
/// field and the record. A field missing from some records reads back as null from Parquet.
pub fn write_records<I>(path: impl AsRef<Path>, records: I) -> Result<u64, DatasetError>
where
    I: IntoIterator,
    I::Item: Serialize,
{
    let path = path.as_ref();
    let format = DataFormat::from_path(path)?;
    let mut temporary = create_temporary_beside(path)?;
    let count = match format {
        DataFormat::JsonLines => json::write_json_lines(path, temporary.as_file_mut(), records)?,
        DataFormat::JsonArray => json::write_json_array(path, temporary.as_file_mut(), records)?,
        DataFormat::Parquet => parquet::write_parquet(path, temporary.as_file_mut(), records)?,
    };
    finish(path, temporary)?;
    Ok(count)
}

fn create_temporary_beside(path: &Path) -> Result<NamedTempFile, DatasetError> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    tempfile::Builder::new()
        .prefix(".rlvr-write-")
        .tempfile_in(directory)
        .map_err(|err| DatasetError::io(directory, err))
}

/// Flushes the data to disk, gives the file ordinary read permissions (temporary files are created
/// owner-only) and renames it to `path`.
fn finish(path: &Path, temporary: NamedTempFile) -> Result<(), DatasetError> {
    let file: &File = temporary.as_file();
    file.sync_all().map_err(|err| DatasetError::io(path, err))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(|err| DatasetError::io(path, err))?;
    }
    temporary
        .persist(path)
        .map_err(|err| DatasetError::io(path, err.error))?;
    Ok(())
}
