//! Where the plot sits on the canvas and which part of the plane it shows.

use crate::problem::Window;

/// A rectangle of pixels: left, top, width and height.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PixelRect {
    /// Left edge, in pixels from the canvas's left.
    pub left: u32,
    /// Top edge, in pixels from the canvas's top.
    pub top: u32,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// Space kept around the plot for tick labels, in CSS pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Margins {
    /// Above the plot.
    pub top: f64,
    /// Right of the plot.
    pub right: f64,
    /// Below the plot (x-axis labels).
    pub bottom: f64,
    /// Left of the plot (y-axis labels).
    pub left: f64,
}

impl Default for Margins {
    fn default() -> Self {
        Self {
            top: 10.0,
            right: 64.0,
            bottom: 34.0,
            left: 46.0,
        }
    }
}

/// `window` grown to hold every point of `points` that lies within four
/// window-widths of its centre (a diverging run does not zoom the view out
/// to nothing), with a twentieth of the span as margin where it grew.
pub fn fit_points<'a>(window: &Window, points: impl Iterator<Item = &'a [f64]>) -> Window {
    let (cx, cy) = (
        0.5 * (window.x_min + window.x_max),
        0.5 * (window.y_min + window.y_max),
    );
    let reach = 4.0 * (window.x_max - window.x_min).max(window.y_max - window.y_min);
    let mut fitted = *window;
    for p in points {
        let (x, y) = (p[0], p[1]);
        if !(x.is_finite() && y.is_finite()) || (x - cx).abs() > reach || (y - cy).abs() > reach {
            continue;
        }
        fitted.x_min = fitted.x_min.min(x);
        fitted.x_max = fitted.x_max.max(x);
        fitted.y_min = fitted.y_min.min(y);
        fitted.y_max = fitted.y_max.max(y);
    }
    let (mx, my) = (
        0.05 * (fitted.x_max - fitted.x_min),
        0.05 * (fitted.y_max - fitted.y_min),
    );
    Window {
        x_min: fitted.x_min - if fitted.x_min < window.x_min { mx } else { 0.0 },
        x_max: fitted.x_max + if fitted.x_max > window.x_max { mx } else { 0.0 },
        y_min: fitted.y_min - if fitted.y_min < window.y_min { my } else { 0.0 },
        y_max: fitted.y_max + if fitted.y_max > window.y_max { my } else { 0.0 },
    }
}

/// The plot's place on the canvas and the part of the plane it shows, with
/// equal scales on both axes so that angles and circles look right.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Layout {
    /// The plot area in canvas pixels.
    pub plot: PixelRect,
    /// The part of the plane shown in the plot area.
    pub view: Window,
    /// Device pixels per CSS pixel; sizes of text and markers scale with it.
    pub scale: f64,
}

impl Layout {
    /// Fits `window` into a canvas of `size` device pixels: the plot fills the
    /// space inside the margins and the window grows about its centre along
    /// one axis so both axes share one scale.
    pub fn fit(size: (u32, u32), window: &Window, margins: &Margins, scale: f64) -> Self {
        let px = |css: f64| (css * scale).round().max(0.0) as u32;
        let left = px(margins.left).min(size.0);
        let top = px(margins.top).min(size.1);
        let width = size.0.saturating_sub(left + px(margins.right)).max(1);
        let height = size.1.saturating_sub(top + px(margins.bottom)).max(1);
        let plot_aspect = f64::from(width) / f64::from(height);
        let (cx, cy) = (
            0.5 * (window.x_min + window.x_max),
            0.5 * (window.y_min + window.y_max),
        );
        let (mut half_w, mut half_h) = (
            0.5 * (window.x_max - window.x_min),
            0.5 * (window.y_max - window.y_min),
        );
        if plot_aspect > window.aspect() {
            half_w = half_h * plot_aspect;
        } else {
            half_h = half_w / plot_aspect;
        }
        Self {
            plot: PixelRect {
                left,
                top,
                width,
                height,
            },
            view: Window {
                x_min: cx - half_w,
                x_max: cx + half_w,
                y_min: cy - half_h,
                y_max: cy + half_h,
            },
            scale,
        }
    }

    /// The canvas pixel (fractional) showing plane point `(x, y)`.
    pub fn to_pixel(&self, x: f64, y: f64) -> (f64, f64) {
        let v = &self.view;
        let p = &self.plot;
        (
            f64::from(p.left) + (x - v.x_min) / (v.x_max - v.x_min) * f64::from(p.width),
            f64::from(p.top) + (v.y_max - y) / (v.y_max - v.y_min) * f64::from(p.height),
        )
    }

    /// The plane point shown at canvas pixel `(px, py)`.
    pub fn to_plane(&self, px: f64, py: f64) -> (f64, f64) {
        let v = &self.view;
        let p = &self.plot;
        (
            v.x_min + (px - f64::from(p.left)) / f64::from(p.width) * (v.x_max - v.x_min),
            v.y_max - (py - f64::from(p.top)) / f64::from(p.height) * (v.y_max - v.y_min),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SQUARE: Window = Window {
        x_min: -1.0,
        x_max: 1.0,
        y_min: -1.0,
        y_max: 1.0,
    };

    #[test]
    fn wide_canvas_widens_the_view_keeping_equal_scales() {
        let margins = Margins {
            top: 0.0,
            right: 0.0,
            bottom: 0.0,
            left: 0.0,
        };
        let layout = Layout::fit((400, 200), &SQUARE, &margins, 1.0);
        assert_eq!(layout.view.x_min, -2.0);
        assert_eq!(layout.view.x_max, 2.0);
        assert_eq!(layout.view.y_max, 1.0);
    }

    #[test]
    fn pixel_and_plane_coordinates_round_trip() {
        let layout = Layout::fit((640, 480), &SQUARE, &Margins::default(), 2.0);
        let (px, py) = layout.to_pixel(0.3, -0.7);
        let (x, y) = layout.to_plane(px, py);
        assert!((x - 0.3).abs() < 1e-12 && (y + 0.7).abs() < 1e-12);
    }
}

#[cfg(test)]
mod fit_tests {
    use super::*;

    #[test]
    fn the_view_grows_to_hold_the_paths_but_not_a_diverging_one() {
        let window = Window {
            x_min: -3.0,
            x_max: 3.0,
            y_min: -2.0,
            y_max: 2.0,
        };
        let points = [vec![0.0, -2.6], vec![1e9, 1e9], vec![1.0, 1.0]];
        let view = fit_points(&window, points.iter().map(Vec::as_slice));
        assert!(view.y_min < -2.6 && view.y_min > -3.0, "{view:?}");
        assert_eq!((view.x_min, view.x_max, view.y_max), (-3.0, 3.0, 2.0));
    }
}
