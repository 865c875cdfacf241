//! `math/answer@1`: a math problem; the final answer goes in `\boxed{}` and is judged by
//! [`MathVerifier`] (extraction, LaTeX parsing, equivalence).
//!
//! Tasks come from the embedded set (`data/problems.jsonl`, 360 problems written by
//! `data/generate_problems.py`) or from a JSONL file of `rlvr_datasets::MathProblem` records
//! (`{"problems": "path.jsonl"}`: MATH, MATH-500, GSM8K or plain `{problem, answer}` lines).
//! Task `(seed, index)` is a seeded draw from the set.

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use rand::Rng;
use rlvr_datasets::MathProblem;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::extract::gold_answer;
use super::verdict::{MathVerifier, VerifierConfig};
use crate::api::{Environment, Message, Outcome, Task};
use crate::error::{EnvError, Result};
use crate::id::EnvId;
use crate::registry::{parse_config, EnvSpec, Registry};
use crate::seed::task_rng;

const EMBEDDED_PROBLEMS: &str = include_str!("data/problems.jsonl");

/// What the prompt asks for after the problem.
const INSTRUCTION: &str = "Put your final answer within \\boxed{}.";

/// The typed config of `math/answer@1`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MathAnswerConfig {
    /// A JSONL file of problems with answers; `None` for the embedded set.
    pub problems: Option<PathBuf>,
    /// Verifier settings (the decimal tolerance).
    pub verifier: VerifierConfig,
}

/// One problem with the answer the verifier compares against.
#[derive(Debug, Clone)]
struct Problem {
    id: String,
    text: String,
    answer: String,
}

pub struct MathAnswerEnv {
    id: EnvId,
    problems: Arc<Vec<Problem>>,
    verifier: MathVerifier,
}

/// Registers `math/answer@1`.
pub fn register(reg: &mut Registry) {
    let spec = EnvSpec {
        id: EnvId::new("math", "answer", 1).expect("valid id"),
        summary: "math problems with a final answer, judged by LaTeX-aware equivalence",
        needs_docker: false,
    };
    reg.register(spec, |id, config| {
        let config: MathAnswerConfig = parse_config(id, config)?;
        MathAnswerEnv::new(id.clone(), &config).map(|env| Box::new(env) as Box<dyn Environment>)
    });
}

impl MathAnswerEnv {
    pub fn new(id: EnvId, config: &MathAnswerConfig) -> Result<Self> {
        let verifier = MathVerifier::new(config.verifier.clone());
        let (source, text) = match &config.problems {
            None => (
                "embedded problems.jsonl".to_owned(),
                EMBEDDED_PROBLEMS.to_owned(),
            ),
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| EnvError::Io {
                    context: format!("reading math problems {}", path.display()),
                    source,
                })?;
                (path.display().to_string(), text)
            }
        };
        let problems = read_problems(&id, &source, &text, &verifier)?;
        Ok(MathAnswerEnv {
            id,
            problems: Arc::new(problems),
            verifier,
        })
    }
}

/// Reads JSONL problems; every answer must parse, so a bad record fails at load, naming its line.
fn read_problems(
    id: &EnvId,
    source: &str,
    text: &str,
    verifier: &MathVerifier,
) -> Result<Vec<Problem>> {
    let config_error = |line: usize, message: String| EnvError::Config {
        env: id.clone(),
        message: format!("{source} line {line}: {message}"),
    };
    let mut problems = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let record: MathProblem =
            serde_json::from_str(line).map_err(|e| config_error(n + 1, e.to_string()))?;
        let answer = record
            .final_answer()
            .or_else(|| record.solution.as_deref().map(gold_answer_from_solution))
            .filter(|a| !a.is_empty())
            .ok_or_else(|| config_error(n + 1, "no answer".to_owned()))?;
        verifier
            .parse_gold(&answer)
            .map_err(|e| config_error(n + 1, e.to_string()))?;
        problems.push(Problem {
            id: record.id.unwrap_or_else(|| format!("line-{}", n + 1)),
            text: record.problem,
            answer,
        });
    }
    if problems.is_empty() {
        return Err(config_error(0, "no problems".to_owned()));
    }
    Ok(problems)
}

/// MATH keeps the answer in the solution's last `\boxed{}`.
fn gold_answer_from_solution(solution: &str) -> String {
    crate::extract::last_boxed(solution).map_or_else(String::new, gold_answer)
}

#[async_trait]
impl Environment for MathAnswerEnv {
    fn id(&self) -> &EnvId {
        &self.id
    }

    fn task(&self, seed: u64, index: u64) -> Result<Task> {
        let mut rng = task_rng("math/answer", seed, index);
        let problem = &self.problems[rng.gen_range(0..self.problems.len())];
        Ok(Task {
            env: self.id.clone(),
            seed,
            index,
            prompt: vec![Message::user(format!("{}\n\n{INSTRUCTION}", problem.text))],
            reference: json!({ "answer": problem.answer }),
            metadata: json!({ "problem_id": problem.id }),
        })
    }

    async fn score(&self, task: &Task, response: &str) -> Result<Outcome> {
        score_gold_answer(&self.verifier, &self.id, task, response)
    }

    fn reference_response(&self, task: &Task) -> Result<String> {
        let answer = gold_answer_of(&self.id, task)?;
        Ok(format!("The final answer is $\\boxed{{{answer}}}$."))
    }
}

/// The gold answer a math task keeps in `reference.answer`.
pub(super) fn gold_answer_of<'a>(env: &EnvId, task: &'a Task) -> Result<&'a str> {
    task.reference["answer"]
        .as_str()
        .ok_or_else(|| bad_reference(env, "missing `answer`"))
}

/// Judges `response` against the task's `reference.answer` (shared by the math environments).
pub(super) fn score_gold_answer(
    verifier: &MathVerifier,
    env: &EnvId,
    task: &Task,
    response: &str,
) -> Result<Outcome> {
    let gold = verifier
        .parse_gold(gold_answer_of(env, task)?)
        .map_err(|e| bad_reference(env, &e.to_string()))?;
    let judgement = verifier.verify_parsed(&gold, response);
    let reward = if judgement.is_correct() { 1.0 } else { 0.0 };
    Ok(Outcome {
        reward,
        verdict: judgement.verdict,
        details: json!({ "reason": judgement.reason, "extracted": judgement.extracted }),
    })
}

fn bad_reference(env: &EnvId, message: &str) -> EnvError {
    EnvError::BadReference {
        env: env.clone(),
        message: message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Verdict;
    use serde_json::Value;

    #[tokio::test]
    async fn scores_right_wrong_and_missing_answers() {
        let env = Registry::with_builtins()
            .build("math/answer@1", &Value::Null)
            .unwrap();
        let task = env.task(3, 5).unwrap();
        let answer = task.reference["answer"].as_str().unwrap().to_owned();
        let right = env
            .score(
                &task,
                &format!("<think>\\boxed{{0}}</think>So \\boxed{{{answer}}}"),
            )
            .await
            .unwrap();
        assert_eq!(right.verdict, Verdict::Correct, "{right:?}");
        let wrong = env
            .score(&task, "\\boxed{\\frac{123457}{3}}")
            .await
            .unwrap();
        assert_eq!(wrong.verdict, Verdict::Wrong);
        assert_eq!(
            env.score(&task, "no idea").await.unwrap().verdict,
            Verdict::Unparseable
        );
        assert!(Registry::with_builtins()
            .build("math/answer@1", &json!({ "nope": 1 }))
            .is_err());
    }

    #[tokio::test]
    async fn passes_the_conformance_checks() {
        let env = Registry::with_builtins()
            .build("math/answer@1", &Value::Null)
            .unwrap();
        let report =
            crate::conformance::check(env.as_ref(), &crate::conformance::CheckConfig::default())
                .await;
        assert!(report.passed(), "{report:#?}");
    }

    #[test]
    fn every_embedded_answer_parses_and_loading_names_bad_lines() {
        let id: EnvId = "math/answer@1".parse().unwrap();
        let env = MathAnswerEnv::new(id.clone(), &MathAnswerConfig::default()).unwrap();
        assert_eq!(env.problems.len(), 360);
        let bad = "{\"problem\": \"p\", \"answer\": \"1\"}\n{\"problem\": \"q\", \"answer\": \"\\\\frac{1}{\"}\n";
        let err = read_problems(&id, "bad.jsonl", bad, &MathVerifier::default()).unwrap_err();
        assert!(err.to_string().contains("bad.jsonl line 2"), "{err}");
    }
}
