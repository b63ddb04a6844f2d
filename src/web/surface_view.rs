//! The 3D view in the page: the landscape as a surface over the problem's
//! window with every visible run's path lifted onto it, turned by dragging
//! (or spinning by itself), drawn straight on the canvas's 2D context so a
//! turn costs one frame. The camera lives in the address once a drag ends.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, Event, PointerEvent};

use super::app::App;
use super::dom;
use super::state::landscape::{Camera, LandscapeAction as L};
use super::state::Action;
use crate::experiment::landscape::run::Outcome;
use crate::render::color::Colormap;
use crate::render::number::format_number;
use crate::render::surface::{Projection, Surface};

/// Grid cells per side of the drawn surface.
const CELLS: usize = 64;
/// Degrees turned per pixel dragged.
const DEGREES_PER_PIXEL: f64 = 0.4;
/// Degrees turned per frame while spinning.
const SPIN_DEGREES: f64 = 0.75;

/// What the 3D view keeps between frames.
#[derive(Default)]
pub struct SurfaceView {
    /// The sampled surface and the experiment it was sampled for.
    cache: Option<(u64, Surface)>,
    /// The turn not yet in the state: a drag under way, or the spin so far.
    turn: (f64, f64),
    /// Where the pointer was when the drag last moved.
    drag_from: Option<(f64, f64)>,
    /// Frames drawn, and the last one's drawing time (ms), for the tests.
    frames: u64,
}

fn rgb([r, g, b]: [u8; 3]) -> String {
    format!("rgb({r},{g},{b})")
}

impl App {
    /// The camera the 3D view draws with now, if it is on.
    fn camera(&self) -> Option<Camera> {
        let (azimuth, elevation) = self.surface.turn;
        Some(
            self.state
                .landscape
                .view
                .surface?
                .turned(azimuth, elevation),
        )
    }

    /// Turns the spinning surface by a frame's worth; true while it spins.
    pub(super) fn spin_frame(&mut self) -> bool {
        let view = &self.state.landscape.view;
        if !(view.spin && view.surface.is_some()) {
            return false;
        }
        self.surface.turn.0 += SPIN_DEGREES;
        self.dirty = true;
        true
    }

    /// Draws the landscape as a surface with the paths on it.
    pub(super) fn draw_surface(
        &mut self,
        outcome: &Outcome,
        size: (u32, u32),
    ) -> Result<(), JsValue> {
        let Some(camera) = self.camera() else {
            return Ok(());
        };
        let began = dom::now();
        let context: CanvasRenderingContext2d = self
            .el
            .canvas
            .get_context("2d")?
            .ok_or_else(|| JsValue::from_str("the picture has no 2D context"))?
            .dyn_into()?;
        let theme = self.theme();
        let (w, h) = (f64::from(size.0), f64::from(size.1));
        let background = theme.background;
        context.set_fill_style_str(&rgb([background.0, background.1, background.2]));
        context.fill_rect(0.0, 0.0, w, h);
        let landscape = outcome.landscape.as_ref();
        if self
            .surface
            .cache
            .as_ref()
            .is_none_or(|(g, _)| *g != self.generation)
        {
            let sampled = Surface::sample(landscape, landscape.window(), CELLS);
            self.surface.cache = Some((self.generation, sampled));
        }
        let Some((_, surface)) = self.surface.cache.as_ref() else {
            return Ok(());
        };
        let projection = Projection::fit(camera, (w, h * 0.88));
        let scale = w.min(h) / 600.0;
        // The floor, so the eye knows where down is.
        let text = rgb([theme.text.0, theme.text.1, theme.text.2]);
        context.set_stroke_style_str(&text);
        context.set_line_width(scale);
        trace(&context, &surface.floor(&projection));
        context.stroke();
        for quad in surface.quads(&projection, &Colormap::viridis()) {
            context.set_fill_style_str(&rgb(quad.color));
            trace(&context, &widened(&quad.corners, 0.6));
            context.fill();
        }
        self.draw_lifted_paths(&context, outcome, surface, &projection, scale);
        context.set_fill_style_str(&text);
        let size = (14.0 * scale).round().max(12.0);
        context.set_font(&format!("{size}px sans-serif"));
        let (low, high) = surface.value_range();
        let lines = [
            format!(
                "drag to turn · azimuth {}°, elevation {}°",
                camera.azimuth.round(),
                camera.elevation.round()
            ),
            format!(
                "height: f from {} up, 90% of the window below {}",
                format_number(low),
                format_number(high)
            ),
        ];
        for (k, line) in lines.iter().enumerate() {
            let y = h - 1.1 * size - (lines.len() - 1 - k) as f64 * 1.3 * size;
            let _ = context.fill_text(line, 8.0 * scale, y);
        }
        self.surface.frames += 1;
        let canvas = &self.el.canvas;
        let _ = canvas.set_attribute("data-surface-frames", &self.surface.frames.to_string());
        let _ = canvas.set_attribute("data-surface-ms", &format_number(dom::now() - began));
        Ok(())
    }

    /// Every visible run's path up to the current step, lifted onto the
    /// surface: a white casing under the run's colour, and its current point.
    fn draw_lifted_paths(
        &self,
        context: &CanvasRenderingContext2d,
        outcome: &Outcome,
        surface: &Surface,
        projection: &Projection,
        scale: f64,
    ) {
        let window = surface.window();
        let inside = |p: &[f64]| {
            (window.x_min..=window.x_max).contains(&p[0])
                && (window.y_min..=window.y_max).contains(&p[1])
        };
        for (i, run) in outcome.runs.iter().enumerate() {
            if !self.visible(i) {
                continue;
            }
            let h = &run.history;
            let last = self.state.landscape.step.min(h.steps());
            let lifted: Vec<Option<(f64, f64)>> = h.points[..=last.min(h.points.len() - 1)]
                .iter()
                .enumerate()
                .map(|(k, p)| {
                    let value = h
                        .loss
                        .get(k)
                        .copied()
                        .unwrap_or_else(|| outcome.landscape.value(p));
                    inside(p).then(|| {
                        let (x, y, _) = projection.project(surface.to_box(p[0], p[1], value));
                        (x, y)
                    })
                })
                .collect();
            let own = self.color(i);
            let own = rgb([own.0, own.1, own.2]);
            for (width, color) in [(5.0, "white"), (2.5, own.as_str())] {
                context.set_stroke_style_str(color);
                context.set_line_width(width * scale);
                context.begin_path();
                let mut drawing = false;
                for point in &lifted {
                    match (point, drawing) {
                        (Some((x, y)), true) => context.line_to(*x, *y),
                        (Some((x, y)), false) => context.move_to(*x, *y),
                        (None, _) => {}
                    }
                    drawing = point.is_some();
                }
                context.stroke();
            }
            if let Some(Some((x, y))) = lifted.last() {
                context.set_fill_style_str(&own);
                context.begin_path();
                let _ = context.arc(*x, *y, 6.0 * scale, 0.0, std::f64::consts::TAU);
                context.fill();
                context.set_stroke_style_str("white");
                context.set_line_width(2.0 * scale);
                context.stroke();
            }
        }
    }

    /// A press on the 3D picture starts a turn.
    pub(super) fn surface_pointer_down(&mut self, event: &Event) {
        if let Some(pointer) = event.dyn_ref::<PointerEvent>() {
            self.surface.drag_from =
                Some((f64::from(pointer.client_x()), f64::from(pointer.client_y())));
        }
    }

    /// Dragging over the 3D picture turns it: across for the azimuth, up and
    /// down for the elevation.
    pub(super) fn surface_pointer_move(&mut self, event: &Event) {
        let (Some(pointer), Some(from)) = (event.dyn_ref::<PointerEvent>(), self.surface.drag_from)
        else {
            return;
        };
        let to = (f64::from(pointer.client_x()), f64::from(pointer.client_y()));
        self.surface.turn.0 -= (to.0 - from.0) * DEGREES_PER_PIXEL;
        // The tilt stops at the horizon and overhead, with no slack to drag back through.
        let tilt = self
            .state
            .landscape
            .view
            .surface
            .map_or(0.0, |c| c.elevation);
        self.surface.turn.1 = (self.surface.turn.1 + (to.1 - from.1) * DEGREES_PER_PIXEL)
            .clamp(5.0 - tilt, 90.0 - tilt);
        self.surface.drag_from = Some(to);
        self.dirty = true;
    }

    /// The turn so far goes into the state (and the address); the drag ends.
    pub(super) fn commit_turn(&mut self) {
        self.surface.drag_from = None;
        let (azimuth, elevation) = std::mem::take(&mut self.surface.turn);
        if azimuth != 0.0 || elevation != 0.0 {
            self.dispatch(Action::Landscape(L::Rotate(azimuth, elevation)));
        }
    }
}

/// `corners` each moved `by` pixels away from their centre, so neighbouring
/// quads overlap and no hairline seam of the background shows between them
/// (cheaper than stroking every edge).
fn widened(corners: &[(f64, f64); 4], by: f64) -> [(f64, f64); 4] {
    let centre = (
        corners.iter().map(|c| c.0).sum::<f64>() / 4.0,
        corners.iter().map(|c| c.1).sum::<f64>() / 4.0,
    );
    corners.map(|(x, y)| {
        let (dx, dy) = (x - centre.0, y - centre.1);
        let length = dx.hypot(dy).max(1e-9);
        (x + by * dx / length, y + by * dy / length)
    })
}

/// Starts a closed path through `corners`.
fn trace(context: &CanvasRenderingContext2d, corners: &[(f64, f64)]) {
    context.begin_path();
    if let Some((x, y)) = corners.first() {
        context.move_to(*x, *y);
    }
    for (x, y) in &corners[1..] {
        context.line_to(*x, *y);
    }
    context.close_path();
}
