//! The landscape picture: a heatmap of the objective with contour lines,
//! computed into one RGBA buffer that the page puts on the canvas in one call.

use contour::ContourBuilder;
use tiny_skia::{Paint, PathBuilder, Pixmap, Stroke, Transform};

use super::color::{ColorScale, Colormap};
use crate::problem::{Objective, Window};

/// How many contour levels are drawn, evenly spaced on the colour scale.
pub const CONTOUR_LEVELS: usize = 16;

/// Contours are traced on a grid this many pixels apart; finer adds nothing visible.
const CONTOUR_STRIDE: usize = 2;

/// An RGBA image (straight alpha, row-major, top row first).
#[derive(Clone, Debug, PartialEq)]
pub struct LandscapeImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width × height × 4` bytes.
    pub rgba: Vec<u8>,
    /// The colour scale used, for a colour bar.
    pub scale: ColorScale,
}

/// Samples `objective` at the centre of every pixel of a `width × height`
/// image of `view`, row-major with the top row (largest y) first.
pub fn sample(objective: &dyn Objective, view: &Window, width: u32, height: u32) -> Vec<f64> {
    let (w, h) = (width as usize, height as usize);
    let dx = (view.x_max - view.x_min) / w as f64;
    let dy = (view.y_max - view.y_min) / h as f64;
    let mut values = Vec::with_capacity(w * h);
    for row in 0..h {
        let y = view.y_max - (row as f64 + 0.5) * dy;
        for col in 0..w {
            let x = view.x_min + (col as f64 + 0.5) * dx;
            values.push(objective.value(&[x, y]));
        }
    }
    values
}

/// Draws the heatmap and contour lines of `objective` over `view` at
/// `width × height` pixels; `line_width` is the contour width in pixels.
pub fn render(
    objective: &dyn Objective,
    view: &Window,
    width: u32,
    height: u32,
    line_width: f32,
) -> LandscapeImage {
    let values = sample(objective, view, width, height);
    let scale = ColorScale::fit(&values);
    let positions = scale.positions(&values);
    let colormap = Colormap::viridis();
    let Some(mut pixmap) = Pixmap::new(width, height) else {
        return LandscapeImage {
            width: 0,
            height: 0,
            rgba: Vec::new(),
            scale,
        };
    };
    for (pixel, &t) in pixmap.data_mut().chunks_exact_mut(4).zip(&positions) {
        let [r, g, b] = colormap.at(t);
        pixel.copy_from_slice(&[r, g, b, 255]);
    }
    draw_contours(
        &mut pixmap,
        &positions,
        width as usize,
        height as usize,
        line_width,
    );
    LandscapeImage {
        width,
        height,
        rgba: pixmap.take(),
        scale,
    }
}

/// Traces contour lines of the colour positions (so levels are evenly spaced
/// on the colour scale, logarithmic or not) and strokes them anti-aliased.
fn draw_contours(pixmap: &mut Pixmap, positions: &[f64], w: usize, h: usize, line_width: f32) {
    let (gw, gh) = (w.div_ceil(CONTOUR_STRIDE), h.div_ceil(CONTOUR_STRIDE));
    if gw < 2 || gh < 2 {
        return;
    }
    let mut grid = Vec::with_capacity(gw * gh);
    for gy in 0..gh {
        for gx in 0..gw {
            grid.push(positions[gy * CONTOUR_STRIDE * w + gx * CONTOUR_STRIDE]);
        }
    }
    let thresholds: Vec<f64> = (1..=CONTOUR_LEVELS)
        .map(|k| k as f64 / (CONTOUR_LEVELS + 1) as f64)
        .collect();
    // Grid value i stands for pixel centre i·stride + ½; the builder puts it at i + ½.
    let stride = CONTOUR_STRIDE as f64;
    let origin = 0.5 - 0.5 * stride;
    let builder = ContourBuilder::new(gw, gh, true)
        .x_step(stride)
        .y_step(stride)
        .x_origin(origin)
        .y_origin(origin);
    let Ok(lines) = builder.lines(&grid, &thresholds) else {
        return;
    };
    let (max_x, max_y) = (gw as f64 * stride + origin, gh as f64 * stride + origin);
    let on_border = |x: f64, y: f64| {
        x <= origin + 1e-9 || y <= origin + 1e-9 || x >= max_x - 1e-9 || y >= max_y - 1e-9
    };
    let mut path = PathBuilder::new();
    for line in &lines {
        for ring in &line.geometry().0 {
            let mut pen_down = false;
            for segment in ring.lines() {
                let (a, b) = (segment.start, segment.end);
                // The builder closes rings along the image border; those edges are no contours.
                if on_border(a.x, a.y) && on_border(b.x, b.y) {
                    pen_down = false;
                    continue;
                }
                if !pen_down {
                    path.move_to(a.x as f32, a.y as f32);
                    pen_down = true;
                }
                path.line_to(b.x as f32, b.y as f32);
            }
        }
    }
    let Some(path) = path.finish() else {
        return;
    };
    let mut paint = Paint::default();
    paint.set_color_rgba8(255, 255, 255, 120);
    paint.anti_alias = true;
    let stroke = Stroke {
        width: line_width,
        ..Stroke::default()
    };
    pixmap.stroke_path(&path, &paint, &stroke, Transform::identity(), None);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::{Landscape, Rosenbrock};

    #[test]
    fn image_has_the_requested_size_and_is_opaque() {
        let problem = Rosenbrock::new(1.0, 100.0);
        let image = render(&problem, &problem.window(), 120, 80, 1.0);
        assert_eq!(image.rgba.len(), 120 * 80 * 4);
        assert!(image.rgba.chunks_exact(4).all(|p| p[3] == 255));
    }

    #[test]
    fn minimum_is_darker_than_the_corners() {
        let problem = Rosenbrock::new(1.0, 100.0);
        let window = Window {
            x_min: 0.0,
            x_max: 2.0,
            y_min: 0.0,
            y_max: 2.0,
        };
        let image = render(&problem, &window, 101, 101, 1.0);
        let brightness = |col: usize, row: usize| {
            let i = (row * 101 + col) * 4;
            image.rgba[i..i + 3]
                .iter()
                .map(|&c| u32::from(c))
                .sum::<u32>()
        };
        // (1, 1) is the pixel in the middle; (0, 2) is the top-left corner.
        assert!(brightness(50, 50) < brightness(0, 0));
    }

    #[test]
    fn contour_lines_are_drawn() {
        let problem = Rosenbrock::new(1.0, 100.0);
        let with = render(&problem, &problem.window(), 200, 200, 1.5);
        let values = sample(&problem, &problem.window(), 200, 200);
        let colormap = Colormap::viridis();
        let plain = values
            .iter()
            .zip(with.rgba.chunks_exact(4))
            .filter(|(&v, p)| colormap.at(with.scale.position(v))[..] != p[..3])
            .count();
        assert!(plain > 1000, "only {plain} pixels carry contour lines");
    }
}
