use nalgebra::{DMatrix, DVector, Matrix2, Vector2};

use crate::random::{standard_normal, stream};

use super::{FiniteSum, Landscape, Objective, Residuals, View, Window};

/// Least-squares linear regression on seeded data: a finite sum
/// f(w, b) = (1/N) Σᵢ ½ (w xᵢ + b − yᵢ)², with xᵢ ~ N(1, 1) and
/// yᵢ = 2xᵢ − 1 + σ εᵢ. Mini-batch methods draw real samples from it.
#[derive(Clone, Debug, PartialEq)]
pub struct Regression {
    x: Vec<f64>,
    y: Vec<f64>,
    solution: [f64; 2],
}

impl Regression {
    /// `samples` points with noise level `noise`, drawn from the stream `seed`.
    pub fn new(samples: usize, noise: f64, seed: u64) -> Self {
        let mut rng = stream(seed, u64::MAX);
        let x: Vec<f64> = (0..samples)
            .map(|_| 1.0 + standard_normal(&mut rng))
            .collect();
        let y: Vec<f64> = x
            .iter()
            .map(|xi| 2.0 * xi - 1.0 + noise * standard_normal(&mut rng))
            .collect();
        let solution = least_squares(&x, &y);
        Self { x, y, solution }
    }

    /// The data points (xᵢ, yᵢ).
    pub fn data(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.x.iter().copied().zip(self.y.iter().copied())
    }

    fn error(&self, i: usize, p: &[f64]) -> f64 {
        p[0] * self.x[i] + p[1] - self.y[i]
    }
}

/// The minimiser of the mean squared error, from the 2 × 2 normal equations.
fn least_squares(x: &[f64], y: &[f64]) -> [f64; 2] {
    let n = x.len() as f64;
    let (sx, sxx) = (x.iter().sum::<f64>(), x.iter().map(|v| v * v).sum::<f64>());
    let (sy, sxy) = (
        y.iter().sum::<f64>(),
        x.iter().zip(y).map(|(a, b)| a * b).sum::<f64>(),
    );
    Matrix2::new(sxx, sx, sx, n)
        .lu()
        .solve(&Vector2::new(sxy, sy))
        .map_or([f64::NAN; 2], |s| [s[0], s[1]])
}

impl Objective for Regression {
    fn dim(&self) -> usize {
        2
    }

    fn value(&self, p: &[f64]) -> f64 {
        let n = self.x.len() as f64;
        (0..self.x.len())
            .map(|i| 0.5 * self.error(i, p).powi(2))
            .sum::<f64>()
            / n
    }

    fn gradient(&self, p: &[f64], grad: &mut [f64]) {
        grad.fill(0.0);
        for i in 0..self.x.len() {
            self.add_sample_gradient(i, p, grad);
        }
        let n = self.x.len() as f64;
        grad.iter_mut().for_each(|g| *g /= n);
    }

    fn hessian(&self, _p: &[f64]) -> Option<DMatrix<f64>> {
        let n = self.x.len() as f64;
        let sx = self.x.iter().sum::<f64>() / n;
        let sxx = self.x.iter().map(|v| v * v).sum::<f64>() / n;
        Some(DMatrix::from_row_slice(2, 2, &[sxx, sx, sx, 1.0]))
    }

    /// rᵢ = (w xᵢ + b − yᵢ)/√(2N), so that Σ rᵢ² = f.
    fn residuals(&self, p: &[f64]) -> Option<Residuals> {
        let scale = (2.0 * self.x.len() as f64).sqrt().recip();
        Some(Residuals {
            r: DVector::from_fn(self.x.len(), |i, _| scale * self.error(i, p)),
            jacobian: DMatrix::from_fn(self.x.len(), 2, |i, j| {
                scale * if j == 0 { self.x[i] } else { 1.0 }
            }),
        })
    }

    fn finite_sum(&self) -> Option<&dyn FiniteSum> {
        Some(self)
    }

    fn views(&self) -> Vec<View> {
        vec![View::Hessian, View::Residuals, View::FiniteSum]
    }
}

impl FiniteSum for Regression {
    fn samples(&self) -> usize {
        self.x.len()
    }

    fn add_sample_gradient(&self, i: usize, p: &[f64], grad: &mut [f64]) {
        let e = self.error(i, p);
        grad[0] += e * self.x[i];
        grad[1] += e;
    }
}

impl Landscape for Regression {
    fn window(&self) -> Window {
        Window {
            x_min: -1.0,
            x_max: 5.0,
            y_min: -4.0,
            y_max: 2.0,
        }
    }

    fn default_start(&self) -> [f64; 2] {
        [4.5, 1.5]
    }

    fn minima(&self) -> Vec<[f64; 2]> {
        vec![self.solution]
    }
}
