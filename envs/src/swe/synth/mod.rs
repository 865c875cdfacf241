//! `rlvr swe synth`: task instances made from real open-source projects. Each project's sdist
//! (fetched with pip on the host) becomes a local git clone; a seeded choice of bugs is injected
//! into its functions; a bug is kept only when the project's own tests, run in the evaluation
//! container, catch it. The gold patch reverts the bug; the test files holding the failing tests
//! are removed at the task's base commit and added back by the test patch, as SWE-bench's hidden
//! tests are; FAIL_TO_PASS and PASS_TO_PASS come from the container runs.

pub mod build;
pub mod mutate;
pub mod projects;

pub use build::{synthesize, SynthConfig, SynthSummary};
