//! A whole experiment drawn on any plotters backend: the landscape, every
//! run's path (and averaged path) and a legend. `descent plot` uses it for
//! SVG and PNG files; the page draws the same overlay on its canvas.

use plotters::coord::Shift;
use plotters::element::BitMapElement;
use plotters::prelude::*;

use super::chart::{draw_color_bar, draw_overlay, run_paths, PathView, Theme};
use super::color::ColorScale;
use super::landscape;
use super::view::{fit_points, Layout, Margins};
use crate::experiment::landscape::run::Outcome;
use crate::problem::Objective;

/// Colours for runs, in order (Tableau 10, legible on viridis).
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(255, 99, 71),
    RGBColor(255, 255, 255),
    RGBColor(255, 179, 0),
    RGBColor(0, 191, 255),
    RGBColor(255, 105, 180),
    RGBColor(50, 205, 50),
    RGBColor(186, 85, 211),
    RGBColor(255, 140, 0),
    RGBColor(220, 20, 60),
    RGBColor(135, 206, 250),
];

/// The colour of run number `index`.
pub fn run_color(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

/// Draws the heatmap and contours of `objective` into `layout`'s plot area
/// of `root`; returns the colour scale, for a colour bar.
pub fn draw_heatmap<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    objective: &dyn Objective,
    layout: &Layout,
) -> Result<ColorScale, DrawingAreaErrorKind<DB::ErrorType>> {
    let image = landscape::render(
        objective,
        &layout.view,
        layout.plot.width,
        layout.plot.height,
        layout.scale as f32,
    );
    let rgb: Vec<u8> = image
        .rgba
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    if let Some(element) = BitMapElement::with_owned_buffer(
        (layout.plot.left as i32, layout.plot.top as i32),
        (image.width, image.height),
        rgb,
    ) {
        root.draw(&element)?;
    }
    Ok(image.scale)
}

/// Draws `outcome` over all of `root`, with sizes scaled by `scale`.
pub fn draw_outcome<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    outcome: &Outcome,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    draw_outcome_at(root, outcome, scale, usize::MAX)
}

/// [`draw_outcome`] with each path drawn up to step `step` (a frame of an
/// animation; the view holds every whole path, so it stays put frame to frame).
pub fn draw_outcome_at<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    outcome: &Outcome,
    scale: f64,
    step: usize,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let every_point = outcome
        .runs
        .iter()
        .flat_map(|run| run.history.drawn_points());
    let window = fit_points(&outcome.landscape.window(), every_point);
    let layout = Layout::fit(root.dim_in_pixel(), &window, &Margins::default(), scale);
    let colors = draw_heatmap(root, outcome.landscape.as_ref(), &layout)?;
    let paths: Vec<PathView<'_>> = outcome
        .runs
        .iter()
        .enumerate()
        .flat_map(|(i, run)| {
            run_paths(
                run,
                run_color(i),
                step.min(run.history.points.len()),
                false,
                None,
            )
        })
        .collect();
    draw_color_bar(root, &layout, &colors, &Theme::LIGHT)?;
    draw_overlay(
        root,
        &layout,
        &outcome.landscape.minima(),
        &paths,
        &Theme::LIGHT,
    )
}
