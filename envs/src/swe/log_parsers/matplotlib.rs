//! `matplotlib`: [`super::pytest`] with `MouseButton.LEFT`/`MouseButton.RIGHT` in parameters written
//! as `1`/`3`, the way matplotlib's test ids spell them in SWE-bench's data.

use super::pytest::summary_line;
use super::status::StatusMap;

/// Parses a matplotlib pytest log.
pub fn parse(log: &str) -> StatusMap {
    let mut statuses = StatusMap::new();
    for line in log.split('\n') {
        let line = line
            .replace("MouseButton.LEFT", "1")
            .replace("MouseButton.RIGHT", "3");
        if let Some((test, status)) = summary_line(&line) {
            statuses.insert(test, status);
        }
    }
    statuses
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::swe::log_parsers::TestStatus;

    #[test]
    fn spells_mouse_buttons_as_numbers() {
        let map = parse("PASSED lib/t.py::test_click[MouseButton.LEFT-MouseButton.RIGHT]\n");
        assert_eq!(map["lib/t.py::test_click[1-3]"], TestStatus::Passed);
        assert_eq!(map.len(), 1);
    }
}
