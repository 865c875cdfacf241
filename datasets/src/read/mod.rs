//! Streaming readers: [`read_records`] picks the format from the file name and yields one typed record
//! at a time.

mod json_array;
mod json_lines;
mod parquet;
mod parquet_row;

use crate::format::DataFormat;
use crate::DatasetError;
use json_array::JsonArrayReader;
use json_lines::JsonLinesReader;
use parquet::ParquetReader;
use serde::de::DeserializeOwned;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// The records of one data file, decoded lazily, in file order.
///
/// A record that fails to decode yields an `Err` naming the file, where the record is and which field
/// is at fault; the records after it still follow, unless the file's structure itself is broken (an
/// unclosed JSON array, a corrupt Parquet page, an I/O error), in which case the error is the last item.
pub struct Records<T> {
    source: Source<T>,
}

enum Source<T> {
    JsonLines(JsonLinesReader<BufReader<File>, T>),
    JsonArray(JsonArrayReader<BufReader<File>, T>),
    Parquet(ParquetReader<T>),
}

impl<T: DeserializeOwned> Iterator for Records<T> {
    type Item = Result<T, DatasetError>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.source {
            Source::JsonLines(reader) => reader.next(),
            Source::JsonArray(reader) => reader.next(),
            Source::Parquet(reader) => reader.next(),
        }
    }
}

/// Opens a data file and streams its records as `T`.
///
/// The format comes from the extension: `.jsonl` / `.ndjson` (JSON Lines), `.json` (a JSON array, or
/// JSON Lines when the first non-blank character is not `[`), `.parquet`. Opening fails only when the
/// file cannot be opened, its name says no known format, or (Parquet) its footer is unreadable.
///
/// ```no_run
/// use rlvr_datasets::{read_records, SweInstance};
///
/// for instance in read_records::<SweInstance>("swe-bench-lite.parquet")? {
///     let instance = instance?;
///     println!("{} has {} FAIL_TO_PASS tests", instance.instance_id, instance.fail_to_pass.len());
/// }
/// # Ok::<(), rlvr_datasets::DatasetError>(())
/// ```
pub fn read_records<T: DeserializeOwned>(
    path: impl AsRef<Path>,
) -> Result<Records<T>, DatasetError> {
    let path = path.as_ref();
    let source = match DataFormat::from_path(path)? {
        DataFormat::JsonLines => {
            Source::JsonLines(JsonLinesReader::new(path.to_owned(), open_buffered(path)?))
        }
        DataFormat::JsonArray => {
            let is_array = starts_with_array(&mut open_buffered(path)?)
                .map_err(|err| DatasetError::io(path, err))?;
            let file = open_buffered(path)?;
            if is_array {
                Source::JsonArray(JsonArrayReader::new(path.to_owned(), file))
            } else {
                Source::JsonLines(JsonLinesReader::new(path.to_owned(), file))
            }
        }
        DataFormat::Parquet => Source::Parquet(ParquetReader::open(path)?),
    };
    Ok(Records { source })
}

/// Reads a whole data file into memory, stopping at the first bad record.
pub fn read_all<T: DeserializeOwned>(path: impl AsRef<Path>) -> Result<Vec<T>, DatasetError> {
    read_records(path)?.collect()
}

fn open_buffered(path: &Path) -> Result<BufReader<File>, DatasetError> {
    File::open(path)
        .map(BufReader::new)
        .map_err(|err| DatasetError::io(path, err))
}

/// Whether the first character that is not whitespace (or a byte-order mark) is `[`. Reads from a
/// handle of its own, so that the reader proper counts lines from the start of the file.
fn starts_with_array(reader: &mut impl BufRead) -> std::io::Result<bool> {
    loop {
        let buffer = reader.fill_buf()?;
        let Some(&first) = buffer.first() else {
            return Ok(false);
        };
        if first.is_ascii_whitespace() {
            reader.consume(1);
            continue;
        }
        if buffer.starts_with(b"\xEF\xBB\xBF") {
            reader.consume(3);
            continue;
        }
        return Ok(first == b'[');
    }
}
