//! Generation with caches matches a full forward pass token by token; padding and chunking are invisible.

use rlvr_trainer::generate::{generate, DecodeMode, FinishReason, SamplingParams};
use rlvr_trainer::model::{MiniMaxConfig, MiniMaxForCausalLM, ModelCache};
use tch::{nn, Device, Kind, Tensor};

/// Tests run on parallel threads and libtorch's generator is global: seeding and initialising under one
/// lock keeps every test's model the same whatever else runs beside it.
static INIT: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn tiny() -> (nn::VarStore, MiniMaxForCausalLM) {
    let _guard = INIT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    tch::set_num_threads(1);
    tch::manual_seed(11);
    let vs = nn::VarStore::new(Device::Cpu);
    let model = MiniMaxForCausalLM::new(&vs.root(), &MiniMaxConfig::tiny()).unwrap();
    (vs, model)
}

fn max_diff(a: &Tensor, b: &Tensor) -> f64 {
    (a - b).abs().max().double_value(&[])
}

#[test]
fn greedy_generation_matches_full_forward_token_by_token() {
    let (_vs, model) = tiny();
    let prompt = vec![3i64, 17, 5, 42, 9];
    let params = SamplingParams {
        temperature: 0.0,
        max_new_tokens: 9,
        ..SamplingParams::default()
    };
    let out = generate(&model, std::slice::from_ref(&prompt), &params).unwrap();
    let tokens = &out[0].tokens;
    assert_eq!(tokens.len(), 9);
    let mut full = prompt.clone();
    full.extend(tokens);
    let ids = Tensor::from_slice(&full).view([1, -1]);
    let logp = tch::no_grad(|| model.forward(&ids)).log_softmax(-1, Kind::Float);
    for (i, (&tok, &lp)) in tokens.iter().zip(&out[0].logprobs).enumerate() {
        let row = logp.get(0).get((prompt.len() + i - 1) as i64);
        assert_eq!(
            row.argmax(-1, false).int64_value(&[]),
            tok,
            "step {i}: greedy token differs from full forward"
        );
        let full_lp = row.double_value(&[tok]);
        assert!(
            (full_lp - lp as f64).abs() < 1e-4,
            "step {i}: logprob {lp} vs full forward {full_lp}"
        );
    }
}

#[test]
fn chunked_prefill_with_cache_equals_one_forward() {
    let (_vs, model) = tiny();
    let ids = Tensor::from_slice(&[1i64, 8, 22, 13, 7, 50, 2, 33, 61, 4, 19]).view([1, -1]);
    let full = tch::no_grad(|| model.forward(&ids));
    let cfg = &model.config;
    let mut cache = ModelCache::new(cfg, 1, 16, Kind::Float, Device::Cpu);
    let mut parts = Vec::new();
    for (start, len) in [(0i64, 6i64), (6, 1), (7, 4)] {
        let chunk = ids.narrow(1, start, len);
        let pos =
            Tensor::arange_start(start, start + len, (Kind::Int64, Device::Cpu)).view([1, -1]);
        let (h, _) = tch::no_grad(|| model.hidden_states(&chunk, &pos, None, Some(&mut cache)));
        parts.push(model.lm_logits(&h));
    }
    let chunked = Tensor::cat(&parts, 1);
    assert!(
        max_diff(&full, &chunked) < 1e-4,
        "diff {}",
        max_diff(&full, &chunked)
    );
}

#[test]
fn left_padded_batch_gives_each_prompt_its_own_tokens() {
    let (_vs, model) = tiny();
    let prompts = vec![vec![5i64, 6, 7, 8, 9, 10, 11], vec![40i64, 41]];
    let params = SamplingParams {
        temperature: 0.0,
        max_new_tokens: 6,
        ..SamplingParams::default()
    };
    let batched = generate(&model, &prompts, &params).unwrap();
    for (i, p) in prompts.iter().enumerate() {
        let alone = generate(&model, std::slice::from_ref(p), &params).unwrap();
        assert_eq!(batched[i].tokens, alone[0].tokens, "prompt {i}");
    }
}

#[test]
fn sampling_is_seeded_and_stop_and_truncation_end_sequences() {
    let (_vs, model) = tiny();
    let prompts = vec![vec![1i64, 2, 3]];
    let params = SamplingParams {
        temperature: 1.0,
        top_p: 0.9,
        top_k: 20,
        seed: 5,
        max_new_tokens: 12,
        ..SamplingParams::default()
    };
    let a = generate(&model, &prompts, &params).unwrap();
    let b = generate(&model, &prompts, &params).unwrap();
    assert_eq!(a, b);
    assert!(a[0].logprobs.iter().all(|&lp| lp <= 0.0));
    // Stop on whatever the first sampled token is.
    let stop = SamplingParams {
        stop_tokens: vec![a[0].tokens[0]],
        ..params.clone()
    };
    let s = generate(&model, &prompts, &stop).unwrap();
    assert_eq!(s[0].tokens.len(), 1);
    assert_eq!(s[0].finish, rlvr_trainer::generate::FinishReason::Stop);
    // Every token has probability above 0: truncation after 3.
    let trunc = SamplingParams {
        early_truncation: Some(rlvr_trainer::generate::EarlyTruncation {
            run_length: 3,
            min_prob: 0.0,
        }),
        ..params
    };
    let t = generate(&model, &prompts, &trunc).unwrap();
    assert_eq!(t[0].tokens.len(), 3);
    assert_eq!(t[0].finish, rlvr_trainer::generate::FinishReason::Truncated);
}

#[test]
fn fixed_shape_decoding_gives_the_eager_tokens() {
    // The fixed-shape step is what a CUDA graph replays: whole batch to the end, keys written at a
    // device-side index, attention over the whole cache buffer. It must not change any token.
    let (_vs, model) = tiny();
    let prompts = vec![
        vec![5i64, 6, 7, 8, 9, 10, 11],
        vec![40i64, 41],
        vec![3i64, 30, 13],
    ];
    for temperature in [0.0, 1.0] {
        let base = SamplingParams {
            temperature,
            top_p: 0.95,
            seed: 9,
            max_new_tokens: 10,
            decode: DecodeMode::Eager,
            ..SamplingParams::default()
        };
        // A stop token that ends the second sequence early while the first goes on: the earliest token
        // of row 1 that row 0 has not produced by then.
        let unstopped = generate(&model, &prompts, &base).unwrap();
        let (row0, row1) = (&unstopped[0].tokens, &unstopped[1].tokens);
        let stop = (1..row1.len())
            .find(|&j| !row0.iter().take(j + 1).any(|&t| t == row1[j]))
            .map(|j| row1[j])
            .expect("rows 0 and 1 share every token; pick other prompts");
        let params = SamplingParams {
            stop_tokens: vec![stop],
            ..base
        };
        let eager = generate(&model, &prompts, &params).unwrap();
        let fixed = generate(
            &model,
            &prompts,
            &SamplingParams {
                decode: DecodeMode::Static,
                ..params.clone()
            },
        )
        .unwrap();
        assert_eq!(eager[1].finish, FinishReason::Stop);
        assert!(eager.iter().any(|c| c.tokens.len() > eager[1].tokens.len()));
        for (i, (e, f)) in eager.iter().zip(&fixed).enumerate() {
            assert_eq!(e.tokens, f.tokens, "prompt {i}, temperature {temperature}");
            assert_eq!(e.finish, f.finish, "prompt {i}");
            for (a, b) in e.logprobs.iter().zip(&f.logprobs) {
                assert!((a - b).abs() < 1e-5, "prompt {i}: logprob {a} vs {b}");
            }
        }
    }
}

#[test]
fn graph_decoding_is_refused_without_cuda() {
    if tch::Cuda::is_available() {
        return;
    }
    let (_vs, model) = tiny();
    let params = SamplingParams {
        temperature: 0.0,
        max_new_tokens: 3,
        decode: DecodeMode::Graph,
        ..SamplingParams::default()
    };
    let err = generate(&model, &[vec![1i64, 2]], &params).unwrap_err();
    assert!(
        err.to_string().contains("CUDA graphs are unavailable"),
        "{err}"
    );
}
