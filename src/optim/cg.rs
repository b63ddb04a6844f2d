use super::linesearch::{self, Line};
use super::{dot, norm, Optimizer, Oracle, StepInfo};

/// The formula for β in nonlinear conjugate gradients.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CgFormula {
    /// Polak–Ribière+: β = max(0, gₖ₊₁ᵀ(gₖ₊₁ − gₖ) / ‖gₖ‖²).
    PolakRibierePlus,
    /// Fletcher–Reeves: β = ‖gₖ₊₁‖² / ‖gₖ‖².
    FletcherReeves,
}

/// Strong Wolfe constants for conjugate gradients (c₂ = 0.1, Nocedal & Wright §5.2).
const C1: f64 = 1e-4;
const C2: f64 = 0.1;

/// Nonlinear conjugate gradients (Nocedal & Wright, Algorithm 5.4):
/// dₖ₊₁ = −gₖ₊₁ + β dₖ, restarting with −g whenever d is not a descent direction.
#[derive(Clone, Debug, PartialEq)]
pub struct NonlinearCg {
    formula: CgFormula,
    state: Option<State>,
}

#[derive(Clone, Debug, PartialEq)]
struct State {
    value: f64,
    grad: Vec<f64>,
    direction: Vec<f64>,
    last_decrease: Option<f64>,
}

impl NonlinearCg {
    /// Nonlinear CG with the given β formula.
    pub fn new(formula: CgFormula) -> Self {
        Self {
            formula,
            state: None,
        }
    }
}

impl Optimizer for NonlinearCg {
    fn step(&mut self, x: &mut [f64], oracle: &mut Oracle<'_>, _lr: f64) -> StepInfo {
        let state = self.state.get_or_insert_with(|| {
            let mut grad = vec![0.0; x.len()];
            let value = oracle.value(x);
            oracle.gradient(x, &mut grad);
            let direction = grad.iter().map(|g| -g).collect();
            State {
                value,
                grad,
                direction,
                last_decrease: None,
            }
        });
        let slope0 = dot(&state.grad, &state.direction);
        // Initial trial (Nocedal & Wright eq. 3.60): expect the same first-order decrease as last time.
        let alpha0 = match state.last_decrease {
            Some(decrease) => (decrease / slope0).abs().min(1e6),
            None => (1.0 / norm(&state.grad)).min(1.0),
        };
        let found = {
            let mut line = Line::new(oracle, x, &state.direction);
            linesearch::strong_wolfe(&mut line, state.value, slope0, alpha0, C1, C2)
        };
        if found.alpha == 0.0 {
            state.direction = state.grad.iter().map(|g| -g).collect();
            state.last_decrease = None;
            return StepInfo {
                note: Some("line search failed: restarting along −∇f".to_string()),
                ..StepInfo::with_lr(0.0)
            };
        }
        for (p, d) in x.iter_mut().zip(&state.direction) {
            *p += found.alpha * d;
        }
        let mut grad = vec![0.0; x.len()];
        oracle.gradient(x, &mut grad);
        let old_norm2 = dot(&state.grad, &state.grad);
        let beta = match self.formula {
            CgFormula::PolakRibierePlus => {
                let change: Vec<f64> = grad.iter().zip(&state.grad).map(|(a, b)| a - b).collect();
                (dot(&grad, &change) / old_norm2).max(0.0)
            }
            CgFormula::FletcherReeves => dot(&grad, &grad) / old_norm2,
        };
        let mut direction: Vec<f64> = grad
            .iter()
            .zip(&state.direction)
            .map(|(g, d)| -g + beta * d)
            .collect();
        let mut note = None;
        if dot(&grad, &direction) >= 0.0 {
            direction = grad.iter().map(|g| -g).collect();
            note = Some("not a descent direction: restarted along −∇f".to_string());
        }
        state.last_decrease = Some(found.alpha * slope0);
        state.value = found.value;
        state.grad = grad;
        state.direction = direction;
        StepInfo {
            note,
            ..StepInfo::with_lr(found.alpha)
        }
    }
}
