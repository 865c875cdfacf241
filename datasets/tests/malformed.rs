//! Bad input gives an error naming the file, the place in it and the field; never a panic.

use rlvr_datasets::{
    read_all, read_records, write_records, DatasetError, Location, SweInstance, SynlogicRecord,
};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn swe_line(id: &str, fail_to_pass: Value) -> String {
    json!({
        "repo": "octo/calc", "instance_id": id, "base_commit": "0".repeat(40), "patch": "p", "test_patch": "t",
        "problem_statement": "s", "hints_text": "", "created_at": "", "version": "1.0",
        "FAIL_TO_PASS": fail_to_pass, "PASS_TO_PASS": "[]", "environment_setup_commit": "",
    })
    .to_string()
}

fn write_text(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn broken_json_on_line_3_names_line_3_and_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let good = swe_line("a__b-1", json!("[]"));
    let broken = r#"{"repo": "octo/calc", "instance_id": "a__b-3", "base_commit": "abc"#;
    let path = write_text(
        dir.path(),
        "swe.jsonl",
        &format!("{good}\n{good}\n{broken}\n{good}\n"),
    );

    let results: Vec<_> = read_records::<SweInstance>(&path).unwrap().collect();
    assert_eq!(
        results.len(),
        4,
        "a bad line does not stop the lines after it"
    );
    assert!(results[0].is_ok() && results[1].is_ok() && results[3].is_ok());
    let err = results[2].as_ref().unwrap_err();
    match err {
        DatasetError::InvalidJson {
            path: err_path,
            location,
            message,
        } => {
            assert_eq!(err_path, &path);
            assert!(
                matches!(
                    location,
                    Location::Line {
                        line: 3,
                        column: Some(_)
                    }
                ),
                "{location:?}"
            );
            assert!(message.contains("`base_commit`"), "{message}");
        }
        other => panic!("expected InvalidJson, got {other:?}"),
    }
    let shown = err.to_string();
    assert!(
        shown.starts_with(&format!("{}: line 3, column ", path.display())),
        "{shown}"
    );
    assert!(shown.contains("base_commit"), "{shown}");
}

#[test]
fn fail_to_pass_of_the_wrong_type_names_the_line_and_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        swe_line("a__b-1", json!("[\"t::ok\"]")),
        swe_line("a__b-2", json!(17)),
        swe_line("a__b-3", json!("t::not_a_list")),
        swe_line("a__b-4", json!(["t::ok", 5])),
    ];
    let path = write_text(dir.path(), "swe.jsonl", &(lines.join("\n") + "\n"));
    let results: Vec<_> = read_records::<SweInstance>(&path).unwrap().collect();
    assert!(results[0].is_ok());
    let expectations = [
        (2, "FAIL_TO_PASS", "a list of test names"),
        (3, "FAIL_TO_PASS", "not a JSON list of test names"),
        (4, "FAIL_TO_PASS[1]", "expected a string"),
    ];
    for (result, (line, field, message)) in results[1..].iter().zip(expectations) {
        match result {
            Err(DatasetError::InvalidRecord {
                location: Location::Line { line: got_line, .. },
                field: Some(got_field),
                message: got_message,
                ..
            }) => {
                assert_eq!(*got_line, line);
                assert_eq!(got_field, field);
                assert!(got_message.contains(message), "line {line}: {got_message}");
            }
            other => panic!("line {line}: expected InvalidRecord, got {other:?}"),
        }
    }
    let shown = results[1].as_ref().unwrap_err().to_string();
    assert!(
        shown.contains("line 2") && shown.contains("field `FAIL_TO_PASS`"),
        "{shown}"
    );
}

#[test]
fn a_missing_field_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_text(dir.path(), "syn.jsonl", "{\"answer\": \"x\"}\n");
    let err = read_all::<SynlogicRecord>(&path).unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.contains("line 1") && shown.contains("missing field `question`"),
        "{shown}"
    );
}

#[test]
fn blank_lines_and_a_byte_order_mark_are_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let text = "\u{feff}{\"question\": \"q1\"}\n\n  \r\n{\"question\": 5}\r\n";
    let path = write_text(dir.path(), "syn.jsonl", text);
    let results: Vec<_> = read_records::<SynlogicRecord>(&path).unwrap().collect();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].as_ref().unwrap().question, "q1");
    assert!(
        matches!(
            results[1],
            Err(DatasetError::InvalidRecord {
                location: Location::Line { line: 4, .. },
                ..
            })
        ),
        "{:?}",
        results[1]
    );
}

#[test]
fn a_bad_array_element_names_its_index_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let text = "[\n  {\"question\": \"q0\"},\n  {\"question\": \"q1\"},\n  {\"question\": \"q2\",\n   \"difficulty\": \"hard\"},\n  {\"question\": \"q3\"}\n]\n";
    let path = write_text(dir.path(), "syn.json", text);
    let results: Vec<_> = read_records::<SynlogicRecord>(&path).unwrap().collect();
    assert_eq!(results.len(), 4);
    assert_eq!(results[3].as_ref().unwrap().question, "q3");
    match &results[2] {
        Err(DatasetError::InvalidRecord {
            location: Location::Element { index, line, .. },
            field,
            ..
        }) => {
            assert_eq!(*index, 2);
            assert_eq!(
                *line, 5,
                "the line of the bad value, not of the element's start"
            );
            assert_eq!(field.as_deref(), Some("difficulty"));
        }
        other => panic!("expected InvalidRecord, got {other:?}"),
    }
}

#[test]
fn broken_array_structure_ends_the_stream_with_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "unclosed.json",
            "[{\"question\": \"q0\"},\n{\"question\": \"q1\"}",
            1,
            "before the array is closed",
        ),
        (
            "trailing_comma.json",
            "[{\"question\": \"q0\"},\n]",
            1,
            "`,` followed by `]`",
        ),
        (
            "after_end.json",
            "[{\"question\": \"q0\"}] {\"question\": \"q1\"}",
            1,
            "after the closing `]`",
        ),
        (
            "empty_element.json",
            "[{\"question\": \"q0\"},,{\"question\": \"q1\"}]",
            1,
            "expected an element",
        ),
        (
            "stray_brace.json",
            "[{\"question\": \"q0\"}}]",
            0,
            "unexpected `}`",
        ),
    ];
    for (name, text, good_before, message) in cases {
        let path = write_text(dir.path(), name, text);
        let results: Vec<_> = read_records::<SynlogicRecord>(&path).unwrap().collect();
        assert_eq!(results.len(), good_before + 1, "{name}: {results:?}");
        assert!(results[..good_before].iter().all(Result::is_ok), "{name}");
        match results.last().unwrap() {
            Err(DatasetError::InvalidJson { message: got, .. }) => {
                assert!(got.contains(message), "{name}: {got}")
            }
            other => panic!("{name}: expected InvalidJson, got {other:?}"),
        }
    }
}

#[test]
fn a_json_file_of_lines_is_read_as_json_lines() {
    // `datasets.Dataset.to_json` writes JSON Lines even to a `.json` name.
    let dir = tempfile::tempdir().unwrap();
    let path = write_text(
        dir.path(),
        "lines.json",
        "\n{\"question\": \"a\"}\n{\"question\": \"b\"}\n",
    );
    let read: Vec<SynlogicRecord> = read_all(&path).unwrap();
    assert_eq!(
        read.iter().map(|r| r.question.as_str()).collect::<Vec<_>>(),
        ["a", "b"]
    );
    let empty = write_text(dir.path(), "array.json", "  [ ]  \n");
    assert!(read_all::<SynlogicRecord>(&empty).unwrap().is_empty());
}

#[test]
fn unknown_extensions_and_missing_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write_text(dir.path(), "data.csv", "a,b\n");
    assert!(matches!(
        read_records::<Value>(&csv),
        Err(DatasetError::UnknownFormat { .. })
    ));
    assert!(matches!(
        write_records(&csv, [json!({})]),
        Err(DatasetError::UnknownFormat { .. })
    ));
    let missing = dir.path().join("missing.jsonl");
    let err = read_records::<Value>(&missing).err().expect("missing file");
    assert!(matches!(err, DatasetError::Io { .. }));
    assert!(err.to_string().contains("missing.jsonl"), "{err}");
}

fn parquet_bytes(dir: &Path) -> Vec<u8> {
    let path = dir.join("source.parquet");
    let rows: Vec<Value> = (0..300)
        .map(|n| json!({"question": format!("question {n}"), "difficulty": n}))
        .collect();
    write_records(&path, &rows).unwrap();
    std::fs::read(path).unwrap()
}

#[test]
fn a_truncated_parquet_file_is_reported_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = parquet_bytes(dir.path());
    for keep in [0, 4, bytes.len() / 2, bytes.len() - 1] {
        let path = write_text(dir.path(), "truncated.parquet", "");
        std::fs::write(&path, &bytes[..keep]).unwrap();
        let err = read_records::<SynlogicRecord>(&path)
            .err()
            .expect("truncated file must not open");
        assert!(
            matches!(err, DatasetError::InvalidParquet { location: None, .. }),
            "{keep}: {err:?}"
        );
        assert!(err.to_string().contains("truncated.parquet"), "{err}");
    }
}

#[test]
fn corrupt_parquet_pages_give_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = parquet_bytes(dir.path());
    // Garble the column data between the leading magic and the footer, at several spots.
    let footer_len =
        u32::from_le_bytes(bytes[bytes.len() - 8..bytes.len() - 4].try_into().unwrap()) as usize;
    let data_end = bytes.len() - 8 - footer_len;
    let mut errors = 0;
    for start in (4..data_end).step_by(97) {
        let mut garbled = bytes.clone();
        for byte in &mut garbled[start..(start + 16).min(data_end)] {
            *byte ^= 0x5A;
        }
        let path = dir.path().join("garbled.parquet");
        std::fs::write(&path, &garbled).unwrap();
        // Any outcome is fine except a panic or silently wrong data; every error names the file.
        match read_records::<Value>(&path) {
            Err(err) => {
                errors += 1;
                assert!(err.to_string().contains("garbled.parquet"), "{err}");
            }
            Ok(records) => {
                for record in records {
                    if let Err(err) = record {
                        errors += 1;
                        assert!(err.to_string().contains("garbled.parquet"), "{err}");
                    }
                }
            }
        }
    }
    assert!(errors > 0, "garbling the pages was never noticed");
}

#[test]
fn a_parquet_row_of_the_wrong_shape_names_the_row_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("syn.parquet");
    write_records(
        &path,
        [
            json!({"question": "q0", "difficulty": 1}),
            json!({"question": null, "difficulty": 2}),
        ],
    )
    .unwrap();
    let results: Vec<_> = read_records::<SynlogicRecord>(&path).unwrap().collect();
    assert!(results[0].is_ok());
    let err = results[1].as_ref().unwrap_err();
    assert!(
        matches!(err, DatasetError::InvalidRecord { location: Location::Row(1), field: Some(field), .. } if field == "question"),
        "{err:?}"
    );
    assert!(err.to_string().contains("row 1: field `question`"), "{err}");
}

#[test]
fn a_failed_write_leaves_the_old_file_and_no_temporary() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.parquet");
    write_records(&path, [json!({"answer": "x"})]).unwrap();
    let before = std::fs::read(&path).unwrap();

    let err = write_records(&path, [json!({"answer": "x"}), json!({"answer": ["x"]})]).unwrap_err();
    assert!(
        matches!(
            &err,
            DatasetError::Unwritable {
                location: Some(Location::Record(1)),
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("field `answer`"), "{err}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the old file is untouched"
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(names, ["out.parquet"]);

    let not_an_object = write_records(dir.path().join("scalars.parquet"), [1, 2]).unwrap_err();
    assert!(
        not_an_object.to_string().contains("must be a JSON object"),
        "{not_an_object}"
    );
    assert!(!dir.path().join("scalars.parquet").exists());
}

#[test]
fn written_files_are_readable_by_others() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.jsonl");
    write_records(&path, [json!({"a": 1})]).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o644
        );
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"a\":1}\n");
}
