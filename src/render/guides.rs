//! Teaching overlays under the paths: the negative gradient field, and at the
//! current point the local quadratic model's stationary point (where Newton
//! jumps) and the Hessian's eigen-directions.

use nalgebra::{DVector, SymmetricEigen};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::chart::plot_area;
use super::view::Layout;
use crate::optim::MomentumSplit;
use crate::problem::{Objective, Window};

/// A segment of the plane, from the first point to the second.
pub type Segment = ((f64, f64), (f64, f64));

/// What to draw.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Guides {
    /// Short arrows along −∇f on a grid (tail, head).
    pub arrows: Vec<Segment>,
    /// From the current point to the local model's stationary point.
    pub newton: Option<Segment>,
    /// Eigen-directions of the Hessian at the current point, with whether the
    /// curvature along them is positive. Longer means flatter.
    pub eigen: Vec<(Segment, bool)>,
    /// A momentum step split into its gradient part and its velocity part.
    pub momentum: Option<(Segment, Segment)>,
    /// The points the last step tried, from where it started, each with
    /// whether the step moved there (accepted) or went on (rejected).
    pub trials: Option<StepTrials>,
    /// Level ellipses dᵀMd = c around the current point: the true Hessian's
    /// (where positive definite) and a quasi-Newton model's, with whether it
    /// is the model.
    pub ellipses: Vec<(Vec<(f64, f64)>, bool)>,
}

/// The level ellipses {x + d : dᵀMd = c} of the true Hessian `hessian` (where
/// positive definite) and of `model` at `x`, with one c for both, chosen so
/// the larger ellipse's longest half-axis is a sixth of the view's width:
/// where the model has learnt the curvature, the two coincide.
pub fn curvature_ellipses(
    x: (f64, f64),
    hessian: Option<[f64; 4]>,
    model: [f64; 4],
    view: &Window,
) -> Vec<(Vec<(f64, f64)>, bool)> {
    // Eigenvalues (ascending) and the first eigenvector of a symmetric 2 × 2.
    let eigen = |m: [f64; 4]| {
        let (a, b, d) = (m[0], 0.5 * (m[1] + m[2]), m[3]);
        let mean = 0.5 * (a + d);
        let radius = (0.25 * (a - d) * (a - d) + b * b).sqrt();
        let angle = 0.5 * (2.0 * b).atan2(a - d);
        (mean - radius, mean + radius, angle)
    };
    let matrices: Vec<([f64; 4], bool)> = hessian
        .map(|h| (h, false))
        .into_iter()
        .chain(std::iter::once((model, true)))
        .filter(|(m, _)| eigen(*m).0 > 0.0)
        .collect();
    let smallest = matrices
        .iter()
        .map(|(m, _)| eigen(*m).0)
        .fold(f64::INFINITY, f64::min);
    if !smallest.is_finite() {
        return Vec::new();
    }
    let reach = (view.x_max - view.x_min) / 6.0;
    let c = reach * reach * smallest;
    matrices
        .into_iter()
        .map(|(m, is_model)| {
            let (low, high, angle) = eigen(m);
            // Half-axes √(c/λ): along the larger eigenvalue's direction (angle) and across it.
            let (along, across) = ((c / high).sqrt(), (c / low).sqrt());
            let (cos, sin) = (angle.cos(), angle.sin());
            let points = (0..=72)
                .map(|k| {
                    let t = std::f64::consts::TAU * k as f64 / 72.0;
                    let (u, v) = (along * t.cos(), across * t.sin());
                    (x.0 + u * cos - v * sin, x.1 + u * sin + v * cos)
                })
                .collect();
            (points, is_model)
        })
        .collect()
}

/// A step's start and the points it tried, each with whether it was accepted.
pub type StepTrials = ((f64, f64), Vec<((f64, f64), bool)>);

/// Step `step`'s trial points from the history: from its start point, each
/// marked accepted where the step ended there (the start itself, which some
/// searches evaluate first, is left out).
pub fn step_trials(
    history: &crate::experiment::landscape::run::History,
    step: usize,
) -> Option<StepTrials> {
    let trials = history.trials_of(step)?;
    let (from, to) = (history.points.get(step - 1)?, history.points.get(step)?);
    let points = trials
        .points
        .iter()
        .filter(|p| p[0] != from[0] || p[1] != from[1])
        .map(|p| ((p[0], p[1]), p[0] == to[0] && p[1] == to[1]))
        .collect();
    Some(((from[0], from[1]), points))
}

/// Arrows along −∇f at the centres of an `n × n` grid over `view`, each a
/// third of a cell long.
pub fn gradient_field(objective: &dyn Objective, view: &Window, n: usize) -> Vec<Segment> {
    let (dx, dy) = (
        (view.x_max - view.x_min) / n as f64,
        (view.y_max - view.y_min) / n as f64,
    );
    let length = 0.35 * dx.min(dy);
    let mut grad = [0.0; 2];
    let mut arrows = Vec::with_capacity(n * n);
    for i in 0..n {
        for j in 0..n {
            let (x, y) = (
                view.x_min + (i as f64 + 0.5) * dx,
                view.y_min + (j as f64 + 0.5) * dy,
            );
            objective.gradient(&[x, y], &mut grad);
            let norm = (grad[0] * grad[0] + grad[1] * grad[1]).sqrt();
            if norm.is_finite() && norm > 0.0 {
                arrows.push((
                    (x, y),
                    (x - length * grad[0] / norm, y - length * grad[1] / norm),
                ));
            }
        }
    }
    arrows
}

/// The Newton target x − H⁻¹∇f and the eigen-directions of H at `point`
/// (none when the objective has no Hessian or it is singular).
pub fn local_model(
    objective: &dyn Objective,
    point: [f64; 2],
    view: &Window,
) -> (Option<Segment>, Vec<(Segment, bool)>) {
    let Some(h) = objective.hessian(&point) else {
        return (None, Vec::new());
    };
    let mut grad = [0.0; 2];
    objective.gradient(&point, &mut grad);
    let at = (point[0], point[1]);
    let newton = h
        .clone()
        .lu()
        .solve(&DVector::from_column_slice(&grad))
        .filter(|d| d.iter().all(|v| v.is_finite()))
        .map(|d| (at, (point[0] - d[0], point[1] - d[1])));
    let eigen = SymmetricEigen::new(h);
    let span = 0.2 * (view.x_max - view.x_min);
    let largest = eigen
        .eigenvalues
        .iter()
        .map(|v| v.abs())
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let segments = (0..2)
        .map(|k| {
            let value = eigen.eigenvalues[k];
            let q = eigen.eigenvectors.column(k);
            // Length ∝ 1/√|λ| relative to the stiffest direction, capped at `span`.
            let length = span * (largest / value.abs().max(largest * 1e-6)).sqrt().min(4.0) / 4.0;
            let (ex, ey) = (length * q[0], length * q[1]);
            (
                (
                    (point[0] - ex, point[1] - ey),
                    (point[0] + ex, point[1] + ey),
                ),
                value > 0.0,
            )
        })
        .collect();
    (newton, segments)
}

/// The step from `from` as two segments, as the optimizer recorded it:
/// the gradient's share first, then the velocity's.
pub fn momentum_split(from: [f64; 2], split: &MomentumSplit) -> (Segment, Segment) {
    let middle = (from[0] + split.gradient[0], from[1] + split.gradient[1]);
    let to = (middle.0 + split.velocity[0], middle.1 + split.velocity[1]);
    (((from[0], from[1]), middle), (middle, to))
}

/// Draws `guides` over the plot area of `layout`.
pub fn draw_guides<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    layout: &Layout,
    guides: &Guides,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let area = plot_area(root, layout)?;
    let s = layout.scale;
    let thin = (1.0 * s).max(1.0) as u32;
    for &(tail, head) in &guides.arrows {
        area.draw(&PathElement::new(
            vec![tail, head],
            WHITE.mix(0.55).stroke_width(thin),
        ))?;
        area.draw(&Circle::new(
            head,
            (1.5 * s) as i32,
            WHITE.mix(0.8).filled(),
        ))?;
    }
    for &((a, b), positive) in &guides.eigen {
        let color = if positive {
            RGBColor(124, 252, 0)
        } else {
            RGBColor(255, 64, 64)
        };
        area.draw(&PathElement::new(
            vec![a, b],
            color.stroke_width((2.0 * s) as u32),
        ))?;
    }
    if let Some((gradient, velocity)) = guides.momentum {
        let wide = (2.5 * s) as u32;
        area.draw(&PathElement::new(
            vec![gradient.0, gradient.1],
            RGBColor(124, 252, 0).stroke_width(wide),
        ))?;
        area.draw(&PathElement::new(
            vec![velocity.0, velocity.1],
            RGBColor(255, 0, 255).stroke_width(wide),
        ))?;
    }
    for (points, is_model) in &guides.ellipses {
        let color = if *is_model {
            RGBColor(0, 229, 255)
        } else {
            WHITE
        };
        area.draw(&PathElement::new(
            points.clone(),
            color.stroke_width((2.0 * s) as u32),
        ))?;
    }
    if let Some((from, points)) = &guides.trials {
        for &(point, accepted) in points {
            area.draw(&PathElement::new(
                vec![*from, point],
                WHITE.mix(0.7).stroke_width(thin),
            ))?;
            let radius = (5.0 * s) as i32;
            if accepted {
                area.draw(&Circle::new(point, radius, RGBColor(124, 252, 0).filled()))?;
            } else {
                area.draw(&Circle::new(
                    point,
                    radius,
                    RGBColor(255, 64, 64).stroke_width((2.0 * s) as u32),
                ))?;
            }
        }
    }
    if let Some((from, to)) = guides.newton {
        area.draw(&PathElement::new(
            vec![from, to],
            RGBColor(255, 255, 255).mix(0.8).stroke_width(thin),
        ))?;
        area.draw(&Cross::new(
            to,
            (6.0 * s) as i32,
            RGBColor(0, 229, 255).stroke_width((2.0 * s) as u32),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::{Quadratic, Saddle};

    #[test]
    fn the_momentum_split_adds_up_to_the_step_and_matches_sgd() {
        use crate::optim::{FirstOrder, Sgd};
        let q = Quadratic::new(10.0, 30.0);
        let mut sgd = Sgd::new(0.9, 0.0, false, 0.0);
        let mut x = vec![-2.0, 1.0];
        let mut g = vec![0.0; 2];
        for _ in 0..3 {
            q.gradient(&x, &mut g);
            sgd.update(&mut x, &g, 0.05);
        }
        let from = [x[0], x[1]];
        let velocity_before: Vec<f64> = sgd.velocity().unwrap().to_vec();
        q.gradient(&x, &mut g);
        let before = x.clone();
        sgd.update(&mut x, &g, 0.05);
        let split = sgd.momentum_split(&before, &x, &g, 0.05).unwrap();
        let (gradient, velocity) = momentum_split(from, &split);
        // The gradient part is −α g.
        assert!((gradient.1 .0 - from[0] + 0.05 * g[0]).abs() < 1e-15);
        assert_eq!(gradient.1, velocity.0);
        assert!((velocity.1 .0 - x[0]).abs() < 1e-15 && (velocity.1 .1 - x[1]).abs() < 1e-15);
        // The velocity part is −α μ b_{k−1}.
        let expected = (
            -0.05 * 0.9 * velocity_before[0],
            -0.05 * 0.9 * velocity_before[1],
        );
        let got = (velocity.1 .0 - velocity.0 .0, velocity.1 .1 - velocity.0 .1);
        assert!((got.0 - expected.0).abs() < 1e-12 && (got.1 - expected.1).abs() < 1e-12);
    }

    #[test]
    fn guides_land_where_the_plane_point_is_drawn() {
        use plotters::prelude::*;
        let window = Window::square(2.0);
        let layout = Layout::fit(
            (200, 200),
            &window,
            &crate::render::view::Margins::default(),
            1.0,
        );
        let mut pixels = vec![0u8; 200 * 200 * 3];
        {
            let root = BitMapBackend::with_buffer(&mut pixels, (200, 200)).into_drawing_area();
            let guides = Guides {
                newton: Some(((1.0, 1.0), (1.0, 1.0))),
                ..Guides::default()
            };
            draw_guides(&root, &layout, &guides).unwrap();
            root.present().unwrap();
        }
        // The cross is drawn around the pixel showing (1, 1): up and to the right.
        let (px, py) = layout.to_pixel(1.0, 1.0);
        // Whether anything was drawn within 3 pixels of (x, y).
        let near = |x: f64, y: f64| {
            (-3..=3).any(|dy: i32| {
                (-3..=3).any(|dx: i32| {
                    let (cx, cy) = (x as i32 + dx, y as i32 + dy);
                    let i = (cy as usize * 200 + cx as usize) * 3;
                    pixels[i..i + 3] != [0, 0, 0]
                })
            })
        };
        assert!(near(px, py), "nothing drawn at ({px}, {py})");
        let (mx, my) = layout.to_pixel(1.0, -1.0);
        assert!(!near(mx, my), "drawn at the mirrored point");
    }

    #[test]
    fn field_arrows_point_downhill() {
        let q = Quadratic::new(5.0, 20.0);
        for ((x, y), (hx, hy)) in gradient_field(&q, &Window::square(2.0), 6) {
            assert!(q.value(&[hx, hy]) < q.value(&[x, y]));
        }
    }

    #[test]
    fn the_local_model_of_a_quadratic_points_at_its_minimum_and_a_saddle_has_a_negative_direction()
    {
        let (newton, eigen) = local_model(
            &Quadratic::new(10.0, 30.0),
            [1.0, -0.5],
            &Window::square(2.0),
        );
        let (_, target) = newton.unwrap();
        assert!(target.0.abs() < 1e-12 && target.1.abs() < 1e-12);
        assert!(eigen.iter().all(|(_, positive)| *positive));
        let (_, eigen) = local_model(&Saddle, [0.5, 0.5], &Window::square(2.0));
        assert_eq!(eigen.iter().filter(|(_, positive)| !positive).count(), 1);
    }
}
