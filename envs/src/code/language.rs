//! The languages a submission may be written in, with their fence tags and file names.

use serde::{Deserialize, Serialize};

/// A submission language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Python 3, run by the system interpreter.
    Python,
    /// C++17, `g++ -O2`.
    Cpp,
    /// Rust 2021, `rustc -O`.
    Rust,
}

impl Language {
    pub const ALL: [Language; 3] = [Language::Python, Language::Cpp, Language::Rust];

    /// Parses a name as users and fences write it (`python`, `py`, `python3`, `cpp`, `c++`, `rust`).
    pub fn from_name(name: &str) -> Option<Language> {
        match name.trim().to_ascii_lowercase().as_str() {
            "python" | "python3" | "py" | "py3" => Some(Language::Python),
            "cpp" | "c++" | "cxx" | "cc" | "c++17" | "cpp17" => Some(Language::Cpp),
            "rust" | "rs" => Some(Language::Rust),
            _ => None,
        }
    }

    /// The canonical name (also the fence tag the prompts ask for).
    pub fn name(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::Cpp => "cpp",
            Language::Rust => "rust",
        }
    }

    /// The source file's name.
    pub fn source_file(self) -> &'static str {
        match self {
            Language::Python => "sol.py",
            Language::Cpp => "sol.cpp",
            Language::Rust => "sol.rs",
        }
    }

    /// Whether a build step makes a binary.
    pub fn is_compiled(self) -> bool {
        !matches!(self, Language::Python)
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Language {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Language::from_name(s)
            .ok_or_else(|| format!("unknown language {s:?}; expected python, cpp or rust"))
    }
}
