//! Methods for sums of squares f = Σ rᵢ²: Gauss–Newton and Levenberg–Marquardt.

use nalgebra::{DMatrix, DVector};

use super::newton::newton_direction;
use super::{Optimizer, Oracle, StepInfo};
use crate::problem::Residuals;

fn residual_form(oracle: &mut Oracle<'_>, x: &[f64]) -> Option<Residuals> {
    oracle.residuals(x)
}

fn no_residuals() -> StepInfo {
    StepInfo {
        note: Some("this problem has no residual form".to_string()),
        ..StepInfo::with_lr(0.0)
    }
}

/// Gauss–Newton: linearise the residuals, r(x + d) ≈ r + J d, and solve the
/// linear least-squares problem: (JᵀJ) d = −Jᵀr;  x ← x + α d.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GaussNewton;

impl Optimizer for GaussNewton {
    fn step(&mut self, x: &mut [f64], oracle: &mut Oracle<'_>, lr: f64) -> StepInfo {
        let Some(res) = residual_form(oracle, x) else {
            return no_residuals();
        };
        let jt = res.jacobian.transpose();
        let (d, singular) = newton_direction(&(&jt * &res.jacobian), &(&jt * &res.r));
        for (p, di) in x.iter_mut().zip(d.iter()) {
            *p += lr * di;
        }
        StepInfo {
            note: singular.then(|| "JᵀJ singular: pseudo-inverse used".to_string()),
            ..StepInfo::with_lr(lr)
        }
    }
}

/// What Levenberg–Marquardt adds to JᵀJ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Damping {
    /// λI (Levenberg, 1944): large λ turns the step into short gradient descent.
    Identity,
    /// λ·diag(JᵀJ) (Marquardt, 1963): invariant to rescaling the parameters.
    Diagonal,
}

/// Levenberg–Marquardt: (JᵀJ + λD) d = −Jᵀr. A step that lowers f is taken
/// and λ divided by ν; one that does not is refused and λ multiplied by ν.
#[derive(Clone, Debug, PartialEq)]
pub struct LevenbergMarquardt {
    damping: Damping,
    lambda: f64,
    factor: f64,
}

impl LevenbergMarquardt {
    /// Levenberg–Marquardt with damping matrix D, initial λ and adaptation factor ν.
    pub fn new(damping: Damping, lambda: f64, factor: f64) -> Self {
        Self {
            damping,
            lambda,
            factor,
        }
    }
}

impl Optimizer for LevenbergMarquardt {
    fn step(&mut self, x: &mut [f64], oracle: &mut Oracle<'_>, _lr: f64) -> StepInfo {
        let Some(res) = residual_form(oracle, x) else {
            return no_residuals();
        };
        let f0 = res.r.norm_squared();
        let jt = res.jacobian.transpose();
        let mut a = &jt * &res.jacobian;
        let n = a.nrows();
        let damping: DMatrix<f64> = match self.damping {
            Damping::Identity => DMatrix::identity(n, n),
            Damping::Diagonal => {
                DMatrix::from_diagonal(&DVector::from_fn(n, |i, _| a[(i, i)].max(1e-12)))
            }
        };
        a += damping * self.lambda;
        let (d, _) = newton_direction(&a, &(&jt * &res.r));
        let trial: Vec<f64> = x.iter().zip(d.iter()).map(|(p, di)| p + di).collect();
        let f1 = oracle.value(&trial);
        let accepted = f1 < f0;
        if accepted {
            x.copy_from_slice(&trial);
            self.lambda = (self.lambda / self.factor).max(1e-15);
        } else {
            self.lambda = (self.lambda * self.factor).min(1e15);
        }
        StepInfo {
            lr: if accepted { d.norm() } else { 0.0 },
            radius: None,
            damping: Some(self.lambda),
            note: (!accepted).then(|| "step refused: f did not decrease; λ raised".to_string()),
            ..StepInfo::default()
        }
    }
}
