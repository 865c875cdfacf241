//! Any response, however hostile, gets a verdict quickly and never a panic, for every task.

use std::time::{Duration, Instant};

use proptest::prelude::*;
use rlvr_synlogic::{tasks, Difficulty, GenOptions, Instance, Puzzle};

fn instances() -> Vec<(&'static dyn Puzzle, Instance)> {
    tasks::ALL
        .iter()
        .map(|&p| {
            (
                p,
                p.generate(0, 0, GenOptions::at(Difficulty::new(5).unwrap()))
                    .unwrap(),
            )
        })
        .collect()
}

/// Verifies `response` against every task, checking the time bound and that it is not judged correct.
fn judge_all(instances: &[(&'static dyn Puzzle, Instance)], response: &str) {
    for (puzzle, instance) in instances {
        let started = Instant::now();
        let judged = puzzle.verify(instance.gold(), response).unwrap();
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(2),
            "{}: {took:?} on a {}-byte response",
            puzzle.id(),
            response.len()
        );
        assert!(
            !judged.is_correct(),
            "{}: accepted {:?}",
            puzzle.id(),
            &response[..response.len().min(80)]
        );
    }
}

#[test]
fn hostile_responses_get_a_verdict_in_bounded_time() {
    let instances = instances();
    let noise: String = (0..1_000_000u32)
        .map(|i| char::from(b' ' + (i.wrapping_mul(2_654_435_761) % 95) as u8))
        .collect();
    let huge_grid = format!(
        "```python\n[{}]\n```",
        vec![format!("[{}]", vec!["7"; 2000].join(",")); 500].join(",")
    );
    let cases = [
        String::new(),
        noise,
        "[".repeat(500_000),
        format!(
            "```python\n{}{}\n```",
            "(".repeat(200_000),
            ")".repeat(200_000)
        ),
        format!("[[{}]]", "1 ".repeat(300_000)),
        huge_grid,
        "```python\n((1,2,3),(4,5,6))\n```".to_owned(),
        "```python\n[[1,2],[3]]\n```".to_owned(),
        "```python\n{'a': [(1, 2)]}\n```".to_owned(),
        "```python\n'string'\n```".to_owned(),
        "[[\"1\",\"X\"],[\"X\"]]".to_owned(),
        "```".repeat(100_000),
        "<think>".repeat(10_000),
        "\u{0}\u{fffd}\u{202e}".repeat(10_000),
    ];
    for case in &cases {
        judge_all(&instances, case);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(response in ".{0,2000}") {
        judge_all(&instances(), &response);
    }

    #[test]
    fn bracket_soup_never_panics(response in "[\\[\\]\\(\\),0-9 X1\"'`python\n]{0,3000}") {
        judge_all(&instances(), &response);
    }
}
