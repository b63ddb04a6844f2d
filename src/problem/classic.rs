//! Classic optimization test functions: Himmelblau, Beale, Booth, six-hump camel.

use nalgebra::DMatrix;

use super::{residuals2, sym2, Landscape, Objective, Residuals, SumOfSquares, Window};

/// Himmelblau's function f = (x² + y − 11)² + (x + y² − 7)²: four minima of value 0.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Himmelblau;

impl SumOfSquares for Himmelblau {
    fn residual_form(&self, x: &[f64]) -> Residuals {
        let (p, q) = (x[0], x[1]);
        residuals2(&[
            (p * p + q - 11.0, 2.0 * p, 1.0),
            (p + q * q - 7.0, 1.0, 2.0 * q),
        ])
    }

    fn residual_curvature(&self, _x: &[f64]) -> Vec<(f64, f64, f64)> {
        vec![(2.0, 0.0, 0.0), (0.0, 0.0, 2.0)]
    }
}

impl Landscape for Himmelblau {
    fn window(&self) -> Window {
        Window::square(5.0)
    }

    fn default_start(&self) -> [f64; 2] {
        [-0.5, -0.5]
    }

    fn minima(&self) -> Vec<[f64; 2]> {
        vec![
            [3.0, 2.0],
            [-2.805118086952745, 3.131312518250573],
            [-3.779310253377747, -3.283185991286169],
            [3.5844283403304917, -1.8481265269644034],
        ]
    }
}

/// Beale's function f = Σₖ (cₖ − x + x yᵏ)², c = (1.5, 2.25, 2.625): a flat
/// plateau and steep walls, minimum at (3, ½).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Beale;

const BEALE_C: [f64; 3] = [1.5, 2.25, 2.625];

impl SumOfSquares for Beale {
    fn residual_form(&self, x: &[f64]) -> Residuals {
        let (p, q) = (x[0], x[1]);
        let terms: Vec<(f64, f64, f64)> = (1..=3)
            .map(|k| {
                let yk = q.powi(k);
                let c = BEALE_C[k as usize - 1];
                (c - p + p * yk, yk - 1.0, f64::from(k) * p * q.powi(k - 1))
            })
            .collect();
        residuals2(&terms)
    }

    /// ∂²rₖ/∂x∂y = k yᵏ⁻¹, ∂²rₖ/∂y² = k(k − 1) x yᵏ⁻².
    fn residual_curvature(&self, x: &[f64]) -> Vec<(f64, f64, f64)> {
        let (p, q) = (x[0], x[1]);
        vec![
            (0.0, 1.0, 0.0),
            (0.0, 2.0 * q, 2.0 * p),
            (0.0, 3.0 * q * q, 6.0 * p * q),
        ]
    }
}

impl Landscape for Beale {
    fn window(&self) -> Window {
        Window::square(4.5)
    }

    fn default_start(&self) -> [f64; 2] {
        [1.0, 1.4]
    }

    fn minima(&self) -> Vec<[f64; 2]> {
        vec![[3.0, 0.5]]
    }
}

/// Booth's function f = (x + 2y − 7)² + (2x + y − 5)²: a quadratic bowl, minimum at (1, 3).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Booth;

impl SumOfSquares for Booth {
    fn residual_form(&self, x: &[f64]) -> Residuals {
        let (p, q) = (x[0], x[1]);
        residuals2(&[(p + 2.0 * q - 7.0, 1.0, 2.0), (2.0 * p + q - 5.0, 2.0, 1.0)])
    }

    fn residual_curvature(&self, _x: &[f64]) -> Vec<(f64, f64, f64)> {
        vec![(0.0, 0.0, 0.0); 2]
    }
}

impl Landscape for Booth {
    fn window(&self) -> Window {
        Window {
            x_min: -9.0,
            x_max: 11.0,
            y_min: -7.0,
            y_max: 13.0,
        }
    }

    fn default_start(&self) -> [f64; 2] {
        [-7.0, -5.0]
    }

    fn minima(&self) -> Vec<[f64; 2]> {
        vec![[1.0, 3.0]]
    }
}

/// The six-hump camel f = (4 − 2.1x² + x⁴/3)x² + xy + (−4 + 4y²)y²: two global
/// and four local minima.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SixHumpCamel;

impl Objective for SixHumpCamel {
    fn dim(&self) -> usize {
        2
    }

    fn value(&self, x: &[f64]) -> f64 {
        let (p, q) = (x[0], x[1]);
        let p2 = p * p;
        (4.0 - 2.1 * p2 + p2 * p2 / 3.0) * p2 + p * q + (-4.0 + 4.0 * q * q) * q * q
    }

    fn gradient(&self, x: &[f64], grad: &mut [f64]) {
        let (p, q) = (x[0], x[1]);
        grad[0] = 8.0 * p - 8.4 * p.powi(3) + 2.0 * p.powi(5) + q;
        grad[1] = p - 8.0 * q + 16.0 * q.powi(3);
    }

    fn hessian(&self, x: &[f64]) -> Option<DMatrix<f64>> {
        let (p, q) = (x[0], x[1]);
        Some(sym2(
            8.0 - 25.2 * p * p + 10.0 * p.powi(4),
            1.0,
            -8.0 + 48.0 * q * q,
        ))
    }
}

impl Landscape for SixHumpCamel {
    fn window(&self) -> Window {
        Window {
            x_min: -2.5,
            x_max: 2.5,
            y_min: -1.5,
            y_max: 1.5,
        }
    }

    fn default_start(&self) -> [f64; 2] {
        [-1.0, -1.2]
    }

    fn minima(&self) -> Vec<[f64; 2]> {
        vec![
            [0.08984201310031807, -0.7126564030207396],
            [-0.08984201310031807, 0.7126564030207396],
            [-1.703606714969981, 0.7960835686726251],
            [1.703606714969981, -0.7960835686726251],
            [-1.6071047529201974, -0.5686514548841313],
            [1.6071047529201974, 0.5686514548841313],
        ]
    }
}
