//! `descent basins` and `descent sweep`: the landscape instruments as
//! figures for slides (PNG, SVG) or data (JSON).

use std::path::Path;

use clap::Args;
use descent::experiment::landscape::basins::{basin_map, BasinMap};
use descent::experiment::landscape::spec::Spec;
use descent::experiment::landscape::sweep::{sweep, tune, Axis, Search, Sweep};
use descent::render::instruments::{draw_basins, draw_sweep};
use descent::render::number::format_number;
use plotters::prelude::*;

/// Options of `descent basins`.
#[derive(Args)]
pub struct BasinsArgs {
    /// The landscape spec file, or - for standard input.
    pub spec: String,
    /// The output file: .png, .svg or .json.
    #[arg(long)]
    pub out: std::path::PathBuf,
    /// The run (from 1) started from every cell.
    #[arg(long, default_value_t = 1)]
    pub run: usize,
    /// Cells per side.
    #[arg(long, default_value_t = 100)]
    pub size: usize,
    /// The figure's side in pixels.
    #[arg(long, default_value_t = 900)]
    pub pixels: u32,
}

/// Options of `descent sweep`.
#[derive(Args)]
pub struct SweepArgs {
    /// The landscape spec file, or - for standard input.
    pub spec: String,
    /// The output file: .png, .svg or .json.
    #[arg(long)]
    pub out: std::path::PathBuf,
    /// The run (from 1) whose hyperparameters are swept.
    #[arg(long, default_value_t = 1)]
    pub run: usize,
    /// The swept hyperparameter, its range and grid size, as
    /// NAME:FROM:TO[:COUNT][:log] (for example lr:1e-3:1:61:log); give it
    /// twice to sweep two.
    #[arg(long = "param", required = true)]
    pub params: Vec<String>,
    /// Random search with this many settings instead of the grid.
    #[arg(long)]
    pub random: Option<usize>,
    /// The seed of the random search.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// The loss counted as reached (the best setting reaches it in the fewest steps).
    #[arg(long, default_value_t = 1e-6)]
    pub tolerance: f64,
}

/// Options of `descent tune`.
#[derive(Args)]
pub struct TuneArgs {
    /// The landscape spec file, or - for standard input.
    pub spec: String,
    /// The smallest learning rate tried.
    #[arg(long, default_value_t = 1e-4)]
    pub from: f64,
    /// The largest learning rate tried.
    #[arg(long, default_value_t = 1.0)]
    pub to: f64,
    /// Rates tried, log-spaced.
    #[arg(long, default_value_t = 41)]
    pub count: usize,
    /// The loss counted as reached (the best rate reaches it in the fewest steps).
    #[arg(long, default_value_t = 1e-6)]
    pub tolerance: f64,
}

/// `descent tune`: every run's learning rate set to the best of one log grid
/// over the spec's budget; the tuned spec on standard output (ready for
/// `descent run -`), what changed on standard error.
pub fn tune_command(args: &TuneArgs) -> Result<(), String> {
    let text = super::read_text(&args.spec)?;
    let spec = Spec::from_json(&text).map_err(|e| super::explain(&e))?;
    let axis = Axis {
        name: "lr".into(),
        from: args.from,
        to: args.to,
        count: args.count,
        log: true,
    };
    let (tuned, table) = tune(&spec, &axis, args.tolerance).map_err(|e| super::explain(&e))?;
    for row in &table {
        let show = |v: Option<f64>| v.map_or("—".to_string(), format_number);
        eprintln!(
            "run {} ({}): lr {} → {}, {} steps to {}",
            row.run + 1,
            spec.runs[row.run].label,
            show(row.before),
            show(row.after),
            row.steps_to_tolerance
                .map_or("never".to_string(), |s| s.to_string()),
            format_number(args.tolerance)
        );
    }
    super::emit(&format!(
        "{}\n",
        serde_json::to_string_pretty(&tuned.to_value()).map_err(|e| e.to_string())?
    ))
}

/// Reads `NAME:FROM:TO[:COUNT][:log]`.
fn axis(text: &str) -> Result<Axis, String> {
    let parts: Vec<&str> = text.split(':').collect();
    let bad = || {
        format!(
            "--param '{text}': expected NAME:FROM:TO[:COUNT][:log], for example lr:1e-3:1:61:log"
        )
    };
    if parts.len() < 3 || parts.len() > 5 {
        return Err(bad());
    }
    let number = |s: &str| s.parse::<f64>().map_err(|_| bad());
    let log = parts.last() == Some(&"log");
    let count = match parts.get(3) {
        Some(&"log") | None => 21,
        Some(n) => n.parse::<usize>().map_err(|_| bad())?,
    };
    Ok(Axis {
        name: parts[0].to_string(),
        from: number(parts[1])?,
        to: number(parts[2])?,
        count,
        log,
    })
}

fn spec_and_run(text: &str, run: usize) -> Result<(Spec, usize), String> {
    let spec = Spec::from_json(text).map_err(|e| super::explain(&e))?;
    let run = run
        .checked_sub(1)
        .ok_or("--run: runs are numbered from 1")?;
    Ok((spec, run))
}

/// `descent basins`.
pub fn basins(args: &BasinsArgs) -> Result<(), String> {
    let text = super::read_text(&args.spec)?;
    let (spec, run) = spec_and_run(&text, args.run)?;
    let map = basin_map(&spec, run, args.size, None).map_err(|e| super::explain(&e))?;
    let label = spec.runs[run].label.clone();
    write(
        &args.out,
        (args.pixels, args.pixels),
        &Picture::Basins(&map, &label),
    )
}

/// `descent sweep`.
pub fn sweep_command(args: &SweepArgs) -> Result<(), String> {
    let text = super::read_text(&args.spec)?;
    let (spec, run) = spec_and_run(&text, args.run)?;
    let axes = args
        .params
        .iter()
        .map(|p| axis(p))
        .collect::<Result<Vec<_>, _>>()?;
    let search = args.random.map_or(Search::Grid, |count| Search::Random {
        count,
        seed: args.seed,
    });
    let result =
        sweep(&spec, run, &axes, search, args.tolerance).map_err(|e| super::explain(&e))?;
    let label = spec.runs[run].label.clone();
    write(&args.out, (1200, 800), &Picture::Sweep(&result, &label))
}

/// An instrument's result and the run's label.
enum Picture<'a> {
    Basins(&'a BasinMap, &'a str),
    Sweep(&'a Sweep, &'a str),
}

impl Picture<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, plotters::coord::Shift>,
        scale: f64,
    ) -> Result<(), String> {
        match self {
            Picture::Basins(map, label) => draw_basins(root, map, label, scale),
            Picture::Sweep(sweep, label) => draw_sweep(root, sweep, label, scale).map(|_| ()),
        }
        .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())
    }

    fn json(&self) -> serde_json::Result<String> {
        match self {
            Picture::Basins(map, _) => serde_json::to_string(map),
            Picture::Sweep(sweep, _) => serde_json::to_string(sweep),
        }
    }
}

/// Writes the picture's data as JSON, or the picture as PNG or SVG.
fn write(out: &Path, size: (u32, u32), picture: &Picture<'_>) -> Result<(), String> {
    let failed = |e: String| format!("cannot write '{}': {e}", out.display());
    match out.extension().and_then(|e| e.to_str()) {
        Some("json") => {
            let text = picture.json().map_err(|e| failed(e.to_string()))?;
            std::fs::write(out, text).map_err(|e| failed(e.to_string()))
        }
        Some("png") => {
            super::register_font();
            let root = BitMapBackend::new(out, size).into_drawing_area();
            picture
                .draw(&root, f64::from(size.0) / 1000.0)
                .map_err(failed)
        }
        Some("svg") => {
            super::register_font();
            let root = SVGBackend::new(out, size).into_drawing_area();
            picture.draw(&root, 1.0).map_err(failed)
        }
        _ => Err(format!(
            "'{}': the output must end in .png, .svg or .json",
            out.display()
        )),
    }
}
