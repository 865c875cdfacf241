//! The typed dataset records of `rlvr-datasets`, turned into problems. They serialize with the field
//! names the datasets publish, so they go through the same readers as raw JSON (and keep our optional
//! `checker`, `time_limit_s` and `memory_limit_mb`, which land in their extra fields).

use rlvr_datasets::{AppsProblem, CodeContestsProblem, LiveCodeBenchProblem};
use serde::Serialize;

use super::{parse_problem, FormatError, Problem};

fn via_json<T: Serialize>(format: &'static str, record: &T) -> Result<Problem, FormatError> {
    let value = serde_json::to_value(record)
        .map_err(|e| FormatError::new(format, "(record)", e.to_string()))?;
    parse_problem(&value)
}

impl TryFrom<&LiveCodeBenchProblem> for Problem {
    type Error = FormatError;

    fn try_from(record: &LiveCodeBenchProblem) -> Result<Self, Self::Error> {
        via_json("LiveCodeBench", record)
    }
}

impl TryFrom<&AppsProblem> for Problem {
    type Error = FormatError;

    fn try_from(record: &AppsProblem) -> Result<Self, Self::Error> {
        via_json("APPS", record)
    }
}

impl TryFrom<&CodeContestsProblem> for Problem {
    type Error = FormatError;

    fn try_from(record: &CodeContestsProblem) -> Result<Self, Self::Error> {
        via_json("code_contests", record)
    }
}
