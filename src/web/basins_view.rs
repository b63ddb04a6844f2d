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
        result
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
