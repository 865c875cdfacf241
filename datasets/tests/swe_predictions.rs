//! Predictions files in every shape the SWE-bench harness accepts.

use rlvr_datasets::{read_swe_predictions, write_records, DatasetError, SwePrediction};
use serde_json::json;

fn ids(predictions: &[SwePrediction]) -> Vec<&str> {
    predictions.iter().map(|p| p.instance_id.as_str()).collect()
}

#[test]
fn reads_lines_arrays_parquet_and_objects_keyed_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [
        json!({"instance_id": "a__b-1", "model_name_or_path": "m", "model_patch": "diff"}),
        json!({"instance_id": "a__b-2", "model_name_or_path": "m", "model_patch": null}),
    ];
    for name in ["preds.jsonl", "preds.json", "preds.parquet"] {
        let path = dir.path().join(name);
        write_records(&path, &rows).unwrap();
        assert_eq!(
            ids(&read_swe_predictions(&path).unwrap()),
            ["a__b-1", "a__b-2"],
            "{name}"
        );
    }

    let keyed = dir.path().join("keyed.json");
    let text = json!({
        "a__b-1": {"model_name_or_path": "m", "model_patch": "diff"},
        "a__b-2": {"instance_id": "a__b-2", "model_name_or_path": "m", "model_patch": null},
    });
    std::fs::write(&keyed, serde_json::to_string_pretty(&text).unwrap()).unwrap();
    let predictions = read_swe_predictions(&keyed).unwrap();
    assert_eq!(ids(&predictions), ["a__b-1", "a__b-2"]);
    assert_eq!(predictions[0].model_patch.as_deref(), Some("diff"));
    assert!(predictions[1].is_empty_patch());
}

#[test]
fn a_bad_keyed_entry_is_named_by_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let keyed = dir.path().join("keyed.json");
    std::fs::write(
        &keyed,
        r#"{"a__b-1": {"model_name_or_path": "m", "model_patch": 7}}"#,
    )
    .unwrap();
    let err = read_swe_predictions(&keyed).unwrap_err();
    assert!(
        matches!(&err, DatasetError::InvalidRecord { field: Some(field), .. } if field == "a__b-1.model_patch"),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("keyed.json: record 0: field `a__b-1.model_patch`"),
        "{err}"
    );
}
