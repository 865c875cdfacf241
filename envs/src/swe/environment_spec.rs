//! What one evaluation environment is: the repository, the interpreter, the pinned test
//! dependencies, the test command and the log parser. One Docker image is built per spec
//! (repository@environment), shared by every instance of that repository and version.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rlvr_datasets::SweInstance;
use serde::{Deserialize, Serialize};

use crate::swe::error::{SweError, SweResult};
use crate::swe::specs::{
    assess, merge_requirements, pin_bare, requirements_lines, Serviceability, Tables,
};

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

/// Files of a repository at a commit; the derivation reads requirements files through it.
pub trait RepoFiles {
    /// The text of `path` at `commit` in `repo` (`owner/name`), if the file exists there.
    fn read(&self, repo: &str, commit: &str, path: &str) -> Option<String>;
}

/// Files read from the local clones under a directory (`owner__name`, bare or not).
#[derive(Debug, Clone)]
pub struct CloneFiles {
    pub repos: PathBuf,
}

impl RepoFiles for CloneFiles {
    fn read(&self, repo: &str, commit: &str, path: &str) -> Option<String> {
        let git = crate::swe::images::env::clone_git_dir(&self.repos, repo).ok()?;
        let out = std::process::Command::new("git")
            .arg("--git-dir")
            .arg(&git)
            .args(["show", &format!("{commit}:{path}")])
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

/// An environment derived from the tables, with where it departs from SWE-bench's recipe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivedEnvironment {
    pub spec: EnvironmentSpec,
    pub notes: Vec<String>,
}

/// Derives the environment of `repo` at `version` from the spec table, the offline recipes and the
/// nearest interpreter, installing what SWE-bench installs: the requirements file read at
/// `environment_setup_commit`, conda packages (with pip), what the install step pulls in, then the
/// pinned `pip_packages`, later pins replacing earlier ones. `Err` carries the reason it cannot.
pub fn derive(
    repo: &str,
    version: &str,
    environment_setup_commit: &str,
    tables: Tables<'_>,
    files: &dyn RepoFiles,
) -> Result<DerivedEnvironment, String> {
    let (interpreter, parser, mut notes) = match assess(repo, version, tables) {
        Serviceability::Serve {
            interpreter,
            parser,
            notes,
        } => (interpreter, parser, notes),
        Serviceability::Cannot { reason } => return Err(reason),
    };
    let spec = tables
        .specs
        .get(repo, version)
        .expect("assess served it, so the spec exists");
    let recipe = tables.offline.repos.get(repo);
    let mut requirements = Vec::new();
    let mut conda = Vec::new();
    match spec.packages.as_deref() {
        Some("requirements.txt") => {
            let paths = recipe
                .map(|r| r.requirements_paths.as_slice())
                .unwrap_or(&[]);
            let found = paths.iter().find_map(|path| {
                let text = files.read(repo, environment_setup_commit, path)?;
                Some((path, text))
            });
            let Some((path, text)) = found else {
                return Err(format!(
                    "none of {} exists at {environment_setup_commit} in the clone of {repo}",
                    paths.join(", ")
                ));
            };
            let include = |p: &str| files.read(repo, environment_setup_commit, p);
            requirements = requirements_lines(&text, path, &include);
            let short = environment_setup_commit
                .get(..12)
                .unwrap_or(environment_setup_commit);
            notes.push(format!("{path} at {short} read from the clone"));
        }
        Some("environment.yml") | None => {}
        Some(list) => conda = list.split_whitespace().map(str::to_owned).collect(),
    }
    let install_requires: &[String] = match (&spec.install, recipe) {
        (Some(_), Some(recipe)) => &recipe.install_requires,
        _ => &[],
    };
    let merged = merge_requirements(&[install_requires, &requirements, &conda, &spec.pip_packages]);
    let pins = recipe.map(|r| r.pins.as_slice()).unwrap_or(&[]);
    let (pip_packages, pinned) = pin_bare(merged, pins);
    if !pinned.is_empty() {
        notes.push(format!(
            "unversioned in SWE-bench's spec (newest at image build), pinned here: {}",
            pinned.join(", ")
        ));
    }
    let pythonpath = match (&spec.install, recipe) {
        (Some(_), Some(recipe)) => recipe.pythonpath.clone(),
        _ => vec![".".to_owned()],
    };
    Ok(DerivedEnvironment {
        spec: EnvironmentSpec {
            repo: repo.to_owned(),
            version: version.to_owned(),
            python: interpreter.python,
            pip_packages,
            test_cmd: spec.test_cmd.clone(),
            log_parser: parser.name().to_owned(),
            pythonpath,
            eval_commands: spec.eval_commands.clone(),
        },
        notes,
    })
}

impl EnvironmentTable {
    /// The environments of `instances`, derived from the tables (one per repository and version,
    /// read at the first instance's `environment_setup_commit`); fails naming every instance that
    /// cannot be served, and why.
    pub fn derive(
        instances: &[SweInstance],
        tables: Tables<'_>,
        files: &dyn RepoFiles,
    ) -> SweResult<Self> {
        let mut table = EnvironmentTable::default();
        let mut failed: BTreeMap<(String, String), String> = BTreeMap::new();
        let mut unservable = Vec::new();
        for instance in instances {
            let key = (instance.repo.clone(), instance.version.clone());
            if table.specs.contains_key(&key) {
                continue;
            }
            if let Some(reason) = failed.get(&key) {
                unservable.push((instance.instance_id.clone(), reason.clone()));
                continue;
            }
            let setup = if instance.environment_setup_commit.is_empty() {
                &instance.base_commit
            } else {
                &instance.environment_setup_commit
            };
            match derive(&instance.repo, &instance.version, setup, tables, files) {
                Ok(derived) => table.insert(derived.spec),
                Err(reason) => {
                    unservable.push((instance.instance_id.clone(), reason.clone()));
                    failed.insert(key, reason);
                }
            }
        }
        if unservable.is_empty() {
            Ok(table)
        } else {
            Err(SweError::Unservable(unservable))
        }
    }
}

/// The file `rlvr swe synth` writes beside its instances, read when no environments file is named.
pub const ENVIRONMENTS_BESIDE: &str = "environments.json";

impl EnvironmentTable {
    /// The environments of a dataset: `explicit` if given, else `environments.json` beside the
    /// dataset (what `rlvr swe synth` writes), else derived for each instance from the embedded
    /// spec table and the nearest interpreter, reading requirements files from the clones under
    /// `repos`. `rlvr swe eval` and `swe/patch@1` both resolve their environments this way.
    pub fn resolve(
        explicit: Option<&Path>,
        dataset: &Path,
        instances: &[SweInstance],
        repos: &Path,
    ) -> SweResult<Self> {
        let beside = dataset.with_file_name(ENVIRONMENTS_BESIDE);
        match explicit {
            Some(path) => EnvironmentTable::from_file(path),
            None if beside.is_file() => EnvironmentTable::from_file(&beside),
            None => {
                let files = CloneFiles {
                    repos: repos.to_owned(),
                };
                EnvironmentTable::derive(instances, Tables::embedded(), &files)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::swe::specs::{Interpreter, OfflineRecipe, OfflineTable, RepoSpec, SpecTable};

    /// Files from a map keyed by (commit, path).
    struct MapFiles(BTreeMap<(String, String), String>);

    impl RepoFiles for MapFiles {
        fn read(&self, _repo: &str, commit: &str, path: &str) -> Option<String> {
            self.0.get(&(commit.to_owned(), path.to_owned())).cloned()
        }
    }

    fn no_files() -> MapFiles {
        MapFiles(BTreeMap::new())
    }

    fn instance(id: &str, repo: &str, version: &str) -> SweInstance {
        SweInstance {
            instance_id: id.into(),
            repo: repo.into(),
            base_commit: "base".into(),
            patch: String::new(),
            test_patch: String::new(),
            problem_statement: String::new(),
            hints_text: String::new(),
            created_at: String::new(),
            version: version.into(),
            environment_setup_commit: "setup".into(),
            fail_to_pass: vec![],
            pass_to_pass: vec![],
            extra: Default::default(),
        }
    }

    #[test]
    fn flask_gets_its_requirements_file_then_the_swe_bench_pins() {
        let files = MapFiles(
            [
                (
                    "requirements/dev.txt",
                    "-r tests.txt\nMarkupSafe==2.1.2\nclick==8.1.3\n",
                ),
                (
                    "requirements/tests.txt",
                    "pytest==7.3.0\n    # via -r requirements/tests.in\nblinker==1.6.1\n",
                ),
            ]
            .into_iter()
            .map(|(p, t)| (("setup".to_owned(), p.to_owned()), t.to_owned()))
            .collect(),
        );
        let derived = derive("pallets/flask", "2.3", "setup", Tables::embedded(), &files).unwrap();
        let spec = &derived.spec;
        assert_eq!(spec.python, "3.11");
        assert_eq!(spec.log_parser, "pytest");
        assert_eq!(spec.test_cmd, "pytest -rA");
        assert_eq!(spec.pythonpath, ["src"]);
        let pins = &spec.pip_packages;
        // The requirements file's pin replaces the recipe's gap filler; the table's pins win.
        assert!(pins.contains(&"blinker==1.6.1".to_owned()), "{pins:?}");
        assert!(!pins.contains(&"blinker==1.6.2".to_owned()), "{pins:?}");
        assert!(pins.contains(&"pytest==7.3.0".to_owned()), "{pins:?}");
        assert!(pins.contains(&"MarkupSafe==2.1.1".to_owned()), "{pins:?}");
        assert!(!pins.contains(&"MarkupSafe==2.1.2".to_owned()), "{pins:?}");
        assert!(pins.contains(&"Werkzeug==2.3.7".to_owned()), "{pins:?}");
        assert_eq!(
            pins.iter()
                .filter(|p| p.to_lowercase().starts_with("click=="))
                .count(),
            1,
            "{pins:?}"
        );
    }

    #[test]
    fn marshmallow_gets_python_3_9_and_the_recipe_pins() {
        let derived = derive(
            "marshmallow-code/marshmallow",
            "2.20",
            "setup",
            Tables::embedded(),
            &no_files(),
        )
        .unwrap();
        assert_eq!(derived.spec.python, "3.9");
        assert_eq!(derived.spec.pythonpath, ["src"]);
        assert!(derived
            .spec
            .pip_packages
            .iter()
            .any(|p| p.starts_with("pytest==")));
    }

    #[test]
    fn requests_gets_python_3_9_its_root_on_the_path_and_a_pinned_pytest() {
        let derived = derive(
            "psf/requests",
            "2.10",
            "setup",
            Tables::embedded(),
            &no_files(),
        )
        .unwrap();
        assert_eq!(derived.spec.python, "3.9");
        assert_eq!(derived.spec.pythonpath, ["."]);
        assert_eq!(derived.spec.test_cmd, "pytest -rA");
        assert_eq!(derived.spec.log_parser, "pytest_options");
        // SWE-bench's conda `packages: pytest` is unversioned; the recipe pins it.
        assert_eq!(derived.spec.pip_packages, ["pytest==7.4.4"]);
        assert!(
            derived.notes.iter().any(|n| n.contains("pytest==7.4.4")),
            "{:?}",
            derived.notes
        );
    }

    #[test]
    fn a_missing_requirements_file_names_the_commit() {
        let err = derive(
            "pallets/flask",
            "2.3",
            "setup",
            Tables::embedded(),
            &no_files(),
        )
        .unwrap_err();
        assert!(
            err.contains("requirements/dev.txt") && err.contains("setup"),
            "{err}"
        );
    }

    #[test]
    fn a_table_of_instances_fails_naming_each_unservable_instance() {
        let instances = [
            instance("a__b-1", "marshmallow-code/marshmallow", "3.0"),
            instance("x__y-1", "nobody/nothing", "1.0"),
            instance("x__y-2", "nobody/nothing", "1.0"),
        ];
        let err =
            EnvironmentTable::derive(&instances, Tables::embedded(), &no_files()).unwrap_err();
        let SweError::Unservable(items) = &err else {
            panic!("{err}")
        };
        let ids: Vec<&str> = items.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["x__y-1", "x__y-2"]);
        assert!(err.to_string().contains("nobody/nothing"), "{err}");
        let ok =
            EnvironmentTable::derive(&instances[..1], Tables::embedded(), &no_files()).unwrap();
        assert!(ok.get("marshmallow-code/marshmallow", "3.0").is_some());
    }

    #[test]
    fn the_interpreter_is_the_nearest_one_the_mirror_serves() {
        let mut specs = SpecTable {
            source: String::new(),
            repos: BTreeMap::new(),
        };
        let spec = RepoSpec {
            python: "3.10".into(),
            packages: None,
            install: None,
            pip_packages: vec!["pytest==7.2.1".into()],
            pre_install: vec![],
            eval_commands: vec![],
            test_cmd: "pytest -rA".into(),
            execute_test_as_nonroot: false,
            no_use_env: false,
        };
        specs
            .repos
            .entry("pallets/flask".into())
            .or_default()
            .insert("1".into(), spec);
        let offline = OfflineTable {
            source: String::new(),
            repos: [(
                "pallets/flask".to_owned(),
                OfflineRecipe {
                    requirements_paths: vec![],
                    pythonpath: vec!["src".into()],
                    install_requires: vec![],
                    pins: vec![],
                },
            )]
            .into(),
        };
        let interpreters = vec![
            Interpreter {
                suite: "bullseye".into(),
                python: "3.9".into(),
                package_version: String::new(),
            },
            Interpreter {
                suite: "bookworm".into(),
                python: "3.11".into(),
                package_version: String::new(),
            },
        ];
        let tables = Tables {
            specs: &specs,
            offline: &offline,
            interpreters: &interpreters,
        };
        let derived = derive("pallets/flask", "1", "c", tables, &no_files()).unwrap();
        assert_eq!(derived.spec.python, "3.11");
        // No install step: the checkout's root is the import root.
        assert_eq!(derived.spec.pythonpath, ["."]);
        assert!(
            derived.notes.iter().any(|n| n.contains("3.10")),
            "{:?}",
            derived.notes
        );
    }
}
