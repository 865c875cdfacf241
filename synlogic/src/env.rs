//! The adapter that makes every [`Puzzle`] an [`Environment`] named `synlogic/<task>@1`.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use rlvr_envs::registry::parse_config;
use rlvr_envs::{EnvError, EnvId, EnvSpec, Environment, Message, Outcome, Registry, Task};

use crate::difficulty::Difficulty;
use crate::error::SynlogicError;
use crate::instance::Gold;
use crate::language::Language;
use crate::puzzle::{GenOptions, Puzzle};
use crate::tasks;

/// The behaviour version of every SynLogic environment; bump when prompts, generation or scoring change.
pub const VERSION: u32 = 1;

/// The typed config of a SynLogic environment.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PuzzleEnvConfig {
    /// Level 1..=10 (default 5).
    #[serde(default)]
    pub difficulty: Difficulty,
    /// Force the prompt language (`"en"` or `"zh"`); drawn per task when absent.
    #[serde(default)]
    pub language: Option<Language>,
}

/// One puzzle as an environment.
pub struct PuzzleEnv {
    id: EnvId,
    puzzle: &'static dyn Puzzle,
    config: PuzzleEnvConfig,
}

impl PuzzleEnv {
    pub fn new(id: EnvId, puzzle: &'static dyn Puzzle, config: PuzzleEnvConfig) -> Self {
        PuzzleEnv { id, puzzle, config }
    }

    fn gold<'a>(&self, task: &'a Task) -> Result<Gold<'a>, EnvError> {
        let record = task
            .reference
            .as_object()
            .ok_or_else(|| EnvError::BadReference {
                env: self.id.clone(),
                message: "the reference is not a SynLogic record object".into(),
            })?;
        Ok(Gold::from_record(record))
    }

    fn bad_reference(&self, e: SynlogicError) -> EnvError {
        EnvError::BadReference {
            env: self.id.clone(),
            message: e.to_string(),
        }
    }
}

/// Registers every task of [`tasks::ALL`] as `synlogic/<task>@1`.
pub fn register(reg: &mut Registry) {
    for puzzle in tasks::ALL {
        let id = EnvId::new("synlogic", puzzle.id(), VERSION).expect("task ids are valid id words");
        let spec = EnvSpec {
            id,
            summary: puzzle.summary(),
            needs_docker: false,
        };
        reg.register(spec, |id, config| {
            let puzzle = tasks::find(id.name()).map_err(|e| EnvError::Config {
                env: id.clone(),
                message: e.to_string(),
            })?;
            Ok(Box::new(PuzzleEnv::new(
                id.clone(),
                puzzle,
                parse_config(id, config)?,
            )))
        });
    }
}

#[async_trait]
impl Environment for PuzzleEnv {
    fn id(&self) -> &EnvId {
        &self.id
    }

    fn task(&self, seed: u64, index: u64) -> rlvr_envs::Result<Task> {
        let options = GenOptions {
            difficulty: self.config.difficulty,
            language: self.config.language,
        };
        let instance =
            self.puzzle
                .generate(seed, index, options)
                .map_err(|e| EnvError::NoTask {
                    env: self.id.clone(),
                    seed,
                    index,
                    message: e.to_string(),
                })?;
        Ok(Task {
            env: self.id.clone(),
            seed,
            index,
            prompt: vec![Message::user(instance.question.clone())],
            metadata: json!({
                "task": self.puzzle.id(),
                "difficulty": instance.difficulty,
                "solver_nodes": instance.solver_nodes(),
            }),
            reference: instance.to_record(),
        })
    }

    async fn score(&self, task: &Task, response: &str) -> rlvr_envs::Result<Outcome> {
        let judgement = self
            .puzzle
            .verify(self.gold(task)?, response)
            .map_err(|e| self.bad_reference(e))?;
        let reward = if judgement.is_correct() { 1.0 } else { 0.0 };
        Ok(Outcome {
            reward,
            verdict: judgement.verdict,
            details: json!({ "reason": judgement.reason }),
        })
    }

    fn reference_response(&self, task: &Task) -> rlvr_envs::Result<String> {
        self.puzzle
            .reference_response(self.gold(task)?)
            .map_err(|e| self.bad_reference(e))
    }
}

/// The config value for a level, e.g. for `Registry::build`.
pub fn config_for(difficulty: Difficulty) -> Value {
    json!({ "difficulty": difficulty.level() })
}
