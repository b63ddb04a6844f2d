//! The landscape page: a problem, any number of runs of any registered
//! optimizer, animated over the landscape, shareable through the URL.
//!
//! Every control is generated from a registry; the page turns the controls
//! into an experiment spec, runs it through the core and draws the result.
//! The spec lives in the address (`#` + JSON), so copying the address shares
//! the scene.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use plotters::coord::Shift;
use plotters::drawing::DrawingAreaErrorKind;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use serde_json::{json, Map, Value as Json};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    Document, Element, Event, HtmlCanvasElement, HtmlInputElement, HtmlSelectElement,
    KeyboardEvent, PointerEvent,
};

use super::address::salvage;
use super::classifier::{self, ClassifierMode};
use super::controls::{self, format_number};
use super::readout::readout;
use super::runs::{self, add_option, kind_of, RunSetup};
use super::{canvas, dom, export};
use crate::problem::registry::{self as problems, ProblemEntry, PROBLEMS};
use crate::problem::Window;
use crate::render::chart::{draw_color_bar, draw_overlay, run_paths, PathView, Theme};
use crate::render::color::ColorScale;
use crate::render::curves::{draw_curves, run_curves, Quantity, StepAxis};
use crate::render::guides::{
    draw_guides, gradient_field, local_model, momentum_split, Guides, Segment,
};
use crate::render::landscape;
use crate::render::view::{fit_points, Layout, Margins, PixelRect};
use crate::run::{run_spec, Outcome};
use crate::scene::{landscape_scenes, Scene};
use crate::spec::{kind_params, noise_kinds, Spec};

/// The scene the page opens with: zig-zagging gradient descent on the quadratic.
pub const DEFAULT_SPEC: &str = r#"{"problem": {"name": "quadratic"}, "steps": 150, "runs": [{"optimizer": "gd", "lr": 0.15}]}"#;
/// The most runs the page compares.
pub const MAX_RUNS: usize = 10;
/// The most panels side by side.
const SIDE_BY_SIDE: usize = 4;
/// Milliseconds between revealed steps at speed 1.
const STEP_INTERVAL_MS: f64 = 60.0;

/// The landscape image for one problem, plot area and view.
struct Background {
    key: String,
    plot: PixelRect,
    view: Window,
    /// The image, on a canvas of its own (it may be coarser than the plot).
    image: HtmlCanvasElement,
    /// Plot pixels per image pixel: 1, or [`COARSE`] while a control is dragged.
    coarseness: u32,
    /// When it was computed (ms).
    computed_at: f64,
    scale: ColorScale,
}

/// A background recomputed sooner than this (ms) after the last one is
/// computed at [`COARSE`] resolution: a slider is being dragged.
const DRAG_WINDOW_MS: f64 = 300.0;
/// Plot pixels per image pixel while dragging.
const COARSE: u32 = 2;

/// The page's fixed elements.
struct Elements {
    canvas: HtmlCanvasElement,
    preset: HtmlSelectElement,
    problem: HtmlSelectElement,
    problem_params: Element,
    formula: Element,
    batch_row: Element,
    batch_size: HtmlInputElement,
    start: Element,
    noise: HtmlSelectElement,
    noise_params: Element,
    runs: Element,
    add_run: Element,
    play: Element,
    scrubber: HtmlInputElement,
    speed: HtmlSelectElement,
    step_counter: Element,
    step_total: Element,
    loss: Element,
    step_info: Element,
    status: Element,
    help: Element,
    curves: HtmlCanvasElement,
    chart_kind: HtmlSelectElement,
    overlay_field: HtmlInputElement,
    overlay_newton: HtmlInputElement,
    overlay_eigen: HtmlInputElement,
    hover: Element,
    landscape_mode: Element,
    classifier_mode: Element,
    mode_landscapes: Element,
    mode_classifier: Element,
    net_panels: Element,
    net_play: Element,
    net_scene: HtmlSelectElement,
    compare: HtmlSelectElement,
    overlay_momentum: HtmlInputElement,
    overlay_ahead: HtmlInputElement,
    fit_view: HtmlInputElement,
    caption: Element,
    export_title: HtmlInputElement,
}

/// A user action, run from an event listener.
type Action = fn(&mut App, &Event);

/// How each run is drawn: its colour and whether it is shown.
struct Style {
    color: RGBColor,
    visible: bool,
}

/// The state of the page: what is shown and how far the animation has got.
pub struct App {
    document: Document,
    el: Elements,
    runs: usize,
    start: Option<[f64; 2]>,
    steps: usize,
    seed: u64,
    outcome: Option<Outcome>,
    styles: Vec<Style>,
    shown: usize,
    playing: bool,
    last_advance: f64,
    background: Option<Background>,
    layout: Option<Layout>,
    /// Where the per-step chart put its step axis, for hovering.
    step_axis: Option<StepAxis>,
    dragging: bool,
    dirty: bool,
    classifier: ClassifierMode,
    classifier_active: bool,
    /// The lecture scenes, read once from their files.
    scenes: Vec<(&'static str, Scene)>,
    /// The scene on screen, until the problem changes.
    scene: Option<usize>,
    /// Whether a control changed since the scene loaded.
    scene_edited: bool,
    /// The classifier scene on screen, until the panels come from elsewhere.
    classifier_scene: Option<usize>,
    /// Whether the caption last shown had the classifier's claims checked.
    classifier_checked: bool,
}

/// The parameters of noise kind `name`.
fn noise_params_of(name: &str) -> &'static [crate::param::ParamSpec] {
    kind_params(noise_kinds(), name)
}

impl App {
    /// Builds the app on `document`'s controls, wires them and starts the animation.
    pub fn mount(document: &Document) -> Result<(), JsValue> {
        let el = Elements {
            canvas: dom::element(document, "landscape")?,
            preset: dom::element(document, "preset")?,
            problem: dom::element(document, "problem")?,
            problem_params: dom::element(document, "problem-params")?,
            formula: dom::element(document, "formula")?,
            batch_row: dom::element(document, "batch-row")?,
            batch_size: dom::element(document, "batch-size")?,
            start: dom::element(document, "start")?,
            noise: dom::element(document, "noise")?,
            noise_params: dom::element(document, "noise-params")?,
            runs: dom::element(document, "runs")?,
            add_run: dom::element(document, "add-run")?,
            play: dom::element(document, "play")?,
            scrubber: dom::element(document, "scrubber")?,
            speed: dom::element(document, "speed")?,
            step_counter: dom::element(document, "step-counter")?,
            step_total: dom::element(document, "step-total")?,
            loss: dom::element(document, "loss")?,
            step_info: dom::element(document, "step-info")?,
            status: dom::element(document, "status")?,
            help: dom::element(document, "help")?,
            curves: dom::element(document, "curves")?,
            chart_kind: dom::element(document, "chart-kind")?,
            overlay_field: dom::element(document, "overlay-field")?,
            overlay_newton: dom::element(document, "overlay-newton")?,
            overlay_eigen: dom::element(document, "overlay-eigen")?,
            hover: dom::element(document, "hover")?,
            landscape_mode: dom::element(document, "landscape-mode")?,
            classifier_mode: dom::element(document, "classifier-mode")?,
            mode_landscapes: dom::element(document, "mode-landscapes")?,
            mode_classifier: dom::element(document, "mode-classifier")?,
            net_panels: dom::element(document, "net-panels")?,
            net_play: dom::element(document, "net-play")?,
            net_scene: dom::element(document, "net-scene")?,
            compare: dom::element(document, "compare")?,
            overlay_momentum: dom::element(document, "overlay-momentum")?,
            overlay_ahead: dom::element(document, "overlay-ahead")?,
            fit_view: dom::element(document, "fit-view")?,
            export_title: dom::element(document, "export-title")?,
            caption: dom::element(document, "caption")?,
        };
        for entry in PROBLEMS {
            add_option(document, &el.problem, entry.name, entry.label)?;
        }
        for (name, _) in noise_kinds() {
            add_option(document, &el.noise, name, name)?;
        }
        for (i, scene) in classifier::scenes().iter().enumerate() {
            add_option(
                document,
                &el.net_scene,
                &i.to_string(),
                &format!("{} · {}", i + 1, scene.title),
            )?;
        }
        add_option(document, &el.net_scene, "custom", "your own panels")?;
        let classifier = ClassifierMode::new(document, el.net_panels.clone())?;
        add_option(document, &el.preset, "", "Lecture scenes (keys 1–9)…")?;
        let scenes = landscape_scenes().unwrap_or_else(|err| {
            dom::report_error(document, &JsValue::from_str(&err.to_string()));
            Vec::new()
        });
        for (i, (name, scene)) in scenes.iter().enumerate() {
            add_option(
                document,
                &el.preset,
                name,
                &format!("{} · {}", i + 1, scene.title),
            )?;
        }
        let app = Rc::new(RefCell::new(App {
            document: document.clone(),
            el,
            runs: 0,
            start: None,
            steps: 150,
            seed: 0,
            outcome: None,
            styles: Vec::new(),
            shown: 0,
            playing: false,
            last_advance: 0.0,
            background: None,
            layout: None,
            step_axis: None,
            dragging: false,
            dirty: true,
            classifier,
            classifier_active: false,
            scenes,
            scene: None,
            scene_edited: false,
            classifier_scene: Some(0),
            classifier_checked: false,
        }));
        {
            let mut a = app.borrow_mut();
            let from_address = a.load_from_address();
            if !from_address {
                a.load_text(DEFAULT_SPEC);
            }
            a.recompute();
            a.update_text();
        }
        Self::wire(&app)?;
        start_animation(app);
        Ok(())
    }

    fn wire(app: &Rc<RefCell<App>>) -> Result<(), JsValue> {
        let a = app.borrow();
        let el = &a.el;
        let handlers: Vec<(&web_sys::EventTarget, &str, Action)> = vec![
            (&el.preset, "change", |app, _| app.on_preset()),
            (&el.problem, "change", |app, _| app.on_problem()),
            (&el.noise, "change", |app, _| app.on_noise()),
            (&el.batch_size, "input", |app, _| app.recompute()),
            (&el.problem_params, "input", |app, e| {
                app.on_params(e, ParamGroup::Problem)
            }),
            (&el.problem_params, "change", |app, e| {
                app.on_params(e, ParamGroup::Problem)
            }),
            (&el.noise_params, "input", |app, e| {
                app.on_params(e, ParamGroup::Noise)
            }),
            (&el.runs, "input", App::on_runs_input),
            (&el.runs, "change", App::on_runs_change),
            (&el.runs, "click", App::on_runs_click),
            (&el.add_run, "click", |app, _| app.add_run()),
            (&el.scrubber, "input", |app, _| app.on_scrub()),
            (&el.chart_kind, "change", |app, _| app.dirty = true),
            (&el.compare, "change", |app, _| app.dirty = true),
            (&el.overlay_momentum, "change", |app, _| app.dirty = true),
            (&el.overlay_field, "change", |app, _| app.dirty = true),
            (&el.overlay_newton, "change", |app, _| app.dirty = true),
            (&el.overlay_eigen, "change", |app, _| app.dirty = true),
            (&el.overlay_ahead, "change", |app, _| app.dirty = true),
            (&el.fit_view, "change", |app, _| app.dirty = true),
            (&el.canvas, "pointerdown", App::on_pointer_down),
            (&el.canvas, "pointermove", App::on_pointer_move),
            (&el.canvas, "pointerup", |app, _| app.dragging = false),
            (&el.canvas, "pointerleave", |app, _| app.dragging = false),
            (&el.curves, "pointermove", App::on_chart_move),
            (&el.mode_landscapes, "click", |app, _| app.set_mode(false)),
            (&el.mode_classifier, "click", |app, _| app.set_mode(true)),
            (&el.net_panels, "change", App::on_net_change),
            (&el.net_panels, "click", App::on_net_click),
            (&el.net_play, "click", |app, _| app.toggle_training()),
            (&el.net_scene, "change", |app, _| app.on_net_scene()),
        ];
        for (target, event, action) in handlers {
            let app = Rc::clone(app);
            dom::listen(target, event, move |e| act_on(&app, action, &e))?;
        }
        let buttons: [(&str, Action); 14] = [
            ("toggle-controls", |app, _| app.toggle_controls()),
            ("net-reset", |app, _| app.classifier.restart()),
            ("net-add", |app, _| {
                app.leave_classifier_scene();
                if let Err(err) = app.classifier.add_panel() {
                    dom::report_error(&app.document, &err);
                }
            }),
            ("theme", |app, _| app.toggle_theme()),
            ("present", |app, _| app.toggle_presenting()),
            ("play", |app, _| app.toggle_play()),
            ("step", |app, _| app.step_by(1)),
            ("step-back", |app, _| app.step_by(-1)),
            ("reset", |app, _| app.reset()),
            ("export-png", |app, _| app.export(Export::Png)),
            ("export-svg", |app, _| app.export(Export::Svg)),
            ("export-csv", |app, _| app.export(Export::Csv)),
            ("export-json", |app, _| app.export(Export::Json)),
            ("export-spec", |app, _| app.export(Export::Spec)),
        ];
        for (id, action) in buttons {
            let button: Element = dom::element(&a.document, id)?;
            let app = Rc::clone(app);
            dom::listen(&button, "click", move |e| act_on(&app, action, &e))?;
        }
        {
            let app = Rc::clone(app);
            dom::listen(&a.document, "keydown", move |e| {
                act_on(&app, App::on_key, &e)
            })?;
        }
        let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
        // `descentLoseGpu()` in the console (or a test) destroys the GPU device,
        // as a driver reset would, to show the fallback to the CPU.
        let losing = Rc::clone(app);
        let lose = Closure::<dyn Fn()>::new(move || {
            if let Ok(app) = losing.try_borrow() {
                app.classifier.lose_gpu();
            }
        });
        js_sys::Reflect::set(&window, &JsValue::from_str("descentLoseGpu"), lose.as_ref())?;
        lose.forget();
        let app = Rc::clone(app);
        dom::listen(&window, "resize", move |_| {
            if let Ok(mut app) = app.try_borrow_mut() {
                app.dirty = true;
            }
        })
    }

    /// Runs a user action, then marks the picture for redrawing and refreshes the text.
    fn act(&mut self, action: Action, event: &Event) {
        action(self, event);
        self.dirty = true;
        self.update_text();
    }

    fn problem_entry(&self) -> &'static ProblemEntry {
        problems::find(&self.el.problem.value()).unwrap_or(&PROBLEMS[0])
    }

    // ----- loading specs -------------------------------------------------------

    /// Reads the spec in the address, keeping the good parts of a broken one.
    /// Returns whether the address held a spec.
    fn load_from_address(&mut self) -> bool {
        let Some(hash) = web_sys::window().and_then(|w| w.location().hash().ok()) else {
            return false;
        };
        let encoded = hash.trim_start_matches('#');
        if encoded.is_empty() {
            return false;
        }
        if let Some(panels) = encoded.strip_prefix(classifier::ADDRESS_PREFIX) {
            let text = js_sys::decode_uri_component(panels)
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_default();
            match self.classifier.load_address(&text) {
                Ok(problems) if !problems.is_empty() => {
                    self.el.status.set_text_content(Some(&format!(
                        "The address had problems, so defaults were used for those parts: {}",
                        problems.join("; ")
                    )));
                }
                Ok(_) => {}
                Err(err) => dom::report_error(&self.document, &err),
            }
            self.el.net_scene.set_value("custom");
            self.classifier_scene = None;
            self.set_mode(true);
            return false;
        }
        let text = js_sys::decode_uri_component(encoded)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default();
        let (value, problems) = salvage(&text);
        if let Ok(spec) = Spec::from_value(&value) {
            if let Err(err) = self.load_spec(&spec) {
                dom::report_error(&self.document, &err);
            }
        }
        if !problems.is_empty() {
            self.el.status.set_text_content(Some(&format!(
                "The address had problems, so defaults were used for those parts: {}",
                problems.join("; ")
            )));
        }
        true
    }

    fn load_text(&mut self, text: &str) {
        match Spec::from_json(text) {
            Ok(spec) => {
                if let Err(err) = self.load_spec(&spec) {
                    dom::report_error(&self.document, &err);
                }
            }
            Err(err) => self.el.status.set_text_content(Some(&err.to_string())),
        }
    }

    /// Sets every control from `spec`.
    fn load_spec(&mut self, spec: &Spec) -> Result<(), JsValue> {
        let entry = spec.problem.entry;
        self.el.problem.set_value(entry.name);
        controls::build(
            &self.document,
            &self.el.problem_params,
            "problem",
            entry.params,
            &spec.problem.params,
        )?;
        self.el.formula.set_text_content(Some(entry.formula));
        self.show_batch(entry)?;
        if let Some(b) = spec.batch_size {
            self.el.batch_size.set_value(&b.to_string());
        }
        let spec_value = spec.to_value();
        let noise = spec_value.get("noise");
        let noise_kind = kind_of(noise, "none");
        self.el.noise.set_value(noise_kind);
        let noise_params = runs::object_params(noise);
        controls::build(
            &self.document,
            &self.el.noise_params,
            "noise",
            noise_params_of(noise_kind),
            &noise_params,
        )?;
        self.start = spec.start;
        self.steps = spec.steps;
        self.seed = spec.seed;
        let setups: Vec<RunSetup> = spec
            .runs
            .iter()
            .enumerate()
            .map(|(i, run)| {
                let written = run.to_value();
                let mut setup = RunSetup::fresh(run.optimizer.entry.name, run.given.clone(), i);
                setup.schedule = written.get("schedule").cloned();
                setup.averaging = written.get("averaging").cloned();
                if run.label != run.optimizer.entry.label {
                    setup.label = run.label.clone();
                }
                setup
            })
            .collect();
        self.render_runs(&setups)?;
        self.shown = 0;
        self.playing = false;
        Ok(())
    }

    fn show_batch(&self, entry: &ProblemEntry) -> Result<(), JsValue> {
        if entry.finite_sum {
            self.el.batch_row.remove_attribute("hidden")
        } else {
            self.el.batch_row.set_attribute("hidden", "")
        }
    }

    fn render_runs(&mut self, setups: &[RunSetup]) -> Result<(), JsValue> {
        self.el.runs.set_inner_html("");
        let problem = self.problem_entry();
        for (i, setup) in setups.iter().enumerate() {
            let mut setup = setup.clone();
            if !runs::supports(runs::entry(&setup.optimizer), problem) {
                setup = RunSetup {
                    optimizer: "gd".into(),
                    params: BTreeMap::new(),
                    ..setup
                };
            }
            runs::render(&self.document, &self.el.runs, i, &setup, problem)?;
        }
        self.runs = setups.len();
        if self.runs >= MAX_RUNS {
            self.el.add_run.set_attribute("disabled", "")?;
        } else {
            self.el.add_run.remove_attribute("disabled")?;
        }
        Ok(())
    }

    fn read_runs(&self) -> Vec<RunSetup> {
        (0..self.runs)
            .filter_map(|i| runs::read(&self.document, i))
            .collect()
    }

    // ----- controls -------------------------------------------------------------

    fn on_preset(&mut self) {
        let name = self.el.preset.value();
        if let Some(index) = self.scenes.iter().position(|(n, _)| *n == name) {
            self.load_preset(index);
        }
    }

    fn load_preset(&mut self, index: usize) {
        let Some((name, scene)) = self.scenes.get(index) else {
            return;
        };
        self.el.preset.set_value(name);
        self.el.export_title.set_value(&scene.title);
        match scene.parsed_spec() {
            Ok(spec) => {
                if let Err(err) = self.load_spec(&spec) {
                    dom::report_error(&self.document, &err);
                }
            }
            Err(err) => self.el.status.set_text_content(Some(&err.to_string())),
        }
        self.recompute();
        self.scene = Some(index);
        self.scene_edited = false;
        self.show_caption();
    }

    /// The scene's title and caption, and whether each of its claims holds
    /// on the paths as they are now (a changed control may break one).
    fn show_caption(&self) {
        if self.classifier_active {
            let scenes = classifier::scenes();
            match self.classifier_scene.and_then(|i| scenes.get(i)) {
                Some(scene) => {
                    let finished = self.classifier.finished_histories();
                    let claims: Vec<String> = scene
                        .claims
                        .iter()
                        .map(|c| match finished.as_deref().map(|h| c.check(h)) {
                            None => format!("Claim, checked when training ends: {}", c.describe()),
                            Some(Ok(evidence)) => format!("✓ {evidence}"),
                            Some(Err(found)) => format!("✗ {}: {found}", c.describe()),
                        })
                        .collect();
                    dom::show_caption(
                        &self.document,
                        &self.el.caption,
                        &scene.title,
                        &scene.caption,
                        &claims,
                    );
                }
                None => {
                    let _ = self.el.caption.set_attribute("hidden", "");
                }
            }
            return;
        }
        let scene = self.scene.and_then(|i| self.scenes.get(i));
        let (Some((_, scene)), false) = (scene, self.classifier_active) else {
            if !self.classifier_active {
                self.el.caption.set_inner_html("");
                let _ = self.el.caption.set_attribute("hidden", "");
            }
            return;
        };
        let claims: Vec<String> = match &self.outcome {
            Some(outcome) => scene
                .claims
                .iter()
                .map(|c| match c.check(outcome) {
                    Ok(evidence) => format!("✓ {evidence}"),
                    Err(found) => format!("✗ no longer holds: {}: {found}", c.describe()),
                })
                .collect(),
            None => Vec::new(),
        };
        let caption = if self.scene_edited {
            format!(
                "Edited: this describes the scene as shipped (key {} restores it). {}",
                self.scene.map_or(0, |i| i + 1),
                scene.caption
            )
        } else {
            scene.caption.clone()
        };
        dom::show_caption(
            &self.document,
            &self.el.caption,
            &scene.title,
            &caption,
            &claims,
        );
    }

    fn on_problem(&mut self) {
        let entry = self.problem_entry();
        let result = controls::build(
            &self.document,
            &self.el.problem_params,
            "problem",
            entry.params,
            &BTreeMap::new(),
        )
        .and_then(|_| self.show_batch(entry))
        .and_then(|_| {
            let setups = self.read_runs();
            self.render_runs(&setups)
        });
        if let Err(err) = result {
            dom::report_error(&self.document, &err);
        }
        self.el.formula.set_text_content(Some(entry.formula));
        self.start = None;
        self.shown = 0;
        self.scene = None;
        self.recompute();
    }

    fn on_noise(&mut self) {
        let kind = self.el.noise.value();
        if let Err(err) = controls::build(
            &self.document,
            &self.el.noise_params,
            "noise",
            noise_params_of(&kind),
            &BTreeMap::new(),
        ) {
            dom::report_error(&self.document, &err);
        }
        self.recompute();
    }

    fn on_params(&mut self, event: &Event, group: ParamGroup) {
        if let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) {
            let specs = match group {
                ParamGroup::Problem => self.problem_entry().params,
                ParamGroup::Noise => noise_params_of(&self.el.noise.value()),
            };
            controls::sync(&target, specs);
        }
        self.recompute();
    }

    /// The run panel an event happened in, and the element it happened on.
    fn run_target(event: &Event) -> Option<(usize, Element)> {
        let target = event.target()?.dyn_into::<Element>().ok()?;
        let panel = target.closest("fieldset.run").ok()??;
        let index = panel.get_attribute("data-run")?.parse().ok()?;
        Some((index, target))
    }

    fn on_runs_input(&mut self, event: &Event) {
        let Some((index, target)) = Self::run_target(event) else {
            return;
        };
        let id = target.id();
        let prefix = format!("run{index}-");
        let setups = self.read_runs();
        if let Some(setup) = setups.get(index) {
            let specs = if id.starts_with(&format!("{prefix}opt-")) {
                runs::entry(&setup.optimizer).params
            } else if id.starts_with(&format!("{prefix}schedule-")) {
                runs::schedule_params(kind_of(setup.schedule.as_ref(), ""))
            } else {
                runs::averaging_params(kind_of(setup.averaging.as_ref(), ""))
            };
            controls::sync(&target, specs);
        }
        self.recompute();
    }

    fn on_runs_change(&mut self, event: &Event) {
        let Some((index, target)) = Self::run_target(event) else {
            return;
        };
        let role = target.get_attribute("data-role").unwrap_or_default();
        if role == "optimizer" || role == "kind" {
            let mut setups = self.read_runs();
            if role == "optimizer" {
                if let Some(setup) = setups.get_mut(index) {
                    setup.params = BTreeMap::new();
                    setup.schedule = None;
                }
            }
            if let Err(err) = self.render_runs(&setups) {
                dom::report_error(&self.document, &err);
            }
        }
        self.recompute();
    }

    fn on_runs_click(&mut self, event: &Event) {
        let Some((index, target)) = Self::run_target(event) else {
            return;
        };
        let mut setups = self.read_runs();
        match target.get_attribute("data-action").as_deref() {
            Some("remove") if setups.len() > 1 => {
                setups.remove(index);
            }
            Some("duplicate") if setups.len() < MAX_RUNS => {
                let mut copy = setups[index].clone();
                copy.color = runs::COLORS[setups.len() % runs::COLORS.len()].to_string();
                if !copy.label.is_empty() {
                    copy.label = format!("{} (copy)", copy.label);
                }
                setups.insert(index + 1, copy);
            }
            _ => return,
        }
        if let Err(err) = self.render_runs(&setups) {
            dom::report_error(&self.document, &err);
        }
        self.recompute();
    }

    fn add_run(&mut self) {
        let mut setups = self.read_runs();
        if setups.len() >= MAX_RUNS {
            return;
        }
        let lr = BTreeMap::from([("lr".to_string(), json!(0.05))]);
        setups.push(RunSetup::fresh("adam", lr, setups.len()));
        if let Err(err) = self.render_runs(&setups) {
            dom::report_error(&self.document, &err);
        }
        self.recompute();
    }

    fn on_scrub(&mut self) {
        self.playing = false;
        self.shown = self
            .el
            .scrubber
            .value()
            .parse::<usize>()
            .unwrap_or(0)
            .min(self.steps());
    }

    fn on_key(&mut self, event: &Event) {
        let Some(key) = event.dyn_ref::<KeyboardEvent>() else {
            return;
        };
        // Keys belong to the control that has focus where it uses them: every
        // key in text boxes and menus, the arrows and Home/End on sliders;
        // checkboxes and buttons leave the shortcuts working.
        let target = event.target().and_then(|t| t.dyn_into::<Element>().ok());
        let kind = target
            .as_ref()
            .and_then(|e| e.get_attribute("type"))
            .unwrap_or_default();
        let steering = matches!(
            key.key().as_str(),
            "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown" | "Home" | "End"
        );
        let in_control = target.is_some_and(|e| match e.tag_name().as_str() {
            "SELECT" | "TEXTAREA" => true,
            "INPUT" => match kind.as_str() {
                "checkbox" | "button" | "color" => false,
                "range" => steering,
                _ => true,
            },
            _ => false,
        });
        if in_control || key.ctrl_key() || key.meta_key() || key.alt_key() {
            return;
        }
        if self.classifier_active && key.key() == " " {
            self.toggle_training();
            event.prevent_default();
            return;
        }
        match key.key().as_str() {
            " " => self.toggle_play(),
            "ArrowRight" => self.step_by(1),
            "ArrowLeft" => self.step_by(-1),
            "End" => self.step_by(isize::MAX),
            "Home" => self.reset(),
            "r" | "R" => self.reset(),
            "f" | "F" => {
                if let Some(root) = self.document.document_element() {
                    let _ = root.request_fullscreen();
                }
            }
            "p" | "P" => self.toggle_presenting(),
            "c" | "C" => self.toggle_controls(),
            "?" => {
                let hidden = self.el.help.has_attribute("hidden");
                let _ = if hidden {
                    self.el.help.remove_attribute("hidden")
                } else {
                    self.el.help.set_attribute("hidden", "")
                };
            }
            "Escape" => {
                let _ = self.el.help.set_attribute("hidden", "");
            }
            digit
                if digit.len() == 1
                    && ('1'..='9').contains(&digit.chars().next().unwrap_or('0')) =>
            {
                let index = digit.parse::<usize>().unwrap_or(1) - 1;
                if self.classifier_active {
                    self.load_classifier_scene(index);
                } else {
                    self.load_preset(index);
                }
            }
            _ => return,
        }
        event.prevent_default();
    }

    fn plane_point(&self, event: &Event) -> Option<[f64; 2]> {
        let pointer = event.dyn_ref::<PointerEvent>()?;
        let layout = self.layout?;
        let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
        let (px, py) = (
            f64::from(pointer.offset_x()) * ratio,
            f64::from(pointer.offset_y()) * ratio,
        );
        let plot = layout.plot;
        let inside = px >= f64::from(plot.left)
            && px <= f64::from(plot.left + plot.width)
            && py >= f64::from(plot.top)
            && py <= f64::from(plot.top + plot.height);
        inside.then(|| {
            let (x, y) = layout.to_plane(px, py);
            [x, y]
        })
    }

    fn on_pointer_down(&mut self, event: &Event) {
        if let Some(point) = self.plane_point(event) {
            self.dragging = true;
            self.start = Some(point);
            self.recompute();
        }
    }

    fn on_pointer_move(&mut self, event: &Event) {
        let point = self.plane_point(event);
        if self.dragging {
            if let Some(point) = point {
                self.start = Some(point);
                self.recompute();
            }
        }
        let text = match (point, &self.outcome) {
            (Some([x, y]), Some(outcome)) => format!(
                "x = {}, y = {}: f = {}",
                format_number(x),
                format_number(y),
                format_number(outcome.landscape.value(&[x, y]))
            ),
            _ => String::new(),
        };
        self.el.hover.set_text_content(Some(&text));
    }

    /// Hovering the chart: every visible run's value at the step under the pointer.
    fn on_chart_move(&mut self, event: &Event) {
        let (Some(pointer), Some(outcome)) = (event.dyn_ref::<PointerEvent>(), &self.outcome)
        else {
            return;
        };
        let Some(axis) = self.step_axis else {
            return;
        };
        let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
        let step = axis.step_at(f64::from(pointer.offset_x()) * ratio);
        let quantity = self.chart_quantity();
        let minima = outcome.landscape.minima();
        let parts: Vec<String> = outcome
            .runs
            .iter()
            .zip(&self.styles)
            .filter(|(_, style)| style.visible)
            .filter_map(|(run, _)| {
                let values = quantity.values(&run.history, &minima);
                values
                    .get(step)
                    .map(|v| format!("{} {}", run.label, format_number(*v)))
            })
            .collect();
        self.el
            .hover
            .set_text_content(Some(&format!("step {step}: {}", parts.join(", "))));
    }

    // ----- running --------------------------------------------------------------

    /// The experiment spec the controls describe.
    fn spec_value(&self) -> Json {
        self.spec_with_runs(&self.read_runs())
    }

    /// The experiment spec the controls describe, with runs already read from their panels.
    fn spec_with_runs(&self, setups: &[RunSetup]) -> Json {
        let d = &self.document;
        let mut problem = Map::new();
        problem.insert("name".into(), json!(self.problem_entry().name));
        problem.extend(controls::read(d, "problem", self.problem_entry().params));
        let mut spec = Map::new();
        spec.insert("problem".into(), Json::Object(problem));
        if let Some(start) = self.start {
            spec.insert("start".into(), json!(start));
        }
        spec.insert("steps".into(), json!(self.steps));
        spec.insert("seed".into(), json!(self.seed));
        let noise = self.el.noise.value();
        if noise != "none" {
            let mut n = Map::new();
            n.insert("kind".into(), json!(noise));
            n.extend(controls::read(d, "noise", noise_params_of(&noise)));
            spec.insert("noise".into(), Json::Object(n));
        }
        if self.problem_entry().finite_sum {
            let text = self.el.batch_size.value();
            spec.insert(
                "batch_size".into(),
                text.parse::<u64>().map_or(Json::String(text), |b| json!(b)),
            );
        }
        let runs: Vec<Json> = setups.iter().map(RunSetup::to_spec).collect();
        spec.insert("runs".into(), Json::Array(runs));
        Json::Object(spec)
    }

    /// Runs the spec the controls describe; a bad value is named in the status
    /// line and outlined, and the address is updated to share the scene.
    fn recompute(&mut self) {
        let setups = self.read_runs();
        let value = self.spec_with_runs(&setups);
        self.styles = setups
            .iter()
            .map(|r| {
                let (red, green, blue) = runs::parse_color(&r.color);
                Style {
                    color: RGBColor(red, green, blue),
                    visible: r.visible,
                }
            })
            .collect();
        match Spec::from_value(&value).and_then(|spec| run_spec(&spec)) {
            Ok(outcome) => {
                self.shown = self.shown.min(
                    outcome
                        .runs
                        .iter()
                        .map(|r| r.history.steps())
                        .max()
                        .unwrap_or(0),
                );
                self.outcome = Some(outcome);
                if !self
                    .el
                    .status
                    .text_content()
                    .unwrap_or_default()
                    .starts_with("The address had problems")
                {
                    self.el.status.set_text_content(None);
                }
                controls::mark_invalid(&self.el.problem_params, &[]);
                controls::mark_invalid(&self.el.runs, &[]);
                if !self.classifier_active {
                    self.write_address(&value);
                }
            }
            Err(err) => {
                let fields: Vec<String> = err.errors.iter().map(|e| e.field.clone()).collect();
                controls::mark_invalid(&self.el.problem_params, &fields);
                controls::mark_invalid(&self.el.runs, &fields);
                self.el.status.set_text_content(Some(&err.to_string()));
            }
        }
        self.scene_edited = true;
        self.show_caption();
        self.dirty = true;
    }

    fn write_address(&self, value: &Json) {
        let encoded: String = js_sys::encode_uri_component(&value.to_string()).into();
        replace_fragment(&encoded);
    }

    fn steps(&self) -> usize {
        self.outcome.as_ref().map_or(0, |o| {
            o.runs.iter().map(|r| r.history.steps()).max().unwrap_or(0)
        })
    }

    fn toggle_play(&mut self) {
        if !self.playing && self.shown >= self.steps() {
            self.shown = 0;
        }
        self.playing = !self.playing;
    }

    fn step_by(&mut self, delta: isize) {
        self.playing = false;
        self.shown = self.shown.saturating_add_signed(delta).min(self.steps());
    }

    fn reset(&mut self) {
        self.playing = false;
        self.shown = 0;
    }

    fn update_text(&self) {
        self.el
            .play
            .set_text_content(Some(if self.playing { "Pause" } else { "Play" }));
        self.el
            .step_counter
            .set_text_content(Some(&self.shown.to_string()));
        self.el
            .step_total
            .set_text_content(Some(&self.steps().to_string()));
        self.el.scrubber.set_max(&self.steps().to_string());
        self.el.scrubber.set_value(&self.shown.to_string());
        let start = self.outcome.as_ref().map_or(String::new(), |o| {
            format!(
                "({}, {})",
                format_number(o.start[0]),
                format_number(o.start[1])
            )
        });
        self.el.start.set_text_content(Some(&start));
        let Some(outcome) = &self.outcome else {
            return;
        };
        let first_visible = outcome
            .runs
            .iter()
            .zip(&self.styles)
            .find(|(_, style)| style.visible)
            .map(|(run, _)| run);
        let header = first_visible.map_or(String::from("no run shown"), |run| {
            let h = &run.history;
            format!(
                "f = {} ({})",
                format_number(h.loss[self.shown.min(h.steps())]),
                run.label
            )
        });
        self.el.loss.set_text_content(Some(&header));
        let mut lines = Vec::new();
        let visible = self.styles.iter().filter(|s| s.visible).count();
        if self.el.compare.value() == "side-by-side" && visible > SIDE_BY_SIDE {
            lines.push(format!(
                "Side by side shows the first {SIDE_BY_SIDE} of the {visible} runs shown: hide runs to choose which."
            ));
        }
        for run in &outcome.runs {
            lines.push(readout(run, self.shown));
        }
        self.el.step_info.set_text_content(Some(&lines.join("\n")));
    }

    fn set_mode(&mut self, classifier: bool) {
        let switching_back = self.classifier_active && !classifier;
        self.classifier_active = classifier;
        self.classifier.dirty = true;
        self.classifier.mark_address_stale();
        if switching_back {
            let edited = self.scene_edited;
            self.recompute();
            self.scene_edited = edited;
        }
        let (show, hide) = if classifier {
            (&self.el.classifier_mode, &self.el.landscape_mode)
        } else {
            (&self.el.landscape_mode, &self.el.classifier_mode)
        };
        let _ = show.remove_attribute("hidden");
        let _ = hide.set_attribute("hidden", "");
        let _ = self
            .el
            .mode_landscapes
            .set_attribute("aria-pressed", &(!classifier).to_string());
        let _ = self
            .el
            .mode_classifier
            .set_attribute("aria-pressed", &classifier.to_string());
        let _ = if classifier {
            self.el.preset.set_attribute("hidden", "")
        } else {
            self.el.preset.remove_attribute("hidden")
        };
        self.show_caption();
        self.dirty = true;
    }

    fn toggle_training(&mut self) {
        self.classifier.set_playing(!self.classifier.playing());
        self.el
            .net_play
            .set_text_content(Some(if self.classifier.playing() {
                "Pause"
            } else {
                "Train"
            }));
    }

    /// The panels no longer are the scene: its caption and claims go.
    fn leave_classifier_scene(&mut self) {
        if self.classifier_scene.take().is_some() {
            self.el.net_scene.set_value("custom");
            self.show_caption();
        }
    }

    fn on_net_change(&mut self, event: &Event) {
        self.leave_classifier_scene();
        if let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) {
            if let Err(err) = self.classifier.on_change(&target) {
                dom::report_error(&self.document, &err);
            }
        }
    }

    fn on_net_click(&mut self, event: &Event) {
        if event
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .is_some_and(|t| t.get_attribute("data-action").as_deref() == Some("remove"))
        {
            self.leave_classifier_scene();
        }
        if let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) {
            if let Err(err) = self.classifier.on_click(&target) {
                dom::report_error(&self.document, &err);
            }
        }
    }

    fn on_net_scene(&mut self) {
        if let Ok(index) = self.el.net_scene.value().parse::<usize>() {
            self.load_classifier_scene(index);
        }
    }

    fn load_classifier_scene(&mut self, index: usize) {
        if let Some(scene) = classifier::scenes().get(index) {
            self.el.net_scene.set_value(&index.to_string());
            self.el.net_play.set_text_content(Some("Train"));
            if let Err(err) = self.classifier.render(&scene.panels) {
                dom::report_error(&self.document, &err);
            }
            self.classifier_scene = Some(index);
            self.show_caption();
        }
    }

    /// One animation frame: advance if playing, redraw if anything changed.
    fn frame(&mut self, now: f64) {
        if self.classifier_active {
            if let Err(err) = self.classifier.frame() {
                dom::report_error(&self.document, &err);
            }
            if let Some(fragment) = self.classifier.take_address() {
                replace_fragment(&fragment);
            }
            let checked = self.classifier.finished_histories().is_some();
            if checked != self.classifier_checked {
                self.classifier_checked = checked;
                self.show_caption();
            }
            if !self.classifier.playing() {
                self.el.net_play.set_text_content(Some("Train"));
            }
            return;
        }
        let speed: f64 = self.el.speed.value().parse().unwrap_or(1.0);
        if self.playing && now - self.last_advance >= STEP_INTERVAL_MS / speed.max(0.01) {
            self.last_advance = now;
            let stride = speed.max(1.0) as usize;
            self.shown = (self.shown + stride.max(1)).min(self.steps());
            if self.shown >= self.steps() {
                self.playing = false;
            }
            self.dirty = true;
            self.update_text();
        }
        let (size, ratio, resized) = canvas::fit_to_display(&self.el.canvas);
        if resized || self.dirty || self.background_settled() {
            self.dirty = false;
            if let Err(err) = self.draw(size, ratio) {
                dom::report_error(&self.document, &err);
            }
        }
    }

    fn draw(&mut self, size: (u32, u32), ratio: f64) -> Result<(), JsValue> {
        let Some(outcome) = self.outcome.take() else {
            return Ok(());
        };
        let result = self
            .draw_outcome(&outcome, size, ratio)
            .and_then(|_| self.draw_curves(&outcome));
        self.outcome = Some(outcome);
        result
    }

    /// Whether the page is dark: the user's choice, else the system's.
    fn is_dark(&self) -> bool {
        let root = self.document.document_element();
        match root.and_then(|r| r.get_attribute("data-theme")).as_deref() {
            Some("dark") => true,
            Some("light") => false,
            _ => web_sys::window()
                .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
                .is_some_and(|m| m.matches()),
        }
    }

    fn theme(&self) -> Theme {
        if self.is_dark() {
            Theme::DARK
        } else {
            Theme::LIGHT
        }
    }

    fn toggle_theme(&mut self) {
        let next = if self.is_dark() { "light" } else { "dark" };
        if let Some(root) = self.document.document_element() {
            let _ = root.set_attribute("data-theme", next);
        }
        self.dirty = true;
    }

    fn presenting(&self) -> bool {
        self.document
            .body()
            .is_some_and(|b| b.class_list().contains("presenting"))
    }

    /// Shows or hides the controls beside the picture while presenting.
    fn toggle_controls(&mut self) {
        if let Some(body) = self.document.body() {
            let _ = body.class_list().toggle("controls-open");
        }
        self.dirty = true;
        self.classifier.dirty = true;
    }

    fn toggle_presenting(&mut self) {
        if let Some(body) = self.document.body() {
            let _ = body.class_list().toggle("presenting");
        }
        self.dirty = true;
        self.classifier.dirty = true;
    }

    /// The overlays that are switched on: the field over the view, the local
    /// model at the current point of the first visible run.
    fn guides(&self, outcome: &Outcome, layout: &Layout, group: &[usize]) -> Guides {
        let run = group.first().copied();
        let mut guides = Guides::default();
        let landscape = outcome.landscape.as_ref();
        if self.el.overlay_field.checked() {
            guides.arrows = gradient_field(landscape, &layout.view, 15);
        }
        let current = run
            .and_then(|i| outcome.runs.get(i))
            .and_then(|run| run.history.points.get(self.shown.min(run.history.steps())));
        if let Some(point) = current {
            let (newton, eigen) = local_model(landscape, [point[0], point[1]], &layout.view);
            if self.el.overlay_newton.checked() {
                guides.newton = newton;
            }
            if self.el.overlay_eigen.checked() {
                guides.eigen = eigen;
            }
        }
        if self.el.overlay_momentum.checked() {
            guides.momentum = group.iter().find_map(|&i| self.momentum_split(outcome, i));
        }
        guides
    }

    /// The last step of run `i` split into gradient and velocity parts, if
    /// the run is SGD with momentum.
    fn momentum_split(&self, outcome: &Outcome, i: usize) -> Option<(Segment, Segment)> {
        let setup = runs::read(&self.document, i)?;
        let number = |name: &str| setup.params.get(name).and_then(Json::as_f64).unwrap_or(0.0);
        let momentum = number("momentum");
        if setup.optimizer != "sgd" || momentum <= 0.0 {
            return None;
        }
        let dampening = number("dampening");
        let nesterov = setup
            .params
            .get("nesterov")
            .and_then(Json::as_bool)
            .unwrap_or(false);
        let h = &outcome.runs.get(i)?.history;
        let k = self.shown.min(h.steps());
        if k < 2 {
            return None;
        }
        let (from, to) = (&h.points[k - 1], &h.points[k]);
        let coefficient = if nesterov {
            1.0 + momentum * (1.0 - dampening)
        } else {
            1.0 - dampening
        };
        Some(momentum_split(
            outcome.landscape.as_ref(),
            [from[0], from[1]],
            [to[0], to[1]],
            h.lr[k - 1],
            coefficient,
            number("weight_decay"),
        ))
    }

    /// The quantity the chart menu names.
    fn chart_quantity(&self) -> Quantity {
        let kind = self.el.chart_kind.value();
        Quantity::ALL
            .iter()
            .find(|q| q.0 == kind)
            .map_or(Quantity::Loss, |q| q.1)
    }

    /// The per-step chart of every visible run.
    fn draw_curves(&mut self, outcome: &Outcome) -> Result<(), JsValue> {
        let (_, ratio, _) = canvas::fit_to_display(&self.el.curves);
        let quantity = self.chart_quantity();
        let minima = outcome.landscape.minima();
        let curves = run_curves(
            outcome
                .runs
                .iter()
                .zip(&self.styles)
                .filter(|(_, style)| style.visible)
                .map(|(run, style)| (run, style.color)),
            quantity,
            &minima,
            if self.el.overlay_ahead.checked() {
                usize::MAX
            } else {
                self.shown
            },
        );
        let backend = CanvasBackend::with_canvas_object(self.el.curves.clone())
            .ok_or_else(|| JsValue::from_str("plotters could not use the chart canvas"))?;
        let root = backend.into_drawing_area();
        let scale = if self.presenting() {
            1.5 * ratio
        } else {
            ratio
        };
        self.step_axis = draw_curves(
            &root,
            quantity.caption(),
            &curves,
            self.shown,
            scale,
            &self.theme(),
        )
        .map_err(|e| JsValue::from_str(&format!("drawing the chart failed: {e}")))?;
        if let Some(axis) = self.step_axis {
            // The value axis's range, for the end-to-end tests.
            let _ = self.el.curves.set_attribute(
                "data-range",
                &format!("{} {}", axis.values.0, axis.values.1),
            );
        }
        root.present()
            .map_err(|e| JsValue::from_str(&format!("drawing the chart failed: {e}")))
    }

    fn export(&mut self, what: Export) {
        let d = &self.document;
        let result = match (what, &self.outcome) {
            (Export::Png, _) => self.export_picture(false),
            (Export::Svg, _) => self.export_picture(true),
            (Export::Csv, Some(outcome)) => match outcome.to_csv() {
                Ok(text) => export::text(d, "descent-histories.csv", "text/csv", &text),
                Err(e) => Err(JsValue::from_str(&e.to_string())),
            },
            (Export::Json, Some(outcome)) => match serde_json::to_string(outcome) {
                Ok(text) => export::text(d, "descent-histories.json", "application/json", &text),
                Err(e) => Err(JsValue::from_str(&e.to_string())),
            },
            (Export::Spec, _) => {
                let text = serde_json::to_string_pretty(&self.spec_value()).unwrap_or_default();
                export::text(d, "descent-spec.json", "application/json", &text)
            }
            (_, None) => Ok(()),
        };
        if let Err(err) = result {
            dom::report_error(d, &err);
        }
    }

    /// How a picture of `size` device pixels is split into panels (one with
    /// every visible run, or one per run side by side) and laid out.
    fn panels_frame(&self, outcome: &Outcome, size: (u32, u32), scale: f64) -> Frame {
        let visible: Vec<usize> = (0..outcome.runs.len())
            .filter(|&i| self.styles.get(i).is_some_and(|s| s.visible))
            .collect();
        let groups: Vec<Vec<usize>> =
            if self.el.compare.value() == "side-by-side" && visible.len() > 1 {
                visible
                    .iter()
                    .take(SIDE_BY_SIDE)
                    .map(|&i| vec![i])
                    .collect()
            } else {
                vec![visible]
            };
        let (columns, rows) = match groups.len() {
            1 => (1, 1),
            2 => (2, 1),
            _ => (2, 2),
        };
        let panel_size = (size.0 / columns, size.1 / rows);
        let window = if self.el.fit_view.checked() {
            let shown = groups
                .iter()
                .flatten()
                .flat_map(|&i| outcome.runs[i].history.drawn_points());
            fit_points(&outcome.landscape.window(), shown)
        } else {
            outcome.landscape.window()
        };
        let layout = Layout::fit(panel_size, &window, &Margins::default(), scale);
        Frame {
            groups,
            columns,
            panel_size,
            layout,
        }
    }

    /// Draws every panel of `frame` but its landscape image: colour bar,
    /// overlays, paths and legend, on any plotters backend.
    fn draw_panels<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        outcome: &Outcome,
        frame: &Frame,
        scale: Option<&ColorScale>,
        theme: &Theme,
    ) -> Result<(), JsValue> {
        let failed = |e: DrawingAreaErrorKind<DB::ErrorType>| {
            JsValue::from_str(&format!("drawing failed: {e}"))
        };
        let layout = &frame.layout;
        for (k, group) in frame.groups.iter().enumerate() {
            let origin = frame.origin(k);
            let area = root.clone().shrink(origin, frame.panel_size);
            if let Some(scale) = scale {
                draw_color_bar(&area, layout, scale, theme).map_err(failed)?;
            }
            let guides = self.guides(outcome, layout, group);
            draw_guides(&area, layout, &guides).map_err(failed)?;
            let paths = self.paths(outcome, group);
            draw_overlay(&area, layout, &outcome.landscape.minima(), &paths, theme)
                .map_err(failed)?;
        }
        Ok(())
    }

    fn draw_outcome(
        &mut self,
        outcome: &Outcome,
        size: (u32, u32),
        ratio: f64,
    ) -> Result<(), JsValue> {
        let theme = self.theme();
        let text_scale = if self.presenting() { 1.5 } else { 1.0 };
        let frame = self.panels_frame(outcome, size, ratio * text_scale);
        let layout = frame.layout;
        self.layout = Some(layout);
        let context = canvas::context_2d(&self.el.canvas)?;
        let RGBColor(r, g, b) = theme.background;
        context.set_fill_style_str(&format!("rgb({r}, {g}, {b})"));
        context.fill_rect(0.0, 0.0, f64::from(size.0), f64::from(size.1));
        let key = format!("{}{}", outcome.problem, self.seed);
        let image = self.background(outcome, &key, &layout)?.clone();
        let scale = self.background.as_ref().map(|b| b.scale);
        for k in 0..frame.groups.len() {
            let (x, y) = frame.origin(k);
            context.draw_image_with_html_canvas_element_and_dw_and_dh(
                &image,
                f64::from(x + layout.plot.left),
                f64::from(y + layout.plot.top),
                f64::from(layout.plot.width),
                f64::from(layout.plot.height),
            )?;
        }
        let backend = CanvasBackend::with_canvas_object(self.el.canvas.clone())
            .ok_or_else(|| JsValue::from_str("plotters could not use the canvas"))?;
        let root = backend.into_drawing_area();
        self.draw_panels(&root, outcome, &frame, scale.as_ref(), &theme)?;
        root.present()
            .map_err(|e| JsValue::from_str(&format!("drawing failed: {e}")))
    }

    /// The picture for a slide: PNG at twice the screen's CSS size or SVG at
    /// it, with the title from the export box above it, in the light theme.
    fn export_picture(&self, svg: bool) -> Result<(), JsValue> {
        let Some(outcome) = &self.outcome else {
            return Ok(());
        };
        let factor = if svg { 1 } else { 2 };
        let css = (
            self.el.canvas.client_width().max(200) as u32,
            self.el.canvas.client_height().max(150) as u32,
        );
        let size = (css.0 * factor, css.1 * factor);
        let title = self.el.export_title.value();
        let band = if title.trim().is_empty() {
            0
        } else {
            36 * factor
        };
        let frame = self.panels_frame(outcome, (size.0, size.1 - band), f64::from(factor));
        let layout = frame.layout;
        let image = landscape::render(
            outcome.landscape.as_ref(),
            &layout.view,
            layout.plot.width,
            layout.plot.height,
            factor as f32,
        );
        let heatmap = export::image_canvas(&self.document, &image)?;
        let theme = Theme::LIGHT;
        let places: Vec<(u32, u32)> = (0..frame.groups.len())
            .map(|k| {
                let (x, y) = frame.origin(k);
                (x + layout.plot.left, y + band + layout.plot.top)
            })
            .collect();
        let font = ("sans-serif", 20.0 * f64::from(factor)).into_font();
        if svg {
            let mut text = String::new();
            {
                let root = SVGBackend::with_string(&mut text, size).into_drawing_area();
                root.draw(&Text::new(title.clone(), (12, 8), font))
                    .map_err(|e| JsValue::from_str(&e.to_string()))?;
                let area = root.clone().shrink((0, band), (size.0, size.1 - band));
                self.draw_panels(&area, outcome, &frame, Some(&image.scale), &theme)?;
                root.present()
                    .map_err(|e| JsValue::from_str(&e.to_string()))?;
            }
            let svg = export::with_images(&text, &heatmap, &places, &layout.plot)?;
            export::text(
                &self.document,
                "descent-landscape.svg",
                "image/svg+xml",
                &svg,
            )
        } else {
            let target = export::blank_canvas(&self.document, size)?;
            let context = canvas::context_2d(&target)?;
            context.set_fill_style_str("#ffffff");
            context.fill_rect(0.0, 0.0, f64::from(size.0), f64::from(size.1));
            for &(x, y) in &places {
                context.draw_image_with_html_canvas_element(
                    &heatmap,
                    f64::from(x),
                    f64::from(y),
                )?;
            }
            let backend = CanvasBackend::with_canvas_object(target.clone())
                .ok_or_else(|| JsValue::from_str("plotters could not use the canvas"))?;
            let root = backend.into_drawing_area();
            root.draw(&Text::new(
                title,
                (12 * factor as i32, 8 * factor as i32),
                font,
            ))
            .map_err(|e| JsValue::from_str(&e.to_string()))?;
            let area = root.clone().shrink((0, band), (size.0, size.1 - band));
            self.draw_panels(&area, outcome, &frame, Some(&image.scale), &theme)?;
            root.present()
                .map_err(|e| JsValue::from_str(&e.to_string()))?;
            export::png(&self.document, &target, "descent-landscape.png")
        }
    }

    /// The paths of runs `indices`, each with its averaged path if any.
    fn paths<'o>(&self, outcome: &'o Outcome, indices: &[usize]) -> Vec<PathView<'o>> {
        let ahead = self.el.overlay_ahead.checked();
        indices
            .iter()
            .flat_map(|&i| run_paths(&outcome.runs[i], self.styles[i].color, self.shown, ahead))
            .collect()
    }

    /// The landscape image for `layout`, recomputed only when the problem or
    /// the plot area changed: coarser while changes come in quick succession
    /// (a slider being dragged), at full resolution once they settle.
    fn background(
        &mut self,
        outcome: &Outcome,
        key: &str,
        layout: &Layout,
    ) -> Result<&HtmlCanvasElement, JsValue> {
        let now = dom::now();
        let changed = self
            .background
            .as_ref()
            .is_none_or(|b| b.key != key || b.plot != layout.plot || b.view != layout.view);
        if changed || self.background_settled() {
            let dragging = changed
                && self
                    .background
                    .as_ref()
                    .is_some_and(|b| now - b.computed_at < DRAG_WINDOW_MS);
            let coarseness = if dragging { COARSE } else { 1 };
            let (width, height) = (
                layout.plot.width.div_ceil(coarseness),
                layout.plot.height.div_ceil(coarseness),
            );
            let image = landscape::render(
                outcome.landscape.as_ref(),
                &layout.view,
                width,
                height,
                layout.scale as f32 / coarseness as f32,
            );
            let canvas_element: HtmlCanvasElement = self
                .document
                .create_element("canvas")?
                .dyn_into()
                .map_err(|_| JsValue::from_str("not a canvas"))?;
            canvas_element.set_width(width.max(1));
            canvas_element.set_height(height.max(1));
            canvas::context_2d(&canvas_element)?.put_image_data(
                &canvas::image_data(&image)?,
                0.0,
                0.0,
            )?;
            // The last recomputation's cost and resolution, for the end-to-end tests to report.
            let _ = self
                .el
                .canvas
                .set_attribute("data-background-ms", &format!("{:.1}", dom::now() - now));
            let _ = self
                .el
                .canvas
                .set_attribute("data-background-coarseness", &coarseness.to_string());
            self.background = Some(Background {
                key: key.to_string(),
                plot: layout.plot,
                view: layout.view,
                image: canvas_element,
                coarseness,
                computed_at: now,
                scale: image.scale,
            });
        }
        self.background
            .as_ref()
            .map(|b| &b.image)
            .ok_or_else(|| JsValue::from_str("no landscape image"))
    }

    /// Whether a coarse background is due for its full-resolution redraw.
    fn background_settled(&self) -> bool {
        self.background
            .as_ref()
            .is_some_and(|b| b.coarseness > 1 && dom::now() - b.computed_at >= DRAG_WINDOW_MS)
    }
}

/// Runs `action` unless the app is busy: rebuilding controls can fire events
/// (a focused control being removed) while an action is still running, and
/// that action recomputes everything anyway.
fn act_on(app: &Rc<RefCell<App>>, action: Action, event: &Event) {
    if let Ok(mut app) = app.try_borrow_mut() {
        app.act(action, event);
    }
}

/// What can be downloaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Export {
    Png,
    Svg,
    Csv,
    Json,
    Spec,
}

/// The picture split into panels: which runs each shows and where.
struct Frame {
    /// The runs of each panel.
    groups: Vec<Vec<usize>>,
    columns: u32,
    panel_size: (u32, u32),
    /// Every panel's layout (they share the view).
    layout: Layout,
}

impl Frame {
    /// The top-left pixel of panel `k`.
    fn origin(&self, k: usize) -> (u32, u32) {
        (
            (k as u32 % self.columns) * self.panel_size.0,
            (k as u32 / self.columns) * self.panel_size.1,
        )
    }
}

/// The groups of generated controls outside the run panels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ParamGroup {
    Problem,
    Noise,
}

/// Replaces the address's fragment (after `#`) without adding to the history.
fn replace_fragment(fragment: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("#{fragment}")));
    }
}

fn start_animation(app: Rc<RefCell<App>>) {
    type FrameCallback = Closure<dyn FnMut(f64)>;
    let slot: Rc<RefCell<Option<FrameCallback>>> = Rc::new(RefCell::new(None));
    let next = Rc::clone(&slot);
    *slot.borrow_mut() = Some(Closure::new(move |now: f64| {
        if let Ok(mut app) = app.try_borrow_mut() {
            app.frame(now);
        }
        if let Some(callback) = next.borrow().as_ref() {
            request_frame(callback);
        }
    }));
    if let Some(callback) = slot.borrow().as_ref() {
        request_frame(callback);
    };
}

fn request_frame(callback: &Closure<dyn FnMut(f64)>) {
    if let Some(window) = web_sys::window() {
        let _ = window.request_animation_frame(callback.as_ref().unchecked_ref());
    }
}
