//! The record types read the shapes the public data sets publish, and write back what SWE-bench expects.

use rlvr_datasets::{
    AppsProblem, CodeContestsProblem, LiveCodeBenchProblem, MathProblem, SweInstance,
    SwePrediction, SynlogicRecord,
};
use serde_json::{json, Value};
use std::time::Duration;

fn swe_json(fail_to_pass: Value) -> Value {
    json!({
        "repo": "octo/calc",
        "instance_id": "octo__calc-7",
        "base_commit": "0123456789abcdef0123456789abcdef01234567",
        "patch": "diff --git a/x b/x\n",
        "test_patch": "diff --git a/t b/t\n",
        "problem_statement": "add() is wrong",
        "hints_text": "",
        "created_at": "2024-01-02T03:04:05Z",
        "version": "1.2",
        "FAIL_TO_PASS": fail_to_pass,
        "PASS_TO_PASS": "[]",
        "environment_setup_commit": "89abcdef0123456789abcdef0123456789abcdef",
        "difficulty": "15 min - 1 hour",
    })
}

#[test]
fn fail_to_pass_reads_from_an_encoded_string_and_from_a_list_alike() {
    let from_string: SweInstance = serde_json::from_value(swe_json(json!(
        "[\"tests/a.py::t1\", \"tests/a.py::t2[x-y]\"]"
    )))
    .unwrap();
    let from_list: SweInstance =
        serde_json::from_value(swe_json(json!(["tests/a.py::t1", "tests/a.py::t2[x-y]"]))).unwrap();
    assert_eq!(
        from_string.fail_to_pass,
        ["tests/a.py::t1", "tests/a.py::t2[x-y]"]
    );
    assert_eq!(from_string, from_list);
    assert!(from_string.pass_to_pass.is_empty());
}

#[test]
fn swe_instance_writes_test_lists_as_encoded_strings_and_keeps_extra_fields() {
    let instance: SweInstance =
        serde_json::from_value(swe_json(json!(["tests/a.py::t1"]))).unwrap();
    assert_eq!(
        instance.extra.get("difficulty"),
        Some(&json!("15 min - 1 hour"))
    );
    let written = serde_json::to_value(&instance).unwrap();
    assert_eq!(written["FAIL_TO_PASS"], json!("[\"tests/a.py::t1\"]"));
    assert_eq!(written["PASS_TO_PASS"], json!("[]"));
    assert_eq!(written["difficulty"], json!("15 min - 1 hour"));
    // What was written is the SWE-bench shape and reads back to the same instance.
    assert_eq!(written, swe_json(json!("[\"tests/a.py::t1\"]")));
}

#[test]
fn swe_instance_rejects_a_test_list_of_the_wrong_type() {
    for (bad, expected) in [
        (json!(5), "a list of test names"),
        (json!("tests/a.py::t1"), "not a JSON list of test names"),
        (json!({"a": 1}), "a list of test names"),
    ] {
        let err = serde_json::from_value::<SweInstance>(swe_json(bad.clone())).unwrap_err();
        assert!(err.to_string().contains(expected), "{bad}: {err}");
    }
}

#[test]
fn swe_instance_tolerates_null_hints_and_a_numeric_version() {
    let mut value = swe_json(json!([]));
    value["hints_text"] = Value::Null;
    value["version"] = json!(3.1);
    let instance: SweInstance = serde_json::from_value(value).unwrap();
    assert_eq!(instance.hints_text, "");
    assert_eq!(instance.version, "3.1");
}

#[test]
fn prediction_with_null_patch_is_empty_and_round_trips_null() {
    let prediction: SwePrediction = serde_json::from_value(
        json!({"instance_id": "a__b-1", "model_name_or_path": "m", "model_patch": null}),
    )
    .unwrap();
    assert!(prediction.model_patch.is_none());
    assert!(prediction.is_empty_patch());
    assert_eq!(
        serde_json::to_value(&prediction).unwrap()["model_patch"],
        Value::Null
    );

    let blank: SwePrediction = serde_json::from_value(
        json!({"instance_id": "a__b-1", "model_name_or_path": "m", "model_patch": " \n"}),
    )
    .unwrap();
    assert!(blank.is_empty_patch());
    let real: SwePrediction = serde_json::from_value(
        json!({"instance_id": "a__b-1", "model_name_or_path": "m", "model_patch": "diff --git a/x b/x\n"}),
    )
    .unwrap();
    assert!(!real.is_empty_patch());
}

#[test]
fn gsm8k_answer_yields_the_number_after_the_marker() {
    let problem: MathProblem = serde_json::from_value(json!({
        "question": "Ann has 2 boxes of 600 pens. How many pens?",
        "answer": "2 * 600 = <<2*600=1200>>1200 pens.\n#### 1,200",
    }))
    .unwrap();
    assert_eq!(
        problem.problem,
        "Ann has 2 boxes of 600 pens. How many pens?"
    );
    assert_eq!(problem.final_answer().as_deref(), Some("1200"));
}

#[test]
fn math_shapes_map_onto_the_same_fields() {
    let math: MathProblem = serde_json::from_value(json!({
        "problem": "What is $1+1$?", "solution": "It is $\\boxed{2}$.", "level": "Level 1", "type": "Algebra",
    }))
    .unwrap();
    assert_eq!(math.subject.as_deref(), Some("Algebra"));
    assert_eq!(math.level.as_deref(), Some("Level 1"));
    assert_eq!(
        math.final_answer(),
        None,
        "MATH keeps its answer in the solution"
    );

    let math500: MathProblem = serde_json::from_value(json!({
        "problem": "p", "solution": "s", "answer": "\\frac{1}{2}", "subject": "Algebra", "level": 5,
        "unique_id": "test/algebra/1.json",
    }))
    .unwrap();
    assert_eq!(math500.level.as_deref(), Some("5"));
    assert_eq!(math500.id.as_deref(), Some("test/algebra/1.json"));
    assert_eq!(math500.final_answer().as_deref(), Some("\\frac{1}{2}"));

    let aime: MathProblem =
        serde_json::from_value(json!({"problem": "p", "answer": 42, "year": 2024})).unwrap();
    assert_eq!(aime.final_answer().as_deref(), Some("42"));
    assert_eq!(aime.extra.get("year"), Some(&json!(2024)));
    assert_eq!(
        serde_json::to_value(&aime).unwrap(),
        json!({"problem": "p", "answer": "42", "year": 2024})
    );
}

#[test]
fn livecodebench_decodes_public_tests_and_function_name() {
    let problem: LiveCodeBenchProblem = serde_json::from_value(json!({
        "question_title": "Two Sum", "question_content": "Return indices.", "platform": "leetcode",
        "question_id": "1", "contest_id": "weekly-1", "contest_date": "2023-08-21T00:00:00",
        "starter_code": "class Solution:\n    def twoSum(self, nums, target):\n", "difficulty": "easy",
        "public_test_cases": "[{\"input\": \"[2,7]\\n9\", \"output\": \"[0, 1]\", \"testtype\": \"functional\"}]",
        "private_test_cases": "eJzLSM3JyQcABiwCFQ==",
        "metadata": "{\"func_name\": \"twoSum\"}",
    }))
    .unwrap();
    let tests = problem.public_tests().unwrap();
    assert_eq!(tests.len(), 1);
    assert_eq!(tests[0].input, "[2,7]\n9");
    assert_eq!(tests[0].testtype, "functional");
    assert_eq!(problem.func_name().as_deref(), Some("twoSum"));
    assert_eq!(
        problem.private_test_cases, "eJzLSM3JyQcABiwCFQ==",
        "kept raw"
    );
}

#[test]
fn apps_decodes_solutions_and_tests_and_accepts_empty_ones() {
    let problem: AppsProblem = serde_json::from_value(json!({
        "problem_id": 12, "question": "Add.", "difficulty": "interview", "url": "u", "starter_code": "",
        "solutions": "[\"print(sum(map(int, input().split())))\"]",
        "input_output": "{\"inputs\": [\"1 2\\n\"], \"outputs\": [\"3\\n\"]}",
    }))
    .unwrap();
    assert_eq!(problem.solution_list().unwrap().len(), 1);
    let tests = problem.test_cases().unwrap().expect("has tests");
    assert_eq!(tests.inputs, [json!("1 2\n")]);
    assert_eq!(tests.fn_name, None);

    let bare: AppsProblem = serde_json::from_value(json!({
        "problem_id": 13, "question": "q", "difficulty": "competition", "solutions": "", "input_output": "",
    }))
    .unwrap();
    assert!(bare.solution_list().unwrap().is_empty());
    assert!(bare.test_cases().unwrap().is_none());
}

#[test]
fn code_contests_reads_tests_and_time_limit() {
    let problem: CodeContestsProblem = serde_json::from_value(json!({
        "name": "1A", "description": "d",
        "public_tests": {"input": ["1\n"], "output": ["1\n"]},
        "private_tests": {"input": [], "output": []},
        "time_limit": {"seconds": 1, "nanos": 250000000}, "memory_limit_bytes": 268435456,
        "cf_rating": 800,
    }))
    .unwrap();
    assert_eq!(problem.public_tests.input, ["1\n"]);
    assert!(
        problem.generated_tests.input.is_empty(),
        "absent test set reads as empty"
    );
    assert_eq!(
        problem.time_limit.unwrap().to_duration(),
        Duration::from_millis(1250)
    );
    assert_eq!(problem.extra.get("cf_rating"), Some(&json!(800)));
}

#[test]
fn synlogic_record_keeps_list_answers_and_defaults_difficulty() {
    let record: SynlogicRecord = serde_json::from_value(json!({
        "question": "Schedule the meeting.", "answer": [60, 2], "metadata": {"trace_id": "x"},
    }))
    .unwrap();
    assert_eq!(record.answer, json!([60, 2]));
    assert_eq!(record.answer_text(), "[60,2]");
    assert_eq!(record.difficulty, 1);
    assert_eq!(
        serde_json::to_value(&record).unwrap(),
        json!({"question": "Schedule the meeting.", "answer": [60, 2], "difficulty": 1,
               "metadata": {"trace_id": "x"}, "gpt_response": ""})
    );
    let null_metadata: SynlogicRecord = serde_json::from_value(
        json!({"question": "q", "answer": "True", "difficulty": 3, "metadata": null}),
    )
    .unwrap();
    assert_eq!(null_metadata.metadata, Value::Null);
    assert_eq!(null_metadata.answer_text(), "True");
}
