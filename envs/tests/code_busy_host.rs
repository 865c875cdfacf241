//! The process that judges is busy: threads hog its CPU, threads come and go. Neither may change a
//! verdict. A program starved of CPU still gets its whole wall-clock limit, since the time it waited
//! for a CPU is the machine's, not its own, while a sleeping program, which waits for no CPU, still
//! meets its deadline on time; and a sandbox cloned while the judge's process creates a thread still
//! starts its program. In a binary of its own: the busy threads would slow every other test.

mod code_hostile_common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use code_hostile_common::{sandbox_processes, suite};
use rlvr_envs::code::build::backend;
use rlvr_envs::code::judge::run_limits;
use rlvr_envs::code::sandbox::SandboxKind;
use rlvr_envs::code::{judge, JudgeOptions, Language, Report, TestVerdict};
use rustix::thread::{sched_getaffinity, sched_setaffinity, CpuSet};

/// Busy threads pinned to one CPU; they stop when dropped.
struct Hogs {
    running: Arc<AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Hogs {
    fn start(cpu: usize, count: usize) -> Hogs {
        let running = Arc::new(AtomicBool::new(true));
        let threads = (0..count)
            .map(|_| {
                let running = running.clone();
                std::thread::spawn(move || {
                    pin_to(cpu);
                    while running.load(Ordering::Relaxed) {
                        std::hint::spin_loop();
                    }
                })
            })
            .collect();
        Hogs { running, threads }
    }
}

impl Drop for Hogs {
    fn drop(&mut self) {
        self.running.store(false, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            t.join().unwrap();
        }
    }
}

/// Pins the calling thread (and so every process it clones) to `cpu`.
fn pin_to(cpu: usize) {
    let mut set = CpuSet::new();
    set.set(cpu);
    sched_setaffinity(None, &set).unwrap_or_else(|e| panic!("pinning to CPU {cpu}: {e}"));
}

/// The first CPU this process may run on.
fn some_cpu() -> usize {
    let set = sched_getaffinity(None).expect("reading this thread's CPUs");
    (0..CpuSet::MAX_CPU)
        .find(|&c| set.is_set(c))
        .expect("some CPU is allowed")
}

/// Judges `source` from a thread pinned to one CPU that two busy threads share. Returns the report
/// and how long judging took.
fn judge_starved(source: &str, output: &str) -> (Report, Duration) {
    let cpu = some_cpu();
    let s = suite("", output);
    let options = JudgeOptions::default();
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                pin_to(cpu);
                // Built before the hogs start, so only the run itself is starved.
                let b = backend(SandboxKind::Namespaces).unwrap();
                rlvr_envs::code::build::build(Language::Python, source, &b).unwrap();
                let _hogs = Hogs::start(cpu, 2);
                let start = Instant::now();
                let report = judge(&s, Language::Python, source, &options).unwrap();
                (report, start.elapsed())
            })
            .join()
            .unwrap()
    })
}

#[test]
fn a_starved_program_gets_its_whole_limit_and_a_sleeper_does_not() {
    let _serial = code_hostile_common::SERIAL
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let limits = run_limits(&suite("", "").limits);

    // 1.7 s of CPU inside a 2 s limit. The program shares its CPU with the busy threads: half of it
    // where the scheduler groups by session (the sandbox starts its own), a third where it does not.
    // Either way that is 3.4 s of wall time or more, past the 3 s wall-clock limit, yet none of the
    // extra time is the program's.
    let busy = "import time\nwhile time.process_time() < 1.7:\n    pass\nprint('done')\n";
    let (report, _) = judge_starved(busy, "done");
    assert_eq!(report.verdict, TestVerdict::AC, "{report:#?}");
    assert!(report.tests[0].withheld_ms > 0, "{report:#?}");
    assert!(
        report.tests[0].wall_ms > limits.wall.as_millis() as u64,
        "the program was not starved past the wall-clock limit, so this test shows nothing: {report:#?}"
    );
    assert!(sandbox_processes().is_empty());

    // A sleeper waits for no CPU: its deadline stays where it was.
    let (report, took) = judge_starved("import time\ntime.sleep(100)\n", "");
    assert_eq!(report.verdict, TestVerdict::TLE, "{report:#?}");
    assert!(
        took < limits.wall + Duration::from_secs(1),
        "took {took:?}: {report:#?}"
    );
    assert!(report.tests[0].withheld_ms < 500, "{report:#?}");
    let message = report.tests[0].message.as_deref().unwrap_or("");
    assert!(message.contains("wall-clock limit"), "{message}");
    assert!(sandbox_processes().is_empty());
}

#[test]
fn programs_start_while_the_judge_creates_and_ends_threads() {
    let _serial = code_hostile_common::SERIAL
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let s = suite("", "1");
    let options = JudgeOptions::default();
    let source = "print(1)\n";
    let b = backend(SandboxKind::Namespaces).unwrap();
    rlvr_envs::code::build::build(Language::Python, source, &b).unwrap();
    // A thread that starts and joins short-lived threads, as a runtime's worker pools do.
    let churning = Arc::new(AtomicBool::new(true));
    let churn = {
        let churning = churning.clone();
        std::thread::spawn(move || {
            let mut started = 0u64;
            while churning.load(Ordering::Relaxed) {
                std::thread::spawn(|| std::hint::black_box(0))
                    .join()
                    .unwrap();
                started += 1;
            }
            started
        })
    };
    let reports: Vec<Report> = (0..30)
        .map(|_| judge(&s, Language::Python, source, &options).unwrap())
        .collect();
    churning.store(false, Ordering::Relaxed);
    let started = churn.join().unwrap();
    assert!(started > 100, "only {started} threads came and went");
    for report in &reports {
        assert_eq!(report.verdict, TestVerdict::AC, "{report:#?}");
    }
    assert!(sandbox_processes().is_empty());
}
