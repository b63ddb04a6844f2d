//! Downloads: the picture for a slide (PNG at twice the screen's size, or
//! SVG), the histories as CSV or JSON, and the experiment spec.

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::*;

use super::app::App;
use super::{canvas, dom, export};
use crate::render::chart::Theme;
use crate::render::landscape;

/// What can be downloaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    /// The picture as PNG, at twice the screen's size.
    Png,
    /// The picture as SVG.
    Svg,
    /// Every run's history as a table.
    Csv,
    /// Every run's history as JSON.
    Json,
    /// The experiment spec.
    Spec,
}

impl App {
    pub(super) fn export(&mut self, what: Export) {
        let d = &self.document;
        let result = match (what, self.outcome()) {
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
                let text = serde_json::to_string_pretty(&self.state.landscape.spec_value())
                    .unwrap_or_default();
                export::text(d, "descent-spec.json", "application/json", &text)
            }
            (_, None) => Ok(()),
        };
        if let Err(err) = result {
            dom::report_error(d, &err);
        }
    }

    /// The picture for a slide: PNG at twice the screen's CSS size or SVG at
    /// it, with the title from the export box above it, in the light theme.
    pub(super) fn export_picture(&self, svg: bool) -> Result<(), JsValue> {
        let Some(outcome) = self.outcome() else {
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
}
