//! Quasi-Newton methods: BFGS and limited-memory BFGS, both with a strong Wolfe line search.

use std::collections::VecDeque;

use nalgebra::{DMatrix, DVector};

use super::linesearch::{self, Line};
use super::{dot, norm, Optimizer, Oracle, StepInfo};

/// Wolfe constants for quasi-Newton methods (Nocedal & Wright, §3.1).
const C1: f64 = 1e-4;
const C2: f64 = 0.9;

/// The value and gradient at the current point, kept between steps.
#[derive(Clone, Debug, PartialEq)]
struct Current {
    value: f64,
    grad: Vec<f64>,
}

fn current(cache: &mut Option<Current>, oracle: &mut Oracle<'_>, x: &[f64]) -> Current {
    cache
        .get_or_insert_with(|| {
            let mut grad = vec![0.0; x.len()];
            let value = oracle.value(x);
            oracle.gradient(x, &mut grad);
            Current { value, grad }
        })
        .clone()
}

/// The first step of a quasi-Newton method has no curvature yet: keep it short.
fn first_trial(grad: &[f64]) -> f64 {
    (1.0 / norm(grad)).min(1.0)
}

/// Takes the Wolfe step along `d` and returns (α, s, y, new point's value and gradient).
fn wolfe_step(
    oracle: &mut Oracle<'_>,
    x: &mut [f64],
    here: &Current,
    d: &[f64],
    alpha0: f64,
    c2: f64,
) -> Option<(f64, Vec<f64>, Vec<f64>, Current)> {
    let slope0 = dot(&here.grad, d);
    if slope0 >= 0.0 {
        return None;
    }
    let found = {
        let mut line = Line::new(oracle, x, d);
        linesearch::strong_wolfe(&mut line, here.value, slope0, alpha0, C1, c2)
    };
    if found.alpha == 0.0 {
        return None;
    }
    let s: Vec<f64> = d.iter().map(|di| found.alpha * di).collect();
    for (p, si) in x.iter_mut().zip(&s) {
        *p += si;
    }
    let mut grad = vec![0.0; x.len()];
    oracle.gradient(x, &mut grad);
    let y: Vec<f64> = grad.iter().zip(&here.grad).map(|(a, b)| a - b).collect();
    Some((
        found.alpha,
        s,
        y,
        Current {
            value: found.value,
            grad,
        },
    ))
}

/// BFGS (Nocedal & Wright, Algorithm 6.1): d = −H∇f with H approximating the
/// inverse Hessian; after the step s and gradient change y,
/// H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, ρ = 1/(yᵀs). H starts as I and
/// is rescaled by yᵀs/yᵀy before the first update.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bfgs {
    inverse_hessian: Option<DMatrix<f64>>,
    cache: Option<Current>,
}

impl Optimizer for Bfgs {
    fn step(&mut self, x: &mut [f64], oracle: &mut Oracle<'_>, _lr: f64) -> StepInfo {
        let here = current(&mut self.cache, oracle, x);
        let n = x.len();
        let first = self.inverse_hessian.is_none();
        let h = self
            .inverse_hessian
            .get_or_insert_with(|| DMatrix::identity(n, n))
            .clone();
        let d: Vec<f64> = (&h * DVector::from_column_slice(&here.grad) * -1.0)
            .iter()
            .copied()
            .collect();
        let alpha0 = if first { first_trial(&here.grad) } else { 1.0 };
        let Some((alpha, s, y, next)) = wolfe_step(oracle, x, &here, &d, alpha0, C2) else {
            self.inverse_hessian = None;
            return StepInfo {
                note: Some("no descent along the BFGS direction: H reset to I".to_string()),
                ..StepInfo::with_lr(0.0)
            };
        };
        let ys = dot(&y, &s);
        if curvature_pair_usable(ys, &y, &s) {
            let (s, y) = (DVector::from_vec(s), DVector::from_vec(y));
            let h = if first { h * (ys / y.dot(&y)) } else { h };
            let rho = 1.0 / ys;
            let left = DMatrix::identity(n, n) - &s * y.transpose() * rho;
            self.inverse_hessian = Some(&left * h * left.transpose() + &s * s.transpose() * rho);
        }
        self.cache = Some(next);
        let inverse = self.inverse_hessian.as_ref().filter(|h| h.nrows() == 2);
        StepInfo {
            curvature_model: inverse
                .and_then(|h| model_of_inverse([h[(0, 0)], h[(0, 1)], h[(1, 0)], h[(1, 1)]])),
            ..StepInfo::with_lr(alpha)
        }
    }
}

/// B = H⁻¹ of a 2 × 2 inverse-Hessian model (row by row), if it is invertible.
fn model_of_inverse(h: [f64; 4]) -> Option<[f64; 4]> {
    let det = h[0] * h[3] - h[1] * h[2];
    (det.is_normal()).then(|| [h[3] / det, -h[1] / det, -h[2] / det, h[0] / det])
}

/// Whether a pair (s, y) with yᵀs = `ys` may update a quasi-Newton model:
/// positive curvature (yᵀs > 10⁻¹² ‖y‖‖s‖), and numbers whose reciprocals
/// stay finite — near a minimum reached to the last bits, s and y underflow,
/// and 1/yᵀs or yᵀy would turn the next direction into NaN.
fn curvature_pair_usable(ys: f64, y: &[f64], s: &[f64]) -> bool {
    ys > 1e-12 * norm(y) * norm(s) && ys.is_normal() && dot(y, y).is_normal()
}

/// L-BFGS (Nocedal & Wright, Algorithm 7.4): BFGS whose inverse Hessian is
/// never formed; the last m pairs (s, y) give H∇f by the two-loop recursion,
/// starting from H₀ = (sᵀy / yᵀy) I.
#[derive(Clone, Debug, PartialEq)]
pub struct Lbfgs {
    history: usize,
    pairs: VecDeque<(Vec<f64>, Vec<f64>, f64)>,
    cache: Option<Current>,
}

impl Lbfgs {
    /// L-BFGS keeping `history` pairs.
    pub fn new(history: usize) -> Self {
        Self {
            history: history.max(1),
            pairs: VecDeque::new(),
            cache: None,
        }
    }

    fn direction(&self, grad: &[f64]) -> Vec<f64> {
        let mut q = grad.to_vec();
        let mut alphas = Vec::with_capacity(self.pairs.len());
        for (s, y, rho) in self.pairs.iter().rev() {
            let a = rho * dot(s, &q);
            q.iter_mut().zip(y).for_each(|(qi, yi)| *qi -= a * yi);
            alphas.push(a);
        }
        let gamma = self
            .pairs
            .back()
            .map_or(1.0, |(s, y, _)| dot(s, y) / dot(y, y));
        let mut r: Vec<f64> = q.iter().map(|v| gamma * v).collect();
        for ((s, y, rho), a) in self.pairs.iter().zip(alphas.iter().rev()) {
            let b = rho * dot(y, &r);
            r.iter_mut().zip(s).for_each(|(ri, si)| *ri += si * (a - b));
        }
        r.iter().map(|v| -v).collect()
    }
}

impl Optimizer for Lbfgs {
    fn step(&mut self, x: &mut [f64], oracle: &mut Oracle<'_>, _lr: f64) -> StepInfo {
        let here = current(&mut self.cache, oracle, x);
        let d = self.direction(&here.grad);
        let alpha0 = if self.pairs.is_empty() {
            first_trial(&here.grad)
        } else {
            1.0
        };
        let Some((alpha, s, y, next)) = wolfe_step(oracle, x, &here, &d, alpha0, C2) else {
            self.pairs.clear();
            return StepInfo {
                note: Some("no descent along the L-BFGS direction: memory cleared".to_string()),
                ..StepInfo::with_lr(0.0)
            };
        };
        let ys = dot(&y, &s);
        if curvature_pair_usable(ys, &y, &s) {
            if self.pairs.len() == self.history {
                self.pairs.pop_front();
            }
            self.pairs.push_back((s, y, 1.0 / ys));
        }
        self.cache = Some(next);
        // In two dimensions the model is small enough to write out: H's
        // columns are −direction(eⱼ) (the two-loop recursion applied to eⱼ).
        let model = (x.len() == 2 && !self.pairs.is_empty()).then(|| {
            let (c0, c1) = (self.direction(&[1.0, 0.0]), self.direction(&[0.0, 1.0]));
            model_of_inverse([-c0[0], -c1[0], -c0[1], -c1[1]])
        });
        StepInfo {
            curvature_model: model.flatten(),
            ..StepInfo::with_lr(alpha)
        }
    }
}
