//! Run checkpoints: model weights (safetensors, transformers names), optimizer moments, and the run
//! state (steps done, task-stream cursors, metrics written), written atomically: everything goes into
//! a temporary directory that is renamed into place only when complete.
//!
//! Randomness needs no saved generator state: every draw (task mix, sampling, minibatch order) is a
//! pure function of the run seed and the step number, so the step counters restore it exactly.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::checkpoint::{self as model_ckpt, ExpertLayout};
use crate::model::MiniMaxForCausalLM;
use crate::optim::AdamW;
use crate::rollout::MixCursor;

/// Everything besides tensors that a resumed run needs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunState {
    pub sft_steps_done: u64,
    pub rl_steps_done: u64,
    pub sft_cursor: MixCursor,
    pub rl_cursor: MixCursor,
    /// Lines of metrics.jsonl that belong to the steps done (later lines are dropped on resume).
    pub metrics_lines: u64,
    /// The run seed, recorded so a resume with another seed is refused.
    pub seed: u64,
}

impl RunState {
    pub fn steps_done(&self) -> u64 {
        self.sft_steps_done + self.rl_steps_done
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Model(#[from] crate::model::ModelError),
    #[error("{path}: {message}")]
    Format { path: PathBuf, message: String },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> CheckpointError + '_ {
    move |source| CheckpointError::Io {
        path: path.to_owned(),
        source,
    }
}

/// The optimizer state inside a checkpoint directory.
pub const OPTIMIZER_FILE: &str = "optimizer.safetensors";

/// Where [`save`] puts the optimizer state of the checkpoint `dir`.
pub fn optimizer_path(dir: &Path) -> PathBuf {
    dir.join("optimizer").join(OPTIMIZER_FILE)
}

/// The directory of the checkpoints of a run.
pub fn checkpoints_dir(out_dir: &Path) -> PathBuf {
    out_dir.join("checkpoints")
}

/// Writes `step-NNNNNN/` under `out_dir/checkpoints` atomically, then keeps only the newest `keep`.
pub fn save(
    out_dir: &Path,
    model: &MiniMaxForCausalLM,
    optimizer: Option<&AdamW>,
    state: &RunState,
    keep: usize,
) -> Result<PathBuf, CheckpointError> {
    let root = checkpoints_dir(out_dir);
    std::fs::create_dir_all(&root).map_err(io(&root))?;
    let name = format!("step-{:06}", state.steps_done());
    let final_dir = root.join(&name);
    let tmp = root.join(format!(".tmp-{name}"));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(io(&tmp))?;
    }
    std::fs::create_dir_all(&tmp).map_err(io(&tmp))?;
    model_ckpt::save(model, &tmp, ExpertLayout::PerExpert)?;
    if let Some(opt) = optimizer {
        // In a subdirectory: the model loader reads every *.safetensors beside config.json.
        let opt_dir = tmp.join("optimizer");
        std::fs::create_dir_all(&opt_dir).map_err(io(&opt_dir))?;
        let path = opt_dir.join(OPTIMIZER_FILE);
        opt.save(&path).map_err(|e| CheckpointError::Format {
            path,
            message: e.to_string(),
        })?;
    }
    let state_path = tmp.join("state.json");
    let text = serde_json::to_string_pretty(state).expect("state serializes");
    std::fs::write(&state_path, text).map_err(io(&state_path))?;
    if final_dir.exists() {
        std::fs::remove_dir_all(&final_dir).map_err(io(&final_dir))?;
    }
    std::fs::rename(&tmp, &final_dir).map_err(io(&final_dir))?;
    let all = list(out_dir)?;
    for old in all.iter().rev().skip(keep) {
        std::fs::remove_dir_all(old).map_err(io(old))?;
    }
    Ok(final_dir)
}

/// Complete checkpoints of a run, oldest first (temporary directories of interrupted saves excluded).
pub fn list(out_dir: &Path) -> Result<Vec<PathBuf>, CheckpointError> {
    let root = checkpoints_dir(out_dir);
    if !root.exists() {
        return Ok(Vec::new());
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(&root)
        .map_err(io(&root))?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("step-"))
                && p.join("state.json").exists()
        })
        .collect();
    found.sort();
    Ok(found)
}

/// The run state stored in a checkpoint directory.
pub fn read_state(dir: &Path) -> Result<RunState, CheckpointError> {
    let path = dir.join("state.json");
    let text = std::fs::read_to_string(&path).map_err(io(&path))?;
    serde_json::from_str(&text).map_err(|e| CheckpointError::Format {
        path,
        message: e.to_string(),
    })
}
