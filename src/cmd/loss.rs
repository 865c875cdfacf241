//! `rlvr loss`: one policy-gradient loss and its gradient from a JSON batch, so users can check the
//! implementation against others.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use rlvr_trainer::loss::{Aggregation, Algorithm, LossConfig, LossInputs};
use serde::Deserialize;
use serde_json::Value;
use tch::{Kind, Tensor};

#[derive(clap::Args)]
pub struct LossArgs {
    /// The batch: {"algo", "eps_low", "eps_high", "agg", "logp_new", "logp_old", "advantages", "mask"}.
    #[arg(long = "in", value_name = "BATCH_JSON")]
    input: PathBuf,
}

/// The batch file. Advantages are per token ([[..]]) or per sequence ([..]); the mask defaults to ones.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Batch {
    #[serde(default)]
    algo: Option<Algorithm>,
    eps_low: Option<f64>,
    eps_high: Option<f64>,
    agg: Option<Aggregation>,
    #[serde(default)]
    kl_coef: f64,
    logp_new: Vec<Vec<f64>>,
    logp_old: Vec<Vec<f64>>,
    advantages: Value,
    mask: Option<Vec<Vec<f64>>>,
    logp_ref: Option<Vec<Vec<f64>>>,
}

pub fn run(args: LossArgs) -> anyhow::Result<ExitCode> {
    let path = &args.input;
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let batch: Batch =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let report = evaluate(&batch).with_context(|| format!("in {}", path.display()))?;
    println!("{}", serde_json::to_string(&report)?);
    Ok(ExitCode::SUCCESS)
}

fn evaluate(batch: &Batch) -> anyhow::Result<Value> {
    let rows = batch.logp_new.len();
    if rows == 0 {
        bail!("field `logp_new` has no sequences");
    }
    let cols = batch.logp_new[0].len();
    let shape = (rows, cols);
    let logp_new = matrix("logp_new", &batch.logp_new, shape)?.set_requires_grad(true);
    let logp_old = matrix("logp_old", &batch.logp_old, shape)?;
    let mask = match &batch.mask {
        Some(m) => {
            if let Some((i, j)) = find_pos(m, |v| v != 0.0 && v != 1.0) {
                bail!(
                    "field `mask`: entry [{i}][{j}] is {}, expected 0 or 1",
                    m[i][j]
                );
            }
            matrix("mask", m, shape)?
        }
        None => Tensor::ones([rows as i64, cols as i64], (Kind::Double, tch::Device::Cpu)),
    };
    let advantages = advantages(&batch.advantages, shape)?;
    let logp_ref = batch
        .logp_ref
        .as_ref()
        .map(|r| matrix("logp_ref", r, shape))
        .transpose()?;
    if batch.kl_coef != 0.0 && logp_ref.is_none() {
        bail!(
            "field `kl_coef` is {} but `logp_ref` is missing",
            batch.kl_coef
        );
    }
    let config = LossConfig {
        algo: batch.algo.unwrap_or_default(),
        eps_low: batch.eps_low,
        eps_high: batch.eps_high,
        agg: batch.agg,
        kl_coef: batch.kl_coef,
    }
    .resolve();
    let out = config.compute(&LossInputs {
        logp_new: &logp_new,
        logp_old: &logp_old,
        advantages: &advantages,
        mask: &mask,
        logp_ref: logp_ref.as_ref(),
    });
    out.loss.backward();
    let grad = logp_new.grad();
    let grad_rows: Vec<Vec<f64>> = (0..rows as i64)
        .map(|i| Vec::<f64>::try_from(grad.get(i)))
        .collect::<Result<_, _>>()?;
    Ok(serde_json::json!({
        "algo": config.algo.name(),
        "eps_low": config.eps_low,
        "eps_high": config.eps_high,
        "agg": config.agg.name(),
        "loss": f64::try_from(&out.loss)?,
        "grad_logp_new": grad_rows,
        "clip_fraction": out.clip_fraction,
    }))
}

fn find_pos(m: &[Vec<f64>], bad: impl Fn(f64) -> bool) -> Option<(usize, usize)> {
    m.iter()
        .enumerate()
        .find_map(|(i, row)| row.iter().position(|&v| bad(v)).map(|j| (i, j)))
}

/// A `[rows, cols]` double tensor from nested rows, naming the field and row on a shape mismatch.
fn matrix(field: &str, data: &[Vec<f64>], (rows, cols): (usize, usize)) -> anyhow::Result<Tensor> {
    if data.len() != rows {
        bail!(
            "field `{field}` has {} sequences, `logp_new` has {rows}",
            data.len()
        );
    }
    if let Some(i) = data.iter().position(|r| r.len() != cols) {
        bail!(
            "field `{field}`: sequence {i} has {} tokens, expected {cols} (pad rows to one length and mask the padding)",
            data[i].len()
        );
    }
    if let Some((i, j)) = find_pos(data, |v| !v.is_finite()) {
        bail!("field `{field}`: entry [{i}][{j}] is not a finite number");
    }
    let flat: Vec<f64> = data.iter().flatten().copied().collect();
    Ok(Tensor::from_slice(&flat).reshape([rows as i64, cols as i64]))
}

/// Per-token `[[..]]` advantages, or per-sequence `[..]` ones broadcast over the tokens.
fn advantages(value: &Value, shape: (usize, usize)) -> anyhow::Result<Tensor> {
    let per_sequence: Result<Vec<f64>, _> = serde_json::from_value(value.clone());
    if let Ok(per_seq) = per_sequence {
        if per_seq.len() != shape.0 {
            bail!(
                "field `advantages` has {} per-sequence values, `logp_new` has {} sequences",
                per_seq.len(),
                shape.0
            );
        }
        let column: Vec<Vec<f64>> = per_seq.iter().map(|&a| vec![a; shape.1]).collect();
        return matrix("advantages", &column, shape);
    }
    let per_token: Vec<Vec<f64>> = serde_json::from_value(value.clone())
        .context("field `advantages`: expected numbers per sequence [..] or per token [[..]]")?;
    matrix("advantages", &per_token, shape)
}
