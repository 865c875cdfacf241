//! Column types for a Parquet file, inferred from the records' JSON.
//!
//! arrow-json has an inference of its own, but it orders columns by hash (so the bytes written would
//! change from run to run) and silently turns conflicting fields into strings. This one keeps fields in
//! the order they are first seen and refuses a conflict, naming the field.

use arrow_schema::{DataType, Field, Fields, Schema};
use serde_json::{Map, Value};

/// The type of one column (or nested field), as far as the records seen so far tell.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum ColumnType {
    /// Only nulls (or nothing) so far.
    Null,
    Bool,
    Int,
    Float,
    Text,
    List(Box<ColumnType>),
    /// Fields in first-seen order.
    Object(Vec<(String, ColumnType)>),
}

/// A field whose JSON type differs between records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TypeConflict {
    /// Path to the field, like `metadata.grid[]`.
    pub(super) field: String,
    pub(super) message: String,
}

impl ColumnType {
    fn name(&self) -> &'static str {
        match self {
            ColumnType::Null => "null",
            ColumnType::Bool => "a boolean",
            ColumnType::Int => "an integer",
            ColumnType::Float => "a float",
            ColumnType::Text => "a string",
            ColumnType::List(_) => "a list",
            ColumnType::Object(_) => "an object",
        }
    }

    /// Widens this type so it also holds `value`.
    fn merge(&mut self, value: &Value, field: &str) -> Result<(), TypeConflict> {
        let conflict = |existing: &ColumnType, found: &str| TypeConflict {
            field: field.to_owned(),
            message: format!(
                "is {} here but {} in an earlier record",
                found,
                existing.name()
            ),
        };
        match (&mut *self, value) {
            (_, Value::Null) => {}
            (ColumnType::Null, _) => {
                *self = ColumnType::from_value(value, field)?;
            }
            (ColumnType::Bool, Value::Bool(_)) | (ColumnType::Text, Value::String(_)) => {}
            (ColumnType::Int | ColumnType::Float, Value::Number(number)) => {
                check_number(number, field)?;
                if !number.is_i64() {
                    *self = ColumnType::Float;
                }
            }
            (ColumnType::List(element), Value::Array(items)) => {
                let element_field = format!("{field}[]");
                for item in items {
                    element.merge(item, &element_field)?;
                }
            }
            (ColumnType::Object(fields), Value::Object(map)) => {
                merge_object(fields, map, Some(field))?
            }
            (existing, found) => {
                return Err(conflict(
                    existing,
                    ColumnType::from_value(found, field)?.name(),
                ))
            }
        }
        Ok(())
    }

    fn from_value(value: &Value, field: &str) -> Result<ColumnType, TypeConflict> {
        let mut column = match value {
            Value::Null => return Ok(ColumnType::Null),
            Value::Bool(_) => return Ok(ColumnType::Bool),
            Value::Number(number) => {
                check_number(number, field)?;
                return Ok(if number.is_i64() {
                    ColumnType::Int
                } else {
                    ColumnType::Float
                });
            }
            Value::String(_) => return Ok(ColumnType::Text),
            Value::Array(_) => ColumnType::List(Box::new(ColumnType::Null)),
            Value::Object(_) => ColumnType::Object(Vec::new()),
        };
        column.merge(value, field)?;
        Ok(column)
    }

    fn to_arrow(&self, field: &str) -> Result<DataType, TypeConflict> {
        Ok(match self {
            ColumnType::Null => DataType::Null,
            ColumnType::Bool => DataType::Boolean,
            ColumnType::Int => DataType::Int64,
            ColumnType::Float => DataType::Float64,
            ColumnType::Text => DataType::Utf8,
            ColumnType::List(element) => {
                DataType::List(Field::new("item", element.to_arrow(&format!("{field}[]"))?, true).into())
            }
            ColumnType::Object(fields) if fields.is_empty() => {
                return Err(TypeConflict {
                    field: field.to_owned(),
                    message: "is an empty object in every record, and Parquet cannot store a struct without fields"
                        .to_owned(),
                })
            }
            ColumnType::Object(fields) => DataType::Struct(arrow_fields(fields, Some(field))?),
        })
    }
}

/// Integers beyond the signed 64-bit range have no Parquet column type here.
fn check_number(number: &serde_json::Number, field: &str) -> Result<(), TypeConflict> {
    if number.is_u64() && !number.is_i64() {
        return Err(TypeConflict {
            field: field.to_owned(),
            message: format!("holds {number}, beyond the range of a signed 64-bit integer"),
        });
    }
    Ok(())
}

fn child_path(parent: Option<&str>, name: &str) -> String {
    match parent {
        Some(parent) => format!("{parent}.{name}"),
        None => name.to_owned(),
    }
}

fn merge_object(
    fields: &mut Vec<(String, ColumnType)>,
    map: &Map<String, Value>,
    parent: Option<&str>,
) -> Result<(), TypeConflict> {
    for (name, value) in map {
        let path = child_path(parent, name);
        match fields.iter_mut().find(|(existing, _)| existing == name) {
            Some((_, column)) => column.merge(value, &path)?,
            None => fields.push((name.clone(), ColumnType::from_value(value, &path)?)),
        }
    }
    Ok(())
}

fn arrow_fields(
    fields: &[(String, ColumnType)],
    parent: Option<&str>,
) -> Result<Fields, TypeConflict> {
    fields
        .iter()
        .map(|(name, column)| {
            Ok(Field::new(
                name,
                column.to_arrow(&child_path(parent, name))?,
                true,
            ))
        })
        .collect()
}

/// Accumulates the top-level columns over all records.
#[derive(Debug, Default)]
pub(super) struct SchemaInference {
    columns: Vec<(String, ColumnType)>,
}

impl SchemaInference {
    /// Widens the schema with one record, which must be a JSON object.
    pub(super) fn add(&mut self, record: &Map<String, Value>) -> Result<(), TypeConflict> {
        merge_object(&mut self.columns, record, None)
    }

    /// The arrow schema: columns in first-seen order, every column nullable.
    pub(super) fn finish(&self) -> Result<Schema, TypeConflict> {
        Ok(Schema::new(arrow_fields(&self.columns, None)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn infer(records: &[Value]) -> Result<Schema, TypeConflict> {
        let mut inference = SchemaInference::default();
        for record in records {
            inference.add(record.as_object().expect("test records are objects"))?;
        }
        inference.finish()
    }

    #[test]
    fn keeps_first_seen_order_and_widens_nulls_and_numbers() {
        let schema = infer(&[
            json!({"b": null, "a": 1, "c": [1]}),
            json!({"a": 2.5, "b": "x", "d": {"k": true}}),
        ])
        .expect("compatible records");
        let names: Vec<_> = schema
            .fields()
            .iter()
            .map(|field| field.name().as_str())
            .collect();
        assert_eq!(names, ["b", "a", "c", "d"]);
        assert_eq!(schema.field(0).data_type(), &DataType::Utf8);
        assert_eq!(schema.field(1).data_type(), &DataType::Float64);
        assert!(
            matches!(schema.field(2).data_type(), DataType::List(item) if item.data_type() == &DataType::Int64)
        );
        assert!(
            matches!(schema.field(3).data_type(), DataType::Struct(fields) if fields.len() == 1)
        );
    }

    #[test]
    fn refuses_a_field_that_changes_type_and_names_it() {
        let err = infer(&[
            json!({"meta": {"answer": "x"}}),
            json!({"meta": {"answer": ["x"]}}),
        ])
        .unwrap_err();
        assert_eq!(err.field, "meta.answer");
        assert!(
            err.message.contains("a list here but a string"),
            "{}",
            err.message
        );
    }

    #[test]
    fn refuses_an_always_empty_object() {
        let err = infer(&[json!({"metadata": {}})]).unwrap_err();
        assert_eq!(err.field, "metadata");
    }
}
