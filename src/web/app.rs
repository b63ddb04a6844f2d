//! The landscape page: one problem, one gradient-descent run, animated.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    Document, Element, HtmlButtonElement, HtmlCanvasElement, HtmlInputElement, HtmlSelectElement,
    ImageData,
};

use super::{canvas, dom};
use crate::optim::registry as optimizers;
use crate::param::ParamSpec;
use crate::problem::registry::{self as problems, PROBLEMS};
use crate::problem::{Landscape, Window};
use crate::render::chart::{draw_overlay, PathView, Theme};
use crate::render::landscape;
use crate::render::view::{Layout, Margins, PixelRect};
use crate::run::{run, History, Status};

/// The scene the page opens with: zig-zagging gradient descent on the quadratic.
const INITIAL_PROBLEM: &str = "quadratic";
const INITIAL_LR: f64 = 0.15;
/// Steps computed for every run; the animation reveals them one by one.
const STEPS: usize = 100;
/// Milliseconds between revealed steps while playing.
const STEP_INTERVAL_MS: f64 = 80.0;
/// Positions of the log-scale learning-rate slider.
const SLIDER_TICKS: f64 = 1000.0;
const PATH_COLOR: RGBColor = RGBColor(255, 90, 60);

/// The landscape image for one problem, plot area and view.
struct Background {
    problem: &'static str,
    plot: PixelRect,
    view: Window,
    data: ImageData,
}

/// The page's elements.
struct Elements {
    canvas: HtmlCanvasElement,
    problem: HtmlSelectElement,
    formula: Element,
    lr: HtmlInputElement,
    lr_value: Element,
    play: HtmlButtonElement,
    step: HtmlButtonElement,
    reset: HtmlButtonElement,
    step_counter: Element,
    step_total: Element,
    loss: Element,
    status: Element,
}

/// A user action on the app, run from an event listener.
type Action = fn(&mut App);

/// The state of the page: what is shown and how far the animation has got.
pub struct App {
    document: Document,
    el: Elements,
    lr_spec: ParamSpec,
    problem_name: &'static str,
    problem: Box<dyn Landscape>,
    lr: f64,
    history: History,
    shown: usize,
    playing: bool,
    last_advance: f64,
    background: Option<Background>,
    dirty: bool,
}

impl App {
    /// Builds the app on `document`'s controls, wires them and starts the animation.
    pub fn mount(document: &Document) -> Result<(), JsValue> {
        let el = Elements {
            canvas: dom::element(document, "landscape")?,
            problem: dom::element(document, "problem")?,
            formula: dom::element(document, "formula")?,
            lr: dom::element(document, "lr")?,
            lr_value: dom::element(document, "lr-value")?,
            play: dom::element(document, "play")?,
            step: dom::element(document, "step")?,
            reset: dom::element(document, "reset")?,
            step_counter: dom::element(document, "step-counter")?,
            step_total: dom::element(document, "step-total")?,
            loss: dom::element(document, "loss")?,
            status: dom::element(document, "status")?,
        };
        for entry in PROBLEMS {
            let option = document.create_element("option")?;
            option.set_attribute("value", entry.name)?;
            option.set_text_content(Some(entry.label));
            el.problem.append_child(&option)?;
        }
        el.problem.set_value(INITIAL_PROBLEM);
        let lr_spec = optimizers::find("gd")
            .and_then(|o| o.params.iter().find(|p| p.name == "lr"))
            .copied()
            .ok_or_else(|| JsValue::from_str("the registry has no gd learning rate"))?;
        el.lr.set_min("0");
        el.lr.set_max(&SLIDER_TICKS.to_string());
        el.lr.set_step("1");
        el.lr
            .set_value(&slider_position(&lr_spec, INITIAL_LR).to_string());

        let problem = build_problem(INITIAL_PROBLEM)?;
        let history = trace(problem.as_ref(), INITIAL_LR)?;
        let app = Rc::new(RefCell::new(App {
            document: document.clone(),
            el,
            lr_spec,
            problem_name: INITIAL_PROBLEM,
            problem,
            lr: INITIAL_LR,
            history,
            shown: 0,
            playing: false,
            last_advance: 0.0,
            background: None,
            dirty: true,
        }));
        app.borrow().update_text();
        Self::wire(&app)?;
        start_animation(app);
        Ok(())
    }

    fn wire(app: &Rc<RefCell<App>>) -> Result<(), JsValue> {
        let a = app.borrow();
        let handlers: [(&web_sys::EventTarget, &str, Action); 5] = [
            (&a.el.problem, "change", App::on_problem),
            (&a.el.lr, "input", App::on_lr),
            (&a.el.play, "click", App::toggle_play),
            (&a.el.step, "click", App::step_once),
            (&a.el.reset, "click", App::reset),
        ];
        for (target, event, action) in handlers {
            let app = Rc::clone(app);
            dom::listen(target, event, move |_| app.borrow_mut().act(action))?;
        }
        let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
        let app = Rc::clone(app);
        dom::listen(&window, "resize", move |_| app.borrow_mut().dirty = true)
    }

    /// Runs a user action, then refreshes the text; errors go to the status line.
    fn act(&mut self, action: Action) {
        action(self);
        self.dirty = true;
        self.update_text();
    }

    fn on_problem(&mut self) {
        let name = self.el.problem.value();
        match build_problem(&name) {
            Ok(problem) => {
                self.problem_name = problems::find(&name).map_or(INITIAL_PROBLEM, |p| p.name);
                self.problem = problem;
                self.shown = 0;
                self.recompute();
            }
            Err(err) => dom::report_error(&self.document, &err),
        }
    }

    fn on_lr(&mut self) {
        let position: f64 = self.el.lr.value().parse().unwrap_or(0.0);
        self.lr = slider_value(&self.lr_spec, position);
        self.recompute();
    }

    fn toggle_play(&mut self) {
        if !self.playing && self.shown >= self.history.steps() {
            self.shown = 0;
        }
        self.playing = !self.playing;
    }

    fn step_once(&mut self) {
        self.playing = false;
        self.shown = (self.shown + 1).min(self.history.steps());
    }

    fn reset(&mut self) {
        self.playing = false;
        self.shown = 0;
    }

    fn recompute(&mut self) {
        match trace(self.problem.as_ref(), self.lr) {
            Ok(history) => {
                self.history = history;
                self.shown = self.shown.min(self.history.steps());
            }
            Err(err) => dom::report_error(&self.document, &err),
        }
    }

    fn update_text(&self) {
        let entry = problems::find(self.problem_name);
        self.el.formula.set_text_content(entry.map(|p| p.formula));
        self.el
            .lr_value
            .set_text_content(Some(&format_number(self.lr)));
        self.el
            .play
            .set_text_content(Some(if self.playing { "Pause" } else { "Play" }));
        self.el
            .step_counter
            .set_text_content(Some(&self.shown.to_string()));
        self.el
            .step_total
            .set_text_content(Some(&self.history.steps().to_string()));
        let loss = self
            .history
            .loss
            .get(self.shown)
            .copied()
            .unwrap_or(f64::NAN);
        self.el.loss.set_text_content(Some(&format_number(loss)));
        let status = match (self.history.status, self.history.diverged_at) {
            (Status::Diverged, Some(step)) => {
                format!(
                    "Diverged at step {step}: α = {} is too large here.",
                    format_number(self.lr)
                )
            }
            _ => String::new(),
        };
        self.el.status.set_text_content(Some(&status));
    }

    /// One animation frame: advance if playing, redraw if anything changed.
    fn frame(&mut self, now: f64) {
        if self.playing && now - self.last_advance >= STEP_INTERVAL_MS {
            self.last_advance = now;
            self.shown += 1;
            if self.shown >= self.history.steps() {
                self.shown = self.history.steps();
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
        let layout = Layout::fit(size, &self.problem.window(), &Margins::default(), ratio);
        let context = canvas::context_2d(&self.el.canvas)?;
        context.set_fill_style_str("#ffffff");
        context.fill_rect(0.0, 0.0, f64::from(size.0), f64::from(size.1));
        let background = self.background(&layout)?;
        context.put_image_data(
            background,
            f64::from(layout.plot.left),
            f64::from(layout.plot.top),
        )?;
        let backend = CanvasBackend::with_canvas_object(self.el.canvas.clone())
            .ok_or_else(|| JsValue::from_str("plotters could not use the canvas"))?;
        let root = backend.into_drawing_area();
        let path = PathView {
            points: &self.history.points,
            shown: self.shown,
            color: PATH_COLOR,
            diverged: self.history.status == Status::Diverged,
        };
        draw_overlay(
            &root,
            &layout,
            &self.problem.minima(),
            &[path],
            &Theme::LIGHT,
        )
        .map_err(|e| JsValue::from_str(&format!("drawing failed: {e}")))?;
        root.present()
            .map_err(|e| JsValue::from_str(&format!("drawing failed: {e}")))
    }

    /// The landscape image for `layout`, recomputed only when the problem or
    /// the plot area changed.
    fn background(&mut self, layout: &Layout) -> Result<&ImageData, JsValue> {
        let stale = self.background.as_ref().is_none_or(|b| {
            b.problem != self.problem_name || b.plot != layout.plot || b.view != layout.view
        });
        if stale {
            let image = landscape::render(
                self.problem.as_ref(),
                &layout.view,
                layout.plot.width,
                layout.plot.height,
                layout.scale as f32,
            );
            self.background = Some(Background {
                problem: self.problem_name,
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

fn build_problem(name: &str) -> Result<Box<dyn Landscape>, JsValue> {
    problems::build(name, &BTreeMap::new()).map_err(|e| JsValue::from_str(&e.to_string()))
}

fn trace(problem: &dyn Landscape, lr: f64) -> Result<History, JsValue> {
    let params = BTreeMap::from([("lr".to_string(), lr)]);
    let mut gd = optimizers::build("gd", &params, problem.dim(), "gd")
        .map_err(|e| JsValue::from_str(&e.to_string()))?;
    Ok(run(problem, gd.as_mut(), &problem.default_start(), STEPS))
}

/// The value a log-scale slider at `position` (0 to [`SLIDER_TICKS`]) stands for.
fn slider_value(spec: &ParamSpec, position: f64) -> f64 {
    let t = (position / SLIDER_TICKS).clamp(0.0, 1.0);
    let value = (spec.min.ln() + t * (spec.max.ln() - spec.min.ln())).exp();
    // Keep three significant digits so the shown value is the value used.
    let digits = 10f64.powf(value.log10().floor() - 2.0);
    ((value / digits).round() * digits).clamp(spec.min, spec.max)
}

/// The slider position closest to `value`.
fn slider_position(spec: &ParamSpec, value: f64) -> f64 {
    ((value.ln() - spec.min.ln()) / (spec.max.ln() - spec.min.ln()) * SLIDER_TICKS).round()
}

/// A number with about four significant digits, switching to exponent form
/// for very large or small magnitudes.
fn format_number(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let magnitude = value.abs();
    if magnitude != 0.0 && !(1e-3..1e5).contains(&magnitude) {
        format!("{value:.3e}")
    } else {
        let text = format!("{value:.4}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn start_animation(app: Rc<RefCell<App>>) {
    type FrameCallback = Closure<dyn FnMut(f64)>;
    let slot: Rc<RefCell<Option<FrameCallback>>> = Rc::new(RefCell::new(None));
    let next = Rc::clone(&slot);
    *slot.borrow_mut() = Some(Closure::new(move |now: f64| {
        app.borrow_mut().frame(now);
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
