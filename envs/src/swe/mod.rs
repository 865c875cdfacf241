//! `swe/patch@1`: SWE-bench-style evaluation of patches in Docker sandboxes.

use crate::registry::Registry;

/// Registers the SWE environments.
pub fn register(_reg: &mut Registry) {}
