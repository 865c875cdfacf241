//! `pytest_options`: [`super::pytest`] plus shortening of path-valued parameters.
//!
//! A parametrized id whose parameter is an absolute path (`test_x[/tmp/abc/file.py]`) differs from
//! machine to machine, so SWE-bench keeps only the file name: `test_x[/file.py]`. Used for requests,
//! pylint and pydicom.

use super::pytest::summary_line;
use super::status::StatusMap;

/// Parses a pytest log, shortening absolute-path parameters in test ids.
pub fn parse(log: &str) -> StatusMap {
    let mut statuses = StatusMap::new();
    for line in log.split('\n') {
        if let Some((test, status)) = summary_line(line) {
            statuses.insert(shorten_path_option(&test), status);
        }
    }
    statuses
}

/// `main[option]` with the option cut to `/basename` when it is a single-slash absolute path
/// without globs. Like SWE-bench's `(.*?)\[(.*)\]`, the option runs from the first `[` to the last
/// `]`, and anything after that `]` is dropped.
fn shorten_path_option(test: &str) -> String {
    let Some(open) = test.find('[') else {
        return test.to_string();
    };
    let Some(close) = test.rfind(']').filter(|&close| close > open) else {
        return test.to_string();
    };
    let main = &test[..open];
    let mut option = &test[open + 1..close];
    if option.starts_with('/') && !option.starts_with("//") && !option.contains('*') {
        option = &option[option.rfind('/').unwrap_or(0)..];
    }
    format!("{main}[{option}]")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::swe::log_parsers::TestStatus;

    #[test]
    fn shortens_absolute_path_parameters() {
        assert_eq!(shorten_path_option("t[/a/b/c.py]"), "t[/c.py]");
        assert_eq!(shorten_path_option("t[//a/b]"), "t[//a/b]");
        assert_eq!(shorten_path_option("t[/a/*.py]"), "t[/a/*.py]");
        assert_eq!(shorten_path_option("t[rel/a.py]"), "t[rel/a.py]");
        assert_eq!(shorten_path_option("t[a]tail"), "t[a]");
        assert_eq!(shorten_path_option("t[a][/x/y]"), "t[a][/x/y]");
        assert_eq!(shorten_path_option("t]x[y"), "t]x[y");
        assert_eq!(shorten_path_option("plain"), "plain");
    }

    #[test]
    fn parses_like_pytest_with_short_ids() {
        let map = parse(
            "PASSED tests/t.py::test_load[/tmp/xyz/data.txt]\nFAILED tests/t.py::test_b - x\n",
        );
        assert_eq!(map["tests/t.py::test_load[/data.txt]"], TestStatus::Passed);
        assert_eq!(map["tests/t.py::test_b"], TestStatus::Failed);
        assert_eq!(map.len(), 2);
    }
}
