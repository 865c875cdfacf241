//! Mean solver effort per level, as `rlvr synlogic bench` reports it (`mean_solver_nodes`, seed 0),
//! without building the `rlvr` binary: `puzzle.solver_effort` over COUNT instances per level.
//!
//! `cargo run --release -p rlvr-synlogic --example ladder -- TASK COUNT [FIRST [LAST]]` prints one
//! line per level: `TASK L<level> mean <nodes> max <nodes>`.

use rlvr_synlogic::{tasks, Difficulty, GenOptions, Puzzle};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, task, count, rest @ ..] = args.as_slice() else {
        eprintln!("usage: ladder TASK COUNT [FIRST [LAST]]");
        std::process::exit(2);
    };
    let puzzle: &dyn Puzzle = tasks::find(task).expect("a task id");
    let count: u64 = count.parse().expect("a count");
    let first: i64 = rest.first().map_or(1, |s| s.parse().expect("a level"));
    let last: i64 = rest.get(1).map_or(10, |s| s.parse().expect("a level"));
    for level in first..=last {
        let options = GenOptions::at(Difficulty::new(level).expect("a level 1..=10"));
        let nodes: Vec<u64> = (0..count)
            .map(|index| {
                let instance = puzzle.generate(0, index, options).expect("generated");
                puzzle.solver_effort(&instance).expect("a measured effort")
            })
            .collect();
        let mean = nodes.iter().sum::<u64>() as f64 / nodes.len().max(1) as f64;
        let max = nodes.iter().max().copied().unwrap_or(0);
        println!("{task} L{level} mean {mean:.1} max {max}");
    }
}
