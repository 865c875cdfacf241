//! The verifier: gold answer and full response in, verdict and reason out.

use serde::{Deserialize, Serialize};

use super::equivalence::{equivalent, Tolerance, Unjudgeable};
use super::expr::Expr;
use super::extract::{candidates, gold_answer};
use super::parser::{parse, ParseError};
use crate::api::Verdict;

/// The verifier's settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VerifierConfig {
    pub tolerance: Tolerance,
}

/// A verdict with its reason and the answer that was judged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Judgement {
    pub verdict: Verdict,
    pub reason: String,
    /// The extracted answer text, when one parsed.
    pub extracted: Option<String>,
}

impl Judgement {
    pub fn is_correct(&self) -> bool {
        self.verdict == Verdict::Correct
    }

    fn unparseable(reason: String) -> Self {
        Judgement {
            verdict: Verdict::Unparseable,
            reason,
            extracted: None,
        }
    }
}

/// A gold answer that does not parse is the task's fault, not the model's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("gold answer {gold:?} does not parse: {source}")]
pub struct BadGold {
    pub gold: String,
    pub source: ParseError,
}

/// Math answer verifier. Pure: no IO, no clock, no global state; every call is bounded by the
/// limits in `limits.rs`.
#[derive(Debug, Clone, Default)]
pub struct MathVerifier {
    config: VerifierConfig,
}

impl MathVerifier {
    pub fn new(config: VerifierConfig) -> Self {
        MathVerifier { config }
    }

    /// Parses a gold answer (bare, in `$...$` or in `\boxed{}`).
    pub fn parse_gold(&self, gold: &str) -> Result<Expr, BadGold> {
        let text = gold_answer(gold);
        let expr = parse(&text).map_err(|source| BadGold {
            gold: gold.to_owned(),
            source,
        })?;
        // A lone capital letter as gold is a multiple-choice answer.
        Ok(match expr {
            Expr::Var(v) if v.len() == 1 && v.chars().all(|c| c.is_ascii_uppercase()) => {
                Expr::Choice(v.chars().next().expect("one letter"))
            }
            other => other,
        })
    }

    /// Judges a full response against a gold answer.
    pub fn verify(&self, gold: &str, response: &str) -> Judgement {
        match self.parse_gold(gold) {
            Ok(expr) => self.verify_parsed(&expr, response),
            Err(e) => Judgement::unparseable(e.to_string()),
        }
    }

    /// Judges a full response against an already parsed gold answer.
    pub fn verify_parsed(&self, gold: &Expr, response: &str) -> Judgement {
        let mut first_error = None;
        for candidate in candidates(response) {
            let parsed = if matches!(gold, Expr::Choice(_)) {
                choice_letter(&candidate)
                    .map(Expr::Choice)
                    .ok_or(ParseError::Empty)
            } else {
                parse(&candidate)
            };
            match parsed {
                Ok(pred) => return self.judge(gold, &pred, candidate),
                // A hostile answer is not rescued by a weaker candidate.
                Err(e @ ParseError::TooLarge(_)) => {
                    return Judgement::unparseable(format!(
                        "answer {:.80?} is past a size limit: {e}",
                        candidate
                    ))
                }
                Err(e) => {
                    if first_error.is_none() {
                        first_error = Some(format!("answer {candidate:?} does not parse: {e}"));
                    }
                }
            }
        }
        Judgement::unparseable(first_error.unwrap_or_else(|| "no answer found".to_owned()))
    }

    fn judge(&self, gold: &Expr, pred: &Expr, candidate: String) -> Judgement {
        match equivalent(gold, pred, &self.config.tolerance) {
            Ok(true) => Judgement {
                verdict: Verdict::Correct,
                reason: "equivalent".to_owned(),
                extracted: Some(candidate),
            },
            Ok(false) => Judgement {
                verdict: Verdict::Wrong,
                reason: "not equivalent".to_owned(),
                extracted: Some(candidate),
            },
            Err(Unjudgeable::TooLarge) => Judgement {
                verdict: Verdict::Unparseable,
                reason: "a value is past the size limits".to_owned(),
                extracted: Some(candidate),
            },
        }
    }
}

/// The multiple-choice letter of an answer: `(D)`, `D`, `\textbf{(D)} 12`, `D) 12`.
fn choice_letter(candidate: &str) -> Option<char> {
    let mut text = candidate.trim();
    for wrapper in ["\\textbf{", "\\text{", "\\mathrm{", "\\mathbf{", "{"] {
        if let Some(rest) = text.strip_prefix(wrapper) {
            text = rest.trim_start();
        }
    }
    let text = text.trim_start_matches(['(', '[', ' ']);
    let mut chars = text.chars();
    let letter = chars.next()?;
    let next = chars.next();
    let alone = next.is_none_or(|c| !c.is_ascii_alphabetic());
    (letter.is_ascii_alphabetic() && alone).then(|| letter.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judges_pairs() {
        let v = MathVerifier::default();
        assert!(v.verify("\\frac{1}{2}", "so \\boxed{0.5}").is_correct());
        assert_eq!(v.verify("3", "\\boxed{4}").verdict, Verdict::Wrong);
        assert_eq!(v.verify("3", "no idea").verdict, Verdict::Unparseable);
        assert!(v
            .verify("(D)", "The answer is \\textbf{(D)} 12")
            .is_correct());
        assert_eq!(
            v.verify("1", "\\boxed{10^{10^{10}}}").verdict,
            Verdict::Unparseable
        );
    }
}
