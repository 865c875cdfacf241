//! `rlvr plot`: PNG curves of one or more training runs' metrics.jsonl (runs overlaid, one colour
//! each, in the order given), with a title, labelled axes and a legend naming each run. The font is
//! embedded (`src/assets/DejaVuSansMono.ttf`), so charts look the same on every machine.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use plotters::prelude::*;
use serde_json::Value;

#[derive(clap::Args)]
pub struct PlotArgs {
    /// Run directories (each with a metrics.jsonl).
    #[arg(required = true)]
    runs: Vec<PathBuf>,
    /// Where the PNGs go (default: RUN_DIR/plots of the first run).
    #[arg(long)]
    out: Option<PathBuf>,
}

/// One chart: which records and field it plots, and how it is titled.
struct Curve {
    /// File name (without `.png`).
    name: &'static str,
    /// The `phase` of the metrics records it reads.
    phase: &'static str,
    field: &'static str,
    title: &'static str,
    /// The x axis: SFT steps for `sft` records, RL steps for `rl` ones, and the run's step count
    /// (SFT steps, then RL steps) for evaluations, which happen in both phases.
    x_label: &'static str,
}

const fn curve(
    name: &'static str,
    phase: &'static str,
    field: &'static str,
    title: &'static str,
) -> Curve {
    let x_label = match phase.as_bytes() {
        b"sft" => "SFT step",
        b"rl" => "RL step",
        _ => "step (SFT, then RL)",
    };
    Curve {
        name,
        phase,
        field,
        title,
        x_label,
    }
}

#[rustfmt::skip]
const CURVES: &[Curve] = &[
    curve("heldout_reward", "eval", "heldout_reward", "held-out reward"),
    curve("reward", "rl", "reward", "rollout reward"),
    curve("accuracy", "rl", "accuracy", "rollout accuracy"),
    curve("response_len", "rl", "response_len", "response length (tokens)"),
    curve("entropy", "rl", "entropy", "token entropy (nats)"),
    curve("clip_fraction", "rl", "clip_fraction", "clipped token fraction"),
    curve("prob_corr", "rl", "prob_corr", "rollout/train probability correlation"),
    curve("rl_loss", "rl", "loss", "RL loss"),
    curve("sft_loss", "sft", "loss", "SFT loss"),
    curve("tokens_per_s", "rl", "tokens_per_s", "throughput (tokens/s)"),
];

/// The family name the embedded font is registered under.
const FONT: &str = "sans-serif";
static FONT_BYTES: &[u8] = include_bytes!("../assets/DejaVuSansMono.ttf");

const COLOURS: [RGBColor; 6] = [BLUE, RED, GREEN, MAGENTA, CYAN, BLACK];
const COLOUR_NAMES: [&str; 6] = ["blue", "red", "green", "magenta", "cyan", "black"];

pub fn run(args: PlotArgs) -> anyhow::Result<ExitCode> {
    let mut runs = Vec::new();
    for dir in &args.runs {
        let path = dir.join(rlvr_trainer::metrics::METRICS_FILE);
        let records = rlvr_trainer::metrics::read(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        runs.push(records);
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| args.runs[0].join("plots"));
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES)
        .map_err(|_| anyhow::anyhow!("the embedded plot font is not a valid TrueType font"))?;
    let names: Vec<String> = args.runs.iter().map(|d| run_name(d)).collect();
    for (i, dir) in args.runs.iter().enumerate() {
        println!("{}: {}", COLOUR_NAMES[i % COLOURS.len()], dir.display());
    }
    let mut written = 0;
    for curve in CURVES {
        let series: Vec<Vec<(f64, f64)>> = runs
            .iter()
            .map(|r| series(r, curve.phase, curve.field))
            .collect();
        if series.iter().all(|s| s.is_empty()) {
            continue;
        }
        let path = out.join(format!("{}.png", curve.name));
        let (lo, hi) = draw(&path, curve, &series, &names)
            .with_context(|| format!("drawing {}", path.display()))?;
        println!("{}: {} from {lo:.4} to {hi:.4}", path.display(), curve.name);
        written += 1;
    }
    if written == 0 {
        bail!("no curves: the metrics files hold no sft, rl or eval records");
    }
    Ok(ExitCode::SUCCESS)
}

fn series(records: &[Value], phase: &str, field: &str) -> Vec<(f64, f64)> {
    records
        .iter()
        .filter(|r| r["phase"] == phase)
        .filter_map(|r| Some((r["step"].as_f64()?, r[field].as_f64()?)))
        .filter(|(_, y)| y.is_finite())
        .collect()
}

/// A run's legend name: its directory's last component.
fn run_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| dir.display().to_string())
}

/// Draws the curves into a temporary PNG beside `path`, then renames it into place. Returns the y range.
fn draw(
    path: &Path,
    curve: &Curve,
    series: &[Vec<(f64, f64)>],
    names: &[String],
) -> anyhow::Result<(f64, f64)> {
    let points = series.iter().flatten();
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in points {
        (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
    }
    if x1 <= x0 {
        x1 = x0 + 1.0;
    }
    let pad = ((y1 - y0) * 0.05).max(1e-6);
    let tmp = path.with_extension("tmp.png");
    {
        let root = BitMapBackend::new(&tmp, (800, 500)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(20)
            .caption(curve.title, (FONT, 22))
            .x_label_area_size(45)
            .y_label_area_size(80)
            .build_cartesian_2d(x0..x1, (y0 - pad)..(y1 + pad))?;
        chart
            .configure_mesh()
            .x_desc(curve.x_label)
            .y_desc(curve.field)
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 16))
            .y_label_formatter(&|y| format!("{y:.3}"))
            .x_label_formatter(&|x| format!("{x:.0}"))
            .disable_x_mesh()
            .bold_line_style(BLACK.mix(0.1))
            .draw()?;
        for (i, s) in series.iter().enumerate() {
            let colour = COLOURS[i % COLOURS.len()];
            chart
                .draw_series(LineSeries::new(s.iter().copied(), colour.stroke_width(2)))?
                .label(names[i].as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
                });
            chart.draw_series(s.iter().map(|&p| Circle::new(p, 3, colour.filled())))?;
        }
        chart
            .configure_series_labels()
            .label_font((FONT, 14))
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK.mix(0.3))
            .draw()?;
        root.present()?;
    }
    std::fs::rename(&tmp, path)
        .with_context(|| format!("renaming {} into place", tmp.display()))?;
    Ok((y0, y1))
}
