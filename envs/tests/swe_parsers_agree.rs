//! Our log parsers agree with SWE-bench's Python parsers on real logs: every fixture log, every
//! parser, exact status maps (see `fixtures/swe/README.md` for how the logs and maps were made).

use std::fs;
use std::path::{Path, PathBuf};

use rlvr_envs::swe::grading::normalize_newlines;
use rlvr_envs::swe::log_parsers::{parse, LogParser};
use serde_json::{Map, Value};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/swe")
}

/// The log as SWE-bench reads it: lossy UTF-8, universal newlines.
fn read_log(path: &Path) -> String {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    normalize_newlines(&String::from_utf8_lossy(&bytes))
}

/// The expected map of `parser`, following "same as <parser>" references.
fn expected_map<'a>(expected: &'a Map<String, Value>, parser: &str) -> &'a Value {
    match &expected[parser] {
        Value::String(other) => expected_map(expected, other),
        map => map,
    }
}

#[test]
fn parsers_agree_with_swe_bench_on_real_logs() {
    let mut logs: Vec<PathBuf> = fs::read_dir(fixtures().join("logs"))
        .expect("fixture logs")
        .map(|entry| entry.expect("dir entry").path())
        .collect();
    logs.sort();
    assert!(
        logs.len() >= 9,
        "expected the nine fixture logs, found {}",
        logs.len()
    );

    let mut compared = 0;
    let mut nonempty = 0;
    let mut disagreements = Vec::new();
    for log_path in &logs {
        let stem = log_path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("utf-8 name");
        let expected_path = fixtures().join("expected").join(format!("{stem}.json"));
        let expected: Map<String, Value> =
            serde_json::from_str(&fs::read_to_string(&expected_path).expect("expected map"))
                .unwrap_or_else(|e| panic!("parsing {}: {e}", expected_path.display()));
        let log = read_log(log_path);
        for parser in LogParser::ALL {
            let ours = serde_json::to_value(parse(parser, &log)).expect("serializable");
            let theirs = expected_map(&expected, parser.name());
            compared += 1;
            if ours.as_object().is_some_and(|map| !map.is_empty()) {
                nonempty += 1;
            }
            if &ours != theirs {
                let (ours, theirs) = (ours.as_object().unwrap(), theirs.as_object().unwrap());
                let only_ours: Vec<_> = ours
                    .iter()
                    .filter(|(k, v)| theirs.get(*k) != Some(v))
                    .take(5)
                    .collect();
                let only_theirs: Vec<_> = theirs
                    .iter()
                    .filter(|(k, v)| ours.get(*k) != Some(v))
                    .take(5)
                    .collect();
                disagreements.push(format!(
                    "{stem} / {parser}: ours {only_ours:?} vs SWE-bench {only_theirs:?}"
                ));
            }
        }
    }
    assert!(
        disagreements.is_empty(),
        "disagreements:\n{}",
        disagreements.join("\n")
    );
    assert_eq!(compared, logs.len() * LogParser::ALL.len());
    assert!(nonempty >= 30, "only {nonempty} non-empty maps compared");
}

#[test]
fn each_repository_parser_reads_its_own_log() {
    // The parser SWE-bench picks for a repository finds that repository's results.
    for (repo, log, at_least) in [
        ("pallets/flask", "flask_clean", 80),
        ("psf/requests", "requests", 200),
        ("pytest-dev/pytest", "pytest", 40),
        ("django/django", "django", 150),
        ("sympy/sympy", "sympy", 25),
        ("mwaskom/seaborn", "flask_seaborn", 50),
        ("astropy/astropy", "flask_v2", 90),
    ] {
        let parser = LogParser::for_repo(repo).expect("known repository");
        let map = parse(
            parser,
            &read_log(&fixtures().join(format!("logs/{log}.log"))),
        );
        assert!(
            map.len() >= at_least,
            "{repo}: {} results from {log}.log",
            map.len()
        );
    }
}
