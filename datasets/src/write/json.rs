//! JSON Lines and JSON array writers.

use crate::error::Location;
use crate::DatasetError;
use serde::Serialize;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// One compact JSON object per line, each line ending in `\n`.
pub(super) fn write_json_lines<I>(
    path: &Path,
    file: &mut File,
    records: I,
) -> Result<u64, DatasetError>
where
    I: IntoIterator,
    I::Item: Serialize,
{
    let mut out = BufWriter::new(file);
    let mut count = 0;
    for record in records {
        write_one(path, &mut out, count, &record)?;
        out.write_all(b"\n")
            .map_err(|err| DatasetError::io(path, err))?;
        count += 1;
    }
    out.flush().map_err(|err| DatasetError::io(path, err))?;
    Ok(count)
}

/// A JSON array with one compact element per line: `[\n{...},\n{...}\n]\n`, or `[]\n` when empty.
pub(super) fn write_json_array<I>(
    path: &Path,
    file: &mut File,
    records: I,
) -> Result<u64, DatasetError>
where
    I: IntoIterator,
    I::Item: Serialize,
{
    let mut out = BufWriter::new(file);
    let io = |err| DatasetError::io(path, err);
    out.write_all(b"[").map_err(io)?;
    let mut count = 0;
    for record in records {
        out.write_all(if count == 0 { b"\n" } else { b",\n" })
            .map_err(io)?;
        write_one(path, &mut out, count, &record)?;
        count += 1;
    }
    out.write_all(if count == 0 { b"]\n" } else { b"\n]\n" })
        .map_err(io)?;
    out.flush().map_err(io)?;
    Ok(count)
}

fn write_one(
    path: &Path,
    out: &mut impl Write,
    index: u64,
    record: &impl Serialize,
) -> Result<(), DatasetError> {
    serde_json::to_writer(out, record).map_err(|err| {
        if err.is_io() {
            DatasetError::io(path, err.into())
        } else {
            DatasetError::Unwritable {
                path: path.to_owned(),
                location: Some(Location::Record(index)),
                message: err.to_string(),
            }
        }
    })
}
