//! The three forms of lightning attention agree: naive (reference), block-wise and recurrent.

use rlvr_kernels::lightning::{blockwise, decay_slopes, naive, recurrent, slopes_tensor};
use tch::{Device, Kind, Tensor};

fn inputs(b: i64, h: i64, t: i64, d: i64, seed: i64) -> (Tensor, Tensor, Tensor) {
    tch::manual_seed(seed);
    let opts = (Kind::Float, Device::Cpu);
    // SiLU outputs are mostly positive; mimic the model's inputs.
    let q = Tensor::randn([b, h, t, d], opts).silu();
    let k = Tensor::randn([b, h, t, d], opts).silu();
    let v = Tensor::randn([b, h, t, d], opts).silu();
    (q, k, v)
}

fn max_diff(a: &Tensor, b: &Tensor) -> f64 {
    (a - b).abs().max().double_value(&[])
}

fn scale(a: &Tensor) -> f64 {
    a.abs().max().double_value(&[]).max(1.0)
}

#[test]
fn blockwise_and_recurrent_match_naive_over_lengths_and_blocks() {
    tch::set_num_threads(1);
    let h = 4;
    // A late layer (slow decay) and the first layer (fast decay).
    for layer in [0usize, 6] {
        let slopes = slopes_tensor(&decay_slopes(h as usize, layer, 8), Device::Cpu);
        for t in [1i64, 3, 4, 5, 9, 17] {
            for block in [1i64, 3, 4, 16] {
                let (q, k, v) = inputs(2, h, t, 8, t * 31 + block);
                let (o_ref, s_ref) = naive::attention(&q, &k, &v, &slopes, None);
                let (o_blk, s_blk) = blockwise::attention(&q, &k, &v, &slopes, block, None);
                let (o_rec, s_rec) = recurrent::attention(&q, &k, &v, &slopes, None);
                let tol = 1e-5 * scale(&o_ref);
                assert!(
                    max_diff(&o_ref, &o_blk) <= tol,
                    "blockwise out t={t} block={block} layer={layer}"
                );
                assert!(
                    max_diff(&o_ref, &o_rec) <= tol,
                    "recurrent out t={t} layer={layer}"
                );
                let stol = 1e-5 * scale(&s_ref);
                assert!(
                    max_diff(&s_ref, &s_blk) <= stol,
                    "blockwise state t={t} block={block}"
                );
                assert!(max_diff(&s_ref, &s_rec) <= stol, "recurrent state t={t}");
            }
        }
    }
}

#[test]
fn initial_state_is_carried_by_every_form() {
    tch::set_num_threads(1);
    let slopes = slopes_tensor(&decay_slopes(2, 1, 4), Device::Cpu);
    let (q, k, v) = inputs(1, 2, 11, 4, 7);
    let s0 = Tensor::randn([1, 2, 4, 4], (Kind::Float, Device::Cpu));
    let (o_ref, s_ref) = naive::attention(&q, &k, &v, &slopes, Some(&s0));
    let (o_blk, s_blk) = blockwise::attention(&q, &k, &v, &slopes, 4, Some(&s0));
    let (o_rec, s_rec) = recurrent::attention(&q, &k, &v, &slopes, Some(&s0));
    assert!(max_diff(&o_ref, &o_blk) <= 1e-5 * scale(&o_ref));
    assert!(max_diff(&o_ref, &o_rec) <= 1e-5 * scale(&o_ref));
    assert!(max_diff(&s_ref, &s_blk) <= 1e-5 * scale(&s_ref));
    assert!(max_diff(&s_ref, &s_rec) <= 1e-5 * scale(&s_ref));
    // And the state matters: dropping it changes the output.
    let (o_none, _) = naive::attention(&q, &k, &v, &slopes, None);
    assert!(max_diff(&o_ref, &o_none) > 1e-3);
}

#[test]
fn prefill_then_steps_equals_one_prefill() {
    tch::set_num_threads(1);
    let slopes = slopes_tensor(&decay_slopes(4, 3, 8), Device::Cpu);
    let (q, k, v) = inputs(2, 4, 10, 8, 3);
    let (o_all, s_all) = blockwise::attention(&q, &k, &v, &slopes, 3, None);
    let (o_pre, mut state) = blockwise::attention(
        &q.narrow(2, 0, 6),
        &k.narrow(2, 0, 6),
        &v.narrow(2, 0, 6),
        &slopes,
        3,
        None,
    );
    let decay = (-&slopes).exp().view([1, -1, 1, 1]);
    let mut outs = vec![o_pre];
    for i in 6..10 {
        outs.push(recurrent::step_in_place(
            &q.narrow(2, i, 1),
            &k.narrow(2, i, 1),
            &v.narrow(2, i, 1),
            &decay,
            &mut state,
        ));
    }
    let o_steps = Tensor::cat(&outs, 2);
    assert!(max_diff(&o_all, &o_steps) <= 1e-5 * scale(&o_all));
    assert!(max_diff(&s_all, &state) <= 1e-5 * scale(&s_all));
}

#[test]
fn slopes_follow_the_minimax_formula() {
    let s = decay_slopes(64, 0, 80);
    assert!((s[0] - 0.917_013).abs() < 1e-5, "head 0 slope {}", s[0]);
    assert!((s[63] - 2f64.powi(-8) * (1.0 + 1e-5)).abs() < 1e-7);
    // The last layer decays almost not at all.
    let last = decay_slopes(64, 79, 80);
    assert!(last[0] < 1e-4);
}

#[test]
fn bf16_inputs_are_computed_in_fp32() {
    tch::set_num_threads(1);
    let slopes = slopes_tensor(&decay_slopes(2, 0, 2), Device::Cpu);
    let (q, k, v) = inputs(1, 2, 7, 4, 9);
    let (o, s) = blockwise::attention(
        &q.to_kind(Kind::BFloat16),
        &k.to_kind(Kind::BFloat16),
        &v.to_kind(Kind::BFloat16),
        &slopes,
        4,
        None,
    );
    assert_eq!(o.kind(), Kind::Float);
    assert_eq!(s.kind(), Kind::Float);
}
