//! The labelled suite: every case in `fixtures/math/labelled.jsonl` (gold, full response, the
//! expected verdict, a note) must be judged as labelled. It includes each wrong verdict of math-verify
//! listed in the project's reference notes, where rlvr must be right.

use rlvr_envs::math::MathVerifier;
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    gold: String,
    output: String,
    expected: bool,
    note: String,
}

fn cases() -> Vec<Case> {
    let text = include_str!("fixtures/math/labelled.jsonl");
    text.lines()
        .enumerate()
        .map(|(n, line)| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("labelled.jsonl line {}: {e}", n + 1))
        })
        .collect()
}

#[test]
fn every_labelled_case_is_judged_as_labelled() {
    let verifier = MathVerifier::default();
    let cases = cases();
    assert!(cases.len() >= 500, "only {} labelled cases", cases.len());
    let mut failures = Vec::new();
    for (n, case) in cases.iter().enumerate() {
        let judgement = verifier.verify(&case.gold, &case.output);
        if judgement.is_correct() != case.expected {
            failures.push(format!(
                "line {}: [{}] gold {:?} output {:?}: expected {}, got {:?} ({})",
                n + 1,
                case.note,
                case.gold,
                case.output,
                case.expected,
                judgement.verdict,
                judgement.reason
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases judged wrongly:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn the_suite_covers_both_verdicts_for_every_form() {
    let cases = cases();
    let mut notes: Vec<&str> = cases.iter().map(|c| c.note.as_str()).collect();
    notes.sort();
    notes.dedup();
    let one_sided: Vec<&str> = notes
        .iter()
        .copied()
        .filter(|note| {
            let of_note = cases.iter().filter(|c| c.note == *note);
            let (yes, no) = of_note.fold(
                (0, 0),
                |(y, n), c| if c.expected { (y + 1, n) } else { (y, n + 1) },
            );
            // Hostile and no-answer groups are negative by design.
            (yes == 0 || no == 0)
                && !note.starts_with("hostile")
                && !matches!(*note, "no answer" | "garbage")
        })
        .collect();
    assert!(
        one_sided.is_empty(),
        "forms tested one way only: {one_sided:?}"
    );
}
