//! Problem records read natively: LiveCodeBench (plain and compressed private tests, functional),
//! APPS (stdin and call) and code_contests, and judged end to end in the sandbox.

use rlvr_envs::code::formats::parse_problem;
use rlvr_envs::code::suite::Mode;
use rlvr_envs::code::{judge, JudgeOptions, Language, RewardMode, TestVerdict};
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/code/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

#[test]
fn livecodebench_stdin_with_compressed_private_tests() {
    let p = parse_problem(&fixture("lcb_stdin.json")).unwrap();
    assert_eq!(p.format, "LiveCodeBench");
    assert_eq!(p.suite.mode, Mode::Stdio);
    let inputs: Vec<&str> = p.suite.tests.iter().map(|t| t.input.as_str()).collect();
    assert_eq!(inputs, ["2\n", "5\n", "-3\n"]);
    let ok = judge(
        &p.suite,
        Language::Python,
        "n = int(input())\nprint(n * n)\n",
        &JudgeOptions::default(),
    )
    .unwrap();
    assert_eq!((ok.verdict, ok.passed, ok.total), (TestVerdict::AC, 3, 3));
    let options = JudgeOptions {
        reward: RewardMode::Fraction,
        stop_at_first_failure: false,
        ..JudgeOptions::default()
    };
    let half = judge(
        &p.suite,
        Language::Python,
        "n = int(input())\nprint(abs(n) * 5)\n",
        &options,
    )
    .unwrap();
    assert_eq!((half.verdict, half.passed), (TestVerdict::WA, 1));
    assert!((half.reward - 1.0 / 3.0).abs() < 1e-12);
    assert_eq!(half.tests.len(), 3);
}

#[test]
fn livecodebench_functional_compares_tuples_with_lists() {
    let p = parse_problem(&fixture("lcb_functional.json")).unwrap();
    assert!(matches!(&p.suite.mode, Mode::Call { func_name, .. } if func_name == "add"));
    let tuple = "class Solution:\n    def add(self, a, b):\n        print('noise')\n        return (a + b, 1)\n";
    let r = judge(&p.suite, Language::Python, tuple, &JudgeOptions::default()).unwrap();
    assert_eq!(r.verdict, TestVerdict::AC, "{r:?}");
    let wrong = "class Solution:\n    def add(self, a, b):\n        return [a - b, 1]\n";
    let r = judge(&p.suite, Language::Python, wrong, &JudgeOptions::default()).unwrap();
    assert_eq!(r.verdict, TestVerdict::WA);
    let r = judge(
        &p.suite,
        Language::Cpp,
        "int main(){}",
        &JudgeOptions::default(),
    )
    .unwrap();
    assert_eq!(r.verdict, TestVerdict::CE);
}

#[test]
fn apps_stdin_and_call_records() {
    let p = parse_problem(&fixture("apps_stdin.json")).unwrap();
    let r = judge(
        &p.suite,
        Language::Python,
        "print(sum(map(int, input().split())))\n",
        &JudgeOptions::default(),
    )
    .unwrap();
    assert_eq!((r.verdict, r.passed), (TestVerdict::AC, 2));
    let p = parse_problem(&fixture("apps_call.json")).unwrap();
    assert!(matches!(
        p.suite.mode,
        Mode::Call {
            unwrap_singleton: true,
            ..
        }
    ));
    let r = judge(
        &p.suite,
        Language::Python,
        "def double(x):\n    return x * 2\n",
        &JudgeOptions::default(),
    )
    .unwrap();
    assert_eq!(r.verdict, TestVerdict::AC, "{r:?}");
}

#[test]
fn code_contests_uses_all_three_test_sets_and_its_limits() {
    let p = parse_problem(&fixture("code_contests.json")).unwrap();
    assert_eq!(p.suite.tests.len(), 4);
    assert_eq!(p.suite.limits.time_limit_s, 1.5);
    assert_eq!(p.suite.limits.memory_limit_mb, 256);
    let cpp = "#include <bits/stdc++.h>\nint main(){ std::vector<std::string> w; std::string s; while(std::cin>>s) w.push_back(s); std::reverse(w.begin(), w.end()); for(size_t i=0;i<w.size();i++) std::cout<<(i?\" \":\"\")<<w[i]; std::cout<<\"\\n\"; }\n";
    let r = judge(&p.suite, Language::Cpp, cpp, &JudgeOptions::default()).unwrap();
    assert_eq!((r.verdict, r.passed), (TestVerdict::AC, 4), "{r:?}");
    let rust = "use std::io::Read;\nfn main(){ let mut s=String::new(); std::io::stdin().read_to_string(&mut s).unwrap(); let w: Vec<&str> = s.split_whitespace().rev().collect(); println!(\"{}\", w.join(\" \")); }\n";
    let r = judge(&p.suite, Language::Rust, rust, &JudgeOptions::default()).unwrap();
    assert_eq!((r.verdict, r.passed), (TestVerdict::AC, 4), "{r:?}");
}

#[test]
fn compile_errors_carry_the_compiler_message_and_cannot_read_secrets() {
    let p = parse_problem(&fixture("code_contests.json")).unwrap();
    let r = judge(
        &p.suite,
        Language::Cpp,
        "int main() { return x; }\n",
        &JudgeOptions::default(),
    )
    .unwrap();
    assert_eq!(r.verdict, TestVerdict::CE);
    assert!(
        r.compile_output
            .as_deref()
            .unwrap_or("")
            .contains("was not declared"),
        "{r:?}"
    );
    let r = judge(
        &p.suite,
        Language::Cpp,
        "#include \"/etc/shadow\"\nint main(){}\n",
        &JudgeOptions::default(),
    )
    .unwrap();
    assert_eq!(r.verdict, TestVerdict::CE);
    let message = r.compile_output.unwrap_or_default();
    assert!(message.contains("Permission denied"), "{message}");
    assert!(!message.contains("root:"), "{message}");
    let r = judge(
        &p.suite,
        Language::Rust,
        "fn main() { let x: u32 = \"s\"; }\n",
        &JudgeOptions::default(),
    )
    .unwrap();
    assert_eq!(r.verdict, TestVerdict::CE);
    assert!(r
        .compile_output
        .unwrap_or_default()
        .contains("mismatched types"));
}

#[test]
fn python_syntax_errors_are_compile_errors_with_the_message() {
    let p = parse_problem(&fixture("code_contests.json")).unwrap();
    let r = judge(
        &p.suite,
        Language::Python,
        "n = int(input()\nprint(n)\n",
        &JudgeOptions::default(),
    )
    .unwrap();
    assert_eq!(r.verdict, TestVerdict::CE, "{r:?}");
    assert!(r.tests.is_empty(), "{r:?}");
    let message = r.compile_output.unwrap_or_default();
    assert!(message.contains("SyntaxError"), "{message}");
    assert!(message.contains("line 1"), "{message}");
    // A Python program that compiles but fails when run is still a runtime error.
    let r = judge(
        &p.suite,
        Language::Python,
        "import no_such_module\n",
        &JudgeOptions::default(),
    )
    .unwrap();
    assert_eq!(r.verdict, TestVerdict::RE, "{r:?}");
}

#[test]
fn custom_checker_program_decides() {
    // Any permutation of the expected tokens is accepted.
    let mut record = fixture("apps_stdin.json");
    record["checker"] = serde_json::json!({
        "type": "program",
        "language": "python",
        "source": "import sys\nout = open(sys.argv[2]).read().split()\nans = open(sys.argv[3]).read().split()\nsys.exit(0 if sorted(out) == sorted(ans) else 1)\n"
    });
    record["input_output"] =
        Value::String(r#"{"inputs": ["3 1 2\n"], "outputs": ["1 2 3\n"]}"#.into());
    let p = parse_problem(&record).unwrap();
    let r = judge(
        &p.suite,
        Language::Python,
        "print(*input().split())\n",
        &JudgeOptions::default(),
    )
    .unwrap();
    assert_eq!(r.verdict, TestVerdict::AC, "{r:?}");
    let r = judge(
        &p.suite,
        Language::Python,
        "print('1 2 2')\n",
        &JudgeOptions::default(),
    )
    .unwrap();
    assert_eq!(r.verdict, TestVerdict::WA, "{r:?}");
}
