//! End-to-end tests of `rlvr env` and `rlvr demo`: the binary, its output and its exit codes.

use std::process::Command;

fn rlvr(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rlvr"))
        .args(args)
        .env("OMP_NUM_THREADS", "1")
        .output()
        .expect("run rlvr")
}

#[test]
fn env_list_prints_ids_one_per_line_and_as_json() {
    let out = rlvr(&["env", "list"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.contains(&"example/add@1"), "{text}");
    assert!(
        lines.iter().all(|l| l.parse::<rlvr_envs::EnvId>().is_ok()),
        "{text}"
    );

    let out = rlvr(&["env", "list", "--json"]);
    assert!(out.status.success());
    let ids: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(ids, lines);
}

#[test]
fn env_check_passes_for_the_example_and_reports_json() {
    let out = rlvr(&["env", "check", "example/add@1", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["env"], "example/add@1");
    assert_eq!(report["tasks_checked"], 8);
    assert!(report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["passed"] == true));
}

#[test]
fn env_check_fails_cleanly_on_unknown_ids_and_bad_configs() {
    let out = rlvr(&["env", "check", "example/add@7"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown environment example/add@7"));

    let out = rlvr(&[
        "env",
        "check",
        "example/add@1",
        "--config",
        r#"{"max_operand": "ten"}"#,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad config for example/add@1"));

    let out = rlvr(&["env", "check", "example/add@1", "--config", "{not json"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn bad_usage_exits_2() {
    assert_eq!(rlvr(&["env", "frobnicate"]).status.code(), Some(2));
    assert_eq!(rlvr(&["--no-such-flag"]).status.code(), Some(2));
}

#[test]
fn every_group_has_help() {
    for group in [
        "env", "synlogic", "verify", "swe", "model", "train", "loss", "plot", "demo",
    ] {
        let out = rlvr(&[group, "--help"]);
        assert!(out.status.success(), "{group} --help failed");
        assert!(!out.stdout.is_empty());
    }
}

#[test]
fn demo_scores_references_one_and_corruptions_zero_on_the_example() {
    let out = rlvr(&["demo", "--tasks", "4", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let example = rows
        .iter()
        .find(|r| r["env"] == "example/add@1")
        .expect("example in the demo");
    assert_eq!(example["reference_reward"], 1.0);
    assert_eq!(example["corrupted_reward"], 0.0);
    assert_eq!(example["errors"], 0);
}
