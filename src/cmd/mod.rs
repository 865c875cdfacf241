//! One module per command group.

pub mod demo;
pub mod env;
pub mod loss;
pub mod model;
pub mod plot;
pub mod swe;
pub mod synlogic;
pub mod train;
pub mod verify;

/// A current-thread-plus-workers tokio runtime for commands that score concurrently.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}
