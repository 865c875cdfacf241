//! The synthesis pipeline (see the module docs).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use bollard::Docker;
use rand::seq::SliceRandom;
use rlvr_datasets::SweInstance;

use crate::seed::task_rng;
use crate::swe::environment_spec::{EnvironmentSpec, EnvironmentTable};
use crate::swe::error::{SweError, SweResult};
use crate::swe::fsutil::write_atomic;
use crate::swe::harness::{evaluate, EvalRequest};
use crate::swe::images::base::run_host;
use crate::swe::images::{env as env_image, wheelhouse};
use crate::swe::log_parsers::{StatusMap, TestStatus};
use crate::swe::sandbox::Limits;
use crate::swe::synth::mutate::{apply, candidates, Mutation};
use crate::swe::synth::projects::{SynthProject, PYTHON, TEST_CMD, TEST_PACKAGES};

/// Inputs of a synthesis run.
#[derive(Debug, Clone)]
pub struct SynthConfig {
    /// Output directory: `instances.jsonl`, `environments.json`, `repos/<owner__name>`.
    pub out: PathBuf,
    pub seed: u64,
    /// Instances wanted per project.
    pub per_project: usize,
    /// Candidates tried per project before giving up on reaching `per_project`.
    pub max_attempts: usize,
    pub projects: Vec<&'static SynthProject>,
    /// The base image to build environments on.
    pub base_tag: String,
    pub timeout: Duration,
}

/// What a run produced.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct SynthSummary {
    pub instances: usize,
    pub tried: usize,
    pub instances_file: PathBuf,
    pub environments_file: PathBuf,
}

/// File names inside the output directory.
pub const INSTANCES_FILE: &str = "instances.jsonl";
pub const ENVIRONMENTS_FILE: &str = "environments.json";
pub const REPOS_DIR: &str = "repos";

/// The environment spec of a synthetic project.
pub fn environment(project: &SynthProject) -> EnvironmentSpec {
    EnvironmentSpec {
        repo: project.repo.to_owned(),
        version: project.version.to_owned(),
        python: PYTHON.to_owned(),
        pip_packages: TEST_PACKAGES.iter().map(|s| s.to_string()).collect(),
        test_cmd: TEST_CMD.to_owned(),
        log_parser: "pytest".to_owned(),
        pythonpath: vec![".".to_owned()],
        eval_commands: Vec::new(),
    }
}

/// Runs the pipeline; `on_instance` hears of each kept instance.
pub async fn synthesize(
    docker: &Docker,
    config: &SynthConfig,
    mut on_instance: impl FnMut(&SweInstance),
) -> SweResult<SynthSummary> {
    let repos = config.out.join(REPOS_DIR);
    std::fs::create_dir_all(&repos).map_err(|e| SweError::io(&repos, e))?;
    let mut table = EnvironmentTable::default();
    let mut instances = Vec::new();
    let mut tried = 0;
    for project in &config.projects {
        let spec = environment(project);
        let clone = repos.join(spec.repo_dir_name());
        let root_commit = import_sdist(project, &clone).await?;
        let image = env_image::ensure(docker, &config.base_tag, &spec, &repos).await?;
        // The whole suite at the pristine commit: which tests pass before any bug.
        let mut suite_spec = spec.clone();
        suite_spec.test_cmd = format!("{TEST_CMD} {}", project.tests);
        let baseline = run_suite(docker, &suite_spec, &image, &root_commit, None, config).await?;
        let passing: BTreeSet<String> = passed(&baseline);
        if passing.is_empty() {
            return Err(SweError::Input(format!(
                "{}: no test passes at the pristine sdist; cannot synthesize",
                project.package
            )));
        }
        let mut pool = mutation_pool(project, &clone)?;
        pool.shuffle(&mut task_rng(
            &format!("swe/synth/{}", project.repo),
            config.seed,
            0,
        ));
        let mut kept = 0;
        for mutation in pool.iter().take(config.max_attempts) {
            if kept == config.per_project {
                break;
            }
            tried += 1;
            let bug = bug_diff(&clone, mutation).await?;
            let after = run_suite(
                docker,
                &suite_spec,
                &image,
                &root_commit,
                Some(&bug),
                config,
            )
            .await?;
            let still: BTreeSet<String> = passed(&after);
            let broken: Vec<String> = passing
                .iter()
                .filter(|t| !still.contains(*t))
                .cloned()
                .collect();
            // Keep bugs that some tests catch, without breaking the import of the whole package.
            if broken.is_empty() || still.is_empty() {
                continue;
            }
            let test_files: BTreeSet<String> = broken
                .iter()
                .map(|t| t.split("::").next().unwrap_or(t).to_owned())
                .collect();
            let p2p: Vec<String> = still
                .iter()
                .filter(|t| test_files.contains(t.split("::").next().unwrap_or(t)))
                .cloned()
                .collect();
            let number = kept + 1;
            let instance_id = format!("{}-synth{number}", spec.repo_dir_name());
            let (base_commit, gold, test_patch) =
                commit_task(&clone, &root_commit, mutation, &test_files, &instance_id).await?;
            let instance = SweInstance {
                instance_id,
                repo: spec.repo.clone(),
                base_commit,
                patch: gold,
                test_patch,
                problem_statement: problem_statement(mutation, &broken),
                hints_text: String::new(),
                created_at: String::new(),
                version: spec.version.clone(),
                environment_setup_commit: root_commit.clone(),
                fail_to_pass: broken,
                pass_to_pass: p2p,
                extra: Default::default(),
            };
            on_instance(&instance);
            instances.push(instance);
            kept += 1;
        }
        table.insert(spec);
    }
    let instances_file = config.out.join(INSTANCES_FILE);
    let mut text = String::new();
    for instance in &instances {
        text.push_str(&serde_json::to_string(instance).expect("instances serialize"));
        text.push('\n');
    }
    write_atomic(&instances_file, text.as_bytes())?;
    let environments_file = config.out.join(ENVIRONMENTS_FILE);
    table.write(&environments_file)?;
    Ok(SynthSummary {
        instances: instances.len(),
        tried,
        instances_file,
        environments_file,
    })
}

fn passed(statuses: &StatusMap) -> BTreeSet<String> {
    statuses
        .iter()
        .filter(|(_, s)| matches!(s, TestStatus::Passed))
        .map(|(t, _)| t.clone())
        .collect()
}

/// Runs the suite at `commit` with `patch` applied; the parsed statuses.
async fn run_suite(
    docker: &Docker,
    spec: &EnvironmentSpec,
    image: &str,
    commit: &str,
    patch: Option<&str>,
    config: &SynthConfig,
) -> SweResult<StatusMap> {
    let instance = SweInstance {
        instance_id: format!("{}-synth-probe", spec.repo_dir_name()),
        repo: spec.repo.clone(),
        base_commit: commit.to_owned(),
        patch: String::new(),
        test_patch: String::new(),
        problem_statement: String::new(),
        hints_text: String::new(),
        created_at: String::new(),
        version: spec.version.clone(),
        environment_setup_commit: commit.to_owned(),
        fail_to_pass: Vec::new(),
        pass_to_pass: Vec::new(),
        extra: Default::default(),
    };
    let request = EvalRequest {
        instance: &instance,
        spec,
        image,
        model_patch: patch,
        run_id: "synth",
        timeout: config.timeout,
        limits: Limits::default(),
    };
    let result = evaluate(docker, &request).await?;
    if result.timed_out {
        return Ok(StatusMap::new());
    }
    Ok(result.grade.statuses)
}

const GIT_ENV: &[(&str, &str)] = &[
    ("GIT_AUTHOR_NAME", "rlvr synth"),
    ("GIT_AUTHOR_EMAIL", "synth@rlvr.invalid"),
    ("GIT_COMMITTER_NAME", "rlvr synth"),
    ("GIT_COMMITTER_EMAIL", "synth@rlvr.invalid"),
    ("GIT_AUTHOR_DATE", "2000-01-01T00:00:00Z"),
    ("GIT_COMMITTER_DATE", "2000-01-01T00:00:00Z"),
];

async fn git(repo: &Path, args: &[&str]) -> SweResult<String> {
    let output = tokio::process::Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["-c", "core.autocrlf=false", "-c", "commit.gpgsign=false"])
        .args(args)
        .envs(GIT_ENV.iter().copied())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .await
        .map_err(|e| SweError::command("git", e.to_string()))?;
    if !output.status.success() {
        return Err(SweError::command(
            format!("git {}", args.join(" ")),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Downloads the sdist (cached) and makes `clone` a fresh repository with one commit of it, with
/// fixed author and dates so the commit id is the same on every machine. Returns the commit.
async fn import_sdist(project: &SynthProject, clone: &Path) -> SweResult<String> {
    let cache = wheelhouse::cache_root().with_file_name("sdists");
    std::fs::create_dir_all(&cache).map_err(|e| SweError::io(&cache, e))?;
    let stem = format!("{}-{}", project.package.replace('-', "_"), project.version);
    let alt_stem = format!("{}-{}", project.package, project.version);
    let find = || {
        [&stem, &alt_stem]
            .iter()
            .map(|s| cache.join(format!("{s}.tar.gz")))
            .find(|p| p.is_file())
    };
    if find().is_none() {
        let pin = format!("{}=={}", project.package, project.version);
        run_host(
            "python3",
            &[
                "-m",
                "pip",
                "download",
                "--disable-pip-version-check",
                "--no-deps",
                "--no-binary",
                ":all:",
                // Build isolation lets pip fetch the sdist's own build backend (setuptools, wheel)
                // for the metadata step; the host interpreter need not have them.
                "--dest",
                &cache.to_string_lossy(),
                &pin,
            ],
        )
        .await?;
    }
    let sdist = find().ok_or_else(|| {
        SweError::command(
            "pip download",
            format!("no {stem}.tar.gz in {}", cache.display()),
        )
    })?;
    if clone.exists() {
        std::fs::remove_dir_all(clone).map_err(|e| SweError::io(clone, e))?;
    }
    std::fs::create_dir_all(clone).map_err(|e| SweError::io(clone, e))?;
    run_host(
        "tar",
        &[
            "-xzf",
            &sdist.to_string_lossy(),
            "-C",
            &clone.to_string_lossy(),
            "--strip-components=1",
            "--no-same-owner",
        ],
    )
    .await?;
    git(clone, &["init", "-q", "-b", "main"]).await?;
    git(clone, &["add", "-A", "-f", "."]).await?;
    git(
        clone,
        &[
            "commit",
            "-q",
            "-m",
            &format!("{} {} (sdist)", project.package, project.version),
        ],
    )
    .await?;
    Ok(git(clone, &["rev-parse", "HEAD"]).await?.trim().to_owned())
}

/// Every candidate bug in the project's source directories (tests excluded), in a fixed order.
fn mutation_pool(project: &SynthProject, clone: &Path) -> SweResult<Vec<Mutation>> {
    let mut files = Vec::new();
    for dir in project.sources {
        collect_py(&clone.join(dir), clone, &mut files)?;
    }
    files.sort();
    let mut pool = Vec::new();
    for rel in files {
        if rel.starts_with(project.tests) || rel.contains("/tests/") || rel.contains("test_") {
            continue;
        }
        let path = clone.join(&rel);
        let text = std::fs::read_to_string(&path).map_err(|e| SweError::io(&path, e))?;
        pool.extend(candidates(&rel, &text));
    }
    Ok(pool)
}

fn collect_py(dir: &Path, root: &Path, out: &mut Vec<String>) -> SweResult<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| SweError::io(dir, e))?;
    for entry in entries {
        let path = entry.map_err(|e| SweError::io(dir, e))?.path();
        if path.is_dir() {
            collect_py(&path, root, out)?;
        } else if path.extension().is_some_and(|e| e == "py") {
            let rel = path
                .strip_prefix(root)
                .expect("under root")
                .to_string_lossy()
                .into_owned();
            out.push(rel);
        }
    }
    Ok(())
}

/// The diff that introduces `mutation` into the pristine tree (the tree is left pristine).
async fn bug_diff(clone: &Path, mutation: &Mutation) -> SweResult<String> {
    let path = clone.join(&mutation.file);
    let original = std::fs::read_to_string(&path).map_err(|e| SweError::io(&path, e))?;
    std::fs::write(&path, apply(&original, mutation)).map_err(|e| SweError::io(&path, e))?;
    let diff = git(clone, &["diff", "--", &mutation.file]).await;
    std::fs::write(&path, original).map_err(|e| SweError::io(&path, e))?;
    diff
}

/// Commits the task's base (bug in, failing test files out) on branch `synth/<id>`; returns the
/// base commit, the gold patch and the test patch.
async fn commit_task(
    clone: &Path,
    root: &str,
    mutation: &Mutation,
    test_files: &BTreeSet<String>,
    instance_id: &str,
) -> SweResult<(String, String, String)> {
    let branch = format!("synth/{instance_id}");
    git(clone, &["checkout", "-q", "-f", "-B", &branch, root]).await?;
    let path = clone.join(&mutation.file);
    let original = std::fs::read_to_string(&path).map_err(|e| SweError::io(&path, e))?;
    std::fs::write(&path, apply(&original, mutation)).map_err(|e| SweError::io(&path, e))?;
    git(clone, &["add", "--", &mutation.file]).await?;
    for file in test_files {
        git(clone, &["rm", "-q", "--", file]).await?;
    }
    git(
        clone,
        &["commit", "-q", "-m", &format!("synth: {instance_id}")],
    )
    .await?;
    let base = git(clone, &["rev-parse", "HEAD"]).await?.trim().to_owned();
    let gold = git(clone, &["diff", &base, root, "--", &mutation.file]).await?;
    let mut args = vec!["diff", base.as_str(), root, "--"];
    args.extend(test_files.iter().map(String::as_str));
    let test_patch = git(clone, &args).await?;
    git(clone, &["checkout", "-q", "-f", "main"]).await?;
    Ok((base, gold, test_patch))
}

fn problem_statement(mutation: &Mutation, broken: &[String]) -> String {
    let function = mutation.function.as_deref().unwrap_or("a function");
    let mut text = format!(
        "`{function}` in `{}` gives wrong results since a recent change.\n\nThese tests fail:\n",
        mutation.file
    );
    for test in broken.iter().take(5) {
        text.push_str(&format!("- `{test}`\n"));
    }
    if broken.len() > 5 {
        text.push_str(&format!("- ... and {} more\n", broken.len() - 5));
    }
    text.push_str("\nFix the library code (not the tests) so that they pass again.\n");
    text
}
