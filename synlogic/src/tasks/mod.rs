//! The SynLogic tasks: one file per task, and [`ALL`], the single list everything enumerates
//! (the environment registry, `rlvr synlogic list/gen/verify/bench`, the property tests).
//!
//! # How to add a task
//! 1. Read SynLogic's generator, prompt and verifier for the task (`games/tasks/<task>/scripts/`):
//!    its record schema (`answer`, `metadata` keys), the answer format its prompt asks for and how its
//!    verifier extracts it. Write down its bugs; fix them, don't copy them.
//! 2. Create `tasks/<task>.rs` with a unit struct implementing [`crate::Puzzle`]:
//!    - `generate`: start with `crate::puzzle::begin(ID, seed, index, options)` (the random stream,
//!      the prompt language and the trace id, drawn in that order) and draw everything else from it;
//!      map the level to the generator's knobs with a 10-entry table (`Difficulty::pick`); write the
//!      prompt from your own bilingual templates (`crate::language`); record `metadata` with
//!      SynLogic's keys plus `"rlvr": {"level", "solver_nodes", ...}`.
//!    - `verify`: `rlvr_envs::extract::strip_think`, then extract with `crate::extract` (linear-time
//!      helpers) and parse with `crate::pyliteral`; check the rules, accepting any valid solution
//!      unless uniqueness is proven at generation time. Never panic; missing gold data is
//!      `SynlogicError::BadRecord`.
//! 3. Add one line to [`ALL`] below. The shared tests (`tests/puzzles.rs`, `tests/robustness.rs`)
//!    then cover it; add its row to `DIFFICULTY.md` and a fixture of SynLogic's own records under
//!    `fixtures/<task>.jsonl` with a test in `tests/synlogic_compat.rs`.

use crate::error::SynlogicError;
use crate::puzzle::Puzzle;

pub mod arrow_maze;
pub mod calcudoko;
pub mod campsite;
pub mod cryptarithm;
pub mod futoshiki;
pub mod game_of_24;
pub mod kukurasu;
pub mod math_path;
pub mod minesweeper;
pub mod norinori;
pub mod number_wall;
pub mod numbrix;
pub mod skyscraper_puzzle;
pub mod star_placement_puzzle;
pub mod sudoku;
pub mod survo;
pub mod wordscapes;

/// Every task, one line each, in `rlvr synlogic list` order.
#[rustfmt::skip]
pub static ALL: &[&dyn Puzzle] = &[
    &sudoku::Sudoku,
    &futoshiki::Futoshiki,
    &skyscraper_puzzle::SkyscraperPuzzle,
    &calcudoko::Calcudoko,
    &kukurasu::Kukurasu,
    &survo::Survo,
    &game_of_24::GameOf24,
    &cryptarithm::Cryptarithm,
    &norinori::Norinori,
    &star_placement_puzzle::StarPlacementPuzzle,
    &numbrix::Numbrix,
    &math_path::MathPath,
    &arrow_maze::ArrowMaze,
    &campsite::Campsite,
    &minesweeper::Minesweeper,
    &number_wall::NumberWall,
    &wordscapes::Wordscapes,
];

/// The task named `id`.
pub fn find(id: &str) -> Result<&'static dyn Puzzle, SynlogicError> {
    ALL.iter()
        .copied()
        .find(|p| p.id() == id)
        .ok_or_else(|| SynlogicError::UnknownTask(id.to_owned()))
}
