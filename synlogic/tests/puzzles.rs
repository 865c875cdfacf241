//! The contract every task in `tasks::ALL` must keep: deterministic generation, the reference
//! response verifies at every level, a corrupted one does not, and the environment conforms.

use rlvr_envs::conformance::{check, CheckConfig};
use rlvr_envs::Registry;
use rlvr_synlogic::{env::config_for, tasks, Difficulty, GenOptions, Language};

/// Changes the last digit of the response, which breaks the stated solution of every task here;
/// an answer without digits (campsite's T/C/X grid) loses its last tent instead.
fn corrupt(response: &str) -> String {
    let mut chars: Vec<char> = response.chars().collect();
    if let Some(pos) = chars.iter().rposition(|c| c.is_ascii_digit()) {
        let d = chars[pos].to_digit(10).unwrap();
        chars[pos] = char::from_digit((d + 1) % 10, 10).unwrap();
    } else {
        let pos = chars
            .iter()
            .rposition(|&c| c == 'C')
            .expect("a digit or a tent in the answer");
        chars[pos] = 'X';
    }
    chars.into_iter().collect()
}

#[test]
fn generation_is_deterministic_and_seed_dependent() {
    for puzzle in tasks::ALL {
        let options = GenOptions::at(Difficulty::new(4).unwrap());
        let a = puzzle.generate(7, 3, options).unwrap();
        let b = puzzle.generate(7, 3, options).unwrap();
        assert_eq!(a, b, "{}", puzzle.id());
        let c = puzzle.generate(8, 3, options).unwrap();
        assert_ne!(a.metadata, c.metadata, "{}", puzzle.id());
        let d = puzzle.generate(7, 4, options).unwrap();
        assert_ne!(a.metadata, d.metadata, "{}", puzzle.id());
    }
}

#[test]
fn reference_verifies_and_corruption_fails_at_every_level() {
    for puzzle in tasks::ALL {
        for level in Difficulty::all() {
            for index in 0..3 {
                let instance = puzzle.generate(1, index, GenOptions::at(level)).unwrap();
                assert_eq!(instance.difficulty, level);
                let gold = instance.gold();
                let reference = puzzle.reference_response(gold).unwrap();
                let judged = puzzle.verify(gold, &reference).unwrap();
                assert!(
                    judged.is_correct(),
                    "{} level {level}: {judged:?}",
                    puzzle.id()
                );
                let with_thinking = format!("<think>no idea, maybe [[1]]</think>{reference}");
                assert!(puzzle.verify(gold, &with_thinking).unwrap().is_correct());
                let judged = puzzle.verify(gold, &corrupt(&reference)).unwrap();
                assert!(
                    !judged.is_correct(),
                    "{} level {level}: corruption accepted",
                    puzzle.id()
                );
                assert!(!puzzle.verify(gold, "").unwrap().is_correct());
            }
        }
    }
}

#[test]
fn language_can_be_forced_without_changing_the_puzzle() {
    for puzzle in tasks::ALL {
        let level = Difficulty::new(3).unwrap();
        let en = puzzle
            .generate(
                2,
                0,
                GenOptions {
                    difficulty: level,
                    language: Some(Language::En),
                },
            )
            .unwrap();
        let zh = puzzle
            .generate(
                2,
                0,
                GenOptions {
                    difficulty: level,
                    language: Some(Language::Zh),
                },
            )
            .unwrap();
        let is_cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        assert!(!is_cjk(&en.question), "{}: {}", puzzle.id(), en.question);
        assert!(is_cjk(&zh.question), "{}: {}", puzzle.id(), zh.question);
        assert_eq!(en.answer, zh.answer, "{}", puzzle.id());
    }
}

#[test]
fn every_task_is_a_conforming_environment() {
    let mut reg = Registry::new();
    rlvr_synlogic::register(&mut reg);
    assert_eq!(reg.specs().count(), tasks::ALL.len());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    for puzzle in tasks::ALL {
        for level in [1, 10] {
            let id = format!("synlogic/{}@1", puzzle.id());
            let env = reg
                .build(&id, &config_for(Difficulty::new(level).unwrap()))
                .unwrap();
            let report = runtime.block_on(check(env.as_ref(), &CheckConfig::default()));
            assert!(report.passed(), "{report:#?}");
        }
        let bad = reg.build(
            &format!("synlogic/{}@1", puzzle.id()),
            &serde_json::json!({"difficulty": 11}),
        );
        assert!(bad.is_err());
    }
}

/// The highest level the monotonicity test reaches per task: all ten where the debug-build test
/// stays fast; lower where one level costs our solver millions of nodes per instance (its mean is
/// then also dominated by one or two heavy-tailed instances, so 16 samples cannot rank it). The
/// untested top levels are measured by `rlvr synlogic bench` (see DIFFICULTY.md).
fn top_tested_level(task: &str) -> i64 {
    match task {
        // 102k+ mean nodes from level 7 (24M at level 10).
        "skyscraper_puzzle" => 6,
        // 78k+ from level 7; the search is capped at 50M nodes per instance at levels 9-10.
        "kukurasu" => 6,
        // 97k+ from level 8 (49M at level 10).
        "survo" => 7,
        // 230k+ from level 9.
        "futoshiki" => 8,
        // 88k+ from level 9.
        "calcudoko" => 8,
        // 373k mean nodes at level 8, 1.7M at level 9, 9.2M at level 10 (value-set search; one
        // level-10 instance needs 123M): monotone to 10 in release (DIFFICULTY.md), too slow for the
        // debug-build test past 7.
        "math_path" => 7,
        // 265k+ from level 8 (30M at level 10, from one 471M instance).
        "arrow_maze" => 7,
        "sudoku"
        | "numbrix"
        | "star_placement_puzzle"
        | "norinori"
        | "game_of_24"
        | "cryptarithm"
        | "campsite"
        | "minesweeper"
        | "number_wall"
        | "wordscapes" => 10,
        // A task not listed yet (added since): the old bound, until its top levels are checked.
        _ => 6,
    }
}

/// Boards whose mean effort is compared per level. futoshiki's effort is heavy-tailed (at level 5
/// the mean of 400 boards is 233 nodes, of the first 64 158): 16 boards do not order levels 4 and 5
/// (115 against 110 nodes), 32 and 64 do.
fn boards_per_level(task: &str) -> u64 {
    match task {
        "futoshiki" => 32,
        _ => 16,
    }
}

/// The ladder raises solver effort: mean search nodes (our solver, deterministic seeds) do not fall
/// from one level to the next, from level 1 to [`top_tested_level`].
#[test]
fn difficulty_ladder_is_monotone_in_solver_effort() {
    for puzzle in tasks::ALL {
        let mut previous = 0.0;
        for level in 1..=top_tested_level(puzzle.id()) {
            let level = Difficulty::new(level).unwrap();
            let count = boards_per_level(puzzle.id());
            let total: u64 = (0..count)
                .map(|index| {
                    let instance = puzzle.generate(0, index, GenOptions::at(level)).unwrap();
                    puzzle
                        .solver_effort(&instance)
                        .expect("every task measures its effort")
                })
                .sum();
            let mean = total as f64 / count as f64;
            assert!(
                mean >= previous,
                "{} level {level}: mean nodes {mean} < {previous}",
                puzzle.id()
            );
            previous = mean;
        }
    }
}

/// FNV-1a over bytes: a hash whose value is fixed by its definition (std's hasher is not promised
/// to stay the same across Rust releases).
fn fnv1a(bytes: &[u8], mut h: u64) -> u64 {
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Same seed, same bytes: the JSON lines `rlvr synlogic gen` writes (`to_record`, one per line) for
/// seed 2026, indices 0..3 at every level, hashed per task. The values were taken before the speed
/// work (which left them unchanged); a change to any of them changes every user's generated data, so
/// it must be deliberate. Last deliberate changes: futoshiki's square drawn by the law of SynLogic's
/// rather than its draws (`latin::random_square_lean`), with new knobs at levels 2-3; before it, the
/// ladder rework of sudoku, star_placement_puzzle, numbrix, math_path, minesweeper and number_wall
/// (new knobs at some levels; see DIFFICULTY.md).
#[test]
fn gen_output_bytes_are_pinned_per_task() {
    const PINNED: &[(&str, u64)] = &[
        ("sudoku", 0xc4ff8c397e13d832),
        ("futoshiki", 0x187a4e699e99c006),
        ("skyscraper_puzzle", 0xe135aed8145080dd),
        ("calcudoko", 0x6e0018c1d269f80b),
        ("kukurasu", 0x3767b0f8126c9d47),
        ("survo", 0xe732fe3035e5442b),
        ("game_of_24", 0x7452ab9c6711b639),
        ("cryptarithm", 0x645bc45e450ab72c),
        ("norinori", 0xce403764f5ef3f5f),
        ("star_placement_puzzle", 0xc7c5e73534092188),
        ("numbrix", 0x4960b9f990a78967),
        ("math_path", 0x6620f51f4a4681e5),
        ("arrow_maze", 0xd03c9e08486b5606),
        ("campsite", 0xc86adb4b8b3517bd),
        ("minesweeper", 0x2561602cf8f98434),
        ("number_wall", 0xa9217a3d1ef2685b),
        ("wordscapes", 0x22a7b8bb7d55ba66),
    ];
    let mut got = Vec::new();
    for puzzle in tasks::ALL {
        let mut h = 0xcbf2_9ce4_8422_2325u64;
        for level in Difficulty::all() {
            for index in 0..3 {
                let instance = puzzle.generate(2026, index, GenOptions::at(level)).unwrap();
                let line = serde_json::to_vec(&instance.to_record()).unwrap();
                h = fnv1a(&line, h);
                h = fnv1a(b"\n", h);
            }
        }
        got.push((puzzle.id(), h));
    }
    let listing: String = got
        .iter()
        .map(|(id, h)| format!("        (\"{id}\", {h:#018x}),\n"))
        .collect();
    assert_eq!(got.len(), PINNED.len(), "pinned hashes:\n{listing}");
    for ((id, h), (pinned_id, pinned)) in got.iter().zip(PINNED) {
        assert_eq!(id, pinned_id, "task order changed:\n{listing}");
        assert_eq!(h, pinned, "{id}: gen output bytes changed:\n{listing}");
    }
}
