//! rlvr-envs: the environment API that turns a model's output into a reward, the registry of
//! versioned environment ids, the conformance checks behind `rlvr env check`, and the built-in
//! environments.
//!
//! The one decision to know: a wrong answer is an [`Outcome`] (a reward, possibly 0), while a failure
//! of the machinery that scores it (Docker down, a harness timeout) is an [`EnvError`]. The trainer
//! masks errors; it never turns them into a reward.

pub mod api;
pub mod code;
pub mod conformance;
pub mod error;
pub mod example;
pub mod extract;
pub mod id;
pub mod math;
pub mod registry;
pub mod seed;
pub mod swe;

pub use api::{Environment, Episode, Message, Outcome, Role, Step, Task, Verdict};
pub use error::{EnvError, Result};
pub use id::EnvId;
pub use registry::{EnvFactory, EnvSpec, Registry};
