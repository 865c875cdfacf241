//! Parquet, read row group by row group through parquet's row API; each row becomes a JSON object
//! (see [`super::parquet_row`]) and is then deserialized like a JSON record, so every format shares
//! one decoding path and one set of errors.

use super::parquet_row::row_to_json;
use crate::decode::{record_from_value, Origin};
use crate::error::Location;
use crate::DatasetError;
use parquet::file::reader::SerializedFileReader;
use parquet::record::reader::RowIter;
use serde::de::DeserializeOwned;
use std::fs::File;
use std::marker::PhantomData;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// Yields the rows of a Parquet file lazily; the decoder holds one row group's pages at a time.
/// A row that does not fit `T` gives an error and reading goes on; a row group that cannot be
/// decoded gives an error and ends the stream.
pub(crate) struct ParquetReader<T> {
    path: PathBuf,
    rows: Option<RowIter<'static>>,
    next_row: u64,
    record_type: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> ParquetReader<T> {
    /// Opens the file and reads its footer; a truncated or non-Parquet file fails here.
    pub(crate) fn open(path: &Path) -> Result<Self, DatasetError> {
        let file = File::open(path).map_err(|err| DatasetError::io(path, err))?;
        let rows = guard(path, None, || {
            SerializedFileReader::new(file).map(|reader| RowIter::from_file_into(Box::new(reader)))
        })?;
        Ok(ParquetReader {
            path: path.to_owned(),
            rows: Some(rows),
            next_row: 0,
            record_type: PhantomData,
        })
    }
}

impl<T: DeserializeOwned> Iterator for ParquetReader<T> {
    type Item = Result<T, DatasetError>;

    fn next(&mut self) -> Option<Self::Item> {
        let rows = self.rows.as_mut()?;
        let row_number = self.next_row;
        let row = guard(&self.path, Some(Location::Row(row_number)), || {
            rows.next()
                .transpose()
                .map(|row| row.as_ref().map(row_to_json))
        });
        match row {
            Ok(Some(row)) => {
                self.next_row += 1;
                let origin = Origin::Row(row_number);
                Some(record_from_value(&self.path, origin, row))
            }
            Ok(None) => {
                self.rows = None;
                None
            }
            Err(err) => {
                self.rows = None;
                Some(Err(err))
            }
        }
    }
}

/// Runs a step of the Parquet decoder, turning its error (or a panic, which the decoder can raise on
/// corrupt input, for example on an unreadable row group) into [`DatasetError::InvalidParquet`].
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
