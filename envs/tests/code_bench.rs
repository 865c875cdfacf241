//! Benchmarks of the code verifier, run only with `RLVR_BENCH=1` (figures go to BENCHMARKS.md):
//! - the harness's overhead per test run against the bare `python3 sol.py < in > out`, interleaved,
//!   for the process sandbox and (when an engine answers) the Docker backend;
//! - 1,000 trivial submissions judged on every core, with no process left behind.
//!
//! `RLVR_BENCH=1 cargo test --release -p rlvr-envs --test code_bench -- --nocapture --test-threads 1`

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rlvr_envs::code::build::{backend, build, environment, Backend, Build};
use rlvr_envs::code::judge::run_limits;
use rlvr_envs::code::sandbox::slots::is_sandbox_uid;
use rlvr_envs::code::sandbox::{RunSpec, SandboxKind};
use rlvr_envs::code::suite::{Checker, Limits, Mode, TestCase, TestSuite};
use rlvr_envs::code::{judge, JudgeOptions, Language, TestVerdict};

fn enabled() -> bool {
    if std::env::var("RLVR_BENCH").as_deref() == Ok("1") {
        return true;
    }
    eprintln!("skipped: set RLVR_BENCH=1 to run the code verifier benchmarks");
    false
}

fn stats(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let mean = v.iter().map(Duration::as_secs_f64).sum::<f64>() / v.len() as f64;
    (v[v.len() / 2].as_secs_f64() * 1e3, mean * 1e3)
}

const SOL: &str = "import sys\nprint(sum(map(int, sys.stdin.read().split())))\n";

#[test]
fn harness_overhead_per_test_run() {
    if !enabled() {
        return;
    }
    let runs: usize = std::env::var("RLVR_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let (tools, _) = environment().unwrap();
    let input: String = (1..=1000).map(|i| format!("{i} ")).collect();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sol.py"), SOL).unwrap();
    std::fs::write(dir.path().join("in"), &input).unwrap();
    let spec_for = |b: &Backend| {
        let Build::Ready(program) = build(Language::Python, SOL, b).unwrap() else {
            panic!("python does not compile")
        };
        RunSpec {
            argv: program.argv(b),
            stdin: input.as_bytes(),
            binds: vec![program.bind()],
            cwd: "/tmp".into(),
            limits: run_limits(&Limits::default()),
        }
    };
    let namespaces = backend(SandboxKind::Namespaces).unwrap();
    let spec = spec_for(&namespaces);
    // The Docker backend joins when an engine answers (RLVR_BENCH_DOCKER=0 leaves it out).
    let docker = (std::env::var("RLVR_BENCH_DOCKER").as_deref() != Ok("0"))
        .then(|| {
            backend(SandboxKind::Docker).map_err(|e| eprintln!("docker backend left out: {e}"))
        })
        .and_then(Result::ok);
    let docker_spec = docker.as_ref().map(spec_for);
    let (mut bare, mut harness, mut in_docker) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let t = Instant::now();
        let status = Command::new(&tools.python)
            .arg("sol.py")
            .current_dir(dir.path())
            .stdin(Stdio::from(
                std::fs::File::open(dir.path().join("in")).unwrap(),
            ))
            .stdout(Stdio::from(
                std::fs::File::create(dir.path().join("out")).unwrap(),
            ))
            .status()
            .unwrap();
        bare.push(t.elapsed());
        assert!(status.success());
        let t = Instant::now();
        let r = namespaces.sandbox.run(&spec).unwrap();
        harness.push(t.elapsed());
        assert_eq!(String::from_utf8_lossy(&r.stdout).trim(), "500500");
        if let (Some(b), Some(spec)) = (&docker, &docker_spec) {
            let t = Instant::now();
            let r = b.sandbox.run(spec).unwrap();
            in_docker.push(t.elapsed());
            assert_eq!(String::from_utf8_lossy(&r.stdout).trim(), "500500");
        }
    }
    let (bare_med, bare_mean) = stats(bare);
    let (h_med, h_mean) = stats(harness);
    println!(
        "python3 sol.py ({runs} interleaved runs, {}): bare median {bare_med:.2} ms mean {bare_mean:.2} ms; \
         sandbox median {h_med:.2} ms mean {h_mean:.2} ms; ratio median {:.3} mean {:.3}",
        tools.python.display(),
        h_med / bare_med,
        h_mean / bare_mean
    );
    if !in_docker.is_empty() {
        let (d_med, d_mean) = stats(in_docker);
        println!(
            "docker backend (same runs, interleaved; one container per run): median {d_med:.2} ms \
             mean {d_mean:.2} ms; ratio to bare median {:.3} mean {:.3}; overhead per run median \
             {:.1} ms",
            d_med / bare_med,
            d_mean / bare_mean,
            d_med - bare_med
        );
    }
}

#[test]
fn a_thousand_trivial_submissions_leave_no_process() {
    if !enabled() {
        return;
    }
    let n: usize = std::env::var("RLVR_BENCH_SUBMISSIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let suite = TestSuite {
        mode: Mode::Stdio,
        tests: vec![TestCase {
            input: "2 3\n".into(),
            output: "5\n".into(),
        }],
        checker: Checker::Tokens,
        limits: Limits::default(),
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let accepted = std::sync::atomic::AtomicUsize::new(0);
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= n {
                    break;
                }
                // Distinct sources, so no submission is served from another's cache entry.
                let src = format!("a, b = map(int, input().split())\nprint(a + b)  # {i}\n");
                let r = judge(&suite, Language::Python, &src, &JudgeOptions::default()).unwrap();
                if r.verdict == TestVerdict::AC {
                    accepted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
    });
    let took = start.elapsed().as_secs_f64();
    let left = std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.path().join("status")).ok())
        .filter(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|u| u.parse::<u32>().ok())
                .is_some_and(is_sandbox_uid)
        })
        .count();
    println!(
        "{n} submissions on {threads} threads: {took:.1} s ({:.1}/s), {} accepted, {left} sandbox processes left",
        n as f64 / took,
        accepted.load(std::sync::atomic::Ordering::Relaxed)
    );
    assert_eq!(accepted.into_inner(), n);
    assert_eq!(left, 0);
}
