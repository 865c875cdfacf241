//! `rlvr model`: score a checkpoint, count FLOPs, create a random checkpoint, generate, benchmark.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Subcommand, ValueEnum};
use rlvr_trainer::generate::{generate, DecodeMode, EarlyTruncation, SamplingParams};
use rlvr_trainer::model::checkpoint::{self, ExpertLayout};
use rlvr_trainer::model::flops::{self, Context as FlopsContext};
use rlvr_trainer::model::tokenizer::Tokenizer;
use rlvr_trainer::model::{bench, profile, MiniMaxConfig};
use serde::Deserialize;
use tch::{Device, Kind, Tensor};

#[derive(clap::Args)]
pub struct ModelArgs {
    #[command(subcommand)]
    command: ModelCommand,
}

#[derive(Subcommand)]
enum ModelCommand {
    /// Logits of a checkpoint for {"input_ids": [[...], ...]}: prints {"logits": [[T x vocab], ...]} (fp32).
    Score(ScoreArgs),
    /// FLOPs of generating N tokens: MiniMax-M1 vs all-softmax vs DeepSeek-R1.
    Flops(FlopsArgs),
    /// Write a randomly initialised checkpoint (config.json + model.safetensors).
    Init(InitArgs),
    /// Generate continuations of text prompts with a checkpoint.
    Generate(GenerateArgs),
    /// Throughput: prefill/decode scaling, training steps, batched generation.
    Bench(BenchArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum DeviceArg {
    Cpu,
    Cuda,
}

#[derive(Clone, Copy, ValueEnum)]
enum DtypeArg {
    F32,
    Bf16,
}

fn device_of(arg: DeviceArg) -> anyhow::Result<Device> {
    match arg {
        DeviceArg::Cpu => Ok(Device::Cpu),
        DeviceArg::Cuda if tch::Cuda::is_available() => Ok(Device::Cuda(0)),
        DeviceArg::Cuda => bail!(
            "--device cuda: no CUDA device is available (libtorch_cuda.so not loadable or no GPU)"
        ),
    }
}

fn kind_of(arg: DtypeArg) -> Kind {
    match arg {
        DtypeArg::F32 => Kind::Float,
        DtypeArg::Bf16 => Kind::BFloat16,
    }
}

/// A preset name or a path to a config.json.
fn config_of(spec: &str) -> anyhow::Result<MiniMaxConfig> {
    if MiniMaxConfig::PRESETS.contains(&spec) {
        return Ok(MiniMaxConfig::preset(spec)?);
    }
    let path = Path::new(spec);
    let path = if path.is_dir() {
        path.join("config.json")
    } else {
        path.to_path_buf()
    };
    if !path.exists() {
        bail!(
            "--config {spec}: neither a preset ({}) nor an existing config file",
            MiniMaxConfig::PRESETS.join(", ")
        );
    }
    Ok(MiniMaxConfig::from_json_file(&path)?)
}

pub fn run(args: ModelArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        ModelCommand::Score(a) => score(a),
        ModelCommand::Flops(a) => flops_cmd(a),
        ModelCommand::Init(a) => init(a),
        ModelCommand::Generate(a) => generate_cmd(a),
        ModelCommand::Bench(a) => bench_cmd(a),
    }
}

#[derive(clap::Args)]
struct ScoreArgs {
    /// Checkpoint directory (config.json + *.safetensors).
    #[arg(long)]
    checkpoint: PathBuf,
    /// JSON file {"input_ids": [[...], ...]}.
    #[arg(long)]
    input: PathBuf,
    #[arg(long, value_enum, default_value = "cpu")]
    device: DeviceArg,
    #[arg(long, value_enum, default_value = "f32")]
    dtype: DtypeArg,
    /// Rotate the full head dim in softmax layers whatever rotary_dim says (transformers' behaviour).
    #[arg(long)]
    hf_full_rope: bool,
    /// Write the JSON here (through a temporary file) instead of stdout.
    #[arg(long)]
    output: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScoreInput {
    input_ids: Vec<Vec<i64>>,
}

fn score(args: ScoreArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.input)
        .with_context(|| format!("reading {}", args.input.display()))?;
    let input: ScoreInput = serde_json::from_str(&text).with_context(|| {
        format!(
            "{}: expected {{\"input_ids\": [[int, ...], ...]}}",
            args.input.display()
        )
    })?;
    let device = device_of(args.device)?;
    let mut config = MiniMaxConfig::from_json_file(&args.checkpoint.join("config.json"))?;
    config.hf_full_rope = args.hf_full_rope;
    for (i, seq) in input.input_ids.iter().enumerate() {
        if seq.is_empty() {
            bail!("{}: input_ids[{i}] is empty", args.input.display());
        }
        if let Some((j, t)) = seq
            .iter()
            .enumerate()
            .find(|(_, &t)| t < 0 || t >= config.vocab_size)
        {
            bail!(
                "{}: input_ids[{i}][{j}] = {t} is outside the vocabulary 0..{}",
                args.input.display(),
                config.vocab_size
            );
        }
    }
    let loaded =
        checkpoint::load_with_config(&args.checkpoint, config, device, kind_of(args.dtype))
            .with_context(|| format!("loading {}", args.checkpoint.display()))?;
    let longest = input.input_ids.iter().map(Vec::len).max().unwrap_or(0);
    let mut logits_json = Vec::with_capacity(input.input_ids.len());
    if longest > 0 {
        // Right padding is invisible to causal layers, so one padded batch scores every sequence.
        let b = input.input_ids.len();
        let mut ids = vec![0i64; b * longest];
        for (i, seq) in input.input_ids.iter().enumerate() {
            ids[i * longest..i * longest + seq.len()].copy_from_slice(seq);
        }
        let ids = Tensor::from_slice(&ids)
            .view([b as i64, longest as i64])
            .to_device(device);
        let logits = tch::no_grad(|| loaded.model.forward(&ids)).to_device(Device::Cpu);
        for (i, seq) in input.input_ids.iter().enumerate() {
            let rows = logits.get(i as i64).narrow(0, 0, seq.len() as i64);
            let rows: Vec<Vec<f32>> = Vec::<Vec<f32>>::try_from(rows)?;
            logits_json.push(rows);
        }
    }
    let out = serde_json::json!({ "logits": logits_json });
    write_json(&out, args.output.as_deref())?;
    Ok(ExitCode::SUCCESS)
}

fn write_json(value: &serde_json::Value, output: Option<&Path>) -> anyhow::Result<()> {
    let text = serde_json::to_string(value)?;
    match output {
        None => {
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "{text}")?;
        }
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let mut tmp = tempfile::NamedTempFile::new_in(dir)
                .with_context(|| format!("creating a file in {}", dir.display()))?;
            tmp.write_all(text.as_bytes())?;
            tmp.persist(path)
                .with_context(|| format!("writing {}", path.display()))?;
        }
    }
    Ok(())
}

#[derive(clap::Args)]
struct FlopsArgs {
    /// A preset (m1, small, bench, tiny) or a config.json.
    #[arg(long, default_value = "m1")]
    config: String,
    /// Generated tokens (prompt excluded).
    #[arg(long)]
    gen_len: u64,
    /// Charge each token its own causal context instead of the full length (see `model::flops`).
    #[arg(long)]
    causal: bool,
    #[arg(long)]
    json: bool,
}

fn flops_cmd(args: FlopsArgs) -> anyhow::Result<ExitCode> {
    if args.gen_len == 0 {
        bail!("--gen-len must be at least 1");
    }
    let cfg = config_of(&args.config)?;
    let context = if args.causal {
        FlopsContext::Causal
    } else {
        FlopsContext::FullLength
    };
    let report = flops::report(&cfg, args.gen_len, context);
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!("generating {} tokens:", report.gen_len);
        println!("  {:<16} {:.3e} FLOPs", args.config, report.m1);
        println!(
            "  {:<16} {:.3e} FLOPs",
            "all-softmax", report.m1_all_softmax
        );
        println!("  {:<16} {:.3e} FLOPs", "DeepSeek-R1", report.deepseek_r1);
        println!(
            "  ratio vs R1 {:.3}, vs all-softmax {:.3}",
            report.ratio_m1_over_r1, report.ratio_m1_over_all_softmax
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
struct InitArgs {
    /// A preset or a config.json.
    #[arg(long)]
    config: String,
    #[arg(long)]
    out: PathBuf,
    #[arg(long, default_value_t = 0)]
    seed: i64,
    /// Save experts packed (transformers 5.x in-memory names) instead of one tensor per expert.
    #[arg(long)]
    packed: bool,
}

fn init(args: InitArgs) -> anyhow::Result<ExitCode> {
    let cfg = config_of(&args.config)?;
    let (_vs, model) = bench::random_model(&cfg, Device::Cpu, Kind::Float, args.seed)?;
    let layout = if args.packed {
        ExpertLayout::Packed
    } else {
        ExpertLayout::PerExpert
    };
    checkpoint::save(&model, &args.out, layout)
        .with_context(|| format!("saving to {}", args.out.display()))?;
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
struct GenerateArgs {
    #[arg(long)]
    checkpoint: PathBuf,
    /// Prompt text (repeat for a batch).
    #[arg(long, required = true)]
    prompt: Vec<String>,
    #[arg(long, default_value_t = 64)]
    max_new_tokens: usize,
    #[arg(long, default_value_t = 1.0)]
    temperature: f64,
    #[arg(long, default_value_t = 1.0)]
    top_p: f64,
    #[arg(long, default_value_t = 0)]
    top_k: i64,
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Early truncation after N consecutive tokens each with probability above --truncate-prob.
    #[arg(long)]
    truncate_run: Option<usize>,
    #[arg(long, default_value_t = 0.99)]
    truncate_prob: f64,
    #[arg(long, value_enum, default_value = "cpu")]
    device: DeviceArg,
    #[arg(long, value_enum, default_value = "f32")]
    dtype: DtypeArg,
    #[arg(long)]
    json: bool,
}

fn generate_cmd(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    let device = device_of(args.device)?;
    let loaded = checkpoint::load(&args.checkpoint, device, kind_of(args.dtype))
        .with_context(|| format!("loading {}", args.checkpoint.display()))?;
    let tokenizer = Tokenizer::for_checkpoint(&args.checkpoint)?;
    let prompts = args
        .prompt
        .iter()
        .map(|p| tokenizer.encode(p))
        .collect::<Result<Vec<_>, _>>()?;
    let params = SamplingParams {
        temperature: args.temperature,
        top_p: args.top_p,
        top_k: args.top_k,
        seed: args.seed,
        max_new_tokens: args.max_new_tokens,
        stop_tokens: loaded.config.eos_token_id.clone(),
        early_truncation: args.truncate_run.map(|run_length| EarlyTruncation {
            run_length,
            min_prob: args.truncate_prob,
        }),
        pad_token: 0,
        decode: DecodeMode::Auto,
    };
    let completions = generate(&loaded.model, &prompts, &params)?;
    let mut rows = Vec::new();
    for c in &completions {
        let text = tokenizer.decode(&c.tokens).unwrap_or_default();
        if args.json {
            rows.push(serde_json::json!({"text": text, "tokens": c.tokens, "logprobs": c.logprobs, "finish": c.finish}));
        } else {
            println!("{text}");
        }
    }
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&serde_json::json!({ "completions": rows }))?
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Clone, Copy, ValueEnum)]
enum BenchKind {
    /// Prefill and per-token decode as the context grows, for the config and its all-softmax twin.
    Scaling,
    /// Training steps: forward, backward, AdamW.
    Train,
    /// Batched greedy generation with caches.
    Generate,
    /// Where a decode step and a training step spend their time, part by part.
    Profile,
}

#[derive(Clone, Copy, ValueEnum)]
enum HeadArg {
    Fp32,
    /// The weights' kind (bf16 with `--dtype bf16`).
    Model,
}

#[derive(clap::Args)]
struct BenchArgs {
    #[arg(long, value_enum)]
    what: BenchKind,
    #[arg(long, default_value = "small")]
    config: String,
    #[arg(long, value_enum, default_value = "cuda")]
    device: DeviceArg,
    #[arg(long, value_enum, default_value = "bf16")]
    dtype: DtypeArg,
    /// Context lengths for `scaling`.
    #[arg(long, value_delimiter = ',', default_value = "1024,4096,16384")]
    lengths: Vec<i64>,
    #[arg(long, default_value_t = 32)]
    decode_steps: i64,
    #[arg(long, default_value_t = 8)]
    batch: i64,
    #[arg(long, default_value_t = 2048)]
    seq_len: i64,
    #[arg(long, default_value_t = 5)]
    steps: usize,
    #[arg(long, default_value_t = 128)]
    prompt_len: usize,
    #[arg(long, default_value_t = 256)]
    new_tokens: usize,
    /// The LM head's precision for `train`: fp32 (the trainer's default) or the weights' kind (as
    /// transformers trains).
    #[arg(long, value_enum, default_value = "fp32")]
    lm_head: HeadArg,
    /// Sequences decoded at once for `profile` (its training part uses `--batch`).
    #[arg(long, default_value_t = 32)]
    decode_batch: i64,
    /// Timed calls per part for `profile`.
    #[arg(long, default_value_t = 20)]
    reps: usize,
    /// Decode modes for `generate`, run one after another on the same model and prompts; each
    /// line reports the share of tokens equal to the first mode's.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "auto")]
    decode: Vec<DecodeArg>,
}

#[derive(Clone, Copy, ValueEnum)]
enum DecodeArg {
    /// CUDA graphs where they apply, else eager.
    Auto,
    Eager,
    /// The graph's fixed-shape step, op by op.
    Static,
    Graph,
}

impl From<DecodeArg> for DecodeMode {
    fn from(arg: DecodeArg) -> Self {
        match arg {
            DecodeArg::Auto => DecodeMode::Auto,
            DecodeArg::Eager => DecodeMode::Eager,
            DecodeArg::Static => DecodeMode::Static,
            DecodeArg::Graph => DecodeMode::Graph,
        }
    }
}

/// The share of positions where two runs generated the same token.
fn same_share(a: &[Vec<i64>], b: &[Vec<i64>]) -> f64 {
    let (mut same, mut total) = (0usize, 0usize);
    for (x, y) in a.iter().zip(b) {
        total += x.len().max(y.len());
        same += x.iter().zip(y).filter(|(p, q)| p == q).count();
    }
    same as f64 / total.max(1) as f64
}

fn bench_cmd(args: BenchArgs) -> anyhow::Result<ExitCode> {
    let device = device_of(args.device)?;
    let kind = kind_of(args.dtype);
    let cfg = config_of(&args.config)?;
    match args.what {
        BenchKind::Scaling => {
            for (label, c) in [("hybrid", cfg.clone()), ("all_softmax", cfg.all_softmax())] {
                let (_vs, model) = bench::random_model(&c, device, kind, 0)?;
                for &len in &args.lengths {
                    let p = bench::prefill_decode(&model, len, args.decode_steps);
                    println!(
                        "{}",
                        serde_json::json!({"bench": "scaling", "config": args.config, "variant": label, "point": p})
                    );
                }
            }
        }
        BenchKind::Train => {
            let (vs, model) = bench::random_model(&cfg, device, kind, 0)?;
            let fp32_head = matches!(args.lm_head, HeadArg::Fp32);
            let r =
                bench::train_steps(&vs, &model, args.batch, args.seq_len, args.steps, fp32_head)?;
            println!(
                "{}",
                serde_json::json!({"bench": "train", "config": args.config, "report": r})
            );
        }
        BenchKind::Profile => {
            let (_vs, model) = bench::random_model(&cfg, device, kind, 0)?;
            let decode =
                profile::decode(&model, args.decode_batch, args.prompt_len as i64, args.reps);
            let train = profile::train(&model, args.batch, args.seq_len, args.reps);
            let moe = profile::moe_paths(&model, args.batch * args.seq_len, args.reps);
            println!(
                "{}",
                serde_json::json!({"bench": "profile", "config": args.config, "decode_batch": args.decode_batch,
                    "decode": decode, "train_seq_len": args.seq_len, "train": train, "moe": moe})
            );
        }
        BenchKind::Generate => {
            let (_vs, model) = bench::random_model(&cfg, device, kind, 0)?;
            let mut first: Option<Vec<Vec<i64>>> = None;
            for &mode in &args.decode {
                let r = bench::generation(
                    &model,
                    args.batch as usize,
                    args.prompt_len,
                    args.new_tokens,
                    mode.into(),
                )?;
                let reference = first.get_or_insert_with(|| r.tokens.clone());
                println!(
                    "{}",
                    serde_json::json!({"bench": "generate", "config": args.config, "report": r,
                        "same_tokens_as_first": same_share(reference, &r.tokens)})
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
