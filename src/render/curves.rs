//! Per-step curves of several runs (loss, gradient norm, distance to the
//! nearest minimum, learning rate) with plotters on any backend, on a log
//! axis when every value is positive.

use std::borrow::Cow;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::chart::{towards_black, Theme};
pub use super::thinning::{thin_to_columns, ColumnThinner};
use crate::experiment::landscape::run::{History, RunResult, Status};

/// What a curve shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantity {
    /// f at each point.
    Loss,
    /// ‖∇f‖ at each point.
    GradNorm,
    /// Distance from each point to the nearest known minimum.
    Distance,
    /// The step size of each step.
    LearningRate,
}

impl Quantity {
    /// Every quantity, with the key used in the page.
    pub const ALL: [(&'static str, Quantity); 4] = [
        ("loss", Quantity::Loss),
        ("grad-norm", Quantity::GradNorm),
        ("distance", Quantity::Distance),
        ("lr", Quantity::LearningRate),
    ];

    /// The axis caption.
    pub fn caption(self) -> &'static str {
        match self {
            Quantity::Loss => "f(x) per step",
            Quantity::GradNorm => "‖∇f(x)‖ per step",
            Quantity::Distance => "distance to the nearest minimum",
            Quantity::LearningRate => "step size per step",
        }
    }

    /// The values of this quantity along `history`.
    pub fn values<'h>(self, history: &'h History, minima: &[[f64; 2]]) -> Cow<'h, [f64]> {
        match self {
            Quantity::Loss => Cow::Borrowed(&history.loss),
            Quantity::GradNorm => Cow::Borrowed(&history.grad_norm),
            Quantity::LearningRate => Cow::Borrowed(&history.lr),
            Quantity::Distance => Cow::Owned(distances(&history.points, minima)),
        }
    }

    /// The values of this quantity along `history`'s averaged path, where it has
    /// one and the quantity is defined there (f and the distance to a minimum).
    pub fn averaged_values<'h>(
        self,
        history: &'h History,
        minima: &[[f64; 2]],
    ) -> Option<Cow<'h, [f64]>> {
        let averaged = history.averaged.as_ref()?;
        match self {
            Quantity::Loss => Some(Cow::Borrowed(&averaged.loss)),
            Quantity::Distance => Some(Cow::Owned(distances(&averaged.points, minima))),
            Quantity::GradNorm | Quantity::LearningRate => None,
        }
    }
}

fn distances(points: &[Vec<f64>], minima: &[[f64; 2]]) -> Vec<f64> {
    points
        .iter()
        .map(|p| {
            minima
                .iter()
                .map(|m| ((p[0] - m[0]).powi(2) + (p[1] - m[1]).powi(2)).sqrt())
                .fold(f64::NAN, f64::min)
        })
        .collect()
}

/// One run's curve.
pub struct Curve<'h> {
    /// Its values, one per step (borrowed from the history where it keeps them).
    pub values: Cow<'h, [f64]>,
    /// Its colour.
    pub color: RGBColor,
    /// Whether the run diverged: its values do not stretch the axis, and its
    /// last drawn point gets a red cross.
    pub diverged: bool,
    /// Drawn thick (an averaged path's curve).
    pub thick: bool,
    /// How many steps are drawn (the current step of the animation; the axis
    /// covers every value, so it does not jump as the run is revealed).
    pub revealed: usize,
    /// For a reference line of theory (not a run): its name, drawn dashed
    /// over every step with the name at its end.
    pub label: Option<String>,
}

/// On a quadratic with Hessian eigenvalues μ ≤ L (κ = L/μ), from f₀ over
/// `steps` steps: gradient descent's rate at its best fixed step 2/(L + μ),
/// f₀((κ−1)/(κ+1))²ᵏ (which it attains on an axis-aligned quadratic), and
/// heavy ball's at its best α and μ, f₀((√κ−1)/(√κ+1))²ᵏ. None for problems
/// that are not quadratics.
pub fn rate_bounds(
    landscape: &dyn crate::problem::Landscape,
    f0: f64,
    steps: usize,
) -> Vec<Curve<'static>> {
    let Some((mu, l)) = landscape.curvature_range().filter(|(mu, _)| *mu > 0.0) else {
        return Vec::new();
    };
    let kappa = l / mu;
    let root = kappa.sqrt();
    [
        (
            (kappa - 1.0) / (kappa + 1.0),
            "GD, α = 2/(L+μ)",
            RGBColor(150, 150, 150),
        ),
        (
            (root - 1.0) / (root + 1.0),
            "heavy ball, best α, μ",
            RGBColor(80, 80, 80),
        ),
    ]
    .into_iter()
    .map(|(rho, name, color)| Curve {
        values: Cow::Owned((0..=steps).map(|k| f0 * rho.powi(2 * k as i32)).collect()),
        color,
        diverged: false,
        thick: false,
        revealed: usize::MAX,
        label: Some(format!("{name}: ρ = {}", super::number::format_number(rho))),
    })
    .collect()
}

/// The curves of `runs` (each with its colour) for `quantity`: each run's,
/// then its averaged path's (thick, darker) where it has one.
pub fn run_curves<'r>(
    runs: impl Iterator<Item = (&'r RunResult, RGBColor)>,
    quantity: Quantity,
    minima: &[[f64; 2]],
    revealed: usize,
) -> Vec<Curve<'r>> {
    let mut curves = Vec::new();
    for (run, color) in runs {
        let h = &run.history;
        curves.push(Curve {
            values: quantity.values(h, minima),
            color,
            diverged: h.status == Status::Diverged,
            thick: false,
            revealed,
            label: None,
        });
        if let Some(values) = quantity.averaged_values(h, minima) {
            curves.push(Curve {
                values,
                color: towards_black(color),
                diverged: false,
                thick: true,
                revealed,
                label: None,
            });
        }
    }
    curves
}

/// Where a drawn chart put its step axis: pixels of step 0 and of the last step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepAxis {
    /// Backend pixel of step 0.
    pub left: f64,
    /// Backend pixel of the last step.
    pub right: f64,
    /// The last step.
    pub steps: f64,
    /// The value axis's range (what a run that diverged is not allowed to stretch).
    pub values: (f64, f64),
}

impl StepAxis {
    /// The step under backend pixel `x`, clamped to the axis.
    pub fn step_at(&self, x: f64) -> usize {
        let t = ((x - self.left) / (self.right - self.left).max(1.0)).clamp(0.0, 1.0);
        (t * self.steps).round() as usize
    }
}

/// Draws the curves over `root`, with a vertical line at step `current`;
/// returns where the step axis lies (`None` when no value is finite).
pub fn draw_curves<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    caption: &str,
    curves: &[Curve],
    current: usize,
    scale: f64,
    theme: &Theme,
) -> Result<Option<StepAxis>, DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&theme.background)?;
    // Diverged runs do not set the axis (their values run to 1e30 and flatten
    // every other curve) unless every run diverged.
    let settled = curves
        .iter()
        .any(|c| c.label.is_none() && !c.diverged && c.values.iter().any(|v| v.is_finite()));
    // Reference lines of theory do not set the axis either: they stop where they leave it.
    let finite = || {
        curves
            .iter()
            .filter(|c| c.label.is_none())
            .filter(move |c| !settled || !c.diverged)
            .flat_map(|c| c.values.iter().copied())
            .filter(|v| v.is_finite())
    };
    let steps = curves
        .iter()
        .map(|c| c.values.len())
        .max()
        .unwrap_or(1)
        .max(2) as f64
        - 1.0;
    let (lo, hi) = finite().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    if !lo.is_finite() {
        return Ok(None);
    }
    // Exact zeros (Newton landing on a minimum) sit at the bottom of a log axis.
    let smallest_positive = finite().filter(|&v| v > 0.0).fold(f64::INFINITY, f64::min);
    let lo = if lo == 0.0 && smallest_positive.is_finite() {
        smallest_positive
    } else {
        lo
    };
    let font = ("sans-serif", 12.0 * scale).into_font().color(&theme.text);
    let mut builder = ChartBuilder::on(root);
    builder
        .margin((8.0 * scale) as u32)
        .margin_right((18.0 * scale) as u32)
        .caption(
            caption,
            ("sans-serif", 13.0 * scale).into_font().color(&theme.text),
        )
        .x_label_area_size((26.0 * scale) as u32)
        .y_label_area_size((56.0 * scale) as u32);
    let line_width = (1.5 * scale).max(1.0) as u32;
    // A log axis labels only powers of ten: under a decade it would show
    // none, so such a range is drawn linearly.
    if lo > 0.0 && hi >= 10.0 * lo {
        let (low, high) = (lo.max(hi * 1e-16), hi * 1.5);
        let mut chart = builder.build_cartesian_2d(0.0..steps, (low..high).log_scale())?;
        chart
            .configure_mesh()
            .light_line_style(theme.background)
            .label_style(font)
            .x_labels(5)
            .y_labels(5)
            .x_label_formatter(&step_label)
            .y_label_formatter(&|v| format!("{v:.0e}"))
            .draw()?;
        plot_lines(&mut chart, curves, current, (low, high), line_width, theme)?;
        Ok(Some(step_axis(&chart, steps, (low, high))))
    } else {
        let pad = 0.05 * (hi - lo).max(1e-12);
        let (low, high) = (lo - pad, hi + pad);
        let mut chart = builder.build_cartesian_2d(0.0..steps, low..high)?;
        chart
            .configure_mesh()
            .light_line_style(theme.background)
            .label_style(font)
            .x_labels(5)
            .y_labels(5)
            .x_label_formatter(&step_label)
            .y_label_formatter(&|v| {
                // Rounding leaves a tick meant for 0 at ±1e-17 or so.
                let v = if v.abs() < 1e-9 * (high - low) {
                    0.0
                } else {
                    *v
                };
                crate::render::number::format_number(v)
            })
            .draw()?;
        plot_lines(&mut chart, curves, current, (low, high), line_width, theme)?;
        Ok(Some(step_axis(&chart, steps, (low, high))))
    }
}

/// Steps are whole numbers.
fn step_label(v: &f64) -> String {
    format!("{v:.0}")
}

fn step_axis<DB: DrawingBackend, Y: Ranged<ValueType = f64>>(
    chart: &ChartContext<'_, DB, Cartesian2d<plotters::coord::types::RangedCoordf64, Y>>,
    steps: f64,
    values: (f64, f64),
) -> StepAxis {
    let (x, _) = chart.plotting_area().get_pixel_range();
    StepAxis {
        left: f64::from(x.start),
        right: f64::from(x.end - 1),
        steps,
        values,
    }
}

/// The curves (values clipped to the axis) and the line at the current step,
/// on a chart whose y axis may be linear or logarithmic.
fn plot_lines<DB: DrawingBackend, Y: Ranged<ValueType = f64>>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<plotters::coord::types::RangedCoordf64, Y>>,
    curves: &[Curve],
    current: usize,
    (low, high): (f64, f64),
    line_width: u32,
    theme: &Theme,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let font = ("sans-serif", 4.0 * line_width as f64 + 7.0)
        .into_font()
        .color(&RED);
    let mut named = Vec::new();
    // The theory's dashed lines first, so the runs are drawn over them.
    let dashed_first = curves
        .iter()
        .filter(|c| c.label.is_some())
        .chain(curves.iter().filter(|c| c.label.is_none()));
    for curve in dashed_first {
        let color = super::contrast::legible_on(curve.color, theme.background, 3.0);
        // A diverged run is drawn until it leaves the axis, where a red cross
        // and its last value mark the exit (no plateau at the axis's edge).
        let columns = chart.plotting_area().get_pixel_range().0.len().max(1);
        let steps = chart.x_range().end.max(1.0);
        let mut points = ColumnThinner::new(steps, columns);
        let mut exit = None;
        for (i, &v) in curve
            .values
            .iter()
            .enumerate()
            .take(curve.revealed.saturating_add(1))
        {
            if !v.is_finite() || (curve.label.is_some() && !(low..=high).contains(&v)) {
                break;
            }
            if curve.diverged && !(low..=high).contains(&v) {
                let last = curve.values.iter().rev().find(|v| v.is_finite());
                exit = Some(((i as f64, v.clamp(low, high)), last.copied().unwrap_or(v)));
                break;
            }
            points.push((i as f64, v.clamp(low, high)));
        }
        let points = points.finish();
        let revealed_end = curve.revealed.saturating_add(1) >= curve.values.len();
        let width = if curve.thick {
            2 * line_width + 1
        } else {
            line_width
        };
        if let Some((&last, (at, value))) = points.last().zip(exit) {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![last, at],
                color.stroke_width(width),
            )))?;
            chart.draw_series(std::iter::once(Cross::new(
                at,
                (3 * line_width + 3) as i32,
                RED.stroke_width(line_width + 1),
            )))?;
            chart.draw_series(std::iter::once(Text::new(
                format!("→ {}", super::number::format_number(value)),
                at,
                font.clone(),
            )))?;
        } else if let (true, true, Some(&last)) = (curve.diverged, revealed_end, points.last()) {
            chart.draw_series(std::iter::once(Cross::new(
                last,
                (3 * line_width + 3) as i32,
                RED.stroke_width(line_width + 1),
            )))?;
        }
        if let Some(label) = &curve.label {
            chart.draw_series(DashedLineSeries::new(
                points,
                5 * line_width,
                3 * line_width,
                color.stroke_width(width),
            ))?;
            named.push((label, color));
            continue;
        }
        chart.draw_series(LineSeries::new(points, color.stroke_width(width)))?;
    }
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(current as f64, low), (current as f64, high)],
        theme.text.mix(0.55).stroke_width(line_width),
    )))?;
    name_dashed_lines(
        &chart.plotting_area().strip_coord_spec(),
        &named,
        line_width,
        theme.background,
    )
}

/// Names the dashed reference lines one under another in the plot's bottom
/// left corner, where falling curves seldom are (along the lines the names of
/// fast rates would overlap).
fn name_dashed_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    named: &[(&String, RGBColor)],
    line_width: u32,
    background: RGBColor,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    if named.is_empty() {
        return Ok(());
    }
    let size = 3.0 * line_width as f64 + 8.0;
    let row_height = (1.25 * size) as i32;
    let margin = 3 * line_width as i32;
    let longest = named
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0)
        + 4;
    let width = (0.55 * size * longest as f64) as i32;
    let bottom = area.dim_in_pixel().1 as i32 - margin;
    let top = bottom - row_height * named.len() as i32 - line_width as i32;
    area.draw(&Rectangle::new(
        [(margin, top), (margin + width, bottom)],
        background.mix(0.85).filled(),
    ))?;
    let anchor = plotters::style::text_anchor::Pos::new(
        plotters::style::text_anchor::HPos::Left,
        plotters::style::text_anchor::VPos::Top,
    );
    for (row, (label, color)) in named.iter().enumerate() {
        let y = top + line_width as i32 + row as i32 * row_height;
        let font = ("sans-serif", size).into_font().color(color).pos(anchor);
        area.draw(&Text::new(
            format!("- - {label}"),
            (margin + line_width as i32, y),
            font,
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curves_draw_on_a_log_axis_and_a_linear_one() {
        // Natively, captions are measured with a registered font (the CLI does the same).
        #[cfg(feature = "cli")]
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            include_bytes!("../../www/fonts/DejaVuSans.ttf"),
        );
        for values in [vec![100.0, 10.0, 1.0, 0.1], vec![1.0, -2.0, -3.0, -3.5]] {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, (400, 200)).into_drawing_area();
                let curve = Curve {
                    values: Cow::Owned(values.clone()),
                    color: RGBColor(200, 10, 10),
                    diverged: false,
                    thick: false,
                    revealed: usize::MAX,
                    label: None,
                };
                let axis = draw_curves(&root, "f", &[curve], 2, 1.0, &Theme::LIGHT)
                    .unwrap()
                    .unwrap();
                root.present().unwrap();
                assert_eq!(axis.steps, 3.0);
                assert!(axis.left > 40.0 && axis.right < 400.0 && axis.right > axis.left);
                assert_eq!(axis.step_at(axis.left - 5.0), 0);
                assert_eq!(axis.step_at(axis.right), 3);
                assert_eq!(axis.step_at((2.0 * axis.left + axis.right) / 3.0), 1);
            }
            assert!(svg.contains("#C80A0A"), "curve missing");
        }
    }

    #[test]
    fn a_diverged_run_does_not_stretch_the_axis() {
        #[cfg(feature = "cli")]
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            include_bytes!("../../www/fonts/DejaVuSans.ttf"),
        );
        let mut svg = String::new();
        let root = SVGBackend::with_string(&mut svg, (400, 200)).into_drawing_area();
        let curve = |values: Vec<f64>, diverged| Curve {
            values: Cow::Owned(values),
            color: RGBColor(0, 0, 200),
            diverged,
            thick: false,
            revealed: usize::MAX,
            label: None,
        };
        let curves = [
            curve(vec![10.0, 1.0, 0.1, 0.01], false),
            curve(vec![10.0, 1e10, 1e25, 1e35], true),
        ];
        let axis = draw_curves(&root, "f", &curves, 0, 1.0, &Theme::LIGHT)
            .unwrap()
            .unwrap();
        assert!(axis.values.1 <= 15.0, "{:?}", axis.values);
        assert!(axis.values.0 <= 0.01, "{:?}", axis.values);
    }
}
