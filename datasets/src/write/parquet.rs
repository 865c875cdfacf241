//! Parquet writer: records become JSON values, their column types are inferred, and arrow's JSON
//! decoder turns them into record batches for the Parquet writer.

use super::parquet_schema::SchemaInference;
use crate::error::Location;
use crate::DatasetError;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use serde::Serialize;
use serde_json::Value;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

/// Rows per row group (and per batch handed to the encoder). Small groups keep a reader's memory low.
const ROW_GROUP_ROWS: usize = 1024;

pub(super) fn write_parquet<I>(
    path: &Path,
    file: &mut File,
    records: I,
) -> Result<u64, DatasetError>
where
    I: IntoIterator,
    I::Item: Serialize,
{
    let unwritable = |location: Option<Location>, message: String| DatasetError::Unwritable {
        path: path.to_owned(),
        location,
        message,
    };

    let mut rows = Vec::new();
    let mut inference = SchemaInference::default();
    for (index, record) in records.into_iter().enumerate() {
        let location = Some(Location::Record(index as u64));
        let value =
            serde_json::to_value(&record).map_err(|err| unwritable(location, err.to_string()))?;
        let Value::Object(row) = value else {
            return Err(unwritable(
                location,
                "a Parquet row must be a JSON object".to_owned(),
            ));
        };
        inference.add(&row).map_err(|conflict| {
            unwritable(
                location,
                format!("field `{}` {}", conflict.field, conflict.message),
            )
        })?;
        rows.push(Value::Object(row));
    }
    let schema = Arc::new(inference.finish().map_err(|conflict| {
        unwritable(
            None,
            format!("field `{}` {}", conflict.field, conflict.message),
        )
    })?);

    let properties = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .build();
    let mut out = BufWriter::new(file);
    let mut writer = ArrowWriter::try_new(&mut out, schema.clone(), Some(properties))
        .map_err(|err| unwritable(None, err.to_string()))?;
    // Strict: a field outside the schema is an error, never silently dropped.
    let mut decoder = arrow_json::ReaderBuilder::new(schema)
        .with_batch_size(ROW_GROUP_ROWS)
        .with_strict_mode(true)
        .build_decoder()
        .map_err(|err| unwritable(None, err.to_string()))?;
    for (chunk_index, chunk) in rows.chunks(ROW_GROUP_ROWS).enumerate() {
        let first_row = Some(Location::Record((chunk_index * ROW_GROUP_ROWS) as u64));
        decoder
            .serialize(chunk)
            .map_err(|err| unwritable(first_row, err.to_string()))?;
        if let Some(batch) = decoder
            .flush()
            .map_err(|err| unwritable(first_row, err.to_string()))?
        {
            writer
                .write(&batch)
                .map_err(|err| unwritable(first_row, err.to_string()))?;
        }
    }
    writer
        .close()
        .map_err(|err| unwritable(None, err.to_string()))?;
    out.flush().map_err(|err| DatasetError::io(path, err))?;
    Ok(rows.len() as u64)
}
