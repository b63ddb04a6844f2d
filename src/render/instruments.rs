//! The landscape instruments drawn on any plotters backend: a basin map
//! (each start coloured by the minimum it reaches, lighter the longer it
//! took) and a hyperparameter sweep (final loss against one hyperparameter,
//! or a heatmap over two).

use plotters::coord::Shift;
use plotters::element::BitMapElement;
use plotters::prelude::*;

use crate::experiment::landscape::basins::{BasinMap, Fate};
use crate::experiment::landscape::sweep::{theory_marks, Search, Sweep};
use crate::render::color::Colormap;
use crate::render::number::format_number;

/// Colour of a start that diverged.
pub const DIVERGED: RGBColor = RGBColor(30, 30, 30);
/// Colour of a diverged setting on a sweep's heatmap: red, apart from
/// every colour of the loss scale.
pub const SWEEP_DIVERGED: RGBColor = RGBColor(215, 48, 39);
/// Colour of a start that ended elsewhere.
pub const ELSEWHERE: RGBColor = RGBColor(190, 190, 190);

/// The colour of minimum `k`'s basin, lightened by `shade` ∈ [0, 1]
/// (0: arrived at once, 1: took every step).
pub fn basin_color(k: usize, shade: f64) -> [u8; 3] {
    let c = colorous::TABLEAU10[k % colorous::TABLEAU10.len()];
    let mix = |v: u8| (f64::from(v) + 0.65 * shade.clamp(0.0, 1.0) * (255.0 - f64::from(v))) as u8;
    [mix(c.r), mix(c.g), mix(c.b)]
}

/// The map's cells as RGB pixels, `width × height`, top row first.
pub fn basin_pixels(map: &BasinMap, width: u32, height: u32) -> Vec<u8> {
    let mut rgb = Vec::with_capacity((width * height * 3) as usize);
    let longest = map.arrival.iter().copied().max().unwrap_or(1).max(1) as f64;
    for row in 0..height {
        let i = map.size - 1 - (row as usize * map.size) / height.max(1) as usize;
        for col in 0..width {
            let j = (col as usize * map.size) / width.max(1) as usize;
            let cell = i * map.size + j;
            let color = match map.fates.get(cell) {
                Some(Fate::Minimum(k)) => {
                    basin_color(*k, (map.arrival[cell] as f64 / longest).sqrt())
                }
                Some(Fate::Diverged) => [DIVERGED.0, DIVERGED.1, DIVERGED.2],
                Some(Fate::Elsewhere) => [ELSEWHERE.0, ELSEWHERE.1, ELSEWHERE.2],
                None => [255, 255, 255],
            };
            rgb.extend(color);
        }
    }
    rgb
}

/// Draws the basin map of `label` with the known minima marked, text
/// scaled by `scale`.
pub fn draw_basins<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    map: &BasinMap,
    label: &str,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let px = |v: f64| (v * scale).round() as u32;
    let font = ("sans-serif", 14.0 * scale).into_font();
    let w = map.window;
    let (width, height) = root.dim_in_pixel();
    let side = width.min(height);
    let area = root.clone().shrink(((width - side) / 2, 0), (side, height));
    let mut chart = ChartBuilder::on(&area)
        .caption(
            format!(
                "{label}: where each start ends (lighter: more steps; grey: elsewhere; black: diverged)"
            ),
            font.clone(),
        )
        .margin(px(10.0))
        .x_label_area_size(px(30.0))
        .y_label_area_size(px(44.0))
        .build_cartesian_2d(w.x_min..w.x_max, w.y_min..w.y_max)?;
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    let (pw, ph) = ((xs.end - xs.start) as u32, (ys.end - ys.start) as u32);
    let (x0, y0) = area.get_base_pixel();
    if let Some(image) = BitMapElement::with_owned_buffer(
        (xs.start - x0, ys.start - y0),
        (pw, ph),
        basin_pixels(map, pw, ph),
    ) {
        area.draw(&image)?;
    }
    chart
        .configure_mesh()
        .disable_mesh()
        .label_style(font.clone())
        .draw()?;
    let marker = (7.0 * scale) as i32;
    chart.draw_series(
        map.minima
            .iter()
            .map(|m| Cross::new((m[0], m[1]), marker, WHITE.stroke_width(px(4.0)))),
    )?;
    chart.draw_series(
        map.minima
            .iter()
            .map(|m| Cross::new((m[0], m[1]), marker, BLACK.stroke_width(px(2.0)))),
    )?;
    Ok(())
}

/// How a theory mark is drawn: the edge of stability (2/L) orange and
/// dashed, an optimum solid green.
pub fn mark_style(label: &str) -> (RGBColor, bool) {
    if label == crate::experiment::landscape::sweep::EDGE_OF_STABILITY {
        (RGBColor(230, 120, 0), true)
    } else {
        (RGBColor(0, 150, 70), false)
    }
}

/// Where a sweep's plot sits on its canvas, for turning a pointer into a
/// setting: the pixel columns and rows of the plotting area.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SweepPixels {
    /// The plot's left and right pixel columns.
    pub x: (i32, i32),
    /// The plot's top and bottom pixel rows.
    pub y: (i32, i32),
}

impl SweepPixels {
    /// The share of the way along each axis of pixel `(x, y)`, each in
    /// [0, 1] (the second from bottom to top), if it is over the plot.
    pub fn shares(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        let u = (x - f64::from(self.x.0)) / f64::from((self.x.1 - self.x.0).max(1));
        let v = (f64::from(self.y.1) - y) / f64::from((self.y.1 - self.y.0).max(1));
        ((0.0..=1.0).contains(&u) && (0.0..=1.0).contains(&v)).then_some((u, v))
    }
}

/// Draws a sweep: for one hyperparameter, the final loss against it (log
/// scales where the axis is one; diverged settings as red crosses along the
/// top; the best setting dashed); for two, a heatmap of the final loss with
/// its colour bar. An empty `label` leaves the caption out (the page says it
/// in text). Returns where the plot is.
pub fn draw_sweep<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    sweep: &Sweep,
    label: &str,
    scale: f64,
) -> Result<SweepPixels, DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let px = |v: f64| (v * scale).round() as u32;
    let font = ("sans-serif", 14.0 * scale).into_font();
    let axis = |k: usize| {
        let a = &sweep.axes[k];
        let to_axis = move |v: f64| if a.log { v.log10() } else { v };
        (to_axis(a.from), to_axis(a.to), to_axis, a.log)
    };
    let tick = |log: bool| move |v: &f64| format_number(if log { 10f64.powf(*v) } else { *v });
    let losses: Vec<f64> = sweep
        .settings
        .iter()
        .filter(|s| !s.diverged() && s.final_loss.is_finite() && s.final_loss > 0.0)
        .map(|s| s.final_loss.log10())
        .collect();
    let (low, high) = losses
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let (low, high) = if low.is_finite() {
        (low, high.max(low + 1e-9))
    } else {
        (0.0, 1.0)
    };
    let best = sweep.best.map(|i| &sweep.settings[i]);
    let best_text = best.map_or("none converged".to_string(), |b| {
        let values: Vec<String> = sweep
            .axes
            .iter()
            .zip(&b.values)
            .map(|(a, v)| format!("{} = {}", a.name, format_number(*v)))
            .collect();
        format!("best {}", values.join(", "))
    });
    let caption = format!("{label}: final loss; {best_text}");
    // A small figure (the page's chart) gets fewer ticks, and its theory
    // lines are named beside it rather than on it.
    let compact = f64::from(root.dim_in_pixel().0) / scale < 500.0;
    let labels = if compact { 4 } else { 10 };
    let mut builder = ChartBuilder::on(root);
    if !label.is_empty() {
        builder.caption(caption, font.clone());
    }
    let pixels = |area: &DrawingArea<DB, plotters::coord::Shift>| {
        let (x, y) = area.get_pixel_range();
        SweepPixels {
            x: (x.start, x.end),
            y: (y.start, y.end),
        }
    };
    if sweep.axes.len() == 1 {
        let (x0, x1, to_x, log_x) = axis(0);
        let pad = 0.05 * (high - low);
        let mut chart = builder
            .margin(px(12.0))
            .margin_right(px(24.0))
            .x_label_area_size(px(40.0))
            .y_label_area_size(px(64.0))
            .build_cartesian_2d(x0..x1, (low - pad)..(high + 2.0 * pad))?;
        chart
            .configure_mesh()
            .x_labels(labels)
            .y_labels(labels)
            .max_light_lines(if compact { 0 } else { 4 })
            .x_desc(sweep.axes[0].name.as_str())
            .y_desc("final loss")
            .x_label_formatter(&tick(log_x))
            .y_label_formatter(&tick(true))
            .label_style(font.clone())
            .draw()?;
        let mut points: Vec<(f64, f64)> = sweep
            .settings
            .iter()
            .filter(|s| !s.diverged() && s.final_loss.is_finite() && s.final_loss > 0.0)
            .map(|s| (to_x(s.values[0]), s.final_loss.log10()))
            .collect();
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        let stroke = px(2.0);
        chart.draw_series(LineSeries::new(points.clone(), BLUE.stroke_width(stroke)))?;
        chart.draw_series(
            points
                .iter()
                .map(|&p| Circle::new(p, px(3.0) as i32, BLUE.filled())),
        )?;
        chart.draw_series(sweep.settings.iter().filter(|s| s.diverged()).map(|s| {
            Cross::new(
                (to_x(s.values[0]), high + pad),
                px(5.0) as i32,
                RED.stroke_width(stroke),
            )
        }))?;
        if let Some(b) = best {
            let x = to_x(b.values[0]);
            chart.draw_series(DashedLineSeries::new(
                [(x, low - pad), (x, high + 2.0 * pad)],
                px(6.0),
                px(4.0),
                BLACK.stroke_width(stroke),
            ))?;
        }
        // The theory's values, where the problem is a quadratic.
        for (name, value, text) in theory_marks(sweep) {
            if name != sweep.axes[0].name || !(x0..=x1).contains(&to_x(value)) {
                continue;
            }
            let x = to_x(value);
            let (color, dashed) = mark_style(text);
            if dashed {
                chart.draw_series(DashedLineSeries::new(
                    [(x, low - pad), (x, high + 2.0 * pad)],
                    px(5.0),
                    px(4.0),
                    color.stroke_width(stroke),
                ))?;
            } else {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x, low - pad), (x, high + 2.0 * pad)],
                    color.stroke_width(stroke),
                )))?;
            }
            if compact {
                continue;
            }
            chart.draw_series(std::iter::once(Text::new(
                format!("{text} = {}", format_number(value)),
                (
                    x,
                    low + 0.5 * (high - low) * if mark_style(text).1 { 0.4 } else { 0.6 },
                ),
                font.clone().color(&mark_style(text).0),
            )))?;
        }
        return Ok(pixels(&chart.plotting_area().strip_coord_spec()));
    }
    let ((x0, x1, to_x, log_x), (y0, y1, to_y, log_y)) = (axis(0), axis(1));
    let mut chart = builder
        .margin(px(12.0))
        .margin_right(px(64.0))
        .x_label_area_size(px(40.0))
        .y_label_area_size(px(64.0))
        .build_cartesian_2d(x0..x1, y0..y1)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(labels)
        .y_labels(labels)
        .x_desc(sweep.axes[0].name.as_str())
        .y_desc(sweep.axes[1].name.as_str())
        .x_label_formatter(&tick(log_x))
        .y_label_formatter(&tick(log_y))
        .label_style(font.clone())
        .draw()?;
    let colormap = Colormap::viridis();
    let color = |s: &crate::experiment::landscape::sweep::Setting| {
        if s.diverged() || !s.final_loss.is_finite() {
            SWEEP_DIVERGED
        } else if s.final_loss <= 0.0 {
            let [r, g, b] = colormap.at(0.0);
            RGBColor(r, g, b)
        } else {
            let [r, g, b] = colormap.at((s.final_loss.log10() - low) / (high - low));
            RGBColor(r, g, b)
        }
    };
    let (nx, ny) = (sweep.axes[0].count.max(1), sweep.axes[1].count.max(1));
    let grid = matches!(
        sweep.search,
        crate::experiment::landscape::sweep::Search::Grid
    );
    let (dx, dy) = (
        (x1 - x0) / (nx.max(2) - 1) as f64,
        (y1 - y0) / (ny.max(2) - 1) as f64,
    );
    for s in &sweep.settings {
        let (x, y) = (to_x(s.values[0]), to_y(s.values[1]));
        if grid {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x - dx / 2.0, y - dy / 2.0), (x + dx / 2.0, y + dy / 2.0)],
                color(s).filled(),
            )))?;
        } else {
            chart.draw_series(std::iter::once(Circle::new(
                (x, y),
                px(5.0) as i32,
                color(s).filled(),
            )))?;
        }
    }
    if let Some(b) = best {
        chart.draw_series(std::iter::once(Circle::new(
            (to_x(b.values[0]), to_y(b.values[1])),
            px(9.0) as i32,
            RED.stroke_width(px(3.0)),
        )))?;
    }
    // The theory's optimum, where both its hyperparameters are the axes.
    let marks = theory_marks(sweep);
    let at = |name: &str| marks.iter().find(|(n, _, _)| *n == name).map(|m| m.1);
    if let (Some(vx), Some(vy)) = (at(&sweep.axes[0].name), at(&sweep.axes[1].name)) {
        let point = (to_x(vx), to_y(vy));
        chart.draw_series(std::iter::once(Cross::new(
            point,
            px(10.0) as i32,
            WHITE.stroke_width(px(5.0)),
        )))?;
        chart.draw_series(std::iter::once(Cross::new(
            point,
            px(10.0) as i32,
            RGBColor(0, 150, 70).stroke_width(px(3.0)),
        )))?;
        if !compact {
            chart.draw_series(std::iter::once(Text::new(
                format!(
                    "theory: α = {}, μ = {}",
                    format_number(vx),
                    format_number(vy)
                ),
                point,
                font.clone().color(&WHITE),
            )))?;
        }
    }
    let area = pixels(&chart.plotting_area().strip_coord_spec());
    draw_loss_bar(root, area, (low, high), &colormap, scale)?;
    Ok(area)
}

/// The heatmap's colour bar: log₁₀ of the final loss from `low` to `high`,
/// right of the plot at `area`.
fn draw_loss_bar<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: SweepPixels,
    (low, high): (f64, f64),
    colormap: &Colormap,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let left = area.x.1 + (8.0 * scale) as i32;
    let width = (10.0 * scale) as i32;
    let (top, bottom) = area.y;
    let bins = 48;
    for k in 0..bins {
        let t = (f64::from(k) + 0.5) / f64::from(bins);
        let [r, g, b] = colormap.at(t);
        let y1 = bottom - (bottom - top) * k / bins;
        let y0 = bottom - (bottom - top) * (k + 1) / bins;
        root.draw(&Rectangle::new(
            [(left, y0), (left + width, y1)],
            RGBColor(r, g, b).filled(),
        ))?;
    }
    let font = ("sans-serif", 11.0 * scale).into_font();
    let gap = (2.0 * scale) as i32;
    let line = (12.0 * scale) as i32;
    root.draw(&Text::new(
        format_number(10f64.powf(high)),
        (left - gap, top - line - gap),
        font.clone(),
    ))?;
    root.draw(&Text::new(
        format_number(10f64.powf(low)),
        (left - gap, bottom + gap),
        font,
    ))?;
    Ok(())
}

/// The sentence under a sweep: what is swept, the best setting, how many
/// diverged, and how far along it is (`progress` in [0, 1]).
pub fn sweep_summary(sweep: &Sweep, label: &str, progress: f64) -> String {
    let names: Vec<&str> = sweep.axes.iter().map(|a| a.name.as_str()).collect();
    let search = match sweep.search {
        Search::Grid => "grid",
        Search::Random { .. } => "random search",
    };
    let best = sweep.best.map_or("none converged yet".to_string(), |i| {
        let s = &sweep.settings[i];
        let values: Vec<String> = sweep
            .axes
            .iter()
            .zip(&s.values)
            .map(|(a, v)| format!("{} = {}", a.name, format_number(*v)))
            .collect();
        let reached = s
            .steps_to_tolerance
            .map_or(String::new(), |k| format!(", there at step {k}"));
        format!("best {}{reached}", values.join(", "))
    });
    let diverged = sweep.settings.iter().filter(|s| s.diverged()).count();
    let state = if progress < 1.0 {
        format!(" · computing {:.0}%", 100.0 * progress)
    } else {
        String::new()
    };
    let key = if sweep.axes.len() == 2 {
        " Red: diverged; red ring: best; green ✗: theory."
    } else {
        " Red ✗: diverged; dashed: best."
    };
    format!(
        "Sweep of run {} ({label}) over {} ({search}, {} settings, {diverged} diverged): final f; {best}{state}.{key}",
        sweep.run + 1,
        names.join(" × "),
        sweep.settings.len()
    )
}
