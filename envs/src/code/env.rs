//! The environments `code/stdio@1` (programs reading stdin) and `code/call@1` (LeetCode-style
//! functions), each over a small problem set shipped in the repository with reference solutions.

use async_trait::async_trait;
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::fence;
use super::formats::parse_problem;
use super::judge::{judge, JudgeError, JudgeOptions};
use super::language::Language;
use super::report::{Report, RewardMode, TestVerdict};
use super::sandbox::SandboxKind;
use super::suite::{Mode, TestSuite};
use crate::api::{Environment, Message, Outcome, Task, Verdict};
use crate::error::{EnvError, Result};
use crate::extract::strip_think;
use crate::id::EnvId;
use crate::registry::{parse_config, EnvSpec, Registry};
use crate::seed::task_rng;

const STDIO_PROBLEMS: &str = include_str!("problems/stdio.json");
const CALL_PROBLEMS: &str = include_str!("problems/call.json");

/// The environments' typed config.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeConfig {
    /// The language the prompt asks for (`code/call@1` takes Python only).
    #[serde(default = "python")]
    pub language: Language,
    #[serde(default)]
    pub reward: RewardMode,
    #[serde(default = "yes")]
    pub stop_at_first_failure: bool,
    /// `"namespaces"` (the process sandbox, default) or `"docker"` (one container per run).
    #[serde(default)]
    pub sandbox: SandboxKind,
}

fn python() -> Language {
    Language::Python
}

fn yes() -> bool {
    true
}

impl Default for CodeConfig {
    fn default() -> Self {
        CodeConfig {
            language: Language::Python,
            reward: RewardMode::AllOrNothing,
            stop_at_first_failure: true,
            sandbox: SandboxKind::Namespaces,
        }
    }
}

/// One embedded problem.
#[derive(Debug, Clone)]
struct Embedded {
    name: String,
    title: String,
    statement: String,
    starter_code: Option<String>,
    suite: TestSuite,
    reference_solutions: Vec<(Language, String)>,
}

fn load(json_text: &str) -> std::result::Result<Vec<Embedded>, String> {
    let records: Vec<Value> = serde_json::from_str(json_text).map_err(|e| e.to_string())?;
    records
        .iter()
        .map(|r| {
            let p = parse_problem(r).map_err(|e| e.to_string())?;
            let refs: std::collections::BTreeMap<String, String> =
                serde_json::from_value(r["reference_solutions"].clone())
                    .map_err(|e| e.to_string())?;
            Ok(Embedded {
                name: r["name"].as_str().unwrap_or_default().to_owned(),
                title: p.title.clone().unwrap_or_default(),
                statement: p.statement.clone().unwrap_or_default(),
                starter_code: p.starter_code.clone(),
                suite: p.suite,
                reference_solutions: refs
                    .into_iter()
                    .filter_map(|(l, s)| Language::from_name(&l).map(|l| (l, s)))
                    .collect(),
            })
        })
        .collect()
}

/// Which of the two environments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Stdio,
    Call,
}

pub struct CodeEnv {
    id: EnvId,
    kind: Kind,
    config: CodeConfig,
    problems: Vec<Embedded>,
}

/// Registers `code/stdio@1` and `code/call@1`.
pub fn register(reg: &mut Registry) {
    reg.register(
        EnvSpec {
            id: EnvId::new("code", "stdio", 1).expect("valid id"),
            summary: "competitive programming: a stdin/stdout program judged in the sandbox",
            needs_docker: false,
        },
        |id, config| build(id, config, Kind::Stdio),
    );
    reg.register(
        EnvSpec {
            id: EnvId::new("code", "call", 1).expect("valid id"),
            summary: "LeetCode-style: a Python function judged on its return values in the sandbox",
            needs_docker: false,
        },
        |id, config| build(id, config, Kind::Call),
    );
}

fn build(id: &EnvId, config: &Value, kind: Kind) -> Result<Box<dyn Environment>> {
    let config: CodeConfig = parse_config(id, config)?;
    if kind == Kind::Call && config.language != Language::Python {
        return Err(EnvError::Config {
            env: id.clone(),
            message: "code/call takes Python only".into(),
        });
    }
    let problems = load(if kind == Kind::Stdio {
        STDIO_PROBLEMS
    } else {
        CALL_PROBLEMS
    })
    .map_err(|message| EnvError::Config {
        env: id.clone(),
        message: format!("embedded problem set: {message}"),
    })?;
    let problems: Vec<Embedded> = problems
        .into_iter()
        .filter(|p| {
            p.reference_solutions
                .iter()
                .any(|(l, _)| *l == config.language)
        })
        .collect();
    if problems.is_empty() {
        return Err(EnvError::Config {
            env: id.clone(),
            message: format!(
                "no embedded problem has a {} reference solution",
                config.language
            ),
        });
    }
    Ok(Box::new(CodeEnv {
        id: id.clone(),
        kind,
        config,
        problems,
    }))
}

fn examples(suite: &TestSuite) -> String {
    suite
        .tests
        .iter()
        .take(2)
        .map(|t| {
            format!(
                "Input:\n```\n{}```\nOutput:\n```\n{}```\n",
                with_newline(&t.input),
                with_newline(&t.output)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn with_newline(s: &str) -> String {
    if s.ends_with('\n') {
        s.to_owned()
    } else {
        format!("{s}\n")
    }
}

impl CodeEnv {
    fn prompt(&self, p: &Embedded) -> String {
        let lang = self.config.language;
        let limits = format!(
            "Limits: {} s of CPU time and {} MiB of memory per test.",
            p.suite.limits.time_limit_s, p.suite.limits.memory_limit_mb
        );
        match (&p.suite.mode, &p.starter_code) {
            (Mode::Call { .. }, starter) => format!(
                "{}\n\n{}\n\nExamples (one JSON argument per line, then the return value):\n{}\n{}\n\nComplete this code:\n```python\n{}```\nAnswer with the complete code in one ```python code block.",
                p.title,
                p.statement,
                examples(&p.suite),
                limits,
                starter.as_deref().unwrap_or("")
            ),
            (Mode::Stdio, _) => format!(
                "{}\n\n{}\n\nExamples:\n{}\n{}\n\nWrite a complete {} program that reads standard input and writes standard output. Answer with the program in one ```{} code block.",
                p.title,
                p.statement,
                examples(&p.suite),
                limits,
                match lang {
                    Language::Python => "Python 3",
                    Language::Cpp => "C++17",
                    Language::Rust => "Rust",
                },
                lang.name()
            ),
        }
    }

    fn problem_of(&self, task: &Task) -> Result<&Embedded> {
        let name = task.reference["problem"].as_str().unwrap_or_default();
        self.problems
            .iter()
            .find(|p| p.name == name)
            .ok_or_else(|| EnvError::BadReference {
                env: self.id.clone(),
                message: format!("unknown problem {name:?}"),
            })
    }
}

/// The environment verdict and reward of a judge report.
pub fn outcome_of(report: &Report) -> Outcome {
    let verdict = match report.verdict {
        TestVerdict::AC => Verdict::Correct,
        TestVerdict::CE => Verdict::Invalid,
        v if v.is_limit() => Verdict::LimitExceeded,
        _ if report.reward > 0.0 => Verdict::Partial,
        _ => Verdict::Wrong,
    };
    // Timings differ from run to run; an outcome must not, so they stay out of its details.
    let mut details = serde_json::to_value(report).unwrap_or(Value::Null);
    if let Some(tests) = details.get_mut("tests").and_then(Value::as_array_mut) {
        for t in tests.iter_mut().filter_map(Value::as_object_mut) {
            for key in ["time_ms", "wall_ms", "withheld_ms", "memory_kb"] {
                t.remove(key);
            }
        }
    }
    Outcome {
        reward: report.reward,
        verdict,
        details,
    }
}

/// Judges on a thread of its own, so the async caller is never blocked by a run.
pub async fn judge_async(
    suite: TestSuite,
    language: Language,
    source: String,
    options: JudgeOptions,
) -> std::result::Result<Report, JudgeError> {
    let (tx, rx) = futures::channel::oneshot::channel();
    std::thread::Builder::new()
        .name("rlvr-judge".into())
        .spawn(move || {
            let _ = tx.send(judge(&suite, language, &source, &options));
        })
        .map_err(|e| {
            JudgeError::Sandbox(super::sandbox::SandboxError::Io {
                context: "spawning a judge thread".into(),
                source: e,
            })
        })?;
    rx.await.map_err(|_| {
        JudgeError::Sandbox(super::sandbox::SandboxError::Unavailable(
            "the judge thread died".into(),
        ))
    })?
}

#[async_trait]
impl Environment for CodeEnv {
    fn id(&self) -> &EnvId {
        &self.id
    }

    fn task(&self, seed: u64, index: u64) -> Result<Task> {
        let salt = if self.kind == Kind::Stdio {
            "code/stdio"
        } else {
            "code/call"
        };
        let mut rng = task_rng(salt, seed, index);
        let p = &self.problems[rng.gen_range(0..self.problems.len())];
        Ok(Task {
            env: self.id.clone(),
            seed,
            index,
            prompt: vec![Message::user(self.prompt(p))],
            reference: json!({
                "problem": p.name,
                "language": self.config.language,
                "suite": p.suite,
            }),
            metadata: json!({ "problem": p.name, "tests": p.suite.tests.len() }),
        })
    }

    async fn score(&self, task: &Task, response: &str) -> Result<Outcome> {
        let bad = |message: String| EnvError::BadReference {
            env: self.id.clone(),
            message,
        };
        let suite: TestSuite = serde_json::from_value(task.reference["suite"].clone())
            .map_err(|e| bad(format!("suite: {e}")))?;
        let language: Language = serde_json::from_value(task.reference["language"].clone())
            .map_err(|e| bad(format!("language: {e}")))?;
        let Some(source) = fence::program_for(strip_think(response), language) else {
            return Ok(Outcome::zero(Verdict::Unparseable).with_reason(format!(
                "no ```{} code block in the response",
                language.name()
            )));
        };
        let options = JudgeOptions {
            reward: self.config.reward,
            stop_at_first_failure: self.config.stop_at_first_failure,
            sandbox: self.config.sandbox,
        };
        match judge_async(suite, language, source.to_owned(), options).await {
            Ok(report) => Ok(outcome_of(&report)),
            Err(JudgeError::Checker(m)) => Err(bad(format!("checker: {m}"))),
            Err(JudgeError::Sandbox(e)) => Err(EnvError::Infrastructure {
                env: self.id.clone(),
                message: e.to_string(),
            }),
        }
    }

    fn reference_response(&self, task: &Task) -> Result<String> {
        let p = self.problem_of(task)?;
        let language = self.config.language;
        let source = p
            .reference_solutions
            .iter()
            .find(|(l, _)| *l == language)
            .map(|(_, s)| s)
            .ok_or_else(|| EnvError::BadReference {
                env: self.id.clone(),
                message: format!("problem {} has no {language} reference solution", p.name),
            })?;
        Ok(format!(
            "Here is my solution.\n\n```{}\n{}```\n",
            language.name(),
            source
        ))
    }
}
