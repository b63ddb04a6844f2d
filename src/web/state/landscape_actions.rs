//! Everything a user can do to the landscape mode, as data.

use serde_json::Value as Json;

use super::view::{Compare, Overlay, SweepChoice};
use crate::render::curves::Quantity;

/// A number the user can set: which control it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Field {
    /// A problem parameter.
    Problem(String),
    /// A noise parameter.
    Noise(String),
    /// Run `i`'s optimizer hyperparameter.
    Optimizer(usize, String),
    /// Run `i`'s schedule parameter.
    Schedule(usize, String),
    /// Run `i`'s averaging parameter.
    Averaging(usize, String),
    /// The mini-batch size.
    BatchSize,
    /// Steps per run.
    Steps,
    /// The seed.
    Seed,
}

/// Everything a user can do to the landscape mode.
#[derive(Clone, Debug, PartialEq)]
pub enum LandscapeAction {
    /// Load the lecture scene with this index (keys 1–9).
    LoadScene(usize),
    /// Load a scene a lecture writes in place, under this name.
    LoadOwnScene(String, Box<crate::scene::Scene>),
    /// Switch the problem (its parameters and the runs' rates reset to suit it).
    SetProblem(String),
    /// Switch the noise kind.
    SetNoise(String),
    /// Set a field to a value from a slider, checkbox or menu.
    Set(Field, Json),
    /// Commit the text typed into a field's number box.
    Enter(Field, String),
    /// Switch run `i`'s optimizer (its settings reset to the pair's defaults).
    SetOptimizer(usize, String),
    /// Switch run `i`'s schedule kind.
    SetSchedule(usize, String),
    /// Switch run `i`'s averaging kind.
    SetAveraging(usize, String),
    /// Rename run `i` ("" restores the optimizer's name).
    Rename(usize, String),
    /// Recolour run `i` (`#rrggbb`).
    Recolor(usize, String),
    /// Show or hide run `i`.
    Show(usize, bool),
    /// Add a run.
    AddRun,
    /// Duplicate run `i`.
    Duplicate(usize),
    /// Remove run `i`.
    Remove(usize),
    /// Start every run from this point.
    SetStart([f64; 2]),
    /// Overlaid or side by side.
    SetCompare(Compare),
    /// Switch an overlay on or off.
    SetOverlay(Overlay, bool),
    /// Choose the chart's quantity.
    SetChart(Quantity),
    /// Show a sweep instead of the chart, or the chart again.
    SetSweep(Option<SweepChoice>),
    /// Set run `i`'s hyperparameters to a setting picked on its sweep.
    ApplySetting(usize, Vec<(String, f64)>),
    /// Set each run's learning rate to the best of its sweep: (run, rate).
    Tuned(Vec<(usize, f64)>),
    /// Show the landscape as a 3D surface, or as contours.
    SetSurface(bool),
    /// Turn the 3D camera by (azimuth, elevation) degrees.
    Rotate(f64, f64),
    /// Let the 3D surface turn by itself, or stop it.
    SetSpin(bool),
    /// Widen the view to hold every path, or not.
    SetFit(bool),
    /// Set the playback speed.
    SetSpeed(f64),
    /// Play or pause.
    TogglePlay,
    /// Move by this many steps (pauses).
    StepBy(isize),
    /// Go to this step (pauses).
    Seek(usize),
    /// Back to step 0 (pauses).
    Rewind,
    /// One animation tick while playing.
    Tick,
}
