//! Axes, optimizer paths and markers drawn with plotters over any backend.
//!
//! The landscape image is put under the plot area separately (one call on a
//! canvas, a blit in a bitmap); this module draws everything on top of it.

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::borrow::Cow;

use super::color::{ColorScale, Colormap};
use super::view::Layout;

/// The colours of text and axes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Theme {
    /// Tick labels and axis names.
    pub text: RGBColor,
    /// Axis lines and ticks.
    pub axis: RGBColor,
    /// Behind the plot.
    pub background: RGBColor,
}

impl Theme {
    /// Dark text on a light page.
    pub const LIGHT: Theme = Theme {
        text: RGBColor(40, 40, 48),
        axis: RGBColor(90, 90, 100),
        background: RGBColor(255, 255, 255),
    };

    /// Light text on a dark page.
    pub const DARK: Theme = Theme {
        text: RGBColor(230, 230, 238),
        axis: RGBColor(160, 160, 175),
        background: RGBColor(31, 31, 41),
    };
}

/// One optimizer path to draw, animated up to step `shown`.
#[derive(Clone, Debug)]
pub struct PathView<'a> {
    /// The points the run visited, the start first: every one, or those
    /// worth drawing at the picture's resolution (see [`Thinned`]).
    pub points: Cow<'a, [Vec<f64>]>,
    /// How many steps of it are revealed (the current step of the animation).
    pub shown: usize,
    /// The run's colour.
    pub color: RGBColor,
    /// Whether the run ended by diverging (its last point gets a cross).
    pub diverged: bool,
    /// The name shown in the legend, if any.
    pub label: Option<&'a str>,
    /// An iterate path or an averaged one.
    pub style: PathStyle,
    /// A trust-region radius to draw around the current point.
    pub radius: Option<f64>,
    /// Whether the steps not yet revealed are drawn faintly.
    pub ahead: bool,
}

/// How a path is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathStyle {
    /// The iterates: a line with a marker per step, the current point ringed.
    Iterate,
    /// A Polyak average: a thick line over a white casing, ending in a
    /// white-edged diamond, named "(average)" in the legend.
    Averaged,
}

/// A run's paths thinned for one layout: the indices of the points worth
/// drawing (a pixel or more apart), computed once per layout and history so
/// that a frame costs what the picture shows, not the run's length.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Thinned {
    /// Kept indices of the iterates.
    pub iterates: Vec<usize>,
    /// Kept indices of the averaged path.
    pub averaged: Vec<usize>,
}

impl Thinned {
    /// The points of `run` worth drawing on `layout`.
    pub fn of(run: &crate::experiment::landscape::run::RunResult, layout: &Layout) -> Self {
        let mut thinned = Thinned::default();
        thinned.extend(run, layout);
        thinned
    }

    /// Goes on thinning `run` on `layout` from where the last call stopped:
    /// a run still being computed costs only its new points.
    pub fn extend(&mut self, run: &crate::experiment::landscape::run::RunResult, layout: &Layout) {
        let h = &run.history;
        extend_kept(&mut self.iterates, &h.points, layout);
        if let Some(averaged) = &h.averaged {
            extend_kept(&mut self.averaged, &averaged.points, layout);
        }
    }
}

/// Extends `kept` (indices of `points` a pixel or more apart on `layout`,
/// always with the last point, and with the first point that is not finite)
/// over the points added since.
fn extend_kept(kept: &mut Vec<usize>, points: &[Vec<f64>], layout: &Layout) {
    let spacing = layout.scale.max(1.0);
    // The last index kept may have been kept only for being last: it is
    // decided again, with the points after it.
    let from = kept.pop().unwrap_or(0);
    let mut last = kept
        .last()
        .map(|&i| layout.to_pixel(points[i][0], points[i][1]));
    for (i, p) in points.iter().enumerate().skip(from) {
        if !(p[0].is_finite() && p[1].is_finite()) {
            kept.push(i);
            return;
        }
        let pixel = layout.to_pixel(p[0], p[1]);
        let far = last.is_none_or(|l: (f64, f64)| (pixel.0 - l.0).hypot(pixel.1 - l.1) >= spacing);
        if far || i + 1 == points.len() {
            kept.push(i);
            last = Some(pixel);
        }
    }
}

/// The points of `points` to draw up to step `shown` (and after it, with
/// `ahead`): every one, or the `kept` ones and the current point; and the
/// current point's index among them.
fn select<'a>(
    points: &'a [Vec<f64>],
    kept: Option<&[usize]>,
    shown: usize,
    ahead: bool,
) -> (Cow<'a, [Vec<f64>]>, usize) {
    let Some(kept) = kept else {
        return (Cow::Borrowed(points), shown);
    };
    let current = shown.min(points.len().saturating_sub(1));
    let before = kept.partition_point(|&i| i < current);
    let mut chosen: Vec<usize> = kept[..before].to_vec();
    chosen.push(current);
    if ahead {
        chosen.extend(kept[before..].iter().filter(|&&i| i > current));
    }
    let selected = chosen
        .iter()
        .filter_map(|&i| points.get(i).cloned())
        .collect();
    (Cow::Owned(selected), before)
}

/// The paths of `run` up to step `shown`: its iterates and, with averaging,
/// its averaged path; `thinned` (for the layout they are drawn on) keeps only
/// the points worth drawing.
pub fn run_paths<'a>(
    run: &'a crate::experiment::landscape::run::RunResult,
    color: RGBColor,
    shown: usize,
    ahead: bool,
    thinned: Option<&Thinned>,
) -> Vec<PathView<'a>> {
    let h = &run.history;
    let (points, at) = select(
        &h.points,
        thinned.map(|t| t.iterates.as_slice()),
        shown,
        ahead,
    );
    let mut paths = vec![PathView {
        points,
        shown: at,
        color,
        diverged: h.status == crate::experiment::landscape::run::Status::Diverged
            && shown + 1 >= h.points.len(),
        label: Some(&run.label),
        style: PathStyle::Iterate,
        radius: shown.checked_sub(1).and_then(|i| h.radius.get(i)).copied(),
        ahead,
    }];
    if let Some(averaged) = &h.averaged {
        let kept = thinned.map(|t| t.averaged.as_slice());
        let (points, at) = select(&averaged.points, kept, shown, ahead);
        paths.push(PathView {
            points,
            shown: at,
            color: towards_black(color),
            diverged: false,
            label: Some(&run.label),
            style: PathStyle::Averaged,
            radius: None,
            ahead,
        });
    }
    paths
}

/// A darker shade of `color`, for a run's averaged path.
pub fn towards_black(color: RGBColor) -> RGBColor {
    RGBColor(color.0 / 2, color.1 / 2, color.2 / 2)
}

/// A line segment in plane coordinates.
type Segment = ((f64, f64), (f64, f64));

/// Plane coordinates: x and y as real numbers.
pub type Plane = Cartesian2d<RangedCoordf64, RangedCoordf64>;

/// A drawing result of backend `DB`.
pub type Drawn<T, DB> = Result<T, DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// The plane's coordinates on the plot area of `layout`: a chart whose
/// plotting area is exactly `layout.plot`, with `layout.view` mapped onto it.
pub fn chart_on<'a, DB: DrawingBackend>(
    root: &'a DrawingArea<DB, Shift>,
    layout: &Layout,
) -> Drawn<ChartContext<'a, DB, Plane>, DB> {
    let (width, height) = root.dim_in_pixel();
    let plot = layout.plot;
    let view = layout.view;
    ChartBuilder::on(root)
        .margin_top(plot.top)
        .margin_right(width.saturating_sub(plot.left + plot.width))
        .x_label_area_size(height.saturating_sub(plot.top + plot.height))
        .y_label_area_size(plot.left)
        .build_cartesian_2d(view.x_min..view.x_max, view.y_min..view.y_max)
}

/// The drawing area of the plot of `layout`, in plane coordinates.
pub fn plot_area<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    layout: &Layout,
) -> Drawn<DrawingArea<DB, Plane>, DB> {
    Ok(chart_on(root, layout)?.plotting_area().clone())
}

/// Draws axes, the problem's known `minima` (as small crosses) and paths over
/// the plot area of `layout` on `root`.
pub fn draw_overlay<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    layout: &Layout,
    minima: &[[f64; 2]],
    paths: &[PathView<'_>],
    theme: &Theme,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let s = layout.scale;
    let (plot, view) = (layout.plot, layout.view);
    let mut chart = chart_on(root, layout)?;
    let label_font = ("sans-serif", 12.0 * s).into_font().color(&theme.text);
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(7)
        .y_labels(7)
        .label_style(label_font)
        .axis_style(theme.axis)
        .x_label_formatter(&|v| format!("{v:.1}"))
        .y_label_formatter(&|v| format!("{v:.1}"))
        .draw()?;

    let clip = Clip::around(&layout.view);
    chart.draw_series(
        minima
            .iter()
            .map(|m| (m[0], m[1]))
            .filter(|&m| clip.contains(m))
            .map(|m| Cross::new(m, (5.0 * s) as i32, WHITE.stroke_width((2.0 * s) as u32))),
    )?;
    for path in drawing_order(paths, &clip) {
        let shown = path.shown.min(path.points.len().saturating_sub(1));
        let points: Vec<(f64, f64)> = path
            .points
            .iter()
            .map(|p| (p[0], p[1]))
            .take_while(|(x, y)| x.is_finite() && y.is_finite())
            .collect();
        let ghost = path.color.mix(0.5).stroke_width((1.0 * s).max(1.0) as u32);
        let (width, casing) = match path.style {
            PathStyle::Iterate => (2.0 * s, None),
            PathStyle::Averaged => (4.0 * s, Some(WHITE.stroke_width((7.0 * s) as u32))),
        };
        let solid = path.color.stroke_width(width.max(1.0) as u32);
        // A frame costs what the picture shows: steps closer than a pixel to
        // the last one kept add nothing to the line, and closer than half a
        // marker nothing to the markers.
        let to_pixel = |&(x, y): &(f64, f64)| layout.to_pixel(x, y);
        let line = thin_to_pixels(&points, shown, s.max(1.0), to_pixel);
        let segments: Vec<(usize, Segment)> = line
            .windows(2)
            .filter(|pair| path.ahead || pair[1] <= shown)
            .filter_map(|pair| {
                clip.segment(points[pair[0]], points[pair[1]])
                    .map(|s| (pair[1] - 1, s))
            })
            .collect();
        if let Some(casing) = casing {
            let revealed = segments.iter().filter(|(i, _)| *i < shown);
            chart
                .draw_series(revealed.map(|(_, (a, b))| PathElement::new(vec![*a, *b], casing)))?;
        }
        for (i, (a, b)) in &segments {
            let style = if *i < shown { solid } else { ghost };
            chart.draw_series(std::iter::once(PathElement::new(vec![*a, *b], style)))?;
        }
        let radius = (2.5 * s) as i32;
        let visible = |p: &&(f64, f64)| clip.contains(**p);
        if path.style == PathStyle::Averaged {
            if let Some(&end) = points
                .get(shown.min(points.len().saturating_sub(1)))
                .filter(visible)
            {
                let size = (7.0 * s) as i32;
                let diamond = |grow: i32| {
                    let (x, y) = chart.backend_coord(&end);
                    let r = size + grow;
                    vec![(x, y - r), (x + r, y), (x, y + r), (x - r, y)]
                };
                root.draw(&Polygon::new(diamond((2.0 * s) as i32), WHITE.filled()))?;
                root.draw(&Polygon::new(diamond(0), path.color.filled()))?;
            }
            continue;
        }
        let markers = thin_to_pixels(&points, shown, f64::from(radius.max(1)) / 2.0, to_pixel);
        chart.draw_series(
            markers
                .iter()
                .take_while(|&&i| i <= shown)
                .map(|&i| &points[i])
                .filter(visible)
                .map(|&p| Circle::new(p, radius, path.color.filled())),
        )?;
        if let Some(&start) = points.first().filter(visible) {
            chart.draw_series(std::iter::once(Circle::new(
                start,
                (5.0 * s) as i32,
                WHITE.stroke_width((2.0 * s) as u32),
            )))?;
        }
        if let Some(&current) = points
            .get(shown.min(points.len().saturating_sub(1)))
            .filter(visible)
        {
            chart.draw_series(std::iter::once(Circle::new(
                current,
                (5.0 * s) as i32,
                path.color.filled(),
            )))?;
            chart.draw_series(std::iter::once(Circle::new(
                current,
                (5.0 * s) as i32,
                WHITE.stroke_width((1.5 * s).max(1.0) as u32),
            )))?;
        }
        if let (Some(radius), Some(&current)) = (
            path.radius,
            points.get(shown.min(points.len().saturating_sub(1))),
        ) {
            let pixels = radius / (view.x_max - view.x_min) * f64::from(plot.width);
            if pixels.is_finite() && pixels < 4.0 * f64::from(plot.width) {
                chart.draw_series(std::iter::once(Circle::new(
                    current,
                    pixels.round() as i32,
                    path.color.mix(0.9).stroke_width((1.5 * s).max(1.0) as u32),
                )))?;
            }
        }
        if path.diverged && shown + 1 >= path.points.len() {
            if let Some(&last) = points.last().filter(visible) {
                chart.draw_series(std::iter::once(Cross::new(
                    last,
                    (7.0 * s) as i32,
                    RED.stroke_width((3.0 * s) as u32),
                )))?;
            }
        }
    }
    super::legend::draw_legend(root, layout, paths, theme)
}

/// The indices of `points` worth drawing at `spacing` pixels: the first,
/// `keep` (the current step), the last, and every point at least `spacing`
/// pixels from the one kept before it; a long, slow path costs what its
/// length on screen costs, not its number of steps.
pub fn thin_to_pixels(
    points: &[(f64, f64)],
    keep: usize,
    spacing: f64,
    to_pixel: impl Fn(&(f64, f64)) -> (f64, f64),
) -> Vec<usize> {
    let mut kept: Vec<usize> = Vec::new();
    let mut last = (0.0, 0.0);
    for (i, point) in points.iter().enumerate() {
        let pixel = to_pixel(point);
        let far = kept.is_empty() || (pixel.0 - last.0).hypot(pixel.1 - last.1) >= spacing;
        if far || i == keep || i + 1 == points.len() {
            kept.push(i);
            last = pixel;
        }
    }
    kept
}

/// The order paths are drawn in, bottom first: iterate paths by decreasing
/// length of their revealed part inside the view (a wandering or sweeping
/// path underneath, a short or tight one on top, so none hides another
/// whole), then the averaged paths above them all.
fn drawing_order<'p, 'a>(paths: &'p [PathView<'a>], clip: &Clip) -> Vec<&'p PathView<'a>> {
    let length = |p: &PathView<'_>| -> f64 {
        p.points
            .windows(2)
            .take(p.shown)
            .filter_map(|w| clip.segment((w[0][0], w[0][1]), (w[1][0], w[1][1])))
            .map(|(a, b)| (b.0 - a.0).hypot(b.1 - a.1))
            .sum()
    };
    let mut iterates: Vec<(f64, &PathView<'a>)> = paths
        .iter()
        .filter(|p| p.style == PathStyle::Iterate)
        .map(|p| (length(p), p))
        .collect();
    iterates.sort_by(|a, b| b.0.total_cmp(&a.0));
    iterates
        .into_iter()
        .map(|(_, p)| p)
        .chain(paths.iter().filter(|p| p.style == PathStyle::Averaged))
        .collect()
}

/// A vertical colour bar right of the plot area: the colormap from the lowest
/// value (bottom) to the highest, with values at five positions (logarithmic
/// scales label their uneven spacing).
pub fn draw_color_bar<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    layout: &Layout,
    scale: &ColorScale,
    theme: &Theme,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let s = layout.scale;
    let plot = layout.plot;
    let left = (plot.left + plot.width) as i32 + (8.0 * s) as i32;
    let width = (12.0 * s) as i32;
    let (top, height) = (plot.top as i32, plot.height as i32);
    let colormap = Colormap::viridis();
    let bins = 64;
    for k in 0..bins {
        let t = (k as f64 + 0.5) / bins as f64;
        let [r, g, b] = colormap.at(t);
        let y1 = top + height - (height * k) / bins;
        let y0 = top + height - (height * (k + 1)) / bins;
        root.draw(&Rectangle::new(
            [(left, y0), (left + width, y1)],
            RGBColor(r, g, b).filled(),
        ))?;
    }
    let font = ("sans-serif", 11.0 * s).into_font().color(&theme.text);
    for k in 0..5 {
        let t = k as f64 / 4.0;
        let y = top + height - (f64::from(height) * t) as i32;
        let value = scale.value_at(t);
        let label = bar_label(value);
        root.draw(&Text::new(
            label,
            (left + width + (3.0 * s) as i32, y - (6.0 * s) as i32),
            font.clone(),
        ))?;
    }
    Ok(())
}

/// A colour-bar value in at most five characters or so, to fit the margin:
/// `3e-5`, `0.12`, `2.83`, `18.8`, `613`, `9.6e3`.
fn bar_label(value: f64) -> String {
    let magnitude = value.abs();
    if value == 0.0 {
        "0".into()
    } else if magnitude < 1e-2 {
        format!("{value:.0e}")
    } else if magnitude >= 1e3 {
        let text = format!("{value:.1e}");
        text.replace(".0e", "e")
    } else if magnitude >= 100.0 {
        format!("{value:.0}")
    } else if magnitude >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

/// The view enlarged by a tenth on each side: segments are clipped to it so
/// that far-away points (a diverging run) never reach the backend.
#[derive(Clone, Copy, Debug)]
struct Clip {
    x: (f64, f64),
    y: (f64, f64),
}

impl Clip {
    fn around(view: &crate::problem::Window) -> Self {
        let (mx, my) = (
            0.1 * (view.x_max - view.x_min),
            0.1 * (view.y_max - view.y_min),
        );
        Self {
            x: (view.x_min - mx, view.x_max + mx),
            y: (view.y_min - my, view.y_max + my),
        }
    }

    fn contains(&self, (x, y): (f64, f64)) -> bool {
        (self.x.0..=self.x.1).contains(&x) && (self.y.0..=self.y.1).contains(&y)
    }

    /// The part of segment a→b inside the box (Liang–Barsky), if any.
    fn segment(&self, a: (f64, f64), b: (f64, f64)) -> Option<((f64, f64), (f64, f64))> {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
        for (p, q) in [
            (-dx, a.0 - self.x.0),
            (dx, self.x.1 - a.0),
            (-dy, a.1 - self.y.0),
            (dy, self.y.1 - a.1),
        ] {
            if p == 0.0 {
                if q < 0.0 {
                    return None;
                }
            } else {
                let t = q / p;
                if p < 0.0 {
                    t0 = t0.max(t);
                } else {
                    t1 = t1.min(t);
                }
            }
        }
        (t0 <= t1).then_some((
            (a.0 + t0 * dx, a.1 + t0 * dy),
            (a.0 + t1 * dx, a.1 + t1 * dy),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Window;

    const UNIT: Window = Window {
        x_min: 0.0,
        x_max: 1.0,
        y_min: 0.0,
        y_max: 1.0,
    };

    #[test]
    fn colour_bar_labels_are_short() {
        let labels: Vec<String> = [3e-5, 0.1234, 2.834, 18.77, 612.75, 9587.7, -225.14]
            .iter()
            .map(|&v| bar_label(v))
            .collect();
        assert_eq!(
            labels,
            ["3e-5", "0.12", "2.83", "18.8", "613", "9.6e3", "-225"]
        );
    }

    #[test]
    fn segments_are_clipped_to_the_enlarged_view() {
        let clip = Clip::around(&UNIT);
        let (a, b) = clip.segment((0.5, 0.5), (1e6, 0.5)).unwrap();
        assert_eq!(a, (0.5, 0.5));
        assert!((b.0 - 1.1).abs() < 1e-12 && b.1 == 0.5);
        assert!(clip.segment((5.0, 5.0), (6.0, 7.0)).is_none());
    }

    #[test]
    fn overlay_draws_on_svg() {
        let layout = Layout::fit((300, 200), &UNIT, &Default::default(), 1.0);
        let points = vec![vec![0.1, 0.1], vec![0.5, 0.5], vec![0.9, 0.2]];
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (300, 200)).into_drawing_area();
            let path = PathView {
                points: Cow::Borrowed(&points),
                shown: 1,
                color: RGBColor(230, 60, 40),
                diverged: false,
                label: Some("GD"),
                style: PathStyle::Iterate,
                radius: Some(0.1),
                ahead: true,
            };
            draw_overlay(&root, &layout, &[[0.5, 0.5]], &[path], &Theme::LIGHT).unwrap();
            root.present().unwrap();
        }
        assert!(svg.contains("<circle"), "markers missing: {svg}");
        assert!(svg.contains("#E63C28"), "path colour missing");
        assert!(
            svg.contains("GD\n</text>") || svg.contains(">GD<"),
            "legend missing: {svg}"
        );
    }

    #[test]
    fn a_slow_path_keeps_a_point_a_pixel_and_the_current_one() {
        let points: Vec<(f64, f64)> = (0..20_000).map(|i| (i as f64 * 1e-4, 0.0)).collect();
        let kept = thin_to_pixels(&points, 7_777, 1.0, |&(x, y)| (x * 100.0, y));
        assert!(kept.len() < 300, "{}", kept.len());
        assert!(kept.contains(&0) && kept.contains(&7_777) && kept.contains(&19_999));
        assert!(kept.windows(2).all(|w| w[0] < w[1]));
        let fast: Vec<(f64, f64)> = (0..50).map(|i| (i as f64, 0.0)).collect();
        assert_eq!(thin_to_pixels(&fast, 10, 1.0, |&p| p).len(), 50);
    }

    #[test]
    fn thinned_paths_keep_the_current_point_and_few_others() {
        use crate::experiment::landscape::run::run_spec;
        use crate::experiment::landscape::spec::Spec;
        let spec = Spec::from_json(
            r#"{"problem": {"name": "quadratic"}, "steps": 20000, "noise": {"kind": "gaussian", "sigma": 0.01},
                "runs": [{"optimizer": "sgd", "lr": 0.001, "averaging": {"kind": "uniform"}}]}"#,
        )
        .unwrap();
        let outcome = run_spec(&spec).unwrap();
        let run = &outcome.runs[0];
        let layout = Layout::fit(
            (600, 600),
            &outcome.landscape.window(),
            &crate::render::view::Margins::default(),
            1.0,
        );
        let thinned = Thinned::of(run, &layout);
        assert!(thinned.iterates.len() < 5000, "{}", thinned.iterates.len());
        let paths = run_paths(run, RED, 12_345, false, Some(&thinned));
        let iterate = &paths[0];
        assert_eq!(iterate.points[iterate.shown], run.history.points[12_345]);
        assert_eq!(
            iterate.points.len(),
            iterate.shown + 1,
            "nothing ahead is drawn"
        );
        assert_eq!(iterate.points[0], run.history.points[0]);
        let averaged = &paths[1];
        let average = &run.history.averaged.as_ref().unwrap().points;
        assert_eq!(averaged.points[averaged.shown], average[12_345]);
    }

    #[test]
    fn thinning_as_the_run_grows_equals_thinning_it_whole() {
        use crate::experiment::landscape::computation::Computation;
        use crate::experiment::landscape::spec::Spec;
        let spec = Spec::from_json(
            r#"{"problem": {"name": "rosenbrock"}, "steps": 30000, "noise": {"kind": "gaussian", "sigma": 0.2},
                "runs": [{"optimizer": "sgd", "lr": 0.0005, "averaging": {"kind": "uniform"}}]}"#,
        )
        .unwrap();
        let mut computation = Computation::start(&spec).unwrap();
        let window = computation.outcome().landscape.window();
        let layout = Layout::fit(
            (500, 400),
            &window,
            &crate::render::view::Margins::default(),
            1.0,
        );
        let mut grown = Thinned::of(&computation.outcome().runs[0], &layout);
        while !computation.advance(7_000) {
            grown.extend(&computation.outcome().runs[0], &layout);
        }
        grown.extend(&computation.outcome().runs[0], &layout);
        assert_eq!(grown, Thinned::of(&computation.outcome().runs[0], &layout));
    }
}
