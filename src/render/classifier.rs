//! The peaks classifier drawn on any plotters backend: decision regions with
//! the training and test points over them, and the loss and accuracy curves.

use plotters::coord::Shift;
use plotters::element::BitMapElement;
use plotters::prelude::*;

use super::view::PixelRect;
use crate::data::{Dataset, CLASSES};
use crate::experiment::classifier::{DecisionGrid, TrainingHistory};

/// Colours of the five classes (regions are drawn lighter).
pub const CLASS_COLORS: [RGBColor; CLASSES] = [
    RGBColor(68, 1, 84),
    RGBColor(59, 82, 139),
    RGBColor(33, 145, 140),
    RGBColor(94, 201, 98),
    RGBColor(253, 231, 37),
];

/// The decision regions as RGB pixels, `width × height`, blending each
/// class colour with white.
pub fn region_pixels(grid: &DecisionGrid, width: u32, height: u32) -> Vec<u8> {
    let mut rgb = Vec::with_capacity((width * height * 3) as usize);
    for row in 0..height {
        let gy = (row as usize * grid.size) / height.max(1) as usize;
        for col in 0..width {
            let gx = (col as usize * grid.size) / width.max(1) as usize;
            let class = grid.classes.get(gy * grid.size + gx).copied().unwrap_or(0) as usize;
            let c = CLASS_COLORS[class.min(CLASSES - 1)];
            rgb.extend([c.0, c.1, c.2].map(|v| ((u16::from(v) + 2 * 255) / 3) as u8));
        }
    }
    rgb
}

/// The pixel rectangle of the decision-region plot in a canvas of `size`
/// with text scaled by `scale` (the left part; the curves take the right).
pub fn regions_rect(size: (u32, u32), scale: f64) -> PixelRect {
    let (margin, x_labels, y_labels) = label_areas(scale);
    let (left_width, left_height) = regions_area(size, scale);
    PixelRect {
        left: margin + y_labels,
        top: margin,
        width: left_width.saturating_sub(2 * margin + y_labels),
        height: left_height.saturating_sub(2 * margin + x_labels),
    }
}

/// The size of the region plot's area (plot and labels) at the left of a
/// canvas of `size`: at most three fifths of the width, as tall as the canvas
/// allows, and shaped so that the plot itself is square ([−3, 3]² undistorted).
fn regions_area(size: (u32, u32), scale: f64) -> (u32, u32) {
    let (width, height) = size;
    let (margin, x_labels, y_labels) = label_areas(scale);
    let side = (width * 3 / 5)
        .saturating_sub(2 * margin + y_labels)
        .min(height.saturating_sub(2 * margin + x_labels));
    (side + 2 * margin + y_labels, side + 2 * margin + x_labels)
}

/// Margin, x-label and y-label sizes of the region plot for text scale `scale`.
fn label_areas(scale: f64) -> (u32, u32, u32) {
    let px = |v: f64| (v * scale).round() as u32;
    (px(10.0), px(30.0), px(40.0))
}

/// Draws regions, points (circles for training, crosses for test) and curves
/// over `root`, text scaled by `scale` (the device pixel ratio, more when
/// presenting). With `grid` None, the caller has already filled the
/// background and put the regions in [`regions_rect`] (a canvas does that in one call).
pub fn draw_training<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    grid: Option<&DecisionGrid>,
    train: &Dataset,
    test: &Dataset,
    history: &TrainingHistory,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (width, height) = root.dim_in_pixel();
    let (left_width, left_height) = regions_area((width, height), scale);
    let (left, right) = root.split_horizontally(left_width);
    let left = left.shrink((0, 0), (left_width, left_height));
    let (margin, x_labels, y_labels) = label_areas(scale);
    let font = ("sans-serif", 12.0 * scale).into_font();
    let caption_font = ("sans-serif", 12.0 * scale).into_font();
    let mut chart = ChartBuilder::on(&left)
        .margin(margin)
        .x_label_area_size(x_labels)
        .y_label_area_size(y_labels)
        .build_cartesian_2d(-3.0..3.0, -3.0..3.0)?;
    if let Some(grid) = grid {
        root.fill(&WHITE)?;
        let (px, py) = chart.plotting_area().get_pixel_range();
        let (w, h) = ((px.end - px.start) as u32, (py.end - py.start) as u32);
        if let Some(element) = BitMapElement::with_owned_buffer(
            (px.start, py.start),
            (w, h),
            region_pixels(grid, w, h),
        ) {
            left.draw(&element)?;
        }
    }
    chart
        .configure_mesh()
        .disable_mesh()
        .label_style(font.clone())
        .draw()?;
    chart.draw_series(train.x.iter().zip(&train.labels).map(|(p, &c)| {
        Circle::new((p[0], p[1]), (3.0 * scale) as i32, CLASS_COLORS[c].filled())
    }))?;
    chart.draw_series(test.x.iter().zip(&test.labels).map(|(p, &c)| {
        Cross::new(
            (p[0], p[1]),
            (4.0 * scale) as i32,
            CLASS_COLORS[c].stroke_width((2.0 * scale) as u32),
        )
    }))?;
    let (top, bottom) = right.split_vertically(height / 2);
    let last = history.iteration.last().copied().unwrap_or(1).max(1) as f64;
    // An early spike (a wide network's first steps) would flatten the rest:
    // the axis stops at twice the initial loss, and higher values run off it.
    let initial = history
        .train_loss
        .first()
        .copied()
        .filter(|v| v.is_finite());
    let max_loss = history
        .train_loss
        .iter()
        .chain(&history.test_loss)
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.1, f64::max)
        .min(initial.map_or(f64::INFINITY, |l| 2.0 * l.max(0.05)));
    let px = |v: f64| (v * scale).round() as u32;
    let mut losses = ChartBuilder::on(&top)
        .caption("loss (blue: train, red: test)", caption_font.clone())
        .margin(px(8.0))
        .margin_right(px(16.0))
        .x_label_area_size(px(22.0))
        .y_label_area_size(px(40.0))
        .build_cartesian_2d(0.0..last, 0.0..max_loss * 1.05)?;
    // Iterations are whole numbers: at most one label per iteration, five at most.
    let iteration_label = |v: &f64| format!("{v:.0}");
    let x_labels = (last as usize + 1).min(3);
    losses
        .configure_mesh()
        .x_labels(x_labels)
        .x_label_formatter(&iteration_label)
        .y_labels(4)
        .label_style(font.clone())
        .draw()?;
    let mut accuracy = ChartBuilder::on(&bottom)
        .caption("accuracy (blue: train, red: test)", caption_font)
        .margin(px(8.0))
        .margin_right(px(16.0))
        .x_label_area_size(px(22.0))
        .y_label_area_size(px(40.0))
        .build_cartesian_2d(0.0..last, 0.0..1.0)?;
    accuracy
        .configure_mesh()
        .x_labels(x_labels)
        .x_label_formatter(&iteration_label)
        .y_labels(3)
        .label_style(font.clone())
        .draw()?;
    let xs = || history.iteration.iter().map(|&i| i as f64);
    let curve = |values: &[f64], color: RGBColor| {
        LineSeries::new(
            xs().zip(values.iter().copied())
                .filter(|(_, v)| v.is_finite())
                .map(|(x, v)| (x, v.min(max_loss.max(1.0) * 1.05)))
                .collect::<Vec<_>>(),
            color.stroke_width(px(2.0)),
        )
    };
    losses.draw_series(curve(&history.train_loss, BLUE))?;
    losses.draw_series(curve(&history.test_loss, RED))?;
    // Values above the axis are named, so a divergence does not read as a plateau.
    let peak = history
        .train_loss
        .iter()
        .chain(&history.test_loss)
        .copied()
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    if peak > max_loss * 1.05 {
        let now = history.train_loss.last().copied().unwrap_or(f64::NAN);
        losses.draw_series(std::iter::once(Text::new(
            format!(
                "above the axis: peak {}, now {}",
                super::number::format_number(peak),
                super::number::format_number(now)
            ),
            (0.02 * last, max_loss * 1.02),
            font.clone().color(&RED),
        )))?;
    }
    accuracy.draw_series(curve(&history.train_accuracy, BLUE))?;
    accuracy.draw_series(curve(&history.test_accuracy, RED))?;
    Ok(())
}
