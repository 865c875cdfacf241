//! Rollouts with a test environment: infrastructure failures are masked (never rewarded), and
//! scoring runs concurrently rather than one response after another.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use rlvr_envs::{EnvError, EnvId, Environment, Message, Outcome, Task};
use rlvr_trainer::generate::SamplingParams;
use rlvr_trainer::model::tokenizer::Tokenizer;
use rlvr_trainer::model::{MiniMaxConfig, MiniMaxForCausalLM};
use rlvr_trainer::rollout::{generate_and_score, ChatFormat};
use serde_json::Value;

/// Rewards responses whose byte sum is even with 1 and fails (as infrastructure) on the others, after
/// a delay. (Not the length: a random tiny model rarely stops early, so lengths barely vary.)
struct FlakyEnv {
    id: EnvId,
    delay: Duration,
}

#[async_trait]
impl Environment for FlakyEnv {
    fn id(&self) -> &EnvId {
        &self.id
    }

    fn task(&self, seed: u64, index: u64) -> rlvr_envs::Result<Task> {
        Ok(Task {
            env: self.id.clone(),
            seed,
            index,
            prompt: vec![Message::user(format!("task {index}"))],
            reference: Value::Null,
            metadata: Value::Null,
        })
    }

    async fn score(&self, _task: &Task, response: &str) -> rlvr_envs::Result<Outcome> {
        tokio::time::sleep(self.delay).await;
        if fails(response) {
            return Err(EnvError::Infrastructure {
                env: self.id.clone(),
                message: "sandbox down".into(),
            });
        }
        Ok(Outcome::correct())
    }

    fn reference_response(&self, _task: &Task) -> rlvr_envs::Result<String> {
        Ok(String::new())
    }
}

fn fails(response: &str) -> bool {
    response.bytes().map(u32::from).sum::<u32>() % 2 == 1
}

fn setup(
    delay: Duration,
) -> (
    MiniMaxForCausalLM,
    tch::nn::VarStore,
    Vec<Arc<dyn Environment>>,
    ChatFormat,
) {
    // libtorch's generator is global and the tests run on parallel threads: seeding and
    // initialising under one lock keeps each test's weights the same from run to run.
    static INIT: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let guard = INIT.lock().unwrap_or_else(|e| e.into_inner());
    tch::set_num_threads(1);
    tch::manual_seed(0);
    let mut cfg = MiniMaxConfig::preset("tiny").unwrap();
    cfg.vocab_size = 256;
    let vs = tch::nn::VarStore::new(tch::Device::Cpu);
    let model = MiniMaxForCausalLM::new(&vs.root(), &cfg).unwrap();
    drop(guard);
    let env: Arc<dyn Environment> = Arc::new(FlakyEnv {
        id: EnvId::new("test", "flaky", 1).unwrap(),
        delay,
    });
    let chat = ChatFormat {
        tokenizer: Tokenizer::Bytes,
        bos: Some(1),
        eos: 2,
    };
    (model, vs, vec![env], chat)
}

fn params(max_new_tokens: usize) -> SamplingParams {
    SamplingParams {
        seed: 11,
        max_new_tokens,
        stop_tokens: vec![2],
        ..SamplingParams::default()
    }
}

#[test]
fn infrastructure_failures_are_masked_not_rewarded() {
    let (model, _vs, envs, chat) = setup(Duration::ZERO);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let tasks: Vec<_> = (0..3).map(|i| (0, envs[0].task(0, i).unwrap())).collect();
    let groups = generate_and_score(
        runtime.handle(),
        &model,
        &envs,
        &chat,
        &tasks,
        4,
        2,
        &params(9),
    )
    .unwrap();
    assert_eq!(groups.len(), 3);
    let (mut masked, mut scored) = (0, 0);
    for s in groups.iter().flatten() {
        let text = chat.decode_response(&s.completion.tokens).unwrap();
        if fails(&text) {
            assert_eq!(s.reward, None, "{text:?} failed to score but got a reward");
            masked += 1;
        } else {
            assert_eq!(s.reward, Some(1.0));
            scored += 1;
        }
        assert_eq!(s.completion.tokens.len(), s.completion.logprobs.len());
    }
    assert!(
        masked > 0 && scored > 0,
        "masked {masked}, scored {scored}: pick another seed"
    );
}

#[test]
fn scoring_runs_concurrently() {
    let delay = Duration::from_millis(300);
    let (model, _vs, envs, chat) = setup(delay);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let tasks: Vec<_> = (0..4).map(|i| (0, envs[0].task(0, i).unwrap())).collect();
    let start = Instant::now();
    let groups = generate_and_score(
        runtime.handle(),
        &model,
        &envs,
        &chat,
        &tasks,
        4,
        2,
        &params(4),
    )
    .unwrap();
    let elapsed = start.elapsed();
    assert_eq!(groups.iter().flatten().count(), 16);
    // One after another, 16 scorings would take 4.8 s.
    assert!(elapsed < delay * 8, "{elapsed:?}");
}
