//! Differentiable objectives and the 2D test functions of the lectures.
//!
//! [`Objective`] is what optimizers see: a value, an analytic gradient and an
//! analytic Hessian over a parameter vector of any length. [`Landscape`] adds
//! what the page needs to draw a 2D problem: a plot window, a start point and
//! the known minima. [`registry`] lists every problem with its parameters.

mod quadratic;
pub mod registry;
mod rosenbrock;
mod saddle;

use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

pub use quadratic::Quadratic;
pub use rosenbrock::Rosenbrock;
pub use saddle::Saddle;

/// A twice-differentiable function of a parameter vector.
pub trait Objective {
    /// The number of parameters.
    fn dim(&self) -> usize;
    /// The function value at `x`.
    fn value(&self, x: &[f64]) -> f64;
    /// Writes the gradient at `x` into `grad` (both of length [`dim`](Self::dim)).
    fn gradient(&self, x: &[f64], grad: &mut [f64]);
    /// The Hessian at `x`, a symmetric `dim × dim` matrix.
    fn hessian(&self, x: &[f64]) -> DMatrix<f64>;
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
}
