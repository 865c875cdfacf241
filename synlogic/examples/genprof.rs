//! Generation-only timing loop for profiling one task (`perf record`, `valgrind --tool=callgrind`).
//!
//! `cargo run --release -p rlvr-synlogic --example genprof -- TASK LEVEL COUNT [ROUNDS]` prints the
//! CPU nanoseconds per `generate` call for each round (instances kept alive until the round ends, as
//! `rlvr synlogic bench` does) and an FNV hash of the records, to check that bytes did not change.

use rlvr_synlogic::bench::thread_cpu_ns;
use rlvr_synlogic::{tasks, Difficulty, GenOptions};

fn main() {
    rlvr_synlogic::heap::keep_freed_memory();
    let args: Vec<String> = std::env::args().collect();
    let task = tasks::find(args.get(1).map_or("survo", String::as_str)).expect("task");
    let level: i64 = args.get(2).map_or(Ok(2), |s| s.parse()).expect("level");
    let count: u64 = args
        .get(3)
        .map_or(Ok(10_000), |s| s.parse())
        .expect("count");
    let rounds: u32 = args.get(4).map_or(Ok(5), |s| s.parse()).expect("rounds");
    let options = GenOptions::at(Difficulty::new(level).expect("level 1..=10"));
    for round in 0..rounds {
        let before = thread_cpu_ns();
        let instances: Vec<_> = (0..count)
            .map(|index| task.generate(0, index, options).expect("generate"))
            .collect();
        let ns = thread_cpu_ns() - before;
        let question_bytes: usize = instances.iter().map(|i| i.question.len()).sum();
        let mut h = 0xcbf2_9ce4_8422_2325u64;
        for instance in instances.iter().take(200) {
            for b in serde_json::to_vec(&instance.to_record()).expect("record") {
                h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        println!(
            "{} level {level} round {round}: {:.0} ns/instance ({:.0}/s), mean question {} bytes, hash {h:#018x}",
            task.id(),
            ns as f64 / count as f64,
            count as f64 * 1e9 / ns as f64,
            question_bytes / count as usize,
        );
    }
}
