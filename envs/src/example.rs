//! `example/add@1`: the worked example of an environment (README: "Adding an environment").
//! Adds two seeded integers; the answer goes in `\boxed{}`.

use async_trait::async_trait;
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::api::{Environment, Message, Outcome, Task, Verdict};
use crate::error::{EnvError, Result};
use crate::extract::{last_boxed, strip_think};
use crate::id::EnvId;
use crate::registry::{parse_config, EnvSpec, Registry};
use crate::seed::task_rng;

/// The environment's typed config: operands are drawn from `0..=max_operand`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddConfig {
    pub max_operand: u64,
}

impl Default for AddConfig {
    fn default() -> Self {
        AddConfig { max_operand: 1000 }
    }
}

pub struct AddEnv {
    id: EnvId,
    config: AddConfig,
}

/// Registers `example/add@1`.
pub fn register(reg: &mut Registry) {
    let id = EnvId::new("example", "add", 1).expect("valid id");
    let spec = EnvSpec {
        id,
        summary: "add two integers (the worked example)",
        needs_docker: false,
    };
    reg.register(spec, |id, config| {
        Ok(Box::new(AddEnv {
            id: id.clone(),
            config: parse_config(id, config)?,
        }))
    });
}

#[async_trait]
impl Environment for AddEnv {
    fn id(&self) -> &EnvId {
        &self.id
    }

    fn task(&self, seed: u64, index: u64) -> Result<Task> {
        let mut rng = task_rng("example/add", seed, index);
        let (a, b) = (
            rng.gen_range(0..=self.config.max_operand),
            rng.gen_range(0..=self.config.max_operand),
        );
        let prompt = vec![Message::user(format!(
            "What is {a} + {b}? Put the answer in \\boxed{{}}."
        ))];
        let reference = json!({ "sum": u128::from(a) + u128::from(b) });
        Ok(Task {
            env: self.id.clone(),
            seed,
            index,
            prompt,
            reference,
            metadata: Value::Null,
        })
    }

    async fn score(&self, task: &Task, response: &str) -> Result<Outcome> {
        let bad_ref = || EnvError::BadReference {
            env: self.id.clone(),
            message: "missing `sum`".into(),
        };
        let sum = task.reference["sum"].as_u64().ok_or_else(bad_ref)?;
        let Some(answer) = last_boxed(strip_think(response)) else {
            return Ok(Outcome::zero(Verdict::Unparseable).with_reason("no \\boxed{} answer"));
        };
        Ok(match answer.trim().parse::<u128>() {
            Ok(n) => Outcome::from_bool(n == u128::from(sum)),
            Err(_) => {
                Outcome::zero(Verdict::Unparseable).with_reason("boxed answer is not an integer")
            }
        })
    }

    fn reference_response(&self, task: &Task) -> Result<String> {
        Ok(format!("The sum is \\boxed{{{}}}.", task.reference["sum"]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn scores_right_wrong_and_missing_answers() {
        let env = Registry::with_builtins()
            .build("example/add@1", &json!({ "max_operand": 9 }))
            .unwrap();
        let task = env.task(1, 2).unwrap();
        let sum = task.reference["sum"].as_u64().unwrap();
        assert_eq!(
            env.score(
                &task,
                &format!("<think>\\boxed{{0}}</think>\\boxed{{{sum}}}")
            )
            .await
            .unwrap()
            .reward,
            1.0
        );
        assert_eq!(
            env.score(&task, &format!("\\boxed{{{}}}", sum + 1))
                .await
                .unwrap()
                .verdict,
            Verdict::Wrong
        );
        assert_eq!(
            env.score(&task, "no box").await.unwrap().verdict,
            Verdict::Unparseable
        );
        assert!(Registry::with_builtins()
            .build("example/add@1", &json!({ "max": 9 }))
            .is_err());
    }
}
