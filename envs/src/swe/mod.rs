//! `swe/patch@1`: SWE-bench-style evaluation of patches in Docker sandboxes.

pub mod grading;
pub mod log_parsers;
pub mod report;
pub mod specs;

use crate::registry::Registry;

/// Registers the SWE environments.
pub fn register(_reg: &mut Registry) {}
