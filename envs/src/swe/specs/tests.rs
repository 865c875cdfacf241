use super::*;

fn interpreters() -> Vec<Interpreter> {
    InterpreterTable::embedded().interpreters.clone()
}

#[test]
fn embedded_tables_parse() {
    assert!(!SpecTable::embedded().repos.is_empty());
    assert!(!InterpreterTable::embedded().interpreters.is_empty());
    let offline = OfflineTable::embedded();
    for repo in offline.repos.keys() {
        assert!(
            SpecTable::embedded().repos.contains_key(repo),
            "offline.json names {repo}, which specs.json lacks"
        );
    }
}

#[test]
fn nearest_interpreter_prefers_the_oldest_at_least_as_new() {
    let available = interpreters();
    assert_eq!(
        nearest_interpreter("3.9", &available).unwrap().suite,
        "bullseye"
    );
    assert_eq!(
        nearest_interpreter("3.10", &available).unwrap().suite,
        "bookworm"
    );
    assert_eq!(
        nearest_interpreter("3.14", &available).unwrap().suite,
        "trixie"
    );
    assert!(nearest_interpreter("x", &available).is_none());
}

#[test]
fn flask_and_marshmallow_are_served_and_unknown_repos_are_not() {
    let tables = Tables::embedded();
    match assess("pallets/flask", "2.3", tables) {
        Serviceability::Serve {
            interpreter,
            parser,
            notes,
        } => {
            assert_eq!(interpreter.python, "3.11");
            assert_eq!(parser, LogParser::Pytest);
            assert!(
                notes.iter().any(|n| n.contains("PYTHONPATH=src")),
                "{notes:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        assess("marshmallow-code/marshmallow", "3.0", tables),
        Serviceability::Serve { .. }
    ));
    let Serviceability::Cannot { reason } = assess("pallets/flask", "9.9", tables) else {
        panic!("unknown version served")
    };
    assert!(reason.contains("9.9") && reason.contains("2.3"), "{reason}");
}

#[test]
fn a_repository_without_an_offline_recipe_is_not_served() {
    let offline = OfflineTable {
        source: String::new(),
        repos: BTreeMap::new(),
    };
    let available = interpreters();
    let tables = Tables {
        specs: SpecTable::embedded(),
        offline: &offline,
        interpreters: &available,
    };
    let Serviceability::Cannot { reason } = assess("pallets/flask", "2.3", tables) else {
        panic!("served without a recipe")
    };
    assert!(reason.contains("offline recipe"), "{reason}");
}

#[test]
fn requirement_names_normalise_like_pip() {
    assert_eq!(requirement_name("Jinja2==3.1.2").as_deref(), Some("jinja2"));
    assert_eq!(
        requirement_name("python_dotenv==1.0.0 ; python_version >= \"3.8\"").as_deref(),
        Some("python-dotenv")
    );
    assert_eq!(
        requirement_name("zope.interface>=5").as_deref(),
        Some("zope-interface")
    );
    assert_eq!(requirement_name("-e ."), None);
    assert_eq!(requirement_name("https://x/y.whl"), None);
}

#[test]
fn requirements_files_are_read_as_swe_bench_reads_them() {
    let dev = "-r docs.txt\n-r tests.txt\n-e .\nbuild==0.10.0\n    # via -r requirements/dev.in\n.[tests]\n";
    let include = |path: &str| match path {
        "requirements/docs.txt" => Some("# comment\nsphinx==4.5.0\n".to_owned()),
        "requirements/tests.txt" => Some(
            "pytest==7.3.0\n    # via pytest\npython-dotenv==1.0.0 ; python_version >= \"3.8\"\n"
                .to_owned(),
        ),
        _ => None,
    };
    let lines = requirements_lines(dev, "requirements/dev.txt", &include);
    assert_eq!(
        lines,
        [
            "sphinx==4.5.0",
            "pytest==7.3.0",
            "python-dotenv==1.0.0 ; python_version >= \"3.8\"",
            "build==0.10.0"
        ]
    );
}

#[test]
fn later_requirements_win() {
    let reqs = vec!["MarkupSafe==2.1.2".to_owned(), "pytest==7.3.0".to_owned()];
    let pins = vec!["markupsafe==2.1.1".to_owned()];
    assert_eq!(
        merge_requirements(&[&reqs, &pins]),
        ["pytest==7.3.0", "markupsafe==2.1.1"]
    );
}

#[test]
fn only_bare_requirements_take_a_pin() {
    let reqs = vec![
        "pytest".to_owned(),
        "Mock>=2".to_owned(),
        "six".to_owned(),
        "attrs; python_version<'3.10'".to_owned(),
    ];
    let pins = vec![
        "pytest==7.4.4".to_owned(),
        "mock==5.1.0".to_owned(),
        "attrs==23.1.0".to_owned(),
    ];
    let (out, pinned) = pin_bare(reqs, &pins);
    assert_eq!(
        out,
        [
            "pytest==7.4.4",
            "Mock>=2",
            "six",
            "attrs; python_version<'3.10'"
        ]
    );
    assert_eq!(pinned, ["pytest==7.4.4"]);
}

#[test]
fn requests_is_served_offline() {
    match assess("psf/requests", "2.10", Tables::embedded()) {
        Serviceability::Serve {
            interpreter,
            parser,
            ..
        } => {
            assert_eq!(interpreter.python, "3.9");
            assert_eq!(parser, LogParser::PytestOptions);
        }
        other => panic!("{other:?}"),
    }
}
