//! `rlvr verify math`: single pairs, batch files, and errors that name the file and line.

use std::process::Command;

fn rlvr() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rlvr"));
    cmd.env("OMP_NUM_THREADS", "1");
    cmd
}

#[test]
fn single_pair_prints_the_verdict_and_sets_the_exit_status() {
    let out = rlvr()
        .args([
            "verify",
            "math",
            "--gold",
            "\\frac12",
            "--response",
            "so \\boxed{0.5}",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("correct"),
        "{out:?}"
    );

    let out = rlvr()
        .args([
            "verify",
            "math",
            "--gold",
            "3",
            "--response",
            "\\boxed{4}",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let verdict: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(verdict["verdict"], "wrong");
    assert_eq!(verdict["extracted"], "4");
}

#[test]
fn batch_adds_correct_and_reason_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("cases.jsonl");
    let output = dir.path().join("verdicts.jsonl");
    let mut lines = String::new();
    for k in 0..50 {
        let response = if k % 3 == 0 {
            format!("\\boxed{{{}}}", k + 1)
        } else {
            format!("\\boxed{{{k}}}")
        };
        lines.push_str(&format!(
            "{{\"id\": {k}, \"gold\": \"{k}\", \"output\": {}}}\n",
            serde_json::json!(response)
        ));
    }
    std::fs::write(&input, lines).unwrap();
    let out = rlvr()
        .args(["verify", "math", "--in"])
        .arg(&input)
        .arg("--out")
        .arg(&output)
        .args(["--threads", "3", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["cases"], 50);
    assert_eq!(summary["correct"], 33);
    let written = std::fs::read_to_string(&output).unwrap();
    for (k, line) in written.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["id"], k as u64, "order kept");
        assert_eq!(v["correct"], k % 3 != 0, "line {k}");
        assert!(v["reason"].is_string());
    }
}

#[test]
fn batch_errors_name_the_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bad.jsonl");
    let output = dir.path().join("out.jsonl");
    std::fs::write(
        &input,
        "{\"gold\": \"1\", \"output\": \"1\"}\n{\"gold\": \"1\"}\n",
    )
    .unwrap();
    let out = rlvr()
        .args(["verify", "math", "--in"])
        .arg(&input)
        .arg("--out")
        .arg(&output)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.jsonl line 2") && err.contains("output"),
        "{err}"
    );
    assert!(!output.exists(), "no partial output");

    let out = rlvr()
        .args(["verify", "math", "--gold", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "bad usage");
}
