//! Python `str` semantics the parsers rely on, so our splits and strips cut where SWE-bench's do.

use std::sync::LazyLock;

use regex::Regex;

/// Python's `str.isspace()` for one character. It differs from [`char::is_whitespace`] on the
/// ASCII separators U+001C..U+001F, which Python treats as whitespace.
pub(crate) fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `s.split()` (no argument): runs of whitespace separate, empty pieces are dropped.
pub(crate) fn py_split(s: &str) -> Vec<&str> {
    s.split(is_py_space)
        .filter(|piece| !piece.is_empty())
        .collect()
}

/// Python's `s.strip()` (no argument).
pub(crate) fn py_strip(s: &str) -> &str {
    s.trim_matches(is_py_space)
}

/// Whether `line` starts with one of the five status words (`any(line.startswith(x.value) ...)`).
pub(crate) fn starts_with_status(line: &str) -> bool {
    ["FAILED", "PASSED", "SKIPPED", "ERROR", "XFAIL"]
        .iter()
        .any(|word| line.starts_with(word))
}

/// Whether `line` ends with one of the five status words.
pub(crate) fn ends_with_status(line: &str) -> bool {
    ["FAILED", "PASSED", "SKIPPED", "ERROR", "XFAIL"]
        .iter()
        .any(|word| line.ends_with(word))
}

/// pytest's `SKIPPED [N] path:line: reason` summary line, where `[N]` is a count, not a test id.
pub(crate) fn is_skip_summary(status: &str, name: &str) -> bool {
    // `\d` is Unicode-aware in both Python and Rust regexes.
    static COUNT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\[\d+\]$").expect("valid regex"));
    status == "SKIPPED" && COUNT.is_match(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_and_strip_follow_python() {
        assert_eq!(py_split("  a\tb \u{1f} c\n"), vec!["a", "b", "c"]);
        assert_eq!(py_split(""), Vec::<&str>::new());
        assert_eq!(py_strip("\u{1c} x y \u{a0}"), "x y");
    }

    #[test]
    fn skip_summary_needs_a_bracketed_count() {
        assert!(is_skip_summary("SKIPPED", "[12]"));
        assert!(!is_skip_summary("SKIPPED", "[]"));
        assert!(!is_skip_summary("SKIPPED", "[1a]"));
        assert!(!is_skip_summary("PASSED", "[1]"));
        assert!(!is_skip_summary("SKIPPED", "t[1]"));
    }
}
