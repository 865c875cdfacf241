//! Judging a submission: build it, run each test in the sandbox, classify the run, check the output.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::build::{self, Backend, Build, Program};
use super::checker;
use super::language::Language;
use super::report::{clip, Report, RewardMode, TestReport, TestVerdict};
use super::sandbox::{Bind, Exit, RunLimits, RunResult, RunSpec, SandboxError, SandboxKind};
use super::suite::{Checker, Limits, Mode, TestCase, TestSuite};

/// How to judge.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JudgeOptions {
    #[serde(default)]
    pub reward: RewardMode,
    /// Stop at the first failing test (the rest count as not passed).
    #[serde(default = "yes")]
    pub stop_at_first_failure: bool,
    /// Which sandbox runs the program (and a Python program's syntax check).
    #[serde(default)]
    pub sandbox: SandboxKind,
}

fn yes() -> bool {
    true
}

impl Default for JudgeOptions {
    fn default() -> Self {
        JudgeOptions {
            reward: RewardMode::AllOrNothing,
            stop_at_first_failure: true,
            sandbox: SandboxKind::Namespaces,
        }
    }
}

/// A failure of the judging machinery or of the problem, never of the submission.
#[derive(Debug, thiserror::Error)]
pub enum JudgeError {
    #[error(transparent)]
    Sandbox(#[from] SandboxError),
    /// The problem's checker program failed to build or misbehaved.
    #[error("checker: {0}")]
    Checker(String),
}

/// Bytes of a message kept in a test report.
const MESSAGE_BYTES: usize = 2000;

/// Judges `source` against `suite`.
pub fn judge(
    suite: &TestSuite,
    language: Language,
    source: &str,
    options: &JudgeOptions,
) -> Result<Report, JudgeError> {
    let total = suite.tests.len();
    let mut report = Report {
        verdict: TestVerdict::AC,
        passed: 0,
        total,
        reward: 0.0,
        language: language.name().to_owned(),
        tests: Vec::new(),
        compile_output: None,
    };
    if matches!(suite.mode, Mode::Call { .. }) && language != Language::Python {
        report.verdict = TestVerdict::CE;
        report.compile_output = Some("call-style problems take Python solutions only".into());
        return Ok(report);
    }
    let backend = build::backend(options.sandbox)?;
    let program = match build::build(language, source, &backend)? {
        Build::Ready(p) => p,
        Build::CompileError(message) => {
            report.verdict = TestVerdict::CE;
            report.compile_output = Some(clip(&message, 8000));
            return Ok(report);
        }
    };
    let checker = match &suite.checker {
        Checker::Program { language, source } => match build::build(*language, source, &backend)? {
            Build::Ready(p) => Some(p),
            Build::CompileError(m) => {
                return Err(JudgeError::Checker(format!(
                    "does not compile: {}",
                    clip(&m, 2000)
                )))
            }
        },
        _ => None,
    };
    for (index, test) in suite.tests.iter().enumerate() {
        let mut t = run_test(&backend, &program, suite, test, checker.as_ref())?;
        t.index = index;
        let failed = t.verdict != TestVerdict::AC;
        if failed && report.verdict == TestVerdict::AC {
            report.verdict = t.verdict;
        } else if !failed {
            report.passed += 1;
        }
        report.tests.push(t);
        if failed && options.stop_at_first_failure {
            break;
        }
    }
    report.reward = match options.reward {
        RewardMode::AllOrNothing => f64::from(u8::from(report.verdict == TestVerdict::AC)),
        RewardMode::Fraction if total > 0 => report.passed as f64 / total as f64,
        RewardMode::Fraction => 0.0,
    };
    Ok(report)
}

/// The sandbox limits of one test run.
pub fn run_limits(limits: &Limits) -> RunLimits {
    let cpu = Duration::from_secs_f64(limits.time_limit_s);
    RunLimits {
        cpu,
        // Wall time covers start-up and a loaded machine, but a sleeping program still ends soon.
        wall: cpu + Duration::from_secs_f64((limits.time_limit_s * 0.5).clamp(0.5, 5.0)),
        memory_bytes: Some(limits.memory_limit_mb << 20),
        output_bytes: limits.output_limit_bytes,
        processes: 64,
        tmpfs_bytes: 64 << 20,
    }
}

fn run_test(
    backend: &Backend,
    program: &Program,
    suite: &TestSuite,
    test: &TestCase,
    checker: Option<&Program>,
) -> Result<TestReport, JudgeError> {
    let mut argv = program.argv(backend);
    if let Mode::Call { func_name, .. } = &suite.mode {
        argv = vec![
            backend.python.to_owned(),
            format!("{}/{}", build::PROGRAM_DIR, build::DRIVER_FILE),
            func_name.clone(),
        ];
    }
    let run = backend.sandbox.run(&RunSpec {
        argv,
        stdin: test.input.as_bytes(),
        binds: vec![program.bind()],
        cwd: "/tmp".into(),
        limits: run_limits(&suite.limits),
    })?;
    let mut report = TestReport {
        index: 0,
        verdict: TestVerdict::AC,
        time_ms: run.cpu.as_millis() as u64,
        wall_ms: run.wall.as_millis() as u64,
        withheld_ms: run.withheld.as_millis() as u64,
        memory_kb: run.peak_rss_kb,
        exit_code: match run.exit {
            Exit::Code(c) => Some(c),
            _ => None,
        },
        signal: match run.exit {
            Exit::Signal(s) => Some(s),
            _ => None,
        },
        message: None,
    };
    if let Some(verdict) = limit_or_crash(&run, &suite.limits) {
        report.verdict = verdict;
        let stderr = String::from_utf8_lossy(&run.stderr);
        let tail = stderr.len().saturating_sub(MESSAGE_BYTES);
        let tail = (tail..stderr.len())
            .find(|&i| stderr.is_char_boundary(i))
            .unwrap_or(stderr.len());
        report.message = Some(match verdict {
            TestVerdict::OLE => {
                format!("output exceeded {} bytes", suite.limits.output_limit_bytes)
            }
            TestVerdict::TLE if run.wall_exceeded => format!(
                "wall-clock limit {:?} exceeded",
                run_limits(&suite.limits).wall
            ),
            TestVerdict::TLE => format!(
                "CPU time {} ms over the {} s limit",
                report.time_ms, suite.limits.time_limit_s
            ),
            _ => stderr[tail..].to_owned(),
        });
        return Ok(report);
    }
    let output = String::from_utf8_lossy(&run.stdout);
    let (ok, why) = match (&suite.mode, checker) {
        (
            Mode::Call {
                unwrap_singleton, ..
            },
            _,
        ) => check_call(&output, &test.output, *unwrap_singleton),
        (Mode::Stdio, Some(checker)) => run_checker(backend, checker, test, &run.stdout)?,
        (Mode::Stdio, None) => {
            let ok = match &suite.checker {
                Checker::Exact => checker::exact(&output, &test.output),
                Checker::Tokens | Checker::Program { .. } => checker::tokens(&output, &test.output),
                Checker::Lines => checker::lines(&output, &test.output),
                Checker::Float { abs, rel } => checker::floats(&output, &test.output, *abs, *rel),
            };
            (ok, None)
        }
    };
    if !ok {
        report.verdict = TestVerdict::WA;
        report.message = Some(why.unwrap_or_else(|| {
            format!(
                "expected {:?}, got {:?}",
                clip(&test.output, MESSAGE_BYTES / 2),
                clip(&output, MESSAGE_BYTES / 2)
            )
        }));
    }
    Ok(report)
}

/// The verdict of a run that did not end cleanly, or `None` when its output should be checked.
fn limit_or_crash(run: &RunResult, limits: &Limits) -> Option<TestVerdict> {
    if run.output_exceeded || run.exit == Exit::Signal(libc::SIGXFSZ) {
        return Some(TestVerdict::OLE);
    }
    if run.memory_exceeded {
        return Some(TestVerdict::MLE);
    }
    // RLIMIT_CPU's hard limit ends a spinning program with SIGKILL at (about) the limit itself, so a
    // SIGKILL with the CPU budget spent is a time limit, not a crash. The kernel enforces the limit on
    // its tick-sampled CPU time, which on a loaded machine ran ahead of the reported usage (a spinning
    // loop killed at 1.84 s of a 2 s limit, load 8), hence the margin.
    let cpu = run.cpu.as_secs_f64();
    let killed_at_cpu_limit =
        run.exit == Exit::Signal(libc::SIGKILL) && cpu >= 0.8 * limits.time_limit_s;
    if run.wall_exceeded
        || cpu > limits.time_limit_s
        || killed_at_cpu_limit
        || run.exit == Exit::Signal(libc::SIGXCPU)
    {
        return Some(TestVerdict::TLE);
    }
    if run.exit == Exit::Code(0) {
        return None;
    }
    let stderr = String::from_utf8_lossy(&run.stderr);
    let near_limit =
        run.peak_rss_kb.saturating_mul(1024) >= (limits.memory_limit_mb << 20) * 9 / 10;
    let out_of_memory = [
        "MemoryError",
        "std::bad_alloc",
        "memory allocation of",
        "Cannot allocate memory",
        "out of memory",
    ]
    .iter()
    .any(|m| stderr.contains(m));
    if near_limit || out_of_memory {
        Some(TestVerdict::MLE)
    } else {
        Some(TestVerdict::RE)
    }
}

/// Compares a call test's printed JSON result with the expected value.
fn check_call(output: &str, expected: &str, unwrap_singleton: bool) -> (bool, Option<String>) {
    let line = output.trim_end().rsplit('\n').next().unwrap_or("");
    let Ok(got) = serde_json::from_str::<Value>(line) else {
        return (
            false,
            Some(format!(
                "the driver printed no JSON result: {:?}",
                clip(output, 200)
            )),
        );
    };
    let Ok(want) = serde_json::from_str::<Value>(expected.trim()) else {
        // Not JSON (a bare Python literal, say): fall back to comparing the text.
        return (got == expected.trim(), None);
    };
    let ok = checker::same_value(&got, &want)
        || (unwrap_singleton
            && matches!(&want, Value::Array(v) if v.len() == 1 && checker::same_value(&got, &v[0])));
    let why = (!ok).then(|| {
        format!(
            "expected {}, got {}",
            clip(&want.to_string(), 500),
            clip(&got.to_string(), 500)
        )
    });
    (ok, why)
}

/// Runs a testlib-style checker: `checker input output answer`.
fn run_checker(
    backend: &Backend,
    checker: &Program,
    test: &TestCase,
    output: &[u8],
) -> Result<(bool, Option<String>), JudgeError> {
    let root = build::cache_root()?;
    let dir = tempfile::Builder::new()
        .prefix(".check-")
        .tempdir_in(&root)
        .map_err(|e| JudgeError::Checker(format!("temp dir: {e}")))?;
    let files = [
        ("input", test.input.as_bytes()),
        ("output", output),
        ("answer", test.output.as_bytes()),
    ];
    for (name, data) in files {
        std::fs::write(dir.path().join(name), data)
            .map_err(|e| JudgeError::Checker(format!("writing {name}: {e}")))?;
    }
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
        .map_err(|e| JudgeError::Checker(format!("chmod: {e}")))?;
    let mut argv = checker.argv(backend);
    argv.extend(["/tmp/check/input", "/tmp/check/output", "/tmp/check/answer"].map(String::from));
    let run = backend.sandbox.run(&RunSpec {
        argv,
        stdin: b"",
        binds: vec![
            checker.bind(),
            Bind {
                host: dir.path().to_path_buf(),
                inside: "/tmp/check".into(),
                writable: false,
            },
        ],
        cwd: "/tmp".into(),
        limits: run_limits(&Limits {
            time_limit_s: 10.0,
            memory_limit_mb: 1024,
            output_limit_bytes: 1 << 20,
        }),
    })?;
    let message = String::from_utf8_lossy(if run.stderr.is_empty() {
        &run.stdout
    } else {
        &run.stderr
    })
    .trim()
    .to_owned();
    match run.exit {
        Exit::Code(0) => Ok((true, None)),
        Exit::Code(1) | Exit::Code(2) => Ok((
            false,
            Some(clip(&format!("checker: {message}"), MESSAGE_BYTES)),
        )),
        other => Err(JudgeError::Checker(format!(
            "ended with {other:?}: {}",
            clip(&message, 500)
        ))),
    }
}
