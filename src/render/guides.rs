//! Teaching overlays under the paths: the negative gradient field, and at the
//! current point the local quadratic model's stationary point (where Newton
//! jumps) and the Hessian's eigen-directions.

use nalgebra::{DVector, SymmetricEigen};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::view::Layout;
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

/// Draws `guides` over the plot area of `layout`.
pub fn draw_guides<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    layout: &Layout,
    guides: &Guides,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let plot = layout.plot;
    let area = root
        .margin(plot.top, 0, plot.left, 0)
        .shrink((0, 0), (plot.width, plot.height));
    let view = layout.view;
    let pixels = area.get_pixel_range();
    let area = area.apply_coord_spec(Cartesian2d::<
        plotters::coord::types::RangedCoordf64,
        plotters::coord::types::RangedCoordf64,
    >::new(
        view.x_min..view.x_max, view.y_min..view.y_max, pixels
    ));
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
