//! What the `rlvr swe` Docker commands share: the engine connection, the base image, datasets.

use std::path::{Path, PathBuf};

use anyhow::Context;
use rlvr_datasets::{SweInstance, SwePrediction};
use std::collections::BTreeMap;

use rlvr_envs::swe::environment_spec::EnvironmentTable;
use rlvr_envs::swe::images::base::{suite_for_python, BaseImage};
use rlvr_envs::swe::images::mirror;

/// Options naming the base image.
#[derive(clap::Args, Debug, Clone)]
pub struct BaseArgs {
    /// Debian suite of the base image (bullseye: Python 3.9, bookworm: 3.11, trixie: 3.13).
    #[arg(long, default_value = "bookworm")]
    pub suite: String,
    /// Debian mirror to bootstrap from; default: the one in this machine's apt sources.
    #[arg(long)]
    pub mirror: Option<String>,
}

impl BaseArgs {
    pub fn base(&self) -> anyhow::Result<BaseImage> {
        Ok(BaseImage::new(&self.suite, self.mirror()?)?)
    }

    fn mirror(&self) -> anyhow::Result<String> {
        match &self.mirror {
            Some(m) => Ok(m.clone()),
            None => mirror::debian_mirror(Path::new("/etc/apt"))
                .context("no Debian mirror in /etc/apt/sources.list*; pass --mirror URL"),
        }
    }

    /// One base image per Python version the environments use, from the Debian suite that ships
    /// it (`--suite` does not apply: the interpreter decides).
    pub fn bases_for(
        &self,
        table: &EnvironmentTable,
    ) -> anyhow::Result<BTreeMap<String, BaseImage>> {
        let mut bases = BTreeMap::new();
        for spec in table.iter() {
            if bases.contains_key(&spec.python) {
                continue;
            }
            let suite = suite_for_python(&spec.python).with_context(|| {
                format!(
                    "environment {}@{} needs Python {}, which no Debian suite here ships",
                    spec.repo, spec.version, spec.python
                )
            })?;
            bases.insert(spec.python.clone(), BaseImage::new(suite, self.mirror()?)?);
        }
        Ok(bases)
    }
}

/// Connects to the Docker engine with a clear message when none answers.
pub async fn docker() -> anyhow::Result<rlvr_envs::swe::docker::Docker> {
    rlvr_envs::swe::docker::connect()
        .await
        .context("no Docker engine answers (is the daemon running and DOCKER_HOST right?)")
}

pub fn read_instances(path: &Path) -> anyhow::Result<Vec<SweInstance>> {
    rlvr_datasets::read_all(path)
        .with_context(|| format!("reading instances from {}", path.display()))
}

/// Predictions from `.jsonl`, a `.json` list, or a `.json` object keyed by instance id; `gold`
/// takes each instance's own patch.
pub fn read_predictions(
    spec: &str,
    instances: &[SweInstance],
) -> anyhow::Result<Vec<SwePrediction>> {
    if spec == "gold" {
        return Ok(instances
            .iter()
            .map(|i| SwePrediction {
                instance_id: i.instance_id.clone(),
                model_name_or_path: "gold".into(),
                model_patch: Some(i.patch.clone()),
                extra: Default::default(),
            })
            .collect());
    }
    let path = Path::new(spec);
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    if path.extension().is_some_and(|e| e == "json") && text.trim_start().starts_with('{') {
        let map: std::collections::BTreeMap<String, SwePrediction> = serde_json::from_str(&text)
            .with_context(|| format!("{}: not a JSON object of predictions", path.display()))?;
        return Ok(map.into_values().collect());
    }
    rlvr_datasets::read_all(path)
        .with_context(|| format!("reading predictions from {}", path.display()))
}

/// The environment table: `--environments FILE`, else `environments.json` beside the dataset
/// (what `rlvr swe synth` writes), else derived for each instance from the embedded spec table and
/// the nearest interpreter, reading requirements files from the clones under `repos`.
pub fn environments(
    explicit: Option<&PathBuf>,
    dataset: &Path,
    instances: &[SweInstance],
    repos: &Path,
) -> anyhow::Result<EnvironmentTable> {
    EnvironmentTable::resolve(explicit.map(PathBuf::as_path), dataset, instances, repos)
        .context("resolving the environments (--environments, environments.json beside the dataset, or the embedded spec table)")
}
