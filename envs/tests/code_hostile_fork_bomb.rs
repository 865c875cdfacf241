//! Fork bombs, in a test binary of their own: tearing down a PID namespace full of processes can
//! stall the next sandbox start for seconds on a 2-core machine, which would time out whichever
//! hostile test ran next in the same binary. Cargo runs this binary after `code_hostile`.

mod code_hostile_common;

use code_hostile_common::run;
use rlvr_envs::code::{Language, TestVerdict};

#[test]
fn fork_bomb_is_contained() {
    let bomb =
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n";
    run(Language::Python, bomb, TestVerdict::TLE, "");
    let c_bomb = "#include <unistd.h>\nint main(){ for(;;) fork(); }\n";
    run(Language::Cpp, c_bomb, TestVerdict::TLE, "");
}
