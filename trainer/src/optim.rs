//! AdamW with MiniMax-M1's defaults (betas 0.9 / 0.95, eps 1e-15), global-norm gradient clipping, and
//! a state that saves and loads exactly (for resume).
//!
//! Written here rather than taken from `tch::nn::Optimizer` because that one does not expose its
//! moments, so a resumed run could not continue the same curve.

use std::path::Path;

use serde::{Deserialize, Serialize};
use tch::{Kind, Tensor};

/// The optimizer's hyper-parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AdamWConfig {
    pub beta1: f64,
    pub beta2: f64,
    /// M1: gradients span 1e-18..1e-5, so a larger eps (PyTorch's 1e-8) swamps most of them.
    pub eps: f64,
    pub weight_decay: f64,
    /// Clip the global gradient norm to this (0 disables).
    pub grad_clip: f64,
}

impl Default for AdamWConfig {
    fn default() -> Self {
        AdamWConfig {
            beta1: 0.9,
            beta2: 0.95,
            eps: 1e-15,
            weight_decay: 0.0,
            grad_clip: 1.0,
        }
    }
}

/// AdamW over a fixed, named list of parameters.
pub struct AdamW {
    config: AdamWConfig,
    params: Vec<(String, Tensor)>,
    exp_avg: Vec<Tensor>,
    exp_avg_sq: Vec<Tensor>,
    step: i64,
}

/// What one update did.
#[derive(Debug, Clone, Copy)]
pub struct UpdateStats {
    /// The global gradient norm before clipping.
    pub grad_norm: f64,
}

impl AdamW {
    /// Parameters are sorted by name, so the state's layout does not depend on map order.
    pub fn new(mut params: Vec<(String, Tensor)>, config: AdamWConfig) -> Self {
        params.sort_by(|a, b| a.0.cmp(&b.0));
        let zeros = |p: &Tensor| p.zeros_like().to_kind(Kind::Float);
        let exp_avg = params.iter().map(|(_, p)| zeros(p)).collect();
        let exp_avg_sq = params.iter().map(|(_, p)| zeros(p)).collect();
        AdamW {
            config,
            params,
            exp_avg,
            exp_avg_sq,
            step: 0,
        }
    }

    pub fn steps_taken(&self) -> i64 {
        self.step
    }

    pub fn zero_grad(&mut self) {
        for (_, p) in &mut self.params {
            p.zero_grad();
        }
    }

    /// The global L2 norm of the gradients (parameters without a gradient count as zero).
    pub fn grad_norm(&self) -> f64 {
        let sum_sq: f64 = self
            .params
            .iter()
            .map(|(_, p)| p.grad())
            .filter(|g| g.defined())
            .map(|g| {
                f64::try_from(g.to_kind(Kind::Double).square().sum(Kind::Double)).unwrap_or(0.0)
            })
            .sum();
        sum_sq.sqrt()
    }

    /// Clips the gradients, then takes one AdamW step at learning rate `lr`.
    pub fn step(&mut self, lr: f64) -> UpdateStats {
        let grad_norm = self.grad_norm();
        let clip_scale = if self.config.grad_clip > 0.0 && grad_norm > self.config.grad_clip {
            self.config.grad_clip / (grad_norm + 1e-6)
        } else {
            1.0
        };
        self.step += 1;
        let c = self.config;
        let bias1 = 1.0 - c.beta1.powi(self.step as i32);
        let bias2 = 1.0 - c.beta2.powi(self.step as i32);
        tch::no_grad(|| {
            for (i, (_, p)) in self.params.iter_mut().enumerate() {
                let g = p.grad();
                if !g.defined() {
                    continue;
                }
                let g = g.to_kind(Kind::Float) * clip_scale;
                let m = &mut self.exp_avg[i];
                let v = &mut self.exp_avg_sq[i];
                let _ = m.g_mul_scalar_(c.beta1).g_add_(&(&g * (1.0 - c.beta1)));
                let _ = v
                    .g_mul_scalar_(c.beta2)
                    .g_add_(&(g.square() * (1.0 - c.beta2)));
                if c.weight_decay != 0.0 {
                    let _ = p.g_mul_scalar_(1.0 - lr * c.weight_decay);
                }
                let denom = (&*v / bias2).sqrt() + c.eps;
                let update = (&*m / bias1) / denom * lr;
                let _ = p.g_sub_(&update.to_kind(p.kind()));
            }
        });
        UpdateStats { grad_norm }
    }

    /// Writes the moments and the step count to one safetensors file.
    pub fn save(&self, path: &Path) -> Result<(), tch::TchError> {
        let mut named: Vec<(String, Tensor)> = Vec::with_capacity(2 * self.params.len() + 1);
        for (i, (name, _)) in self.params.iter().enumerate() {
            named.push((format!("exp_avg.{name}"), self.exp_avg[i].shallow_clone()));
            named.push((
                format!("exp_avg_sq.{name}"),
                self.exp_avg_sq[i].shallow_clone(),
            ));
        }
        named.push(("step".into(), Tensor::from_slice(&[self.step])));
        Tensor::write_safetensors(&named, path)
    }

    /// Restores what [`AdamW::save`] wrote; every parameter must have its moments in the file.
    pub fn load(&mut self, path: &Path) -> Result<(), String> {
        let tensors =
            Tensor::read_safetensors(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let map: std::collections::BTreeMap<String, Tensor> = tensors.into_iter().collect();
        let step = map
            .get("step")
            .ok_or_else(|| format!("{}: no `step`", path.display()))?;
        self.step = step.int64_value(&[0]);
        for (i, (name, p)) in self.params.iter().enumerate() {
            for (prefix, slot) in [
                ("exp_avg", &mut self.exp_avg[i]),
                ("exp_avg_sq", &mut self.exp_avg_sq[i]),
            ] {
                let key = format!("{prefix}.{name}");
                let t = map
                    .get(&key)
                    .ok_or_else(|| format!("{}: no `{key}`", path.display()))?;
                if t.size() != p.size() {
                    return Err(format!(
                        "{}: `{key}` has shape {:?}, parameter has {:?}",
                        path.display(),
                        t.size(),
                        p.size()
                    ));
                }
                *slot = t.to_device(p.device()).to_kind(Kind::Float);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One step from zero moments moves each weight by lr * sign(grad) (bias correction makes m/sqrt(v)
    /// exactly g/|g|), and decoupled decay shrinks it by lr * wd first.
    #[test]
    fn first_step_is_sign_descent_with_decoupled_decay() {
        let w = Tensor::from_slice(&[1.0f32, -2.0]).set_requires_grad(true);
        let mut opt = AdamW::new(
            vec![("w".into(), w.shallow_clone())],
            AdamWConfig {
                weight_decay: 0.1,
                grad_clip: 0.0,
                ..AdamWConfig::default()
            },
        );
        (&w * Tensor::from_slice(&[3.0f32, -0.5]))
            .sum(Kind::Float)
            .backward();
        opt.step(0.01);
        let got = Vec::<f32>::try_from(&w).unwrap();
        let want = [1.0 * (1.0 - 0.001) - 0.01, -2.0 * (1.0 - 0.001) + 0.01];
        assert!(
            (got[0] - want[0]).abs() < 1e-6 && (got[1] - want[1]).abs() < 1e-6,
            "{got:?}"
        );
    }

    #[test]
    fn clips_the_global_norm_and_round_trips_its_state() {
        let w = Tensor::from_slice(&[0.0f32, 0.0]).set_requires_grad(true);
        let mut opt = AdamW::new(
            vec![("w".into(), w.shallow_clone())],
            AdamWConfig::default(),
        );
        (&w * Tensor::from_slice(&[3.0f32, 4.0]))
            .sum(Kind::Float)
            .backward();
        assert!((opt.grad_norm() - 5.0).abs() < 1e-6);
        opt.step(0.1);
        // With clipping to norm 1 the first moment holds 0.1 * g / 5.
        let m = Vec::<f32>::try_from(&opt.exp_avg[0]).unwrap();
        assert!(
            (m[0] - 0.06).abs() < 1e-6 && (m[1] - 0.08).abs() < 1e-6,
            "{m:?}"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("opt.safetensors");
        opt.save(&path).unwrap();
        let mut fresh = AdamW::new(
            vec![("w".into(), w.shallow_clone())],
            AdamWConfig::default(),
        );
        fresh.load(&path).unwrap();
        assert_eq!(fresh.steps_taken(), 1);
        assert_eq!(
            Vec::<f32>::try_from(&fresh.exp_avg_sq[0]).unwrap(),
            Vec::<f32>::try_from(&opt.exp_avg_sq[0]).unwrap()
        );
    }
}
