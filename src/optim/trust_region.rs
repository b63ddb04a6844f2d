//! The trust-region method (Nocedal & Wright, Algorithm 4.1) with the exact
//! subproblem solution or the dogleg.

use nalgebra::{DMatrix, DVector, SymmetricEigen};

use super::{Optimizer, Oracle, StepInfo};

/// How the trust-region subproblem min m(p) s.t. ‖p‖ ≤ Δ is solved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subproblem {
    /// Exactly, through the Hessian's eigen-decomposition (Moré–Sorensen, with the hard case).
    Exact,
    /// The dogleg path from the Cauchy point to the Newton point (Cauchy point if H is indefinite).
    Dogleg,
}

/// Trust region: minimise the quadratic model m(p) = f + gᵀp + ½pᵀHp within
/// ‖p‖ ≤ Δ; compare the actual and predicted decrease, ρ = (f(x) − f(x + p)) / (m(0) − m(p));
/// accept the step when ρ > η; shrink Δ to Δ/4 when ρ < ¼, double it (up to
/// Δ_max) when ρ > ¾ and the step reached the boundary.
#[derive(Clone, Debug, PartialEq)]
pub struct TrustRegion {
    subproblem: Subproblem,
    radius: f64,
    max_radius: f64,
    eta: f64,
}

impl TrustRegion {
    /// A trust-region method with initial radius Δ₀, maximum Δ_max and acceptance threshold η.
    pub fn new(subproblem: Subproblem, radius: f64, max_radius: f64, eta: f64) -> Self {
        Self {
            subproblem,
            radius,
            max_radius,
            eta,
        }
    }

    /// The current radius Δ.
    pub fn radius(&self) -> f64 {
        self.radius
    }
}

impl Optimizer for TrustRegion {
    fn step(&mut self, x: &mut [f64], oracle: &mut Oracle<'_>, _lr: f64) -> StepInfo {
        let f0 = oracle.value(x);
        let mut g = vec![0.0; x.len()];
        oracle.gradient(x, &mut g);
        let g = DVector::from_vec(g);
        let Some(h) = oracle.hessian(x) else {
            return super::newton::no_hessian();
        };
        let p = match self.subproblem {
            Subproblem::Exact => exact_step(&g, &h, self.radius),
            Subproblem::Dogleg => dogleg_step(&g, &h, self.radius),
        };
        let predicted = -(g.dot(&p) + 0.5 * p.dot(&(&h * &p)));
        let trial: Vec<f64> = x.iter().zip(p.iter()).map(|(a, b)| a + b).collect();
        let actual = f0 - oracle.value(&trial);
        let rho = if predicted > 0.0 {
            actual / predicted
        } else {
            -1.0
        };
        let step_norm = p.norm();
        let on_boundary = step_norm >= 0.99 * self.radius;
        if rho < 0.25 {
            self.radius *= 0.25;
        } else if rho > 0.75 && on_boundary {
            self.radius = (2.0 * self.radius).min(self.max_radius);
        }
        let accepted = rho > self.eta && actual.is_finite();
        if accepted {
            x.copy_from_slice(&trial);
        }
        StepInfo {
            lr: if accepted { step_norm } else { 0.0 },
            radius: Some(self.radius),
            damping: None,
            note: (!accepted).then(|| format!("step rejected (ρ = {rho:.3}); radius shrunk")),
            ..StepInfo::default()
        }
    }
}

/// The exact minimiser of the model within the ball: p(λ) = −(H + λI)⁻¹g with
/// λ ≥ max(0, −λ_min) and λ(Δ − ‖p‖) = 0, the hard case included.
pub(crate) fn exact_step(g: &DVector<f64>, h: &DMatrix<f64>, radius: f64) -> DVector<f64> {
    let eigen = SymmetricEigen::new(h.clone());
    let (values, q) = (&eigen.eigenvalues, &eigen.eigenvectors);
    let c = q.transpose() * g;
    let step_at = |lambda: f64| -> DVector<f64> {
        let coords = DVector::from_fn(c.len(), |i, _| {
            let denom = values[i] + lambda;
            if denom.abs() > 0.0 {
                -c[i] / denom
            } else {
                0.0
            }
        });
        q * coords
    };
    let smallest = values.min();
    if smallest > 0.0 {
        let newton = step_at(0.0);
        if newton.norm() <= radius {
            return newton;
        }
    }
    let floor = (-smallest).max(0.0);
    let g_norm = g.norm();
    // Hard case: g has (almost) no component along the lowest eigenvector(s).
    let along_lowest: f64 = (0..c.len())
        .filter(|&i| values[i] <= smallest + 1e-12 * smallest.abs().max(1.0))
        .map(|i| c[i] * c[i])
        .sum::<f64>()
        .sqrt();
    if along_lowest <= 1e-10 * g_norm.max(1e-300) && smallest <= 0.0 {
        let partial = step_at(floor);
        let partial_norm = partial.norm();
        if partial_norm <= radius {
            let lowest = (0..c.len())
                .min_by(|&a, &b| values[a].total_cmp(&values[b]))
                .unwrap_or(0);
            let tau = (radius * radius - partial_norm * partial_norm)
                .max(0.0)
                .sqrt();
            return partial + q.column(lowest) * tau;
        }
    }
    // ‖p(λ)‖ falls from +∞ (at the floor) to below Δ at λ = ‖g‖/Δ + floor.
    let (mut lo, mut hi) = (floor, floor + g_norm / radius + 1e-300);
    let mut lambda = hi;
    for _ in 0..200 {
        let p = step_at(lambda);
        let norm = p.norm();
        if (norm - radius).abs() <= 1e-12 * radius {
            break;
        }
        if norm > radius {
            lo = lambda;
        } else {
            hi = lambda;
        }
        // Newton on 1/Δ − 1/‖p(λ)‖, which is nearly linear in λ.
        let dnorm2: f64 = (0..c.len())
            .map(|i| -2.0 * c[i] * c[i] / (values[i] + lambda).powi(3))
            .sum();
        let phi = 1.0 / radius - 1.0 / norm;
        let dphi = 0.5 * dnorm2 / norm.powi(3);
        let newton = lambda - phi / dphi;
        lambda = if newton > lo && newton < hi && newton.is_finite() {
            newton
        } else {
            0.5 * (lo + hi)
        };
    }
    step_at(lambda)
}

/// The dogleg step: the Newton point if it is inside, else the point where
/// the path Cauchy point → Newton point leaves the ball. With an indefinite H,
/// the Cauchy point alone.
pub(crate) fn dogleg_step(g: &DVector<f64>, h: &DMatrix<f64>, radius: f64) -> DVector<f64> {
    let g_norm = g.norm();
    if g_norm == 0.0 {
        return DVector::zeros(g.len());
    }
    let curvature = g.dot(&(h * g));
    let to_boundary = g * (-radius / g_norm);
    let cauchy = if curvature > 0.0 {
        let t = (g_norm * g_norm / curvature).min(radius / g_norm);
        g * -t
    } else {
        to_boundary.clone()
    };
    let Some(chol) = h.clone().cholesky() else {
        return cauchy;
    };
    let newton = -chol.solve(g);
    if newton.norm() <= radius {
        return newton;
    }
    let unconstrained = g * (-(g_norm * g_norm) / curvature);
    if unconstrained.norm() >= radius {
        return to_boundary;
    }
    // Find τ ∈ [0, 1] with ‖p_U + τ(p_B − p_U)‖ = Δ.
    let diff = &newton - &unconstrained;
    let (a, b, c) = (
        diff.dot(&diff),
        2.0 * unconstrained.dot(&diff),
        unconstrained.dot(&unconstrained) - radius * radius,
    );
    let tau = (-b + (b * b - 4.0 * a * c).max(0.0).sqrt()) / (2.0 * a);
    unconstrained + diff * tau
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(g: &DVector<f64>, h: &DMatrix<f64>, p: &DVector<f64>) -> f64 {
        g.dot(p) + 0.5 * p.dot(&(h * p))
    }

    #[test]
    fn exact_step_beats_every_point_on_the_boundary() {
        let h = DMatrix::from_row_slice(2, 2, &[2.0, 0.5, 0.5, -1.0]);
        let g = DVector::from_vec(vec![0.3, -0.8]);
        let radius = 0.7;
        let p = exact_step(&g, &h, radius);
        assert!((p.norm() - radius).abs() < 1e-9);
        let best = model(&g, &h, &p);
        for k in 0..3600 {
            let t = f64::from(k) * std::f64::consts::PI / 1800.0;
            let q = DVector::from_vec(vec![radius * t.cos(), radius * t.sin()]);
            assert!(best <= model(&g, &h, &q) + 1e-9);
        }
    }

    #[test]
    fn exact_step_handles_the_hard_case() {
        // g has no component along the negative-curvature direction (0, 1).
        let h = DMatrix::from_row_slice(2, 2, &[1.0, 0.0, 0.0, -2.0]);
        let g = DVector::from_vec(vec![0.5, 0.0]);
        let p = exact_step(&g, &h, 1.0);
        assert!((p.norm() - 1.0).abs() < 1e-9);
        assert!(p[1].abs() > 0.5, "must use the negative curvature: {p}");
    }

    #[test]
    fn dogleg_returns_the_newton_point_inside_the_ball() {
        let h = DMatrix::from_row_slice(2, 2, &[2.0, 0.0, 0.0, 4.0]);
        let g = DVector::from_vec(vec![1.0, 1.0]);
        let p = dogleg_step(&g, &h, 10.0);
        assert!((p[0] + 0.5).abs() < 1e-12 && (p[1] + 0.25).abs() < 1e-12);
        let q = dogleg_step(&g, &h, 0.3);
        assert!((q.norm() - 0.3).abs() < 1e-12);
    }
}
