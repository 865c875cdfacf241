//! Safetensors checkpoints with transformers' parameter names.
//!
//! On disk, MiniMax checkpoints name experts one by one
//! (`model.layers.{i}.block_sparse_moe.experts.{e}.w1|w2|w3.weight`, router
//! `block_sparse_moe.gate.weight`); transformers 5.x holds them packed
//! (`mlp.experts.gate_up_proj [E, 2I, H]`, `mlp.experts.down_proj [E, H, I]`, `mlp.gate.weight`).
//! Both load. The decay buffers transformers may save (`slope_rate`, `*_decay`) are recomputed in fp32
//! and ignored, like RoPE's `inv_freq`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tch::{nn, Device, Kind, Tensor};

use super::causal_lm::MiniMaxForCausalLM;
use super::config::MiniMaxConfig;
use super::error::ModelError;

/// How experts are named in a saved checkpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpertLayout {
    /// `block_sparse_moe.experts.{e}.w1/w2/w3.weight` (the original checkpoints; the default).
    PerExpert,
    /// `mlp.experts.gate_up_proj` / `down_proj` (transformers 5.x in memory).
    Packed,
}

/// A model loaded from a checkpoint directory, with the VarStore that owns its weights.
pub struct LoadedModel {
    pub vs: nn::VarStore,
    pub model: MiniMaxForCausalLM,
    pub config: MiniMaxConfig,
}

/// Loads `dir/config.json` and every `dir/*.safetensors` onto `device` in `kind`.
pub fn load(dir: &Path, device: Device, kind: Kind) -> Result<LoadedModel, ModelError> {
    let config = MiniMaxConfig::from_json_file(&dir.join("config.json"))?;
    load_with_config(dir, config, device, kind)
}

/// Like [`load`] with an explicit config (e.g. with `hf_full_rope` switched on).
pub fn load_with_config(
    dir: &Path,
    config: MiniMaxConfig,
    device: Device,
    kind: Kind,
) -> Result<LoadedModel, ModelError> {
    let mut vs = nn::VarStore::new(device);
    let model = MiniMaxForCausalLM::new(&vs.root(), &config)?;
    load_weights(&mut vs, &config, dir)?;
    if kind != Kind::Float {
        vs.set_kind(kind);
    }
    Ok(LoadedModel { vs, model, config })
}

/// Copies the checkpoint's tensors into `vs` (built by [`MiniMaxForCausalLM::new`]), checking that
/// every parameter is present with the right shape and that no tensor is left unused.
pub fn load_weights(
    vs: &mut nn::VarStore,
    cfg: &MiniMaxConfig,
    dir: &Path,
) -> Result<(), ModelError> {
    let files = safetensors_files(dir)?;
    let mut tensors: BTreeMap<String, (Tensor, PathBuf)> = BTreeMap::new();
    for file in &files {
        let read = Tensor::read_safetensors(file)
            .map_err(|e| ModelError::Checkpoint(format!("{}: {e}", file.display())))?;
        for (name, t) in read {
            tensors.insert(name, (t, file.clone()));
        }
    }
    let mut vars = vs.variables();
    let mut per_expert: BTreeMap<(usize, i64, String), Tensor> = BTreeMap::new();
    let mut unused = Vec::new();
    tch::no_grad(|| -> Result<(), ModelError> {
        for (name, (t, file)) in &tensors {
            if is_ignored_buffer(name) {
                continue;
            }
            if let Some((layer, expert, w)) = parse_expert(name) {
                per_expert.insert((layer, expert, w), t.shallow_clone());
                continue;
            }
            let target = name.replace(".block_sparse_moe.gate.", ".mlp.gate.");
            match vars.get_mut(&target) {
                Some(var) => copy_checked(var, t, name, file)?,
                None if target == "lm_head.weight" && cfg.tie_word_embeddings => {}
                None => unused.push(name.clone()),
            }
            vars.remove(&target);
        }
        for layer in 0..cfg.num_hidden_layers {
            let prefix = format!("model.layers.{layer}.mlp.experts");
            let gu_name = format!("{prefix}.gate_up_proj");
            let down_name = format!("{prefix}.down_proj");
            let have = |w: &str| {
                (0..cfg.num_local_experts)
                    .all(|e| per_expert.contains_key(&(layer, e, w.to_string())))
            };
            if !vars.contains_key(&gu_name) {
                continue; // loaded packed
            }
            if !(have("w1") && have("w2") && have("w3")) {
                continue; // reported missing below
            }
            let get = |e: i64, w: &str| per_expert[&(layer, e, w.to_string())].shallow_clone();
            let gate_up = Tensor::stack(
                &(0..cfg.num_local_experts)
                    .map(|e| Tensor::cat(&[get(e, "w1"), get(e, "w3")], 0))
                    .collect::<Vec<_>>(),
                0,
            );
            let down = Tensor::stack(
                &(0..cfg.num_local_experts)
                    .map(|e| get(e, "w2"))
                    .collect::<Vec<_>>(),
                0,
            );
            let origin = PathBuf::from(format!("per-expert tensors of layer {layer}"));
            copy_checked(
                vars.get_mut(&gu_name).expect("checked"),
                &gate_up,
                &gu_name,
                &origin,
            )?;
            copy_checked(
                vars.get_mut(&down_name).expect("present"),
                &down,
                &down_name,
                &origin,
            )?;
            vars.remove(&gu_name);
            vars.remove(&down_name);
            for e in 0..cfg.num_local_experts {
                for w in ["w1", "w2", "w3"] {
                    per_expert.remove(&(layer, e, w.to_string()));
                }
            }
        }
        Ok(())
    })?;
    unused.extend(
        per_expert
            .keys()
            .map(|(l, e, w)| format!("model.layers.{l}.block_sparse_moe.experts.{e}.{w}.weight")),
    );
    if !vars.is_empty() {
        let mut missing: Vec<_> = vars.keys().cloned().collect();
        missing.sort();
        return Err(ModelError::Checkpoint(format!(
            "{}: {} parameters missing, e.g. {}",
            dir.display(),
            missing.len(),
            missing
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    if !unused.is_empty() {
        return Err(ModelError::Checkpoint(format!(
            "{}: {} tensors match no parameter of this config, e.g. {}",
            dir.display(),
            unused.len(),
            unused
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(())
}

/// Writes `dir/config.json` and `dir/model.safetensors` (each through a temporary file then a rename).
pub fn save(
    model: &MiniMaxForCausalLM,
    dir: &Path,
    layout: ExpertLayout,
) -> Result<(), ModelError> {
    std::fs::create_dir_all(dir).map_err(|e| ModelError::io(dir, e))?;
    let cfg = &model.config;
    let mut named: Vec<(String, Tensor)> = Vec::new();
    named.push((
        "model.embed_tokens.weight".into(),
        model.embed_tokens.shallow_clone(),
    ));
    named.push((
        "model.norm.weight".into(),
        model.norm.weight.shallow_clone(),
    ));
    if !cfg.tie_word_embeddings {
        named.push(("lm_head.weight".into(), model.lm_head.shallow_clone()));
    }
    for (i, layer) in model.layers.iter().enumerate() {
        let p = format!("model.layers.{i}");
        named.push((
            format!("{p}.input_layernorm.weight"),
            layer.input_layernorm.weight.shallow_clone(),
        ));
        named.push((
            format!("{p}.post_attention_layernorm.weight"),
            layer.post_attention_layernorm.weight.shallow_clone(),
        ));
        for (name, t) in layer.attention_parameters() {
            named.push((format!("{p}.self_attn.{name}"), t));
        }
        let moe = &layer.moe;
        match layout {
            ExpertLayout::Packed => {
                named.push((format!("{p}.mlp.gate.weight"), moe.gate.shallow_clone()));
                named.push((
                    format!("{p}.mlp.experts.gate_up_proj"),
                    moe.gate_up_proj.shallow_clone(),
                ));
                named.push((
                    format!("{p}.mlp.experts.down_proj"),
                    moe.down_proj.shallow_clone(),
                ));
            }
            ExpertLayout::PerExpert => {
                named.push((
                    format!("{p}.block_sparse_moe.gate.weight"),
                    moe.gate.shallow_clone(),
                ));
                let inter = cfg.intermediate_size;
                for e in 0..cfg.num_local_experts {
                    let gu = moe.gate_up_proj.get(e);
                    let q = format!("{p}.block_sparse_moe.experts.{e}");
                    named.push((format!("{q}.w1.weight"), gu.narrow(0, 0, inter)));
                    named.push((format!("{q}.w3.weight"), gu.narrow(0, inter, inter)));
                    named.push((format!("{q}.w2.weight"), moe.down_proj.get(e)));
                }
            }
        }
    }
    // safetensors wants contiguous CPU tensors.
    let named: Vec<(String, Tensor)> = named
        .into_iter()
        .map(|(n, t)| (n, t.detach().to_device(Device::Cpu).contiguous()))
        .collect();
    let weights = dir.join("model.safetensors");
    let tmp = dir.join(format!(".model.safetensors.tmp-{}", std::process::id()));
    Tensor::write_safetensors(&named, &tmp)
        .map_err(|e| ModelError::Checkpoint(format!("{}: {e}", tmp.display())))?;
    std::fs::rename(&tmp, &weights).map_err(|e| ModelError::io(&weights, e))?;
    let config = dir.join("config.json");
    let tmp = dir.join(format!(".config.json.tmp-{}", std::process::id()));
    let text = serde_json::to_string_pretty(&cfg.to_hf_json()).expect("config serialises");
    std::fs::write(&tmp, text).map_err(|e| ModelError::io(&tmp, e))?;
    std::fs::rename(&tmp, &config).map_err(|e| ModelError::io(&config, e))?;
    Ok(())
}

fn safetensors_files(dir: &Path) -> Result<Vec<PathBuf>, ModelError> {
    let entries = std::fs::read_dir(dir).map_err(|e| ModelError::io(dir, e))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "safetensors"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(ModelError::Checkpoint(format!(
            "{}: no *.safetensors file",
            dir.display()
        )));
    }
    Ok(files)
}

fn is_ignored_buffer(name: &str) -> bool {
    [
        "slope_rate",
        "query_decay",
        "key_decay",
        "diagonal_decay",
        "rotary_emb.inv_freq",
    ]
    .iter()
    .any(|b| name.ends_with(b))
}

/// `model.layers.{l}.block_sparse_moe.experts.{e}.{w1|w2|w3}.weight` → `(l, e, w)`.
fn parse_expert(name: &str) -> Option<(usize, i64, String)> {
    let rest = name.strip_prefix("model.layers.")?;
    let (layer, rest) = rest.split_once('.')?;
    let rest = rest.strip_prefix("block_sparse_moe.experts.")?;
    let (expert, rest) = rest.split_once('.')?;
    let w = rest.strip_suffix(".weight")?;
    if !matches!(w, "w1" | "w2" | "w3") {
        return None;
    }
    Some((layer.parse().ok()?, expert.parse().ok()?, w.to_string()))
}

fn copy_checked(var: &mut Tensor, src: &Tensor, name: &str, file: &Path) -> Result<(), ModelError> {
    if var.size() != src.size() {
        return Err(ModelError::Checkpoint(format!(
            "{}: tensor `{name}` has shape {:?}, the config needs {:?}",
            file.display(),
            src.size(),
            var.size()
        )));
    }
    var.copy_(&src.to_kind(var.kind()).to_device(var.device()));
    Ok(())
}
