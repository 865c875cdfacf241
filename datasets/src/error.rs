//! The one error type of this crate: every variant names the file and, where there is one, the
//! record's place in it and the field at fault.

use std::fmt;
use std::path::PathBuf;

/// Where in a data file a record sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// A line of a JSON Lines file (1-based), with the column (1-based, in bytes) when known.
    Line { line: u64, column: Option<u64> },
    /// An element of a JSON array (0-based index), with the line and column (1-based) where the
    /// problem is.
    Element { index: u64, line: u64, column: u64 },
    /// A row of a Parquet file (0-based).
    Row(u64),
    /// A record handed to a writer, or an entry of a JSON object keyed by id (0-based).
    Record(u64),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line {
                line,
                column: Some(column),
            } => write!(f, "line {line}, column {column}"),
            Location::Line { line, column: None } => write!(f, "line {line}"),
            Location::Element {
                index,
                line,
                column,
            } => {
                write!(f, "element {index} (line {line}, column {column})")
            }
            Location::Row(row) => write!(f, "row {row}"),
            Location::Record(index) => write!(f, "record {index}"),
        }
    }
}

/// Everything that can go wrong reading or writing a data file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DatasetError {
    /// The file could not be opened, read, written or renamed.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file name does not say which format the file is in.
    #[error("{}: unknown data file format: expected a .jsonl, .ndjson, .json or .parquet file", path.display())]
    UnknownFormat { path: PathBuf },
    /// The text is not well-formed JSON (or not a well-formed JSON array).
    #[error("{}: {location}: invalid JSON: {message}", path.display())]
    InvalidJson {
        path: PathBuf,
        location: Location,
        message: String,
    },
    /// Well-formed JSON that does not fit the record type: a missing field, a wrong type, ...
    #[error("{}: {location}: {}{message}", path.display(), describe_field(field))]
    InvalidRecord {
        path: PathBuf,
        location: Location,
        /// The path to the offending field, like `FAIL_TO_PASS` or `public_tests.input[2]`;
        /// `None` when the record as a whole is at fault.
        field: Option<String>,
        message: String,
    },
    /// The Parquet file is damaged or uses something this reader cannot decode.
    #[error("{}: {}invalid Parquet: {message}", path.display(), describe_location(location))]
    InvalidParquet {
        path: PathBuf,
        /// The first row of the batch that failed; `None` when the file's footer or schema is at fault.
        location: Option<Location>,
        message: String,
    },
    /// A record could not be written in the file's format.
    #[error("{}: {}cannot write: {message}", path.display(), describe_location(location))]
    Unwritable {
        path: PathBuf,
        location: Option<Location>,
        message: String,
    },
}

fn describe_field(field: &Option<String>) -> String {
    field
        .as_ref()
        .map(|field| format!("field `{field}`: "))
        .unwrap_or_default()
}

fn describe_location(location: &Option<Location>) -> String {
    location
        .map(|location| format!("{location}: "))
        .unwrap_or_default()
}

impl DatasetError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        DatasetError::Io {
            path: path.into(),
            source,
        }
    }
}
