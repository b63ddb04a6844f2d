//! The page's view inside the network: in place of the panels, the loss on
//! a plane through one panel's final parameters with every panel on that
//! network projected onto it (and how far each path is from the plane), the
//! profile from its initial to its final parameters, and the top of its
//! curvature spectrum over training — computed in a worker of its own,
//! coarse first, by the same functions `descent plot` draws with.

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlCanvasElement, HtmlInputElement, HtmlSelectElement};

use super::canvas;
use super::classifier::ClassifierMode;
use super::export;
use super::inside_job::{InsideMessage, COARSE_SIZE, FINE_SIZE};
use super::runs::{add_option, create};
use super::state::network::method;
use super::trainer::Request;
use crate::nn::slice::Directions;
use crate::render::inside::{draw_slice, draw_spectrum};

/// The view's elements and its latest answer.
pub struct InsideView {
    document: Document,
    section: Element,
    generation: u32,
    latest: Option<InsideMessage>,
    changed: bool,
}

impl InsideView {
    /// Builds the (hidden) view after the panels in `mode`'s section.
    pub fn new(document: &Document, mode: &Element) -> Result<Self, JsValue> {
        let section = document.create_element("section")?;
        section.set_id("inside");
        section.set_class_name("inside");
        section.set_attribute("hidden", "")?;
        let bar = document.create_element("div")?;
        bar.set_class_name("playback");
        let directions: HtmlSelectElement = create(document, "select")?;
        directions.set_id("inside-directions");
        for (name, _) in Directions::ALL {
            add_option(document, &directions, name, &name.replace('-', " "))?;
        }
        let reference: HtmlSelectElement = create(document, "select")?;
        reference.set_id("inside-reference");
        let extent: HtmlInputElement = create(document, "input")?;
        extent.set_id("inside-extent");
        extent.set_type("number");
        extent.set_min("0.01");
        extent.set_max("100");
        extent.set_step("any");
        extent.set_value("1");
        extent.set_class_name("number");
        for (text, control) in [
            ("directions ", directions.unchecked_ref::<Element>()),
            ("centre: panel ", reference.unchecked_ref()),
            ("extent ± ", extent.unchecked_ref()),
        ] {
            let label = document.create_element("label")?;
            label.set_class_name("inline");
            label.set_text_content(Some(text));
            label.append_child(control)?;
            bar.append_child(&label)?;
        }
        let compute = document.create_element("button")?;
        compute.set_id("inside-compute");
        compute.set_attribute("type", "button")?;
        compute.set_text_content(Some("Compute"));
        bar.append_child(&compute)?;
        for (id, text, title) in [
            (
                "inside-png",
                "PNG",
                "the slice, distances and profile as a picture",
            ),
            (
                "inside-json",
                "JSON",
                "the slice, every path on it, the profile and the spectrum as data",
            ),
        ] {
            let button = document.create_element("button")?;
            button.set_id(id);
            button.set_attribute("type", "button")?;
            button.set_attribute("title", title)?;
            button.set_text_content(Some(text));
            bar.append_child(&button)?;
        }
        let status = document.create_element("span")?;
        status.set_id("inside-status");
        status.set_attribute("role", "status")?;
        bar.append_child(&status)?;
        section.append_child(&bar)?;
        for id in ["inside-slice", "inside-spectrum"] {
            let holder = document.create_element("div")?;
            holder.set_class_name(&format!("{id}-holder"));
            let canvas = document.create_element("canvas")?;
            canvas.set_id(id);
            holder.append_child(&canvas)?;
            section.append_child(&holder)?;
        }
        mode.append_child(&section)?;
        Ok(Self {
            document: document.clone(),
            section,
            generation: 0,
            latest: None,
            changed: false,
        })
    }

    /// Whether the view is shown (in place of the panels).
    pub fn is_open(&self) -> bool {
        !self.section.has_attribute("hidden")
    }

    fn status(&self, text: &str) {
        if let Some(status) = self.document.get_element_by_id("inside-status") {
            status.set_text_content(Some(text));
        }
    }

    /// Takes in an answer to the latest request.
    pub fn receive(&mut self, message: InsideMessage) {
        if message.generation != self.generation {
            return;
        }
        let text = match (&message.error, message.coarse) {
            (Some(error), _) => format!("no view: {error}"),
            (None, true) => format!(
                "coarse {COARSE_SIZE} × {COARSE_SIZE} slice; computing {FINE_SIZE} × {FINE_SIZE}…"
            ),
            (None, false) => format!("{FINE_SIZE} × {FINE_SIZE} slice"),
        };
        let panels = |runs: &[usize]| {
            let names: Vec<String> = runs.iter().map(|i| (i + 1).to_string()).collect();
            names.join(", ")
        };
        let mut text = text;
        if let (Some(view), None) = (&message.view, &message.error) {
            if !view.left_out.is_empty() {
                text.push_str(&format!(
                    " · not on it: panel {} (another network: a different width or parametrisation)",
                    panels(&view.left_out)
                ));
            }
            let leaving = view.leaving();
            if !leaving.is_empty() {
                text.push_str(&format!(
                    " · panel {}'s path leaves the window: raise the extent to see all of it",
                    panels(&leaving)
                ));
            }
        }
        self.status(&text);
        self.section
            .set_attribute(
                "data-state",
                if message.error.is_some() {
                    "error"
                } else if message.coarse {
                    "coarse"
                } else {
                    "done"
                },
            )
            .ok();
        self.section
            .set_attribute("data-slice-ms", &message.slice_ms.to_string())
            .ok();
        // A refused request keeps the last picture on screen.
        if message.error.is_none() {
            self.latest = Some(message);
            self.changed = true;
        }
    }

    /// Redraws what changed (or everything, after a resize).
    pub fn draw(&mut self, presenting: bool) -> Result<(), JsValue> {
        if !self.is_open() {
            return Ok(());
        }
        let mut resized = false;
        let canvases: Vec<HtmlCanvasElement> = ["inside-slice", "inside-spectrum"]
            .iter()
            .filter_map(|id| self.document.get_element_by_id(id)?.dyn_into().ok())
            .collect();
        for canvas_element in &canvases {
            resized |= canvas::fit_to_display(canvas_element).2;
        }
        if !(self.changed || resized) {
            return Ok(());
        }
        self.changed = false;
        let Some(message) = &self.latest else {
            return Ok(());
        };
        for (i, canvas_element) in canvases.into_iter().enumerate() {
            let (_, ratio, _) = canvas::fit_to_display(&canvas_element);
            let scale = if presenting { 1.3 * ratio } else { ratio };
            let backend = CanvasBackend::with_canvas_object(canvas_element)
                .ok_or_else(|| JsValue::from_str("plotters could not use the canvas"))?;
            let root = backend.into_drawing_area();
            let drawn = match (i, &message.view) {
                (0, Some(view)) => draw_slice(&root, view, scale),
                (0, None) => root.fill(&WHITE),
                _ => draw_spectrum(&root, &message.spectrum_history(), message.edge, scale),
            };
            drawn.map_err(|e| JsValue::from_str(&format!("drawing failed: {e}")))?;
            root.present()
                .map_err(|e| JsValue::from_str(&format!("drawing failed: {e}")))?;
        }
        Ok(())
    }
}

impl ClassifierMode {
    /// Shows the view inside the network in place of the panels (computing
    /// it), or the panels again.
    pub(super) fn toggle_inside(&mut self) {
        let open = !self.inside.is_open();
        if open {
            self.inside.section.remove_attribute("hidden").ok();
        } else {
            self.inside.section.set_attribute("hidden", "").ok();
        }
        if let Some(mode) = self.document.get_element_by_id("classifier-mode") {
            mode.class_list()
                .toggle_with_force("inside-open", open)
                .ok();
        }
        if let Some(button) = self.document.get_element_by_id("net-inside") {
            button.set_text_content(Some(if open {
                "Back to the panels"
            } else {
                "Inside the network"
            }));
        }
        if open {
            self.fill_reference_choices();
            self.compute_inside();
        } else {
            self.dirty = true;
        }
    }

    fn fill_reference_choices(&self) {
        let Some(select) = self
            .document
            .get_element_by_id("inside-reference")
            .and_then(|e| e.dyn_into::<HtmlSelectElement>().ok())
        else {
            return;
        };
        let chosen = select.value();
        select.set_inner_html("");
        for i in 0..self.panels.len() {
            let number = (i + 1).to_string();
            let optimizer = &self.panels[i].setup.optimizer;
            let name = method(optimizer).map_or(optimizer.as_str(), |m| m.label);
            let label = format!("{number} · {name} · width {}", self.panels[i].setup.width);
            add_option(&self.document, &select, &number, &label).ok();
        }
        if !chosen.is_empty()
            && (chosen.parse::<usize>().ok()).is_some_and(|k| k <= self.panels.len())
        {
            select.set_value(&chosen);
        }
    }

    /// Asks the inside worker for the view of the panels as they are set up.
    pub(super) fn compute_inside(&mut self) {
        let value = |id: &str| -> String {
            self.document
                .get_element_by_id(id)
                .and_then(|e| {
                    e.dyn_ref::<HtmlSelectElement>()
                        .map(HtmlSelectElement::value)
                        .or_else(|| e.dyn_ref::<HtmlInputElement>().map(HtmlInputElement::value))
                })
                .unwrap_or_default()
        };
        let reference = value("inside-reference")
            .parse::<usize>()
            .unwrap_or(1)
            .max(1)
            - 1;
        let extent = value("inside-extent").parse::<f64>().unwrap_or(f64::NAN);
        let directions = value("inside-directions");
        let specs = self.panels.iter().map(|p| p.setup.to_spec()).collect();
        self.inside.generation += 1;
        self.inside
            .status("training the panels again to record their paths…");
        self.inside
            .section
            .set_attribute("data-state", "computing")
            .ok();
        let generation = self.inside.generation;
        self.send(Request::Inside {
            generation,
            specs,
            directions,
            extent,
            reference,
        });
    }
}

impl ClassifierMode {
    /// Offers the view's data (JSON) or the slice's picture (PNG) as a file.
    pub(super) fn export_inside(&self, png: bool) {
        let Some(message) = &self.inside.latest else {
            return;
        };
        let result = if png {
            self.document
                .get_element_by_id("inside-slice")
                .and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok())
                .map_or(Ok(()), |c| {
                    export::png(&self.document, &c, "descent-slice.png")
                })
        } else {
            serde_json::to_string_pretty(message)
                .map_err(|e| JsValue::from_str(&e.to_string()))
                .and_then(|text| {
                    export::text(
                        &self.document,
                        "descent-inside.json",
                        "application/json",
                        &text,
                    )
                })
        };
        if let Err(err) = result {
            web_sys::console::error_1(&err);
        }
    }
}

impl InsideMessage {
    /// The spectrum as a training log, for the chart.
    fn spectrum_history(&self) -> crate::experiment::classifier::TrainingHistory {
        crate::experiment::classifier::TrainingHistory {
            spectrum: self.spectrum.clone(),
            ..Default::default()
        }
    }
}

/// The answer of the inside worker, if `message` is one.
pub fn inside_message(message: &JsValue) -> Option<InsideMessage> {
    let kind = js_sys::Reflect::get(message, &JsValue::from_str("kind")).ok()?;
    (kind.as_string().as_deref() == Some("inside"))
        .then(|| serde_wasm_bindgen::from_value(message.clone()).ok())
        .flatten()
}
