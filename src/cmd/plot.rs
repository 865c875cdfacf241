//! `rlvr plot`: PNG curves of one or more training runs' metrics.jsonl (runs overlaid, one colour
//! each, in the order given). Charts carry no text (no font dependency): the file name names the
//! metric, and the command prints each curve's range and the colour of each run.

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

/// (metric file name, record phase, field).
const CURVES: &[(&str, &str, &str)] = &[
    ("heldout_reward", "eval", "heldout_reward"),
    ("reward", "rl", "reward"),
    ("accuracy", "rl", "accuracy"),
    ("response_len", "rl", "response_len"),
    ("entropy", "rl", "entropy"),
    ("clip_fraction", "rl", "clip_fraction"),
    ("prob_corr", "rl", "prob_corr"),
    ("rl_loss", "rl", "loss"),
    ("sft_loss", "sft", "loss"),
    ("tokens_per_s", "rl", "tokens_per_s"),
];

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
    for (i, dir) in args.runs.iter().enumerate() {
        println!("{}: {}", COLOUR_NAMES[i % COLOURS.len()], dir.display());
    }
    let mut written = 0;
    for (name, phase, field) in CURVES {
        let series: Vec<Vec<(f64, f64)>> = runs.iter().map(|r| series(r, phase, field)).collect();
        if series.iter().all(|s| s.is_empty()) {
            continue;
        }
        let path = out.join(format!("{name}.png"));
        let (lo, hi) =
            draw(&path, &series).with_context(|| format!("drawing {}", path.display()))?;
        println!("{}: {name} from {lo:.4} to {hi:.4}", path.display());
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

/// Draws the curves into a temporary PNG beside `path`, then renames it into place. Returns the y range.
fn draw(path: &Path, series: &[Vec<(f64, f64)>]) -> anyhow::Result<(f64, f64)> {
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
            .build_cartesian_2d(x0..x1, (y0 - pad)..(y1 + pad))?;
        chart
            .configure_mesh()
            .x_labels(0)
            .y_labels(0)
            .disable_x_mesh()
            .bold_line_style(BLACK.mix(0.1))
            .draw()?;
        for (i, s) in series.iter().enumerate() {
            let colour = COLOURS[i % COLOURS.len()];
            chart.draw_series(LineSeries::new(s.iter().copied(), colour.stroke_width(2)))?;
            chart.draw_series(s.iter().map(|&p| Circle::new(p, 3, colour.filled())))?;
        }
        root.present()?;
    }
    std::fs::rename(&tmp, path)
        .with_context(|| format!("renaming {} into place", tmp.display()))?;
    Ok((y0, y1))
}
