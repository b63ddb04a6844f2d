//! The page's fixed elements, found once by id.

use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, HtmlCanvasElement, HtmlInputElement, HtmlSelectElement};

use super::dom;
use super::state::landscape::Overlay;

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
pub const OVERLAY_BOXES: [(&str, Overlay); 8] = [
    ("overlay-field", Overlay::Field),
    ("overlay-newton", Overlay::Newton),
    ("overlay-eigen", Overlay::Eigen),
    ("overlay-momentum", Overlay::Momentum),
    ("overlay-ahead", Overlay::Ahead),
    ("overlay-basins", Overlay::Basins),
    ("overlay-trials", Overlay::Trials),
    ("overlay-model", Overlay::Model),
];

/// Finds every fixed element of the page, or names the one missing.
pub fn elements(document: &Document) -> Result<Elements, JsValue> {
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
