//! The conformance checks behind `rlvr env check`: what every environment must satisfy.
//!
//! - determinism: `task(seed, index)` is the same value when asked twice;
//! - the reference response scores 1 with verdict `correct`;
//! - empty and garbage responses score 0, without panicking;
//! - every reward is finite and in [0, 1], and scoring the same response twice gives the same outcome.

use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use serde::Serialize;

use crate::api::{Environment, Outcome, Task, Verdict};

/// How much to check.
#[derive(Debug, Clone)]
pub struct CheckConfig {
    /// Seeds to draw tasks from.
    pub seeds: Vec<u64>,
    /// Tasks per seed.
    pub tasks_per_seed: u64,
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            seeds: vec![0, 1],
            tasks_per_seed: 4,
        }
    }
}

/// The result of one named check.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    pub name: &'static str,
    pub passed: bool,
    /// The first failure, when not passed.
    pub detail: Option<String>,
}

/// All checks of one environment.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub env: String,
    pub tasks_checked: usize,
    pub checks: Vec<CheckResult>,
}

impl CheckReport {
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }
}

/// Responses that carry no answer in any environment's format.
fn garbage_responses() -> Vec<String> {
    vec![
        "I don't know.".to_owned(),
        "<think>the answer is surely".to_owned(),
        "\\boxed{".to_owned(),
        "{".repeat(5000),
        "\u{0}\u{1}\u{fffd} \u{202e}garbage".to_owned(),
        "ab".repeat(200_000),
    ]
}

struct Tally {
    name: &'static str,
    failure: Option<String>,
}

impl Tally {
    fn new(name: &'static str) -> Self {
        Tally {
            name,
            failure: None,
        }
    }

    fn fail(&mut self, why: impl FnOnce() -> String) {
        if self.failure.is_none() {
            self.failure = Some(why());
        }
    }

    fn finish(self) -> CheckResult {
        CheckResult {
            name: self.name,
            passed: self.failure.is_none(),
            detail: self.failure,
        }
    }
}

/// Scores a response, turning a panic into an error message.
async fn score_guarded(
    env: &dyn Environment,
    task: &Task,
    response: &str,
) -> Result<Outcome, String> {
    match AssertUnwindSafe(env.score(task, response))
        .catch_unwind()
        .await
    {
        Ok(Ok(outcome)) => Ok(outcome),
        Ok(Err(e)) => Err(format!("scoring failed: {e}")),
        Err(_) => Err("scoring panicked".to_owned()),
    }
}

fn describe(task: &Task) -> String {
    format!("seed {} index {}", task.seed, task.index)
}

/// Runs every check on `env`.
pub async fn check(env: &dyn Environment, config: &CheckConfig) -> CheckReport {
    let mut determinism = Tally::new("determinism");
    let mut reference = Tally::new("reference scores 1");
    let mut garbage = Tally::new("empty and garbage score 0");
    let mut range = Tally::new("reward in [0, 1]");
    let mut stable = Tally::new("scoring is repeatable");
    let mut tasks_checked = 0;
    let garbage_set = garbage_responses();

    for &seed in &config.seeds {
        for index in 0..config.tasks_per_seed {
            let task = match env.task(seed, index) {
                Ok(task) => task,
                Err(e) => {
                    determinism.fail(|| format!("task(seed {seed}, index {index}) failed: {e}"));
                    continue;
                }
            };
            match env.task(seed, index) {
                Ok(again) if again == task => {}
                Ok(_) => determinism
                    .fail(|| format!("{}: two calls gave different tasks", describe(&task))),
                Err(e) => {
                    determinism.fail(|| format!("{}: second call failed: {e}", describe(&task)))
                }
            }
            tasks_checked += 1;

            let mut check_range = |o: &Outcome, what: &str| {
                if !(o.reward.is_finite() && (0.0..=1.0).contains(&o.reward)) {
                    range.fail(|| format!("{}: {what} got reward {}", describe(&task), o.reward));
                }
            };
            match env.reference_response(&task) {
                Err(e) => {
                    reference.fail(|| format!("{}: no reference response: {e}", describe(&task)))
                }
                Ok(answer) => match score_guarded(env, &task, &answer).await {
                    Ok(o) => {
                        check_range(&o, "the reference");
                        if o.reward != 1.0 || o.verdict != Verdict::Correct {
                            reference
                                .fail(|| format!("{}: reference scored {o:?}", describe(&task)));
                        }
                        match score_guarded(env, &task, &answer).await {
                            Ok(again) if again == o => {}
                            other => stable
                                .fail(|| format!("{}: rescoring gave {other:?}", describe(&task))),
                        }
                    }
                    Err(e) => reference.fail(|| format!("{}: {e}", describe(&task))),
                },
            }
            for response in std::iter::once("").chain(garbage_set.iter().map(String::as_str)) {
                let shown: String = response.chars().take(24).collect();
                match score_guarded(env, &task, response).await {
                    Ok(o) => {
                        check_range(&o, "garbage");
                        if o.reward != 0.0 {
                            garbage.fail(|| {
                                format!("{}: {shown:?} scored {}", describe(&task), o.reward)
                            });
                        }
                    }
                    Err(e) => garbage.fail(|| format!("{}: {shown:?}: {e}", describe(&task))),
                }
            }
        }
    }
    if tasks_checked == 0 {
        determinism.fail(|| "no task could be generated".to_owned());
    }
    let checks = [determinism, reference, garbage, range, stable]
        .into_iter()
        .map(Tally::finish)
        .collect();
    CheckReport {
        env: env.id().to_string(),
        tasks_checked,
        checks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Registry;
    use serde_json::Value;

    #[tokio::test]
    async fn example_environment_conforms() {
        let env = Registry::with_builtins()
            .build("example/add@1", &Value::Null)
            .unwrap();
        let report = check(env.as_ref(), &CheckConfig::default()).await;
        assert!(report.passed(), "{report:#?}");
        assert_eq!(report.tasks_checked, 8);
    }

    /// An environment that breaks every rule, to show the checks can fail.
    struct Broken(crate::id::EnvId, std::sync::atomic::AtomicU64);

    #[async_trait::async_trait]
    impl Environment for Broken {
        fn id(&self) -> &crate::id::EnvId {
            &self.0
        }
        fn task(&self, seed: u64, index: u64) -> crate::Result<Task> {
            let n = self.1.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Ok(Task {
                env: self.0.clone(),
                seed,
                index,
                prompt: vec![],
                reference: n.into(),
                metadata: Value::Null,
            })
        }
        async fn score(&self, _: &Task, response: &str) -> crate::Result<Outcome> {
            if response.starts_with('{') {
                panic!("boom");
            }
            Ok(Outcome {
                reward: 2.0,
                verdict: Verdict::Wrong,
                details: Value::Null,
            })
        }
        fn reference_response(&self, _: &Task) -> crate::Result<String> {
            Ok("x".into())
        }
    }

    #[tokio::test]
    async fn broken_environment_fails_every_check() {
        let env = Broken("test/broken@1".parse().unwrap(), Default::default());
        let report = check(&env, &CheckConfig::default()).await;
        for c in &report.checks {
            if c.name != "scoring is repeatable" {
                assert!(!c.passed, "{} should fail: {report:#?}", c.name);
            }
        }
    }
}
