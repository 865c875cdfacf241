//! What every generated record pays before any puzzle logic, in this thread's CPU time: the
//! instance's seeded stream with `DRAWS` small draws, and a prompt of `BYTES` held in memory
//! (copied into its own allocation, kept until the batch ends, as the bench keeps a batch).
//! Against a task's 100x target this is the floor that no generator built on the same stream
//! and prompt can go under.
//!
//! `cargo run --release -p rlvr-synlogic --example record_floor -- COUNT DRAWS BYTES`

use rand::Rng;
use rlvr_synlogic::bench::thread_cpu_ns;
use rlvr_synlogic::puzzle::instance_rng;
use rlvr_synlogic::Difficulty;

fn main() {
    rlvr_synlogic::heap::keep_freed_memory();
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("COUNT DRAWS BYTES"))
        .collect();
    let [count, draws, bytes] = args.as_slice() else {
        eprintln!("usage: record_floor COUNT DRAWS BYTES");
        std::process::exit(2);
    };
    let level = Difficulty::new(2).expect("a level");
    let before = thread_cpu_ns();
    let mut sum = 0u64;
    for index in 0..*count as u64 {
        let mut rng = instance_rng("survo", 0, index, level);
        for _ in 0..*draws {
            sum = sum.wrapping_add(rng.gen_range(1..=9u64));
        }
    }
    let stream = (thread_cpu_ns() - before) as f64 / *count as f64;
    let prompt = "x".repeat(*bytes);
    let before = thread_cpu_ns();
    let held: Vec<String> = (0..*count)
        .map(|_| std::hint::black_box(prompt.as_str()).to_owned())
        .collect();
    let text = (thread_cpu_ns() - before) as f64 / *count as f64;
    drop(std::hint::black_box(held));
    println!(
        "per record: stream + {draws} draws {stream:.0} ns, held {bytes}-byte prompt {text:.0} ns, \
         together {:.0} ns ({:.0}/s) [checksum {sum}]",
        stream + text,
        1e9 / (stream + text)
    );
}
