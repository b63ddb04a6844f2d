use nalgebra::DMatrix;

use super::{sym2, Landscape, Objective, Window};

/// The saddle f = x² − y²: a stationary point at the origin that is no minimum.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Saddle;

impl Objective for Saddle {
    fn dim(&self) -> usize {
        2
    }

    fn value(&self, x: &[f64]) -> f64 {
        x[0] * x[0] - x[1] * x[1]
    }

    fn gradient(&self, x: &[f64], grad: &mut [f64]) {
        grad[0] = 2.0 * x[0];
        grad[1] = -2.0 * x[1];
    }

    fn hessian(&self, _x: &[f64]) -> Option<DMatrix<f64>> {
        Some(sym2(2.0, 0.0, -2.0))
    }
}

impl Landscape for Saddle {
    fn window(&self) -> Window {
        Window::square(2.0)
    }

    fn default_start(&self) -> [f64; 2] {
        [-1.8, 0.05]
    }

    fn minima(&self) -> Vec<[f64; 2]> {
        Vec::new()
    }
}

/// The monkey saddle f = x³ − 3xy²: three valleys meet at a degenerate
/// stationary point (its Hessian vanishes at the origin).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MonkeySaddle;

impl Objective for MonkeySaddle {
    fn dim(&self) -> usize {
        2
    }

    fn value(&self, x: &[f64]) -> f64 {
        x[0].powi(3) - 3.0 * x[0] * x[1] * x[1]
    }

    fn gradient(&self, x: &[f64], grad: &mut [f64]) {
        grad[0] = 3.0 * x[0] * x[0] - 3.0 * x[1] * x[1];
        grad[1] = -6.0 * x[0] * x[1];
    }

    fn hessian(&self, x: &[f64]) -> Option<DMatrix<f64>> {
        Some(sym2(6.0 * x[0], -6.0 * x[1], -6.0 * x[0]))
    }
}

impl Landscape for MonkeySaddle {
    fn window(&self) -> Window {
        Window::square(2.0)
    }

    fn default_start(&self) -> [f64; 2] {
        [1.5, 0.4]
    }

    fn minima(&self) -> Vec<[f64; 2]> {
        Vec::new()
    }
}
