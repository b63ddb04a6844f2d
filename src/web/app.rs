//! The page's entry and dispatch: one [`PageState`], events turned into
//! [`Action`]s, and each action's [`Effect`] followed by the views. The
//! address is the state, rewritten after every change.

use std::cell::RefCell;
use std::rc::Rc;

use plotters::prelude::RGBColor;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Event, HtmlCanvasElement, HtmlInputElement, HtmlSelectElement};

use super::classifier::ClassifierMode;
use super::controls::{self, format_number};
use super::landscape_view::Background;
use super::readout::readout;
use super::runs::{self, add_option};
use super::state::address;
use super::state::landscape::{Compare, Field, Overlay, SIDE_BY_SIDE};
use super::state::network::scenes as classifier_scenes;
use super::state::runs::parse_color;
use super::state::{Action, Effect, Mode, PageState};
use super::{canvas, dom};
use crate::problem::registry::PROBLEMS;
use crate::render::curves::StepAxis;
use crate::render::view::Layout;
use crate::run::{run_spec, Outcome};
use crate::scene::{landscape_scenes, Scene};
use crate::spec::{noise_kinds, Spec};

/// Milliseconds between revealed steps at speed 1.
const STEP_INTERVAL_MS: f64 = 60.0;

/// The page's fixed elements.
pub struct Elements {
    pub canvas: HtmlCanvasElement,
    pub preset: HtmlSelectElement,
    pub problem: HtmlSelectElement,
    pub problem_params: Element,
    pub formula: Element,
    pub batch_row: Element,
    pub batch_size: HtmlInputElement,
    pub steps: HtmlInputElement,
    pub seed: HtmlInputElement,
    pub start: Element,
    pub noise: HtmlSelectElement,
    pub noise_params: Element,
    pub controls: Element,
    pub runs: Element,
    pub add_run: Element,
    pub play: Element,
    pub scrubber: HtmlInputElement,
    pub speed: HtmlSelectElement,
    pub step_counter: Element,
    pub step_total: Element,
    pub loss: Element,
    pub step_info: Element,
    pub status: Element,
    pub help: Element,
    pub curves: HtmlCanvasElement,
    pub chart_kind: HtmlSelectElement,
    pub hover: Element,
    pub landscape_mode: Element,
    pub classifier_mode: Element,
    pub mode_landscapes: Element,
    pub mode_classifier: Element,
    pub net_panels: Element,
    pub net_play: Element,
    pub net_scene: HtmlSelectElement,
    pub compare: HtmlSelectElement,
    pub fit_view: HtmlInputElement,
    pub caption: Element,
    pub export_title: HtmlInputElement,
}

/// The overlay checkboxes, by the overlay they switch.
pub const OVERLAY_BOXES: [(&str, Overlay); 5] = [
    ("overlay-field", Overlay::Field),
    ("overlay-newton", Overlay::Newton),
    ("overlay-eigen", Overlay::Eigen),
    ("overlay-momentum", Overlay::Momentum),
    ("overlay-ahead", Overlay::Ahead),
];

/// The page: its state, what was computed from it, and the views' caches.
pub struct App {
    pub(super) document: Document,
    pub(super) el: Elements,
    /// Everything on screen, as data.
    pub(super) state: PageState,
    /// The runs computed from the state's experiment.
    pub(super) outcome: Option<Outcome>,
    /// Why the experiment could not be computed, if it could not.
    error: Option<String>,
    pub(super) background: Option<Background>,
    pub(super) layout: Option<Layout>,
    /// Where the per-step chart put its step axis, for hovering.
    pub(super) step_axis: Option<StepAxis>,
    pub(super) dragging: bool,
    pub(super) dirty: bool,
    last_advance: f64,
    pub(super) classifier: ClassifierMode,
    /// Whether the caption last shown had the classifier's claims checked.
    classifier_checked: bool,
    /// The lecture scenes, read once from their files.
    scenes: Vec<(&'static str, Scene)>,
}

impl App {
    /// Builds the app on `document`'s controls from the state in the
    /// address, wires them and starts the animation.
    pub fn mount(document: &Document) -> Result<(), JsValue> {
        let el = elements(document)?;
        for entry in PROBLEMS {
            add_option(document, &el.problem, entry.name, entry.label)?;
        }
        add_option(document, &el.noise, "none", "none")?;
        for (name, _) in noise_kinds().iter().filter(|(n, _)| *n != "none") {
            add_option(document, &el.noise, name, name)?;
        }
        let mut notice = None;
        for (i, scene) in classifier_scenes(&mut notice).iter().enumerate() {
            add_option(
                document,
                &el.net_scene,
                &i.to_string(),
                &format!("{} · {}", i + 1, scene.title),
            )?;
        }
        add_option(document, &el.net_scene, "custom", "your own panels")?;
        add_option(document, &el.preset, "", "Lecture scenes (keys 1–9)…")?;
        let scenes = landscape_scenes().unwrap_or_else(|err| {
            notice = Some(err.to_string());
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
        let hash = web_sys::window()
            .and_then(|w| w.location().hash().ok())
            .unwrap_or_default();
        let text = js_sys::decode_uri_component(hash.trim_start_matches('#'))
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default();
        let (mut state, problems) = address::read(&text);
        if !problems.is_empty() {
            state.notice = Some(format!(
                "The address had problems, so defaults were used for those parts: {}",
                problems.join("; ")
            ));
        } else if notice.is_some() {
            state.notice = notice;
        }
        let classifier = ClassifierMode::new(document, el.net_panels.clone())?;
        let app = Rc::new(RefCell::new(App {
            document: document.clone(),
            el,
            state,
            outcome: None,
            error: None,
            background: None,
            layout: None,
            step_axis: None,
            dragging: false,
            dirty: true,
            last_advance: 0.0,
            classifier,
            classifier_checked: false,
            scenes,
        }));
        {
            let mut a = app.borrow_mut();
            let step = a.state.landscape.step;
            a.rebuild_controls();
            a.recompute();
            a.state.landscape.step = step.min(a.state.landscape.total);
            let panels = a.state.classifier.panels.clone();
            if let Err(err) = a.classifier.render(&panels) {
                dom::report_error(document, &err);
            }
            a.show_mode();
            a.show_all();
        }
        super::wiring::wire(&app)?;
        start_animation(app);
        Ok(())
    }

    /// Applies `action` to the state and follows its effect.
    pub(super) fn dispatch(&mut self, action: Action) {
        let effect = self.state.apply(action);
        self.follow(effect);
    }

    /// Brings the views in line with the state after `effect`.
    pub(super) fn follow(&mut self, effect: Effect) {
        let result = match effect {
            Effect::Nothing => Ok(()),
            Effect::Refresh => {
                self.refresh_controls();
                self.classifier.refresh();
                Ok(())
            }
            Effect::Redraw => Ok(()),
            Effect::Recompute => {
                self.refresh_controls();
                self.recompute();
                Ok(())
            }
            Effect::Rebuild => {
                self.rebuild_controls();
                self.recompute();
                Ok(())
            }
            Effect::RestartPanel(i) | Effect::RebuildPanel(i) => {
                match self.state.classifier.panels.get(i).cloned() {
                    Some(setup) => {
                        self.classifier
                            .update_panel(i, &setup, effect == Effect::RebuildPanel(i))
                    }
                    None => Ok(()),
                }
            }
            Effect::RebuildPanels => {
                let panels = self.state.classifier.panels.clone();
                self.el.net_play.set_text_content(Some("Train"));
                self.classifier.render(&panels)
            }
            Effect::SwitchMode => {
                self.show_mode();
                Ok(())
            }
        };
        if let Err(err) = result {
            dom::report_error(&self.document, &err);
        }
        if effect != Effect::Nothing {
            self.show_all();
        }
    }

    /// Every text and control that shows the state, and the address.
    fn show_all(&mut self) {
        self.show_view_controls();
        self.update_text();
        self.show_caption();
        self.show_status();
        if !self.state.landscape.playing {
            let text = address::write(&self.state);
            replace_fragment(&String::from(js_sys::encode_uri_component(&text)));
        }
        self.dirty = true;
        self.classifier.dirty = true;
    }

    /// Run `i`'s colour.
    pub(super) fn color(&self, i: usize) -> RGBColor {
        let (r, g, b) = self
            .state
            .landscape
            .runs
            .get(i)
            .and_then(|run| parse_color(&run.color))
            .unwrap_or((255, 99, 71));
        RGBColor(r, g, b)
    }

    /// Whether run `i` is drawn.
    pub(super) fn visible(&self, i: usize) -> bool {
        self.state.landscape.runs.get(i).is_some_and(|r| r.visible)
    }

    /// Builds the landscape controls afresh from the state.
    fn rebuild_controls(&mut self) {
        let l = &self.state.landscape;
        let d = &self.document;
        self.el.problem.set_value(l.problem.name);
        self.el.formula.set_text_content(Some(l.problem.formula));
        let noise_kind = super::state::runs::kind_of(l.noise.as_ref(), "none").to_string();
        self.el.noise.set_value(&noise_kind);
        let mut result = controls::build(
            d,
            &self.el.problem_params,
            "problem",
            l.problem.params,
            &l.problem_params,
        )
        .and_then(|_| {
            controls::build(
                d,
                &self.el.noise_params,
                "noise",
                l.noise_params(),
                &super::state::runs::object_params(l.noise.as_ref()),
            )
        });
        let _ = if l.problem.finite_sum {
            self.el.batch_row.remove_attribute("hidden")
        } else {
            self.el.batch_row.set_attribute("hidden", "")
        };
        self.el.runs.set_inner_html("");
        for (i, run) in l.runs.iter().enumerate() {
            result = result.and_then(|_| runs::render(d, &self.el.runs, i, run, l.problem));
        }
        let _ = if l.runs.len() >= super::state::landscape::MAX_RUNS {
            self.el.add_run.set_attribute("disabled", "")
        } else {
            self.el.add_run.remove_attribute("disabled")
        };
        if let Err(err) = result {
            dom::report_error(d, &err);
        }
        self.refresh_controls();
    }

    /// Shows the state's values in every landscape control.
    fn refresh_controls(&self) {
        let l = &self.state.landscape;
        let value = |field: Field| l.value(&field);
        controls::refresh(&self.el.problem_params, l.problem.params, |name| {
            value(Field::Problem(name.into()))
        });
        controls::refresh(&self.el.noise_params, l.noise_params(), |name| {
            value(Field::Noise(name.into()))
        });
        for (i, run) in l.runs.iter().enumerate() {
            let group = |part: &str| self.document.get_element_by_id(&format!("run{i}-{part}"));
            if let Some(container) = group("params") {
                let specs = super::state::runs::entry(&run.optimizer).params;
                controls::refresh(&container, specs, |name| {
                    value(Field::Optimizer(i, name.into()))
                });
            }
            if let Some(container) = group("schedule-params") {
                let kind = super::state::runs::kind_of(run.schedule.as_ref(), "");
                controls::refresh(
                    &container,
                    super::state::runs::schedule_params(kind),
                    |name| value(Field::Schedule(i, name.into())),
                );
            }
            if let Some(container) = group("averaging-params") {
                let kind = super::state::runs::kind_of(run.averaging.as_ref(), "");
                controls::refresh(
                    &container,
                    super::state::runs::averaging_params(kind),
                    |name| value(Field::Averaging(i, name.into())),
                );
            }
            if let Some(label) = group("label").and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
            {
                label.set_value(&run.label);
            }
        }
        self.el
            .batch_size
            .set_value(&l.shown_value(&Field::BatchSize));
        self.el.steps.set_value(&l.steps.to_string());
        self.el.seed.set_value(&l.seed.to_string());
    }

    /// Shows the view options of the state in their controls.
    fn show_view_controls(&self) {
        let l = &self.state.landscape;
        self.el.compare.set_value(match l.view.compare {
            Compare::Overlaid => "overlaid",
            Compare::SideBySide => "side-by-side",
        });
        for (id, overlay) in OVERLAY_BOXES {
            if let Some(input) = self
                .document
                .get_element_by_id(id)
                .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
            {
                input.set_checked(l.view.has(overlay));
            }
        }
        self.el.fit_view.set_checked(l.view.fit);
        if let Some((name, _)) = crate::render::curves::Quantity::ALL
            .iter()
            .find(|(_, q)| *q == l.view.chart)
        {
            self.el.chart_kind.set_value(name);
        }
        self.el.speed.set_value(&l.speed.to_string());
        self.el.preset.set_value(l.scene.as_deref().unwrap_or(""));
        self.el.net_scene.set_value(
            &self
                .state
                .classifier
                .scene
                .map_or("custom".to_string(), |i| i.to_string()),
        );
    }

    /// The status line: what the last action refused or the address lost,
    /// else why the experiment cannot run.
    fn show_status(&self) {
        let text = self.state.notice.as_deref().or(self.error.as_deref());
        self.el.status.set_text_content(text);
    }

    /// Runs the state's experiment; a bad value is named in the status line
    /// and outlined.
    fn recompute(&mut self) {
        let value = self.state.landscape.spec_value();
        match Spec::from_value(&value).and_then(|spec| run_spec(&spec)) {
            Ok(outcome) => {
                let total = outcome
                    .runs
                    .iter()
                    .map(|r| r.history.steps())
                    .max()
                    .unwrap_or(0);
                self.state.landscape.set_total(total);
                self.outcome = Some(outcome);
                self.error = None;
                controls::mark_invalid(&self.el.problem_params, &[]);
                controls::mark_invalid(&self.el.runs, &[]);
            }
            Err(err) => {
                let fields: Vec<String> = err.errors.iter().map(|e| e.field.clone()).collect();
                controls::mark_invalid(&self.el.problem_params, &fields);
                controls::mark_invalid(&self.el.runs, &fields);
                self.error = Some(err.to_string());
            }
        }
        self.dirty = true;
    }

    fn update_text(&self) {
        let l = &self.state.landscape;
        let (shown, total) = (l.step, l.total);
        self.el
            .play
            .set_text_content(Some(if l.playing { "Pause" } else { "Play" }));
        self.el
            .step_counter
            .set_text_content(Some(&shown.to_string()));
        self.el
            .step_total
            .set_text_content(Some(&total.to_string()));
        self.el.scrubber.set_max(&total.to_string());
        self.el.scrubber.set_value(&shown.to_string());
        let Some(outcome) = &self.outcome else {
            return;
        };
        self.el.start.set_text_content(Some(&format!(
            "({}, {})",
            format_number(outcome.start[0]),
            format_number(outcome.start[1])
        )));
        let first_visible = (0..outcome.runs.len()).find(|&i| self.visible(i));
        let header = first_visible.map_or(String::from("no run shown"), |i| {
            let run = &outcome.runs[i];
            let h = &run.history;
            format!(
                "f = {} ({})",
                format_number(h.loss[shown.min(h.steps())]),
                run.label
            )
        });
        self.el.loss.set_text_content(Some(&header));
        let mut lines = Vec::new();
        let visible = (0..outcome.runs.len()).filter(|&i| self.visible(i)).count();
        if l.view.compare == Compare::SideBySide && visible > SIDE_BY_SIDE {
            lines.push(format!(
                "Side by side shows the first {SIDE_BY_SIDE} of the {visible} runs shown: hide runs to choose which."
            ));
        }
        for run in &outcome.runs {
            lines.push(readout(run, shown));
        }
        self.el.step_info.set_text_content(Some(&lines.join("\n")));
    }

    /// The scene's title and caption, and whether each of its claims holds
    /// on the paths as they are now (a changed control may break one).
    fn show_caption(&self) {
        let hide = || {
            self.el.caption.set_inner_html("");
            let _ = self.el.caption.set_attribute("hidden", "");
        };
        if self.state.mode == Mode::Classifier {
            let scenes = classifier_scenes(&mut None);
            let Some(scene) = self.state.classifier.scene.and_then(|i| scenes.get(i)) else {
                return hide();
            };
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
            return;
        }
        let l = &self.state.landscape;
        let Some((index, (_, scene))) = self
            .scenes
            .iter()
            .enumerate()
            .find(|(_, (name, _))| l.scene.as_deref() == Some(*name))
        else {
            return hide();
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
        let caption = if l.edited {
            format!(
                "Edited: this describes the scene as shipped (key {} restores it). {}",
                index + 1,
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

    /// Shows the state's mode and hides the other.
    fn show_mode(&mut self) {
        let classifier = self.state.mode == Mode::Classifier;
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
        self.dirty = true;
        self.classifier.dirty = true;
    }

    /// Starts or pauses the classifier's training.
    pub(super) fn toggle_training(&mut self) {
        self.classifier.set_playing(!self.classifier.playing());
        self.el
            .net_play
            .set_text_content(Some(if self.classifier.playing() {
                "Pause"
            } else {
                "Train"
            }));
    }

    /// One animation frame: advance if playing, redraw if anything changed.
    fn frame(&mut self, now: f64) {
        if self.state.mode == Mode::Classifier {
            if let Err(err) = self.classifier.frame() {
                dom::report_error(&self.document, &err);
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
        let speed = self.state.landscape.speed;
        if self.state.landscape.playing
            && now - self.last_advance >= STEP_INTERVAL_MS / speed.max(0.01)
        {
            self.last_advance = now;
            self.dispatch(Action::Landscape(
                super::state::landscape::LandscapeAction::Tick,
            ));
        }
        let (size, ratio, resized) = canvas::fit_to_display(&self.el.canvas);
        if resized || self.dirty || self.background_settled() {
            self.dirty = false;
            if let Err(err) = self.draw(size, ratio) {
                dom::report_error(&self.document, &err);
            }
        }
    }

    /// Whether the page is in presentation mode.
    pub(super) fn presenting(&self) -> bool {
        self.document
            .body()
            .is_some_and(|b| b.class_list().contains("presenting"))
    }

    /// Toggles `class` on the page's body (presentation mode, open controls).
    pub(super) fn toggle_body_class(&mut self, class: &str) {
        if let Some(body) = self.document.body() {
            let _ = body.class_list().toggle(class);
        }
        self.dirty = true;
        self.classifier.dirty = true;
    }
}

fn elements(document: &Document) -> Result<Elements, JsValue> {
    Ok(Elements {
        canvas: dom::element(document, "landscape")?,
        preset: dom::element(document, "preset")?,
        problem: dom::element(document, "problem")?,
        problem_params: dom::element(document, "problem-params")?,
        formula: dom::element(document, "formula")?,
        batch_row: dom::element(document, "batch-row")?,
        batch_size: dom::element(document, "batch-size")?,
        steps: dom::element(document, "steps")?,
        seed: dom::element(document, "seed")?,
        start: dom::element(document, "start")?,
        noise: dom::element(document, "noise")?,
        noise_params: dom::element(document, "noise-params")?,
        controls: dom::element(document, "landscape-controls")?,
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
        hover: dom::element(document, "hover")?,
        landscape_mode: dom::element(document, "landscape-mode")?,
        classifier_mode: dom::element(document, "classifier-mode")?,
        mode_landscapes: dom::element(document, "mode-landscapes")?,
        mode_classifier: dom::element(document, "mode-classifier")?,
        net_panels: dom::element(document, "net-panels")?,
        net_play: dom::element(document, "net-play")?,
        net_scene: dom::element(document, "net-scene")?,
        compare: dom::element(document, "compare")?,
        fit_view: dom::element(document, "fit-view")?,
        export_title: dom::element(document, "export-title")?,
        caption: dom::element(document, "caption")?,
    })
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

/// Whether an event's target is `element`.
pub(super) fn target_element(event: &Event) -> Option<Element> {
    event.target()?.dyn_into::<Element>().ok()
}
