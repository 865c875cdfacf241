//! End-to-end tests of `rlvr synlogic list/gen/verify`: the real binary on real files.

use std::process::Command;

use serde_json::Value;

fn rlvr(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rlvr"))
        .args(args)
        .env("OMP_NUM_THREADS", "1")
        .output()
        .expect("rlvr runs")
}

fn lines(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn list_prints_the_task_ids() {
    let out = rlvr(&["synlogic", "list"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for task in [
        "sudoku",
        "futoshiki",
        "skyscraper_puzzle",
        "calcudoko",
        "kukurasu",
        "survo",
    ] {
        assert!(
            text.lines().any(|l| l == task),
            "{task} missing from {text}"
        );
    }
}

#[test]
fn gen_then_verify_round_trips_and_flags_wrong_answers() {
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("sudoku.jsonl");
    let out = rlvr(&[
        "synlogic",
        "gen",
        "--task",
        "sudoku",
        "--count",
        "3",
        "--difficulty",
        "7",
        "--seed",
        "5",
        "--out",
        records.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let generated = lines(&records);
    assert_eq!(generated.len(), 3);
    for r in &generated {
        assert_eq!(r["difficulty"], 7);
        assert!(r["question"].as_str().unwrap().contains('X'));
        assert!(r["metadata"]["original_sudoku"].is_array());
    }
    // Same seed, same bytes.
    let again = dir.path().join("again.jsonl");
    assert!(rlvr(&[
        "synlogic",
        "gen",
        "--task",
        "sudoku",
        "--count",
        "3",
        "--difficulty",
        "7",
        "--seed",
        "5",
        "--out",
        again.to_str().unwrap(),
    ])
    .status
    .success());
    assert_eq!(
        std::fs::read(&records).unwrap(),
        std::fs::read(&again).unwrap()
    );

    // Responses: the gold answer for the first two records, a wrong one for the third.
    let input = dir.path().join("responses.jsonl");
    let mut text = String::new();
    for (i, r) in generated.iter().enumerate() {
        let mut r = r.clone();
        let answer = r["answer"].as_str().unwrap().to_owned();
        let response = if i < 2 {
            format!("```python\n{answer}\n```")
        } else {
            "```python\n((1,2),(3,4))\n```".into()
        };
        r["response"] = Value::String(response);
        text.push_str(&serde_json::to_string(&r).unwrap());
        text.push('\n');
    }
    std::fs::write(&input, text).unwrap();
    let judged = dir.path().join("judged.jsonl");
    let out = rlvr(&[
        "synlogic",
        "verify",
        "--task",
        "sudoku",
        "--in",
        input.to_str().unwrap(),
        "--out",
        judged.to_str().unwrap(),
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["records"], 3);
    assert_eq!(summary["correct"], 2);
    let judged = lines(&judged);
    assert_eq!(judged[0]["correct"], true);
    assert_eq!(judged[2]["correct"], false);
    assert!(judged[2]["reason"].as_str().unwrap().contains("9 rows"));
    assert_eq!(judged[1]["question"], generated[1]["question"]);
}

#[test]
fn bad_input_names_file_and_line_and_exits_nonzero() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bad.jsonl");
    std::fs::write(
        &input,
        "{\"question\": \"q\", \"response\": \"x\", \"metadata\": {}}\nnot json\n",
    )
    .unwrap();
    let out_path = dir.path().join("out.jsonl");
    let out = rlvr(&[
        "synlogic",
        "verify",
        "--task",
        "sudoku",
        "--in",
        input.to_str().unwrap(),
        "--out",
        out_path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.jsonl:1") && err.contains("original_sudoku"),
        "{err}"
    );
    assert!(!out_path.exists(), "no partial output on failure");

    let out = rlvr(&[
        "synlogic",
        "gen",
        "--task",
        "nope",
        "--out",
        out_path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown SynLogic task"));
    let out = rlvr(&[
        "synlogic",
        "gen",
        "--task",
        "sudoku",
        "--difficulty",
        "11",
        "--out",
        out_path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
}
