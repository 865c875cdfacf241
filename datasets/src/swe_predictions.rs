//! Reading SWE-bench predictions files in every shape the harness accepts.

use crate::decode::{record_from_value, Origin};
use crate::{read_records, DatasetError, SwePrediction};
use std::path::Path;

/// Reads a predictions file as the SWE-bench harness does: JSON Lines, a JSON array, Parquet, or a
/// `.json` object keyed by instance id (SWE-agent's `preds.json`), whose entries may leave out
/// `instance_id`, taking it from the key. Stops at the first bad prediction.
pub fn read_swe_predictions(path: impl AsRef<Path>) -> Result<Vec<SwePrediction>, DatasetError> {
    let path = path.as_ref();
    if let Some(keyed) = read_keyed_object(path)? {
        return Ok(keyed);
    }
    read_records(path)?.collect()
}

/// `Some` when the file is a `.json` whose single value is an object of objects keyed by instance id.
fn read_keyed_object(path: &Path) -> Result<Option<Vec<SwePrediction>>, DatasetError> {
    let is_json = path
        .extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("json"));
    if !is_json {
        return Ok(None);
    }
    let text = std::fs::read(path).map_err(|err| DatasetError::io(path, err))?;
    // JSON Lines and arrays are left to `read_records`, which reports their errors by line or element.
    let Ok(serde_json::Value::Object(by_id)) = serde_json::from_slice::<serde_json::Value>(&text)
    else {
        return Ok(None);
    };
    if !by_id.values().all(serde_json::Value::is_object) {
        return Ok(None);
    }
    by_id
        .into_iter()
        .enumerate()
        .map(|(index, (instance_id, mut entry))| {
            if let Some(entry) = entry.as_object_mut() {
                entry
                    .entry("instance_id")
                    .or_insert_with(|| serde_json::Value::String(instance_id.clone()));
            }
            // Name the entry by its key, which says more than its position.
            record_from_value(path, Origin::Record(index as u64), entry).map_err(|err| match err {
                DatasetError::InvalidRecord {
                    path,
                    location,
                    field,
                    message,
                } => DatasetError::InvalidRecord {
                    path,
                    location,
                    field: Some(match field {
                        Some(field) => format!("{instance_id}.{field}"),
                        None => instance_id.clone(),
                    }),
                    message,
                },
                other => other,
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}
