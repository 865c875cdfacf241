//! The open-source projects synthetic instances are made from: small pure-Python packages whose
//! sdists ship their test suites, which run in seconds under pytest.

/// One project, pinned to an sdist version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynthProject {
    /// The package name pip knows.
    pub package: &'static str,
    pub version: &'static str,
    /// `owner/name` of its upstream repository (names the clone and the instance ids).
    pub repo: &'static str,
    /// Directories (relative to the sdist root) whose `.py` files receive bugs.
    pub sources: &'static [&'static str],
    /// Directory of the test suite, excluded from mutation.
    pub tests: &'static str,
}

/// The projects `rlvr swe synth` knows, in the order it processes them.
pub const PROJECTS: &[SynthProject] = &[
    SynthProject {
        package: "toolz",
        version: "1.0.0",
        repo: "pytoolz/toolz",
        sources: &["toolz"],
        tests: "toolz/tests",
    },
    SynthProject {
        package: "more-itertools",
        version: "10.5.0",
        repo: "more-itertools/more-itertools",
        sources: &["more_itertools"],
        tests: "tests",
    },
];

/// Test runner pins installed from the wheelhouse into every synthetic environment.
pub const TEST_PACKAGES: &[&str] = &["pytest==8.3.3"];

/// The interpreter the synthetic environments use (Debian bookworm's).
pub const PYTHON: &str = "3.11";

/// The test command (`-p no:cacheprovider`: the checkout stays clean).
pub const TEST_CMD: &str = "pytest -rA -p no:cacheprovider";

/// The project named `package`, if known.
pub fn find(package: &str) -> Option<&'static SynthProject> {
    PROJECTS.iter().find(|p| p.package == package)
}
