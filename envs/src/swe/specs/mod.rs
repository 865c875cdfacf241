//! Per-repository environment specs (SWE-bench's pins, kept as data in `specs.json`), the Python
//! interpreters this machine's Debian mirror offers (`interpreters.json`), our offline recipes
//! (`offline.json`: what replaces an install step that would need the network), and the decision
//! whether an instance can be served here, and why not.

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

/// How a repository is served without network inside the image build (`offline.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfflineRecipe {
    /// SWE-bench's `MAP_REPO_TO_REQS_PATHS`: the requirements files tried, in order, where the spec
    /// says `packages: requirements.txt`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requirements_paths: Vec<String>,
    /// Import roots of the checkout put on `PYTHONPATH` in place of the spec's `install` step.
    pub pythonpath: Vec<String>,
    /// Pins for what the `install` step would pull from PyPI beyond the spec's own pins; they only
    /// fill gaps (a requirements file or the spec's `pip_packages` win), as `pip install -e .` keeps
    /// versions already installed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub install_requires: Vec<String>,
    /// Versions for requirements the spec names without one (conda `packages: pytest`, which
    /// SWE-bench resolves to the newest release when it builds the image): a bare requirement of
    /// the same name is replaced by its pin, so the image does not change with the index.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pins: Vec<String>,
}

/// The offline recipes, by repository (`owner/name`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfflineTable {
    /// What the recipes are and where their facts come from.
    pub source: String,
    pub repos: BTreeMap<String, OfflineRecipe>,
}

static OFFLINE: LazyLock<OfflineTable> = LazyLock::new(|| {
    serde_json::from_str(include_str!("offline.json"))
        .expect("offline.json is checked by the tests")
});

impl OfflineTable {
    /// The table embedded in the binary.
    pub fn embedded() -> &'static OfflineTable {
        &OFFLINE
    }
}

/// The three tables an assessment reads.
#[derive(Debug, Clone, Copy)]
pub struct Tables<'a> {
    pub specs: &'a SpecTable,
    pub offline: &'a OfflineTable,
    pub interpreters: &'a [Interpreter],
}

impl Tables<'static> {
    /// The tables embedded in the binary.
    pub fn embedded() -> Self {
        Tables {
            specs: SpecTable::embedded(),
            offline: OfflineTable::embedded(),
            interpreters: &InterpreterTable::embedded().interpreters,
        }
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
    assess(repo, version, Tables::embedded())
}

/// Whether an instance of `repo` at `version` can be served with these tables, and why not.
pub fn assess(repo: &str, version: &str, tables: Tables<'_>) -> Serviceability {
    let cannot = |reason: String| Serviceability::Cannot { reason };
    let Some(parser) = LogParser::for_repo(repo) else {
        return cannot(format!("SWE-bench has no Python log parser for {repo}"));
    };
    let Some(versions) = tables.specs.repos.get(repo) else {
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
    // Images run no build step beyond pip from the wheelhouse (no network, no apt inside).
    if !spec.pre_install.is_empty() {
        return cannot(format!(
            "{repo} {version} has pre-install steps, which offline images do not run: {}",
            spec.pre_install.join("; ")
        ));
    }
    let recipe = tables.offline.repos.get(repo);
    if let (Some(install), None) = (&spec.install, recipe) {
        return cannot(format!(
            "no offline recipe for {repo} (offline.json): its install step `{install}` would need the network"
        ));
    }
    if spec.packages.as_deref() == Some("requirements.txt")
        && recipe.is_none_or(|r| r.requirements_paths.is_empty())
    {
        return cannot(format!(
            "{repo} {version} installs a requirements file, and offline.json names none for {repo}"
        ));
    }
    let Some(interpreter) = nearest_interpreter(&spec.python, tables.interpreters) else {
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
    if let (Some(install), Some(recipe)) = (&spec.install, recipe) {
        notes.push(format!(
            "`{install}` replaced by PYTHONPATH={}",
            recipe.pythonpath.join(":")
        ));
    }
    Serviceability::Serve {
        interpreter: interpreter.clone(),
        parser,
        notes,
    }
}

/// The name of a requirement line, normalised as pip does (`Jinja2` and `jinja2` are one package;
/// `-`, `_` and `.` are equivalent). `None` for lines that name no package (options, URLs).
pub fn requirement_name(requirement: &str) -> Option<String> {
    let line = requirement.trim();
    if line.is_empty() || line.starts_with(['-', '#', '.', '/']) || line.contains("://") {
        return None;
    }
    let end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(line.len());
    let name = &line[..end];
    if name.is_empty() {
        return None;
    }
    Some(name.to_ascii_lowercase().replace(['_', '.'], "-"))
}

/// The requirement lines of a requirements file, as SWE-bench 4.1.0's `get_requirements_by_commit`
/// collects them: `-r FILE` lines are replaced by that file's lines (one level, read with `include`
/// relative to the file's directory), and comments, `-e .` and `.[test...]` lines are dropped. We
/// also drop other option lines (`--index-url`), which pip download could not honour offline.
pub fn requirements_lines(
    text: &str,
    path: &str,
    include: &dyn Fn(&str) -> Option<String>,
) -> Vec<String> {
    let dir = path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let keep = |line: &str| {
        let line = line.trim();
        !line.is_empty()
            && !line.starts_with('#')
            && !line.starts_with('-')
            && !line.starts_with(".[")
    };
    let strip = |line: &str| {
        // Inline comments (` # via ...`) are not part of the requirement.
        let line = match line.find(" #") {
            Some(i) => &line[..i],
            None => line,
        };
        line.trim().to_owned()
    };
    let mut included = Vec::new();
    let mut own = Vec::new();
    for line in text.lines() {
        if let Some(file) = line.trim().strip_prefix("-r") {
            let file = file.trim();
            let full = if dir.is_empty() {
                file.to_owned()
            } else {
                format!("{dir}/{file}")
            };
            if let Some(sub) = include(&full) {
                included.extend(sub.lines().filter(|l| keep(l)).map(strip));
            }
        } else if keep(line) {
            own.push(strip(line));
        }
    }
    // SWE-bench puts the included files first, then the file's own lines.
    included.extend(own);
    included
}

/// Replaces each bare requirement (a name without a version or marker) that `pins` names by its
/// pin; returns the requirements and the names pinned.
pub fn pin_bare(requirements: Vec<String>, pins: &[String]) -> (Vec<String>, Vec<String>) {
    let mut pinned = Vec::new();
    let out = requirements
        .into_iter()
        .map(|requirement| {
            let Some(name) = requirement_name(&requirement) else {
                return requirement;
            };
            let bare = !requirement.contains(|c: char| "=<>!~@;[ ".contains(c));
            match pins
                .iter()
                .find(|pin| requirement_name(pin).as_deref() == Some(name.as_str()))
            {
                Some(pin) if bare => {
                    pinned.push(pin.clone());
                    pin.clone()
                }
                _ => requirement,
            }
        })
        .collect();
    (out, pinned)
}

/// Merges requirement lists; for a package named in several, the later list wins (pip installs
/// them in this order, each install replacing the version before).
pub fn merge_requirements(lists: &[&[String]]) -> Vec<String> {
    let mut merged: Vec<(Option<String>, String)> = Vec::new();
    for list in lists {
        for requirement in *list {
            let name = requirement_name(requirement);
            if let Some(name) = &name {
                merged.retain(|(n, _)| n.as_deref() != Some(name.as_str()));
            } else if merged.iter().any(|(_, r)| r == requirement) {
                continue;
            }
            merged.push((name, requirement.clone()));
        }
    }
    merged.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests;
