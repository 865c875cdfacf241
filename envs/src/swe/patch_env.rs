//! `swe/patch@1`: the prompt carries an instance's problem statement; the response is a patch (a
//! diff in a fenced block); the reward is 1 when the patch resolves the instance in the Docker
//! sandbox. Docker failures and harness timeouts are `EnvError::Infrastructure`, never a reward.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use async_trait::async_trait;
use rand::Rng;
use rlvr_datasets::SweInstance;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::api::{Environment, Message, Outcome, Task, Verdict};
use crate::error::{EnvError, Result};
use crate::extract::strip_think;
use crate::id::EnvId;
use crate::registry::{parse_config, EnvSpec, Registry};
use crate::seed::task_rng;
use crate::swe::docker::Docker;
use crate::swe::environment_spec::{EnvironmentSpec, EnvironmentTable};
use crate::swe::harness::{evaluate, EvalRequest};
use crate::swe::images::base::{suite_for_python, BaseImage};
use crate::swe::images::{env as env_image, mirror};
use crate::swe::run::spec_of;
use crate::swe::sandbox::Limits;
use crate::swe::synth::build::{INSTANCES_FILE, REPOS_DIR};

/// Where `rlvr swe synth` writes by default, and where this environment looks when not told.
pub fn default_synth_dir() -> PathBuf {
    crate::swe::images::wheelhouse::cache_root().with_file_name("synth")
}

/// The environment's config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PatchConfig {
    /// JSONL of SWE-bench instances.
    pub instances: PathBuf,
    /// Environment specs (JSON list); when absent, `environments.json` beside `instances` if it
    /// exists (what `rlvr swe synth` writes), else derived per instance from the embedded spec
    /// table, reading requirements files from the clones under `repos`.
    pub environments: Option<PathBuf>,
    /// Local clones, one per `owner__name`.
    pub repos: PathBuf,
    /// Debian suite of the base image for an environment whose Python no known suite ships;
    /// otherwise the suite follows the environment's Python (bullseye 3.9, bookworm 3.11, ...).
    pub suite: String,
    /// Test timeout per evaluation, seconds.
    pub timeout_s: u64,
}

impl Default for PatchConfig {
    fn default() -> Self {
        let dir = default_synth_dir();
        PatchConfig {
            instances: dir.join(INSTANCES_FILE),
            environments: None,
            repos: dir.join(REPOS_DIR),
            suite: "bookworm".into(),
            timeout_s: 600,
        }
    }
}

struct PatchEnv {
    id: EnvId,
    config: PatchConfig,
    instances: Vec<SweInstance>,
    table: EnvironmentTable,
    /// One engine connection for every score.
    docker: tokio::sync::OnceCell<Docker>,
    /// Environment image per (repository, version), resolved once: hashing the wheelhouse and the
    /// clone's refs and inspecting the image is not repeated on every score. The lock also keeps
    /// two scores from building the same image at once.
    images: tokio::sync::Mutex<HashMap<(String, String), String>>,
}

const SYSTEM: &str = "You are a software engineer fixing a bug in a Python repository. Reply with the fix as a unified diff (`diff --git` format, paths relative to the repository root) in one fenced ```diff block. Change library code, not tests.";

/// The diff in a response: the last fenced block that looks like a patch.
pub fn extract_patch(response: &str) -> Option<String> {
    let text = strip_think(response);
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("```") {
        let after = &rest[start + 3..];
        let body_start = after.find('\n').map(|n| n + 1).unwrap_or(after.len());
        let body = &after[body_start..];
        let Some(end) = body
            .find("\n```")
            .map(|e| e + 1)
            .or_else(|| body.strip_suffix("```").map(|b| b.len()))
        else {
            break;
        };
        blocks.push(&body[..end]);
        rest = &body[(end + 3).min(body.len())..];
    }
    blocks
        .into_iter()
        .rev()
        .find(|b| b.contains("diff --git") || (b.contains("--- ") && b.contains("+++ ")))
        .map(|b| b.to_owned())
}

impl PatchEnv {
    fn infra(&self, message: impl Into<String>) -> EnvError {
        EnvError::Infrastructure {
            env: self.id.clone(),
            message: message.into(),
        }
    }

    /// The environment image of `spec`, built (with its base) on first use.
    async fn image_of(
        &self,
        docker: &Docker,
        spec: &EnvironmentSpec,
    ) -> crate::swe::error::SweResult<String> {
        let key = (spec.repo.clone(), spec.version.clone());
        let mut images = self.images.lock().await;
        if let Some(tag) = images.get(&key) {
            return Ok(tag.clone());
        }
        let mirror = mirror::debian_mirror(Path::new("/etc/apt")).unwrap_or_default();
        let suite = suite_for_python(&spec.python).unwrap_or(&self.config.suite);
        let base = BaseImage::new(suite, mirror)?.ensure(docker).await?;
        let tag = env_image::ensure(docker, &base, spec, &self.config.repos).await?;
        images.insert(key, tag.clone());
        Ok(tag)
    }

    fn instance_of(&self, task: &Task) -> Result<&SweInstance> {
        let id = task
            .reference
            .get("instance_id")
            .and_then(Value::as_str)
            .ok_or_else(|| EnvError::BadReference {
                env: self.id.clone(),
                message: "no instance_id".into(),
            })?;
        self.instances
            .iter()
            .find(|i| i.instance_id == id)
            .ok_or_else(|| EnvError::BadReference {
                env: self.id.clone(),
                message: format!(
                    "instance {id} is not in {}",
                    self.config.instances.display()
                ),
            })
    }
}

#[async_trait]
impl Environment for PatchEnv {
    fn id(&self) -> &EnvId {
        &self.id
    }

    fn task(&self, seed: u64, index: u64) -> Result<Task> {
        if self.instances.is_empty() {
            return Err(EnvError::NoTask {
                env: self.id.clone(),
                seed,
                index,
                message: format!("no instances in {}", self.config.instances.display()),
            });
        }
        let pick = task_rng(&self.id.to_string(), seed, index).gen_range(0..self.instances.len());
        let instance = &self.instances[pick];
        let user = format!(
            "Repository: {} (checked out at {}).\n\nIssue:\n{}",
            instance.repo, instance.base_commit, instance.problem_statement
        );
        Ok(Task {
            env: self.id.clone(),
            seed,
            index,
            prompt: vec![Message::system(SYSTEM), Message::user(user)],
            reference: json!({ "instance_id": instance.instance_id }),
            metadata: json!({ "repo": instance.repo, "version": instance.version }),
        })
    }

    async fn score(&self, task: &Task, response: &str) -> Result<Outcome> {
        let instance = self.instance_of(task)?;
        let Some(patch) = extract_patch(response) else {
            return Ok(Outcome::zero(Verdict::Unparseable).with_reason("no diff in a fenced block"));
        };
        let spec = spec_of(&self.table, instance).map_err(|e| self.infra(e.to_string()))?;
        let docker = self
            .docker
            .get_or_try_init(crate::swe::docker::connect)
            .await
            .map_err(|e| self.infra(e.to_string()))?;
        let image = self
            .image_of(docker, spec)
            .await
            .map_err(|e| self.infra(e.to_string()))?;
        let run_id = format!("env-{}-{}", task.seed, task.index);
        let request = EvalRequest {
            instance,
            spec,
            image: &image,
            model_patch: Some(&patch),
            run_id: &run_id,
            timeout: Duration::from_secs(self.config.timeout_s),
            limits: Limits::default(),
        };
        let result = evaluate(docker, &request)
            .await
            .map_err(|e| self.infra(e.to_string()))?;
        if result.timed_out {
            return Err(self.infra(format!("tests ran past {} s", self.config.timeout_s)));
        }
        let details = serde_json::to_value(&result.grade.report).unwrap_or(Value::Null);
        let outcome = if result.grade.report.resolved {
            Outcome::correct()
        } else if !result.patch_applied {
            Outcome::zero(Verdict::Invalid)
        } else {
            Outcome::zero(Verdict::Wrong)
        };
        Ok(outcome.with_details(details))
    }

    fn reference_response(&self, task: &Task) -> Result<String> {
        let instance = self.instance_of(task)?;
        Ok(format!("```diff\n{}```\n", instance.patch))
    }
}

fn build(id: &EnvId, config: &Value) -> Result<Box<dyn Environment>> {
    Ok(Box::new(build_patch_env(id, config)?))
}

fn build_patch_env(id: &EnvId, config: &Value) -> Result<PatchEnv> {
    let config: PatchConfig = parse_config(id, config)?;
    let bad = |message: String| EnvError::Config {
        env: id.clone(),
        message,
    };
    let instances: Vec<SweInstance> = rlvr_datasets::read_all(&config.instances).map_err(|e| {
        bad(format!(
            "{e} (build the default instances with `rlvr swe synth`)"
        ))
    })?;
    let table = EnvironmentTable::resolve(
        config.environments.as_deref(),
        &config.instances,
        &instances,
        &config.repos,
    )
    .map_err(|e| bad(e.to_string()))?;
    Ok(PatchEnv {
        id: id.clone(),
        config,
        instances,
        table,
        docker: tokio::sync::OnceCell::new(),
        images: tokio::sync::Mutex::new(HashMap::new()),
    })
}

/// Registers `swe/patch@1`.
pub fn register(reg: &mut Registry) {
    reg.register(
        EnvSpec {
            id: "swe/patch@1".parse().expect("valid id"),
            summary:
                "SWE-bench-style: a patch for an issue, graded by the repository's tests in Docker",
            needs_docker: true,
        },
        build,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_the_last_diff_block() {
        let r = "<think>```diff\nold\n```</think>text\n```python\nx = 1\n```\n```diff\ndiff --git a/x b/x\n--- a/x\n+++ b/x\n```\n";
        assert_eq!(
            extract_patch(r).unwrap(),
            "diff --git a/x b/x\n--- a/x\n+++ b/x\n"
        );
        assert_eq!(extract_patch("no fence"), None);
        assert_eq!(extract_patch("```python\nprint(1)\n```"), None);
    }

    /// The real SWE-bench Lite instances shipped with the repository.
    fn lite_instances() -> Vec<SweInstance> {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../datasets/swe-lite/instances.jsonl");
        rlvr_datasets::read_all(&path).expect("datasets/swe-lite/instances.jsonl")
    }

    fn write_jsonl(path: &Path, instances: &[SweInstance]) {
        let text: String = instances
            .iter()
            .map(|i| serde_json::to_string(i).unwrap() + "\n")
            .collect();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn a_dataset_and_repos_alone_suffice_the_environments_come_from_the_spec_table() {
        let dir = tempfile::tempdir().unwrap();
        let instances: Vec<SweInstance> = lite_instances()
            .into_iter()
            .filter(|i| i.repo == "marshmallow-code/marshmallow")
            .collect();
        assert_eq!(instances.len(), 2);
        let dataset = dir.path().join("lite.jsonl");
        write_jsonl(&dataset, &instances);
        let id: EnvId = "swe/patch@1".parse().unwrap();
        let config = json!({ "instances": dataset, "repos": dir.path().join("repos") });
        let env = build_patch_env(&id, &config).expect("no environments file needed");
        for (version, python) in [("2.20", "3.9"), ("3.0", "3.9")] {
            let spec = env
                .table
                .get("marshmallow-code/marshmallow", version)
                .unwrap_or_else(|| panic!("environment for marshmallow {version}"));
            assert_eq!(spec.python, python);
            assert_eq!(spec.log_parser, "pytest");
            assert_eq!(spec.pythonpath, ["src"]);
        }
        let task = env.task(0, 0).unwrap();
        let reference = env.reference_response(&task).unwrap();
        assert_eq!(
            extract_patch(&reference).as_deref(),
            Some(env.instance_of(&task).unwrap().patch.as_str())
        );
        // The registry builds it from the same config.
        let mut reg = Registry::default();
        register(&mut reg);
        assert!(reg.build("swe/patch@1", &config).is_ok());
    }

    #[test]
    fn an_unservable_instance_is_a_config_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut instance = lite_instances().remove(0);
        instance.instance_id = "nobody__nothing-1".into();
        instance.repo = "nobody/nothing".into();
        let dataset = dir.path().join("lite.jsonl");
        write_jsonl(&dataset, &[instance]);
        let id: EnvId = "swe/patch@1".parse().unwrap();
        let config = json!({ "instances": dataset, "repos": dir.path() });
        let err = build_patch_env(&id, &config).err().expect("unservable");
        assert!(matches!(err, EnvError::Config { .. }), "{err}");
        assert!(err.to_string().contains("nobody__nothing-1"), "{err}");
    }

    #[test]
    fn an_environments_file_beside_the_dataset_wins() {
        let dir = tempfile::tempdir().unwrap();
        let instances: Vec<SweInstance> = lite_instances()
            .into_iter()
            .filter(|i| i.instance_id == "marshmallow-code__marshmallow-1359")
            .collect();
        let dataset = dir.path().join("instances.jsonl");
        write_jsonl(&dataset, &instances);
        let spec = EnvironmentSpec {
            repo: "marshmallow-code/marshmallow".into(),
            version: "3.0".into(),
            python: "3.11".into(),
            pip_packages: vec!["pytest==8.3.3".into()],
            test_cmd: "pytest -rA".into(),
            log_parser: "pytest".into(),
            pythonpath: vec!["src".into()],
            eval_commands: vec![],
        };
        let mut table = EnvironmentTable::default();
        table.insert(spec.clone());
        table.write(&dir.path().join("environments.json")).unwrap();
        let id: EnvId = "swe/patch@1".parse().unwrap();
        let env =
            build_patch_env(&id, &json!({ "instances": dataset, "repos": dir.path() })).unwrap();
        assert_eq!(
            env.table.get("marshmallow-code/marshmallow", "3.0"),
            Some(&spec)
        );
    }
}
