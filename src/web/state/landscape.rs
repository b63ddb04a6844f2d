//! The landscape mode's state: the experiment (problem, noise, runs, steps,
//! seed), how it is viewed, and how far the animation has got; and every
//! action on it, applied in one place.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value as Json};

use super::entry::parse_entry;
pub use super::landscape_actions::{Field, LandscapeAction};
use super::runs::{entry, supports, RunState, COLORS};
pub use super::view::{Camera, Compare, Overlay, SweepChoice, View, SPEEDS};
use super::Effect;
use crate::experiment::landscape::spec::{noise_kinds, Spec};
use crate::optim::registry::{OptimizerEntry, OPTIMIZERS};
use crate::optim::suggest::suggested_params;
use crate::param::ParamSpec;
use crate::problem::registry::{self as problems, ProblemEntry};
use crate::render::curves::Quantity;
use crate::scene::{landscape_scenes, Scene};

/// The most runs the page compares.
pub const MAX_RUNS: usize = 10;
/// The most steps the page computes, all runs together: the histories take
/// about 80 bytes a step, so this bounds them near 80 MB (the CLI runs up to
/// a million a run).
pub const MAX_PAGE_STEPS: usize = 1_000_000;
/// The most panels side by side.
pub const SIDE_BY_SIDE: usize = 4;
/// The scene the page opens with: zig-zagging gradient descent on the quadratic.
pub const DEFAULT_SPEC: &str = r#"{"problem": {"name": "quadratic"}, "steps": 150, "runs": [{"optimizer": "gd", "lr": 0.15}]}"#;

/// The steps control, as a declared parameter.
pub static STEPS: ParamSpec = ParamSpec::integer(
    "steps",
    "steps",
    150,
    1,
    MAX_PAGE_STEPS as u32,
    "steps per run",
);
/// The seed control, as a declared parameter.
pub static SEED: ParamSpec = ParamSpec::integer(
    "seed",
    "seed",
    0,
    0,
    u32::MAX,
    "seed of the data, mini-batches and noise",
);
/// The mini-batch control, as a declared parameter.
pub static BATCH: ParamSpec = ParamSpec::integer(
    "batch_size",
    "batch",
    10,
    1,
    100_000,
    "mini-batch size (finite-sum problems)",
);

/// The landscape mode's state.
#[derive(Clone, Debug, PartialEq)]
pub struct LandscapeState {
    /// The problem's registry name.
    pub problem: &'static ProblemEntry,
    /// Its parameters as given.
    pub problem_params: BTreeMap<String, Json>,
    /// The noise as written in specs, if any.
    pub noise: Option<Json>,
    /// The mini-batch size on finite-sum problems.
    pub batch_size: Option<u64>,
    /// The start point; the problem's own when absent.
    pub start: Option<[f64; 2]>,
    /// Steps per run.
    pub steps: usize,
    /// The seed of every random stream.
    pub seed: u64,
    /// The runs.
    pub runs: Vec<RunState>,
    /// How it is viewed.
    pub view: View,
    /// The step shown.
    pub step: usize,
    /// The steps computed (the longest run), known after a recomputation.
    pub total: usize,
    /// Revealed steps per tick.
    pub speed: f64,
    /// Whether the animation runs.
    pub playing: bool,
    /// The lecture scene loaded, by file name, while it is on screen.
    pub scene: Option<String>,
    /// Whether the experiment changed since the scene loaded.
    pub edited: bool,
}

impl Default for LandscapeState {
    fn default() -> Self {
        let spec = Spec::from_json(DEFAULT_SPEC).expect("the default spec is valid");
        Self::from_spec(&spec)
    }
}

impl LandscapeState {
    /// The state showing `spec` from step 0, with the default view.
    pub fn from_spec(spec: &Spec) -> Self {
        let written = spec.to_value();
        Self {
            problem: spec.problem.entry,
            problem_params: spec.problem.params.clone(),
            noise: written.get("noise").cloned(),
            batch_size: spec.batch_size.map(|b| b as u64),
            start: spec.start,
            steps: spec.steps,
            seed: spec.seed,
            runs: spec
                .runs
                .iter()
                .enumerate()
                .map(|(i, r)| RunState::from_spec(r, i))
                .collect(),
            view: View::default(),
            step: 0,
            total: 0,
            speed: 1.0,
            playing: false,
            scene: None,
            edited: false,
        }
    }

    /// The experiment spec, as JSON (validated by [`Spec::from_value`]).
    pub fn spec_value(&self) -> Json {
        let mut problem = Map::new();
        problem.insert("name".into(), json!(self.problem.name));
        problem.extend(self.problem_params.clone());
        let mut spec = Map::new();
        spec.insert("problem".into(), Json::Object(problem));
        if let Some(start) = self.start {
            spec.insert("start".into(), json!(start));
        }
        spec.insert("steps".into(), json!(self.steps));
        spec.insert("seed".into(), json!(self.seed));
        if let Some(noise) = &self.noise {
            spec.insert("noise".into(), noise.clone());
        }
        if let (Some(b), true) = (
            self.batch_size,
            self.problem.offers(crate::problem::View::FiniteSum),
        ) {
            spec.insert("batch_size".into(), json!(b));
        }
        let runs: Vec<Json> = self.runs.iter().map(RunState::to_spec).collect();
        spec.insert("runs".into(), Json::Array(runs));
        Json::Object(spec)
    }

    /// Applies `action`, saying what must follow; a refused value leaves the
    /// state as it was and sets `notice`.
    pub fn apply(&mut self, action: LandscapeAction, notice: &mut Option<String>) -> Effect {
        use LandscapeAction as A;
        let effect = match action {
            A::LoadScene(index) => return self.load_scene(index, notice),
            A::LoadOwnScene(name, scene) => return self.show_scene(name, &scene, notice),
            A::SetProblem(name) => {
                let Some(found) = problems::find(&name) else {
                    *notice = Some(format!("unknown problem '{name}'"));
                    return Effect::Refresh;
                };
                self.set_problem(found);
                Effect::Rebuild
            }
            A::SetNoise(kind) => {
                self.noise = (kind != "none" && noise_kinds().iter().any(|(k, _)| *k == kind))
                    .then(|| json!({ "kind": kind }));
                Effect::Rebuild
            }
            A::Set(field, value) => self.set_field(&field, value, notice),
            A::Enter(field, text) => {
                let Some(spec) = self.field_spec(&field) else {
                    return Effect::Nothing;
                };
                match parse_entry(spec, &text) {
                    Ok(value) => self.set_field(&field, value, notice),
                    Err(why) => {
                        *notice = Some(format!("{why}; kept {}", self.shown_value(&field)));
                        return Effect::Refresh;
                    }
                }
            }
            A::SetOptimizer(i, name) => {
                let Some(found) = crate::optim::registry::find(&name) else {
                    return Effect::Nothing;
                };
                if let Some(unmet) = found.unmet_on(self.problem) {
                    *notice = Some(format!("{}: {unmet}", found.label));
                    return Effect::Rebuild;
                }
                let params = self.suggested(found);
                let Some(run) = self.runs.get_mut(i) else {
                    return Effect::Nothing;
                };
                run.optimizer = found.name.to_string();
                run.params = params;
                run.schedule = None;
                if !run.renamed {
                    run.label.clear();
                }
                Effect::Rebuild
            }
            A::SetSchedule(i, kind) => {
                let Some(run) = self.runs.get_mut(i) else {
                    return Effect::Nothing;
                };
                run.schedule = (kind != "constant"
                    && crate::optim::schedule::SCHEDULES
                        .iter()
                        .any(|s| s.name == kind))
                .then(|| json!({ "kind": kind }));
                Effect::Rebuild
            }
            A::SetAveraging(i, kind) => {
                let Some(run) = self.runs.get_mut(i) else {
                    return Effect::Nothing;
                };
                run.averaging = crate::experiment::landscape::spec::averaging_kinds()
                    .iter()
                    .any(|(k, _)| *k == kind)
                    .then(|| json!({ "kind": kind }));
                Effect::Rebuild
            }
            A::Rename(i, text) => {
                let Some(run) = self.runs.get_mut(i) else {
                    return Effect::Nothing;
                };
                run.label = text.trim().chars().take(60).collect();
                run.renamed = !run.label.is_empty();
                Effect::Recompute
            }
            A::Recolor(i, color) => {
                let Some(run) = self.runs.get_mut(i) else {
                    return Effect::Nothing;
                };
                if super::runs::parse_color(&color).is_some() {
                    run.color = color;
                }
                return Effect::Redraw;
            }
            A::Show(i, visible) => {
                if let Some(run) = self.runs.get_mut(i) {
                    run.visible = visible;
                }
                return Effect::Redraw;
            }
            A::AddRun => {
                if self.runs.len() >= MAX_RUNS {
                    *notice = Some(format!("at most {MAX_RUNS} runs"));
                    return Effect::Nothing;
                }
                if !self.fits(self.steps, self.runs.len() + 1, notice) {
                    return Effect::Nothing;
                }
                let adam = &crate::optim::registry::ADAM;
                let run = RunState::fresh(adam.name, self.suggested(adam), self.runs.len());
                self.runs.push(run);
                Effect::Rebuild
            }
            A::Duplicate(i) => {
                if self.runs.len() >= MAX_RUNS {
                    *notice = Some(format!("at most {MAX_RUNS} runs"));
                    return Effect::Nothing;
                }
                if !self.fits(self.steps, self.runs.len() + 1, notice) {
                    return Effect::Nothing;
                }
                let Some(mut copy) = self.runs.get(i).cloned() else {
                    return Effect::Nothing;
                };
                copy.color = COLORS[self.runs.len() % COLORS.len()].to_string();
                if !copy.label.is_empty() {
                    copy.label = format!("{} (copy)", copy.label);
                }
                self.runs.insert(i + 1, copy);
                Effect::Rebuild
            }
            A::Remove(i) => {
                if self.runs.len() < 2 || i >= self.runs.len() {
                    return Effect::Nothing;
                }
                self.runs.remove(i);
                Effect::Rebuild
            }
            A::SetStart(point) => {
                if !point.iter().all(|v| v.is_finite()) {
                    return Effect::Nothing;
                }
                self.start = Some(point);
                Effect::Recompute
            }
            A::SetCompare(compare) => {
                self.view.compare = compare;
                return Effect::Redraw;
            }
            A::SetOverlay(overlay, on) => {
                self.view.overlays.retain(|o| *o != overlay);
                if on {
                    self.view.overlays.push(overlay);
                }
                return Effect::Redraw;
            }
            A::SetChart(quantity) => {
                self.view.chart = quantity;
                return Effect::Redraw;
            }
            A::SetSweep(choice) => return self.set_sweep(choice, notice),
            A::ApplySetting(run, values) => return self.apply_setting(run, &values, notice),
            A::Tuned(rates) => return self.tuned(&rates, notice),
            A::SetSurface(on) => {
                self.view.surface = on.then(|| self.view.surface.unwrap_or_default());
                return Effect::Redraw;
            }
            A::Rotate(azimuth, elevation) => {
                if let (Some(camera), true) = (
                    self.view.surface,
                    azimuth.is_finite() && elevation.is_finite(),
                ) {
                    self.view.surface = Some(camera.turned(azimuth, elevation));
                }
                return Effect::Redraw;
            }
            A::SetSpin(on) => {
                self.view.spin = on;
                return Effect::Redraw;
            }
            A::SetFit(fit) => {
                self.view.fit = fit;
                return Effect::Redraw;
            }
            A::SetSpeed(speed) => {
                if speed.is_finite() && speed > 0.0 {
                    self.speed = speed.clamp(SPEEDS[0], SPEEDS[SPEEDS.len() - 1]);
                }
                return Effect::Redraw;
            }
            A::TogglePlay => {
                if !self.playing && self.step >= self.total {
                    self.step = 0;
                }
                self.playing = !self.playing;
                return Effect::Redraw;
            }
            A::StepBy(delta) => {
                self.playing = false;
                self.step = self.step.saturating_add_signed(delta).min(self.total);
                return Effect::Redraw;
            }
            A::Seek(step) => {
                self.playing = false;
                self.step = step.min(self.total);
                return Effect::Redraw;
            }
            A::Rewind => {
                self.playing = false;
                self.step = 0;
                return Effect::Redraw;
            }
            A::Tick => {
                if !self.playing {
                    return Effect::Nothing;
                }
                let stride = self.speed.max(1.0) as usize;
                self.step = (self.step + stride).min(self.total);
                if self.step >= self.total {
                    self.playing = false;
                }
                return Effect::Redraw;
            }
        };
        if effect >= Effect::Recompute {
            self.edited = true;
        }
        effect
    }

    /// Records how many steps the computed runs took, keeping the shown step inside.
    pub fn set_total(&mut self, total: usize) {
        self.total = total;
        self.step = self.step.min(total);
    }

    fn load_scene(&mut self, index: usize, notice: &mut Option<String>) -> Effect {
        let scenes = match landscape_scenes() {
            Ok(scenes) => scenes,
            Err(err) => {
                *notice = Some(err.to_string());
                return Effect::Nothing;
            }
        };
        match scenes.get(index) {
            Some((name, scene)) => self.show_scene(name.to_string(), scene, notice),
            None => Effect::Nothing,
        }
    }

    /// Shows `scene` under `name`: its experiment, overlaid, on its chart.
    fn show_scene(&mut self, name: String, scene: &Scene, notice: &mut Option<String>) -> Effect {
        match scene.parsed_spec() {
            Ok(spec) => {
                let view = std::mem::take(&mut self.view);
                let speed = self.speed;
                *self = Self::from_spec(&spec);
                self.view = View {
                    compare: Compare::Overlaid,
                    chart: scene.chart_quantity().unwrap_or(Quantity::Loss),
                    ..view
                };
                self.speed = speed;
                self.scene = Some(name);
                Effect::Rebuild
            }
            Err(err) => {
                *notice = Some(err.to_string());
                Effect::Nothing
            }
        }
    }

    /// Switches to problem `found`: its own parameters and start, runs it
    /// cannot take become gradient descent, every run's settings reset to
    /// what suits the new problem, and the scene is left.
    fn set_problem(&mut self, found: &'static ProblemEntry) {
        self.problem = found;
        self.problem_params.clear();
        self.start = None;
        self.step = 0;
        self.scene = None;
        if !found.offers(crate::problem::View::FiniteSum) {
            self.batch_size = None;
            for run in &mut self.runs {
                run.batch_size = None;
            }
        }
        self.resuggest();
    }

    /// Every run's settings suggested afresh for the problem; runs the
    /// problem cannot take become gradient descent.
    pub(super) fn resuggest(&mut self) {
        let found = self.problem;
        let suggested = self.suggester();
        for run in &mut self.runs {
            let mut chosen = entry(&run.optimizer);
            if !supports(chosen, found) {
                // The registry's first optimizer (gradient descent) runs on every problem.
                chosen = &OPTIMIZERS[0];
            }
            let params = suggested(chosen);
            if run.optimizer != chosen.name && !run.renamed {
                run.label.clear();
            }
            run.optimizer = chosen.name.to_string();
            run.params = params;
        }
    }

    /// The hyperparameters `optimizer` starts with on this problem.
    fn suggested(&self, optimizer: &OptimizerEntry) -> BTreeMap<String, Json> {
        self.suggester()(optimizer)
    }

    /// [`Self::suggested`] for several optimizers, building the problem once.
    fn suggester(&self) -> impl Fn(&OptimizerEntry) -> BTreeMap<String, Json> {
        let landscape = problems::build(self.problem.name, &self.problem_params, self.seed).ok();
        let start = self.start;
        move |optimizer| {
            landscape.as_ref().map_or_else(BTreeMap::new, |l| {
                let start = start.unwrap_or_else(|| l.default_start());
                suggested_params(optimizer, l.as_ref(), start)
            })
        }
    }

    /// Whether `runs` runs of `steps` steps fit the page's budget; if not,
    /// `notice` says so.
    pub(super) fn fits(&self, steps: usize, runs: usize, notice: &mut Option<String>) -> bool {
        if steps.saturating_mul(runs) <= MAX_PAGE_STEPS {
            return true;
        }
        *notice = Some(format!(
            "{runs} runs × {steps} steps is more than the page computes ({MAX_PAGE_STEPS} steps in all); the CLI (descent run) takes up to 1,000,000 per run"
        ));
        false
    }

    /// Keeps the experiment inside the page's budget (an address may ask for
    /// more): lowers the steps, and says so in `notice`.
    pub fn limit_steps(&mut self, notice: &mut Option<String>) {
        let runs = self.runs.len().max(1);
        if self.steps * runs > MAX_PAGE_STEPS {
            let asked = self.steps;
            self.steps = MAX_PAGE_STEPS / runs;
            *notice = Some(format!(
                "{asked} steps × {runs} runs is more than the page computes ({MAX_PAGE_STEPS} steps in all), so steps were lowered to {}; the CLI (descent run) takes up to 1,000,000 per run",
                self.steps
            ));
        }
    }
}
