//! `swe/patch@1`: SWE-bench-style evaluation of patches in Docker sandboxes.

pub mod grading;
pub mod log_parsers;
pub mod report;
pub mod specs;

#[cfg(feature = "docker")]
pub mod docker;
#[cfg(feature = "docker")]
pub mod environment_spec;
#[cfg(feature = "docker")]
pub mod error;
#[cfg(feature = "docker")]
pub mod eval_script;
#[cfg(feature = "docker")]
pub mod fsutil;
#[cfg(feature = "docker")]
pub mod harness;
#[cfg(feature = "docker")]
pub mod images;
#[cfg(feature = "docker")]
pub mod patch_env;
pub mod patch_files;
#[cfg(feature = "docker")]
pub mod reaper;
#[cfg(feature = "docker")]
pub mod run;
#[cfg(feature = "docker")]
pub mod sandbox;
#[cfg(feature = "docker")]
pub mod synth;

use crate::registry::Registry;

/// Registers the SWE environments (`swe/patch@1` needs the `docker` feature).
pub fn register(_reg: &mut Registry) {
    #[cfg(feature = "docker")]
    patch_env::register(_reg);
}
