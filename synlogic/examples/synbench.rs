//! `rlvr synlogic bench` for one task and level, without building the `rlvr` binary (and its
//! libtorch): [`rlvr_synlogic::bench::measure`], printed as one line
//! `TASK L<level> n<count> gen/s <rate> verify/s <rate>` (CPU-time rates).
//!
//! `cargo run --release -p rlvr-synlogic --example synbench -- minesweeper 5 2000`

use rlvr_synlogic::{bench, tasks, Difficulty, GenOptions, Puzzle};

fn main() {
    rlvr_synlogic::heap::keep_freed_memory();
    let args: Vec<String> = std::env::args().collect();
    let [_, task, level, count] = args.as_slice() else {
        eprintln!("usage: synbench TASK LEVEL COUNT");
        std::process::exit(2);
    };
    let puzzle: &dyn Puzzle = tasks::find(task).expect("a task id");
    let level = Difficulty::new(level.parse().expect("a level")).expect("a level 1..=10");
    let count: u64 = count.parse().expect("a count");
    let measured = bench::measure(puzzle, GenOptions::at(level), 0, count).expect("measured");
    println!(
        "{task} L{} n{count} gen/s {:.0} verify/s {:.0}",
        level.level(),
        measured.generated.cpu_per_s,
        measured.verified.cpu_per_s
    );
}
