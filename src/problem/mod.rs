//! Differentiable objectives and the 2D test functions of the lectures.
//!
//! [`Objective`] is what optimizers see: a value, an analytic gradient and an
//! analytic Hessian over a parameter vector of any length, plus, where the
//! objective is a sum of squares, its residuals and their Jacobian, and where
//! it is an average over data, its per-sample gradients; [`views`] lists
//! these optional views and checks them against what an optimizer needs. [`Landscape`] adds
//! what the page needs to draw a 2D problem. [`registry`] lists every problem.

mod classic;
pub mod formula;
mod jet;
mod minima;
mod peaks;
mod quadratic;
mod rastrigin;
pub mod registry;
mod regression;
mod rosenbrock;
mod saddles;
pub mod views;

use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

pub use classic::{Beale, Booth, Himmelblau, SixHumpCamel};
pub use peaks::{peaks, Peaks};
pub use quadratic::Quadratic;
pub use rastrigin::Rastrigin;
pub use regression::Regression;
pub use rosenbrock::Rosenbrock;
pub use saddles::{MonkeySaddle, Saddle};
pub use views::{
    Curvature, CurvatureMatrix, GaussNewtonProducts, LayerBatch, LayerPass, LayerStructure, View,
};

/// Residuals r(x) and their Jacobian J(x) of an objective written as f = Σᵢ rᵢ(x)².
#[derive(Clone, Debug, PartialEq)]
pub struct Residuals {
    /// The residual vector r(x).
    pub r: DVector<f64>,
    /// The Jacobian ∂r/∂x, one row per residual.
    pub jacobian: DMatrix<f64>,
}

/// An objective that is the mean of per-sample terms, f = (1/N) Σᵢ fᵢ.
pub trait FiniteSum {
    /// The number of samples N.
    fn samples(&self) -> usize;
    /// Adds the gradient of sample `i`'s term at `x` into `grad`.
    fn add_sample_gradient(&self, i: usize, x: &[f64], grad: &mut [f64]);
    /// Adds the mean over `batch` of the per-sample gradients at `x` into `grad`
    /// (objectives that can batch the work override this).
    fn add_batch_gradient(&self, batch: &[usize], x: &[f64], grad: &mut [f64]) {
        let mut sum = vec![0.0; grad.len()];
        for &i in batch {
            self.add_sample_gradient(i, x, &mut sum);
        }
        let n = batch.len().max(1) as f64;
        for (g, s) in grad.iter_mut().zip(sum) {
            *g += s / n;
        }
    }
}

/// A twice-differentiable function of a parameter vector.
pub trait Objective {
    /// The number of parameters.
    fn dim(&self) -> usize;
    /// The function value at `x`.
    fn value(&self, x: &[f64]) -> f64;
    /// Writes the gradient at `x` into `grad` (both of length [`dim`](Self::dim)).
    fn gradient(&self, x: &[f64], grad: &mut [f64]);
    /// The Hessian at `x`, a symmetric `dim × dim` matrix, for objectives
    /// that have one in closed form (the network classifier does not).
    fn hessian(&self, x: &[f64]) -> Option<DMatrix<f64>>;
    /// The residual form f = Σ rᵢ², for objectives that are sums of squares.
    fn residuals(&self, _x: &[f64]) -> Option<Residuals> {
        None
    }
    /// The per-sample view, for objectives that average over data.
    fn finite_sum(&self) -> Option<&dyn FiniteSum> {
        None
    }
    /// Products with the Gauss–Newton matrix, for models with a loss on outputs.
    fn gauss_newton(&self) -> Option<&dyn GaussNewtonProducts> {
        None
    }
    /// The layer structure, for networks.
    fn layers(&self) -> Option<&dyn LayerStructure> {
        None
    }
    /// The views it offers: the Hessian unless it says otherwise, and each
    /// of the others it returns.
    fn views(&self) -> Vec<View> {
        let mut views = vec![View::Hessian];
        if self.finite_sum().is_some() {
            views.push(View::FiniteSum);
        }
        if self.gauss_newton().is_some() {
            views.push(View::GaussNewton);
        }
        if self.layers().is_some() {
            views.push(View::Layers);
        }
        views
    }
}

/// A rectangle of the plane, `[x_min, x_max] × [y_min, y_max]`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Window {
    /// Left edge.
    pub x_min: f64,
    /// Right edge.
    pub x_max: f64,
    /// Bottom edge.
    pub y_min: f64,
    /// Top edge.
    pub y_max: f64,
}

impl Window {
    /// The square `[-half, half]²`.
    pub const fn square(half: f64) -> Self {
        Self {
            x_min: -half,
            x_max: half,
            y_min: -half,
            y_max: half,
        }
    }

    /// Width over height.
    pub fn aspect(&self) -> f64 {
        (self.x_max - self.x_min) / (self.y_max - self.y_min)
    }
}

/// A 2D objective the page can draw: a plot window, a start and its minima.
pub trait Landscape: Objective {
    /// The window the problem is drawn in by default.
    fn window(&self) -> Window;
    /// The start point used when the user has not chosen one.
    fn default_start(&self) -> [f64; 2];
    /// The known local and global minima (empty when there are none).
    fn minima(&self) -> Vec<[f64; 2]>;

    /// The smallest and largest eigenvalue of the Hessian, where they are
    /// the same everywhere (quadratics): what rate bounds are made of.
    fn curvature_range(&self) -> Option<(f64, f64)> {
        None
    }
}

/// A 2D objective written as f = Σ rᵢ² whose value, gradient (2Jᵀr) and
/// Hessian (2(JᵀJ + Σ rᵢ∇²rᵢ)) all follow from its residuals.
pub trait SumOfSquares {
    /// The residuals and their Jacobian at `x`.
    fn residual_form(&self, x: &[f64]) -> Residuals;
    /// Each residual's second derivatives `(xx, xy, yy)` at `x`.
    fn residual_curvature(&self, x: &[f64]) -> Vec<(f64, f64, f64)>;
}

impl<T: SumOfSquares> Objective for T {
    fn dim(&self) -> usize {
        2
    }

    fn value(&self, x: &[f64]) -> f64 {
        self.residual_form(x).r.norm_squared()
    }

    fn gradient(&self, x: &[f64], grad: &mut [f64]) {
        sum_of_squares_gradient(&self.residual_form(x), grad);
    }

    fn hessian(&self, x: &[f64]) -> Option<DMatrix<f64>> {
        Some(sum_of_squares_hessian(
            &self.residual_form(x),
            &self.residual_curvature(x),
        ))
    }

    fn residuals(&self, x: &[f64]) -> Option<Residuals> {
        Some(self.residual_form(x))
    }

    fn views(&self) -> Vec<View> {
        vec![View::Hessian, View::Residuals]
    }
}

/// The 2 × 2 symmetric matrix `[[xx, xy], [xy, yy]]`.
pub(crate) fn sym2(xx: f64, xy: f64, yy: f64) -> DMatrix<f64> {
    DMatrix::from_row_slice(2, 2, &[xx, xy, xy, yy])
}

/// Residuals and Jacobian of a 2D sum of squares from per-residual
/// `(r, ∂r/∂x, ∂r/∂y)` triples.
pub(crate) fn residuals2(terms: &[(f64, f64, f64)]) -> Residuals {
    Residuals {
        r: DVector::from_iterator(terms.len(), terms.iter().map(|t| t.0)),
        jacobian: DMatrix::from_fn(
            terms.len(),
            2,
            |i, j| {
                if j == 0 {
                    terms[i].1
                } else {
                    terms[i].2
                }
            },
        ),
    }
}

/// The Hessian of Σ rᵢ²: 2(JᵀJ + Σ rᵢ ∇²rᵢ), from the residual form and the
/// residuals' own second derivatives `(xx, xy, yy)`.
pub(crate) fn sum_of_squares_hessian(res: &Residuals, second: &[(f64, f64, f64)]) -> DMatrix<f64> {
    let mut h = res.jacobian.transpose() * &res.jacobian;
    for (ri, (xx, xy, yy)) in res.r.iter().zip(second) {
        h[(0, 0)] += ri * xx;
        h[(0, 1)] += ri * xy;
        h[(1, 0)] += ri * xy;
        h[(1, 1)] += ri * yy;
    }
    h * 2.0
}

/// The gradient of Σ rᵢ²: 2 Jᵀ r.
pub(crate) fn sum_of_squares_gradient(res: &Residuals, grad: &mut [f64]) {
    let g = res.jacobian.transpose() * &res.r * 2.0;
    grad.copy_from_slice(g.as_slice());
}
