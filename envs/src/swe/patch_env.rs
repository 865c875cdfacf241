//! `swe/patch@1`: the prompt carries an instance's problem statement; the response is a patch (a
//! diff in a fenced block); the reward is 1 when the patch resolves the instance in the Docker
//! sandbox. Docker failures and harness timeouts are `EnvError::Infrastructure`, never a reward.

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
use crate::swe::environment_spec::EnvironmentTable;
use crate::swe::harness::{evaluate, EvalRequest};
use crate::swe::images::base::BaseImage;
use crate::swe::images::{env as env_image, mirror};
use crate::swe::run::spec_of;
use crate::swe::sandbox::Limits;
use crate::swe::synth::build::{ENVIRONMENTS_FILE, INSTANCES_FILE, REPOS_DIR};

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
    /// Environment specs (JSON list).
    pub environments: PathBuf,
    /// Local clones, one per `owner__name`.
    pub repos: PathBuf,
    /// Debian suite of the base image.
    pub suite: String,
    /// Test timeout per evaluation, seconds.
    pub timeout_s: u64,
}

impl Default for PatchConfig {
    fn default() -> Self {
        let dir = default_synth_dir();
        PatchConfig {
            instances: dir.join(INSTANCES_FILE),
            environments: dir.join(ENVIRONMENTS_FILE),
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
        let docker = crate::swe::docker::connect()
            .await
            .map_err(|e| self.infra(e.to_string()))?;
        let mirror = mirror::debian_mirror(Path::new("/etc/apt")).unwrap_or_default();
        let base =
            BaseImage::new(&self.config.suite, mirror).map_err(|e| self.infra(e.to_string()))?;
        let image = env_image::ensure(&docker, &base.tag(), spec, &self.config.repos)
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
        let result = evaluate(&docker, &request)
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
    let table =
        EnvironmentTable::from_file(&config.environments).map_err(|e| bad(e.to_string()))?;
    Ok(Box::new(PatchEnv {
        id: id.clone(),
        config,
        instances,
        table,
    }))
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
}
