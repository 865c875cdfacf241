//! End-to-end SWE sandbox test on the real Docker engine: `rlvr swe synth` makes instances from a
//! real project's sdist, then `rlvr swe eval` grades four kinds of predictions. The gold patch
//! resolves; an empty patch, a patch that only edits tests and a patch that makes the suite print
//! forged PASSED lines do not; a re-run resumes from the reports; no container is left behind.

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};

fn rlvr(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rlvr"))
        .args(args)
        .env("OMP_NUM_THREADS", "1")
        .output()
        .expect("run rlvr")
}

/// Whether a Docker engine answers; without one the test skips, unless RLVR_REQUIRE_DOCKER=1.
fn docker_available() -> bool {
    rlvr_envs::swe::docker::docker_gate(
        "the SWE end-to-end test",
        rlvr_envs::swe::docker::cli_probe(),
    )
}

fn our_containers() -> Vec<String> {
    let out = Command::new("docker")
        .args(["ps", "-aq", "--filter", "label=rlvr.swe"])
        .output()
        .expect("docker ps");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

fn write_predictions(path: &Path, model: &str, patches: &[(String, String)]) {
    let mut text = String::new();
    for (id, patch) in patches {
        text += &json!({"instance_id": id, "model_name_or_path": model, "model_patch": patch})
            .to_string();
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

/// A patch that adds the hidden test file back with every FAIL_TO_PASS test replaced by `pass`.
fn tests_only_patch(instance: &Value) -> String {
    let f2p: Vec<String> =
        serde_json::from_str(instance["FAIL_TO_PASS"].as_str().unwrap()).unwrap();
    let file = f2p[0].split("::").next().unwrap().to_owned();
    let mut body = String::new();
    for id in f2p.iter().filter(|t| t.starts_with(&format!("{file}::"))) {
        let parts: Vec<&str> = id.split("::").collect();
        let name = parts.last().unwrap().split('[').next().unwrap();
        if parts.len() == 3 {
            body += &format!("class {}:\n    def {name}(self):\n        pass\n", parts[1]);
        } else {
            body += &format!("def {name}():\n    pass\n");
        }
    }
    new_file_patch(&file, &body)
}

/// A root `conftest.py` that prints PASSED for every graded test and exits 1 before any test runs.
fn forged_patch(instance: &Value) -> String {
    let mut ids: Vec<String> =
        serde_json::from_str(instance["FAIL_TO_PASS"].as_str().unwrap()).unwrap();
    let p2p: Vec<String> =
        serde_json::from_str(instance["PASS_TO_PASS"].as_str().unwrap()).unwrap();
    ids.extend(p2p);
    let body = format!(
        "for t in {}:\n    print('PASSED ' + t)\nraise SystemExit(1)\n",
        serde_json::to_string(&ids).unwrap()
    );
    new_file_patch("conftest.py", &body)
}

fn new_file_patch(path: &str, body: &str) -> String {
    let lines: Vec<&str> = body.lines().collect();
    let mut patch = format!(
        "diff --git a/{path} b/{path}\nnew file mode 100644\n--- /dev/null\n+++ b/{path}\n@@ -0,0 +1,{} @@\n",
        lines.len()
    );
    for l in lines {
        patch += &format!("+{l}\n");
    }
    patch
}

fn eval(dir: &Path, preds: &str, run_id: &str) -> Value {
    let dataset = dir.join("instances.jsonl");
    let logs = dir.join("logs");
    let out = rlvr(&[
        "swe",
        "eval",
        "--dataset",
        dataset.to_str().unwrap(),
        "--predictions",
        preds,
        "--run-id",
        run_id,
        "--workers",
        "2",
        "--timeout",
        "300",
        "--log-dir",
        logs.to_str().unwrap(),
        "--report-dir",
        dir.to_str().unwrap(),
        "--json",
    ]);
    assert!(
        out.status.success(),
        "eval {run_id} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("run report JSON")
}

#[test]
fn gold_resolves_and_empty_test_only_and_forged_patches_do_not() {
    if !docker_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = rlvr(&[
        "swe",
        "synth",
        "--out",
        dir.path().to_str().unwrap(),
        "--projects",
        "toolz",
        "--per-project",
        "2",
        "--max-attempts",
        "10",
        "--seed",
        "7",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "synth failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(dir.path().join("instances.jsonl")).unwrap();
    let instances: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!instances.is_empty());
    let ids: Vec<String> = instances
        .iter()
        .map(|i| i["instance_id"].as_str().unwrap().to_owned())
        .collect();
    for i in &instances {
        let f2p: Vec<String> = serde_json::from_str(i["FAIL_TO_PASS"].as_str().unwrap()).unwrap();
        assert!(!f2p.is_empty(), "a kept bug breaks some test");
    }

    let gold = eval(dir.path(), "gold", "gold-run");
    assert_eq!(
        gold["resolved_ids"].as_array().unwrap().len(),
        ids.len(),
        "{gold}"
    );
    assert_eq!(gold["error_instances"], 0);

    // Resume: every instance has a report, nothing runs again, same verdicts.
    let again = eval(dir.path(), "gold", "gold-run");
    assert_eq!(again["resolved_ids"], gold["resolved_ids"]);

    let empty: Vec<(String, String)> = ids.iter().map(|id| (id.clone(), String::new())).collect();
    let p = dir.path().join("empty.jsonl");
    write_predictions(&p, "empty", &empty);
    let report = eval(dir.path(), p.to_str().unwrap(), "empty-run");
    assert_eq!(report["resolved_instances"], 0);
    assert_eq!(report["empty_patch_instances"], ids.len());

    let tests_only: Vec<(String, String)> = instances
        .iter()
        .map(|i| {
            (
                i["instance_id"].as_str().unwrap().to_owned(),
                tests_only_patch(i),
            )
        })
        .collect();
    let p = dir.path().join("tests-only.jsonl");
    write_predictions(&p, "tests-only", &tests_only);
    let report = eval(dir.path(), p.to_str().unwrap(), "tests-only-run");
    assert_eq!(report["resolved_instances"], 0, "{report}");
    assert_eq!(report["completed_instances"], ids.len(), "{report}");

    let forged: Vec<(String, String)> = instances
        .iter()
        .map(|i| {
            (
                i["instance_id"].as_str().unwrap().to_owned(),
                forged_patch(i),
            )
        })
        .collect();
    let p = dir.path().join("forged.jsonl");
    write_predictions(&p, "forged", &forged);
    let report = eval(dir.path(), p.to_str().unwrap(), "forged-run");
    assert_eq!(report["resolved_instances"], 0, "{report}");
    // The forged lines did reach the log: it is the exit-code cross-check that rejects them.
    let log = std::fs::read_to_string(
        dir.path()
            .join("logs/forged-run/forged")
            .join(&ids[0])
            .join("test_output.txt"),
    )
    .unwrap();
    assert!(log.contains("PASSED "), "{log}");
    assert!(log.contains(">>>>> Test Exit Code: 1"), "{log}");

    assert!(
        our_containers().is_empty(),
        "containers left: {:?}",
        our_containers()
    );
}
