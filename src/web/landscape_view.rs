//! The landscape picture: the background image (cached, coarser while a
//! control is dragged), each panel's colour bar, overlays and paths, and the
//! per-step chart, all drawn from the page state and the computed outcome.

use plotters::coord::Shift;
use plotters::drawing::DrawingAreaErrorKind;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;

use super::app::App;
use super::state::landscape::{Compare, Overlay, SIDE_BY_SIDE};
use super::{canvas, dom};
use crate::experiment::landscape::run::Outcome;
use crate::problem::Window;
use crate::render::chart::{draw_color_bar, draw_overlay, run_paths, PathView, Theme, Thinned};
use crate::render::color::ColorScale;
use crate::render::curves::{draw_curves, rate_bounds, run_curves, Quantity};
use crate::render::guides::{
    curvature_ellipses, draw_guides, gradient_field, local_model, momentum_split, step_trials,
    Guides, Segment,
};
use crate::render::landscape;
use crate::render::view::{fit_points, Layout, Margins, PixelRect};

/// The landscape image for one problem, plot area and view.
pub struct Background {
    key: String,
    plot: PixelRect,
    view: Window,
    /// The image, on a canvas of its own (it may be coarser than the plot).
    image: HtmlCanvasElement,
    /// Plot pixels per image pixel: 1, or [`COARSE`] while a control is dragged.
    coarseness: u32,
    /// When it was computed (ms).
    computed_at: f64,
    scale: ColorScale,
}

/// A background recomputed sooner than this (ms) after the last one is
/// computed at [`COARSE`] resolution: a slider is being dragged.
const DRAG_WINDOW_MS: f64 = 300.0;
/// Plot pixels per image pixel while dragging.
const COARSE: u32 = 2;

/// The picture split into panels: which runs each shows and where.
pub struct Frame {
    /// The runs of each panel.
    pub groups: Vec<Vec<usize>>,
    columns: u32,
    panel_size: (u32, u32),
    /// Every panel's layout (they share the view).
    pub layout: Layout,
}

impl Frame {
    /// The top-left pixel of panel `k`.
    pub fn origin(&self, k: usize) -> (u32, u32) {
        (
            (k as u32 % self.columns) * self.panel_size.0,
            (k as u32 / self.columns) * self.panel_size.1,
        )
    }
}

impl App {
    pub(super) fn draw(&mut self, size: (u32, u32), ratio: f64) -> Result<(), JsValue> {
        let Some(computation) = self.computation.take() else {
            return Ok(());
        };
        let outcome = computation.outcome();
        let picture = if self.state.landscape.view.surface.is_some() {
            self.layout = None;
            self.draw_surface(outcome, size)
        } else {
            self.draw_outcome(outcome, size, ratio)
        };
        let result = picture.and_then(|_| {
            let swept = self.draw_sweep_chart()?;
            let _ = if swept {
                self.el.chart_kind.set_attribute("hidden", "")
            } else {
                self.el.chart_kind.remove_attribute("hidden")
            };
            if swept {
                Ok(())
            } else {
                self.draw_curves(outcome)
            }
        });
        self.computation = Some(computation);
        result
    }

    /// Whether the page is dark: the user's choice, else the system's.
    pub(super) fn is_dark(&self) -> bool {
        dom::is_dark(&self.document)
    }

    pub(super) fn theme(&self) -> Theme {
        dom::theme(&self.document)
    }

    /// The overlays that are switched on: the field over the view, the local
    /// model at the current point of the first visible run.
    pub(super) fn guides(&self, outcome: &Outcome, layout: &Layout, group: &[usize]) -> Guides {
        let run = group.first().copied();
        let view = &self.state.landscape.view;
        let mut guides = Guides::default();
        let landscape = outcome.landscape.as_ref();
        if view.has(Overlay::Field) {
            guides.arrows = gradient_field(landscape, &layout.view, 15);
        }
        let current = run.and_then(|i| outcome.runs.get(i)).and_then(|run| {
            run.history
                .points
                .get(self.state.landscape.step.min(run.history.steps()))
        });
        if let Some(point) = current {
            let (newton, eigen) = local_model(landscape, [point[0], point[1]], &layout.view);
            if view.has(Overlay::Newton) {
                guides.newton = newton;
            }
            if view.has(Overlay::Eigen) {
                guides.eigen = eigen;
            }
        }
        if view.has(Overlay::Momentum) {
            guides.momentum = group.iter().find_map(|&i| self.momentum_split(outcome, i));
        }
        if view.has(Overlay::Model) {
            guides.ellipses = run
                .and_then(|i| outcome.runs.get(i))
                .and_then(|r| {
                    let h = &r.history;
                    let step = self.state.landscape.step.min(h.steps());
                    let model = h.models.iter().rev().find(|(k, _)| *k <= step)?.1;
                    let x = h.points.get(step)?;
                    let hessian = landscape
                        .hessian(x)
                        .map(|m| [m[(0, 0)], m[(0, 1)], m[(1, 0)], m[(1, 1)]]);
                    Some(curvature_ellipses(
                        (x[0], x[1]),
                        hessian,
                        model,
                        &layout.view,
                    ))
                })
                .unwrap_or_default();
        }
        if view.has(Overlay::Trials) {
            guides.trials = run.and_then(|i| outcome.runs.get(i)).and_then(|r| {
                let step = self.state.landscape.step.min(r.history.steps());
                let (from, mut points) = step_trials(&r.history, step.max(1))?;
                // A trial far off the picture would be clamped to its edge, off its ray.
                let v = &layout.view;
                points.retain(|((x, y), _)| {
                    (v.x_min..=v.x_max).contains(x) && (v.y_min..=v.y_max).contains(y)
                });
                Some((from, points))
            });
        }
        guides
    }

    /// The step to the current point of run `i` split into its gradient
    /// and velocity parts, as the optimizer recorded it (momentum SGD).
    pub(super) fn momentum_split(&self, outcome: &Outcome, i: usize) -> Option<(Segment, Segment)> {
        let h = &outcome.runs.get(i)?.history;
        let k = self.state.landscape.step.min(h.steps());
        let split = h.momentum.get(k.checked_sub(1)?)?;
        let from = &h.points[k - 1];
        Some(momentum_split([from[0], from[1]], split))
    }

    /// The per-step chart of every visible run.
    pub(super) fn draw_curves(&mut self, outcome: &Outcome) -> Result<(), JsValue> {
        let (_, ratio, _) = canvas::fit_to_display(&self.el.curves);
        let quantity = self.state.landscape.view.chart;
        let minima = outcome.landscape.minima();
        let mut curves = run_curves(
            outcome
                .runs
                .iter()
                .enumerate()
                .filter(|(i, _)| self.visible(*i))
                .map(|(i, run)| (run, self.color(i))),
            quantity,
            &minima,
            if self.state.landscape.view.has(Overlay::Ahead) {
                usize::MAX
            } else {
                self.state.landscape.step
            },
        );
        // On a quadratic without noise, the theory's rates beside the runs' losses.
        let noiseless = self.state.landscape.noise.is_none();
        let first = outcome
            .runs
            .iter()
            .enumerate()
            .find(|(i, _)| self.visible(*i));
        if let (Quantity::Loss, Some((_, run)), true) = (quantity, first, noiseless) {
            let steps = outcome
                .runs
                .iter()
                .map(|r| r.history.steps())
                .max()
                .unwrap_or(0);
            if let Some(&f0) = run.history.loss.first() {
                curves.extend(rate_bounds(outcome.landscape.as_ref(), f0, steps));
            }
        }
        let backend = CanvasBackend::with_canvas_object(self.el.curves.clone())
            .ok_or_else(|| JsValue::from_str("plotters could not use the chart canvas"))?;
        let root = backend.into_drawing_area();
        let scale = if self.presenting() {
            1.5 * ratio
        } else {
            ratio
        };
        self.step_axis = draw_curves(
            &root,
            quantity.caption(),
            &curves,
            self.state.landscape.step,
            scale,
            &self.theme(),
        )
        .map_err(|e| JsValue::from_str(&format!("drawing the chart failed: {e}")))?;
        if let Some(axis) = self.step_axis {
            // The value axis's range, for the end-to-end tests.
            let _ = self.el.curves.set_attribute(
                "data-range",
                &format!("{} {}", axis.values.0, axis.values.1),
            );
        }
        root.present()
            .map_err(|e| JsValue::from_str(&format!("drawing the chart failed: {e}")))
    }

    /// How a picture of `size` device pixels is split into panels (one with
    /// every visible run, or one per run side by side) and laid out.
    pub(super) fn panels_frame(&self, outcome: &Outcome, size: (u32, u32), scale: f64) -> Frame {
        let visible: Vec<usize> = (0..outcome.runs.len())
            .filter(|&i| self.visible(i))
            .collect();
        let groups: Vec<Vec<usize>> =
            if self.state.landscape.view.compare == Compare::SideBySide && visible.len() > 1 {
                visible
                    .iter()
                    .take(SIDE_BY_SIDE)
                    .map(|&i| vec![i])
                    .collect()
            } else {
                vec![visible]
            };
        let (columns, rows) = match groups.len() {
            1 => (1, 1),
            2 => (2, 1),
            _ => (2, 2),
        };
        let panel_size = (size.0 / columns, size.1 / rows);
        let window = if self.state.landscape.view.fit {
            let runs: Vec<usize> = groups.iter().flatten().copied().collect();
            // While the runs are computed the view stays as first fitted; it
            // is fitted to the whole paths once they are done.
            let computed = if self.computing() {
                0
            } else {
                computed_points(outcome)
            };
            let key = (self.generation, computed, runs);
            let mut cache = self.fitted.borrow_mut();
            match cache.as_ref().filter(|(k, _)| *k == key) {
                Some((_, window)) => *window,
                None => {
                    let shown = key
                        .2
                        .iter()
                        .flat_map(|&i| outcome.runs[i].history.drawn_points());
                    let window = fit_points(&outcome.landscape.window(), shown);
                    *cache = Some((key, window));
                    window
                }
            }
        } else {
            outcome.landscape.window()
        };
        let layout = Layout::fit(panel_size, &window, &Margins::default(), scale);
        Frame {
            groups,
            columns,
            panel_size,
            layout,
        }
    }

    /// Draws every panel of `frame` but its landscape image: colour bar,
    /// overlays, paths and legend, on any plotters backend.
    pub(super) fn draw_panels<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        outcome: &Outcome,
        frame: &Frame,
        scale: Option<&ColorScale>,
        theme: &Theme,
    ) -> Result<(), JsValue> {
        let failed = |e: DrawingAreaErrorKind<DB::ErrorType>| {
            JsValue::from_str(&format!("drawing failed: {e}"))
        };
        let layout = &frame.layout;
        for (k, group) in frame.groups.iter().enumerate() {
            let origin = frame.origin(k);
            let area = root.clone().shrink(origin, frame.panel_size);
            if let Some(scale) = scale {
                draw_color_bar(&area, layout, scale, theme).map_err(failed)?;
            }
            let guides = self.guides(outcome, layout, group);
            draw_guides(&area, layout, &guides).map_err(failed)?;
            let paths = self.paths(outcome, group, layout);
            draw_overlay(&area, layout, &outcome.landscape.minima(), &paths, theme)
                .map_err(failed)?;
        }
        Ok(())
    }

    pub(super) fn draw_outcome(
        &mut self,
        outcome: &Outcome,
        size: (u32, u32),
        ratio: f64,
    ) -> Result<(), JsValue> {
        let theme = self.theme();
        let text_scale = if self.presenting() { 1.5 } else { 1.0 };
        let frame = self.panels_frame(outcome, size, ratio * text_scale);
        let layout = frame.layout;
        self.layout = Some(layout);
        self.thin_paths(outcome, &layout);
        let context = canvas::context_2d(&self.el.canvas)?;
        let RGBColor(r, g, b) = theme.background;
        context.set_fill_style_str(&format!("rgb({r}, {g}, {b})"));
        context.fill_rect(0.0, 0.0, f64::from(size.0), f64::from(size.1));
        let key = format!("{}{}", outcome.problem, self.state.landscape.seed);
        let image = self.background(outcome, &key, &layout)?.clone();
        let scale = self.background.as_ref().map(|b| b.scale);
        for k in 0..frame.groups.len() {
            let (x, y) = frame.origin(k);
            context.draw_image_with_html_canvas_element_and_dw_and_dh(
                &image,
                f64::from(x + layout.plot.left),
                f64::from(y + layout.plot.top),
                f64::from(layout.plot.width),
                f64::from(layout.plot.height),
            )?;
            self.draw_basins(&context, (x, y), layout.plot)?;
        }
        let backend = CanvasBackend::with_canvas_object(self.el.canvas.clone())
            .ok_or_else(|| JsValue::from_str("plotters could not use the canvas"))?;
        let root = backend.into_drawing_area();
        self.draw_panels(&root, outcome, &frame, scale.as_ref(), &theme)?;
        root.present()
            .map_err(|e| JsValue::from_str(&format!("drawing failed: {e}")))
    }

    /// The paths of runs `indices` on `layout`, each with its averaged path
    /// if any, thinned to the picture's resolution where `layout` is the one
    /// the thinning was made for.
    pub(super) fn paths<'o>(
        &self,
        outcome: &'o Outcome,
        indices: &[usize],
        layout: &Layout,
    ) -> Vec<PathView<'o>> {
        let ahead = self.state.landscape.view.has(Overlay::Ahead);
        let thinned = self
            .thinned
            .as_ref()
            .filter(|(key, _)| {
                key.2 == layout.plot && key.3 == layout.view && key.0 == self.generation
            })
            .map(|(_, t)| t);
        indices
            .iter()
            .flat_map(|&i| {
                run_paths(
                    &outcome.runs[i],
                    self.color(i),
                    self.state.landscape.step,
                    ahead,
                    thinned.and_then(|t| t.get(i)),
                )
            })
            .collect()
    }

    /// Thins every run's paths for `layout`, unless already done for it and
    /// for the steps computed so far.
    fn thin_paths(&mut self, outcome: &Outcome, layout: &Layout) {
        let key = (
            self.generation,
            computed_points(outcome),
            layout.plot,
            layout.view,
        );
        match &mut self.thinned {
            Some((k, _)) if *k == key => {}
            // The same computation and view, further along: thin the new points only.
            Some((k, thinned)) if (k.0, k.2, k.3) == (key.0, key.2, key.3) => {
                for (t, run) in thinned.iter_mut().zip(&outcome.runs) {
                    t.extend(run, layout);
                }
                *k = key;
            }
            _ => {
                let thinned = outcome
                    .runs
                    .iter()
                    .map(|r| Thinned::of(r, layout))
                    .collect();
                self.thinned = Some((key, thinned));
            }
        }
    }
    /// The landscape image for `layout`, recomputed only when the problem or
    /// the plot area changed: coarser while changes come in quick succession
    /// (a slider being dragged), at full resolution once they settle.
    pub(super) fn background(
        &mut self,
        outcome: &Outcome,
        key: &str,
        layout: &Layout,
    ) -> Result<&HtmlCanvasElement, JsValue> {
        let now = dom::now();
        let changed = self
            .background
            .as_ref()
            .is_none_or(|b| b.key != key || b.plot != layout.plot || b.view != layout.view);
        if changed || self.background_settled() {
            let dragging = changed
                && self
                    .background
                    .as_ref()
                    .is_some_and(|b| now - b.computed_at < DRAG_WINDOW_MS);
            let coarseness = if dragging { COARSE } else { 1 };
            let (width, height) = (
                layout.plot.width.div_ceil(coarseness),
                layout.plot.height.div_ceil(coarseness),
            );
            let image = landscape::render(
                outcome.landscape.as_ref(),
                &layout.view,
                width,
                height,
                layout.scale as f32 / coarseness as f32,
            );
            let canvas_element: HtmlCanvasElement = self
                .document
                .create_element("canvas")?
                .dyn_into()
                .map_err(|_| JsValue::from_str("not a canvas"))?;
            canvas_element.set_width(width.max(1));
            canvas_element.set_height(height.max(1));
            canvas::context_2d(&canvas_element)?.put_image_data(
                &canvas::image_data(&image)?,
                0.0,
                0.0,
            )?;
            // The last recomputation's cost and resolution, for the end-to-end tests to report.
            let _ = self
                .el
                .canvas
                .set_attribute("data-background-ms", &format!("{:.1}", dom::now() - now));
            let _ = self
                .el
                .canvas
                .set_attribute("data-background-coarseness", &coarseness.to_string());
            self.background = Some(Background {
                key: key.to_string(),
                plot: layout.plot,
                view: layout.view,
                image: canvas_element,
                coarseness,
                computed_at: now,
                scale: image.scale,
            });
        }
        self.background
            .as_ref()
            .map(|b| &b.image)
            .ok_or_else(|| JsValue::from_str("no landscape image"))
    }

    /// Whether a coarse background is due for its full-resolution redraw.
    pub(super) fn background_settled(&self) -> bool {
        self.background
            .as_ref()
            .is_some_and(|b| b.coarseness > 1 && dom::now() - b.computed_at >= DRAG_WINDOW_MS)
    }
}

/// How many points the outcome holds so far (it grows while computing).
fn computed_points(outcome: &Outcome) -> usize {
    outcome.runs.iter().map(|r| r.history.points.len()).sum()
}

/// What a thinning was made for: the computation, its points so far, the
/// plot area and the view.
pub type ThinKey = (u64, usize, PixelRect, Window);
/// What a fitted view was made for: the computation, its points so far and
/// the runs shown.
pub type FitKey = (u64, usize, Vec<usize>);
