//! A Parquet row as JSON, the shape `datasets` gives the same row in Python.
//!
//! parquet's own `to_json_value` sits behind its `json` feature; this mapping is short, and keeping
//! it here spares a rebuild of the parquet crate with another feature.

use parquet::record::{Field, Row};
use serde_json::{Map, Number, Value};

/// The row as a JSON object, columns in file order.
pub(super) fn row_to_json(row: &Row) -> Value {
    Value::Object(
        row.get_column_iter()
            .map(|(name, field)| (name.clone(), field_to_json(field)))
            .collect(),
    )
}

fn float(value: f64) -> Value {
    // JSON has no NaN or infinity; they read as null.
    Number::from_f64(value).map_or(Value::Null, Value::Number)
}

/// Lists become arrays and groups objects; dates, times, timestamps (UTC) and decimals become their
/// text; binary becomes an array of byte values.
fn field_to_json(field: &Field) -> Value {
    match field {
        Field::Null => Value::Null,
        Field::Bool(value) => Value::Bool(*value),
        Field::Byte(value) => Value::from(*value),
        Field::Short(value) => Value::from(*value),
        Field::Int(value) => Value::from(*value),
        Field::Long(value) => Value::from(*value),
        Field::UByte(value) => Value::from(*value),
        Field::UShort(value) => Value::from(*value),
        Field::UInt(value) => Value::from(*value),
        Field::ULong(value) => Value::from(*value),
        Field::Float16(value) => float(f64::from(*value)),
        Field::Float(value) => float(f64::from(*value)),
        Field::Double(value) => float(*value),
        Field::Str(text) => Value::String(text.clone()),
        Field::Bytes(bytes) => {
            Value::Array(bytes.data().iter().map(|byte| Value::from(*byte)).collect())
        }
        Field::Decimal(_)
        | Field::Date(_)
        | Field::TimeMillis(_)
        | Field::TimeMicros(_)
        | Field::TimestampMillis(_)
        | Field::TimestampMicros(_) => Value::String(field.to_string()),
        Field::Group(group) => row_to_json(group),
        Field::ListInternal(list) => {
            Value::Array(list.elements().iter().map(field_to_json).collect())
        }
        Field::MapInternal(map) => Value::Object(
            map.entries()
                .iter()
                .map(|(key, value)| (map_key(key), field_to_json(value)))
                .collect::<Map<_, _>>(),
        ),
    }
}

/// JSON object keys are strings: a string key as it is, any other key as its text.
fn map_key(key: &Field) -> String {
    match key {
        Field::Str(text) => text.clone(),
        other => other.to_string(),
    }
}
