//! Every record type survives a write and a read in every format, value for value.

use rlvr_datasets::{
    read_all, write_records, AppsProblem, CodeContestsProblem, LiveCodeBenchProblem, MathProblem,
    SweInstance, SwePrediction, SynlogicRecord,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use std::fmt::Debug;

const FORMATS: [&str; 4] = ["jsonl", "ndjson", "json", "parquet"];

fn records<T: DeserializeOwned>(values: Vec<Value>) -> Vec<T> {
    values
        .into_iter()
        .map(|value| serde_json::from_value(value).expect("sample record fits its type"))
        .collect()
}

/// Writes `original` in every format and checks that reading gives it back unchanged.
fn assert_round_trips<T>(name: &str, original: &[T])
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let dir = tempfile::tempdir().unwrap();
    for format in FORMATS {
        let path = dir.path().join(format!("{name}.{format}"));
        let written =
            write_records(&path, original).unwrap_or_else(|err| panic!("writing {format}: {err}"));
        assert_eq!(written, original.len() as u64);
        let read: Vec<T> = read_all(&path).unwrap_or_else(|err| panic!("reading {format}: {err}"));
        assert_eq!(read, original, "{name} through {format}");
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|file| file.starts_with('.'))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary files left behind: {leftovers:?}"
    );
}

#[test]
fn swe_instances_round_trip() {
    let instances: Vec<SweInstance> = records(
        (1..=3)
            .map(|n| {
                json!({
                    "repo": "octo/calc", "instance_id": format!("octo__calc-{n}"),
                    "base_commit": format!("{n:040x}"),
                    "patch": "diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-x = \"1\"\n+x = '\\t2'\n",
                    "test_patch": "diff --git a/t.py b/t.py\n", "problem_statement": "Bug: ünïcödé 😀 in names",
                    "hints_text": "", "created_at": "2024-01-01T00:00:00Z", "version": "0.1",
                    "FAIL_TO_PASS": [format!("t.py::test_{n}")],
                    "PASS_TO_PASS": if n == 2 { json!([]) } else { json!(["t.py::ok", "t.py::p[a-b]"]) },
                    "environment_setup_commit": format!("{:040x}", n + 9), "difficulty": "<15 min fix",
                })
            })
            .collect(),
    );
    assert_round_trips("swe_instances", &instances);
}

#[test]
fn swe_predictions_round_trip_including_a_null_patch() {
    let predictions: Vec<SwePrediction> = records(vec![
        json!({"instance_id": "a__b-1", "model_name_or_path": "rlvr", "model_patch": "diff --git a/x b/x\n"}),
        json!({"instance_id": "a__b-2", "model_name_or_path": "rlvr", "model_patch": null}),
    ]);
    assert_round_trips("predictions", &predictions);
}

#[test]
fn math_problems_round_trip() {
    let problems: Vec<MathProblem> = records(vec![
        json!({"problem": "1+1?", "answer": "2", "solution": "$\\boxed{2}$", "id": "a", "level": "Level 1",
               "subject": "Algebra", "source": "made-up"}),
        json!({"question": "3 pens and 4 pens?", "answer": "3+4=7\n#### 7", "source": "gsm8k-like"}),
    ]);
    assert_round_trips("math", &problems);
}

#[test]
fn livecodebench_problems_round_trip() {
    let problems: Vec<LiveCodeBenchProblem> = records(vec![json!({
        "question_title": "Echo", "question_content": "Print the input.", "platform": "atcoder",
        "question_id": "abc001_a", "contest_id": "abc001", "contest_date": "2023-08-21T00:00:00",
        "starter_code": "", "difficulty": "easy",
        "public_test_cases": "[{\"input\": \"x\\n\", \"output\": \"x\\n\", \"testtype\": \"stdin\"}]",
        "private_test_cases": "eJzLSM3JyQcABiwCFQ==", "metadata": "{}",
    })]);
    assert_round_trips("livecodebench", &problems);
}

#[test]
fn apps_problems_round_trip() {
    let problems: Vec<AppsProblem> = records(vec![
        json!({"problem_id": 0, "question": "Add.", "solutions": "[\"print(3)\"]",
               "input_output": "{\"inputs\": [\"1 2\\n\"], \"outputs\": [\"3\\n\"]}", "difficulty": "interview",
               "url": "https://example.invalid/0", "starter_code": ""}),
        json!({"problem_id": 1, "question": "Call f.", "solutions": "",
               "input_output": "{\"inputs\": [[1, 2]], \"outputs\": [3], \"fn_name\": \"f\"}",
               "difficulty": "introductory", "url": "", "starter_code": "def f(a, b):\n"}),
    ]);
    assert_round_trips("apps", &problems);
}

#[test]
fn code_contests_problems_round_trip() {
    let problems: Vec<CodeContestsProblem> = records(vec![
        json!({"name": "1A", "description": "Sum.", "public_tests": {"input": ["1 2\n"], "output": ["3\n"]},
               "private_tests": {"input": [], "output": []}, "generated_tests": {"input": ["0 0\n"], "output": ["0\n"]},
               "time_limit": {"seconds": 2, "nanos": 0}, "memory_limit_bytes": 256000000, "difficulty": 7, "source": 2,
               "solutions": {"language": [3, 2], "solution": ["print(3)", "int main(){}"]}, "cf_tags": ["math"]}),
        json!({"name": "2B", "description": "Echo.", "public_tests": {"input": [], "output": []},
               "private_tests": {"input": [], "output": []}, "generated_tests": {"input": [], "output": []},
               "time_limit": null, "memory_limit_bytes": 0, "difficulty": 0, "source": 1,
               "solutions": {"language": [], "solution": []}, "cf_tags": []}),
    ]);
    assert_round_trips("code_contests", &problems);
}

#[test]
fn synlogic_records_round_trip() {
    let records: Vec<SynlogicRecord> = records(vec![
        json!({"question": "Solve the sudoku.", "answer": "((1, 2), (2, 1))", "difficulty": 3,
               "metadata": {"trace_id": "t1", "grid": [[1, 0], [0, 1]], "rate": 0.5}, "gpt_response": ""}),
        json!({"question": "数独", "answer": "", "difficulty": 1,
               "metadata": {"trace_id": "t2", "grid": [[0, 0], [0, 0]], "rate": 0.25}, "gpt_response": ""}),
    ]);
    assert_round_trips("synlogic", &records);
}

#[test]
fn an_empty_file_round_trips_in_the_json_formats() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["jsonl", "json"] {
        let path = dir.path().join(format!("empty.{format}"));
        assert_eq!(write_records(&path, Vec::<MathProblem>::new()).unwrap(), 0);
        assert!(read_all::<MathProblem>(&path).unwrap().is_empty());
    }
}

#[test]
fn parquet_reads_a_field_missing_from_some_records_as_null() {
    // One schema per Parquet file: a key that only some records have is a nullable column.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sparse.parquet");
    write_records(&path, [json!({"a": 1, "b": "x"}), json!({"a": 2})]).unwrap();
    let read: Vec<Value> = read_all(&path).unwrap();
    assert_eq!(
        read,
        [json!({"a": 1, "b": "x"}), json!({"a": 2, "b": null})]
    );
}

#[test]
fn writing_the_same_records_twice_gives_identical_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let rows: Vec<Value> = (0..50)
        .map(|n| json!({"id": n, "text": format!("row {n}"), "tags": ["a", "b"], "meta": {"z": n, "a": [n]}}))
        .collect();
    for format in FORMATS {
        let first = dir.path().join(format!("first.{format}"));
        let second = dir.path().join(format!("second.{format}"));
        write_records(&first, &rows).unwrap();
        write_records(&second, &rows).unwrap();
        assert_eq!(
            std::fs::read(&first).unwrap(),
            std::fs::read(&second).unwrap(),
            "{format}"
        );
    }
}

#[test]
fn parquet_spans_several_row_groups_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.parquet");
    let rows: Vec<Value> = (0..2500)
        .map(|n| json!({"n": n, "text": "x".repeat(n % 7)}))
        .collect();
    write_records(&path, &rows).unwrap();
    let read: Vec<Value> = read_all(&path).unwrap();
    assert_eq!(read, rows);
}

#[test]
fn a_record_stream_can_be_read_on_another_thread() {
    let dir = tempfile::tempdir().unwrap();
    for format in FORMATS {
        let path = dir.path().join(format!("moved.{format}"));
        write_records(&path, [json!({"n": 1}), json!({"n": 2})]).unwrap();
        let stream = rlvr_datasets::read_records::<Value>(&path).unwrap();
        let read: Vec<Value> = std::thread::spawn(move || stream.collect::<Result<_, _>>())
            .join()
            .unwrap()
            .unwrap();
        assert_eq!(read, [json!({"n": 1}), json!({"n": 2})], "{format}");
    }
}
