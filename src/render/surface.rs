//! The landscape as a surface in 3D: heights sampled on a grid over the
//! view, turned by a camera (azimuth about the vertical, elevation above the
//! horizon) and projected orthographically; the quads come back sorted far
//! to near so a painter's algorithm draws them, and paths are lifted onto the
//! surface. Height (and colour) rises with f from its lowest sample, nearly
//! linearly up to the samples' 90th percentile and saturating smoothly above
//! (tanh), so a bowl looks like a bowl and Rosenbrock's walls do not dwarf its
//! valley; each quad is shaded by the light on its slope, so the eye reads
//! the shape.

use crate::problem::{Objective, Window};
use crate::render::color::Colormap;

/// The height of the surface box relative to its unit-wide floor.
const RELIEF: f64 = 0.4;
/// The most grid cells per side.
pub const MAX_CELLS: usize = 96;

/// Where the surface is seen from, in degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Camera {
    /// Turn about the vertical axis: 0 looks along +y.
    pub azimuth: f64,
    /// Height above the horizon: 90 looks straight down.
    pub elevation: f64,
}

impl Default for Camera {
    fn default() -> Self {
        Self {
            azimuth: -35.0,
            elevation: 50.0,
        }
    }
}

impl Camera {
    /// The camera turned by `azimuth` and tilted by `elevation` degrees, the
    /// elevation kept between 5° and 90°.
    pub fn turned(self, azimuth: f64, elevation: f64) -> Self {
        let turn = (self.azimuth + azimuth).rem_euclid(360.0);
        Self {
            azimuth: if turn > 180.0 { turn - 360.0 } else { turn },
            elevation: (self.elevation + elevation).clamp(5.0, 90.0),
        }
    }
}

/// The landscape sampled for drawing as a surface.
#[derive(Clone, Debug)]
pub struct Surface {
    cells: usize,
    window: Window,
    /// Heights in [0, 1] at the (cells + 1)² grid points, row by row from the bottom.
    heights: Vec<f64>,
    /// The lowest sample, drawn at height 0.
    floor_value: f64,
    /// The samples' 90th percentile, drawn at height tanh 1.5 ≈ 0.905.
    top_value: f64,
}

/// One filled quad of the projected surface.
#[derive(Clone, Debug, PartialEq)]
pub struct Quad {
    /// Its corners in pixels.
    pub corners: [(f64, f64); 4],
    /// Its colour.
    pub color: [u8; 3],
    /// How near it is (larger is nearer).
    pub nearness: f64,
}

/// A projection of the surface onto a canvas of a given size.
#[derive(Clone, Copy, Debug)]
pub struct Projection {
    camera: Camera,
    centre: (f64, f64),
    pixels_per_unit: f64,
}

impl Surface {
    /// Samples `objective` on a grid of `cells` per side over `window`
    /// (at most [`MAX_CELLS`]), heights as [`Surface::height`] says.
    pub fn sample(objective: &dyn Objective, window: Window, cells: usize) -> Self {
        let cells = cells.clamp(2, MAX_CELLS);
        let mut values = Vec::with_capacity((cells + 1) * (cells + 1));
        for j in 0..=cells {
            for i in 0..=cells {
                let x = window.x_min + (window.x_max - window.x_min) * i as f64 / cells as f64;
                let y = window.y_min + (window.y_max - window.y_min) * j as f64 / cells as f64;
                values.push(objective.value(&[x, y]));
            }
        }
        let mut finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        finite.sort_by(f64::total_cmp);
        let floor_value = finite.first().copied().unwrap_or(0.0);
        let top_value = finite
            .get(finite.len() * 9 / 10)
            .copied()
            .filter(|t| *t > floor_value)
            .unwrap_or(floor_value + 1.0);
        let mut surface = Self {
            cells,
            window,
            heights: Vec::new(),
            floor_value,
            top_value,
        };
        surface.heights = values.iter().map(|&v| surface.height(v)).collect();
        surface
    }

    /// The height in [0, 1) of value `value`: tanh(1.5 (f − f_low) / (f₉₀ − f_low)),
    /// so the 90th percentile sits at 0.905 (non-finite values at the top).
    pub fn height(&self, value: f64) -> f64 {
        if !value.is_finite() {
            return 1.0;
        }
        let t = (value - self.floor_value) / (self.top_value - self.floor_value);
        (1.5 * t.max(0.0)).tanh()
    }

    /// The lowest sample and the samples' 90th percentile.
    pub fn value_range(&self) -> (f64, f64) {
        (self.floor_value, self.top_value)
    }

    /// The window sampled.
    pub fn window(&self) -> Window {
        self.window
    }

    /// The point `(x, y, f)` in the surface box's coordinates: x and y in
    /// [−½, ½], height in [−RELIEF/2, RELIEF/2].
    pub fn to_box(&self, x: f64, y: f64, value: f64) -> [f64; 3] {
        let w = self.window;
        [
            (x - w.x_min) / (w.x_max - w.x_min) - 0.5,
            (y - w.y_min) / (w.y_max - w.y_min) - 0.5,
            RELIEF * (self.height(value) - 0.5),
        ]
    }

    fn grid_point(&self, i: usize, j: usize) -> [f64; 3] {
        let n = self.cells as f64;
        [
            i as f64 / n - 0.5,
            j as f64 / n - 0.5,
            RELIEF * (self.heights[j * (self.cells + 1) + i] - 0.5),
        ]
    }

    /// Every quad of the surface seen through `projection`, far to near,
    /// coloured by its mean height and shaded by the light on its slope.
    pub fn quads(&self, projection: &Projection, colormap: &Colormap) -> Vec<Quad> {
        let mut quads = Vec::with_capacity(self.cells * self.cells);
        for j in 0..self.cells {
            for i in 0..self.cells {
                let points = [
                    self.grid_point(i, j),
                    self.grid_point(i + 1, j),
                    self.grid_point(i + 1, j + 1),
                    self.grid_point(i, j + 1),
                ];
                let mean = points.iter().map(|p| p[2]).sum::<f64>() / 4.0;
                let projected = points.map(|p| projection.project(p));
                let light = 0.55 + 0.45 * lit(&points);
                quads.push(Quad {
                    corners: projected.map(|(x, y, _)| (x, y)),
                    color: colormap
                        .at(mean / RELIEF + 0.5)
                        .map(|c| (f64::from(c) * light).round() as u8),
                    nearness: projected.iter().map(|p| p.2).sum::<f64>() / 4.0,
                });
            }
        }
        quads.sort_by(|a, b| a.nearness.total_cmp(&b.nearness));
        quads
    }

    /// The floor's four corners in pixels, for a frame under the surface.
    pub fn floor(&self, projection: &Projection) -> [(f64, f64); 4] {
        let z = -RELIEF / 2.0;
        [
            [-0.5, -0.5, z],
            [0.5, -0.5, z],
            [0.5, 0.5, z],
            [-0.5, 0.5, z],
        ]
        .map(|p| {
            let (x, y, _) = projection.project(p);
            (x, y)
        })
    }
}

/// How squarely a quad faces the light (from above, front left), in [0, 1].
fn lit(points: &[[f64; 3]; 4]) -> f64 {
    let d1 = [0, 1, 2].map(|k| points[2][k] - points[0][k]);
    let d2 = [0, 1, 2].map(|k| points[3][k] - points[1][k]);
    let normal = [
        d1[1] * d2[2] - d1[2] * d2[1],
        d1[2] * d2[0] - d1[0] * d2[2],
        d1[0] * d2[1] - d1[1] * d2[0],
    ];
    let length = normal.iter().map(|v| v * v).sum::<f64>().sqrt();
    if length == 0.0 {
        return 1.0;
    }
    let light = [-0.40, -0.45, 0.80];
    let norm = light.iter().map(|v: &f64| v * v).sum::<f64>().sqrt();
    let facing = normal.iter().zip(light).map(|(n, l)| n * l).sum::<f64>() / (length * norm);
    facing.abs()
}

impl Projection {
    /// The orthographic projection through `camera` that fits the surface
    /// box into a canvas of `size` pixels with a margin.
    pub fn fit(camera: Camera, size: (f64, f64)) -> Self {
        let unit = Self {
            camera,
            centre: (0.0, 0.0),
            pixels_per_unit: 1.0,
        };
        let h = RELIEF / 2.0;
        let corners: Vec<(f64, f64, f64)> = [-0.5, 0.5]
            .iter()
            .flat_map(|&x| [-0.5, 0.5].map(move |y| (x, y)))
            .flat_map(|(x, y)| [-h, h].map(move |z| unit.project([x, y, z])))
            .collect();
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for (x, y, _) in &corners {
            x0 = x0.min(*x);
            x1 = x1.max(*x);
            y0 = y0.min(*y);
            y1 = y1.max(*y);
        }
        let margin = 0.92;
        let pixels_per_unit = margin * (size.0 / (x1 - x0)).min(size.1 / (y1 - y0));
        Self {
            camera,
            centre: (
                size.0 / 2.0 - pixels_per_unit * (x0 + x1) / 2.0,
                size.1 / 2.0 - pixels_per_unit * (y0 + y1) / 2.0,
            ),
            pixels_per_unit,
        }
    }

    /// A point of the surface box in pixels, with its nearness to the viewer.
    pub fn project(&self, [u, v, w]: [f64; 3]) -> (f64, f64, f64) {
        let (a, e) = (
            self.camera.azimuth.to_radians(),
            self.camera.elevation.to_radians(),
        );
        let right = u * a.cos() - v * a.sin();
        let away = u * a.sin() + v * a.cos();
        let up = w * e.cos() + away * e.sin();
        let nearness = w * e.sin() - away * e.cos();
        (
            self.centre.0 + self.pixels_per_unit * right,
            self.centre.1 - self.pixels_per_unit * up,
            nearness,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Quadratic;

    fn bowl() -> Surface {
        Surface::sample(&Quadratic::new(10.0, 0.0), Window::square(3.0), 24)
    }

    #[test]
    fn the_bowl_seen_from_above_is_the_window_and_its_middle_is_lowest() {
        let surface = bowl();
        let top = Projection::fit(
            Camera {
                azimuth: 0.0,
                elevation: 90.0,
            },
            (400.0, 400.0),
        );
        let floor = surface.floor(&top);
        // Straight down, x runs right and y runs up, as on the contour picture.
        assert!(floor[1].0 > floor[0].0 && (floor[1].1 - floor[0].1).abs() < 1e-9);
        assert!(floor[3].1 < floor[0].1 && (floor[3].0 - floor[0].0).abs() < 1e-9);
        // The middle of the bowl sits lower than its rim.
        let middle = surface.to_box(0.0, 0.0, 0.0);
        let rim = surface.to_box(3.0, 3.0, Quadratic::new(10.0, 0.0).value(&[3.0, 3.0]));
        assert!(middle[2] < rim[2]);
    }

    #[test]
    fn quads_come_far_to_near_and_cover_the_canvas_within_its_margin() {
        let surface = bowl();
        let projection = Projection::fit(Camera::default(), (640.0, 480.0));
        let quads = surface.quads(&projection, &Colormap::viridis());
        assert_eq!(quads.len(), 24 * 24);
        assert!(quads.windows(2).all(|w| w[0].nearness <= w[1].nearness));
        for quad in &quads {
            for (x, y) in quad.corners {
                assert!(
                    (0.0..=640.0).contains(&x) && (0.0..=480.0).contains(&y),
                    "{x}, {y}"
                );
            }
        }
    }

    #[test]
    fn the_camera_wraps_its_turn_and_keeps_its_tilt_above_the_horizon() {
        let camera = Camera::default().turned(400.0, 100.0);
        assert!((camera.azimuth - 5.0).abs() < 1e-9, "{camera:?}");
        assert_eq!(camera.elevation, 90.0);
        assert_eq!(Camera::default().turned(0.0, -100.0).elevation, 5.0);
    }
}
