//! Files written by real pyarrow (see fixtures/make_parquet_fixtures.py) read through our reader.

use rlvr_datasets::{
    read_all, read_records, CodeContestsProblem, MathProblem, SweInstance, SynlogicRecord,
};
use serde_json::json;
use std::path::PathBuf;
use std::time::Duration;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn swe_bench_shaped_file_across_row_groups() {
    let instances: Vec<SweInstance> = read_all(fixture("swe_bench_sample.parquet")).unwrap();
    let ids: Vec<_> = instances.iter().map(|i| i.instance_id.as_str()).collect();
    assert_eq!(ids, ["octo__calc-1", "octo__calc-2", "octo__calc-3"]);
    assert_eq!(instances[0].fail_to_pass, ["tests/test_add.py::test_add_1"]);
    assert_eq!(
        instances[0].pass_to_pass,
        [
            "tests/test_add.py::test_zero",
            "tests/test_sub.py::test_sub[1-2]"
        ]
    );
    assert!(instances[2].pass_to_pass.is_empty());
    assert_eq!(instances[1].hints_text, "see the sign");
    assert_eq!(instances[2].base_commit, format!("{:040x}", 3));
    assert!(instances[0].patch.ends_with("+return a + b  # 1\n"));
    assert_eq!(
        instances[0].extra.get("difficulty"),
        Some(&json!("<15 min fix"))
    );
}

#[test]
fn code_contests_shaped_file_with_nested_lists_structs_and_zstd() {
    let problems: Vec<CodeContestsProblem> =
        read_all(fixture("code_contests_sample.parquet")).unwrap();
    assert_eq!(problems.len(), 2);
    let first = &problems[0];
    assert_eq!(first.description, "Print a+b.\nInput: two integers.");
    assert_eq!(first.private_tests.input, ["5 5\n", "-1 1\n"]);
    assert_eq!(first.private_tests.output, ["10\n", "0\n"]);
    assert_eq!(
        first.time_limit.unwrap().to_duration(),
        Duration::from_millis(2500)
    );
    assert_eq!(first.solutions.as_ref().unwrap().language, [3]);
    assert_eq!(
        first.extra.get("cf_tags"),
        Some(&json!(["math", "implementation"]))
    );
    let second = &problems[1];
    assert_eq!(second.time_limit, None);
    assert!(second.private_tests.input.is_empty());
    assert_eq!(second.generated_tests.output, ["y\n"]);
}

#[test]
fn synlogic_shaped_file_with_struct_metadata_and_a_null() {
    let records: Vec<SynlogicRecord> = read_all(fixture("synlogic_sample.parquet")).unwrap();
    assert_eq!(
        records[0].metadata,
        json!({"trace_id": "t-1", "n": 2, "grid": [[1, 0], [0, 0]]})
    );
    assert_eq!(records[0].answer_text(), "[[1, 2], [2, 1]]");
    assert_eq!(records[1].difficulty, 4);
    assert_eq!(records[1].metadata, serde_json::Value::Null);
    assert_eq!(
        records[1].extra.get("data_source"),
        Some(&json!("object_counting"))
    );
}

#[test]
fn math_shaped_file_with_an_integer_level() {
    let problems: Vec<MathProblem> = read_all(fixture("math_sample.parquet")).unwrap();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].level.as_deref(), Some("1"));
    assert_eq!(problems[0].id.as_deref(), Some("test/prealgebra/1.json"));
    assert_eq!(problems[0].final_answer().as_deref(), Some("5"));
}

#[test]
fn a_fixture_read_as_the_wrong_type_names_row_0_and_the_missing_field() {
    let err = read_records::<CodeContestsProblem>(fixture("math_sample.parquet"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.contains("math_sample.parquet: row 0") && shown.contains("missing field `name`"),
        "{shown}"
    );
}
