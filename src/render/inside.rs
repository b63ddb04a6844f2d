//! Views inside the network on any plotters backend: the loss slice with
//! every run's projected path (the same heatmap and contours as the 2D
//! landscapes), each path's distance from the plane, the profile along the
//! line from the initial to the final parameters, and the top of the
//! curvature spectrum over training with the 2/η line.

use std::borrow::Cow;

use nalgebra::DMatrix;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::chart::{draw_color_bar, draw_overlay, PathStyle, PathView, Theme};
use super::figure::{draw_heatmap, run_color};
use super::view::{Layout, Margins};
use crate::experiment::classifier::inside::SliceView;
use crate::experiment::classifier::TrainingHistory;
use crate::nn::slice::LossSlice;
use crate::problem::{Objective, Window};

/// A sampled slice as a function of (α, β): bilinear between grid points,
/// so the landscape renderer draws it at any resolution.
pub struct SliceSurface<'a>(pub &'a LossSlice);

impl SliceSurface<'_> {
    /// The grid cell holding coordinate `v` and the position within it.
    fn cell(&self, v: f64) -> (usize, f64) {
        let s = self.0;
        let at = (v + s.extent) / (2.0 * s.extent) * (s.size - 1) as f64;
        let i = (at.floor().max(0.0) as usize).min(s.size - 2);
        (i, (at - i as f64).clamp(0.0, 1.0))
    }
}

impl Objective for SliceSurface<'_> {
    fn dim(&self) -> usize {
        2
    }

    fn value(&self, x: &[f64]) -> f64 {
        let ((i, u), (j, v)) = (self.cell(x[0]), self.cell(x[1]));
        let s = self.0;
        (1.0 - v) * ((1.0 - u) * s.at(i, j) + u * s.at(i + 1, j))
            + v * ((1.0 - u) * s.at(i, j + 1) + u * s.at(i + 1, j + 1))
    }

    fn gradient(&self, x: &[f64], grad: &mut [f64]) {
        let ((i, u), (j, v)) = (self.cell(x[0]), self.cell(x[1]));
        let s = self.0;
        let step = 2.0 * s.extent / (s.size - 1) as f64;
        grad[0] = ((1.0 - v) * (s.at(i + 1, j) - s.at(i, j))
            + v * (s.at(i + 1, j + 1) - s.at(i, j + 1)))
            / step;
        grad[1] = ((1.0 - u) * (s.at(i, j + 1) - s.at(i, j))
            + u * (s.at(i + 1, j + 1) - s.at(i + 1, j)))
            / step;
    }

    fn hessian(&self, _x: &[f64]) -> Option<DMatrix<f64>> {
        None
    }
}

/// The slice with the paths (left), and each path's distance from the plane
/// above the profile (right).
pub fn draw_slice<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    view: &SliceView,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let (width, height) = root.dim_in_pixel();
    let e = view.slice.extent;
    let window = Window {
        x_min: -e,
        x_max: e,
        y_min: -e,
        y_max: e,
    };
    let margins = Margins {
        top: 30.0,
        ..Margins::default()
    };
    // The plot is square, so it shows exactly the computed ±extent (a wider
    // view would repeat the grid's edge as if it were landscape); wide areas
    // put the charts beside it, narrow ones below it, in what it leaves.
    let (across, down) = (
        ((margins.left + margins.right) * scale) as u32,
        ((margins.top + margins.bottom) * scale) as u32,
    );
    let side_by_side = width * 10 >= height * 15;
    let (left, right) = if side_by_side {
        root.split_horizontally((width * 3 / 5).min(height.saturating_sub(down) + across))
    } else {
        root.split_vertically((height * 3 / 5).min(width.saturating_sub(across) + down))
    };
    let (aw, ah) = left.dim_in_pixel();
    let side = aw.saturating_sub(across).min(ah.saturating_sub(down));
    let layout = Layout::fit((side + across, side + down), &window, &margins, scale);
    let colors = draw_heatmap(&left, &SliceSurface(&view.slice), &layout)?;
    let font = ("sans-serif", 12.0 * scale).into_font();
    let base = format!(
        "loss around run {}'s end, {}",
        view.reference + 1,
        directions_caption(view)
    );
    let runs: Vec<String> = view.left_out.iter().map(|i| (i + 1).to_string()).collect();
    let runs = runs.join(", ");
    // The longest caption that fits (the page's status line names the runs left out too).
    let room = i64::from(left.dim_in_pixel().0) - (16.0 * scale) as i64;
    let fits = |text: &String| {
        left.estimate_text_size(text, &TextStyle::from(font.clone()))
            .is_ok_and(|(w, _)| i64::from(w) <= room)
    };
    let caption = if runs.is_empty() {
        base
    } else {
        [
            format!("{base}; run {runs} left out: another network"),
            format!("{base}; not on it: {runs}"),
        ]
        .into_iter()
        .find(fits)
        .unwrap_or(base)
    };
    left.draw(&Text::new(
        caption,
        ((8.0 * scale) as i32, (8.0 * scale) as i32),
        font.clone(),
    ))?;
    let points: Vec<Vec<Vec<f64>>> = view
        .paths
        .iter()
        .map(|p| p.points.iter().map(|q| vec![q.alpha, q.beta]).collect())
        .collect();
    let labels: Vec<String> = view
        .paths
        .iter()
        .map(|p| format!("{} · {}", p.run + 1, p.optimizer))
        .collect();
    let paths: Vec<PathView<'_>> = view
        .paths
        .iter()
        .zip(&points)
        .zip(&labels)
        .map(|((path, points), label)| PathView {
            points: Cow::Borrowed(points.as_slice()),
            shown: points.len(),
            color: run_color(path.run),
            diverged: false,
            label: Some(label.as_str()),
            style: PathStyle::Iterate,
            radius: None,
            ahead: false,
        })
        .collect();
    draw_color_bar(&left, &layout, &colors, &Theme::LIGHT)?;
    draw_overlay(&left, &layout, &[], &paths, &Theme::LIGHT)?;
    let (right_width, right_height) = right.dim_in_pixel();
    let (top, bottom) = if side_by_side {
        right.split_vertically(right_height / 2)
    } else {
        right.split_horizontally(right_width / 2)
    };
    let series: Vec<(String, Vec<(f64, f64)>)> = view
        .paths
        .iter()
        .map(|p| {
            // Runs of different lengths on one axis: the share of each run done.
            let last = p.iterations.last().copied().unwrap_or(1).max(1) as f64;
            let points = p
                .iterations
                .iter()
                .zip(&p.points)
                .map(|(&t, q)| (t as f64 / last, q.off_plane))
                .collect();
            (format!("{} · {}", p.run + 1, p.optimizer), points)
        })
        .collect();
    let colors: Vec<RGBColor> = view.paths.iter().map(|p| chart_color(p.run)).collect();
    line_chart(
        &top,
        &Lines {
            caption: "distance from the plane",
            x_label: "share of each run's iterations",
            series: &series,
            colors: &colors,
            level: None,
            legend: Some(SeriesLabelPosition::UpperRight),
            log_y: false,
            widths: &[],
        },
        scale,
    )?;
    let profile = vec![(
        format!("run {}", view.reference + 1),
        view.profile.iter().map(|p| (p[0], p[1])).collect(),
    )];
    line_chart(
        &bottom,
        &Lines {
            caption: "loss from initial to final",
            x_label: "t (0: initial, 1: final)",
            series: &profile,
            colors: &[chart_color(view.reference)],
            level: None,
            legend: None,
            log_y: false,
            widths: &[],
        },
        scale,
    )
}

/// The top of both spectra over training, with the optimizer's edge of
/// stability (2/η for gradient descent) dashed when it has one; for a
/// preconditioned method, the top of P H and P G beside the exact ones (the
/// edge then bounds λ₁(PH)), on a logarithmic axis when they differ in scale.
pub fn draw_spectrum<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    history: &TrainingHistory,
    edge: Option<f64>,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    use crate::nn::spectrum::SpectrumEntry;
    root.fill(&WHITE)?;
    let column = |pick: fn(&SpectrumEntry) -> &Vec<f64>, k: usize| {
        history
            .spectrum
            .iter()
            .filter_map(|e| pick(e).get(k).map(|&v| (e.iteration as f64, v)))
            .collect::<Vec<_>>()
    };
    let preconditioned = history
        .spectrum
        .iter()
        .any(|e| !e.preconditioned_hessian.is_empty());
    let (series, colors, widths, caption) = if preconditioned {
        (
            vec![
                ("λ₁(G)".to_string(), column(|e| &e.gauss_newton, 0)),
                ("λ₁(H)".to_string(), column(|e| &e.hessian, 0)),
                (
                    "λ₁(PG), P: its preconditioner".to_string(),
                    column(|e| &e.preconditioned_gauss_newton, 0),
                ),
                (
                    "λ₁(PH), preconditioned".to_string(),
                    column(|e| &e.preconditioned_hessian, 0),
                ),
            ],
            vec![RED, BLUE, RGBColor(230, 140, 0), RGBColor(0, 140, 60)],
            vec![2.2, 1.0, 2.2, 1.0],
            if edge.is_some() {
                "top eigenvalues, exact and preconditioned (dashed: 2/η)"
            } else {
                "top eigenvalues, exact and preconditioned"
            },
        )
    } else {
        // The Hessian's λ₁ last, so it stays visible where it meets G's.
        (
            vec![
                ("λ₃(H)".to_string(), column(|e| &e.hessian, 2)),
                ("λ₂(H)".to_string(), column(|e| &e.hessian, 1)),
                (
                    "λ₁(G), Gauss–Newton".to_string(),
                    column(|e| &e.gauss_newton, 0),
                ),
                ("λ₁(H), Hessian".to_string(), column(|e| &e.hessian, 0)),
            ],
            vec![RGBColor(160, 160, 160), RGBColor(90, 90, 90), RED, BLUE],
            vec![1.0, 1.0, 2.2, 1.0],
            if edge.is_some() {
                "top eigenvalues (dashed: edge of stability)"
            } else {
                "top eigenvalues of H and G"
            },
        )
    };
    let values = || series.iter().flat_map(|(_, s)| s.iter().map(|p| p.1));
    let (low, high) = values()
        .chain(edge)
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    line_chart(
        root,
        &Lines {
            caption,
            x_label: "iteration",
            series: &series,
            colors: &colors,
            level: edge,
            legend: Some(SeriesLabelPosition::LowerRight),
            log_y: low > 0.0 && high > 20.0 * low,
            widths: &widths,
        },
        scale,
    )
}

/// Run `i`'s colour on a white chart (the slice's white run turns grey).
fn chart_color(i: usize) -> RGBColor {
    match run_color(i) {
        RGBColor(255, 255, 255) => RGBColor(110, 110, 110),
        color => color,
    }
}

fn directions_caption(view: &SliceView) -> &'static str {
    use crate::nn::slice::Directions;
    match view.directions {
        Directions::FilterNormalised => "random directions",
        Directions::GaussNewton => "top G eigenvectors",
        Directions::Hessian => "top H eigenvectors",
        Directions::InitialToReference => "α: initial → final",
    }
}

/// What a line chart shows.
struct Lines<'a> {
    caption: &'a str,
    x_label: &'a str,
    /// Named series of (x, y) points, drawn in order.
    series: &'a [(String, Vec<(f64, f64)>)],
    /// Their colours, in turn.
    colors: &'a [RGBColor],
    /// A dashed horizontal line.
    level: Option<f64>,
    /// Where the legend goes (none without).
    legend: Option<SeriesLabelPosition>,
    /// A logarithmic y axis (every value positive).
    log_y: bool,
    /// Line widths relative to the base, by series (1 where absent): a line
    /// drawn under another it may meet is wider, so it still shows at its sides.
    widths: &'a [f64],
}

/// Draws `lines` over `area`, text scaled by `scale`.
fn line_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lines: &Lines<'_>,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let Lines {
        caption,
        x_label,
        series,
        colors,
        log_y,
        ..
    } = *lines;
    // On a logarithmic axis the chart plots log₁₀ y and labels it with y.
    let to_axis = |y: f64| if log_y { y.log10() } else { y };
    let level = lines.level.map(to_axis);
    let finite = || {
        series
            .iter()
            .flat_map(|(_, s)| s.iter().map(|&(x, y)| (x, to_axis(y))))
            .filter(|(x, y)| x.is_finite() && y.is_finite())
    };
    let (x_min, x_max) = finite().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), (x, _)| {
        (a.min(x), b.max(x))
    });
    let (mut y_min, mut y_max) = finite()
        .map(|(_, y)| y)
        .chain(level)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| {
            (a.min(y), b.max(y))
        });
    if !x_min.is_finite() || !y_min.is_finite() {
        return Ok(());
    }
    let pad = 0.05 * (y_max - y_min).max(1e-9);
    let floor = if log_y { y_min } else { y_min.min(0.0) };
    (y_min, y_max) = (floor - pad, y_max + pad);
    let x_max = if x_max > x_min { x_max } else { x_min + 1.0 };
    let px = |v: f64| (v * scale).round() as u32;
    let font = ("sans-serif", 12.0 * scale).into_font();
    let mut chart = ChartBuilder::on(area)
        .caption(caption, font.clone())
        .margin(px(8.0))
        .margin_right(px(16.0))
        .x_label_area_size(px(38.0))
        .y_label_area_size(px(52.0))
        .build_cartesian_2d(x_min..x_max, y_min..y_max)?;
    chart
        .configure_mesh()
        .x_desc(x_label)
        .x_labels(5)
        .x_label_formatter(&|v| {
            if x_max - x_min >= 10.0 {
                format!("{v:.0}")
            } else {
                format!("{v:.1}")
            }
        })
        .y_labels(5)
        .y_label_formatter(&|v| {
            if log_y {
                crate::render::number::format_number(10f64.powf(*v))
            } else {
                crate::render::number::format_number(*v)
            }
        })
        .label_style(font.clone())
        .draw()?;
    let stroke = (2.0 * scale).max(1.0) as u32;
    for (i, (name, points)) in series.iter().enumerate() {
        let color = colors[i % colors.len()];
        let stroke =
            (f64::from(stroke) * lines.widths.get(i).copied().unwrap_or(1.0)).round() as u32;
        chart
            .draw_series(LineSeries::new(
                points
                    .iter()
                    .map(|&(x, y)| (x, to_axis(y)))
                    .filter(|(x, y)| x.is_finite() && y.is_finite()),
                color.stroke_width(stroke),
            ))?
            .label(name.as_str())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(stroke))
            });
    }
    if let Some(level) = level {
        chart.draw_series(DashedLineSeries::new(
            [(x_min, level), (x_max, level)],
            px(6.0),
            px(4.0),
            BLACK.stroke_width(stroke),
        ))?;
    }
    match &lines.legend {
        Some(position) => chart
            .configure_series_labels()
            .position(position.clone())
            .label_font(font)
            .background_style(WHITE.mix(0.6))
            .border_style(BLACK)
            .draw(),
        None => Ok(()),
    }
}
