//! What every generated record pays before any puzzle logic, in this thread's CPU time: the
//! instance's seeded stream with `DRAWS` small draws, and a prompt of `BYTES` copied into its own
//! allocation, held until the batch ends and then freed, as the bench keeps a batch. The prompt is
//! timed over the third of three batches of `COUNT`, as the bench runs once under way (the first
//! batch of a process also pays for fresh pages).
//! Against a task's 100x target this is the floor that no generator built on the same stream
//! and prompt can go under.
//!
//! `cargo run --release -p rlvr-synlogic --example record_floor -- COUNT DRAWS BYTES [glibc]`

use rand::Rng;
use rlvr_synlogic::bench::thread_cpu_ns;
use rlvr_synlogic::puzzle::instance_rng;
use rlvr_synlogic::Difficulty;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // `glibc` last: leave malloc's thresholds at glibc's defaults, to see what the heap policy saves.
    if args.last().map(String::as_str) == Some("glibc") {
        args.pop();
    } else {
        rlvr_synlogic::heap::keep_freed_memory();
    }
    let args: Vec<usize> = args
        .iter()
        .map(|a| a.parse().expect("COUNT DRAWS BYTES"))
        .collect();
    let [count, draws, bytes] = args.as_slice() else {
        eprintln!("usage: record_floor COUNT DRAWS BYTES [glibc]");
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
    let mut text = 0.0;
    for _ in 0..3 {
        let before = thread_cpu_ns();
        let held: Vec<String> = (0..*count)
            .map(|_| std::hint::black_box(prompt.as_str()).to_owned())
            .collect();
        drop(std::hint::black_box(held));
        text = (thread_cpu_ns() - before) as f64 / *count as f64;
    }
    println!(
        "per record: stream + {draws} draws {stream:.0} ns, held {bytes}-byte prompt {text:.0} ns, \
         together {:.0} ns ({:.0}/s) [checksum {sum}]",
        stream + text,
        1e9 / (stream + text)
    );
}
