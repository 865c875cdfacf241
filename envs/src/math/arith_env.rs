//! `math/arith@1`: procedurally generated arithmetic ("Compute 7 + 3 * 4."), seeded, with the
//! size of the problem as its knobs; the final answer goes in `\boxed{}` and is judged by
//! [`MathVerifier`]. Unlike the fixed set of `math/answer@1`, every `(seed, index)` is a fresh
//! problem, so a held-out seed is truly unseen.

use async_trait::async_trait;
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::answer_env::{gold_answer_of, score_gold_answer};
use super::verdict::MathVerifier;
use crate::api::{Environment, Message, Outcome, Task};
use crate::error::{EnvError, Result};
use crate::id::EnvId;
use crate::registry::{parse_config, EnvSpec, Registry};
use crate::seed::task_rng;

/// One binary operator of the generated expressions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ArithOp {
    #[serde(rename = "+")]
    Add,
    #[serde(rename = "-")]
    Sub,
    #[serde(rename = "*")]
    Mul,
}

impl ArithOp {
    fn symbol(self) -> char {
        match self {
            ArithOp::Add => '+',
            ArithOp::Sub => '-',
            ArithOp::Mul => '*',
        }
    }
}

/// The typed config of `math/arith@1`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ArithConfig {
    /// Operands per expression (at least 2).
    pub terms: usize,
    /// Operands are drawn from `0..=max_operand`.
    pub max_operand: u32,
    /// The operators drawn from (at least one).
    pub operators: Vec<ArithOp>,
}

impl Default for ArithConfig {
    fn default() -> Self {
        ArithConfig {
            terms: 3,
            max_operand: 20,
            operators: vec![ArithOp::Add, ArithOp::Sub, ArithOp::Mul],
        }
    }
}

/// The most operands an expression may have (with `*`, `max_operand` is also bounded so that
/// every value fits in `i64`).
const MAX_TERMS: usize = 8;

pub struct ArithEnv {
    id: EnvId,
    config: ArithConfig,
    verifier: MathVerifier,
}

/// Registers `math/arith@1`.
pub fn register(reg: &mut Registry) {
    let spec = EnvSpec {
        id: EnvId::new("math", "arith", 1).expect("valid id"),
        summary: "generated arithmetic with + - * (operand count and size configurable)",
        needs_docker: false,
    };
    reg.register(spec, |id, config| {
        let config: ArithConfig = parse_config(id, config)?;
        ArithEnv::new(id.clone(), config).map(|env| Box::new(env) as Box<dyn Environment>)
    });
}

impl ArithEnv {
    pub fn new(id: EnvId, config: ArithConfig) -> Result<Self> {
        let bad = |message: String| EnvError::Config {
            env: id.clone(),
            message,
        };
        if !(2..=MAX_TERMS).contains(&config.terms) {
            return Err(bad(format!(
                "terms = {} must be between 2 and {MAX_TERMS}",
                config.terms
            )));
        }
        if config.operators.is_empty() {
            return Err(bad("operators must name at least one of + - *".into()));
        }
        // Any sum of products of the operands is at most terms * max^terms in size.
        let bound = i128::from(config.max_operand)
            .checked_pow(config.terms as u32)
            .and_then(|p| p.checked_mul(config.terms as i128));
        if config.operators.contains(&ArithOp::Mul)
            && bound.is_none_or(|b| b > i128::from(i64::MAX))
        {
            return Err(bad(format!(
                "max_operand = {} with {} terms can overflow a 64-bit answer",
                config.max_operand, config.terms
            )));
        }
        Ok(ArithEnv {
            id,
            config,
            verifier: MathVerifier::default(),
        })
    }
}

/// Evaluates `operands[0] op[0] operands[1] ...` with `*` binding tighter than `+` and `-`.
fn evaluate(operands: &[i64], ops: &[ArithOp]) -> i64 {
    // Sum of products: each `+`/`-` closes the running product.
    let mut total = 0i64;
    let mut sign = 1i64;
    let mut product = operands[0];
    for (op, &x) in ops.iter().zip(&operands[1..]) {
        match op {
            ArithOp::Mul => product *= x,
            ArithOp::Add | ArithOp::Sub => {
                total += sign * product;
                sign = if *op == ArithOp::Add { 1 } else { -1 };
                product = x;
            }
        }
    }
    total + sign * product
}

#[async_trait]
impl Environment for ArithEnv {
    fn id(&self) -> &EnvId {
        &self.id
    }

    fn task(&self, seed: u64, index: u64) -> Result<Task> {
        let mut rng = task_rng("math/arith", seed, index);
        let c = &self.config;
        let operands: Vec<i64> = (0..c.terms)
            .map(|_| i64::from(rng.gen_range(0..=c.max_operand)))
            .collect();
        let ops: Vec<ArithOp> = (1..c.terms)
            .map(|_| c.operators[rng.gen_range(0..c.operators.len())])
            .collect();
        let mut expr = operands[0].to_string();
        for (op, x) in ops.iter().zip(&operands[1..]) {
            expr.push_str(&format!(" {} {x}", op.symbol()));
        }
        let answer = evaluate(&operands, &ops);
        Ok(Task {
            env: self.id.clone(),
            seed,
            index,
            prompt: vec![Message::user(format!(
                "Compute {expr}. Put your final answer within \\boxed{{}}."
            ))],
            reference: json!({ "answer": answer.to_string() }),
            metadata: json!({ "expression": expr }),
        })
    }

    async fn score(&self, task: &Task, response: &str) -> Result<Outcome> {
        score_gold_answer(&self.verifier, &self.id, task, response)
    }

    fn reference_response(&self, task: &Task) -> Result<String> {
        Ok(format!("\\boxed{{{}}}", gold_answer_of(&self.id, task)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Verdict;
    use serde_json::Value;

    #[test]
    fn precedence_is_multiplication_first() {
        use ArithOp::*;
        assert_eq!(evaluate(&[7, 3, 4], &[Add, Mul]), 19);
        assert_eq!(evaluate(&[7, 3, 4], &[Mul, Sub]), 17);
        assert_eq!(evaluate(&[2, 3, 4, 5], &[Sub, Mul, Add]), -5);
        assert_eq!(evaluate(&[9, 9], &[Sub]), 0);
    }

    #[tokio::test]
    async fn the_answer_matches_the_printed_expression_and_is_judged() {
        let env = Registry::with_builtins()
            .build("math/arith@1", &json!({ "terms": 4, "max_operand": 12 }))
            .unwrap();
        for index in 0..50 {
            let task = env.task(7, index).unwrap();
            let expr = task.metadata["expression"].as_str().unwrap();
            // Re-evaluate the printed text independently of the generator's operand lists.
            let tokens: Vec<&str> = expr.split(' ').collect();
            let operands: Vec<i64> = tokens
                .iter()
                .step_by(2)
                .map(|t| t.parse().unwrap())
                .collect();
            let ops: Vec<ArithOp> = tokens
                .iter()
                .skip(1)
                .step_by(2)
                .map(|t| serde_json::from_value(json!(t)).unwrap())
                .collect();
            let answer: i64 = task.reference["answer"].as_str().unwrap().parse().unwrap();
            assert_eq!(evaluate(&operands, &ops), answer, "{expr}");
            let right = env
                .score(
                    &task,
                    &format!("<think>\\boxed{{1}}</think> \\boxed{{{answer}}}"),
                )
                .await
                .unwrap();
            assert_eq!(right.verdict, Verdict::Correct, "{expr}: {right:?}");
            let wrong = env
                .score(&task, &format!("\\boxed{{{}}}", answer + 1))
                .await
                .unwrap();
            assert_eq!(wrong.verdict, Verdict::Wrong);
        }
    }

    #[test]
    fn bad_configs_are_named() {
        let reg = Registry::with_builtins();
        for (config, needle) in [
            (json!({ "terms": 1 }), "terms = 1"),
            (json!({ "operators": [] }), "operators"),
            (
                json!({ "terms": 8, "max_operand": 4_000_000_000u64 }),
                "overflow",
            ),
            (json!({ "operators": ["/"] }), "unknown variant"),
        ] {
            let err = reg.build("math/arith@1", &config).err().unwrap();
            assert!(err.to_string().contains(needle), "{config}: {err}");
        }
    }

    #[tokio::test]
    async fn passes_the_conformance_checks() {
        let env = Registry::with_builtins()
            .build("math/arith@1", &Value::Null)
            .unwrap();
        let report =
            crate::conformance::check(env.as_ref(), &crate::conformance::CheckConfig::default())
                .await;
        assert!(report.passed(), "{report:#?}");
    }
}
