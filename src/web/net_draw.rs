//! A classifier panel's picture (decision regions, points, curves) and its
//! readout line, drawn from the latest snapshot.

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;

use super::canvas;
use super::classifier::ClassifierMode;
use super::controls::format_number;
use crate::render::classifier::{draw_training, region_pixels, regions_rect};
use crate::render::confusion;

impl ClassifierMode {
    /// Draws panel `i`'s decision regions, points and curves, and its readout.
    pub(super) fn draw(&mut self, i: usize) -> Result<(), JsValue> {
        let Some(canvas_element) = self.document.get_element_by_id(&format!("net{i}-canvas"))
        else {
            return Ok(());
        };
        let canvas_element: HtmlCanvasElement = canvas_element
            .dyn_into()
            .map_err(|_| JsValue::from_str("not a canvas"))?;
        let (size, ratio, _) = canvas::fit_to_display(&canvas_element);
        let presenting = self
            .document
            .body()
            .is_some_and(|b| b.class_list().contains("presenting"));
        let scale = if presenting { 1.3 * ratio } else { ratio };
        let document = self.document.clone();
        let panel = &mut self.panels[i];
        let (Some((train, test)), Some(snapshot)) = (&panel.data, &panel.snapshot) else {
            return Ok(());
        };
        let rect = regions_rect(size, scale);
        let stale = panel
            .regions
            .as_ref()
            .is_none_or(|(_, w, h)| *w != rect.width || *h != rect.height);
        if let (true, Some(grid)) = (stale, &panel.grid) {
            let rgb = region_pixels(grid, rect.width, rect.height);
            let rgba: Vec<u8> = rgb
                .chunks_exact(3)
                .flat_map(|p| [p[0], p[1], p[2], 255])
                .collect();
            let data = canvas::rgba_image_data(&rgba, rect.width, rect.height)?;
            panel.regions = Some((data, rect.width, rect.height));
        }
        let theme = super::dom::theme(&document);
        let RGBColor(r, g, b) = theme.background;
        let context = canvas::context_2d(&canvas_element)?;
        context.set_fill_style_str(&format!("rgb({r}, {g}, {b})"));
        context.fill_rect(0.0, 0.0, f64::from(size.0), f64::from(size.1));
        if let Some((data, _, _)) = &panel.regions {
            context.put_image_data(data, f64::from(rect.left), f64::from(rect.top))?;
        }
        let backend = CanvasBackend::with_canvas_object(canvas_element)
            .ok_or_else(|| JsValue::from_str("plotters could not use the canvas"))?;
        let root = backend.into_drawing_area();
        let h = &snapshot.history;
        draw_training(&root, None, train, test, h, scale, &theme)
            .map_err(|e| JsValue::from_str(&format!("drawing failed: {e}")))?;
        root.present()
            .map_err(|e| JsValue::from_str(&format!("drawing failed: {e}")))?;
        let Some(last) = h.iteration.len().checked_sub(1) else {
            return Ok(());
        };
        let mut text = format!(
            "iteration {} · epoch {} · train {:.2} % · test {:.2} % · loss {}",
            snapshot.iteration,
            format_number(h.epoch[last]),
            100.0 * h.train_accuracy[last],
            100.0 * h.test_accuracy[last],
            format_number(h.train_loss[last]),
        );
        if let Some(rate) = rate(h) {
            text.push_str(&format!(" · {} it/s", format_number(rate.round())));
        }
        if snapshot.finished && !h.train_loss[last].is_finite() {
            text.push_str(" · diverged: the loss is no longer finite, training stopped");
        }
        if let Some(tables) = document.get_element_by_id(&format!("net{i}-confusion")) {
            let html = match &h.confusion {
                Some(confusions) => confusion::html(confusions),
                None => "not counted on the GPU: only loss and accuracy come back from it".into(),
            };
            if tables.inner_html() != html {
                tables.set_inner_html(&html);
            }
        }
        if let Some(readout) = document.get_element_by_id(&format!("net{i}-readout")) {
            readout.set_text_content(Some(&text));
            // Full precision for tests and for copying.
            for (name, value) in [
                ("data-iteration", h.iteration[last] as f64),
                ("data-train-loss", h.train_loss[last]),
                ("data-test-accuracy", h.test_accuracy[last]),
                ("data-wall-ms", h.wall_ms[last]),
            ] {
                readout.set_attribute(name, &value.to_string())?;
            }
        }
        Ok(())
    }
}

/// Iterations per second between the last two log entries.
fn rate(h: &crate::experiment::classifier::TrainingHistory) -> Option<f64> {
    let n = h.iteration.len();
    (n >= 2).then_some(())?;
    let iterations = h.iteration[n - 1].checked_sub(h.iteration[n - 2])? as f64;
    let ms = h.wall_ms[n - 1] - h.wall_ms[n - 2];
    (ms > 0.0).then(|| 1e3 * iterations / ms)
}
