//! Test-log parsers equivalent to SWE-bench's Python ones (`harness/log_parsers/python.py`): each
//! turns the text a test command printed into a map from test id to [`TestStatus`].
//!
//! Equivalence is the point: FAIL_TO_PASS and PASS_TO_PASS ids in SWE-bench's data are whatever these
//! parsers produced, quirks included, so each parser follows its Python twin line by line (Python's
//! whitespace rules, first-`[`/last-`]` matching, later lines overriding earlier ones). The
//! fixtures under `envs/tests/fixtures/swe/logs/` hold real logs with the maps SWE-bench's own code
//! produced for them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub mod django;
pub mod matplotlib;
pub mod pytest;
pub mod pytest_options;
pub mod pytest_v2;
pub mod seaborn;
mod status;
pub mod sympy;
mod text;

pub use status::{StatusMap, TestStatus};

/// Which parser reads a repository's test log. Names as `rlvr swe parse-log --parser` takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogParser {
    /// pytest's `-rA` short summary.
    Pytest,
    /// pytest, with absolute-path parameters cut to their file name.
    PytestOptions,
    /// pytest with colour codes, ids with spaces and old `<id> <STATUS>` lines.
    PytestV2,
    /// Django's unittest runner at verbosity 2.
    Django,
    /// sympy's `bin/test`.
    Sympy,
    /// seaborn's pytest logs (PASSED and FAILED only).
    Seaborn,
    /// pytest with matplotlib's mouse-button ids.
    Matplotlib,
}

impl LogParser {
    /// Every parser, in declaration order.
    pub const ALL: [LogParser; 7] = [
        LogParser::Pytest,
        LogParser::PytestOptions,
        LogParser::PytestV2,
        LogParser::Django,
        LogParser::Sympy,
        LogParser::Seaborn,
        LogParser::Matplotlib,
    ];

    /// The short name (`pytest`, `pytest_options`, ...).
    pub fn name(self) -> &'static str {
        match self {
            LogParser::Pytest => "pytest",
            LogParser::PytestOptions => "pytest_options",
            LogParser::PytestV2 => "pytest_v2",
            LogParser::Django => "django",
            LogParser::Sympy => "sympy",
            LogParser::Seaborn => "seaborn",
            LogParser::Matplotlib => "matplotlib",
        }
    }

    /// The parser SWE-bench uses for a repository (`owner/name`), or `None` for a repository
    /// SWE-bench has no Python parser for.
    pub fn for_repo(repo: &str) -> Option<LogParser> {
        let parser = match repo {
            "pytest-dev/pytest"
            | "pallets/flask"
            | "pylint-dev/astroid"
            | "marshmallow-code/marshmallow"
            | "pvlib/pvlib-python"
            | "pyvista/pyvista"
            | "sqlfluff/sqlfluff"
            | "pydata/xarray" => LogParser::Pytest,
            "psf/requests" | "pylint-dev/pylint" | "pydicom/pydicom" => LogParser::PytestOptions,
            "astropy/astropy" | "scikit-learn/scikit-learn" | "sphinx-doc/sphinx" => {
                LogParser::PytestV2
            }
            "django/django" => LogParser::Django,
            "sympy/sympy" => LogParser::Sympy,
            "mwaskom/seaborn" => LogParser::Seaborn,
            "matplotlib/matplotlib" => LogParser::Matplotlib,
            _ => return None,
        };
        Some(parser)
    }

    /// Parses a log with this parser.
    pub fn parse(self, log: &str) -> StatusMap {
        parse(self, log)
    }
}

/// Parses `log` with `parser`. Never fails: a log with no recognisable lines gives an empty map.
pub fn parse(parser: LogParser, log: &str) -> StatusMap {
    match parser {
        LogParser::Pytest => pytest::parse(log),
        LogParser::PytestOptions => pytest_options::parse(log),
        LogParser::PytestV2 => pytest_v2::parse(log),
        LogParser::Django => django::parse(log),
        LogParser::Sympy => sympy::parse(log),
        LogParser::Seaborn => seaborn::parse(log),
        LogParser::Matplotlib => matplotlib::parse(log),
    }
}

impl fmt::Display for LogParser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A parser name that is none of ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown log parser {name:?}; expected one of pytest, pytest_options, pytest_v2, django, sympy, seaborn, matplotlib (or a SWE-bench 5.x `parse_log_*` name)")]
pub struct UnknownParser {
    pub name: String,
}

impl FromStr for LogParser {
    type Err = UnknownParser;

    /// Reads our short names and SWE-bench 5.x's `PARSER_REGISTRY` keys (`parse_log_flask`, ...),
    /// which datasets carry in their `log_parser` field.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let unknown = || UnknownParser {
            name: s.to_string(),
        };
        let name = s.strip_prefix("parse_log_").unwrap_or(s);
        if let Some(parser) = LogParser::ALL
            .into_iter()
            .find(|parser| parser.name() == name)
        {
            return Ok(parser);
        }
        if !s.starts_with("parse_log_") {
            return Err(unknown());
        }
        // SWE-bench's per-repository aliases of the same functions.
        match name {
            "astroid" | "flask" | "marshmallow" | "pvlib" | "pyvista" | "sqlfluff" | "xarray" => {
                Ok(LogParser::Pytest)
            }
            "pydicom" | "requests" | "pylint" => Ok(LogParser::PytestOptions),
            "astropy" | "scikit" | "sphinx" => Ok(LogParser::PytestV2),
            _ => Err(unknown()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for parser in LogParser::ALL {
            assert_eq!(parser.to_string().parse::<LogParser>().unwrap(), parser);
            assert_eq!(
                format!("parse_log_{parser}").parse::<LogParser>().unwrap(),
                parser
            );
            let json = serde_json::to_string(&parser).unwrap();
            assert_eq!(json, format!("\"{}\"", parser.name()));
        }
    }

    #[test]
    fn registry_aliases_and_unknown_names() {
        assert_eq!(
            "parse_log_flask".parse::<LogParser>().unwrap(),
            LogParser::Pytest
        );
        assert_eq!(
            "parse_log_requests".parse::<LogParser>().unwrap(),
            LogParser::PytestOptions
        );
        assert_eq!(
            "parse_log_scikit".parse::<LogParser>().unwrap(),
            LogParser::PytestV2
        );
        assert!("flask".parse::<LogParser>().is_err());
        assert!("parse_log_jest".parse::<LogParser>().is_err());
        assert!("".parse::<LogParser>().is_err());
    }

    #[test]
    fn chooses_swe_bench_parser_per_repository() {
        assert_eq!(
            LogParser::for_repo("pallets/flask"),
            Some(LogParser::Pytest)
        );
        assert_eq!(
            LogParser::for_repo("psf/requests"),
            Some(LogParser::PytestOptions)
        );
        assert_eq!(
            LogParser::for_repo("sphinx-doc/sphinx"),
            Some(LogParser::PytestV2)
        );
        assert_eq!(
            LogParser::for_repo("django/django"),
            Some(LogParser::Django)
        );
        assert_eq!(LogParser::for_repo("sympy/sympy"), Some(LogParser::Sympy));
        assert_eq!(
            LogParser::for_repo("mwaskom/seaborn"),
            Some(LogParser::Seaborn)
        );
        assert_eq!(
            LogParser::for_repo("matplotlib/matplotlib"),
            Some(LogParser::Matplotlib)
        );
        assert_eq!(LogParser::for_repo("rust-lang/rust"), None);
    }
}
