//! The legend over a landscape: each labelled path in its colour, in the
//! corner of the plot the paths cover least.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::chart::{PathStyle, PathView, Theme};
use super::view::Layout;

/// A box in a corner of the plot naming each labelled path in its colour.
pub fn draw_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    layout: &Layout,
    paths: &[PathView<'_>],
    theme: &Theme,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let labelled: Vec<(String, RGBColor, PathStyle)> = paths
        .iter()
        .filter_map(|p| {
            p.label.map(|l| match p.style {
                PathStyle::Iterate => (l.to_string(), p.color, p.style),
                PathStyle::Averaged => (format!("{l} (average)"), p.color, p.style),
            })
        })
        .collect();
    if labelled.is_empty() {
        return Ok(());
    }
    let s = layout.scale;
    let line = (18.0 * s) as i32;
    let longest = labelled
        .iter()
        .map(|(l, _, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    let width = (36.0 * s) as i32 + (8.5 * s * longest as f64) as i32;
    let height = line * labelled.len() as i32 + (8.0 * s) as i32;
    let (left, top) = legend_corner(layout, paths, (width, height));
    root.draw(&Rectangle::new(
        [(left, top), (left + width, top + height)],
        theme.background.mix(0.85).filled(),
    ))?;
    let font = ("sans-serif", 13.0 * s).into_font().color(&theme.text);
    for (i, (label, color, style)) in labelled.iter().enumerate() {
        let y = top + (4.0 * s) as i32 + line * i as i32;
        let (y0, y1) = match style {
            PathStyle::Iterate => (y + (4.0 * s) as i32, y + (12.0 * s) as i32),
            PathStyle::Averaged => (y + (2.0 * s) as i32, y + (14.0 * s) as i32),
        };
        let swatch = [
            (left + (6.0 * s) as i32, y0),
            (left + (20.0 * s) as i32, y1),
        ];
        root.draw(&Rectangle::new(swatch, color.filled()))?;
        // Outlined, so a light path's swatch shows on the light box.
        root.draw(&Rectangle::new(swatch, theme.text.mix(0.5)))?;
        root.draw(&Text::new(
            label.to_string(),
            (left + (26.0 * s) as i32, y + (1.0 * s) as i32),
            font.clone(),
        ))?;
    }
    Ok(())
}

/// The top-left pixel of the legend box (`size`): the corner of the plot
/// that covers the fewest of the paths' revealed points (top left on a tie).
fn legend_corner(layout: &Layout, paths: &[PathView<'_>], size: (i32, i32)) -> (i32, i32) {
    let plot = layout.plot;
    let inset = (8.0 * layout.scale) as i32;
    let (x0, y0) = (plot.left as i32 + inset, plot.top as i32 + inset);
    let (x1, y1) = (
        (plot.left + plot.width) as i32 - inset - size.0,
        (plot.top + plot.height) as i32 - inset - size.1,
    );
    let corners = [(x0, y0), (x1, y0), (x0, y1), (x1, y1)];
    let covered = |&(left, top): &(i32, i32)| {
        paths
            .iter()
            .flat_map(|p| p.points.iter().take(p.shown + 1))
            .filter(|p| {
                let (px, py) = layout.to_pixel(p[0], p[1]);
                (f64::from(left)..=f64::from(left + size.0)).contains(&px)
                    && (f64::from(top)..=f64::from(top + size.1)).contains(&py)
            })
            .count()
    };
    corners
        .iter()
        .min_by_key(|c| covered(c))
        .copied()
        .unwrap_or((x0, y0))
}
