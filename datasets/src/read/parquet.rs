//! Parquet, read one batch of rows at a time through arrow, each row turned into a JSON object and
//! then deserialized like a JSON record.
//!
//! Going through JSON keeps one decoding path (and one set of error messages) for every format, and
//! arrow's JSON encoder already maps every Parquet type to JSON: lists to arrays, structs to objects,
//! timestamps to ISO 8601 strings, binary to hex.

use crate::decode::{record_from_slice, Origin};
use crate::error::Location;
use crate::DatasetError;
use arrow_json::writer::LineDelimited;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use serde::de::DeserializeOwned;
use std::fs::File;
use std::marker::PhantomData;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// Rows decoded per batch: bounds memory to one batch of records, whatever the row-group size.
const BATCH_ROWS: usize = 1024;

/// Yields the rows of a Parquet file lazily. A row that does not fit `T` gives an error and reading
/// goes on; a batch that cannot be decoded gives an error and ends the stream.
pub(crate) struct ParquetReader<T> {
    path: PathBuf,
    batches: Option<ParquetRecordBatchReader>,
    /// JSON Lines text of the current batch, and how far into it we are.
    batch_json: Vec<u8>,
    cursor: usize,
    next_row: u64,
    record_type: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> ParquetReader<T> {
    /// Opens the file and reads its footer; a truncated or non-Parquet file fails here.
    pub(crate) fn open(path: &Path) -> Result<Self, DatasetError> {
        let file = File::open(path).map_err(|err| DatasetError::io(path, err))?;
        let batches = guard(path, None, || {
            ParquetRecordBatchReaderBuilder::try_new(file)?
                .with_batch_size(BATCH_ROWS)
                .build()
        })?;
        Ok(ParquetReader {
            path: path.to_owned(),
            batches: Some(batches),
            batch_json: Vec::new(),
            cursor: 0,
            next_row: 0,
            record_type: PhantomData,
        })
    }

    /// Decodes the next batch into `batch_json`; `Ok(false)` at the end of the file.
    fn load_next_batch(&mut self) -> Result<bool, DatasetError> {
        let Some(batches) = self.batches.as_mut() else {
            return Ok(false);
        };
        let first_row = Some(Location::Row(self.next_row));
        let json = guard(
            &self.path,
            first_row,
            || -> Result<Option<Vec<u8>>, Box<dyn std::error::Error>> {
                let Some(batch) = batches.next().transpose()? else {
                    return Ok(None);
                };
                // Explicit nulls, so that a null cell reads as JSON null, as in the original records.
                let mut writer = arrow_json::WriterBuilder::new()
                    .with_explicit_nulls(true)
                    .build::<_, LineDelimited>(Vec::new());
                writer.write(&batch)?;
                writer.finish()?;
                Ok(Some(writer.into_inner()))
            },
        );
        match json {
            Ok(Some(json)) => {
                self.batch_json = json;
                self.cursor = 0;
                Ok(true)
            }
            Ok(None) => {
                self.batches = None;
                Ok(false)
            }
            Err(err) => {
                self.batches = None;
                Err(err)
            }
        }
    }
}

impl<T: DeserializeOwned> Iterator for ParquetReader<T> {
    type Item = Result<T, DatasetError>;

    fn next(&mut self) -> Option<Self::Item> {
        while self.cursor >= self.batch_json.len() {
            match self.load_next_batch() {
                Ok(true) => {}
                Ok(false) => return None,
                Err(err) => return Some(Err(err)),
            }
        }
        // The encoder escapes newlines inside strings, so each line is exactly one row.
        let rest = &self.batch_json[self.cursor..];
        let line_len = rest
            .iter()
            .position(|&byte| byte == b'\n')
            .unwrap_or(rest.len());
        let row = &rest[..line_len];
        self.cursor += line_len + 1;
        let origin = Origin::Row(self.next_row);
        self.next_row += 1;
        Some(record_from_slice(&self.path, origin, row))
    }
}

/// Runs a step of the Parquet decoder, turning its error (or a panic, which the decoder has been
/// known to raise on corrupt input) into an [`DatasetError::InvalidParquet`] naming the file.
fn guard<V, E: std::fmt::Display>(
    path: &Path,
    location: Option<Location>,
    step: impl FnOnce() -> Result<V, E>,
) -> Result<V, DatasetError> {
    let invalid = |message: String| DatasetError::InvalidParquet {
        path: path.to_owned(),
        location,
        message,
    };
    match catch_unwind(AssertUnwindSafe(step)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(invalid(err.to_string())),
        Err(panic) => {
            let reason = panic
                .downcast_ref::<&str>()
                .map(|reason| reason.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown reason".to_owned());
            Err(invalid(format!(
                "the decoder failed on corrupt data ({reason})"
            )))
        }
    }
}
