//! The landscape mode's state: the experiment (problem, noise, runs, steps,
//! seed), how it is viewed, and how far the animation has got; and every
//! action on it, applied in one place.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value as Json};

use super::entry::{label, parse_entry};
use super::runs::{averaging_params, entry, kind_of, schedule_params, supports, RunState, COLORS};
use super::Effect;
use crate::optim::suggest::suggested_params;
use crate::param::ParamSpec;
use crate::problem::registry::{self as problems, ProblemEntry};
use crate::render::curves::Quantity;
use crate::scene::landscape_scenes;
use crate::spec::{kind_params, noise_kinds, Spec};

/// The most runs the page compares.
pub const MAX_RUNS: usize = 10;
/// The most steps the page computes, all runs together: beyond it one
/// recomputation blocks the page too long (the CLI runs up to a million).
pub const MAX_PAGE_STEPS: usize = 20_000;
/// The most panels side by side.
pub const SIDE_BY_SIDE: usize = 4;
/// The speeds offered (revealed steps per tick).
pub const SPEEDS: [f64; 4] = [0.25, 1.0, 4.0, 16.0];

/// The scene the page opens with: zig-zagging gradient descent on the quadratic.
pub const DEFAULT_SPEC: &str = r#"{"problem": {"name": "quadratic"}, "steps": 150, "runs": [{"optimizer": "gd", "lr": 0.15}]}"#;

/// The steps control, as a declared parameter.
pub const STEPS: ParamSpec = ParamSpec::integer(
    "steps",
    "steps",
    150,
    1,
    MAX_PAGE_STEPS as u32,
    "steps per run",
);
/// The seed control, as a declared parameter.
pub const SEED: ParamSpec = ParamSpec::integer(
    "seed",
    "seed",
    0,
    0,
    u32::MAX,
    "seed of the data, mini-batches and noise",
);
/// The mini-batch control, as a declared parameter.
pub const BATCH: ParamSpec = ParamSpec::integer(
    "batch_size",
    "batch",
    10,
    1,
    100_000,
    "mini-batch size (finite-sum problems)",
);

/// How runs share the picture.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Compare {
    /// Every visible run over one landscape.
    #[default]
    Overlaid,
    /// One panel per visible run (up to [`SIDE_BY_SIDE`]).
    SideBySide,
}

/// The overlays that can be switched on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overlay {
    /// −∇f arrows over the view.
    Field,
    /// The local quadratic model's Newton target.
    Newton,
    /// The Hessian's eigen-directions.
    Eigen,
    /// Momentum SGD's step split into gradient and velocity.
    Momentum,
    /// The faint rest of each path, ahead of the current step.
    Ahead,
}

impl Overlay {
    /// Every overlay with its key in the address.
    pub const ALL: [(&'static str, Overlay); 5] = [
        ("field", Overlay::Field),
        ("newton", Overlay::Newton),
        ("eigen", Overlay::Eigen),
        ("momentum", Overlay::Momentum),
        ("ahead", Overlay::Ahead),
    ];
}

/// How the experiment is viewed.
#[derive(Clone, Debug, PartialEq)]
pub struct View {
    /// Overlaid or side by side.
    pub compare: Compare,
    /// The overlays switched on.
    pub overlays: Vec<Overlay>,
    /// The quantity the chart plots.
    pub chart: Quantity,
    /// Whether the view widens to hold every path.
    pub fit: bool,
}

impl Default for View {
    fn default() -> Self {
        Self {
            compare: Compare::Overlaid,
            overlays: Vec::new(),
            chart: Quantity::Loss,
            fit: true,
        }
    }
}

impl View {
    /// Whether `overlay` is on.
    pub fn has(&self, overlay: Overlay) -> bool {
        self.overlays.contains(&overlay)
    }
}

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
        if let (Some(b), true) = (self.batch_size, self.problem.finite_sum) {
            spec.insert("batch_size".into(), json!(b));
        }
        let runs: Vec<Json> = self.runs.iter().map(RunState::to_spec).collect();
        spec.insert("runs".into(), Json::Array(runs));
        Json::Object(spec)
    }

    /// The parameters of noise kind `name`.
    pub fn noise_params(&self) -> &'static [ParamSpec] {
        kind_params(noise_kinds(), kind_of(self.noise.as_ref(), "none"))
    }

    /// The declaration behind `field`, if it names one.
    pub fn field_spec(&self, field: &Field) -> Option<&'static ParamSpec> {
        let find = |specs: &'static [ParamSpec], name: &str| specs.iter().find(|p| p.name == name);
        match field {
            Field::Problem(name) => find(self.problem.params, name),
            Field::Noise(name) => find(self.noise_params(), name),
            Field::Optimizer(i, name) => find(entry(&self.runs.get(*i)?.optimizer).params, name),
            Field::Schedule(i, name) => find(
                schedule_params(kind_of(self.runs.get(*i)?.schedule.as_ref(), "")),
                name,
            ),
            Field::Averaging(i, name) => find(
                averaging_params(kind_of(self.runs.get(*i)?.averaging.as_ref(), "")),
                name,
            ),
            Field::BatchSize => Some(&BATCH),
            Field::Steps => Some(&STEPS),
            Field::Seed => Some(&SEED),
        }
    }

    /// The value `field` has now (its default when not given).
    pub fn value(&self, field: &Field) -> Option<Json> {
        let given = |map: &BTreeMap<String, Json>, name: &str| map.get(name).cloned();
        let object = |v: Option<&Json>, name: &str| v.and_then(|o| o.get(name)).cloned();
        let value = match field {
            Field::Problem(name) => given(&self.problem_params, name),
            Field::Noise(name) => object(self.noise.as_ref(), name),
            Field::Optimizer(i, name) => given(&self.runs.get(*i)?.params, name),
            Field::Schedule(i, name) => object(self.runs.get(*i)?.schedule.as_ref(), name),
            Field::Averaging(i, name) => object(self.runs.get(*i)?.averaging.as_ref(), name),
            Field::BatchSize => self.batch_size.map(|b| json!(b)),
            Field::Steps => Some(json!(self.steps)),
            Field::Seed => Some(json!(self.seed)),
        };
        value.or_else(|| self.field_spec(field).map(|s| s.default.to_json()))
    }

    /// Applies `action`, saying what must follow; a refused value leaves the
    /// state as it was and sets `notice`.
    pub fn apply(&mut self, action: LandscapeAction, notice: &mut Option<String>) -> Effect {
        use LandscapeAction as A;
        let effect = match action {
            A::LoadScene(index) => return self.load_scene(index, notice),
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
                if !supports(found, self.problem) {
                    *notice = Some(format!(
                        "{} needs {} ; {} does not offer it",
                        found.label,
                        requirement(found),
                        self.problem.label
                    ));
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
                run.averaging = crate::spec::averaging_kinds()
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
                let adam = entry("adam");
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
        let Some((name, scene)) = scenes.get(index) else {
            return Effect::Nothing;
        };
        match scene.parsed_spec() {
            Ok(spec) => {
                let view = std::mem::take(&mut self.view);
                let speed = self.speed;
                *self = Self::from_spec(&spec);
                self.view = View {
                    compare: Compare::Overlaid,
                    ..view
                };
                self.speed = speed;
                self.scene = Some((*name).to_string());
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
        if !found.finite_sum {
            self.batch_size = None;
        }
        for i in 0..self.runs.len() {
            let mut chosen = entry(&self.runs[i].optimizer);
            if !supports(chosen, found) {
                chosen = entry("gd");
            }
            let params = self.suggested(chosen);
            let run = &mut self.runs[i];
            if run.optimizer != chosen.name && !run.renamed {
                run.label.clear();
            }
            run.optimizer = chosen.name.to_string();
            run.params = params;
        }
    }

    /// The hyperparameters `optimizer` starts with on this problem.
    fn suggested(
        &self,
        optimizer: &crate::optim::registry::OptimizerEntry,
    ) -> BTreeMap<String, Json> {
        let Ok(landscape) = problems::build(self.problem.name, &self.problem_params, self.seed)
        else {
            return BTreeMap::new();
        };
        let start = self.start.unwrap_or_else(|| landscape.default_start());
        suggested_params(optimizer, landscape.as_ref(), start)
    }

    /// Whether `runs` runs of `steps` steps fit the page's budget; if not,
    /// `notice` says so.
    fn fits(&self, steps: usize, runs: usize, notice: &mut Option<String>) -> bool {
        if steps.saturating_mul(runs) <= MAX_PAGE_STEPS {
            return true;
        }
        *notice = Some(format!(
            "{runs} runs × {steps} steps is more than the page computes ({MAX_PAGE_STEPS} steps in all); the CLI (descent run) takes up to 1,000,000 per run"
        ));
        false
    }

    /// Sets `field` to a value already of the declared kind.
    fn set_field(&mut self, field: &Field, value: Json, notice: &mut Option<String>) -> Effect {
        if let Some(spec) = self.field_spec(field) {
            if let Err(err) = spec.check(spec.name, &value) {
                *notice = Some(format!("{}: {}", label(spec), err.message));
                return Effect::Refresh;
            }
        }
        let put = |object: &mut Option<Json>, name: &str, value: Json| {
            if let Some(Json::Object(map)) = object {
                map.insert(name.to_string(), value);
            }
        };
        match field {
            Field::Problem(name) => {
                self.problem_params.insert(name.clone(), value);
            }
            Field::Noise(name) => put(&mut self.noise, name, value),
            Field::Optimizer(i, name) => {
                if let Some(run) = self.runs.get_mut(*i) {
                    run.params.insert(name.clone(), value);
                }
            }
            Field::Schedule(i, name) => {
                if let Some(run) = self.runs.get_mut(*i) {
                    put(&mut run.schedule, name, value);
                }
            }
            Field::Averaging(i, name) => {
                if let Some(run) = self.runs.get_mut(*i) {
                    put(&mut run.averaging, name, value);
                }
            }
            Field::BatchSize => self.batch_size = value.as_u64(),
            Field::Steps => {
                let steps = value.as_u64().unwrap_or(1) as usize;
                if !self.fits(steps, self.runs.len(), notice) {
                    return Effect::Refresh;
                }
                self.steps = steps;
            }
            Field::Seed => self.seed = value.as_u64().unwrap_or(0),
        }
        Effect::Recompute
    }

    /// The value of `field` as its control shows it.
    pub fn shown_value(&self, field: &Field) -> String {
        match self.value(field) {
            Some(Json::Number(n)) => n
                .as_f64()
                .map_or_else(|| n.to_string(), crate::render::number::format_number),
            Some(other) => other.to_string(),
            None => String::new(),
        }
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

/// What `optimizer` needs of a problem, in words.
fn requirement(optimizer: &crate::optim::registry::OptimizerEntry) -> &'static str {
    match optimizer.requires {
        crate::optim::registry::Requirement::Nothing => "nothing",
        crate::optim::registry::Requirement::Residuals => "residuals (a sum of squares)",
        crate::optim::registry::Requirement::FiniteSum => "a finite sum (data)",
    }
}
