//! `descent`: run experiments, list what exists, draw figures for slides.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use descent::optim::registry::OPTIMIZERS;
use descent::optim::schedule::SCHEDULES;
use descent::param::{ParamSpec, Value};
use descent::problem::registry::PROBLEMS;
use descent::render::figure::draw_outcome;
use descent::run::{run_spec, Outcome};
use descent::spec::Spec;
use plotters::prelude::*;

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
    /// Lists every problem, optimizer and schedule with its parameters.
    List,
    /// Prints the optimizer reference (docs/optimizers.md) as Markdown.
    Docs,
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
    },
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
        Command::List => {
            print!("{}", listing());
            Ok(())
        }
        Command::Docs => {
            print!("{}", markdown());
            Ok(())
        }
        Command::Plot {
            spec,
            out,
            width,
            height,
        } => load(&spec).and_then(|outcome| plot(&outcome, &out, (width, height))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn load(path: &str) -> Result<Outcome, String> {
    let text = if path == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read the spec from standard input: {e}"))?;
        text
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read spec file '{path}': {e}"))?
    };
    let spec = Spec::from_json(&text).map_err(|e| {
        let lines: Vec<String> = e.errors.iter().map(|f| format!("  {f}")).collect();
        format!(
            "the spec has {} problem(s):\n{}",
            e.errors.len(),
            lines.join("\n")
        )
    })?;
    run_spec(&spec).map_err(|e| e.to_string())
}

fn print_outcome(outcome: &Outcome, format: Format) -> Result<(), String> {
    match format {
        Format::Json => {
            let text =
                serde_json::to_string(outcome).map_err(|e| format!("cannot write JSON: {e}"))?;
            println!("{text}");
            Ok(())
        }
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(std::io::stdout());
            let header = [
                "run",
                "label",
                "optimizer",
                "step",
                "x",
                "y",
                "loss",
                "grad_norm",
                "lr",
                "status",
            ];
            writer.write_record(header).map_err(|e| e.to_string())?;
            for (i, run) in outcome.runs.iter().enumerate() {
                let h = &run.history;
                for (step, point) in h.points.iter().enumerate() {
                    let lr = if step == 0 {
                        String::new()
                    } else {
                        h.lr[step - 1].to_string()
                    };
                    writer
                        .write_record([
                            i.to_string(),
                            run.label.clone(),
                            run.optimizer.to_string(),
                            step.to_string(),
                            point[0].to_string(),
                            point[1].to_string(),
                            h.loss[step].to_string(),
                            h.grad_norm[step].to_string(),
                            lr,
                            format!("{:?}", h.status).to_lowercase(),
                        ])
                        .map_err(|e| e.to_string())?;
                }
            }
            writer.flush().map_err(|e| e.to_string())
        }
    }
}

fn plot(outcome: &Outcome, out: &Path, size: (u32, u32)) -> Result<(), String> {
    let failed = |e: &dyn std::fmt::Display| format!("cannot draw '{}': {e}", out.display());
    match out.extension().and_then(|e| e.to_str()) {
        Some("svg") => {
            let root = SVGBackend::new(out, size).into_drawing_area();
            draw_outcome(&root, outcome, 1.0).map_err(|e| failed(&e))?;
            root.present().map_err(|e| failed(&e))
        }
        Some("png") => {
            register_font();
            let root = BitMapBackend::new(out, size).into_drawing_area();
            draw_outcome(&root, outcome, f64::from(size.0) / 1200.0).map_err(|e| failed(&e))?;
            root.present().map_err(|e| failed(&e))
        }
        _ => Err(format!(
            "'{}': the output must end in .svg or .png",
            out.display()
        )),
    }
}

/// PNG text needs glyphs: DejaVu Sans is compiled in.
fn register_font() {
    static FONT: &[u8] = include_bytes!("../../www/fonts/DejaVuSans.ttf");
    // Registration only fails for an unreadable font, and this one is fixed.
    let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
}

fn describe(params: &[ParamSpec]) -> String {
    params
        .iter()
        .map(|p| {
            let default = match p.default {
                Value::Number(v) => v.to_string(),
                Value::Flag(b) => b.to_string(),
                Value::Choice(c) => c.to_string(),
            };
            format!(
                "    {} ({}) = {default}  {}: {}\n",
                p.name,
                p.symbol,
                p.describe_kind(),
                p.doc
            )
        })
        .collect()
}

fn listing() -> String {
    let mut text = String::from("Problems:\n");
    for p in PROBLEMS {
        text += &format!(
            "  {}: {}  ({})\n{}",
            p.name,
            p.label,
            p.formula,
            describe(p.params)
        );
    }
    text += "\nOptimizers:\n";
    for o in OPTIMIZERS {
        text += &format!(
            "  {}: {} [{}]\n{}",
            o.name,
            o.label,
            o.family.label(),
            describe(o.params)
        );
    }
    text += "\nSchedules (\"schedule\": {\"kind\": …}):\n";
    for s in SCHEDULES {
        text += &format!("  {}: {}\n{}", s.name, s.formula, describe(s.params));
    }
    text
}

fn markdown() -> String {
    let mut text = String::from(
        "# Optimizers\n\nGenerated by `descent docs` from the optimizer registry; do not edit by hand.\n\n",
    );
    for o in OPTIMIZERS {
        text += &format!(
            "## `{}`: {}\n\n*{}*. {}\n\n",
            o.name,
            o.label,
            o.family.label(),
            o.reference
        );
        text += "```text\n";
        text += o.equations;
        text += "\n```\n\n";
        text += o.mapping;
        text += "\n\n";
        if !o.params.is_empty() {
            text += "| parameter | symbol | default | values | meaning |\n|---|---|---|---|---|\n";
            for p in o.params {
                let default = match p.default {
                    Value::Number(v) => v.to_string(),
                    Value::Flag(b) => b.to_string(),
                    Value::Choice(c) => c.to_string(),
                };
                text += &format!(
                    "| `{}` | {} | {default} | {} | {} |\n",
                    p.name,
                    p.symbol,
                    p.describe_kind(),
                    p.doc
                );
            }
            text += "\n";
        }
    }
    text += "# Schedules\n\n| kind | formula | parameters |\n|---|---|---|\n";
    for s in SCHEDULES {
        let params: Vec<String> = s
            .params
            .iter()
            .map(|p| format!("`{}` ({})", p.name, p.symbol))
            .collect();
        text += &format!("| `{}` | {} | {} |\n", s.name, s.formula, params.join(", "));
    }
    text
}
