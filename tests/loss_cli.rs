//! `rlvr loss` against losses and gradients derived by hand for every algorithm.
//!
//! The batch: two sequences, logp_old = -1 everywhere, ratios r = [[1.0, 1.5, 0.5], [2.0, 0.9, pad]],
//! per-sequence advantages [1, -2], the last token of sequence 2 masked out. 5 counted tokens.

use std::process::Command;

use serde_json::{json, Value};

const RATIOS: [[f64; 3]; 2] = [[1.0, 1.5, 0.5], [2.0, 0.9, 1.0]];

fn batch(extra: Value) -> Value {
    let logp_new: Vec<Vec<f64>> = RATIOS
        .iter()
        .map(|row| row.iter().map(|r| -1.0 + r.ln()).collect())
        .collect();
    let mut b = json!({
        "logp_new": logp_new,
        "logp_old": [[-1.0, -1.0, -1.0], [-1.0, -1.0, -1.0]],
        "advantages": [1.0, -2.0],
        "mask": [[1, 1, 1], [1, 1, 0]],
    });
    for (k, v) in extra.as_object().unwrap() {
        b[k] = v.clone();
    }
    b
}

fn run_loss(batch: &Value) -> (i32, Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("batch.json");
    std::fs::write(&path, batch.to_string()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_rlvr"))
        .args(["loss", "--in"])
        .arg(&path)
        .env("OMP_NUM_THREADS", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let parsed = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (
        out.status.code().unwrap_or(-1),
        parsed,
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn check(extra: Value, loss: f64, grad: [[f64; 3]; 2], clip_fraction: f64) {
    let (code, out, stderr) = run_loss(&batch(extra.clone()));
    assert_eq!(code, 0, "{extra}: {stderr}");
    let got = out["loss"].as_f64().unwrap();
    assert!(
        (got - loss).abs() < 1e-9,
        "{extra}: loss {got}, expected {loss}"
    );
    for (i, row) in grad.iter().enumerate() {
        for (j, want) in row.iter().enumerate() {
            let g = out["grad_logp_new"][i][j].as_f64().unwrap();
            assert!(
                (g - want).abs() < 1e-9,
                "{extra}: grad[{i}][{j}] = {g}, expected {want}"
            );
        }
    }
    let cf = out["clip_fraction"].as_f64().unwrap();
    assert!(
        (cf - clip_fraction).abs() < 1e-12,
        "{extra}: clip_fraction {cf}, expected {clip_fraction}"
    );
}

// Clipped surrogate, clip range [0.8, 1.2], token terms -min(rA, clip(r)A):
// seq 1 (A=1): -1, -1.2 (r=1.5 clipped: no gradient), -0.5 (r=0.5 < 0.8 but A > 0: unclipped);
// seq 2 (A=-2): +4 (r=2 > 1.2 but A < 0: unclipped), +1.8. Gradient of an unclipped term: -rA.
#[test]
fn ppo_matches_hand_computation() {
    check(
        json!({"algo": "ppo"}),
        3.1 / 5.0,
        [[-0.2, 0.0, -0.1], [0.8, 0.36, 0.0]],
        0.2,
    );
}

// DAPO: clip-higher [0.8, 1.28]: the clipped term is -1.28; gradients unchanged.
#[test]
fn dapo_matches_hand_computation() {
    check(
        json!({"algo": "dapo"}),
        3.02 / 5.0,
        [[-0.2, 0.0, -0.1], [0.8, 0.36, 0.0]],
        0.2,
    );
}

// GRPO: per-sequence token means (-2.7/3 and 5.8/2), then their mean; gradients -rA/(|o_i| * 2).
#[test]
fn grpo_matches_hand_computation() {
    check(
        json!({"algo": "grpo"}),
        (-0.9 + 2.9) / 2.0,
        [[-1.0 / 6.0, 0.0, -0.5 / 6.0], [1.0, 0.45, 0.0]],
        0.2,
    );
}

// Dr.GRPO's normalization: the PPO sum 3.1 over the constant 2 sequences x 3 tokens.
#[test]
fn dr_grpo_aggregation_matches_hand_computation() {
    check(
        json!({"algo": "ppo", "agg": "dr-grpo"}),
        3.1 / 6.0,
        [[-1.0 / 6.0, 0.0, -0.5 / 6.0], [4.0 / 6.0, 1.8 / 6.0, 0.0]],
        0.2,
    );
}

// CISPO with cap 1.28 and no lower bound: weights [1, 1.28, 0.5] and [1.28, 0.9]; every token keeps
// its gradient -w A / 5; loss -sum(w A logp_new) / 5; clipped weights: r = 1.5 and r = 2.
#[test]
fn cispo_matches_hand_computation() {
    let objective = -1.0
        + 1.28 * (-1.0 + 1.5f64.ln())
        + 0.5 * (-1.0 + 0.5f64.ln())
        + 1.28 * -2.0 * (-1.0 + 2.0f64.ln())
        + 0.9 * -2.0 * (-1.0 + 0.9f64.ln());
    check(
        json!({"algo": "cispo", "eps_high": 0.28}),
        -objective / 5.0,
        [[-0.2, -0.256, -0.1], [0.512, 0.36, 0.0]],
        0.4,
    );
}

// CISPO with a lower bound 0.8 too: r = 0.5 gets weight 0.8; per-token advantages give the same result
// as per-sequence ones.
#[test]
fn cispo_lower_bound_and_per_token_advantages() {
    let objective = -1.0
        + 1.28 * (-1.0 + 1.5f64.ln())
        + 0.8 * (-1.0 + 0.5f64.ln())
        + 1.28 * -2.0 * (-1.0 + 2.0f64.ln())
        + 0.9 * -2.0 * (-1.0 + 0.9f64.ln());
    check(
        json!({"algo": "cispo", "eps_low": 0.2, "eps_high": 0.28,
               "advantages": [[1.0, 1.0, 1.0], [-2.0, -2.0, 7.0]]}),
        -objective / 5.0,
        [[-0.2, -0.256, -0.16], [0.512, 0.36, 0.0]],
        0.6,
    );
}

#[test]
fn bad_batches_fail_naming_the_field() {
    let (code, _, stderr) = run_loss(&batch(
        json!({"logp_old": [[-1.0, -1.0], [-1.0, -1.0, -1.0]]}),
    ));
    assert_eq!(code, 1);
    assert!(
        stderr.contains("logp_old") && stderr.contains("sequence 0"),
        "{stderr}"
    );
    let (code, _, stderr) = run_loss(&batch(json!({"algo": "reinforce"})));
    assert_eq!(code, 1);
    assert!(stderr.contains("reinforce"), "{stderr}");
    let (code, _, stderr) = run_loss(&batch(json!({"advantages": [1.0]})));
    assert_eq!(code, 1);
    assert!(stderr.contains("advantages"), "{stderr}");
}
