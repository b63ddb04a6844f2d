use nalgebra::DMatrix;

use super::{sym2, Landscape, Objective, Window};

/// MATLAB's peaks surface,
/// z = 3(1 − x)² e^(−x² − (y+1)²) − 10(x/5 − x³ − y⁵) e^(−x² − y²) − ⅓ e^(−(x+1)² − y²).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Peaks;

/// The value of MATLAB's peaks function at (x, y).
pub fn peaks(x: f64, y: f64) -> f64 {
    terms(x, y).iter().map(|t| t.q[0] * libm::exp(t.s[0])).sum()
}

/// One term q(x, y)·e^(s(x, y)), with q and s given with their partial
/// derivatives in the order (value, x, y, xx, xy, yy).
struct ExpTerm {
    q: [f64; 6],
    s: [f64; 6],
}

impl ExpTerm {
    fn gradient(&self) -> [f64; 2] {
        let (q, s, e) = (&self.q, &self.s, libm::exp(self.s[0]));
        [e * (q[1] + q[0] * s[1]), e * (q[2] + q[0] * s[2])]
    }

    /// ∂ᵢ∂ⱼ(q eˢ) = eˢ (qᵢⱼ + qᵢ sⱼ + qⱼ sᵢ + q sᵢⱼ + q sᵢ sⱼ).
    fn hessian(&self) -> [f64; 3] {
        let (q, s, e) = (&self.q, &self.s, libm::exp(self.s[0]));
        let d = |i: usize, j: usize, ij: usize| {
            e * (q[ij] + q[i] * s[j] + q[j] * s[i] + q[0] * s[ij] + q[0] * s[i] * s[j])
        };
        [d(1, 1, 3), d(1, 2, 4), d(2, 2, 5)]
    }
}

fn terms(x: f64, y: f64) -> [ExpTerm; 3] {
    [
        ExpTerm {
            q: [
                3.0 * (1.0 - x).powi(2),
                -6.0 * (1.0 - x),
                0.0,
                6.0,
                0.0,
                0.0,
            ],
            s: [
                -x * x - (y + 1.0).powi(2),
                -2.0 * x,
                -2.0 * (y + 1.0),
                -2.0,
                0.0,
                -2.0,
            ],
        },
        ExpTerm {
            q: [
                -10.0 * (x / 5.0 - x.powi(3) - y.powi(5)),
                -2.0 + 30.0 * x * x,
                50.0 * y.powi(4),
                60.0 * x,
                0.0,
                200.0 * y.powi(3),
            ],
            s: [-x * x - y * y, -2.0 * x, -2.0 * y, -2.0, 0.0, -2.0],
        },
        ExpTerm {
            q: [-1.0 / 3.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            s: [
                -(x + 1.0).powi(2) - y * y,
                -2.0 * (x + 1.0),
                -2.0 * y,
                -2.0,
                0.0,
                -2.0,
            ],
        },
    ]
}

impl Objective for Peaks {
    fn dim(&self) -> usize {
        2
    }

    fn value(&self, x: &[f64]) -> f64 {
        peaks(x[0], x[1])
    }

    fn gradient(&self, x: &[f64], grad: &mut [f64]) {
        let mut g = [0.0; 2];
        for term in terms(x[0], x[1]) {
            let t = term.gradient();
            g[0] += t[0];
            g[1] += t[1];
        }
        grad.copy_from_slice(&g);
    }

    fn hessian(&self, x: &[f64]) -> Option<DMatrix<f64>> {
        let mut h = [0.0; 3];
        for term in terms(x[0], x[1]) {
            for (acc, v) in h.iter_mut().zip(term.hessian()) {
                *acc += v;
            }
        }
        Some(sym2(h[0], h[1], h[2]))
    }
}

impl Landscape for Peaks {
    fn window(&self) -> Window {
        Window::square(3.0)
    }

    fn default_start(&self) -> [f64; 2] {
        [-0.6, 1.4]
    }

    fn minima(&self) -> Vec<[f64; 2]> {
        vec![
            [0.2282789205563691, -1.6255349574999967],
            [-1.3473962443682108, 0.20451886609700518],
            [0.2964455538468321, 0.3201962476668344],
        ]
    }
}
