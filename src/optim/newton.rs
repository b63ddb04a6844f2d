//! Newton's method, pure and damped (modified Hessian plus backtracking).

use nalgebra::{DMatrix, DVector, SymmetricEigen};

use super::linesearch::{self, Line};
use super::{Optimizer, Oracle, StepInfo};

/// Solves H d = −g, falling back to the pseudo-inverse when H is singular.
pub(crate) fn newton_direction(h: &DMatrix<f64>, g: &DVector<f64>) -> (DVector<f64>, bool) {
    if let Some(d) = h.clone().lu().solve(&(-g)) {
        if d.iter().all(|v| v.is_finite()) {
            return (d, false);
        }
    }
    let svd = h.clone().svd(true, true);
    let tolerance = 1e-12 * svd.singular_values.max().max(f64::MIN_POSITIVE);
    let d = svd
        .solve(&(-g), tolerance)
        .unwrap_or_else(|_| DVector::zeros(g.len()));
    (d, true)
}

/// The step of a Hessian-based method on an objective without a Hessian: none.
pub(crate) fn no_hessian() -> StepInfo {
    StepInfo {
        note: Some("this objective has no Hessian".to_string()),
        ..StepInfo::with_lr(0.0)
    }
}

/// Pure Newton: x ← x − α H⁻¹ ∇f. It jumps to the stationary point of the
/// local quadratic model, minimum or not (so a saddle attracts it).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Newton;

impl Optimizer for Newton {
    fn step(&mut self, x: &mut [f64], oracle: &mut Oracle<'_>, lr: f64) -> StepInfo {
        let mut g = vec![0.0; x.len()];
        oracle.gradient(x, &mut g);
        let Some(h) = oracle.hessian(x) else {
            return no_hessian();
        };
        let (d, singular) = newton_direction(&h, &DVector::from_vec(g));
        for (p, di) in x.iter_mut().zip(d.iter()) {
            *p += lr * di;
        }
        StepInfo {
            note: singular.then(|| "Hessian singular: pseudo-inverse used".to_string()),
            ..StepInfo::with_lr(lr)
        }
    }
}

/// Damped Newton: the Hessian's eigenvalues are replaced by max(|λ|, δ) when it
/// is not positive definite (so negative curvature pushes away from a saddle),
/// then a backtracking line search from α = 1 along d = −H̃⁻¹∇f enforces the
/// Armijo condition f(x + αd) ≤ f(x) + c₁ α ∇fᵀd.
#[derive(Clone, Debug, PartialEq)]
pub struct DampedNewton {
    min_eigenvalue: f64,
    c1: f64,
    backtrack: f64,
}

impl DampedNewton {
    /// Damped Newton with eigenvalue floor δ, Armijo constant c₁ and backtracking factor ρ.
    pub fn new(min_eigenvalue: f64, c1: f64, backtrack: f64) -> Self {
        Self {
            min_eigenvalue,
            c1,
            backtrack,
        }
    }
}

impl Optimizer for DampedNewton {
    fn step(&mut self, x: &mut [f64], oracle: &mut Oracle<'_>, _lr: f64) -> StepInfo {
        let f0 = oracle.value(x);
        let mut g = vec![0.0; x.len()];
        oracle.gradient(x, &mut g);
        let Some(h) = oracle.hessian(x) else {
            return no_hessian();
        };
        let eigen = SymmetricEigen::new(h);
        let smallest = eigen.eigenvalues.min();
        let modified = smallest < self.min_eigenvalue;
        let floored = eigen.eigenvalues.map(|l| l.abs().max(self.min_eigenvalue));
        // d = −Q diag(1/λ̃) Qᵀ g.
        let q = &eigen.eigenvectors;
        let coords = q.transpose() * DVector::from_column_slice(&g);
        let d: Vec<f64> = (q * coords.component_div(&floored) * -1.0)
            .iter()
            .copied()
            .collect();
        let slope0 = super::dot(&g, &d);
        let found = {
            let mut line = Line::new(oracle, x, &d);
            linesearch::armijo(&mut line, f0, slope0, 1.0, self.c1, self.backtrack)
        };
        for (p, di) in x.iter_mut().zip(&d) {
            *p += found.alpha * di;
        }
        let note = modified.then(|| {
            let values: Vec<String> = eigen
                .eigenvalues
                .iter()
                .map(|l| format!("{l:.3}"))
                .collect();
            format!(
                "Hessian not positive definite (eigenvalues {}): each λ replaced by max(|λ|, {})",
                values.join(", "),
                self.min_eigenvalue
            )
        });
        StepInfo {
            note,
            ..StepInfo::with_lr(found.alpha)
        }
    }
}
