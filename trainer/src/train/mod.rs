//! The training loop: SFT warm-up on reference responses, then RL (CISPO by default) on the
//! environments' verifiers, with held-out evaluation, metrics every step and checkpoints that resume
//! the same curve.

mod batch;
mod eval;
mod rl;
mod sft;

pub use batch::{pearson, response_logprobs, ResponseLogprobs, TokenBatch};
pub use eval::EvalReport;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rlvr_envs::{EnvError, Environment};
use serde_json::{json, Value};
use tch::{nn, Device};

use crate::checkpoint::{self, CheckpointError, RunState};
use crate::config::TrainConfig;
use crate::metrics::MetricsWriter;
use crate::model::checkpoint as model_ckpt;
use crate::model::tokenizer::Tokenizer;
use crate::model::{MiniMaxConfig, MiniMaxForCausalLM, ModelError};
use crate::optim::AdamW;
use crate::rollout::{ChatFormat, RolloutError, TaskMix};

/// The vocabulary of the byte-level tokenizer: one id per byte.
const BYTE_VOCAB: i64 = 256;

#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error("model: {0}")]
    Model(#[from] ModelError),
    #[error("environment: {0}")]
    Env(#[from] EnvError),
    #[error("rollout: {0}")]
    Rollout(#[from] RolloutError),
    #[error("checkpoint: {0}")]
    Checkpoint(#[from] CheckpointError),
    #[error("metrics: {0}")]
    Metrics(#[from] std::io::Error),
    #[error("config: {0}")]
    Config(String),
}

/// What one step reported, for the caller's progress display.
#[derive(Debug, Clone)]
pub struct StepReport {
    pub steps_done: u64,
    pub total_steps: u64,
    pub record: Value,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunEnd {
    Finished,
    /// Stopped on request after a completed, checkpointed step.
    Interrupted,
}

/// A training run: model, optimizer, environments, state.
pub struct Trainer {
    config: TrainConfig,
    env_ids: Vec<String>,
    envs: Vec<Arc<dyn Environment>>,
    runtime: tokio::runtime::Handle,
    vs: nn::VarStore,
    model: MiniMaxForCausalLM,
    chat: ChatFormat,
    optimizer: AdamW,
    state: RunState,
    metrics: MetricsWriter,
    device: Device,
    resumed_from: Option<PathBuf>,
}

/// Parses `cpu`, `cuda`, `cuda:N`.
pub fn parse_device(s: &str) -> Result<Device, String> {
    match s {
        "cpu" => Ok(Device::Cpu),
        "cuda" => Ok(Device::Cuda(0)),
        _ => s
            .strip_prefix("cuda:")
            .and_then(|n| n.parse().ok())
            .map(Device::Cuda)
            .ok_or_else(|| format!("run.device: expected cpu, cuda or cuda:N, got {s:?}")),
    }
}

/// The model config of a run without a checkpoint: the preset, its overrides, and a 256-token
/// vocabulary, because such a run uses the byte-level tokenizer: a larger LM head could sample ids
/// no byte decodes to, a smaller one could not encode every prompt.
fn model_config(config: &TrainConfig) -> Result<MiniMaxConfig, TrainError> {
    let mut cfg = MiniMaxConfig::preset(&config.model.preset)?;
    if !config.model.overrides.is_null() {
        let mut merged = serde_json::to_value(&cfg).expect("config serializes");
        let overrides = config
            .model
            .overrides
            .as_object()
            .ok_or_else(|| TrainError::Config("model.overrides must be a table".into()))?;
        for (k, v) in overrides {
            if merged.get(k).is_none() {
                return Err(TrainError::Config(format!(
                    "model.overrides: unknown field `{k}`"
                )));
            }
            merged[k] = v.clone();
        }
        cfg = serde_json::from_value(merged)
            .map_err(|e| TrainError::Config(format!("model.overrides: {e}")))?;
    }
    cfg.vocab_size = BYTE_VOCAB;
    Ok(cfg)
}

impl Trainer {
    /// Builds the run, resuming from the newest checkpoint in `run.out_dir` when there is one.
    pub fn new(
        config: TrainConfig,
        envs: Vec<Box<dyn Environment>>,
        runtime: tokio::runtime::Handle,
    ) -> Result<Self, TrainError> {
        let device = parse_device(&config.run.device).map_err(TrainError::Config)?;
        let env_ids = config.envs.iter().map(|e| e.id.clone()).collect();
        let envs: Vec<Arc<dyn Environment>> = envs.into_iter().map(Arc::from).collect();
        let out_dir = config.run.out_dir.clone();
        let latest = checkpoint::list(&out_dir)?.pop();
        tch::manual_seed(config.run.seed as i64);
        let (mut vs, model) = match &config.model.checkpoint {
            Some(dir) => {
                let loaded = model_ckpt::load(dir, device, tch::Kind::Float)?;
                (loaded.vs, loaded.model)
            }
            None => {
                let cfg = model_config(&config)?;
                let vs = nn::VarStore::new(device);
                let model = MiniMaxForCausalLM::new(&vs.root(), &cfg)?;
                (vs, model)
            }
        };
        let mut state = RunState {
            seed: config.run.seed,
            ..RunState::default()
        };
        if let Some(dir) = &latest {
            state = checkpoint::read_state(dir)?;
            if state.seed != config.run.seed {
                return Err(TrainError::Config(format!(
                    "{} was written with run.seed {}, the config says {}; use another run.out_dir",
                    dir.display(),
                    state.seed,
                    config.run.seed
                )));
            }
            model_ckpt::load_weights(&mut vs, &model.config, dir)?;
        }
        let tokenizer = match &config.model.checkpoint {
            Some(dir) => Tokenizer::for_checkpoint(dir)?,
            None => Tokenizer::Bytes,
        };
        let chat = ChatFormat {
            tokenizer,
            bos: model.config.bos_token_id,
            eos: *model.config.eos_token_id.first().unwrap_or(&2),
        };
        let mut optimizer = AdamW::new(vs.variables().into_iter().collect(), config.optim);
        if let Some(dir) = &latest {
            let path = checkpoint::optimizer_path(dir);
            if path.exists() {
                optimizer
                    .load(&path)
                    .map_err(|message| CheckpointError::Format {
                        path: path.clone(),
                        message,
                    })?;
            }
        }
        let metrics = MetricsWriter::open(&out_dir, state.metrics_lines)?;
        Ok(Trainer {
            config,
            env_ids,
            envs,
            runtime,
            vs,
            model,
            chat,
            optimizer,
            state,
            metrics,
            device,
            resumed_from: latest,
        })
    }

    pub fn total_steps(&self) -> u64 {
        self.config.sft.steps + self.config.rl.steps
    }

    pub fn steps_done(&self) -> u64 {
        self.state.steps_done()
    }

    pub fn resumed_from(&self) -> Option<&std::path::Path> {
        self.resumed_from.as_deref()
    }

    pub fn num_parameters(&self) -> i64 {
        self.vs.variables().values().map(|t| t.numel() as i64).sum()
    }

    /// Runs the remaining steps. `stop` is checked between steps: when set, the run checkpoints and
    /// returns [`RunEnd::Interrupted`].
    pub fn run(
        &mut self,
        stop: &AtomicBool,
        mut on_step: impl FnMut(&StepReport),
    ) -> Result<RunEnd, TrainError> {
        if self.state.steps_done() == 0 && self.metrics.lines() == 0 {
            self.evaluate_and_log("init")?;
        }
        while self.state.sft_steps_done < self.config.sft.steps {
            if stop.load(Ordering::SeqCst) {
                self.checkpoint()?;
                return Ok(RunEnd::Interrupted);
            }
            let record = sft::step(self)?;
            self.state.sft_steps_done += 1;
            let last = self.state.sft_steps_done == self.config.sft.steps;
            // The last step checkpoints after its evaluation, so a kill in between redoes both.
            self.after_step(record, !last, &mut on_step)?;
            if last {
                self.evaluate_and_log("sft_done")?;
                // RL starts from fresh optimizer moments (another objective, another learning rate).
                self.optimizer =
                    AdamW::new(self.vs.variables().into_iter().collect(), self.config.optim);
                self.checkpoint()?;
            }
        }
        while self.state.rl_steps_done < self.config.rl.steps {
            if stop.load(Ordering::SeqCst) {
                self.checkpoint()?;
                return Ok(RunEnd::Interrupted);
            }
            let record = rl::step(self)?;
            self.state.rl_steps_done += 1;
            let every = self.config.eval.every;
            let last = self.state.rl_steps_done == self.config.rl.steps;
            let eval_now = last || (every > 0 && self.state.rl_steps_done.is_multiple_of(every));
            self.after_step(record, !eval_now, &mut on_step)?;
            if eval_now {
                self.evaluate_and_log(if last { "rl_done" } else { "rl" })?;
                self.checkpoint()?;
            }
        }
        Ok(RunEnd::Finished)
    }

    fn after_step(
        &mut self,
        mut record: Value,
        may_checkpoint: bool,
        on_step: &mut impl FnMut(&StepReport),
    ) -> Result<(), TrainError> {
        record["step"] = json!(self.state.steps_done());
        self.metrics.write(&record)?;
        let every = self.config.checkpoint.every;
        if may_checkpoint && every > 0 && self.state.steps_done().is_multiple_of(every) {
            self.checkpoint()?;
        }
        on_step(&StepReport {
            steps_done: self.state.steps_done(),
            total_steps: self.total_steps(),
            record,
        });
        Ok(())
    }

    fn checkpoint(&mut self) -> Result<(), TrainError> {
        self.state.metrics_lines = self.metrics.lines();
        checkpoint::save(
            &self.config.run.out_dir,
            &self.model,
            Some(&self.optimizer),
            &self.state,
            self.config.checkpoint.keep,
        )?;
        Ok(())
    }

    fn evaluate_and_log(&mut self, label: &str) -> Result<(), TrainError> {
        if self.config.eval.tasks_per_env == 0 {
            return Ok(());
        }
        let report = eval::evaluate(self)?;
        let mut record = report.to_json(&self.env_ids);
        record["phase"] = json!("eval");
        record["label"] = json!(label);
        record["step"] = json!(self.state.steps_done());
        self.metrics.write(&record)?;
        tracing::info!(label, reward = report.mean_reward(), "held-out evaluation");
        Ok(())
    }

    fn mix(&self, salt: u64) -> TaskMix {
        let weights: Vec<f64> = self.config.envs.iter().map(|e| e.weight).collect();
        TaskMix::new(&weights, self.config.run.seed ^ salt)
    }

    /// The held-out reward per environment now (greedy decoding on the eval seed).
    pub fn evaluate(&mut self) -> Result<EvalReport, TrainError> {
        eval::evaluate(self)
    }
}
