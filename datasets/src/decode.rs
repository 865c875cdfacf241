//! Turning one record's JSON into a typed value, with the failing field's path in the error.

use crate::error::{DatasetError, Location};
use serde::de::DeserializeOwned;
use std::path::Path;

/// Where a record's bytes sit in its file, used to turn a position reported by serde_json
/// (relative to the record's own text) into a position in the file.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Origin {
    /// The record is line `line` of a JSON Lines file.
    Line(u64),
    /// The record is array element `index`, starting at `line`, `column` of the file.
    Element { index: u64, line: u64, column: u64 },
    /// The record is row `row` of a Parquet file (no text position).
    Row(u64),
    /// The record is the `index`-th entry of a keyed JSON object (no text position).
    Record(u64),
}

impl Origin {
    /// The file location of an error that serde_json reported at `line`/`column` of the record's text
    /// (both 0 when it knows no position).
    fn locate(self, err_line: usize, err_column: usize) -> Location {
        let known = err_line > 0;
        match self {
            Origin::Line(line) => Location::Line {
                line,
                column: known.then_some(err_column as u64),
            },
            Origin::Element {
                index,
                line,
                column,
            } => {
                let (line, column) = match (known, err_line) {
                    (false, _) => (line, column),
                    (true, 1) => (line, column + err_column as u64 - 1),
                    (true, later) => (line + later as u64 - 1, err_column as u64),
                };
                Location::Element {
                    index,
                    line,
                    column,
                }
            }
            Origin::Row(row) => Location::Row(row),
            Origin::Record(index) => Location::Record(index),
        }
    }
}

/// Deserializes one record from its JSON text.
pub(crate) fn record_from_slice<T: DeserializeOwned>(
    path: &Path,
    origin: Origin,
    text: &[u8],
) -> Result<T, DatasetError> {
    let mut deserializer = serde_json::Deserializer::from_slice(text);
    let record = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|err| field_error(path, origin, err))?;
    deserializer
        .end()
        .map_err(|err| json_error(path, origin, None, err))?;
    Ok(record)
}

fn field_error(
    path: &Path,
    origin: Origin,
    err: serde_path_to_error::Error<serde_json::Error>,
) -> DatasetError {
    let field = err.path().to_string();
    let field = (field != ".").then_some(field);
    json_error(path, origin, field, err.into_inner())
}

/// Classifies a serde_json error: bad syntax is [`DatasetError::InvalidJson`], a shape that does not
/// fit the record type is [`DatasetError::InvalidRecord`].
fn json_error(
    path: &Path,
    origin: Origin,
    field: Option<String>,
    err: serde_json::Error,
) -> DatasetError {
    let location = origin.locate(err.line(), err.column());
    let message = message_without_position(&err);
    match err.classify() {
        serde_json::error::Category::Data => DatasetError::InvalidRecord {
            path: path.to_owned(),
            location,
            field,
            message,
        },
        _ => DatasetError::InvalidJson {
            path: path.to_owned(),
            location,
            message: match field {
                Some(field) => format!("{message} (in field `{field}`)"),
                None => message,
            },
        },
    }
}

/// serde_json appends " at line L column C" relative to the record's text; the location we report
/// is relative to the file instead, so drop it.
fn message_without_position(err: &serde_json::Error) -> String {
    let message = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    match message.strip_suffix(&suffix) {
        Some(stripped) => stripped.to_owned(),
        None => message,
    }
}

/// Deserializes one record from a JSON value (a Parquet row).
pub(crate) fn record_from_value<T: DeserializeOwned>(
    path: &Path,
    origin: Origin,
    value: serde_json::Value,
) -> Result<T, DatasetError> {
    serde_path_to_error::deserialize(value).map_err(|err| field_error(path, origin, err))
}
