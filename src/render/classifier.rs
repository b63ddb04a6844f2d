//! The peaks classifier drawn on any plotters backend: decision regions with
//! the training and test points over them, and the loss and accuracy curves.

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::element::BitMapElement;
use plotters::prelude::*;

use super::chart::Theme;
use super::contrast::legible_on;
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

/// Where a panel's picture puts its three parts, in pixels of the canvas:
/// the decision-region plot (with its tick labels) and the two charts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrainingLayout {
    /// The region plot and its labels.
    pub regions: PixelRect,
    /// The loss chart.
    pub loss: PixelRect,
    /// The accuracy chart.
    pub accuracy: PixelRect,
    /// Whether the region plot goes without tick labels (a small picture
    /// keeps its room for the map; the axes are always [−3, 3]).
    pub bare: bool,
}

/// The layout for a canvas of `size` with text scaled by `scale`, chosen by
/// its shape so that every part stays readable: a wide strip puts regions,
/// loss and accuracy side by side; a tall column puts the regions on top and
/// the charts under them; anything between puts the regions on the left and
/// the charts stacked on the right. The region plot is always square
/// ([−3, 3]² undistorted).
pub fn training_layout(size: (u32, u32), scale: f64) -> TrainingLayout {
    let labelled = arrange(size, scale, false);
    if f64::from(labelled.regions.height) < 170.0 * scale {
        arrange(size, scale, true)
    } else {
        labelled
    }
}

fn arrange(size: (u32, u32), scale: f64, bare: bool) -> TrainingLayout {
    let (width, height) = size;
    let (margin, x_labels, y_labels) = label_areas(scale, bare);
    let area_for = |w: u32, h: u32| {
        let side = w
            .saturating_sub(2 * margin + y_labels)
            .min(h.saturating_sub(2 * margin + x_labels));
        (side + 2 * margin + y_labels, side + 2 * margin + x_labels)
    };
    let rect = |left, top, width, height| PixelRect {
        left,
        top,
        width,
        height,
    };
    if 5 * width >= 12 * height {
        let (rw, rh) = area_for(width * 2 / 5, height);
        let chart = (width - rw) / 2;
        TrainingLayout {
            regions: rect(0, 0, rw, rh),
            loss: rect(rw, 0, chart, height),
            accuracy: rect(rw + chart, 0, width - rw - chart, height),
            bare,
        }
    } else if width < height {
        let (rw, rh) = area_for(width, height * 11 / 20);
        let below = height - rh;
        let (loss, accuracy) = if 8 * width >= 16 * below {
            (
                rect(0, rh, width / 2, below),
                rect(width / 2, rh, width - width / 2, below),
            )
        } else {
            (
                rect(0, rh, width, below / 2),
                rect(0, rh + below / 2, width, below - below / 2),
            )
        };
        TrainingLayout {
            regions: rect((width - rw) / 2, 0, rw, rh),
            loss,
            accuracy,
            bare,
        }
    } else {
        let (rw, rh) = area_for(width * 3 / 5, height);
        TrainingLayout {
            regions: rect(0, 0, rw, rh),
            loss: rect(rw, 0, width - rw, height / 2),
            accuracy: rect(rw, height / 2, width - rw, height - height / 2),
            bare,
        }
    }
}

/// The pixel rectangle of the decision-region plot itself in a canvas of
/// `size` with text scaled by `scale` (a canvas puts the regions there in one call).
pub fn regions_rect(size: (u32, u32), scale: f64) -> PixelRect {
    let layout = training_layout(size, scale);
    let (margin, x_labels, y_labels) = label_areas(scale, layout.bare);
    let area = layout.regions;
    PixelRect {
        left: area.left + margin + y_labels,
        top: area.top + margin,
        width: area.width.saturating_sub(2 * margin + y_labels),
        height: area.height.saturating_sub(2 * margin + x_labels),
    }
}

/// Margin, x-label and y-label sizes of the region plot for text scale `scale`.
fn label_areas(scale: f64, bare: bool) -> (u32, u32, u32) {
    let px = |v: f64| (v * scale).round() as u32;
    if bare {
        (px(4.0), 0, 0)
    } else {
        (px(10.0), px(30.0), px(40.0))
    }
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
    theme: &Theme,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let layout = training_layout(root.dim_in_pixel(), scale);
    let part = |r: PixelRect| root.clone().shrink((r.left, r.top), (r.width, r.height));
    if grid.is_some() {
        root.fill(&theme.background)?;
    }
    draw_regions(
        &part(layout.regions),
        grid,
        train,
        test,
        scale,
        layout.bare,
        theme,
    )?;
    let last = history.iteration.last().copied().unwrap_or(1).max(1) as f64;
    // An early spike (a wide network's first steps) would flatten the rest:
    // the axis stops at twice the initial loss, and higher values run off it.
    let initial = history
        .train_loss
        .first()
        .copied()
        .filter(|v| v.is_finite());
    let finite = || {
        history
            .train_loss
            .iter()
            .chain(&history.test_loss)
            .copied()
            .filter(|v| v.is_finite())
    };
    let max_loss = finite()
        .fold(0.1, f64::max)
        .min(initial.map_or(f64::INFINITY, |l| 2.0 * l.max(0.05)));
    let curves = Curves {
        xs: &history.iteration,
        last,
        scale,
        theme,
    };
    let mut losses = curves.chart(&part(layout.loss), "loss", max_loss * 1.05, 4)?;
    let clip = max_loss.max(1.0) * 1.05;
    curves.draw(&mut losses, &history.train_loss, &history.test_loss, clip)?;
    // Values above the axis are named, so a divergence does not read as a plateau.
    let peak = finite().fold(f64::NEG_INFINITY, f64::max);
    if peak > max_loss * 1.05 {
        let now = history.train_loss.last().copied().unwrap_or(f64::NAN);
        let font =
            ("sans-serif", 12.0 * scale)
                .into_font()
                .color(&legible_on(RED, theme.background, 4.5));
        // The whole note where it fits in the plot, else the peak alone.
        let area = losses.plotting_area();
        let room = f64::from(area.dim_in_pixel().0) * 0.95;
        let note = [
            format!("↑ peak {}, now {}", short(peak), short(now)),
            format!("↑ {}", short(peak)),
        ]
        .into_iter()
        .find(|text| {
            area.estimate_text_size(text, &font)
                .is_ok_and(|(w, _)| f64::from(w) <= room)
        })
        .unwrap_or_default();
        losses.draw_series(std::iter::once(Text::new(
            note,
            (0.02 * last, max_loss * 1.02),
            font,
        )))?;
    }
    let mut accuracy = curves.chart(&part(layout.accuracy), "accuracy", 1.0, 3)?;
    curves.draw(
        &mut accuracy,
        &history.train_accuracy,
        &history.test_accuracy,
        f64::INFINITY,
    )
}

/// The decision regions (when `grid` is given) with the training points
/// (circles) and test points (crosses) over them.
fn draw_regions<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    grid: Option<&DecisionGrid>,
    train: &Dataset,
    test: &Dataset,
    scale: f64,
    bare: bool,
    theme: &Theme,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (margin, x_labels, y_labels) = label_areas(scale, bare);
    let font = ("sans-serif", 12.0 * scale).into_font();
    let mut chart = ChartBuilder::on(area)
        .margin(margin)
        .x_label_area_size(x_labels)
        .y_label_area_size(y_labels)
        .build_cartesian_2d(-3.0..3.0, -3.0..3.0)?;
    if let Some(grid) = grid {
        let (px, py) = chart.plotting_area().get_pixel_range();
        let (w, h) = ((px.end - px.start) as u32, (py.end - py.start) as u32);
        let (x0, y0) = area.get_base_pixel();
        if let Some(element) = BitMapElement::with_owned_buffer(
            (px.start - x0, py.start - y0),
            (w, h),
            region_pixels(grid, w, h),
        ) {
            area.draw(&element)?;
        }
    }
    if !bare {
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(5)
            .y_labels(5)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .label_style(font.color(&theme.text))
            .axis_style(theme.axis)
            .draw()?;
    }
    // Points shrink with a small map, so the regions still show between them.
    let (xs, _) = chart.plotting_area().get_pixel_range();
    let size = f64::from((xs.end - xs.start).max(1)) / 240.0;
    let dot = (3.0 * scale).min(3.0 * size).max(1.0);
    chart.draw_series(
        train
            .x
            .iter()
            .zip(&train.labels)
            .map(|(p, &c)| Circle::new((p[0], p[1]), dot as i32, CLASS_COLORS[c].filled())),
    )?;
    chart.draw_series(test.x.iter().zip(&test.labels).map(|(p, &c)| {
        Cross::new(
            (p[0], p[1]),
            (1.4 * dot) as i32,
            CLASS_COLORS[c].stroke_width((0.6 * dot).max(1.0) as u32),
        )
    }))?;
    Ok(())
}

/// Train (blue) and test (red) curves over the iterations logged.
struct Curves<'a> {
    xs: &'a [usize],
    last: f64,
    scale: f64,
    theme: &'a Theme,
}

type CurveChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

impl Curves<'_> {
    /// An empty chart from 0 to `top` over `area`, headed by its `name`
    /// followed by "train" in blue and "test" in red (the words are the legend).
    fn chart<'a, DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        name: &str,
        top: f64,
        y_labels: usize,
    ) -> Result<CurveChart<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
        let px = |v: f64| (v * self.scale).round() as u32;
        let font = ("sans-serif", 12.0 * self.scale).into_font();
        let gap = px(6.0) as i32;
        let width = |word: &str| {
            area.estimate_text_size(word, &TextStyle::from(font.clone()))
                .map_or(0, |(x, _)| x as i32)
        };
        let bg = self.theme.background;
        let full = [
            (name, self.theme.text),
            ("train", legible_on(BLUE, bg, 4.5)),
            ("test", legible_on(RED, bg, 4.5)),
        ];
        let total = full.iter().map(|(w, _)| width(w) + gap).sum::<i32>() - gap;
        let room = area.dim_in_pixel().0 as i32;
        // Where the words do not fit, the chart beside it carries the legend.
        let words = if total <= room { &full[..] } else { &full[..1] };
        let total = words.iter().map(|(w, _)| width(w) + gap).sum::<i32>() - gap;
        let mut x = (room - total).max(0) / 2;
        for (word, color) in words {
            area.draw(&Text::new(
                *word,
                (x, px(3.0) as i32),
                font.clone().color(color),
            ))?;
            x += width(word) + gap;
        }
        let mut chart = ChartBuilder::on(area)
            .margin(px(8.0))
            .margin_top(px(20.0))
            .margin_right(px(16.0))
            .x_label_area_size(px(22.0))
            .y_label_area_size(px(40.0))
            .build_cartesian_2d(0.0..self.last, 0.0..top)?;
        // Iterations are whole numbers: at most one label per iteration, and
        // few enough that they do not run together.
        let narrow = f64::from(area.dim_in_pixel().0) < 170.0 * self.scale;
        let iteration_label = |v: &f64| format!("{v:.0}");
        chart
            .configure_mesh()
            .x_labels((self.last as usize + 1).min(if narrow { 2 } else { 3 }))
            .x_label_formatter(&iteration_label)
            .y_labels(y_labels)
            .label_style(font.color(&self.theme.text))
            .axis_style(self.theme.axis)
            .bold_line_style(self.theme.axis.mix(0.3))
            .light_line_style(self.theme.axis.mix(0.1))
            .draw()?;
        Ok(chart)
    }

    /// Draws `train` and `test` (values above `clip` drawn at `clip`).
    fn draw<DB: DrawingBackend>(
        &self,
        chart: &mut CurveChart<'_, DB>,
        train: &[f64],
        test: &[f64],
        clip: f64,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let stroke = (2.0 * self.scale).round() as u32;
        let bg = self.theme.background;
        for (values, color) in [(train, BLUE), (test, RED)] {
            let color = legible_on(color, bg, 3.0);
            let points: Vec<(f64, f64)> = self
                .xs
                .iter()
                .zip(values)
                .filter(|(_, v)| v.is_finite())
                .map(|(&x, &v)| (x as f64, v.min(clip)))
                .collect();
            chart.draw_series(LineSeries::new(points, color.stroke_width(stroke)))?;
        }
        Ok(())
    }
}

/// Three significant digits, for a note inside a small chart.
fn short(value: f64) -> String {
    if !value.is_finite() || value.abs() >= 1e5 {
        return super::number::format_number(value);
    }
    let digits = (2 - value.abs().max(1e-3).log10().floor() as i32).clamp(0, 4) as usize;
    format!("{value:.digits$}")
}
