//! `descent`: run experiments, list what exists, draw figures for slides.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use descent::data::PeaksData;
use descent::experiment::classifier::device::DeviceChoice;
use descent::experiment::classifier::inside::{slice_view, SliceRequest, SliceView};
use descent::experiment::classifier::{train, ClassifierSpec, Training, TrainingHistory};
use descent::experiment::landscape::run::{run_spec, Outcome};
use descent::experiment::landscape::spec::Spec;
use descent::nn::slice::Directions;
use descent::render::classifier::draw_training;
use descent::render::figure::draw_outcome;
use descent::render::inside::{draw_slice, draw_spectrum};
use descent::scene::network::NetworkScene;
use plotters::prelude::*;

mod animate;
mod instruments;
mod listing;

use listing::{listing, markdown};

/// Descent: optimization algorithms for machine learning, from the command line.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs an experiment spec and prints every run's history.
    Run {
        /// The spec file, or - for standard input.
        spec: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
    },
    /// Trains the peaks classifier as a classifier spec says and prints its history.
    Train {
        /// The classifier spec file, or - for standard input.
        spec: String,
        /// Train on the GPU through wgpu (as does `"device": "gpu"` in the
        /// spec; the optimizers whose registry entry has a GPU rule, one
        /// hidden layer, f32). Without a GPU, Mesa's lavapipe runs the same kernels.
        #[arg(long)]
        gpu: bool,
    },
    /// Lists every problem, optimizer and schedule with its parameters.
    List,
    /// Prints the optimizer reference (docs/optimizers.md) as Markdown.
    Docs,
    /// Basins of attraction: one run started from every cell of a grid over
    /// the window, each coloured by the known minimum it ends at (PNG, SVG, JSON).
    Basins(instruments::BasinsArgs),
    /// Grid or random search over one or two of a run's hyperparameters:
    /// the final loss of each setting and the best one (PNG, SVG, JSON).
    Sweep(instruments::SweepArgs),
    /// A fair race: every run's learning rate set to the best of one log grid
    /// over the spec's budget; prints the tuned spec (and, on standard
    /// error, what changed).
    Tune(instruments::TuneArgs),
    /// A landscape experiment as an animated GIF for slides: its paths
    /// drawn step by step, each frame as `descent plot` draws it.
    Animate(animate::AnimateArgs),
    /// Draws the landscape and every run's path to an SVG or PNG file.
    Plot {
        /// The spec file, or - for standard input.
        spec: String,
        /// The output file; its extension (.svg or .png) picks the format.
        #[arg(long)]
        out: PathBuf,
        /// Width in pixels.
        #[arg(long, default_value_t = 1200)]
        width: u32,
        /// Height in pixels.
        #[arg(long, default_value_t = 800)]
        height: u32,
        /// For classifier specs and scenes: the decision regions and curves,
        /// the loss slice with every run's path, or the top of the curvature
        /// spectrum over training. With `--out view.json`, the view's data.
        #[arg(long, value_enum, default_value_t = View::Regions)]
        view: View,
        /// The slice's directions: filter-normalised, gauss-newton, hessian
        /// or initial-to-reference.
        #[arg(long, default_value = "filter-normalised")]
        directions: String,
        /// Half the slice's side, in units of its directions.
        #[arg(long, default_value_t = 1.0)]
        extent: f64,
        /// The run (panel, from 1) whose final parameters centre the slice.
        #[arg(long, default_value_t = 1)]
        reference: usize,
    },
}

/// What `descent plot` draws for a classifier.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum View {
    /// Decision regions, points, loss and accuracy curves.
    Regions,
    /// The loss on a plane through a run's final parameters, with every run's path.
    Slice,
    /// The largest Hessian and Gauss–Newton eigenvalues over training.
    Spectrum,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Csv,
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Run { spec, format } => {
            load(&spec).and_then(|outcome| print_outcome(&outcome, format))
        }
        Command::List => emit(&listing()),
        Command::Train { spec, gpu } => {
            read_text(&spec).and_then(|text| train_and_print(&text, gpu))
        }
        Command::Docs => emit(&markdown()),
        Command::Basins(args) => instruments::basins(&args),
        Command::Sweep(args) => instruments::sweep_command(&args),
        Command::Tune(args) => instruments::tune_command(&args),
        Command::Animate(args) => {
            read_text(&args.spec).and_then(|text| animate::animate(&text, &args))
        }
        Command::Plot {
            spec,
            out,
            width,
            height,
            view,
            directions,
            extent,
            reference,
        } => read_text(&spec)
            .and_then(|text| {
                let request = slice_request(&directions, extent, reference)?;
                figure(&text, view, &request)
            })
            .and_then(|figure| plot(&figure, &out, (width, height))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// Writes `text` to standard output; a reader that has gone away (`descent
/// run spec.json | head`) ends the program quietly, as for any Unix filter.
fn emit(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write to standard output: {e}")),
    }
}

fn read_text(path: &str) -> Result<String, String> {
    if path == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read the spec from standard input: {e}"))?;
        Ok(text)
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read spec file '{path}': {e}"))
    }
}

fn explain(e: &descent::error::SpecError) -> String {
    let lines: Vec<String> = e.errors.iter().map(|f| format!("  {f}")).collect();
    format!(
        "the spec has {} problem(s):\n{}",
        e.errors.len(),
        lines.join("\n")
    )
}

fn load(path: &str) -> Result<Outcome, String> {
    let spec = Spec::from_json(&read_text(path)?).map_err(|e| explain(&e))?;
    run_spec(&spec).map_err(|e| e.to_string())
}

fn train_and_print(text: &str, on_gpu: bool) -> Result<(), String> {
    let spec = ClassifierSpec::from_json(text).map_err(|e| explain(&e))?;
    let started = std::time::Instant::now();
    let clock = move || started.elapsed().as_secs_f64() * 1e3;
    let training = if on_gpu || spec.device == DeviceChoice::Gpu {
        let gpu = descent::gpu::Gpu::blocking().map_err(|e| e.to_string())?;
        eprintln!("training on {}", gpu.describe());
        descent::gpu::train(&gpu, &spec, &clock).map_err(|e| e.to_string())?
    } else {
        train(&spec, &clock).map_err(|e| explain(&e))?
    };
    let text = serde_json::to_string(&training).map_err(|e| format!("cannot write JSON: {e}"))?;
    emit(&format!("{text}\n"))
}

fn print_outcome(outcome: &Outcome, format: Format) -> Result<(), String> {
    match format {
        Format::Json => {
            let text =
                serde_json::to_string(outcome).map_err(|e| format!("cannot write JSON: {e}"))?;
            emit(&format!("{text}\n"))
        }
        Format::Csv => emit(
            &outcome
                .to_csv()
                .map_err(|e| format!("cannot write CSV: {e}"))?,
        ),
    }
}

/// What `descent plot` draws: an experiment's landscape and paths, a
/// trained classifier's regions and curves, or a view inside the network.
enum Figure {
    Landscape(Outcome),
    Classifier(Box<(Training, PeaksData)>),
    Slice(Box<SliceView>),
    Spectrum(Box<(TrainingHistory, Option<f64>)>),
}

fn slice_request(directions: &str, extent: f64, reference: usize) -> Result<SliceRequest, String> {
    let directions = Directions::named(directions).ok_or_else(|| {
        let names: Vec<&str> = Directions::ALL.iter().map(|(n, _)| *n).collect();
        format!(
            "--directions: '{directions}' is not one of {}",
            names.join(", ")
        )
    })?;
    if !(extent.is_finite() && extent > 0.0 && extent <= 100.0) {
        return Err(format!("--extent: must be in (0, 100], got {extent}"));
    }
    let reference = reference
        .checked_sub(1)
        .ok_or("--reference: runs are numbered from 1")?;
    Ok(SliceRequest {
        directions,
        extent,
        reference,
        ..SliceRequest::default()
    })
}

/// The classifier specs of a spec file: one spec, or a scene's panels.
fn classifier_specs(value: &serde_json::Value) -> Result<Vec<ClassifierSpec>, String> {
    if value.get("panels").is_some() {
        let scene = NetworkScene::from_json(&value.to_string()).map_err(|e| explain(&e))?;
        scene
            .panels
            .iter()
            .map(|panel| panel.parsed().map_err(|e| explain(&e)))
            .collect()
    } else {
        Ok(vec![
            ClassifierSpec::from_value(value).map_err(|e| explain(&e))?
        ])
    }
}

fn figure(text: &str, view: View, request: &SliceRequest) -> Result<Figure, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("the spec is not valid JSON: {e}"))?;
    let classifier = value.get("model").is_some() || value.get("panels").is_some();
    if !classifier {
        if view != View::Regions {
            return Err("--view slice and spectrum are for classifier specs and scenes".into());
        }
        let spec = Spec::from_value(&value).map_err(|e| explain(&e))?;
        return run_spec(&spec)
            .map(Figure::Landscape)
            .map_err(|e| e.to_string());
    }
    let specs = classifier_specs(&value)?;
    match view {
        View::Slice => slice_view(&specs, request).map(|v| Figure::Slice(Box::new(v))),
        View::Spectrum => {
            let mut spec = specs[request.reference.min(specs.len() - 1)].clone();
            if spec.spectrum_every == 0 {
                // About forty spectra over the run, at log entries.
                let entries = spec.iterations.div_ceil(spec.log_every).max(1);
                spec.spectrum_every = spec.log_every * entries.div_ceil(40);
            }
            let training = train(&spec, &|| 0.0).map_err(|e| explain(&e))?;
            let edge = spec.optimizer.stability_edge();
            Ok(Figure::Spectrum(Box::new((training.history, edge))))
        }
        View::Regions => {
            let spec = &specs[request.reference.min(specs.len() - 1)];
            let training = train(spec, &|| 0.0).map_err(|e| explain(&e))?;
            let (seed, points, fraction) = spec.data;
            let data = PeaksData::generate(seed, points, fraction);
            Ok(Figure::Classifier(Box::new((training, data))))
        }
    }
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    figure: &Figure,
    scale: f64,
) -> Result<(), String> {
    let result = match figure {
        Figure::Landscape(outcome) => draw_outcome(root, outcome, scale),
        Figure::Classifier(boxed) => {
            let (training, data) = boxed.as_ref();
            draw_training(
                root,
                Some(&training.grid),
                &data.train,
                &data.test,
                &training.history,
                scale,
                &descent::render::chart::Theme::LIGHT,
            )
        }
        Figure::Slice(view) => draw_slice(root, view, scale),
        Figure::Spectrum(boxed) => draw_spectrum(root, &boxed.0, boxed.1, scale),
    };
    result.map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}

fn plot(figure: &Figure, out: &Path, size: (u32, u32)) -> Result<(), String> {
    let failed = |e: String| format!("cannot draw '{}': {e}", out.display());
    match out.extension().and_then(|e| e.to_str()) {
        Some("svg") => {
            register_font();
            draw(&SVGBackend::new(out, size).into_drawing_area(), figure, 1.0).map_err(failed)
        }
        Some("json") => {
            let data = match figure {
                Figure::Slice(view) => serde_json::to_string(view),
                Figure::Spectrum(boxed) => serde_json::to_string(&boxed.0.spectrum),
                Figure::Classifier(boxed) => serde_json::to_string(&boxed.0),
                Figure::Landscape(_) => {
                    return Err("'descent run' prints a landscape run's data".into())
                }
            };
            let text = data.map_err(|e| e.to_string())?;
            std::fs::write(out, text).map_err(|e| failed(e.to_string()))
        }
        Some("png") => {
            register_font();
            let root = BitMapBackend::new(out, size).into_drawing_area();
            draw(&root, figure, f64::from(size.0) / 1200.0).map_err(failed)
        }
        _ => Err(format!(
            "'{}': the output must end in .svg, .png or .json",
            out.display()
        )),
    }
}

/// PNG text needs glyphs: DejaVu Sans is compiled in.
fn register_font() {
    static FONT: &[u8] = include_bytes!("../../../www/fonts/DejaVuSans.ttf");
    // Registration only fails for an unreadable font, and this one is fixed.
    let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
}
