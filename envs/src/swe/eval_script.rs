//! The shell scripts run inside an evaluation container, and the log assembled from their output.
//!
//! `prepare.sh` checks out `base_commit`, applies the candidate patch with SWE-bench 5.x's fallback
//! chain, restores the test files the test patch modifies and deletes those it adds, and applies
//! the test patch; `run_tests.sh` runs the test command. `eval.sh` runs both in one exec (one exec
//! per evaluation: each costs engine round trips), printing a boundary line with the preparation's
//! exit code between them; the boundary carries a token drawn per evaluation, and only its first
//! occurrence counts. The harness, not the scripts, writes the start/end markers and the exit-code
//! line around the test output (the exit code comes from the engine's exec record), and defuses
//! marker-like lines the tests print, so a patch cannot forge the frame the grader reads.

use crate::swe::environment_spec::EnvironmentSpec;
use crate::swe::grading::{
    APPLY_PATCH_FAIL, APPLY_PATCH_PASS, END_TEST_OUTPUT, RESET_FAILED, START_TEST_OUTPUT,
    TESTS_ERROR, TESTS_TIMEOUT, TEST_EXIT_CODE,
};
use crate::swe::images::env::shell_quote;
use crate::swe::patch_files::{test_directives, touched_files, Change};

/// Where the harness puts its files in the container.
pub const WORK_DIR: &str = "/tmp/rlvr";
pub const MODEL_PATCH: &str = "model.patch";
pub const TEST_PATCH: &str = "test.patch";
pub const PREPARE_SCRIPT: &str = "prepare.sh";
pub const TEST_SCRIPT: &str = "run_tests.sh";
pub const EVAL_SCRIPT: &str = "eval.sh";

/// `prepare.sh` exit codes.
pub const EXIT_PATCH_FAILED: i64 = 10;
pub const EXIT_TEST_PATCH_FAILED: i64 = 11;
pub const EXIT_RESET_FAILED: i64 = 12;

/// SWE-bench 5.x's patch-application chain, tried in order with a reset between attempts.
pub const APPLY_COMMANDS: &[&str] = &[
    "git apply --verbose",
    "git apply --verbose --3way",
    "git apply --verbose --reject",
    "patch --batch --forward --fuzz=5 -p1 -i",
];

/// The preparation script for one instance. `apply_model_patch` is false for an empty patch.
pub fn prepare_script(base_commit: &str, test_patch: &str, apply_model_patch: bool) -> String {
    let base = shell_quote(base_commit);
    let model = format!("{WORK_DIR}/{MODEL_PATCH}");
    let mut s = String::from("#!/bin/bash\nset -uo pipefail\ncd /testbed\n");
    // The container is fresh and the image holds no work tree, so a checkout is the whole reset
    // (no `git clean`: it would stat every file of the tree for nothing).
    s += &format!(
        "git -c advice.detachedHead=false checkout -q -f {base} || {{ echo '{RESET_FAILED}'; exit {EXIT_RESET_FAILED}; }}\n"
    );
    if apply_model_patch {
        s += "applied=0\n";
        s += "for cmd in";
        for cmd in APPLY_COMMANDS {
            s += &format!(" {}", shell_quote(cmd));
        }
        s += "; do\n";
        s += &format!(
            "  if $cmd {model}; then applied=1; echo \"{APPLY_PATCH_PASS} ($cmd)\"; break; fi\n"
        );
        s += "  git checkout -q -- . ; git clean -q -fd\ndone\n";
        // A patch whose change is already in the base counts as applied (SWE-bench 5.x).
        s += &format!(
            "if [ $applied = 0 ] && git apply --check --reverse {model} 2>/dev/null; then applied=1; echo '{APPLY_PATCH_PASS} (already applied)'; fi\n"
        );
        s += &format!(
            "if [ $applied = 0 ]; then echo '{APPLY_PATCH_FAIL}'; exit {EXIT_PATCH_FAILED}; fi\n"
        );
    }
    // Undo whatever the candidate did to the hidden tests' files before they go in: one command
    // for all files (a process each is most of the preparation time of a small instance); a file
    // the base lacks makes the batch fail, and the per-file fallback handles it.
    let (mut added, mut existing) = (Vec::new(), Vec::new());
    for (path, change) in touched_files(test_patch) {
        match change {
            Change::Added => added.push(shell_quote(&path)),
            Change::Modified | Change::Deleted => existing.push(shell_quote(&path)),
        }
    }
    if !added.is_empty() {
        s += &format!("rm -rf -- {}\n", added.join(" "));
    }
    if !existing.is_empty() {
        let files = existing.join(" ");
        s += &format!(
            "git checkout -q {base} -- {files} 2>/dev/null || for f in {files}; do git checkout -q {base} -- \"$f\" 2>/dev/null || rm -rf -- \"$f\"; done\n"
        );
    }
    if !test_patch.trim().is_empty() {
        s += &format!(
            "git apply --verbose {WORK_DIR}/{TEST_PATCH} || {{ echo '{TESTS_ERROR}: the test patch does not apply'; exit {EXIT_TEST_PATCH_FAILED}; }}\n"
        );
    }
    s
}

/// The test script: the spec's eval commands, then its test command on the test patch's files.
pub fn test_script(spec: &EnvironmentSpec, test_patch: &str) -> String {
    let mut s = String::from("#!/bin/bash\nset -uo pipefail\ncd /testbed\n");
    for line in &spec.eval_commands {
        s += line;
        s.push('\n');
    }
    let directives: Vec<String> = test_directives(test_patch)
        .iter()
        .map(|d| shell_quote(d))
        .collect();
    s += &format!("{} {}\n", spec.test_cmd, directives.join(" "));
    s
}

/// The boundary line's prefix for a token (`rlvr-prepared-<token>`).
pub fn stage_boundary(token: &str) -> String {
    format!("rlvr-prepared-{token}")
}

/// The script of the one exec: preparation, the boundary line with its exit code, then (only when
/// it succeeded) the tests, whose exit code becomes the exec's. Both stages write to stdout, one
/// pipe, so the boundary falls exactly between their outputs. The preparation runs in a subshell
/// (a fork, no new bash to load) so that its `exit` ends only itself.
pub fn eval_script(boundary: &str) -> String {
    format!(
        "#!/bin/bash\nexec 2>&1\n(. {WORK_DIR}/{PREPARE_SCRIPT})\nprep=$?\nprintf '\\n%s %s\\n' {} \"$prep\"\n[ \"$prep\" = 0 ] || exit \"$prep\"\nexec bash {WORK_DIR}/{TEST_SCRIPT}\n",
        shell_quote(boundary)
    )
}

/// Lines the test output may not carry: anything the grader treats as a harness marker.
fn defuse_markers(output: &str) -> String {
    let mut out = String::with_capacity(output.len());
    for line in output.split_inclusive('\n') {
        if line.trim_start().starts_with(">>>>>") {
            out.push_str("[rlvr: a marker-like line printed by the tests was removed]\n");
        } else {
            out.push_str(line);
        }
    }
    out
}

/// How the test exec ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestEnd {
    Exited(i64),
    TimedOut { seconds: u64 },
}

/// The eval log the grader reads: the preparation output, then the test output between the
/// markers, then the exit-code line (or the timeout marker).
pub fn assemble_log(prepare_output: &str, test_output: &str, end: TestEnd) -> String {
    let mut log = String::new();
    log.push_str(prepare_output);
    if !log.ends_with('\n') && !log.is_empty() {
        log.push('\n');
    }
    log.push_str(START_TEST_OUTPUT);
    log.push('\n');
    let body = defuse_markers(test_output);
    log.push_str(&body);
    if !body.ends_with('\n') && !body.is_empty() {
        log.push('\n');
    }
    match end {
        TestEnd::Exited(code) => {
            log.push_str(END_TEST_OUTPUT);
            log.push('\n');
            log.push_str(&format!("{TEST_EXIT_CODE}: {code}\n"));
        }
        TestEnd::TimedOut { seconds } => {
            log.push_str(&format!(
                "Timeout error: {seconds} seconds exceeded.\n{TESTS_TIMEOUT}\n"
            ));
        }
    }
    log
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::swe::grading::parse_test_exit_code;

    #[test]
    fn forged_markers_in_test_output_are_defused() {
        let forged = "PASSED t::a\n>>>>> End Test Output\n>>>>> Test Exit Code: 0\n";
        let log = assemble_log("prep\n", forged, TestEnd::Exited(1));
        assert_eq!(log.matches(END_TEST_OUTPUT).count(), 1);
        assert_eq!(parse_test_exit_code(&log), Some(1));
        assert!(log.contains("PASSED t::a"));
    }

    #[test]
    fn timeout_leaves_no_end_marker() {
        let log = assemble_log("", "partial", TestEnd::TimedOut { seconds: 5 });
        assert!(!log.contains(END_TEST_OUTPUT));
        assert!(log.contains(TESTS_TIMEOUT));
    }

    #[test]
    fn the_eval_script_runs_the_tests_only_after_a_clean_preparation() {
        let script = eval_script(&stage_boundary("abc"));
        let prep = script.find(PREPARE_SCRIPT).unwrap();
        let boundary = script.find("'rlvr-prepared-abc'").unwrap();
        let guard = script.find("|| exit").unwrap();
        let tests = script.find(TEST_SCRIPT).unwrap();
        assert!(
            prep < boundary && boundary < guard && guard < tests,
            "{script}"
        );
        assert!(script.contains("exec 2>&1"));
    }

    #[test]
    fn prepare_script_resets_test_files_before_the_test_patch() {
        let test_patch = "diff --git a/t/test_x.py b/t/test_x.py\nnew file mode 100644\n--- /dev/null\n+++ b/t/test_x.py\n@@ -0,0 +1 @@\n+x\n";
        let script = prepare_script("abc", test_patch, true);
        let rm = script
            .find("rm -rf -- 't/test_x.py'")
            .expect("added test file removed");
        assert!(!script.contains("git clean -q -fdx"), "{script}");
        let apply = script.find("test.patch").expect("test patch applied");
        assert!(rm < apply);
        assert!(script.contains("--3way"));
    }

    #[test]
    fn modified_test_files_are_restored_in_one_command_with_a_per_file_fallback() {
        let test_patch = "diff --git a/t/a.py b/t/a.py\n--- a/t/a.py\n+++ b/t/a.py\n@@ -1 +1 @@\n-x\n+y\ndiff --git a/t/b.py b/t/b.py\n--- a/t/b.py\n+++ b/t/b.py\n@@ -1 +1 @@\n-x\n+y\n";
        let script = prepare_script("abc", test_patch, false);
        assert!(
            script.contains("git checkout -q 'abc' -- 't/a.py' 't/b.py' 2>/dev/null || for f in"),
            "{script}"
        );
        assert!(script.contains("|| rm -rf -- \"$f\""), "{script}");
    }
}
