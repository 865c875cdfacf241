//! What one evaluation environment is: the repository, the interpreter, the pinned test
//! dependencies, the test command and the log parser. One Docker image is built per spec
//! (repository@environment), shared by every instance of that repository and version.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::swe::error::{SweError, SweResult};

/// One (repository, environment) pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentSpec {
    /// `owner/name`.
    pub repo: String,
    /// The instance `version` this environment serves (SWE-bench's key into its spec table).
    pub version: String,
    /// Interpreter version, one a Debian suite ships ("3.9", "3.11", "3.13").
    pub python: String,
    /// Pinned requirements installed from the host wheelhouse (`pytest==8.3.3`).
    #[serde(default)]
    pub pip_packages: Vec<String>,
    /// The test command; the test files are appended as arguments.
    pub test_cmd: String,
    /// Name of the log parser (SWE-bench's `PARSER_REGISTRY` key, e.g. `pytest`).
    pub log_parser: String,
    /// Directories of the checkout put on `PYTHONPATH` (relative; "." for the root), in place of an
    /// install step, so checking out another commit needs no reinstall.
    #[serde(default)]
    pub pythonpath: Vec<String>,
    /// Shell lines run before the tests (exports, locale settings).
    #[serde(default)]
    pub eval_commands: Vec<String>,
}

impl EnvironmentSpec {
    /// `owner__name`, the directory name of the repository's clone under `--repos`.
    pub fn repo_dir_name(&self) -> String {
        self.repo.replace('/', "__")
    }
}

/// Environment specs keyed by (repository, version).
#[derive(Debug, Clone, Default)]
pub struct EnvironmentTable {
    specs: BTreeMap<(String, String), EnvironmentSpec>,
}

impl EnvironmentTable {
    /// Reads a JSON list of specs.
    pub fn from_file(path: &Path) -> SweResult<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| SweError::io(path, e))?;
        let specs: Vec<EnvironmentSpec> = serde_json::from_str(&text)
            .map_err(|e| SweError::Input(format!("{}: {e}", path.display())))?;
        let mut table = EnvironmentTable::default();
        for spec in specs {
            table.insert(spec);
        }
        Ok(table)
    }

    /// Writes the table as a JSON list, atomically.
    pub fn write(&self, path: &Path) -> SweResult<()> {
        let specs: Vec<&EnvironmentSpec> = self.specs.values().collect();
        let text = serde_json::to_string_pretty(&specs).expect("specs serialize");
        crate::swe::fsutil::write_atomic(path, text.as_bytes())
    }

    pub fn insert(&mut self, spec: EnvironmentSpec) {
        self.specs
            .insert((spec.repo.clone(), spec.version.clone()), spec);
    }

    pub fn get(&self, repo: &str, version: &str) -> Option<&EnvironmentSpec> {
        self.specs.get(&(repo.to_owned(), version.to_owned()))
    }

    pub fn iter(&self) -> impl Iterator<Item = &EnvironmentSpec> {
        self.specs.values()
    }

    pub fn is_empty(&self) -> bool {
        self.specs.is_empty()
    }
}
