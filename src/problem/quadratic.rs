use nalgebra::{DMatrix, Matrix2};

use super::{residuals2, Landscape, Objective, Residuals, View, Window};

/// The ill-conditioned quadratic f = ½(u² + κ v²), where (u, v) is (x, y)
/// rotated by `angle` degrees: its Hessian has eigenvalues 1 and κ.
#[derive(Clone, Debug, PartialEq)]
pub struct Quadratic {
    kappa: f64,
    rotation: Matrix2<f64>,
    hessian: Matrix2<f64>,
}

impl Quadratic {
    /// The quadratic with condition number `kappa` and axes rotated by `angle_degrees`.
    pub fn new(kappa: f64, angle_degrees: f64) -> Self {
        let radians = angle_degrees.to_radians();
        let (s, c) = (libm::sin(radians), libm::cos(radians));
        // Rows of the rotation are the u and v axes: u = c x + s y, v = −s x + c y.
        let rotation = Matrix2::new(c, s, -s, c);
        let scale = Matrix2::new(1.0, 0.0, 0.0, kappa);
        Self {
            kappa,
            rotation,
            hessian: rotation.transpose() * scale * rotation,
        }
    }
}

impl Objective for Quadratic {
    fn dim(&self) -> usize {
        2
    }

    fn value(&self, x: &[f64]) -> f64 {
        let h = &self.hessian;
        0.5 * (h[(0, 0)] * x[0] * x[0] + 2.0 * h[(0, 1)] * x[0] * x[1] + h[(1, 1)] * x[1] * x[1])
    }

    fn gradient(&self, x: &[f64], grad: &mut [f64]) {
        let h = &self.hessian;
        grad[0] = h[(0, 0)] * x[0] + h[(0, 1)] * x[1];
        grad[1] = h[(1, 0)] * x[0] + h[(1, 1)] * x[1];
    }

    fn hessian(&self, _x: &[f64]) -> Option<DMatrix<f64>> {
        Some(DMatrix::from_iterator(2, 2, self.hessian.iter().copied()))
    }

    /// r = (u/√2, √(κ/2) v), so that Σ r² = ½(u² + κ v²).
    fn residuals(&self, x: &[f64]) -> Option<Residuals> {
        let r = &self.rotation;
        let (su, sv) = (0.5f64.sqrt(), (0.5 * self.kappa).sqrt());
        let u = r[(0, 0)] * x[0] + r[(0, 1)] * x[1];
        let v = r[(1, 0)] * x[0] + r[(1, 1)] * x[1];
        Some(residuals2(&[
            (su * u, su * r[(0, 0)], su * r[(0, 1)]),
            (sv * v, sv * r[(1, 0)], sv * r[(1, 1)]),
        ]))
    }

    fn views(&self) -> Vec<View> {
        vec![View::Hessian, View::Residuals]
    }
}

impl Landscape for Quadratic {
    fn window(&self) -> Window {
        Window {
            x_min: -3.0,
            x_max: 3.0,
            y_min: -2.0,
            y_max: 2.0,
        }
    }

    fn default_start(&self) -> [f64; 2] {
        [-2.5, 1.5]
    }

    fn minima(&self) -> Vec<[f64; 2]> {
        vec![[0.0, 0.0]]
    }

    /// μ = 1 and L = κ.
    fn curvature_range(&self) -> Option<(f64, f64)> {
        Some((1.0, self.kappa))
    }
}
