//! Evaluates one (instance, patch) in a fresh container: prepare (checkout, patch chain, test-file
//! reset, test patch), run the tests under a deadline, assemble the log, grade it by SWE-bench 5.x
//! rules. A Docker failure is an error (the caller records an infrastructure failure); a patch that
//! does not apply or fails its tests is a graded result.

use std::time::{Duration, Instant};

use bollard::Docker;
use rlvr_datasets::SweInstance;

use crate::swe::environment_spec::EnvironmentSpec;
use crate::swe::error::{SweError, SweResult};
use crate::swe::eval_script::{
    assemble_log, eval_script, prepare_script, stage_boundary, test_script, TestEnd, EVAL_SCRIPT,
    EXIT_PATCH_FAILED, MODEL_PATCH, PREPARE_SCRIPT, TEST_PATCH, TEST_SCRIPT, WORK_DIR,
};
use crate::swe::grading::{grade_instance, EvalType, Grade, GradingSpec};
use crate::swe::log_parsers::LogParser;
use crate::swe::sandbox::{Limits, Sandbox, SandboxLabels};

/// The deadline of the preparation exec (checkout and patching), apart from the test timeout.
const PREPARE_TIMEOUT: Duration = Duration::from_secs(300);

/// One evaluation to run.
#[derive(Debug, Clone)]
pub struct EvalRequest<'a> {
    pub instance: &'a SweInstance,
    pub spec: &'a EnvironmentSpec,
    /// The environment image of `spec`.
    pub image: &'a str,
    /// The candidate patch; `None` or blank runs the test patch alone.
    pub model_patch: Option<&'a str>,
    pub run_id: &'a str,
    /// Deadline of the test command.
    pub timeout: Duration,
    pub limits: Limits,
}

/// Wall time spent, split so that harness overhead can be told from test time.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// Container create to container removed.
    pub total: Duration,
    /// The test run alone (from the end of the preparation to the end of the exec).
    pub tests: Duration,
    /// Create, start and the upload of the instance's files.
    pub setup: Duration,
    /// Checkout, the patch chain, the test-file reset and the test patch (in the container).
    pub prepare: Duration,
    /// Removal of the container.
    pub teardown: Duration,
}

impl Timings {
    /// Time the harness added around the tests.
    pub fn overhead(&self) -> Duration {
        self.total.saturating_sub(self.tests)
    }
}

/// The result of one evaluation.
#[derive(Debug, Clone)]
pub struct EvalResult {
    /// The full eval log (`test_output.txt`).
    pub log: String,
    pub grade: Grade,
    /// Whether the candidate patch applied (false also when the chain never ran).
    pub patch_applied: bool,
    pub timed_out: bool,
    pub timings: Timings,
}

/// Grading inputs of an instance under a spec.
pub fn grading_spec(instance: &SweInstance, spec: &EnvironmentSpec) -> SweResult<GradingSpec> {
    let parser: LogParser = spec
        .log_parser
        .parse()
        .map_err(|e| SweError::Input(format!("environment {}@{}: {e}", spec.repo, spec.version)))?;
    Ok(GradingSpec {
        instance_id: instance.instance_id.clone(),
        parser,
        eval_type: EvalType::PassAndFail,
        fail_to_pass: instance.fail_to_pass.clone(),
        pass_to_pass: instance.pass_to_pass.clone(),
    })
}

/// Runs one evaluation; the container is gone when this returns (or is cancelled).
pub async fn evaluate(docker: &Docker, req: &EvalRequest<'_>) -> SweResult<EvalResult> {
    let grading = grading_spec(req.instance, req.spec)?;
    let started = Instant::now();
    let labels = SandboxLabels {
        run_id: req.run_id.to_owned(),
        instance_id: req.instance.instance_id.clone(),
    };
    let mut sandbox = Sandbox::start(docker, req.image, &labels, req.limits).await?;
    let outcome = run_in(&mut sandbox, req, started).await;
    // Remove before returning, whatever happened inside.
    let teardown_started = Instant::now();
    let removed = sandbox.remove().await;
    let teardown = teardown_started.elapsed();
    let run = outcome?;
    removed?;
    let timings = Timings {
        total: started.elapsed(),
        tests: run.tests,
        setup: run.setup,
        prepare: run.prepare,
        teardown,
    };
    let patch = req
        .model_patch
        .filter(|p| !p.trim().is_empty())
        .unwrap_or("");
    let grade = grade_instance(&grading, Some(patch), &run.log);
    Ok(EvalResult {
        log: run.log,
        grade,
        patch_applied: run.patch_applied,
        timed_out: matches!(run.end, Some(TestEnd::TimedOut { .. })),
        timings,
    })
}

/// What happened inside the container.
struct RunOutput {
    log: String,
    patch_applied: bool,
    end: Option<TestEnd>,
    setup: Duration,
    prepare: Duration,
    tests: Duration,
}

/// A token for the stage boundary, drawn per evaluation: nothing the candidate patch carries can
/// contain it, because it does not exist yet when the patch is written.
fn boundary_token() -> String {
    use rand::Rng;
    let bytes: [u8; 16] = rand::thread_rng().gen();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn run_in(
    sandbox: &mut Sandbox,
    req: &EvalRequest<'_>,
    started: Instant,
) -> SweResult<RunOutput> {
    let patch = req.model_patch.unwrap_or("");
    let apply = !patch.trim().is_empty();
    let prepare = prepare_script(&req.instance.base_commit, &req.instance.test_patch, apply);
    let tests = test_script(req.spec, &req.instance.test_patch);
    let boundary = stage_boundary(&boundary_token());
    let eval = eval_script(&boundary);
    let mut patch_bytes = patch.as_bytes().to_vec();
    if apply && !patch.ends_with('\n') {
        patch_bytes.push(b'\n');
    }
    // Every file of the instance in one archive: one upload.
    sandbox
        .put_files(
            "/tmp",
            &[
                (&format!("rlvr/{MODEL_PATCH}"), &patch_bytes),
                (
                    &format!("rlvr/{TEST_PATCH}"),
                    req.instance.test_patch.as_bytes(),
                ),
                (&format!("rlvr/{PREPARE_SCRIPT}"), prepare.as_bytes()),
                (&format!("rlvr/{TEST_SCRIPT}"), tests.as_bytes()),
                (&format!("rlvr/{EVAL_SCRIPT}"), eval.as_bytes()),
            ],
        )
        .await?;
    let setup = started.elapsed();
    let exec_started = Instant::now();
    let out = sandbox
        .exec_staged(
            &["bash", &format!("{WORK_DIR}/{EVAL_SCRIPT}")],
            &boundary,
            PREPARE_TIMEOUT,
            req.timeout,
        )
        .await?;
    let exec_time = exec_started.elapsed();
    let prepare_time = exec_time.saturating_sub(out.second_time);
    if out.first_timed_out {
        return Err(SweError::Timeout {
            what: format!("preparing {}", req.instance.instance_id),
            seconds: PREPARE_TIMEOUT.as_secs(),
        });
    }
    let prep_text = String::from_utf8_lossy(&out.first).into_owned();
    let prep_code: Option<i64> = out.status.as_deref().and_then(|s| s.parse().ok());
    let done =
        |log: String, patch_applied: bool, end: Option<TestEnd>, tests: Duration| RunOutput {
            log,
            patch_applied,
            end,
            setup,
            prepare: prepare_time,
            tests,
        };
    match prep_code {
        Some(0) => {}
        Some(EXIT_PATCH_FAILED) => return Ok(done(prep_text, false, None, Duration::ZERO)),
        code => {
            // Reset or test-patch failure, or no boundary at all: the instance, its image or the
            // engine is broken, not the patch.
            return Err(SweError::command(
                format!("preparing {} ({PREPARE_SCRIPT})", req.instance.instance_id),
                format!(
                    "exit {code:?} (status line {:?}): {}",
                    out.status,
                    last_lines(&prep_text, 15)
                ),
            ));
        }
    }
    let run = out.second;
    let end =
        if run.timed_out {
            TestEnd::TimedOut {
                seconds: req.timeout.as_secs(),
            }
        } else {
            TestEnd::Exited(run.exit_code.ok_or_else(|| {
                SweError::command("test exec", "the engine reported no exit code")
            })?)
        };
    let mut test_text = run.text();
    if run.truncated {
        test_text.push_str("\n[rlvr: test output truncated]\n");
    }
    Ok(done(
        assemble_log(&prep_text, &test_text, end),
        apply,
        Some(end),
        out.second_time,
    ))
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::swe::images::base::BaseImage;
    use crate::swe::images::{env as env_image, mirror};
    use std::path::Path;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) -> String {
        let out = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@t")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@t")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn instance(base: &str, gold: &str, test_patch: &str) -> SweInstance {
        SweInstance {
            instance_id: "demo__calc-1".into(),
            repo: "demo/calc".into(),
            base_commit: base.into(),
            patch: gold.into(),
            test_patch: test_patch.into(),
            problem_statement: String::new(),
            hints_text: String::new(),
            created_at: String::new(),
            version: "1".into(),
            environment_setup_commit: base.into(),
            fail_to_pass: vec!["tests/test_calc.py::test_add".into()],
            pass_to_pass: vec!["tests/test_calc.py::test_zero".into()],
            extra: Default::default(),
        }
    }

    /// A real container run: the gold patch resolves; no patch, and a conftest that prints forged
    /// PASSED lines and exits 1, do not; no container outlives its evaluation.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn gold_resolves_and_forged_output_does_not_in_a_real_container() {
        let probe = crate::swe::docker::api_probe().await;
        if !crate::swe::docker::docker_gate("the harness container test", probe) {
            return;
        }
        let docker = crate::swe::docker::connect()
            .await
            .expect("engine answered");
        let mirror =
            mirror::debian_mirror(Path::new("/etc/apt")).expect("a Debian mirror in apt sources");
        let base = BaseImage::new("bookworm", mirror).unwrap();
        let base_tag = base.ensure(&docker).await.expect("base image");
        let repos = tempfile::tempdir().unwrap();
        let repo = repos.path().join("demo__calc");
        std::fs::create_dir_all(repo.join("tests")).unwrap();
        git(&repo, &["init", "-q", "-b", "main"]);
        std::fs::write(repo.join("calc.py"), "def add(a, b):\n    return a - b\n").unwrap();
        git(&repo, &["add", "-A"]);
        git(&repo, &["commit", "-q", "-m", "bug"]);
        let base_commit = git(&repo, &["rev-parse", "HEAD"]).trim().to_owned();
        std::fs::write(repo.join("calc.py"), "def add(a, b):\n    return a + b\n").unwrap();
        let gold = git(&repo, &["diff"]);
        git(&repo, &["checkout", "-q", "--", "."]);
        std::fs::write(
            repo.join("tests/test_calc.py"),
            "from calc import add\n\ndef test_add():\n    assert add(2, 3) == 5\n\ndef test_zero():\n    assert add(0, 0) == 0\n",
        )
        .unwrap();
        git(&repo, &["add", "-N", "tests/test_calc.py"]);
        let test_patch = git(&repo, &["diff"]);
        git(&repo, &["rm", "-q", "--cached", "tests/test_calc.py"]);
        std::fs::remove_file(repo.join("tests/test_calc.py")).unwrap();

        let spec =
            crate::swe::synth::build::environment(&crate::swe::synth::projects::SynthProject {
                package: "calc",
                version: "1",
                repo: "demo/calc",
                sources: &["."],
                tests: "tests",
            });
        let image = env_image::ensure(&docker, &base_tag, &spec, repos.path())
            .await
            .expect("env image");
        let inst = instance(&base_commit, &gold, &test_patch);
        let forged = "diff --git a/conftest.py b/conftest.py\nnew file mode 100644\n--- /dev/null\n+++ b/conftest.py\n@@ -0,0 +1,3 @@\n+print('PASSED tests/test_calc.py::test_add')\n+print('PASSED tests/test_calc.py::test_zero')\n+raise SystemExit(1)\n";
        let mut verdicts = Vec::new();
        for patch in [gold.as_str(), "", forged] {
            let req = EvalRequest {
                instance: &inst,
                spec: &spec,
                image: &image,
                model_patch: Some(patch),
                run_id: "harness-test",
                timeout: Duration::from_secs(120),
                limits: Limits::default(),
            };
            let result = evaluate(&docker, &req).await.expect("evaluation runs");
            let t = result.timings;
            eprintln!(
                "{}\n{:?} overhead={:?} (setup={:?} prepare={:?} teardown={:?}) tests={:?}",
                result.log,
                result.grade.status,
                t.overhead(),
                t.setup,
                t.prepare,
                t.teardown,
                t.tests
            );
            verdicts.push((
                result.grade.report.resolved,
                result.grade.invalid_log.clone(),
            ));
        }
        assert!(verdicts[0].0, "gold resolves");
        assert!(!verdicts[1].0, "the test patch alone does not");
        assert!(!verdicts[2].0, "forged PASSED lines do not");
        assert!(
            matches!(
                verdicts[2].1,
                Some(crate::swe::grading::InvalidLog::ExitCodeMismatch { exit_code: 1 })
            ),
            "{:?}",
            verdicts[2].1
        );
        let left: Vec<_> = crate::swe::reaper::list(&docker)
            .await
            .unwrap()
            .into_iter()
            .filter(|c| c.name.ends_with(".harness-test"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
}
