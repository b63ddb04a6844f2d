//! The landscape page: a problem, one run of any registered optimizer, animated.
//!
//! Every control is generated from a registry; the page turns the controls
//! into an experiment spec, runs it through the core and draws the result.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use serde_json::{json, Map, Value as Json};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    Document, Element, HtmlCanvasElement, HtmlInputElement, HtmlSelectElement, ImageData,
};

use super::controls::{self, format_number};
use super::{canvas, dom};
use crate::optim::registry::{self as optimizers, Requirement, OPTIMIZERS};
use crate::optim::schedule::SCHEDULES;
use crate::param::ParamSpec;
use crate::problem::registry::{self as problems, PROBLEMS};
use crate::problem::Window;
use crate::render::chart::{draw_overlay, PathView, Theme};
use crate::render::figure::{run_color, towards_black};
use crate::render::landscape;
use crate::render::view::{Layout, Margins, PixelRect};
use crate::run::{run_spec, Outcome, Status};
use crate::spec::{averaging_kinds, noise_kinds, Spec};

/// The scene the page opens with: zig-zagging gradient descent on the quadratic.
const INITIAL_PROBLEM: &str = "quadratic";
const INITIAL_OPTIMIZER: &str = "gd";
const INITIAL_LR: f64 = 0.15;
/// Steps computed for every run; the animation reveals them one by one.
const STEPS: usize = 150;
/// Milliseconds between revealed steps while playing.
const STEP_INTERVAL_MS: f64 = 60.0;

/// The landscape image for one problem, plot area and view.
struct Background {
    key: String,
    plot: PixelRect,
    view: Window,
    data: ImageData,
}

/// The page's elements.
struct Elements {
    canvas: HtmlCanvasElement,
    problem: HtmlSelectElement,
    problem_params: Element,
    formula: Element,
    batch_row: Element,
    batch_size: HtmlInputElement,
    optimizer: HtmlSelectElement,
    optimizer_params: Element,
    equations: Element,
    mapping: Element,
    schedule_row: Element,
    schedule: HtmlSelectElement,
    schedule_params: Element,
    averaging: HtmlSelectElement,
    averaging_params: Element,
    noise: HtmlSelectElement,
    noise_params: Element,
    play: Element,
    step_counter: Element,
    step_total: Element,
    loss: Element,
    step_info: Element,
    status: Element,
}

/// A user action, run from an event listener.
type Action = fn(&mut App, &web_sys::Event);

/// The state of the page: what is shown and how far the animation has got.
pub struct App {
    document: Document,
    el: Elements,
    outcome: Option<Outcome>,
    shown: usize,
    playing: bool,
    last_advance: f64,
    background: Option<Background>,
    dirty: bool,
}

fn optimizer_entry(name: &str) -> &'static optimizers::OptimizerEntry {
    optimizers::find(name).unwrap_or(&OPTIMIZERS[0])
}

fn schedule_params(name: &str) -> &'static [ParamSpec] {
    SCHEDULES
        .iter()
        .find(|s| s.name == name)
        .map_or(&[], |s| s.params)
}

fn kind_params(
    kinds: &'static [(&'static str, &'static [ParamSpec])],
    name: &str,
) -> &'static [ParamSpec] {
    kinds.iter().find(|k| k.0 == name).map_or(&[], |k| k.1)
}

fn add_option(
    document: &Document,
    parent: &Element,
    value: &str,
    label: &str,
) -> Result<(), JsValue> {
    let option = document.create_element("option")?;
    option.set_attribute("value", value)?;
    option.set_text_content(Some(label));
    parent.append_child(&option)?;
    Ok(())
}

impl App {
    /// Builds the app on `document`'s controls, wires them and starts the animation.
    pub fn mount(document: &Document) -> Result<(), JsValue> {
        let el = Elements {
            canvas: dom::element(document, "landscape")?,
            problem: dom::element(document, "problem")?,
            problem_params: dom::element(document, "problem-params")?,
            formula: dom::element(document, "formula")?,
            batch_row: dom::element(document, "batch-row")?,
            batch_size: dom::element(document, "batch-size")?,
            optimizer: dom::element(document, "optimizer")?,
            optimizer_params: dom::element(document, "optimizer-params")?,
            equations: dom::element(document, "equations")?,
            mapping: dom::element(document, "mapping")?,
            schedule_row: dom::element(document, "schedule-row")?,
            schedule: dom::element(document, "schedule")?,
            schedule_params: dom::element(document, "schedule-params")?,
            averaging: dom::element(document, "averaging")?,
            averaging_params: dom::element(document, "averaging-params")?,
            noise: dom::element(document, "noise")?,
            noise_params: dom::element(document, "noise-params")?,
            play: dom::element(document, "play")?,
            step_counter: dom::element(document, "step-counter")?,
            step_total: dom::element(document, "step-total")?,
            loss: dom::element(document, "loss")?,
            step_info: dom::element(document, "step-info")?,
            status: dom::element(document, "status")?,
        };
        for entry in PROBLEMS {
            add_option(document, &el.problem, entry.name, entry.label)?;
        }
        el.problem.set_value(INITIAL_PROBLEM);
        let mut groups: Vec<(&str, Element)> = Vec::new();
        for entry in OPTIMIZERS {
            let heading = entry.family.label();
            if groups.last().is_none_or(|(h, _)| *h != heading) {
                let group = document.create_element("optgroup")?;
                group.set_attribute("label", heading)?;
                el.optimizer.append_child(&group)?;
                groups.push((heading, group));
            }
            if let Some((_, group)) = groups.last() {
                add_option(document, group, entry.name, entry.label)?;
            }
        }
        el.optimizer.set_value(INITIAL_OPTIMIZER);
        add_option(document, &el.schedule, "constant", "constant")?;
        for s in SCHEDULES.iter().filter(|s| s.name != "constant") {
            add_option(document, &el.schedule, s.name, s.name)?;
        }
        add_option(document, &el.averaging, "none", "none")?;
        for (name, _) in averaging_kinds() {
            add_option(document, &el.averaging, name, name)?;
        }
        for (name, _) in noise_kinds() {
            add_option(document, &el.noise, name, name)?;
        }

        let app = Rc::new(RefCell::new(App {
            document: document.clone(),
            el,
            outcome: None,
            shown: 0,
            playing: false,
            last_advance: 0.0,
            background: None,
            dirty: true,
        }));
        {
            let mut a = app.borrow_mut();
            a.rebuild_problem_params()?;
            let lr = BTreeMap::from([("lr".to_string(), json!(INITIAL_LR))]);
            a.rebuild_optimizer_params(&lr)?;
            a.rebuild_kind_params()?;
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
            (&el.problem, "change", |app, _| app.on_problem()),
            (&el.optimizer, "change", |app, _| app.on_optimizer()),
            (&el.schedule, "change", |app, _| app.on_kind_change()),
            (&el.averaging, "change", |app, _| app.on_kind_change()),
            (&el.noise, "change", |app, _| app.on_kind_change()),
            (&el.batch_size, "input", |app, _| app.recompute()),
            (&el.problem_params, "input", |app, e| {
                app.on_param_input(e, Group::Problem)
            }),
            (&el.problem_params, "change", |app, e| {
                app.on_param_input(e, Group::Problem)
            }),
            (&el.optimizer_params, "input", |app, e| {
                app.on_param_input(e, Group::Optimizer)
            }),
            (&el.optimizer_params, "change", |app, e| {
                app.on_param_input(e, Group::Optimizer)
            }),
            (&el.schedule_params, "input", |app, e| {
                app.on_param_input(e, Group::Schedule)
            }),
            (&el.averaging_params, "input", |app, e| {
                app.on_param_input(e, Group::Averaging)
            }),
            (&el.noise_params, "input", |app, e| {
                app.on_param_input(e, Group::Noise)
            }),
        ];
        for (target, event, action) in handlers {
            let app = Rc::clone(app);
            dom::listen(target, event, move |e| act_on(&app, action, &e))?;
        }
        let buttons: [(&str, Action); 3] = [
            ("play", |app, _| app.toggle_play()),
            ("step", |app, _| app.step_once()),
            ("reset", |app, _| app.reset()),
        ];
        for (id, action) in buttons {
            let button: Element = dom::element(&a.document, id)?;
            let app = Rc::clone(app);
            dom::listen(&button, "click", move |e| act_on(&app, action, &e))?;
        }
        let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
        let app = Rc::clone(app);
        dom::listen(&window, "resize", move |_| {
            if let Ok(mut app) = app.try_borrow_mut() {
                app.dirty = true;
            }
        })
    }

    /// Runs a user action, then marks the picture for redrawing and refreshes the text.
    fn act(&mut self, action: Action, event: &web_sys::Event) {
        action(self, event);
        self.dirty = true;
        self.update_text();
    }

    fn problem_name(&self) -> String {
        self.el.problem.value()
    }

    fn rebuild_problem_params(&mut self) -> Result<(), JsValue> {
        let entry = problems::find(&self.problem_name()).unwrap_or(&PROBLEMS[0]);
        controls::build(
            &self.document,
            &self.el.problem_params,
            "problem",
            entry.params,
            &BTreeMap::new(),
        )?;
        self.el.formula.set_text_content(Some(entry.formula));
        self.el.batch_row.set_attribute("hidden", "")?;
        if entry.finite_sum {
            self.el.batch_row.remove_attribute("hidden")?;
        }
        // Only offer optimizers this problem supports.
        let options = self.el.optimizer.query_selector_all("option")?;
        for i in 0..options.length() {
            let Some(option) = options.get(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            let name = option.get_attribute("value").unwrap_or_default();
            let supported = match optimizer_entry(&name).requires {
                Requirement::Nothing => true,
                Requirement::Residuals => entry.least_squares,
                Requirement::FiniteSum => entry.finite_sum,
            };
            if supported {
                option.remove_attribute("disabled")?;
            } else {
                option.set_attribute("disabled", "")?;
            }
        }
        let current = optimizer_entry(&self.el.optimizer.value());
        let current_ok = match current.requires {
            Requirement::Nothing => true,
            Requirement::Residuals => entry.least_squares,
            Requirement::FiniteSum => entry.finite_sum,
        };
        if !current_ok {
            self.el.optimizer.set_value(INITIAL_OPTIMIZER);
            self.rebuild_optimizer_params(&BTreeMap::new())?;
        }
        Ok(())
    }

    fn rebuild_optimizer_params(&mut self, values: &BTreeMap<String, Json>) -> Result<(), JsValue> {
        let entry = optimizer_entry(&self.el.optimizer.value());
        controls::build(
            &self.document,
            &self.el.optimizer_params,
            "opt",
            entry.params,
            values,
        )?;
        self.el.equations.set_text_content(Some(entry.equations));
        self.el.mapping.set_text_content(Some(&format!(
            "{} Reference: {}.",
            entry.mapping, entry.reference
        )));
        if entry.has_lr() {
            self.el.schedule_row.remove_attribute("hidden")?;
        } else {
            self.el.schedule_row.set_attribute("hidden", "")?;
        }
        Ok(())
    }

    fn rebuild_kind_params(&mut self) -> Result<(), JsValue> {
        let empty = BTreeMap::new();
        controls::build(
            &self.document,
            &self.el.schedule_params,
            "schedule",
            schedule_params(&self.el.schedule.value()),
            &empty,
        )?;
        controls::build(
            &self.document,
            &self.el.averaging_params,
            "averaging",
            kind_params(averaging_kinds(), &self.el.averaging.value()),
            &empty,
        )?;
        controls::build(
            &self.document,
            &self.el.noise_params,
            "noise",
            kind_params(noise_kinds(), &self.el.noise.value()),
            &empty,
        )
    }

    fn on_problem(&mut self) {
        if let Err(err) = self.rebuild_problem_params() {
            dom::report_error(&self.document, &err);
        }
        self.shown = 0;
        self.recompute();
    }

    fn on_optimizer(&mut self) {
        if let Err(err) = self.rebuild_optimizer_params(&BTreeMap::new()) {
            dom::report_error(&self.document, &err);
        }
        self.recompute();
    }

    fn on_kind_change(&mut self) {
        if let Err(err) = self.rebuild_kind_params() {
            dom::report_error(&self.document, &err);
        }
        self.recompute();
    }

    fn on_param_input(&mut self, event: &web_sys::Event, group: Group) {
        let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        controls::sync(&target, self.group_specs(group));
        self.recompute();
    }

    fn group_specs(&self, group: Group) -> &'static [ParamSpec] {
        match group {
            Group::Problem => problems::find(&self.problem_name()).map_or(&[], |p| p.params),
            Group::Optimizer => optimizer_entry(&self.el.optimizer.value()).params,
            Group::Schedule => schedule_params(&self.el.schedule.value()),
            Group::Averaging => kind_params(averaging_kinds(), &self.el.averaging.value()),
            Group::Noise => kind_params(noise_kinds(), &self.el.noise.value()),
        }
    }

    /// The experiment spec the controls describe.
    fn spec_value(&self) -> Json {
        let d = &self.document;
        let mut problem = Map::new();
        problem.insert("name".into(), json!(self.problem_name()));
        problem.extend(controls::read(
            d,
            "problem",
            self.group_specs(Group::Problem),
        ));
        let optimizer = optimizer_entry(&self.el.optimizer.value());
        let mut run = Map::new();
        run.insert("optimizer".into(), json!(optimizer.name));
        run.extend(controls::read(d, "opt", optimizer.params));
        let schedule = self.el.schedule.value();
        if optimizer.has_lr() && schedule != "constant" {
            let mut s = Map::new();
            s.insert("kind".into(), json!(schedule));
            s.extend(controls::read(d, "schedule", schedule_params(&schedule)));
            run.insert("schedule".into(), Json::Object(s));
        }
        let averaging = self.el.averaging.value();
        if averaging != "none" {
            let mut a = Map::new();
            a.insert("kind".into(), json!(averaging));
            a.extend(controls::read(
                d,
                "averaging",
                kind_params(averaging_kinds(), &averaging),
            ));
            run.insert("averaging".into(), Json::Object(a));
        }
        let mut spec = Map::new();
        spec.insert("problem".into(), Json::Object(problem));
        spec.insert("steps".into(), json!(STEPS));
        let noise = self.el.noise.value();
        if noise != "none" {
            let mut n = Map::new();
            n.insert("kind".into(), json!(noise));
            n.extend(controls::read(
                d,
                "noise",
                kind_params(noise_kinds(), &noise),
            ));
            spec.insert("noise".into(), Json::Object(n));
        }
        if self.el.batch_row.get_attribute("hidden").is_none() {
            let text = self.el.batch_size.value();
            spec.insert(
                "batch_size".into(),
                text.parse::<u64>().map_or(Json::String(text), |b| json!(b)),
            );
        }
        spec.insert("runs".into(), json!([Json::Object(run)]));
        Json::Object(spec)
    }

    /// Runs the spec the controls describe; a bad value is named in the status line.
    fn recompute(&mut self) {
        let value = self.spec_value();
        let result = Spec::from_value(&value).and_then(|spec| run_spec(&spec));
        match result {
            Ok(outcome) => {
                self.shown = self.shown.min(outcome.runs[0].history.steps());
                self.outcome = Some(outcome);
                self.el.status.set_text_content(None);
                for container in [&self.el.problem_params, &self.el.optimizer_params] {
                    controls::mark_invalid(container, &[]);
                }
            }
            Err(err) => {
                let fields: Vec<String> = err.errors.iter().map(|e| e.field.clone()).collect();
                for container in [&self.el.problem_params, &self.el.optimizer_params] {
                    controls::mark_invalid(container, &fields);
                }
                self.el.status.set_text_content(Some(&err.to_string()));
            }
        }
        self.dirty = true;
    }

    fn steps(&self) -> usize {
        self.outcome
            .as_ref()
            .map_or(0, |o| o.runs[0].history.steps())
    }

    fn toggle_play(&mut self) {
        if !self.playing && self.shown >= self.steps() {
            self.shown = 0;
        }
        self.playing = !self.playing;
    }

    fn step_once(&mut self) {
        self.playing = false;
        self.shown = (self.shown + 1).min(self.steps());
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
        let Some(outcome) = &self.outcome else {
            return;
        };
        let h = &outcome.runs[0].history;
        let loss = h.loss.get(self.shown).copied().unwrap_or(f64::NAN);
        self.el.loss.set_text_content(Some(&format_number(loss)));
        let mut info = Vec::new();
        if self.shown > 0 {
            if let Some(lr) = h.lr.get(self.shown - 1) {
                info.push(format!("step size {}", format_number(*lr)));
            }
            if let Some(r) = h.radius.get(self.shown - 1) {
                info.push(format!("Δ = {}", format_number(*r)));
            }
            if let Some(d) = h.damping.get(self.shown - 1) {
                info.push(format!("λ = {}", format_number(*d)));
            }
            if let Some(note) = h.notes.iter().find(|n| n.step == self.shown) {
                info.push(note.text.clone());
            }
        }
        if let (Status::Diverged, Some(step)) = (h.status, h.diverged_at) {
            info.push(format!("Diverged at step {step}."));
        }
        if h.status == Status::Converged {
            info.push(format!("Converged after {} steps.", h.steps()));
        }
        self.el.step_info.set_text_content(Some(&info.join(" · ")));
    }

    /// One animation frame: advance if playing, redraw if anything changed.
    fn frame(&mut self, now: f64) {
        if self.playing && now - self.last_advance >= STEP_INTERVAL_MS {
            self.last_advance = now;
            self.shown += 1;
            if self.shown >= self.steps() {
                self.shown = self.steps();
                self.playing = false;
            }
            self.dirty = true;
            self.update_text();
        }
        let (size, ratio, resized) = canvas::fit_to_display(&self.el.canvas);
        if resized || self.dirty {
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
        let result = self.draw_outcome(&outcome, size, ratio);
        self.outcome = Some(outcome);
        result
    }

    fn draw_outcome(
        &mut self,
        outcome: &Outcome,
        size: (u32, u32),
        ratio: f64,
    ) -> Result<(), JsValue> {
        let layout = Layout::fit(
            size,
            &outcome.landscape.window(),
            &Margins::default(),
            ratio,
        );
        let context = canvas::context_2d(&self.el.canvas)?;
        context.set_fill_style_str("#ffffff");
        context.fill_rect(0.0, 0.0, f64::from(size.0), f64::from(size.1));
        let key = outcome.problem.to_string();
        let background = self.background(outcome, &key, &layout)?;
        context.put_image_data(
            background,
            f64::from(layout.plot.left),
            f64::from(layout.plot.top),
        )?;
        let backend = CanvasBackend::with_canvas_object(self.el.canvas.clone())
            .ok_or_else(|| JsValue::from_str("plotters could not use the canvas"))?;
        let root = backend.into_drawing_area();
        let mut paths = Vec::new();
        for (i, run) in outcome.runs.iter().enumerate() {
            let h = &run.history;
            if let Some(averaged) = &h.averaged {
                paths.push(PathView {
                    points: &averaged.points,
                    shown: self.shown,
                    color: towards_black(run_color(i)),
                    diverged: false,
                    label: Some("Polyak average"),
                    markers: false,
                    radius: None,
                });
            }
            paths.push(PathView {
                points: &h.points,
                shown: self.shown,
                color: run_color(i),
                diverged: h.status == Status::Diverged,
                label: Some(&run.label),
                markers: true,
                radius: self
                    .shown
                    .checked_sub(1)
                    .and_then(|i| h.radius.get(i))
                    .copied(),
            });
        }
        draw_overlay(
            &root,
            &layout,
            &outcome.landscape.minima(),
            &paths,
            &Theme::LIGHT,
        )
        .map_err(|e| JsValue::from_str(&format!("drawing failed: {e}")))?;
        root.present()
            .map_err(|e| JsValue::from_str(&format!("drawing failed: {e}")))
    }

    /// The landscape image for `layout`, recomputed only when the problem or
    /// the plot area changed.
    fn background(
        &mut self,
        outcome: &Outcome,
        key: &str,
        layout: &Layout,
    ) -> Result<&ImageData, JsValue> {
        let stale = self
            .background
            .as_ref()
            .is_none_or(|b| b.key != key || b.plot != layout.plot || b.view != layout.view);
        if stale {
            let image = landscape::render(
                outcome.landscape.as_ref(),
                &layout.view,
                layout.plot.width,
                layout.plot.height,
                layout.scale as f32,
            );
            self.background = Some(Background {
                key: key.to_string(),
                plot: layout.plot,
                view: layout.view,
                data: canvas::image_data(&image)?,
            });
        }
        self.background
            .as_ref()
            .map(|b| &b.data)
            .ok_or_else(|| JsValue::from_str("no landscape image"))
    }
}

/// Runs `action` unless the app is busy: rebuilding controls can fire events
/// (a focused control being removed) while an action is still running, and
/// that action recomputes everything anyway.
fn act_on(app: &Rc<RefCell<App>>, action: Action, event: &web_sys::Event) {
    if let Ok(mut app) = app.try_borrow_mut() {
        app.act(action, event);
    }
}

/// The groups of generated controls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Group {
    Problem,
    Optimizer,
    Schedule,
    Averaging,
    Noise,
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
