//! Optimizers: each takes one step at a time.
//!
//! Optimizer code works on parameter vectors of any length, so the same code
//! that walks a 2D landscape trains a neural network. First-order methods are
//! written as a [`FirstOrder`] update rule (gradient in, parameters updated,
//! with `torch.optim`'s semantics) and wrapped by [`GradientMethod`], which
//! fetches the gradient; methods that need more than a gradient (line
//! searches, Hessians, residuals, per-sample gradients) implement
//! [`Optimizer`] directly. [`registry`] lists every optimizer.

mod adam;
mod adaptive;
mod cg;
pub mod device;
pub mod gauss_newton_tr;
mod gd;
mod kronecker;
mod least_squares;
pub mod linesearch;
mod natural_gradient;
mod newton;
mod oracle;
pub mod preconditioner;
mod quasi_newton;
pub mod registry;
pub mod schedule;
mod sgd;
mod sign;
pub mod suggest;
mod trust_region;
mod variance_reduced;

pub use adam::{Adam, Adamax, NAdam, RAdam};
pub use adaptive::{Adadelta, Adagrad, RmsProp};
pub use cg::{CgFormula, NonlinearCg};
pub use device::{DeviceRule, RuleState};
pub use gauss_newton_tr::GaussNewtonTrustRegion;
pub use gd::{GradientDescent, LineSearchKind};
pub use kronecker::{Kfac, Shampoo};
pub use least_squares::{Damping, GaussNewton, LevenbergMarquardt};
pub use natural_gradient::NaturalGradient;
pub use newton::{DampedNewton, Newton};
pub use oracle::{Evaluations, Noise, Oracle};
pub use preconditioner::PreconditionerFactor;
pub use quasi_newton::{Bfgs, Lbfgs};
pub use sgd::Sgd;
pub use sign::{Lion, SignSgd};
pub use trust_region::{Subproblem, TrustRegion};
pub use variance_reduced::{Sag, Svrg};

/// What one step did, for the history and the page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StepInfo {
    /// The step size used: the learning rate, or the length a line search chose.
    pub lr: f64,
    /// The trust-region radius after the step, for trust-region methods.
    pub radius: Option<f64>,
    /// The damping λ after the step, for Levenberg–Marquardt methods.
    pub damping: Option<f64>,
    /// Conjugate-gradient iterations the step took (matrix-free methods).
    pub cg_iterations: Option<usize>,
    /// Anything the user should know about this step (a modified Hessian, a rejected step).
    pub note: Option<String>,
    /// How a momentum method's step splits into its gradient and velocity parts.
    pub momentum: Option<MomentumSplit>,
    /// A quasi-Newton method's model of the Hessian after the step, row by
    /// row, in two dimensions (the landscapes draw it beside the true one).
    pub curvature_model: Option<[f64; 4]>,
}

/// One step of a momentum method as the sum of two displacements: the part
/// the current (stochastic) gradient contributes and the part the velocity
/// carries over from earlier steps.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct MomentumSplit {
    /// −α·c·(g + λθ): the current gradient's share of the step.
    pub gradient: Vec<f64>,
    /// The rest of the step: the velocity's share.
    pub velocity: Vec<f64>,
}

impl StepInfo {
    /// A step with step size `lr` and nothing else to report.
    pub fn with_lr(lr: f64) -> Self {
        Self {
            lr,
            ..Self::default()
        }
    }
}

/// A method that moves parameters one step at a time.
pub trait Optimizer {
    /// Moves `x` one step, asking `oracle` for what it needs; `lr` is this
    /// step's learning rate from the schedule (methods without one ignore it).
    fn step(&mut self, x: &mut [f64], oracle: &mut Oracle<'_>, lr: f64) -> StepInfo;

    /// Takes over `state` (a run continued from another backend); says why
    /// not when the method keeps no such state or the state does not fit.
    fn load_state(&mut self, _state: &RuleState) -> Result<(), String> {
        Err("this optimizer's state cannot be carried over".into())
    }

    /// A factor of the preconditioner P this method's last step used (its
    /// step is −α P ∇L), for methods that keep one; None for the others
    /// and before the first step.
    fn preconditioner(&self) -> Option<PreconditionerFactor> {
        None
    }
}

/// A first-order update rule: the state of the method and how it turns a
/// gradient into a change of the parameters.
pub trait FirstOrder {
    /// Updates `params` in place from `grad` with learning rate `lr`.
    fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64);

    /// The last update from `before` to `after` (taken with `grad` and `lr`)
    /// split into its gradient and velocity parts, for rules with momentum.
    fn momentum_split(
        &self,
        _before: &[f64],
        _after: &[f64],
        _grad: &[f64],
        _lr: f64,
    ) -> Option<MomentumSplit> {
        None
    }

    /// Whether [`momentum_split`](Self::momentum_split) has anything to say
    /// (so the step keeps the parameters before it only then).
    fn splits_momentum(&self) -> bool {
        false
    }

    /// Takes over `state`; see [`Optimizer::load_state`].
    fn load_state(&mut self, _state: &RuleState) -> Result<(), String> {
        Err("this update rule's state cannot be carried over".into())
    }
}

/// An [`Optimizer`] that feeds a [`FirstOrder`] rule with stochastic gradients.
pub struct GradientMethod<R> {
    rule: R,
    grad: Vec<f64>,
}

impl<R: FirstOrder> GradientMethod<R> {
    /// Wraps `rule` for parameter vectors of length `dim`.
    pub fn new(rule: R, dim: usize) -> Self {
        Self {
            rule,
            grad: vec![0.0; dim],
        }
    }
}

impl<R: FirstOrder> Optimizer for GradientMethod<R> {
    fn step(&mut self, x: &mut [f64], oracle: &mut Oracle<'_>, lr: f64) -> StepInfo {
        oracle.stochastic_gradient(x, &mut self.grad);
        if !self.rule.splits_momentum() {
            self.rule.update(x, &self.grad, lr);
            return StepInfo::with_lr(lr);
        }
        let before = x.to_vec();
        self.rule.update(x, &self.grad, lr);
        StepInfo {
            momentum: self.rule.momentum_split(&before, x, &self.grad, lr),
            ..StepInfo::with_lr(lr)
        }
    }

    fn load_state(&mut self, state: &RuleState) -> Result<(), String> {
        self.rule.load_state(state)
    }
}

/// The buffer `name` of `state`, checked to hold `len` values.
pub(crate) fn state_buffer(state: &RuleState, name: &str, len: usize) -> Result<Vec<f64>, String> {
    match state.buffer(name) {
        Some(b) if b.len() == len => Ok(b.to_vec()),
        Some(b) => Err(format!("{name} holds {} values, not {len}", b.len())),
        None => Err(format!("the state has no {name}")),
    }
}

/// `torch.lerp(a, b, w)`: a + w (b − a), computed as PyTorch does for either size of w.
pub(crate) fn lerp(a: f64, b: f64, w: f64) -> f64 {
    if w.abs() < 0.5 {
        a + w * (b - a)
    } else {
        b - (b - a) * (1.0 - w)
    }
}

/// g + λ p: L2 weight decay folded into the gradient, as `torch.optim` does.
pub(crate) fn with_weight_decay(grad: f64, param: f64, weight_decay: f64) -> f64 {
    if weight_decay != 0.0 {
        grad + weight_decay * param
    } else {
        grad
    }
}

/// The dot product of two vectors.
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The Euclidean norm of a vector.
pub(crate) fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}
