//! Parquet writer: records become JSON objects, their column types are inferred, and the values are
//! laid into arrow arrays for parquet's `ArrowWriter`, one row group per batch.

use super::parquet_schema::SchemaInference;
use crate::error::Location;
use crate::DatasetError;
use arrow_array::{
    ArrayRef, BooleanArray, Float64Array, Int64Array, ListArray, NullArray, RecordBatch,
    StringArray, StructArray,
};
use arrow_buffer::{NullBuffer, OffsetBuffer};
use arrow_schema::{ArrowError, DataType, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use serde::Serialize;
use serde_json::{Map, Value};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

/// Rows per row group. Small groups keep a reader's memory low.
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
        rows.push(row);
    }
    let schema: SchemaRef = Arc::new(inference.finish().map_err(|conflict| {
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
    for (chunk_index, chunk) in rows.chunks(ROW_GROUP_ROWS).enumerate() {
        let first_row = Some(Location::Record((chunk_index * ROW_GROUP_ROWS) as u64));
        let batch =
            record_batch(&schema, chunk).map_err(|err| unwritable(first_row, err.to_string()))?;
        writer
            .write(&batch)
            .map_err(|err| unwritable(first_row, err.to_string()))?;
    }
    writer
        .close()
        .map_err(|err| unwritable(None, err.to_string()))?;
    out.flush().map_err(|err| DatasetError::io(path, err))?;
    Ok(rows.len() as u64)
}

fn record_batch(
    schema: &SchemaRef,
    rows: &[Map<String, Value>],
) -> Result<RecordBatch, ArrowError> {
    let columns = schema
        .fields()
        .iter()
        .map(|field| {
            let values: Vec<Option<&Value>> =
                rows.iter().map(|row| row.get(field.name())).collect();
            column_array(field.data_type(), &values)
        })
        .collect::<Result<Vec<_>, _>>()?;
    RecordBatch::try_new(schema.clone(), columns)
}

/// Lays `values` (`None` or JSON null for a missing value) into an arrow array of `data_type`. The
/// schema was inferred from these very values, so each value either fits or is null.
fn column_array(data_type: &DataType, values: &[Option<&Value>]) -> Result<ArrayRef, ArrowError> {
    Ok(match data_type {
        DataType::Null => Arc::new(NullArray::new(values.len())),
        DataType::Boolean => Arc::new(BooleanArray::from(
            values
                .iter()
                .map(|value| value.and_then(Value::as_bool))
                .collect::<Vec<_>>(),
        )),
        DataType::Int64 => Arc::new(Int64Array::from(
            values
                .iter()
                .map(|value| value.and_then(Value::as_i64))
                .collect::<Vec<_>>(),
        )),
        DataType::Float64 => Arc::new(Float64Array::from(
            values
                .iter()
                .map(|value| value.and_then(Value::as_f64))
                .collect::<Vec<_>>(),
        )),
        DataType::Utf8 => Arc::new(StringArray::from(
            values
                .iter()
                .map(|value| value.and_then(Value::as_str))
                .collect::<Vec<_>>(),
        )),
        DataType::List(item_field) => {
            let mut lengths = Vec::with_capacity(values.len());
            let mut valid = Vec::with_capacity(values.len());
            let mut items = Vec::new();
            for value in values {
                let list = value.and_then(Value::as_array);
                lengths.push(list.map_or(0, Vec::len));
                valid.push(list.is_some());
                items.extend(list.into_iter().flatten().map(Some));
            }
            let item_array = column_array(item_field.data_type(), &items)?;
            Arc::new(ListArray::try_new(
                item_field.clone(),
                OffsetBuffer::from_lengths(lengths),
                item_array,
                Some(NullBuffer::from(valid)),
            )?)
        }
        DataType::Struct(fields) => {
            let objects: Vec<Option<&Map<String, Value>>> = values
                .iter()
                .map(|value| value.and_then(Value::as_object))
                .collect();
            let children = fields
                .iter()
                .map(|field| {
                    let child_values: Vec<Option<&Value>> = objects
                        .iter()
                        .map(|object| object.and_then(|map| map.get(field.name())))
                        .collect();
                    column_array(field.data_type(), &child_values)
                })
                .collect::<Result<Vec<_>, _>>()?;
            let valid = NullBuffer::from(objects.iter().map(Option::is_some).collect::<Vec<_>>());
            Arc::new(StructArray::try_new(fields.clone(), children, Some(valid))?)
        }
        other => {
            return Err(ArrowError::NotYetImplemented(format!(
                "no JSON mapping for column type {other}"
            )))
        }
    })
}
