//! The basins overlay: the first visible run started from every cell of the
//! view, computed a slice per frame (25 × 25 first, then 100 × 100) and
//! drawn translucently over the landscape. Clicking the picture still moves
//! the start, so a lecturer can pick a start by its colour.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::app::App;
use super::canvas;
use super::dom;
use super::state::landscape::Overlay;
use crate::experiment::landscape::basins::{BasinJob, BasinMap};
use crate::experiment::landscape::spec::Spec;
use crate::problem::Window;
use crate::render::instruments::basin_pixels;
use crate::render::view::PixelRect;

/// Cells per side of the first, quick map.
pub const COARSE_CELLS: usize = 25;
/// Cells per side of the full map.
pub const FINE_CELLS: usize = 100;
/// Milliseconds of computing per frame.
const SLICE_MS: f64 = 12.0;
/// How strongly the map covers the landscape.
const OPACITY: f64 = 0.7;

/// A basin map being computed for one experiment, run and view.
pub struct BasinOverlay {
    generation: u64,
    run: usize,
    window: Window,
    /// The coarse map's job, then the fine one's.
    jobs: Vec<BasinJob>,
    /// The map drawn last, as an image of one pixel per cell, with the job
    /// and the cells it was made from.
    image: Option<(usize, usize, HtmlCanvasElement)>,
}

impl App {
    /// Computes a slice of the basin map when the overlay is on (starting
    /// over when the experiment, the run or the view changes).
    pub(super) fn basins_frame(&mut self) {
        let l = &self.state.landscape;
        let run = l.runs.iter().position(|r| r.visible);
        let (true, Some(run), Some(layout), Some(computation)) = (
            l.view.has(Overlay::Basins),
            run,
            self.layout,
            self.computation.as_ref(),
        ) else {
            if self.basins.take().is_some() {
                self.dirty = true;
            }
            return;
        };
        if !computation.finished() {
            return;
        }
        let window = layout.view;
        let current = self
            .basins
            .as_ref()
            .is_some_and(|b| b.generation == self.generation && b.run == run && b.window == window);
        if !current {
            let Ok(spec) = Spec::from_value(&l.spec_value()) else {
                return;
            };
            let jobs: Result<Vec<BasinJob>, _> = [COARSE_CELLS, FINE_CELLS]
                .into_iter()
                .map(|size| BasinJob::new(&spec, run, size, Some(window)))
                .collect();
            let Ok(jobs) = jobs else {
                return;
            };
            self.basins = Some(BasinOverlay {
                generation: self.generation,
                run,
                window,
                jobs,
                image: None,
            });
            self.report_basins("computing", None);
        }
        let Some(overlay) = self.basins.as_mut() else {
            return;
        };
        let Some(job) = overlay.jobs.iter_mut().find(|j| !j.map().complete()) else {
            return;
        };
        let began = dom::now();
        while !job.advance(20) && dom::now() - began < SLICE_MS {}
        self.dirty = true;
        let fine = overlay.jobs.last().map(BasinJob::map);
        if let Some(map) = fine.filter(|m| m.complete()) {
            let map = map.clone();
            self.report_basins("done", Some(&map));
        }
    }

    /// Draws the latest map over the plot at `origin` (a panel's corner).
    pub(super) fn draw_basins(
        &mut self,
        context: &CanvasRenderingContext2d,
        origin: (u32, u32),
        plot: PixelRect,
    ) -> Result<(), JsValue> {
        let Some(overlay) = self.basins.as_mut() else {
            return Ok(());
        };
        // The fine map once it is complete, the coarse one until then.
        let Some((index, job)) = overlay
            .jobs
            .iter()
            .enumerate()
            .rev()
            .find(|(_, j)| j.map().complete())
            .or_else(|| overlay.jobs.first().map(|j| (0, j)))
        else {
            return Ok(());
        };
        let map = job.map();
        let cells = map.fates.len();
        if overlay
            .image
            .as_ref()
            .is_none_or(|(i, c, _)| (*i, *c) != (index, cells))
        {
            overlay.image = Some((index, cells, map_image(map, &self.document)?));
        }
        let Some((_, _, image)) = &overlay.image else {
            return Ok(());
        };
        context.save();
        context.set_global_alpha(OPACITY);
        context.set_image_smoothing_enabled(false);
        let result = context.draw_image_with_html_canvas_element_and_dw_and_dh(
            image,
            f64::from(origin.0 + plot.left),
            f64::from(origin.1 + plot.top),
            f64::from(plot.width),
            f64::from(plot.height),
        );
        context.restore();
        result?;
        draw_key(
            context,
            map,
            origin,
            plot,
            self.layout.map_or(1.0, |l| l.scale),
        );
        Ok(())
    }

    /// Tells the tests how far the map is and which minima it reaches.
    fn report_basins(&self, state: &str, map: Option<&BasinMap>) {
        let canvas = &self.el.canvas;
        let _ = canvas.set_attribute("data-basins", state);
        if let Some(map) = map {
            let reached: Vec<String> = map.minima_reached().iter().map(|k| k.to_string()).collect();
            let _ = canvas.set_attribute("data-basins-minima", &reached.join(","));
        }
    }
}

/// The key along the plot's bottom edge: a swatch per minimum reached, then
/// grey and black, and what lightness means.
fn draw_key(
    context: &CanvasRenderingContext2d,
    map: &BasinMap,
    origin: (u32, u32),
    plot: PixelRect,
    scale: f64,
) {
    use crate::experiment::landscape::basins::Fate;
    use crate::render::instruments::{basin_color, DIVERGED, ELSEWHERE};
    let rgb = |c: [u8; 3]| format!("rgb({}, {}, {})", c[0], c[1], c[2]);
    let mut entries: Vec<(Vec<String>, &str)> = vec![(
        map.minima_reached()
            .iter()
            .map(|&k| rgb(basin_color(k, 0.0)))
            .collect(),
        "basin of each minimum (×), lighter: slower",
    )];
    if map.fates.contains(&Fate::Elsewhere) {
        entries.push((
            vec![rgb([ELSEWHERE.0, ELSEWHERE.1, ELSEWHERE.2])],
            "ends elsewhere",
        ));
    }
    if map.fates.contains(&Fate::Diverged) {
        entries.push((vec![rgb([DIVERGED.0, DIVERGED.1, DIVERGED.2])], "diverges"));
    }
    let font = 12.0 * scale;
    let swatch = 10.0 * scale;
    let gap = 6.0 * scale;
    context.set_font(&format!("{font}px sans-serif"));
    let width: f64 = entries
        .iter()
        .map(|(colors, text)| {
            colors.len() as f64 * (swatch + 2.0 * scale)
                + context.measure_text(text).map_or(0.0, |m| m.width())
                + 3.0 * gap
        })
        .sum();
    let (left, bottom) = (
        f64::from(origin.0 + plot.left) + gap,
        f64::from(origin.1 + plot.top + plot.height) - gap,
    );
    let height = font + 2.0 * gap;
    context.set_fill_style_str("rgba(255, 255, 255, 0.85)");
    context.fill_rect(
        left,
        bottom - height,
        width.min(f64::from(plot.width) - 2.0 * gap),
        height,
    );
    let mut x = left + gap;
    let y = bottom - 0.5 * height;
    context.set_text_baseline("middle");
    for (colors, text) in &entries {
        for color in colors {
            context.set_fill_style_str(color);
            context.fill_rect(x, y - 0.5 * swatch, swatch, swatch);
            x += swatch + 2.0 * scale;
        }
        context.set_fill_style_str("#222");
        let _ = context.fill_text(text, x + 2.0 * scale, y);
        x += context.measure_text(text).map_or(0.0, |m| m.width()) + 3.0 * gap;
    }
}

/// The map as an image of one pixel per cell.
fn map_image(map: &BasinMap, document: &web_sys::Document) -> Result<HtmlCanvasElement, JsValue> {
    let size = map.size as u32;
    let rgb = basin_pixels(map, size, size);
    let rgba: Vec<u8> = rgb
        .chunks_exact(3)
        .flat_map(|p| [p[0], p[1], p[2], 255])
        .collect();
    let image: HtmlCanvasElement = document
        .create_element("canvas")?
        .dyn_into()
        .map_err(|_| JsValue::from_str("not a canvas"))?;
    image.set_width(size);
    image.set_height(size);
    canvas::context_2d(&image)?.put_image_data(
        &canvas::rgba_image_data(&rgba, size, size)?,
        0.0,
        0.0,
    )?;
    Ok(image)
}
