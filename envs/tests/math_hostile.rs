//! Hostile and random inputs: the verifier never panics and every verdict is fast.

use std::time::{Duration, Instant};

use proptest::prelude::*;
use rlvr_envs::math::MathVerifier;
use rlvr_envs::Verdict;

/// Generous for a debug build on a loaded 2-core machine; release verdicts take microseconds.
const BUDGET: Duration = Duration::from_millis(250);

fn timed(gold: &str, response: &str) -> (Verdict, Duration) {
    let started = Instant::now();
    let judgement = MathVerifier::default().verify(gold, response);
    (judgement.verdict, started.elapsed())
}

#[test]
fn pathological_answers_are_unparseable_and_fast() {
    let nested = format!("\\boxed{{{}1{}}}", "{".repeat(2000), "}".repeat(2000));
    let parens = format!("\\boxed{{{}1{}}}", "(".repeat(2000), ")".repeat(2000));
    let fracs = format!(
        "\\boxed{{{}1{}}}",
        "\\frac{1}{".repeat(500),
        "}".repeat(500)
    );
    let cases = [
        "\\boxed{10^{10^{10}}}".to_owned(),
        "\\boxed{10^{10^{10}}-10^{10^{10}}+1}".to_owned(),
        "\\boxed{2^{2^{2^{2^{2^{2}}}}}}".to_owned(),
        "\\boxed{99999999!}".to_owned(),
        "\\boxed{e^{10^{9}}}".to_owned(),
        nested,
        parens,
        fracs,
    ];
    for response in &cases {
        let (verdict, took) = timed("1", response);
        assert_eq!(verdict, Verdict::Unparseable, "{:.60}", response);
        assert!(took < BUDGET, "{:.60} took {took:?}", response);
    }
}

#[test]
fn long_responses_are_fast() {
    let reasoning = "We compute $x_{k} = \\frac{k}{2}$ and continue. ".repeat(2000);
    let (verdict, took) = timed(
        "\\frac{3}{4}",
        &format!("{reasoning} So \\boxed{{\\frac34}}"),
    );
    assert_eq!(verdict, Verdict::Correct);
    assert!(took < BUDGET * 4, "took {took:?}");
    let (_, took) = timed("1", &"{".repeat(200_000));
    assert!(took < BUDGET * 4, "took {took:?}");
}

fn latexish() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "\\frac",
        "\\sqrt",
        "{",
        "}",
        "(",
        ")",
        "[",
        "]",
        "^",
        "_",
        "1",
        "23",
        "0.5",
        "x",
        "y",
        "\\pi",
        "e",
        "i",
        "+",
        "-",
        "*",
        "/",
        "=",
        "<",
        "\\le",
        ",",
        "\\{",
        "\\}",
        "\\cup",
        "\\infty",
        "\\%",
        "^\\circ",
        "!",
        "\\text{cm}",
        "\\left(",
        "\\right)",
        "&",
        "\\\\",
        "\\begin{pmatrix}",
        "\\end{pmatrix}",
        "\\boxed{",
        "\\pm",
        "|",
        "\\sin",
        "\\log_",
        "\\overline{3}",
        "2\\frac12",
        " ",
        "$",
        "½",
        "√",
        "°",
        "−",
        "\\emptyset",
        "10^{",
        "99",
        "\\cdot",
    ]);
    prop::collection::vec(atoms, 0..60).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn random_latex_never_panics_and_finishes_fast(gold in latexish(), response in latexish()) {
        let (_, took) = timed(&gold, &format!("\\boxed{{{response}}}"));
        prop_assert!(took < BUDGET, "took {:?}", took);
        let (_, took) = timed(&gold, &response);
        prop_assert!(took < BUDGET, "took {:?}", took);
    }

    #[test]
    fn arbitrary_text_never_panics(gold in ".{0,80}", response in ".{0,300}") {
        let (_, took) = timed(&gold, &response);
        prop_assert!(took < BUDGET, "took {:?}", took);
    }

    #[test]
    fn an_answer_always_matches_itself(a in -1000i64..1000, b in 1i64..1000) {
        let gold = format!("\\frac{{{a}}}{{{b}}}");
        let same = format!("\\boxed{{{gold}}}");
        prop_assert!(MathVerifier::default().verify(&gold, &same).is_correct());
        let other = format!("\\boxed{{\\frac{{{}}}{{{b}}}}}", a + 1);
        prop_assert!(!MathVerifier::default().verify(&gold, &other).is_correct());
    }
}
