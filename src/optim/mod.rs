//! Optimizers: each takes one step at a time on an [`Objective`].
//!
//! Optimizer code works on parameter vectors of any length, so the same code
//! that walks a 2D landscape trains a neural network. [`registry`] lists every
//! optimizer with its hyperparameters, equations and reference.

mod gd;
pub mod registry;

pub use gd::GradientDescent;

use crate::problem::Objective;

/// What one step used, for the history.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepInfo {
    /// The learning rate (step size) the step was taken with.
    pub lr: f64,
}

/// A method that moves parameters one step at a time.
pub trait Optimizer {
    /// Moves `params` one step on `objective`, updating the optimizer's state.
    fn step(&mut self, params: &mut [f64], objective: &dyn Objective) -> StepInfo;
}
