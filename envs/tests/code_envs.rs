//! `code/stdio@1` and `code/call@1` pass the conformance checks, and score right, wrong and limit-
//! breaking responses with the right verdicts.

use rlvr_envs::conformance::{check, CheckConfig};
use rlvr_envs::{Registry, Verdict};
use serde_json::{json, Value};

#[tokio::test]
async fn both_environments_conform() {
    for id in ["code/stdio@1", "code/call@1"] {
        let env = Registry::with_builtins().build(id, &Value::Null).unwrap();
        let report = check(
            env.as_ref(),
            &CheckConfig {
                seeds: vec![0],
                tasks_per_seed: 3,
            },
        )
        .await;
        assert!(report.passed(), "{report:#?}");
    }
}

#[tokio::test]
async fn stdio_scores_wrong_and_slow_programs() {
    let env = Registry::with_builtins()
        .build("code/stdio@1", &Value::Null)
        .unwrap();
    let task = env.task(3, 1).unwrap();
    let wrong = env
        .score(&task, "```python\nprint('nope')\n```")
        .await
        .unwrap();
    assert_eq!((wrong.verdict, wrong.reward), (Verdict::Wrong, 0.0));
    assert_eq!(wrong.details["verdict"], "WA");
    let slow = env
        .score(&task, "```python\nwhile True: pass\n```")
        .await
        .unwrap();
    assert_eq!(slow.verdict, Verdict::LimitExceeded);
    // A syntax error is a compile error (CE), not a runtime error.
    let broken = env.score(&task, "```python\ndef (\n```").await.unwrap();
    assert_eq!(broken.verdict, Verdict::Invalid);
    assert_eq!(broken.details["verdict"], "CE");
    let missing = env.score(&task, "```cpp\nint main(){}\n```").await.unwrap();
    assert_eq!(missing.verdict, Verdict::Unparseable);
}

#[tokio::test]
async fn stdio_in_cpp_with_partial_reward() {
    let env = Registry::with_builtins()
        .build(
            "code/stdio@1",
            &json!({"language": "cpp", "reward": "fraction", "stop_at_first_failure": false}),
        )
        .unwrap();
    let task = env.task(0, 0).unwrap();
    let reference = env.reference_response(&task).unwrap();
    assert_eq!(env.score(&task, &reference).await.unwrap().reward, 1.0);
    let ce = env.score(&task, "```cpp\nint main( {\n```").await.unwrap();
    assert_eq!(ce.verdict, Verdict::Invalid);
    assert!(Registry::with_builtins()
        .build("code/call@1", &json!({"language": "rust"}))
        .is_err());
    assert!(Registry::with_builtins()
        .build("code/stdio@1", &json!({"lang": "rust"}))
        .is_err());
}
