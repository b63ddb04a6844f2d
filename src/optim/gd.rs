use super::linesearch::{self, Line};
use super::{dot, Optimizer, Oracle, StepInfo};

/// How gradient descent picks its step length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineSearchKind {
    /// The learning rate α, every step.
    None,
    /// The exact minimiser of f along −∇f.
    Exact,
    /// Backtracking from α until the Armijo condition holds.
    Armijo,
    /// The strong Wolfe conditions, searching from α.
    Wolfe,
}

/// Gradient descent: x ← x − α ∇f(x), with α fixed or chosen by a line search
/// along −∇f (then the learning rate is the first trial step).
#[derive(Clone, Debug, PartialEq)]
pub struct GradientDescent {
    line_search: LineSearchKind,
    grad: Vec<f64>,
}

impl GradientDescent {
    /// Gradient descent on `dim` parameters with the given step rule.
    pub fn new(dim: usize, line_search: LineSearchKind) -> Self {
        Self {
            line_search,
            grad: vec![0.0; dim],
        }
    }
}

/// Armijo's sufficient-decrease constant c₁ and backtracking factor ρ.
const ARMIJO_C1: f64 = 1e-4;
const BACKTRACK: f64 = 0.5;
/// The curvature constant c₂ of the Wolfe search for gradient descent.
const WOLFE_C2: f64 = 0.9;

impl Optimizer for GradientDescent {
    fn step(&mut self, x: &mut [f64], oracle: &mut Oracle<'_>, lr: f64) -> StepInfo {
        if self.line_search == LineSearchKind::None {
            oracle.stochastic_gradient(x, &mut self.grad);
            for (p, g) in x.iter_mut().zip(&self.grad) {
                *p -= lr * g;
            }
            return StepInfo::with_lr(lr);
        }
        let f0 = oracle.value(x);
        oracle.gradient(x, &mut self.grad);
        let direction: Vec<f64> = self.grad.iter().map(|g| -g).collect();
        let slope0 = dot(&self.grad, &direction);
        if slope0 >= 0.0 {
            return StepInfo::with_lr(0.0);
        }
        let found = {
            let mut line = Line::new(oracle, x, &direction);
            match self.line_search {
                LineSearchKind::Exact => linesearch::exact(&mut line, f0, lr),
                LineSearchKind::Armijo => {
                    linesearch::armijo(&mut line, f0, slope0, lr, ARMIJO_C1, BACKTRACK)
                }
                _ => linesearch::strong_wolfe(&mut line, f0, slope0, lr, ARMIJO_C1, WOLFE_C2),
            }
        };
        for (p, d) in x.iter_mut().zip(&direction) {
            *p += found.alpha * d;
        }
        StepInfo {
            note: (!found.satisfied).then(|| "line search found no acceptable step".to_string()),
            ..StepInfo::with_lr(found.alpha)
        }
    }
}
