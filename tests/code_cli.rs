//! `rlvr verify code`: one submission (JSON report, exit status) and a JSONL batch.

use std::process::Command;

fn rlvr() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rlvr"))
}

#[test]
fn single_submission_prints_a_json_report() {
    let dir = tempfile::tempdir().unwrap();
    let problem = dir.path().join("p.json");
    std::fs::write(
        &problem,
        r#"{"tests": [{"input": "2 3\n", "output": "5\n"}, {"input": "1 1\n", "output": "2\n"}]}"#,
    )
    .unwrap();
    let good = dir.path().join("good.txt");
    std::fs::write(
        &good,
        "Sure.\n```python\na, b = map(int, input().split())\nprint(a + b)\n```\n",
    )
    .unwrap();
    let out = rlvr()
        .args(["verify", "code", "--problem"])
        .arg(&problem)
        .arg("--response")
        .arg(&good)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verdict"], "AC");
    assert_eq!(
        (report["passed"].as_u64(), report["total"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(report["tests"].as_array().unwrap().len(), 2);

    let bad = dir.path().join("bad.txt");
    std::fs::write(
        &bad,
        "```cpp\n#include <cstdio>\nint main(){ puts(\"5\"); }\n```",
    )
    .unwrap();
    let out = rlvr()
        .args(["verify", "code", "--problem"])
        .arg(&problem)
        .arg("--response")
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (report["verdict"].as_str(), report["language"].as_str()),
        (Some("WA"), Some("cpp"))
    );

    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, r#"{"tests": [{"input": 1}]}"#).unwrap();
    let out = rlvr()
        .args(["verify", "code", "--problem"])
        .arg(&broken)
        .arg("--response")
        .arg(&good)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("tests"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn batch_mode_keeps_order_and_names_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let problem = serde_json::json!({"tests": [{"input": "4\n", "output": "16\n"}]});
    let mut lines = String::new();
    for (i, body) in ["print(int(input()) ** 2)", "print(0)", "while True: pass"]
        .iter()
        .enumerate()
    {
        let line = serde_json::json!({"problem": problem, "response": format!("```python\n{body}\n```"), "id": i});
        lines.push_str(&format!("{line}\n"));
    }
    std::fs::write(&input, &lines).unwrap();
    let output = dir.path().join("out.jsonl");
    let out = rlvr()
        .args(["verify", "code", "--json", "--in"])
        .arg(&input)
        .arg("--out")
        .arg(&output)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let verdicts: Vec<String> = std::fs::read_to_string(&output)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["verdict"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(verdicts, ["AC", "WA", "TLE"]);

    std::fs::write(&input, format!("{}not json\n", lines)).unwrap();
    let out = rlvr()
        .args(["verify", "code", "--in"])
        .arg(&input)
        .arg("--out")
        .arg(&output)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("line 4"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
