use super::{Optimizer, StepInfo};
use crate::problem::Objective;

/// Plain gradient descent: x ← x − α ∇f(x).
#[derive(Clone, Debug, PartialEq)]
pub struct GradientDescent {
    lr: f64,
    grad: Vec<f64>,
}

impl GradientDescent {
    /// Gradient descent with learning rate `lr` on `dim` parameters.
    pub fn new(lr: f64, dim: usize) -> Self {
        Self {
            lr,
            grad: vec![0.0; dim],
        }
    }
}

impl Optimizer for GradientDescent {
    fn step(&mut self, params: &mut [f64], objective: &dyn Objective) -> StepInfo {
        objective.gradient(params, &mut self.grad);
        for (p, g) in params.iter_mut().zip(&self.grad) {
            *p -= self.lr * g;
        }
        StepInfo { lr: self.lr }
    }
}
