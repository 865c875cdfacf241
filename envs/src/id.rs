//! Versioned environment ids: `family/name@version`, e.g. `synlogic/sudoku@1`.

use std::fmt;
use std::str::FromStr;

use crate::error::EnvError;

/// A parsed environment id. The version is bumped whenever prompts, generation or scoring change,
/// so a number in a paper or a run log always names one behaviour.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EnvId {
    family: String,
    name: String,
    version: u32,
}

impl EnvId {
    /// Builds an id from parts; the parts must be non-empty `[a-z0-9_-]` words.
    pub fn new(family: &str, name: &str, version: u32) -> Result<Self, EnvError> {
        format!("{family}/{name}@{version}").parse()
    }

    /// The family (`synlogic`, `math`, `code`, `swe`, ...).
    pub fn family(&self) -> &str {
        &self.family
    }

    /// The environment's name inside its family.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The behaviour version.
    pub fn version(&self) -> u32 {
        self.version
    }
}

impl fmt::Display for EnvId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}@{}", self.family, self.name, self.version)
    }
}

fn is_word(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

impl FromStr for EnvId {
    type Err = EnvError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = |reason: &str| EnvError::InvalidId {
            id: s.to_owned(),
            reason: reason.to_owned(),
        };
        let (path, version) = s
            .rsplit_once('@')
            .ok_or_else(|| invalid("missing `@version`"))?;
        let (family, name) = path
            .split_once('/')
            .ok_or_else(|| invalid("missing `family/`"))?;
        if !is_word(family) || !is_word(name) {
            return Err(invalid(
                "family and name must be lowercase [a-z0-9_-] words",
            ));
        }
        let version = version
            .parse::<u32>()
            .map_err(|_| invalid("version must be a number"))?;
        Ok(EnvId {
            family: family.to_owned(),
            name: name.to_owned(),
            version,
        })
    }
}

impl serde::Serialize for EnvId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for EnvId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_round_trip() {
        let id: EnvId = "synlogic/sudoku@1".parse().unwrap();
        assert_eq!(
            (id.family(), id.name(), id.version()),
            ("synlogic", "sudoku", 1)
        );
        assert_eq!(id.to_string(), "synlogic/sudoku@1");
    }

    #[test]
    fn rejects_malformed_ids() {
        for bad in [
            "sudoku@1",
            "synlogic/sudoku",
            "synlogic/Sudoku@1",
            "a/b@x",
            "/b@1",
            "a/@1",
            "a/b/c@1",
        ] {
            assert!(bad.parse::<EnvId>().is_err(), "{bad} should not parse");
        }
    }
}
