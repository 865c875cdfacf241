//! `Puzzle::verify_instance` (which reads a generated instance's typed gold where the task keeps
//! one) judges every response exactly as `Puzzle::verify` on the record written as JSON and read
//! back, the path SynLogic's own data takes.

use rlvr_synlogic::{tasks, Difficulty, GenOptions, Gold, Instance, Puzzle};
use serde_json::Value;

/// The reference response with one character replaced, at up to 24 places spread over it.
fn mutations(reference: &str) -> Vec<String> {
    let chars: Vec<char> = reference.chars().collect();
    let step = (chars.len() / 24).max(1);
    let mut out = Vec::new();
    for pos in (0..chars.len()).step_by(step) {
        for with in ['X', '1', 'a', '0', ' ', ']', '"'] {
            if chars[pos] != with {
                let mut changed = chars.clone();
                changed[pos] = with;
                out.push(changed.into_iter().collect());
            }
        }
    }
    out
}

fn assert_same_verdicts(puzzle: &dyn Puzzle, instance: &Instance) {
    let record = instance.to_record();
    let record = serde_json::from_str::<Value>(&record.to_string()).unwrap();
    let record = record.as_object().unwrap();
    let from_json = Gold::from_record(record);
    let reference = puzzle.reference_response(instance.gold()).unwrap();
    let mut responses = vec![
        reference.clone(),
        format!("<think>maybe [[1]] or 1 + 2 = 3</think>{reference}"),
        format!("{reference}\n```python\n[[\"a\"]]\n```"),
        String::new(),
        "```python\n[[1,2],[3]]\n```".to_owned(),
    ];
    responses.extend(mutations(&reference));
    for response in &responses {
        let typed = puzzle.verify_instance(instance, response).unwrap();
        let json = puzzle.verify(from_json, response).unwrap();
        assert_eq!(typed, json, "{}: {response:?}", puzzle.id());
    }
}

#[test]
fn verify_instance_agrees_with_the_json_record() {
    for puzzle in tasks::ALL {
        for level in [1, 2, 3, 6] {
            let options = GenOptions::at(Difficulty::new(level).unwrap());
            for index in 0..2 {
                let instance = puzzle.generate(11, index, options).unwrap();
                assert_same_verdicts(*puzzle, &instance);
            }
        }
    }
}

#[test]
fn a_record_read_back_from_json_verifies_without_a_typed_gold() {
    for puzzle in tasks::ALL {
        let options = GenOptions::at(Difficulty::new(3).unwrap());
        let instance = puzzle.generate(5, 0, options).unwrap();
        let line = serde_json::to_string(&instance).unwrap();
        let read: Instance = serde_json::from_str(&line).unwrap();
        assert_eq!(read, instance);
        let reference = puzzle.reference_response(read.gold()).unwrap();
        assert!(puzzle
            .verify_instance(&read, &reference)
            .unwrap()
            .is_correct());
        assert_same_verdicts(*puzzle, &read);
    }
}
