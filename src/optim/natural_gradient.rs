//! Natural gradient: θ ← θ − α (F + λI)⁻¹ ∇L, with F the Fisher matrix (for
//! softmax cross-entropy, the Gauss–Newton matrix) or, as a switch, the
//! empirical Fisher (1/N) Σ gᵢgᵢᵀ built from per-sample gradients.

use nalgebra::{DMatrix, DVector};

use super::preconditioner::PreconditionerFactor;
use super::{Optimizer, Oracle, StepInfo};
use crate::problem::CurvatureMatrix;

/// Natural gradient on the full batch.
#[derive(Clone, Debug, PartialEq)]
pub struct NaturalGradient {
    /// Damping λ.
    pub damping: f64,
    /// Which Fisher: the true one (the Gauss–Newton matrix) or the empirical one.
    pub fisher: CurvatureMatrix,
    /// The Cholesky factor of the last step's F + λI.
    pub last_factor: Option<DMatrix<f64>>,
}

impl NaturalGradient {
    /// Natural gradient with damping λ and the given Fisher.
    pub fn new(damping: f64, fisher: CurvatureMatrix) -> Self {
        Self {
            damping,
            fisher,
            last_factor: None,
        }
    }
}

impl Optimizer for NaturalGradient {
    fn step(&mut self, x: &mut [f64], oracle: &mut Oracle<'_>, lr: f64) -> StepInfo {
        let Some(view) = oracle.gauss_newton() else {
            return StepInfo {
                note: Some("the objective offers no Fisher matrix".into()),
                ..StepInfo::default()
            };
        };
        let c = view.dense(x, self.fisher);
        let mut f = c.ggn;
        for i in 0..f.nrows() {
            f[(i, i)] += self.damping;
        }
        let Some(chol) = f.cholesky() else {
            return StepInfo {
                note: Some("the damped Fisher is not positive definite".into()),
                ..StepInfo::with_lr(lr)
            };
        };
        let direction = chol.solve(&DVector::from_vec(c.gradient));
        for (t, d) in x.iter_mut().zip(direction.iter()) {
            *t -= lr * d;
        }
        self.last_factor = Some(chol.unpack());
        StepInfo::with_lr(lr)
    }

    /// R = L⁻ᵀ with L the Cholesky factor of the last step's F + λI.
    fn preconditioner(&self) -> Option<PreconditionerFactor> {
        self.last_factor
            .clone()
            .map(PreconditionerFactor::InverseCholesky)
    }
}
