//! `descent animate`: a landscape experiment as an animated GIF for slides,
//! each frame drawn by the same code as `descent plot` with the paths up to
//! that frame's step.

use std::path::PathBuf;

use clap::Args;
use descent::experiment::landscape::run::run_spec;
use descent::experiment::landscape::spec::Spec;
use descent::render::animation::{frame_steps, step_range, MAX_FRAMES, MAX_SIDE, MIN_SIDE};
use descent::render::figure::draw_outcome_at;
use plotters::prelude::*;

/// Options of `descent animate`.
#[derive(Args)]
pub struct AnimateArgs {
    /// The landscape spec file, or - for standard input.
    pub spec: String,
    /// The output file (.gif).
    #[arg(long)]
    pub out: PathBuf,
    /// Frames, evenly spaced over the step range.
    #[arg(long, default_value_t = 60)]
    pub frames: usize,
    /// Milliseconds each frame is shown (the animation's speed).
    #[arg(long, default_value_t = 80)]
    pub delay: u32,
    /// The first step shown.
    #[arg(long, default_value_t = 0)]
    pub from: usize,
    /// The last step shown (the spec's last step when absent).
    #[arg(long)]
    pub to: Option<usize>,
    /// Width in pixels.
    #[arg(long, default_value_t = 900)]
    pub width: u32,
    /// Height in pixels.
    #[arg(long, default_value_t = 600)]
    pub height: u32,
}

/// Runs the spec in `text` and writes its animation as `args` asks.
pub fn animate(text: &str, args: &AnimateArgs) -> Result<(), String> {
    if args.out.extension().and_then(|e| e.to_str()) != Some("gif") {
        return Err(format!(
            "'{}': the output must end in .gif",
            args.out.display()
        ));
    }
    if !(1..=MAX_FRAMES).contains(&args.frames) {
        return Err(format!("--frames {}: from 1 to {MAX_FRAMES}", args.frames));
    }
    for (name, side) in [("--width", args.width), ("--height", args.height)] {
        if !(MIN_SIDE..=MAX_SIDE).contains(&side) {
            return Err(format!(
                "{name} {side}: from {MIN_SIDE} to {MAX_SIDE} pixels"
            ));
        }
    }
    let spec = Spec::from_json(text).map_err(|e| e.to_string())?;
    let outcome = run_spec(&spec).map_err(|e| e.to_string())?;
    let last = outcome
        .runs
        .iter()
        .map(|r| r.history.steps())
        .max()
        .unwrap_or(0);
    let (from, to) = step_range(args.from, Some(args.to.unwrap_or(last).min(last)), last)
        .map_err(|e| format!("--from/--to: {e}"))?;
    super::register_font();
    let failed = |e: String| format!("cannot draw '{}': {e}", args.out.display());
    let root = BitMapBackend::gif(&args.out, (args.width, args.height), args.delay)
        .map_err(|e| failed(e.to_string()))?
        .into_drawing_area();
    let scale = f64::from(args.width) / 1200.0;
    for step in frame_steps(from, to, args.frames) {
        draw_outcome_at(&root, &outcome, scale, step).map_err(|e| failed(e.to_string()))?;
        root.present().map_err(|e| failed(e.to_string()))?;
    }
    Ok(())
}
