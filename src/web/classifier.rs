//! The peaks-classifier mode: side-by-side panels, each training a network
//! with its own width and optimizer, sliced per animation frame so the page
//! never freezes; the decision regions update while it trains.

use std::collections::BTreeMap;

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use serde_json::{json, Map, Value as Json};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    Document, Element, HtmlCanvasElement, HtmlInputElement, HtmlSelectElement, ImageData,
};

use super::canvas;
use super::controls::{self, format_number};
use super::runs::{add_option, create};
use crate::optim::registry::{Family, OPTIMIZERS};
use crate::param::ParamSpec;
use crate::render::classifier::{draw_training, region_pixels, regions_rect};
use crate::render::mathml::typeset;
use crate::train::{ClassifierSpec, Session, NETWORK_METHODS};

/// Milliseconds of training per panel per animation frame.
const FRAME_BUDGET_MS: f64 = 8.0;
/// Milliseconds between redraws of the decision regions while training.
const REGION_INTERVAL_MS: f64 = 250.0;
/// The most panels side by side.
pub const MAX_PANELS: usize = 4;

/// A panel's choices, as the page's scenes write them.
#[derive(Clone, Debug, PartialEq)]
pub struct PanelSetup {
    /// Hidden units.
    pub width: usize,
    /// Optimizer name (registry or network method).
    pub optimizer: String,
    /// Its hyperparameters.
    pub params: BTreeMap<String, Json>,
    /// Mini-batch size.
    pub batch_size: usize,
    /// Iterations.
    pub iterations: usize,
}

/// The classifier scenes: SGD versus Gauss–Newton at width 32, width 32 versus 8192.
pub fn scenes() -> [(&'static str, Vec<PanelSetup>); 2] {
    let sgd = |width: usize, iterations: usize| PanelSetup {
        width,
        optimizer: "sgd".into(),
        params: BTreeMap::from([("lr".to_string(), json!(0.3))]),
        batch_size: 100,
        iterations,
    };
    let gauss_newton = PanelSetup {
        width: 32,
        optimizer: "gauss-newton".into(),
        params: BTreeMap::new(),
        batch_size: 800,
        iterations: 35,
    };
    [
        (
            "SGD versus Gauss–Newton, width 32",
            vec![sgd(32, 500), gauss_newton],
        ),
        (
            "width 32 versus 8192, SGD",
            vec![sgd(32, 2000), sgd(8192, 2000)],
        ),
    ]
}

/// The parameters and equations of a network method or registry optimizer.
fn method(name: &str) -> (&'static [ParamSpec], &'static str) {
    NETWORK_METHODS
        .iter()
        .find(|m| m.name == name)
        .map(|m| (m.params, m.equations))
        .or_else(|| {
            OPTIMIZERS
                .iter()
                .find(|o| o.name == name)
                .map(|o| (o.params, o.equations))
        })
        .unwrap_or((&[], ""))
}

fn method_params(name: &str) -> &'static [ParamSpec] {
    method(name).0
}

/// One panel: its controls, its canvas and its training session.
struct Panel {
    session: Option<Session>,
    regions: Option<(ImageData, u32, u32)>,
    last_regions: f64,
}

/// The classifier mode's state.
pub struct ClassifierMode {
    document: Document,
    container: Element,
    panels: Vec<Panel>,
    /// Whether training is running.
    pub playing: bool,
    /// Whether the panels need redrawing though nothing trains.
    pub dirty: bool,
}

fn labelled(document: &Document, text: &str, control: &Element) -> Result<Element, JsValue> {
    let label = document.create_element("label")?;
    label.set_class_name("inline");
    label.set_text_content(Some(text));
    label.append_child(control)?;
    Ok(label)
}

impl ClassifierMode {
    /// The mode over `container`, with the first scene's panels.
    pub fn new(document: &Document, container: Element) -> Result<Self, JsValue> {
        let mut mode = Self {
            document: document.clone(),
            container,
            panels: Vec::new(),
            playing: false,
            dirty: true,
        };
        let [(_, first), _] = scenes();
        mode.render(&first)?;
        Ok(mode)
    }

    /// Replaces the panels with `setups` and resets training.
    pub fn render(&mut self, setups: &[PanelSetup]) -> Result<(), JsValue> {
        self.container.set_inner_html("");
        self.panels.clear();
        for (i, setup) in setups.iter().enumerate() {
            self.render_panel(i, setup)?;
            self.panels.push(Panel {
                session: None,
                regions: None,
                last_regions: f64::NEG_INFINITY,
            });
        }
        self.playing = false;
        self.restart();
        Ok(())
    }

    fn render_panel(&self, i: usize, setup: &PanelSetup) -> Result<(), JsValue> {
        let d = &self.document;
        let id = |part: &str| format!("net{i}-{part}");
        let panel = d.create_element("section")?;
        panel.set_class_name("net-panel");
        panel.set_attribute("data-panel", &i.to_string())?;
        let bar = d.create_element("div")?;
        bar.set_class_name("net-controls");
        let slider: HtmlInputElement = create(d, "input")?;
        slider.set_type("range");
        slider.set_id(&id("width-slider"));
        slider.set_min("3");
        slider.set_max("13");
        slider.set_value(&((setup.width as f64).log2().round() as i64).to_string());
        slider.set_attribute("data-role", "width-slider")?;
        let width: HtmlInputElement = create(d, "input")?;
        width.set_type("number");
        width.set_id(&id("width"));
        width.set_min("2");
        width.set_max("16384");
        width.set_value(&setup.width.to_string());
        let width_label = labelled(d, "width ", &slider)?;
        width_label.append_child(&width)?;
        bar.append_child(&width_label)?;
        let optimizer: HtmlSelectElement = create(d, "select")?;
        optimizer.set_id(&id("optimizer"));
        optimizer.set_attribute("data-role", "optimizer")?;
        let first = d.create_element("optgroup")?;
        first.set_attribute("label", "First-order (registry)")?;
        for entry in OPTIMIZERS.iter().filter(|o| o.family == Family::FirstOrder) {
            add_option(d, &first, entry.name, entry.label)?;
        }
        optimizer.append_child(&first)?;
        let curvature = d.create_element("optgroup")?;
        curvature.set_attribute("label", "Curvature")?;
        add_option(d, &curvature, "lbfgs", "L-BFGS (full batch)")?;
        for m in NETWORK_METHODS {
            add_option(d, &curvature, m.name, m.name)?;
        }
        optimizer.append_child(&curvature)?;
        optimizer.set_value(&setup.optimizer);
        let optimizer_label = labelled(d, "optimizer ", &optimizer)?;
        bar.append_child(&optimizer_label)?;
        for (part, value) in [
            ("batch", setup.batch_size),
            ("iterations", setup.iterations),
        ] {
            let input: HtmlInputElement = create(d, "input")?;
            input.set_type("number");
            input.set_id(&id(part));
            input.set_min("1");
            input.set_value(&value.to_string());
            let label = labelled(d, &format!("{part} "), &input)?;
            bar.append_child(&label)?;
        }
        let remove = d.create_element("button")?;
        remove.set_attribute("type", "button")?;
        remove.set_attribute("data-action", "remove")?;
        remove.set_id(&id("remove"));
        remove.set_text_content(Some("Remove"));
        bar.append_child(&remove)?;
        panel.append_child(&bar)?;
        let equations = d.create_element("div")?;
        equations.set_class_name("equations");
        equations.set_id(&id("equations"));
        equations.set_inner_html(&typeset(method(&setup.optimizer).1));
        panel.append_child(&equations)?;
        let params = d.create_element("div")?;
        params.set_class_name("params net-params");
        params.set_id(&id("params"));
        controls::build(
            d,
            &params,
            &id("opt"),
            method_params(&setup.optimizer),
            &setup.params,
        )?;
        panel.append_child(&params)?;
        let canvas = d.create_element("canvas")?;
        canvas.set_id(&id("canvas"));
        canvas.set_class_name("net-canvas");
        panel.append_child(&canvas)?;
        let readout = d.create_element("p")?;
        readout.set_id(&id("readout"));
        readout.set_class_name("readout");
        panel.append_child(&readout)?;
        let status = d.create_element("p")?;
        status.set_id(&id("status"));
        status.set_class_name("status");
        panel.append_child(&status)?;
        self.container.append_child(&panel)?;
        Ok(())
    }

    fn input(&self, id: &str) -> Option<HtmlInputElement> {
        self.document.get_element_by_id(id)?.dyn_into().ok()
    }

    /// Reads panel `i` back from its controls.
    fn setup(&self, i: usize) -> Option<PanelSetup> {
        let id = |part: &str| format!("net{i}-{part}");
        let optimizer: HtmlSelectElement = self
            .document
            .get_element_by_id(&id("optimizer"))?
            .dyn_into()
            .ok()?;
        let number = |part: &str| {
            self.input(&id(part))
                .and_then(|e| e.value().parse::<usize>().ok())
                .unwrap_or(0)
        };
        let name = optimizer.value();
        Some(PanelSetup {
            width: number("width"),
            params: controls::read(&self.document, &id("opt"), method_params(&name)),
            optimizer: name,
            batch_size: number("batch"),
            iterations: number("iterations"),
        })
    }

    fn spec(setup: &PanelSetup) -> Json {
        let mut optimizer = Map::new();
        optimizer.insert("name".into(), json!(setup.optimizer));
        optimizer.extend(setup.params.clone());
        json!({
            "data": {"seed": 1},
            "model": {"width": setup.width, "init": if setup.width > 1000 { "pytorch" } else { "xavier" }},
            "optimizer": Json::Object(optimizer),
            "iterations": setup.iterations,
            "batch_size": setup.batch_size,
            "log_every": (setup.iterations / 100).max(1),
            "seed": 1,
        })
    }

    /// Rebuilds every panel's session from its controls (training restarts).
    pub fn restart(&mut self) {
        self.dirty = true;
        let now = now();
        for i in 0..self.panels.len() {
            let status = self.document.get_element_by_id(&format!("net{i}-status"));
            let session = self.setup(i).map(|s| Self::spec(&s)).map(|value| {
                ClassifierSpec::from_value(&value).and_then(|spec| Session::new(&spec, now))
            });
            let panel = &mut self.panels[i];
            panel.regions = None;
            panel.last_regions = f64::NEG_INFINITY;
            match session {
                Some(Ok(session)) => {
                    panel.session = Some(session);
                    if let Some(s) = &status {
                        s.set_text_content(None);
                    }
                }
                Some(Err(err)) => {
                    panel.session = None;
                    if let Some(s) = &status {
                        s.set_text_content(Some(&err.to_string()));
                    }
                }
                None => panel.session = None,
            }
        }
    }

    /// A control of panel `panel` changed: rebuild its parameters if the
    /// optimizer changed, keep the width slider and box in step, restart.
    pub fn on_change(&mut self, target: &Element) -> Result<(), JsValue> {
        let Some(panel) = target
            .closest(".net-panel")?
            .and_then(|p| p.get_attribute("data-panel"))
        else {
            return Ok(());
        };
        let i: usize = panel.parse().unwrap_or(0);
        match target.get_attribute("data-role").as_deref() {
            Some("optimizer") => {
                let name = target
                    .dyn_ref::<HtmlSelectElement>()
                    .map(|s| s.value())
                    .unwrap_or_default();
                if let Some(equations) = self
                    .document
                    .get_element_by_id(&format!("net{i}-equations"))
                {
                    equations.set_inner_html(&typeset(method(&name).1));
                }
                if let Some(params) = self.document.get_element_by_id(&format!("net{i}-params")) {
                    controls::build(
                        &self.document,
                        &params,
                        &format!("net{i}-opt"),
                        method_params(&name),
                        &BTreeMap::new(),
                    )?;
                }
            }
            Some("width-slider") => {
                let exponent: i32 = target
                    .dyn_ref::<HtmlInputElement>()
                    .map_or(5, |s| s.value().parse().unwrap_or(5));
                if let Some(width) = self.input(&format!("net{i}-width")) {
                    width.set_value(&(1usize << exponent.clamp(1, 14)).to_string());
                }
            }
            _ => {
                if let Some(setup) = self.setup(i) {
                    controls::sync(target, method_params(&setup.optimizer));
                }
            }
        }
        self.restart();
        Ok(())
    }

    /// A click in the panels: remove one.
    pub fn on_click(&mut self, target: &Element) -> Result<(), JsValue> {
        if target.get_attribute("data-action").as_deref() != Some("remove") || self.panels.len() < 2
        {
            return Ok(());
        }
        let Some(index) = target
            .closest(".net-panel")?
            .and_then(|p| p.get_attribute("data-panel"))
        else {
            return Ok(());
        };
        let index: usize = index.parse().unwrap_or(0);
        let setups: Vec<PanelSetup> = (0..self.panels.len())
            .filter(|&i| i != index)
            .filter_map(|i| self.setup(i))
            .collect();
        self.render(&setups)
    }

    /// Adds a panel like the last one.
    pub fn add_panel(&mut self) -> Result<(), JsValue> {
        if self.panels.len() >= MAX_PANELS {
            return Ok(());
        }
        let mut setups: Vec<PanelSetup> = (0..self.panels.len())
            .filter_map(|i| self.setup(i))
            .collect();
        if let Some(last) = setups.last().cloned() {
            setups.push(last);
        }
        self.render(&setups)
    }

    /// Trains each panel for about a frame's budget and redraws.
    pub fn frame(&mut self) -> Result<(), JsValue> {
        let clock = now;
        let resized = (0..self.panels.len()).any(|i| {
            self.document
                .get_element_by_id(&format!("net{i}-canvas"))
                .and_then(|c| c.dyn_into::<HtmlCanvasElement>().ok())
                .is_some_and(|c| canvas::fit_to_display(&c).2)
        });
        if !(self.playing || self.dirty || resized) {
            return Ok(());
        }
        self.dirty = false;
        for i in 0..self.panels.len() {
            if self.playing {
                if let Some(session) = self.panels[i].session.as_mut() {
                    let until = clock() + FRAME_BUDGET_MS;
                    while !session.finished() && clock() < until {
                        session.advance(1, &clock);
                    }
                }
            }
            self.draw(i)?;
        }
        if self
            .panels
            .iter()
            .all(|p| p.session.as_ref().is_none_or(Session::finished))
        {
            self.playing = false;
        }
        Ok(())
    }

    fn draw(&mut self, i: usize) -> Result<(), JsValue> {
        let Some(canvas_element) = self.document.get_element_by_id(&format!("net{i}-canvas"))
        else {
            return Ok(());
        };
        let canvas_element: HtmlCanvasElement = canvas_element
            .dyn_into()
            .map_err(|_| JsValue::from_str("not a canvas"))?;
        let (size, _, _) = canvas::fit_to_display(&canvas_element);
        let document = self.document.clone();
        let panel = &mut self.panels[i];
        let Some(session) = panel.session.as_mut() else {
            return Ok(());
        };
        let rect = regions_rect(size);
        let stale = panel
            .regions
            .as_ref()
            .is_none_or(|(_, w, h)| *w != rect.width || *h != rect.height);
        let due = now() - panel.last_regions >= REGION_INTERVAL_MS || session.finished();
        if stale || (due && panel.last_regions < now() - 1.0) {
            // Wide networks get a coarser grid so the page stays responsive.
            let grid_size = if session.theta().len() > 20_000 {
                60
            } else {
                200
            };
            let grid = session.grid(grid_size);
            let rgb = region_pixels(&grid, rect.width, rect.height);
            let rgba: Vec<u8> = rgb
                .chunks_exact(3)
                .flat_map(|p| [p[0], p[1], p[2], 255])
                .collect();
            let data = canvas::rgba_image_data(&rgba, rect.width, rect.height)?;
            panel.regions = Some((data, rect.width, rect.height));
            panel.last_regions = if session.finished() {
                f64::INFINITY
            } else {
                now()
            };
        }
        let context = canvas::context_2d(&canvas_element)?;
        context.set_fill_style_str("#ffffff");
        context.fill_rect(0.0, 0.0, f64::from(size.0), f64::from(size.1));
        if let Some((data, _, _)) = &panel.regions {
            context.put_image_data(data, f64::from(rect.left), f64::from(rect.top))?;
        }
        let backend = CanvasBackend::with_canvas_object(canvas_element)
            .ok_or_else(|| JsValue::from_str("plotters could not use the canvas"))?;
        let root = backend.into_drawing_area();
        let (train, test) = session.data();
        draw_training(&root, None, train, test, session.history())
            .map_err(|e| JsValue::from_str(&format!("drawing failed: {e}")))?;
        root.present()
            .map_err(|e| JsValue::from_str(&format!("drawing failed: {e}")))?;
        let h = session.history();
        let last = h.iteration.len().saturating_sub(1);
        let text = format!(
            "iteration {} · epoch {} · train {:.2} % · test {:.2} % · loss {}",
            session.iteration(),
            format_number(h.epoch[last]),
            100.0 * h.train_accuracy[last],
            100.0 * h.test_accuracy[last],
            format_number(h.train_loss[last]),
        );
        if let Some(readout) = document.get_element_by_id(&format!("net{i}-readout")) {
            readout.set_text_content(Some(&text));
        }
        Ok(())
    }
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}
