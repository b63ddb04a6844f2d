//! The runner: steps an optimizer from a start point and records its history.
//!
//! The runner owns the loop and its stopping rules; optimizers only know how
//! to take one step. A run stops early when it diverges (a non-finite value or
//! a point farther than [`DIVERGENCE_RADIUS`] from the origin).

use serde::Serialize;

use crate::optim::Optimizer;
use crate::problem::Objective;

/// A point farther than this from the origin counts as divergence.
pub const DIVERGENCE_RADIUS: f64 = 1e6;

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// It took every step it was asked for.
    Finished,
    /// It produced a non-finite value or left the divergence radius.
    Diverged,
}

/// Everything recorded about one run, one entry per point visited.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct History {
    /// Points visited, starting with the start point.
    pub points: Vec<Vec<f64>>,
    /// The objective at each point.
    pub loss: Vec<f64>,
    /// The gradient's Euclidean norm at each point.
    pub grad_norm: Vec<f64>,
    /// The learning rate of each step (one fewer than points).
    pub lr: Vec<f64>,
    /// How the run ended.
    pub status: Status,
    /// The step at which the run diverged, if it did.
    pub diverged_at: Option<usize>,
}

impl History {
    /// The number of steps taken.
    pub fn steps(&self) -> usize {
        self.points.len() - 1
    }
}

/// Runs `optimizer` on `objective` for up to `steps` steps from `start`.
pub fn run(
    objective: &dyn Objective,
    optimizer: &mut dyn Optimizer,
    start: &[f64],
    steps: usize,
) -> History {
    let mut x = start.to_vec();
    let mut grad = vec![0.0; x.len()];
    let mut history = History {
        points: Vec::with_capacity(steps + 1),
        loss: Vec::with_capacity(steps + 1),
        grad_norm: Vec::with_capacity(steps + 1),
        lr: Vec::with_capacity(steps),
        status: Status::Finished,
        diverged_at: None,
    };
    let mut record = |x: &[f64], history: &mut History| -> bool {
        let loss = objective.value(x);
        objective.gradient(x, &mut grad);
        let grad_norm = grad.iter().map(|g| g * g).sum::<f64>().sqrt();
        let radius = x.iter().map(|v| v * v).sum::<f64>().sqrt();
        history.points.push(x.to_vec());
        history.loss.push(loss);
        history.grad_norm.push(grad_norm);
        loss.is_finite() && grad_norm.is_finite() && radius <= DIVERGENCE_RADIUS
    };
    if !record(&x, &mut history) {
        history.status = Status::Diverged;
        history.diverged_at = Some(0);
        return history;
    }
    for step in 1..=steps {
        let info = optimizer.step(&mut x, objective);
        history.lr.push(info.lr);
        if !record(&x, &mut history) {
            history.status = Status::Diverged;
            history.diverged_at = Some(step);
            break;
        }
    }
    history
}
