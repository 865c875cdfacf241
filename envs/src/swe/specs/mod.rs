//! Per-repository environment specs (SWE-bench's pins, kept as data in `specs.json`), the Python
//! interpreters this machine's Debian mirror offers (`interpreters.json`), and the decision whether
//! an instance can be served here, and why not.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::swe::log_parsers::LogParser;

/// SWE-bench's install/test recipe for one (repository, version).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepoSpec {
    /// The Python version SWE-bench pins (`"3.9"`).
    pub python: String,
    /// Conda-side packages: `requirements.txt`, `environment.yml`, or a space-separated package list
    /// (SWE-bench installs the list with conda; we install it with pip where pip has them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packages: Option<String>,
    /// The command that installs the repository itself (`python -m pip install -e .`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub install: Option<String>,
    /// Pinned pip requirements installed after `packages`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pip_packages: Vec<String>,
    /// Shell commands run before `install`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pre_install: Vec<String>,
    /// Shell commands run at the start of every evaluation (locale exports for Django).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub eval_commands: Vec<String>,
    /// The test command; the test files of the instance are appended to it.
    pub test_cmd: String,
    /// SWE-bench runs the tests as a non-root user for this spec.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub execute_test_as_nonroot: bool,
    /// SWE-bench installs into the base environment rather than a `testbed` env.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_use_env: bool,
}

/// The spec table: repository (`owner/name`) to version to spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecTable {
    /// Where the facts come from.
    pub source: String,
    pub repos: BTreeMap<String, BTreeMap<String, RepoSpec>>,
}

static SPEC_TABLE: LazyLock<SpecTable> = LazyLock::new(|| {
    serde_json::from_str(include_str!("specs.json")).expect("specs.json is checked by the tests")
});

impl SpecTable {
    /// The table embedded in the binary.
    pub fn embedded() -> &'static SpecTable {
        &SPEC_TABLE
    }

    /// The spec for a repository at a version, if SWE-bench has one.
    pub fn get(&self, repo: &str, version: &str) -> Option<&RepoSpec> {
        self.repos.get(repo)?.get(version)
    }
}

/// The spec for a repository at a version, from the embedded table.
pub fn spec_for(repo: &str, version: &str) -> Option<&'static RepoSpec> {
    SpecTable::embedded().get(repo, version)
}

/// One Python interpreter a Debian suite on this machine's mirror provides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Interpreter {
    /// Debian suite (`bookworm`).
    pub suite: String,
    /// Python `major.minor` (`3.11`).
    pub python: String,
    /// The exact `python3` package version the suite ships.
    pub package_version: String,
}

/// The interpreters the mirror serves, as measured (`interpreters.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterpreterTable {
    /// The mirror, and how and when it was checked.
    pub checked: String,
    pub interpreters: Vec<Interpreter>,
}

static INTERPRETERS: LazyLock<InterpreterTable> = LazyLock::new(|| {
    serde_json::from_str(include_str!("interpreters.json"))
        .expect("interpreters.json is checked by the tests")
});

impl InterpreterTable {
    /// The table embedded in the binary.
    pub fn embedded() -> &'static InterpreterTable {
        &INTERPRETERS
    }
}

/// Whether an instance can be served on this machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Serviceability {
    /// It can: with this interpreter and parser; `notes` say where we differ from SWE-bench's pins.
    Serve {
        interpreter: Interpreter,
        parser: LogParser,
        notes: Vec<String>,
    },
    /// It cannot, for this reason.
    Cannot { reason: String },
}

/// The interpreter to use for a required `major.minor`: the oldest available one at least as new
/// (code pinned to 3.10 may use 3.10 syntax), else the newest available. `None` when the table is
/// empty or the version does not parse.
pub fn nearest_interpreter<'a>(
    required: &str,
    available: &'a [Interpreter],
) -> Option<&'a Interpreter> {
    let wanted = parse_minor(required)?;
    let mut known: Vec<((u32, u32), &Interpreter)> = available
        .iter()
        .filter_map(|interpreter| Some((parse_minor(&interpreter.python)?, interpreter)))
        .collect();
    known.sort_by_key(|(version, _)| *version);
    known
        .iter()
        .find(|(version, _)| *version >= wanted)
        .or_else(|| known.last())
        .map(|(_, interpreter)| *interpreter)
}

/// `"3.9"` as `(3, 9)`.
fn parse_minor(version: &str) -> Option<(u32, u32)> {
    let mut parts = version.trim().split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// Whether an instance of `repo` at `version` can be served here, with the embedded tables.
pub fn serviceability(repo: &str, version: &str) -> Serviceability {
    assess(
        repo,
        version,
        SpecTable::embedded(),
        &InterpreterTable::embedded().interpreters,
    )
}

/// Whether an instance of `repo` at `version` can be served with these tables, and why not.
pub fn assess(
    repo: &str,
    version: &str,
    specs: &SpecTable,
    available: &[Interpreter],
) -> Serviceability {
    let cannot = |reason: String| Serviceability::Cannot { reason };
    let Some(parser) = LogParser::for_repo(repo) else {
        return cannot(format!("SWE-bench has no Python log parser for {repo}"));
    };
    let Some(versions) = specs.repos.get(repo) else {
        return cannot(format!("no environment spec for repository {repo}"));
    };
    let Some(spec) = versions.get(version) else {
        return cannot(format!(
            "no environment spec for {repo} version {version:?} (known: {})",
            versions.keys().cloned().collect::<Vec<_>>().join(", ")
        ));
    };
    if spec.packages.as_deref() == Some("environment.yml") {
        return cannot(format!(
            "{repo} {version} installs its dependencies from a conda environment.yml; environments here are built with pip"
        ));
    }
    let Some(interpreter) = nearest_interpreter(&spec.python, available) else {
        return cannot(format!(
            "no Python interpreter available for Python {}",
            spec.python
        ));
    };
    let mut notes = Vec::new();
    if interpreter.python != spec.python {
        notes.push(format!(
            "needs Python {}, served with {} from Debian {}",
            spec.python, interpreter.python, interpreter.suite
        ));
    }
    if let Some(packages) = spec
        .packages
        .as_deref()
        .filter(|p| !matches!(*p, "requirements.txt" | "environment.yml"))
    {
        notes.push(format!("conda packages installed with pip: {packages}"));
    }
    if spec
        .pre_install
        .iter()
        .any(|command| command.contains("apt-get"))
    {
        notes.push(
            "pre-install apt-get steps run at image build, from the Debian mirror".to_string(),
        );
    }
    Serviceability::Serve {
        interpreter: interpreter.clone(),
        parser,
        notes,
    }
}
