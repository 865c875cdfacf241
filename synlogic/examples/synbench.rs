//! The loop of `rlvr synlogic bench` for one task and level, without building the `rlvr` binary (and
//! its libtorch): generate `COUNT` instances, then verify their reference responses (at least ten
//! passes and 200 ms), both timed in this thread's CPU time. Prints one line:
//! `TASK L<level> n<count> gen/s <rate> verify/s <rate>`; with a fourth argument `gen`, generation only.
//!
//! `cargo run --release -p rlvr-synlogic --example synbench -- minesweeper 5 2000`

use std::time::Instant;

use rlvr_synlogic::{tasks, Difficulty, GenOptions, Puzzle};

/// Nanoseconds of CPU this thread has run (Linux), as the bench reads it.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .expect("/proc/thread-self/schedstat")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, task, level, count, rest @ ..] = args.as_slice() else {
        eprintln!("usage: synbench TASK LEVEL COUNT [gen]");
        std::process::exit(2);
    };
    let puzzle: &dyn Puzzle = tasks::find(task).expect("a task id");
    let level = Difficulty::new(level.parse().expect("a level")).expect("a level 1..=10");
    let count: u64 = count.parse().expect("a count");
    let options = GenOptions::at(level);
    let before = thread_cpu_ns();
    let instances: Vec<_> = (0..count)
        .map(|i| puzzle.generate(0, i, options).expect("generated"))
        .collect();
    let gen = count as f64 / ((thread_cpu_ns() - before) as f64 * 1e-9);
    if rest.first().map(String::as_str) == Some("gen") {
        println!("{task} L{} gen/s {gen:.0}", level.level());
        return;
    }
    let responses: Vec<String> = instances
        .iter()
        .map(|i| puzzle.reference_response(i.gold()).expect("a reference"))
        .collect();
    let before = thread_cpu_ns();
    let started = Instant::now();
    let mut verified = 0u64;
    while verified < 10 * count || started.elapsed().as_millis() < 200 {
        for (instance, response) in instances.iter().zip(&responses) {
            let judged = puzzle
                .verify_instance(instance, response)
                .expect("a verdict");
            assert!(judged.is_correct(), "{}", judged.reason);
        }
        verified += count;
    }
    let verify = verified as f64 / ((thread_cpu_ns() - before) as f64 * 1e-9);
    println!(
        "{task} L{} n{count} gen/s {gen:.0} verify/s {verify:.0}",
        level.level()
    );
}
