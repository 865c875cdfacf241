//! The `Puzzle` trait: one implementation per SynLogic task, in `tasks/<task>.rs`.

use rlvr_envs::seed::{task_rng, TaskRng};
use rlvr_envs::Verdict;
use serde::Serialize;

use crate::difficulty::Difficulty;
use crate::error::SynlogicError;
use crate::instance::{trace_id, Gold, Instance};
use crate::language::Language;

/// A verifier's judgement of one response: the verdict and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Judgement {
    /// `Correct`, `Wrong` (an answer was found and breaks a rule) or `Unparseable` (no answer in the format).
    pub verdict: Verdict,
    pub reason: String,
}

impl Judgement {
    pub fn correct() -> Self {
        Judgement {
            verdict: Verdict::Correct,
            reason: "correct".to_owned(),
        }
    }

    pub fn wrong(reason: impl Into<String>) -> Self {
        Judgement {
            verdict: Verdict::Wrong,
            reason: reason.into(),
        }
    }

    pub fn unparseable(reason: impl Into<String>) -> Self {
        Judgement {
            verdict: Verdict::Unparseable,
            reason: reason.into(),
        }
    }

    pub fn is_correct(&self) -> bool {
        self.verdict == Verdict::Correct
    }
}

/// What generation may be asked for besides (seed, index).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GenOptions {
    pub difficulty: Difficulty,
    /// Force the prompt language; `None` draws it 50/50 from the seed like SynLogic.
    pub language: Option<Language>,
}

impl GenOptions {
    pub fn at(difficulty: Difficulty) -> Self {
        GenOptions {
            difficulty,
            language: None,
        }
    }
}

/// One SynLogic task: a seeded generator and a rule-based verifier.
///
/// Contract (checked for every task by the crate's tests):
/// - `generate` is a pure function of (seed, index, options): same bytes on any machine;
/// - the instance's `reference_response` verifies as correct, and for tasks promising a unique
///   solution our solver proved it at generation time;
/// - `verify` never panics and runs in time bounded by the response length, whatever the response.
pub trait Puzzle: Send + Sync {
    /// SynLogic's task id (`sudoku`, `futoshiki`, ...), also the environment name.
    fn id(&self) -> &'static str;

    /// One line for `rlvr env list --long`.
    fn summary(&self) -> &'static str;

    /// Generates instance `index` of stream `seed`.
    fn generate(
        &self,
        seed: u64,
        index: u64,
        options: GenOptions,
    ) -> Result<Instance, SynlogicError>;

    /// Judges a full model response (reasoning included) against a record's gold data. An `Err` means
    /// the record itself is malformed, never that the response is.
    fn verify(&self, gold: Gold<'_>, response: &str) -> Result<Judgement, SynlogicError>;

    /// A response that states the gold answer in the format the prompt asks for.
    fn reference_response(&self, gold: Gold<'_>) -> Result<String, SynlogicError>;

    /// The generator knobs behind a level, as JSON, for `DIFFICULTY.md` and `rlvr synlogic bench`.
    fn knobs(&self, difficulty: Difficulty) -> serde_json::Value;

    /// Our solver's effort (search nodes) on an instance this task generated: the measure that the
    /// difficulty ladder must raise. Tasks whose generator already solves record it in metadata;
    /// the others solve here, outside the timed generation path.
    fn solver_effort(&self, instance: &Instance) -> Option<u64> {
        instance.solver_nodes()
    }
}

/// What every generator draws first, in this order: its random stream, the prompt language, the
/// trace id. One place, so the 17 tasks cannot drift apart (and their bytes stay as they were).
pub struct Begun {
    pub level: Difficulty,
    pub rng: TaskRng,
    pub language: Language,
    pub trace: String,
}

/// Starts instance `index` of stream `seed` for task `task`: see [`Begun`].
pub fn begin(task: &str, seed: u64, index: u64, options: GenOptions) -> Begun {
    let level = options.difficulty;
    let mut rng = instance_rng(task, seed, index, level);
    let language = Language::draw(&mut rng, options.language);
    let trace = trace_id(&mut rng);
    Begun {
        level,
        rng,
        language,
        trace,
    }
}

/// The random stream of one instance: separated by task and difficulty, so levels do not share draws.
pub fn instance_rng(task: &str, seed: u64, index: u64, difficulty: Difficulty) -> TaskRng {
    task_rng(
        &format!("synlogic/{task}/d{}", difficulty.level()),
        seed,
        index,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn begin_draws_the_stream_then_the_language_then_the_trace_id() {
        let level = Difficulty::new(3).unwrap();
        for forced in [None, Some(Language::En), Some(Language::Zh)] {
            let options = GenOptions {
                difficulty: level,
                language: forced,
            };
            let mut begun = begin("t", 5, 9, options);
            let mut rng = instance_rng("t", 5, 9, level);
            let language = Language::draw(&mut rng, forced);
            assert_eq!(begun.level, level);
            assert_eq!(begun.language, language);
            assert_eq!(begun.trace, trace_id(&mut rng));
            assert_eq!(begun.rng.gen::<u64>(), rng.gen::<u64>());
        }
    }
}
