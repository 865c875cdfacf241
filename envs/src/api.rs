//! The environment API: single-turn verifiable tasks and multi-turn episodes, one trait family.
//!
//! Every environment is single-turn-capable ([`Environment::task`] + [`Environment::score`]);
//! multi-turn environments override [`Environment::start`] to hand out an [`Episode`] with the
//! Gymnasium shape (reset gives an observation; `step` gives observation, reward, terminated or
//! truncated). The default `start` wraps a single-turn task into a one-step episode, so a trainer that
//! drives episodes can use every environment.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{EnvError, Result};
use crate::id::EnvId;

/// Who says a chat message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
    /// Output of a tool or of the environment in a multi-turn episode.
    Tool,
}

/// One chat message, as in Hugging Face chat templates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

impl Message {
    pub fn system(content: impl Into<String>) -> Self {
        Message {
            role: Role::System,
            content: content.into(),
        }
    }

    pub fn user(content: impl Into<String>) -> Self {
        Message {
            role: Role::User,
            content: content.into(),
        }
    }

    pub fn assistant(content: impl Into<String>) -> Self {
        Message {
            role: Role::Assistant,
            content: content.into(),
        }
    }

    pub fn tool(content: impl Into<String>) -> Self {
        Message {
            role: Role::Tool,
            content: content.into(),
        }
    }
}

/// One task: what the model sees, and what the scorer keeps hidden.
///
/// A task is a pure function of (environment config, seed, index): `task(seed, index)` called twice,
/// on any machine, returns equal values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub env: EnvId,
    pub seed: u64,
    pub index: u64,
    /// The prompt, as chat messages.
    pub prompt: Vec<Message>,
    /// The hidden reference the scorer checks against (environment-specific JSON).
    pub reference: Value,
    /// Free-form facts about the task (difficulty, source record, ...), never shown to the model.
    #[serde(default)]
    pub metadata: Value,
}

/// What the model's response was, as judged. Rewards say how much; verdicts say why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Verdict {
    /// Fully correct.
    Correct,
    /// Partly correct (e.g. some tests pass); the reward says how much.
    Partial,
    /// An answer was found and is wrong.
    Wrong,
    /// No answer could be extracted or parsed from the response.
    Unparseable,
    /// The model's program or patch did not build or apply.
    Invalid,
    /// The model's program exceeded a limit (time, memory, output). A verdict on the model, unlike a
    /// harness timeout, which is an [`EnvError`].
    LimitExceeded,
}

/// The score of one response. `reward` is in [0, 1].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub reward: f64,
    pub verdict: Verdict,
    /// Why: environment-specific, for logs and reports.
    #[serde(default)]
    pub details: Value,
}

impl Outcome {
    /// Reward 1, verdict correct.
    pub fn correct() -> Self {
        Outcome {
            reward: 1.0,
            verdict: Verdict::Correct,
            details: Value::Null,
        }
    }

    /// Reward 0 with the given verdict.
    pub fn zero(verdict: Verdict) -> Self {
        Outcome {
            reward: 0.0,
            verdict,
            details: Value::Null,
        }
    }

    /// Reward 1 or 0 from a boolean judgement.
    pub fn from_bool(correct: bool) -> Self {
        if correct {
            Outcome::correct()
        } else {
            Outcome::zero(Verdict::Wrong)
        }
    }

    /// Attaches details (a reason, per-test results).
    pub fn with_details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }

    /// Attaches a one-line reason as `{"reason": ...}`.
    pub fn with_reason(self, reason: impl Into<String>) -> Self {
        self.with_details(serde_json::json!({ "reason": reason.into() }))
    }

    pub fn is_correct(&self) -> bool {
        self.verdict == Verdict::Correct
    }
}

/// What one step of an episode returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// What the agent sees next (tool output); `None` when the episode is over.
    pub observation: Option<Message>,
    /// The reward of this step.
    pub reward: f64,
    /// The task ended on its own (answer submitted, patch graded). Carries the final outcome.
    pub outcome: Option<Outcome>,
    /// The episode was cut by a limit (turns, tokens) rather than finished.
    pub truncated: bool,
}

impl Step {
    /// Whether no further step may be taken.
    pub fn is_done(&self) -> bool {
        self.outcome.is_some() || self.truncated
    }
}

/// A running multi-turn episode. It owns its resources (a container, say); `close` releases them.
#[async_trait]
pub trait Episode: Send {
    /// The conversation so far, beginning with the task's prompt (the initial observation).
    fn observation(&self) -> &[Message];
    /// Applies the agent's action (its next message).
    async fn step(&mut self, action: &str) -> Result<Step>;
    /// Releases the episode's resources. Dropping without closing is a bug the reaper backs up.
    async fn close(self: Box<Self>) -> Result<()>;
}

/// An environment: a deterministic source of tasks and a scorer for responses.
///
/// Implementations are cheap to share (`Send + Sync`) and async, so slow scorers (sandboxes,
/// containers) run concurrently under tokio. Scoring never panics, whatever the response.
#[async_trait]
pub trait Environment: Send + Sync {
    /// The registered id.
    fn id(&self) -> &EnvId;

    /// Task number `index` of the stream `seed`. Pure: same inputs, same task.
    fn task(&self, seed: u64, index: u64) -> Result<Task>;

    /// Scores a full model response (which may contain `<think>...</think>`) against the task.
    async fn score(&self, task: &Task, response: &str) -> Result<Outcome>;

    /// A response that must score 1: the reference answer in the format the prompt asks for.
    /// Used by the conformance check and by SFT warm-up data.
    fn reference_response(&self, task: &Task) -> Result<String>;

    /// Starts a multi-turn episode on the task. The default is a single step: the first action is
    /// the response, scored with [`Environment::score`].
    async fn start(&self, task: Task) -> Result<Box<dyn Episode + '_>> {
        Ok(Box::new(SingleTurnEpisode {
            env: self,
            transcript: task.prompt.clone(),
            task,
            done: false,
        }))
    }
}

/// A single-turn task seen as a one-step episode.
struct SingleTurnEpisode<'a, E: ?Sized> {
    env: &'a E,
    task: Task,
    transcript: Vec<Message>,
    done: bool,
}

#[async_trait]
impl<E: Environment + ?Sized> Episode for SingleTurnEpisode<'_, E> {
    fn observation(&self) -> &[Message] {
        &self.transcript
    }

    async fn step(&mut self, action: &str) -> Result<Step> {
        if self.done {
            return Err(EnvError::EpisodeOver {
                env: self.task.env.clone(),
            });
        }
        self.done = true;
        self.transcript.push(Message::assistant(action));
        let outcome = self.env.score(&self.task, action).await?;
        Ok(Step {
            observation: None,
            reward: outcome.reward,
            outcome: Some(outcome),
            truncated: false,
        })
    }

    async fn close(self: Box<Self>) -> Result<()> {
        Ok(())
    }
}
