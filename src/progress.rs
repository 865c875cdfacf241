//! Progress bars for long work, drawn on stderr and hidden when stderr is not a terminal.

use indicatif::{ProgressBar, ProgressStyle};

/// A bar over `len` items labelled `what`.
pub fn bar(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{msg:>12} [{bar:40}] {pos}/{len} ({per_sec}, eta {eta})")
            .expect("static template")
            .progress_chars("=> "),
    );
    bar.set_message(what.to_owned());
    bar
}
