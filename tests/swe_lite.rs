//! Real SWE-bench Lite instances (`datasets/swe-lite/`) on the real Docker engine: the gold patches
//! resolve and the test patches alone do not, as SWE-bench grades them; no container is left.
//! Needs clones of the instances' repositories: `RLVR_SWE_REPOS=DIR` with one `owner__name` clone
//! each (`scripts/swe-lite.sh` makes them); without it the test says why it skipped. The first
//! run builds the base and environment images (several minutes).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

fn dataset() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/swe-lite/instances.jsonl")
}

fn eval(dir: &Path, repos: &str, predictions: &str, run_id: &str) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_rlvr"))
        .args(["swe", "eval", "--dataset"])
        .arg(dataset())
        .args([
            "--predictions",
            predictions,
            "--run-id",
            run_id,
            "--repos",
            repos,
        ])
        .args(["--workers", "2", "--timeout", "900", "--json", "--log-dir"])
        .arg(dir.join("logs"))
        .arg("--report-dir")
        .arg(dir)
        .env("OMP_NUM_THREADS", "1")
        .output()
        .expect("run rlvr");
    assert!(
        out.status.success(),
        "eval {run_id} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("run report JSON")
}

#[test]
fn gold_resolves_and_the_test_patch_alone_does_not_on_real_lite_instances() {
    let Ok(repos) = std::env::var("RLVR_SWE_REPOS") else {
        eprintln!(
            "note: RLVR_SWE_REPOS is not set (a directory of owner__name clones); skipping the SWE-bench Lite test"
        );
        return;
    };
    let docker = Command::new("docker")
        .args(["version", "--format", "{{.Server.Version}}"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !docker {
        assert!(
            std::env::var("RLVR_REQUIRE_DOCKER").as_deref() != Ok("1"),
            "RLVR_REQUIRE_DOCKER=1 but no Docker engine answers"
        );
        eprintln!("note: no Docker engine answers; skipping the SWE-bench Lite test");
        return;
    }
    let text = std::fs::read_to_string(dataset()).unwrap();
    let instances: Vec<Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let dir = tempfile::tempdir().unwrap();

    let gold = eval(dir.path(), &repos, "gold", "lite-gold");
    assert_eq!(gold["resolved_instances"], instances.len(), "{gold}");
    assert_eq!(gold["error_instances"], 0, "{gold}");

    let preds = dir.path().join("test-patch-only.jsonl");
    let mut lines = String::new();
    for i in &instances {
        lines += &json!({
            "instance_id": i["instance_id"],
            "model_name_or_path": "test-patch-only",
            "model_patch": i["test_patch"],
        })
        .to_string();
        lines.push('\n');
    }
    std::fs::write(&preds, lines).unwrap();
    let alone = eval(
        dir.path(),
        &repos,
        preds.to_str().unwrap(),
        "lite-tests-only",
    );
    assert_eq!(alone["resolved_instances"], 0, "{alone}");
    assert_eq!(alone["completed_instances"], instances.len(), "{alone}");

    // This test's runs only: other users of the engine may be evaluating at the same time.
    for run in ["lite-gold", "lite-tests-only"] {
        let left = Command::new("docker")
            .args([
                "ps",
                "-aq",
                "--filter",
                &format!("label=rlvr.swe.run={run}"),
            ])
            .output()
            .expect("docker ps");
        assert!(
            String::from_utf8_lossy(&left.stdout).trim().is_empty(),
            "containers of {run} left: {}",
            String::from_utf8_lossy(&left.stdout)
        );
    }
}
