//! The code verifier's Docker backend: the same verdicts as the process sandbox (AC, WA, CE, TLE,
//! MLE, OLE, RE), network connects refused, and no container left behind. Skipped when no Docker
//! engine answers, unless `RLVR_REQUIRE_DOCKER=1`, which turns a missing engine into a failure.

mod code_hostile_common;

use code_hostile_common::{run_in, suite, SERIAL};
use rlvr_envs::code::sandbox::docker::list_containers;
use rlvr_envs::code::sandbox::SandboxKind;
use rlvr_envs::code::{judge, JudgeOptions, Language, TestVerdict};

/// Whether the Docker backend is usable; without an engine the test skips, unless
/// RLVR_REQUIRE_DOCKER=1.
fn docker_available() -> bool {
    let probe = rlvr_envs::code::build::backend(SandboxKind::Docker)
        .map(|_| ())
        .map_err(|e| format!("the Docker backend is unavailable: {e}"));
    rlvr_envs::swe::docker::docker_gate("the Docker backend tests", probe)
}

fn docker(language: Language, source: &str, expected: TestVerdict, output: &str) {
    run_in(SandboxKind::Docker, language, source, expected, output);
    // Under the lock, so no other test's run is between its create and its remove.
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let left = list_containers().unwrap();
    assert!(left.is_empty(), "containers left behind: {left:?}");
}

#[test]
fn accepted_and_wrong_answers() {
    if !docker_available() {
        return;
    }
    docker(
        Language::Python,
        "import os\nprint(os.getuid() != 0, 6 * 7)\n",
        TestVerdict::AC,
        "True 42",
    );
    docker(Language::Python, "print(41)\n", TestVerdict::WA, "42");
    // Compiled languages are linked statically on the host, so the image needs no libraries.
    docker(
        Language::Cpp,
        "#include <iostream>\nint main(){ std::cout << 42 << std::endl; }\n",
        TestVerdict::AC,
        "42",
    );
    docker(
        Language::Rust,
        "fn main() { println!(\"{}\", 6 * 7); }\n",
        TestVerdict::AC,
        "42",
    );
}

#[test]
fn syntax_and_runtime_errors() {
    if !docker_available() {
        return;
    }
    docker(Language::Python, "print(1\n", TestVerdict::CE, "");
    docker(
        Language::Python,
        "raise SystemExit(3)\n",
        TestVerdict::RE,
        "",
    );
}

#[test]
fn limits_give_tle_mle_and_ole() {
    if !docker_available() {
        return;
    }
    docker(
        Language::Python,
        "while True:\n    pass\n",
        TestVerdict::TLE,
        "",
    );
    docker(
        Language::Python,
        "import time\ntime.sleep(100)\n",
        TestVerdict::TLE,
        "",
    );
    docker(
        Language::Python,
        "chunks = []\nwhile True:\n    chunks.append(bytearray(1 << 20))\n",
        TestVerdict::MLE,
        "",
    );
    let flood = "import sys\nb = 'x' * (1 << 20)\nfor _ in range(1024):\n    sys.stdout.write(b)\n";
    docker(Language::Python, flood, TestVerdict::OLE, "");
    let c_flood = "#include <cstdio>\nint main(){ static char b[1<<20]; for(int i=0;i<1024;i++) fwrite(b,1,sizeof b,stdout); }\n";
    docker(Language::Cpp, c_flood, TestVerdict::OLE, "");
}

#[test]
fn network_connects_are_refused_and_the_root_is_read_only() {
    if !docker_available() {
        return;
    }
    let program = "import socket\nfor host in ['127.0.0.1', '1.1.1.1']:\n    try:\n        s = socket.create_connection((host, 80), timeout=2)\n        print('connected')\n    except OSError:\n        print('blocked')\nfor p in ['/etc/x', '/usr/x', '/rlvr-io/x', '/tmp/x']:\n    try:\n        open(p, 'w').write('x')\n        print('wrote')\n    except OSError:\n        print('denied')\n";
    docker(
        Language::Python,
        program,
        TestVerdict::AC,
        "blocked blocked denied denied denied wrote",
    );
}

#[test]
fn fork_bombs_are_contained() {
    if !docker_available() {
        return;
    }
    let bomb =
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n";
    docker(Language::Python, bomb, TestVerdict::TLE, "");
}

#[test]
fn a_judged_suite_leaves_no_container() {
    if !docker_available() {
        return;
    }
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut s = suite("2 3\n", "5");
    s.tests.push(s.tests[0].clone());
    let options = JudgeOptions {
        sandbox: SandboxKind::Docker,
        ..JudgeOptions::default()
    };
    let r = judge(
        &s,
        Language::Python,
        "a, b = map(int, input().split())\nprint(a + b)\n",
        &options,
    )
    .unwrap();
    assert_eq!((r.verdict, r.passed), (TestVerdict::AC, 2), "{r:?}");
    assert!(list_containers().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[allow(clippy::await_holding_lock)] // The lock only orders this test's containers with the others'.
async fn the_stdio_environment_conforms_in_docker() {
    if !docker_available() {
        return;
    }
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    use rlvr_envs::conformance::{check, CheckConfig};
    let env = rlvr_envs::Registry::with_builtins()
        .build("code/stdio@1", &serde_json::json!({"sandbox": "docker"}))
        .unwrap();
    let report = check(
        env.as_ref(),
        &CheckConfig {
            seeds: vec![0],
            tasks_per_seed: 1,
        },
    )
    .await;
    assert!(report.passed(), "{report:#?}");
    assert!(rlvr_envs::Registry::with_builtins()
        .build("code/stdio@1", &serde_json::json!({"sandbox": "vm"}))
        .is_err());
}
