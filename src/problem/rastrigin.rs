use std::f64::consts::PI;

use nalgebra::DMatrix;

use super::{sym2, Landscape, Objective, Window};

/// Rastrigin's function f = 2A + Σᵢ (xᵢ² − A cos 2πxᵢ): a bowl covered in a
/// lattice of local minima; the global minimum is at the origin.
#[derive(Clone, Debug, PartialEq)]
pub struct Rastrigin {
    a: f64,
}

impl Rastrigin {
    /// Rastrigin's function with ripple amplitude `a`.
    pub fn new(a: f64) -> Self {
        Self { a }
    }
}

impl Objective for Rastrigin {
    fn dim(&self) -> usize {
        2
    }

    fn value(&self, x: &[f64]) -> f64 {
        x.iter()
            .map(|&v| v * v - self.a * libm::cos(2.0 * PI * v))
            .sum::<f64>()
            + self.a * x.len() as f64
    }

    fn gradient(&self, x: &[f64], grad: &mut [f64]) {
        for (g, &v) in grad.iter_mut().zip(x) {
            *g = 2.0 * v + 2.0 * PI * self.a * libm::sin(2.0 * PI * v);
        }
    }

    fn hessian(&self, x: &[f64]) -> Option<DMatrix<f64>> {
        let d = |v: f64| 2.0 + 4.0 * PI * PI * self.a * libm::cos(2.0 * PI * v);
        Some(sym2(d(x[0]), 0.0, d(x[1])))
    }
}

impl Landscape for Rastrigin {
    fn window(&self) -> Window {
        Window::square(5.12)
    }

    fn default_start(&self) -> [f64; 2] {
        [2.3, -3.1]
    }

    fn minima(&self) -> Vec<[f64; 2]> {
        vec![[0.0, 0.0]]
    }
}
