//! The difficulty ladder: one integer scale, 1 (easiest) to 10 (hardest), for every task. Each task
//! maps a level to its own generator knobs (documented in `synlogic/DIFFICULTY.md`).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::SynlogicError;

/// A difficulty level in 1..=10. Constructed only through [`Difficulty::new`], so every value is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u8")]
pub struct Difficulty(u8);

impl Difficulty {
    pub const MIN: Difficulty = Difficulty(1);
    pub const MAX: Difficulty = Difficulty(10);

    /// Checks that `level` is in 1..=10.
    pub fn new(level: i64) -> Result<Self, SynlogicError> {
        if (1..=10).contains(&level) {
            Ok(Difficulty(level as u8))
        } else {
            Err(SynlogicError::BadDifficulty(level))
        }
    }

    /// The level as a number in 1..=10.
    pub fn level(self) -> u8 {
        self.0
    }

    /// Every level, easiest first.
    pub fn all() -> impl Iterator<Item = Difficulty> {
        (1..=10).map(Difficulty)
    }

    /// Picks the entry for this level from a table of ten (index 0 is level 1).
    pub fn pick<T: Copy>(self, table: &[T; 10]) -> T {
        table[usize::from(self.0 - 1)]
    }
}

impl Default for Difficulty {
    fn default() -> Self {
        Difficulty(5)
    }
}

impl TryFrom<i64> for Difficulty {
    type Error = SynlogicError;

    fn try_from(level: i64) -> Result<Self, Self::Error> {
        Difficulty::new(level)
    }
}

impl From<Difficulty> for u8 {
    fn from(d: Difficulty) -> u8 {
        d.0
    }
}

impl fmt::Display for Difficulty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_one_to_ten_only() {
        assert!(Difficulty::new(0).is_err());
        assert!(Difficulty::new(11).is_err());
        assert_eq!(Difficulty::new(7).unwrap().level(), 7);
        assert_eq!(Difficulty::all().count(), 10);
        assert!(serde_json::from_str::<Difficulty>("12").is_err());
        assert_eq!(serde_json::from_str::<Difficulty>("3").unwrap().level(), 3);
    }
}
