//! Checkpoints round-trip: a model saved in either expert layout loads back to the same config and the
//! same logits; both config.json naming schemes read to the same config; damaged checkpoints fail with
//! errors that name the file and the tensor.

use rlvr_trainer::model::checkpoint::{self, ExpertLayout};
use rlvr_trainer::model::{LayerType, MiniMaxConfig, MiniMaxForCausalLM, Residual};
use serde_json::json;
use tch::{nn, Device, Kind, Tensor};

fn random_tiny(seed: i64) -> (nn::VarStore, MiniMaxForCausalLM) {
    tch::set_num_threads(1);
    tch::manual_seed(seed);
    let vs = nn::VarStore::new(Device::Cpu);
    let model = MiniMaxForCausalLM::new(&vs.root(), &MiniMaxConfig::tiny()).unwrap();
    (vs, model)
}

fn logits(model: &MiniMaxForCausalLM) -> Tensor {
    let ids = Tensor::from_slice(&[5i64, 9, 33, 2, 60, 17, 8, 41, 12]).view([1, -1]);
    tch::no_grad(|| model.forward(&ids))
}

#[test]
fn both_expert_layouts_round_trip_to_identical_logits() {
    let (_vs, model) = random_tiny(3);
    let before = logits(&model);
    for layout in [ExpertLayout::PerExpert, ExpertLayout::Packed] {
        let dir = tempfile::tempdir().unwrap();
        checkpoint::save(&model, dir.path(), layout).unwrap();
        let loaded = checkpoint::load(dir.path(), Device::Cpu, Kind::Float).unwrap();
        assert_eq!(loaded.config, model.config, "{layout:?}");
        let after = logits(&loaded.model);
        assert_eq!(
            (&before - &after).abs().max().double_value(&[]),
            0.0,
            "{layout:?}: weights changed on the way through safetensors"
        );
        // Nothing but the two outputs is left behind (temporary files were renamed).
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["config.json", "model.safetensors"]);
    }
}

#[test]
fn a_different_random_model_gives_different_logits() {
    // Guards the round-trip test: equality above is not an artefact of logits ignoring the weights.
    let (_a, model_a) = random_tiny(3);
    let (_b, model_b) = random_tiny(4);
    let diff = (logits(&model_a) - logits(&model_b)).abs().max();
    assert!(diff.double_value(&[]) > 1e-3);
}

#[test]
fn transformers_and_original_config_schemes_read_the_same() {
    let hf = json!({
        "vocab_size": 128, "hidden_size": 64, "intermediate_size": 96, "num_hidden_layers": 4,
        "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16,
        "layer_types": ["linear_attention", "linear_attention", "linear_attention", "full_attention"],
        "block_size": 8, "num_local_experts": 4, "num_experts_per_tok": 2,
        "full_attn_alpha_factor": 3.5, "full_attn_beta_factor": 1.0,
        "linear_attn_alpha_factor": 3.5, "linear_attn_beta_factor": 1.0,
        "mlp_alpha_factor": 3.5, "mlp_beta_factor": 1.0,
        "rope_parameters": {"rope_theta": 10000000.0, "partial_rotary_factor": 0.5},
    });
    let original = json!({
        "vocab_size": 128, "hidden_size": 64, "intermediate_size": 96, "num_hidden_layers": 4,
        "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16,
        "attn_type_list": [0, 0, 0, 1],
        "block_size": 8, "num_local_experts": 4, "num_experts_per_tok": 2,
        "layernorm_full_attention_alpha": 3.5, "layernorm_full_attention_beta": 1.0,
        "layernorm_linear_attention_alpha": 3.5, "layernorm_linear_attention_beta": 1.0,
        "layernorm_mlp_alpha": 3.5, "layernorm_mlp_beta": 1.0,
        "rope_theta": 10000000.0, "rotary_dim": 8, "postnorm": true,
    });
    let a = MiniMaxConfig::from_json_value(&hf).unwrap();
    let b = MiniMaxConfig::from_json_value(&original).unwrap();
    assert_eq!(a, b);
    assert_eq!(
        a.layer_types,
        [
            LayerType::Lightning,
            LayerType::Lightning,
            LayerType::Lightning,
            LayerType::Softmax
        ]
    );
    assert_eq!(a.rotary_dim, 8);
    assert_eq!(a.rope_theta, 1e7);
    let deep = Residual {
        alpha: 3.5,
        beta: 1.0,
    };
    assert_eq!((a.full_attn, a.linear_attn, a.mlp), (deep, deep, deep));
    // What we write reads back to the same config.
    let rewritten = MiniMaxConfig::from_json_value(&a.to_hf_json()).unwrap();
    assert_eq!(rewritten, a);
}

#[test]
fn bad_configs_name_the_field() {
    let cases = [
        (
            json!({"num_hidden_layers": 2, "layer_types": ["linear_attention"]}),
            "layer_types",
        ),
        (
            json!({"attn_type_list": [0, 7], "num_hidden_layers": 2}),
            "attn_type_list[1]",
        ),
        (json!({"hidden_size": "wide"}), "hidden_size"),
        (
            json!({"num_attention_heads": 6, "num_key_value_heads": 4}),
            "num_key_value_heads",
        ),
        (json!({"head_dim": 16, "rotary_dim": 7}), "rotary_dim"),
        (json!([1, 2]), "JSON object"),
    ];
    for (config, needle) in cases {
        let err = MiniMaxConfig::from_json_value(&config).unwrap_err();
        assert!(err.contains(needle), "{config}: {err}");
    }
}

#[test]
fn damaged_checkpoints_fail_naming_what_is_wrong() {
    let (_vs, model) = random_tiny(5);
    let dir = tempfile::tempdir().unwrap();
    checkpoint::save(&model, dir.path(), ExpertLayout::Packed).unwrap();

    // A config that no longer matches the weights: the error names the tensor and both shapes.
    let mut config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("config.json")).unwrap())
            .unwrap();
    config["intermediate_size"] = json!(config["intermediate_size"].as_i64().unwrap() + 8);
    std::fs::write(dir.path().join("config.json"), config.to_string()).unwrap();
    let err = checkpoint::load(dir.path(), Device::Cpu, Kind::Float)
        .err()
        .expect("mismatched shapes must not load")
        .to_string();
    assert!(err.contains("model.safetensors"), "{err}");
    assert!(err.contains("shape"), "{err}");

    // No weights at all.
    std::fs::remove_file(dir.path().join("model.safetensors")).unwrap();
    let err = checkpoint::load(dir.path(), Device::Cpu, Kind::Float)
        .err()
        .expect("a checkpoint without weights must not load")
        .to_string();
    assert!(err.contains("no *.safetensors"), "{err}");

    // A truncated weights file.
    checkpoint::save(&model, dir.path(), ExpertLayout::Packed).unwrap();
    let weights = dir.path().join("model.safetensors");
    let bytes = std::fs::read(&weights).unwrap();
    std::fs::write(&weights, &bytes[..bytes.len() / 2]).unwrap();
    assert!(checkpoint::load(dir.path(), Device::Cpu, Kind::Float).is_err());
}
