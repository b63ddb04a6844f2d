use nalgebra::DMatrix;

use super::{residuals2, sym2, Landscape, Objective, Residuals, View, Window};

/// Rosenbrock's banana valley f = (a − x)² + b (y − x²)², minimum at (a, a²).
#[derive(Clone, Debug, PartialEq)]
pub struct Rosenbrock {
    a: f64,
    b: f64,
}

impl Rosenbrock {
    /// The Rosenbrock function with parameters `a` and `b`.
    pub fn new(a: f64, b: f64) -> Self {
        Self { a, b }
    }
}

impl Objective for Rosenbrock {
    fn dim(&self) -> usize {
        2
    }

    fn value(&self, x: &[f64]) -> f64 {
        let (p, q) = (x[0], x[1]);
        (self.a - p).powi(2) + self.b * (q - p * p).powi(2)
    }

    fn gradient(&self, x: &[f64], grad: &mut [f64]) {
        let (p, q) = (x[0], x[1]);
        let valley = q - p * p;
        grad[0] = -2.0 * (self.a - p) - 4.0 * self.b * p * valley;
        grad[1] = 2.0 * self.b * valley;
    }

    fn hessian(&self, x: &[f64]) -> Option<DMatrix<f64>> {
        let (p, q) = (x[0], x[1]);
        let b = self.b;
        Some(sym2(
            2.0 - 4.0 * b * q + 12.0 * b * p * p,
            -4.0 * b * p,
            2.0 * b,
        ))
    }

    /// r = (a − x, √b (y − x²)).
    fn residuals(&self, x: &[f64]) -> Option<Residuals> {
        let (p, q) = (x[0], x[1]);
        let sb = self.b.sqrt();
        Some(residuals2(&[
            (self.a - p, -1.0, 0.0),
            (sb * (q - p * p), -2.0 * sb * p, sb),
        ]))
    }

    fn views(&self) -> Vec<View> {
        vec![View::Hessian, View::Residuals]
    }
}

impl Landscape for Rosenbrock {
    fn window(&self) -> Window {
        Window {
            x_min: -2.0,
            x_max: 2.0,
            y_min: -1.0,
            y_max: 3.0,
        }
    }

    fn default_start(&self) -> [f64; 2] {
        [-1.2, 1.0]
    }

    fn minima(&self) -> Vec<[f64; 2]> {
        vec![[self.a, self.a * self.a]]
    }
}
