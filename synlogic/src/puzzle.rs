//! The `Puzzle` trait: one implementation per SynLogic task, in `tasks/<task>.rs`.

use rand::SeedableRng;
use rlvr_envs::seed::TaskRng;
use rlvr_envs::Verdict;
use serde::Serialize;

use crate::difficulty::Difficulty;
use crate::error::SynlogicError;
use crate::instance::{Gold, Instance, TraceId};
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

    /// [`Puzzle::verify`] on an instance held in memory. A task whose generator keeps a typed gold
    /// (`Metadata::with_typed`) reads it here instead of the JSON; the verdict is the same.
    fn verify_instance(
        &self,
        instance: &Instance,
        response: &str,
    ) -> Result<Judgement, SynlogicError> {
        self.verify(instance.gold(), response)
    }

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
    let LazyBegun {
        level,
        rng,
        language,
        trace,
    } = begin_lazy(task, seed, index, options);
    Begun {
        level,
        rng,
        language,
        trace: trace.to_string(),
    }
}

/// [`Begun`] with the trace id left as its bytes, formatted when the metadata is built.
pub struct LazyBegun {
    pub level: Difficulty,
    pub rng: TaskRng,
    pub language: Language,
    pub trace: TraceId,
}

/// [`begin`], the same draws, keeping the trace id as a [`TraceId`].
pub fn begin_lazy(task: &str, seed: u64, index: u64, options: GenOptions) -> LazyBegun {
    let level = options.difficulty;
    let mut rng = instance_rng(task, seed, index, level);
    let language = Language::draw(&mut rng, options.language);
    let trace = TraceId::draw(&mut rng);
    LazyBegun {
        level,
        rng,
        language,
        trace,
    }
}

/// The random stream of one instance: separated by task and difficulty, so levels do not share draws.
///
/// The same stream as `task_rng(&format!("synlogic/{task}/d{level}"), seed, index)`, without building
/// the salt string: its FNV-1a hash is taken piece by piece (this runs once per generated instance).
pub fn instance_rng(task: &str, seed: u64, index: u64, difficulty: Difficulty) -> TaskRng {
    let level = difficulty.level();
    let mut h = FNV_OFFSET;
    for part in [b"synlogic/".as_slice(), task.as_bytes(), b"/d"] {
        h = fnv1a(h, part);
    }
    h = if level >= 10 {
        fnv1a(h, &[b'0' + level / 10, b'0' + level % 10])
    } else {
        fnv1a(h, &[b'0' + level])
    };
    // As `rlvr_envs::seed::task_rng` from here on (pinned by a test below).
    let a = splitmix64(seed ^ h);
    let b = splitmix64(a ^ index.wrapping_mul(0xd1b5_4a32_d192_ed03));
    let mut key = [0u8; 32];
    for (i, chunk) in key.chunks_mut(8).enumerate() {
        chunk.copy_from_slice(&splitmix64(b.wrapping_add(i as u64)).to_le_bytes());
    }
    TaskRng::from_seed(key)
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv1a(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
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
            assert_eq!(begun.trace, crate::instance::trace_id(&mut rng));
            assert_eq!(begun.rng.gen::<u64>(), rng.gen::<u64>());
            let lazy = begin_lazy("t", 5, 9, options);
            assert_eq!(lazy.trace.to_string(), begun.trace);
            assert_eq!(lazy.language, begun.language);
        }
    }

    #[test]
    fn instance_rng_is_task_rng_over_the_salt_string() {
        for task in ["survo", "star_placement_puzzle", ""] {
            for level in Difficulty::all() {
                for (seed, index) in [(0, 0), (2026, 7), (u64::MAX, 1 << 40)] {
                    let salt = format!("synlogic/{task}/d{}", level.level());
                    let mut ours = instance_rng(task, seed, index, level);
                    let mut theirs = rlvr_envs::seed::task_rng(&salt, seed, index);
                    assert_eq!(ours.gen::<[u64; 4]>(), theirs.gen::<[u64; 4]>(), "{salt}");
                }
            }
        }
    }
}
