//! Helpers shared by the hostile-program test binaries.
#![allow(dead_code)]

use std::sync::Mutex;
use std::time::{Duration, Instant};

use rlvr_envs::code::build::backend;
use rlvr_envs::code::judge::run_limits;
use rlvr_envs::code::sandbox::slots::is_sandbox_uid;
use rlvr_envs::code::sandbox::SandboxKind;
use rlvr_envs::code::suite::{Checker, Limits, Mode, TestCase, TestSuite};
use rlvr_envs::code::{judge, JudgeOptions, Language, Report, TestVerdict};

/// The tests share the machine's process table; one at a time keeps the leak check exact.
pub static SERIAL: Mutex<()> = Mutex::new(());

pub fn suite(input: &str, output: &str) -> TestSuite {
    TestSuite {
        mode: Mode::Stdio,
        tests: vec![TestCase {
            input: input.into(),
            output: output.into(),
        }],
        checker: Checker::Tokens,
        // 2 s, not 1: on a 2-core machine a sandbox start was seen to stall for about 1.5 s right
        // after a fork bomb, which turned a 1 s limit into a TLE for programs that never ran.
        limits: Limits {
            time_limit_s: 2.0,
            memory_limit_mb: 256,
            output_limit_bytes: 16 << 20,
        },
    }
}

/// Processes running as a sandbox uid.
pub fn sandbox_processes() -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(status) = std::fs::read_to_string(entry.path().join("status")) else {
            continue;
        };
        let uid = status
            .lines()
            .find(|l| l.starts_with("Uid:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|u| u.parse::<u32>().ok());
        if uid.is_some_and(is_sandbox_uid) {
            found.push(status.lines().next().unwrap_or("").to_owned());
        }
    }
    found
}

/// Judges a program, checks the verdict, the time it took and that nothing is left running.
pub fn run(language: Language, source: &str, expected: TestVerdict, output: &str) -> Report {
    run_in(SandboxKind::Namespaces, language, source, expected, output)
}

/// [`run`] in the given backend. A container's start and removal are outside the program's time, so
/// the Docker backend's budget has a few seconds more; time the machine withheld from the run moved
/// its deadline, so it moves the budget too.
pub fn run_in(
    kind: SandboxKind,
    language: Language,
    source: &str,
    expected: TestVerdict,
    output: &str,
) -> Report {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let s = suite("", output);
    // Build first so the timing below is the run's alone.
    let b = backend(kind).unwrap();
    rlvr_envs::code::build::build(language, source, &b).unwrap();
    let options = JudgeOptions {
        sandbox: kind,
        ..JudgeOptions::default()
    };
    let start = Instant::now();
    let report = judge(&s, language, source, &options).unwrap();
    let took = start.elapsed();
    let slack = match kind {
        SandboxKind::Namespaces => Duration::from_secs(1),
        _ => Duration::from_secs(4),
    };
    let withheld: u64 = report.tests.iter().map(|t| t.withheld_ms).sum();
    let budget = run_limits(&s.limits).wall + Duration::from_millis(withheld) + slack;
    assert_eq!(report.verdict, expected, "{report:#?}");
    assert!(took <= budget, "took {took:?}, budget {budget:?}");
    let left = sandbox_processes();
    assert!(left.is_empty(), "processes left behind: {left:?}");
    report
}
