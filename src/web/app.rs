//! The page's entry and dispatch: one [`PageState`], events turned into
//! [`Action`]s, and each action's [`Effect`] followed by the views. The
//! address is the state, rewritten after every change.

use std::cell::RefCell;
use std::rc::Rc;

use plotters::prelude::RGBColor;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Event, HtmlInputElement};

use super::classifier::ClassifierMode;
use super::controls::{self};
use super::elements::{elements, Elements};
use super::landscape_view::{Background, FitKey, ThinKey};
use super::runs::{self, add_option};
use super::state::address;
use super::state::landscape::Field;
use super::state::network::scenes as classifier_scenes;
use super::state::runs::parse_color;
use super::state::{Action, Effect, Mode, PageState};
use super::wiring::landscape_field;
use super::{canvas, dom};
use crate::experiment::landscape::computation::Computation;
use crate::experiment::landscape::spec::noise_kinds;
use crate::problem::registry::PROBLEMS;
use crate::problem::Window;
use crate::render::chart::Thinned;
use crate::render::curves::StepAxis;
use crate::render::view::Layout;
use crate::scene::network::NetworkScene;
use crate::scene::{landscape_scenes, Scene};

/// Milliseconds between revealed steps at speed 1.
const STEP_INTERVAL_MS: f64 = super::animation::STEP_MS;

/// The page: its state, what was computed from it, and the views' caches.
pub struct App {
    pub(super) document: Document,
    pub(super) el: Elements,
    /// Everything on screen, as data.
    pub(super) state: PageState,
    /// The runs computed from the state's experiment.
    pub(super) computation: Option<Computation>,
    /// Counts recomputations, so caches know which computation they belong to.
    pub(super) generation: u64,
    /// Every run's paths thinned for the last layout drawn.
    pub(super) thinned: Option<(ThinKey, Vec<Thinned>)>,
    /// The view fitted to the shown paths, for the computation it was made for.
    pub(super) fitted: RefCell<Option<(FitKey, Window)>>,
    /// Why the experiment could not be computed, if it could not.
    pub(super) error: Option<String>,
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
    pub(super) scenes: Vec<(&'static str, Scene)>,
    /// The classifier scenes, read once from their files.
    pub(super) classifier_scenes: Vec<NetworkScene>,
    /// The basins overlay's map, while it is on.
    pub(super) basins: Option<super::basins_view::BasinOverlay>,
    /// The sweep shown instead of the chart, while one is chosen.
    pub(super) sweep: Option<super::sweep_view::SweepPanel>,
    /// The computation and choice the sweep was last checked against.
    pub(super) sweep_seen: Option<(u64, super::state::landscape::SweepChoice)>,
    /// The fair race being tuned, while it is.
    pub(super) tune: Option<super::sweep_view::TuneRace>,
    /// The 3D view's surface, turn and drag.
    pub(super) surface: super::surface_view::SurfaceView,
    /// The video being recorded, if one is.
    pub(super) recording: Option<super::recording::Recording>,
    /// The GIF being drawn, if one is.
    pub(super) gif: Option<super::animation::GifExport>,
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
        let network_scenes = classifier_scenes(&mut notice);
        for (i, scene) in network_scenes.iter().enumerate() {
            add_option(
                document,
                &el.net_scene,
                &i.to_string(),
                &format!("{} · {}", i + 1, scene.title),
            )?;
        }
        add_option(document, &el.net_scene, "custom", "your own panels")?;
        add_option(document, &el.preset, "", "Scenes (keys 1–9)…")?;
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
        add_option(document, &el.lecture, "", "Lectures…")?;
        let lectures = crate::scene::lecture::lectures().unwrap_or_else(|err| {
            notice = Some(err.to_string());
            Vec::new()
        });
        for (i, (_, lecture)) in lectures.iter().enumerate() {
            add_option(document, &el.lecture, &i.to_string(), &lecture.title)?;
        }
        super::lecture_file::add_entries(document, &el.lecture)?;
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
                "The address had problems; these parts were left out or set to their defaults: {}",
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
            computation: None,
            generation: 0,
            thinned: None,
            fitted: RefCell::new(None),
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
            classifier_scenes: network_scenes,
            basins: None,
            sweep: None,
            sweep_seen: None,
            tune: None,
            surface: Default::default(),
            recording: None,
            gif: None,
        }));
        {
            let mut a = app.borrow_mut();
            a.rebuild_controls();
            a.recompute();
            let panels = a.state.classifier.panels.clone();
            if let Err(err) = a.classifier.render(&panels) {
                dom::report_error(document, &err);
            }
            a.show_mode();
            a.show_caption();
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
        // Playback and view options leave the experiment, the scene and
        // hence the caption's claims as they were.
        if effect >= Effect::Recompute {
            self.show_caption();
        }
        if effect != Effect::Nothing {
            self.show_all();
        }
    }

    /// Every text and control that shows the state, and the address.
    fn show_all(&mut self) {
        self.show_view_controls();
        self.update_text();
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
        let _ = if l.problem.offers(crate::problem::View::FiniteSum) {
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
        let result = result.and_then(|_| self.build_sweep_menu());
        if let Err(err) = result {
            dom::report_error(d, &err);
        }
        self.refresh_controls();
    }

    /// Shows the state's values in every landscape control.
    fn refresh_controls(&self) {
        let l = &self.state.landscape;
        controls::refresh(&self.el.controls, |element| {
            let field = landscape_field(element)?;
            Some((l.field_spec(&field)?, l.value(&field)?))
        });
        for (i, run) in l.runs.iter().enumerate() {
            if let Some(label) = self
                .document
                .get_element_by_id(&format!("run{i}-label"))
                .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
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

    /// Shows the state's mode and hides the other; an embedding shows less.
    fn show_mode(&mut self) {
        if let Some(body) = self.document.body() {
            let embed = self.state.embed;
            let classes = body.class_list();
            let _ = classes.toggle_with_force("embed", embed != super::state::Embed::Off);
            let _ = classes
                .toggle_with_force("embed-controls", embed == super::state::Embed::WithControls);
        }
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
        self.compute_slice();
        self.basins_frame();
        self.sweep_frame();
        self.spin_frame();
        self.recording_frame();
        self.gif_frame();
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
