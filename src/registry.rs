//! The full environment registry: every crate's environments, registered explicitly.

use rlvr_envs::Registry;

/// Every environment this binary knows.
pub fn full() -> Registry {
    let mut reg = Registry::with_builtins();
    rlvr_synlogic::register(&mut reg);
    reg
}
