//! `rlvr train` end to end on CPU: a short run, a run killed mid-way and resumed (same curve), bad
//! configs, and `rlvr plot`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const CONFIG: &str = r#"
[run]
seed = 3
[model]
preset = "tiny"
[[envs]]
id = "example/add@1"
config = { max_operand = 9 }
[sft]
steps = 4
batch_size = 8
schedule = { lr = 3e-3 }
[rl]
steps = 4
prompts_per_step = 2
group_size = 4
chunk_prompts = 1
updates_per_batch = 2
max_new_tokens = 10
max_refill_rounds = 1
schedule = { lr = 1e-3 }
[eval]
every = 2
tasks_per_env = 4
"#;

fn rlvr() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rlvr"));
    c.env("OMP_NUM_THREADS", "1");
    c
}

fn train_cmd(config: &Path, out: &Path) -> Command {
    let mut c = rlvr();
    c.args(["train", "--json", "--config"])
        .arg(config)
        .arg("--set")
        .arg(format!("run.out_dir={:?}", out.display().to_string()));
    c
}

/// The metrics without wall-clock fields, which differ between any two runs.
fn curve(out: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(out.join("metrics.jsonl")).unwrap();
    text.lines()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).unwrap();
            let obj = v.as_object_mut().unwrap();
            obj.retain(|k, _| !(k.contains("per_s") || k == "seconds"));
            v
        })
        .collect()
}

#[test]
fn killed_run_resumes_on_the_same_curve() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("train.toml");
    std::fs::write(&config, CONFIG).unwrap();

    let straight = dir.path().join("straight");
    let out = train_cmd(&config, &straight).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["steps_done"], 8);
    let full = curve(&straight);
    assert!(full.iter().any(|r| r["phase"] == "rl"), "{full:?}");
    assert!(full.iter().filter(|r| r["phase"] == "eval").count() >= 3);

    // Kill the second run (SIGKILL: no chance to clean up) once it is a few steps in, then resume.
    let killed = dir.path().join("killed");
    let mut child = train_cmd(&config, &killed)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        let lines =
            std::fs::read_to_string(killed.join("metrics.jsonl")).map_or(0, |t| t.lines().count());
        if lines >= 7 || start.elapsed() > Duration::from_secs(120) {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let partial = curve(&killed);
    assert!(
        partial.len() < full.len(),
        "the run finished before it was killed"
    );
    let out = train_cmd(&config, &killed).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("resuming from"));
    assert_eq!(curve(&killed), full);

    // Plots of both runs, overlaid.
    let plots = dir.path().join("plots");
    let out = rlvr()
        .arg("plot")
        .arg(&straight)
        .arg(&killed)
        .arg("--out")
        .arg(&plots)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = std::fs::read(plots.join("heldout_reward.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
}

#[test]
fn bad_configs_fail_naming_the_place() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("train.toml");
    std::fs::write(&config, "[rl]\nstepz = 1\n").unwrap();
    let out = train_cmd(&config, &dir.path().join("o")).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("stepz"), "{err}");

    std::fs::write(&config, CONFIG.replace("example/add@1", "example/nope@1")).unwrap();
    let out = train_cmd(&config, &dir.path().join("o")).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("envs[0]") && err.contains("example/nope@1"),
        "{err}"
    );

    let out = rlvr()
        .args(["train", "--set", "loss.algo=reinforce"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("reinforce"));
}

#[test]
fn the_embedded_default_config_parses() {
    let out = rlvr().args(["train", "--print-config"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cfg: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cfg["loss"]["algo"], "cispo");
    assert_eq!(cfg["model"]["preset"], "tiny");
    assert!(cfg["sft"]["steps"].as_u64().unwrap() > 0 && cfg["rl"]["steps"].as_u64().unwrap() > 0);
    // The main job trains on math and SynLogic together.
    let ids: Vec<&str> = cfg["envs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"math/arith@1"), "{ids:?}");
    assert!(ids.iter().any(|id| id.starts_with("synlogic/")), "{ids:?}");
}
