//! Hostile programs: each ends with the right verdict within its limit plus one second and leaves no
//! process and no file behind.

mod code_hostile_common;

use code_hostile_common::run;
use rlvr_envs::code::{Language, TestVerdict};
use std::path::Path;

#[test]
fn infinite_loop_is_tle() {
    run(
        Language::Python,
        "while True:\n    pass\n",
        TestVerdict::TLE,
        "",
    );
}

#[test]
fn sleeping_program_is_tle_by_wall_clock() {
    let r = run(
        Language::Python,
        "import time\ntime.sleep(100)\n",
        TestVerdict::TLE,
        "",
    );
    assert!(r.tests[0]
        .message
        .as_deref()
        .unwrap_or("")
        .contains("wall-clock"));
}

#[test]
fn a_gigabyte_of_output_is_ole_and_cut() {
    let flood = "import sys\nb = 'x' * (1 << 20)\nfor _ in range(1024):\n    sys.stdout.write(b)\n";
    let r = run(Language::Python, flood, TestVerdict::OLE, "");
    assert!(r.tests[0]
        .message
        .as_deref()
        .unwrap_or("")
        .contains("output exceeded"));
}

#[test]
fn memory_hogs_are_mle() {
    run(
        Language::Python,
        "x = bytearray(1 << 30)\nprint(len(x))\n",
        TestVerdict::MLE,
        "",
    );
    let grow = "chunks = []\nwhile True:\n    chunks.append(bytearray(1 << 20))\n";
    run(Language::Python, grow, TestVerdict::MLE, "");
    let cpp = "#include <vector>\n#include <cstdio>\nint main(){ std::vector<char> v(size_t(1) << 31, 1); printf(\"%d\", v[5]); }\n";
    run(Language::Cpp, cpp, TestVerdict::MLE, "");
}

#[test]
fn writes_outside_the_private_temp_dir_fail_and_leave_nothing() {
    let marker = format!("rlvr-hostile-{}", std::process::id());
    let targets = [
        format!("/etc/{marker}"),
        format!("/root/{marker}"),
        format!("/usr/{marker}"),
        format!("/var/tmp/{marker}"),
        format!("/dev/shm/{marker}"),
        format!("/tmp/{marker}"),
    ];
    let program = format!(
        "import os\nfor p in {targets:?}:\n    try:\n        open(p, 'w').write('x')\n        print('wrote')\n    except OSError:\n        print('denied')\nopen('own-file', 'w').write('fine')\nprint(open('own-file').read())\n"
    );
    // /etc, /usr: read-only and not ours; /root: an empty tmpfs owned by root; /var/tmp, /dev/shm and
    // /tmp: private tmpfs mounts, gone with the run.
    run(
        Language::Python,
        &program,
        TestVerdict::AC,
        "denied denied denied wrote wrote wrote fine",
    );
    for t in &targets {
        assert!(!Path::new(t).exists(), "{t} was left on the host");
    }
}

#[test]
fn network_connections_are_refused() {
    let program = "import socket\nfor fam, kind in [(socket.AF_INET, socket.SOCK_STREAM), (socket.AF_INET6, socket.SOCK_STREAM), (socket.AF_INET, socket.SOCK_DGRAM)]:\n    try:\n        s = socket.socket(fam, kind)\n        s.settimeout(2)\n        s.connect(('127.0.0.1' if fam == socket.AF_INET else '::1', 22))\n        print('connected')\n    except OSError:\n        print('blocked')\n";
    run(
        Language::Python,
        program,
        TestVerdict::AC,
        "blocked blocked blocked",
    );
}

#[test]
fn other_users_files_are_unreadable() {
    // A secret in root's home: the sandbox covers /root, so the program cannot even see it.
    let secret = format!("/root/rlvr-secret-{}", std::process::id());
    std::fs::write(&secret, "hunter2").unwrap();
    let program = format!(
        "import os\ntry:\n    open('/etc/shadow').read()\n    print('read')\nexcept OSError:\n    print('denied')\nprint(os.path.exists({secret:?}))\nprint(os.getuid() != 0)\n"
    );
    let result = std::panic::catch_unwind(|| {
        run(
            Language::Python,
            &program,
            TestVerdict::AC,
            "denied False True",
        )
    });
    std::fs::remove_file(&secret).unwrap();
    result.unwrap();
}

#[test]
fn sleeping_children_are_killed_with_the_program() {
    let program = "import os, time\nif os.fork() == 0:\n    os.setsid()\n    time.sleep(1000)\nelse:\n    print('done')\n";
    let r = run(Language::Python, program, TestVerdict::AC, "done");
    assert!(r.tests[0].wall_ms < 1000, "{r:?}");
}

#[test]
fn processes_crowding_each_other_out_do_not_stretch_the_deadline() {
    // Eight spinning processes on this machine's few CPUs wait for one another, and that wait is
    // the program's own doing: it does not move the deadline. What does is only the little the
    // rest of the machine did meanwhile; each spinner waits about three quarters of the run.
    let spinners = "import os\nfor _ in range(7):\n    if os.fork() == 0:\n        break\nwhile True:\n    pass\n";
    let r = run(Language::Python, spinners, TestVerdict::TLE, "");
    assert!(r.tests[0].withheld_ms < 1000, "{r:#?}");
}

#[test]
fn crashes_are_runtime_errors() {
    run(
        Language::Python,
        "raise SystemExit(3)\n",
        TestVerdict::RE,
        "",
    );
    run(
        Language::Cpp,
        "int main(){ int* p = nullptr; return *p; }\n",
        TestVerdict::RE,
        "",
    );
}
