//! Trust-region Gauss–Newton for models with a Gauss–Newton matrix (the
//! peaks classifier): the step −G⁺g, pulled back onto the trust region's
//! boundary by a Levenberg–Marquardt λ when it is too long; or, matrix
//! free, Steihaug's truncated conjugate gradient on products Gv.

use nalgebra::{DMatrix, DVector};

use super::{Optimizer, Oracle, StepInfo};
use crate::problem::{CurvatureMatrix, GaussNewtonProducts};

/// What one step did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrustStep {
    /// Whether θ moved.
    pub accepted: bool,
    /// ρ = actual / predicted reduction.
    pub rho: f64,
    /// ‖s‖.
    pub step_norm: f64,
    /// The radius after the update.
    pub radius: f64,
    /// The Levenberg–Marquardt λ that put the step on the boundary (0 inside).
    pub lambda: f64,
    /// Conjugate-gradient iterations (matrix-free variant; 0 for the dense one).
    pub cg_iterations: usize,
}

/// Trust-region Gauss–Newton, as in the lecture: s = −G⁺g, or, when that
/// leaves the radius Δ, s = −(G + λI)⁻¹g with λ such that ‖s‖ = Δ;
/// ρ = (L(θ) − L(θ + s)) / (−gᵀs − ½ sᵀGs); reject when ρ < 10⁻⁴ and set
/// Δ ← ½ min(Δ, ‖s‖); accept otherwise, halving Δ when ρ < 0.1, keeping it up
/// to 0.75 and, above, growing it by 1.5 (to at most 10⁴) if s was on the boundary.
#[derive(Clone, Debug, PartialEq)]
pub struct GaussNewtonTrustRegion {
    radius: f64,
    /// Conjugate gradient on products Gv instead of the dense G: (most iterations, tolerance).
    matrix_free: Option<(usize, f64)>,
}

/// The largest radius.
const MAX_RADIUS: f64 = 1e4;

impl GaussNewtonTrustRegion {
    /// Starts with radius Δ₀; `matrix_free` (most CG iterations, tolerance)
    /// solves the subproblem by conjugate gradient instead of forming G.
    pub fn new(radius: f64, matrix_free: Option<(usize, f64)>) -> Self {
        Self {
            radius,
            matrix_free,
        }
    }

    /// The current radius Δ.
    pub fn radius(&self) -> f64 {
        self.radius
    }

    /// Takes one step from θ (in place) with the dense G.
    pub fn step_dense(&mut self, theta: &mut [f64], model: &dyn GaussNewtonProducts) -> TrustStep {
        let c = model.dense(theta, CurvatureMatrix::GaussNewton);
        let g = DVector::from_column_slice(&c.gradient);
        let (step, lambda, on_boundary) = boundary_step(&c.ggn, &g, self.radius);
        let step_norm = step.norm();
        let predicted = -g.dot(&step) - 0.5 * step.dot(&(&c.ggn * &step));
        let trial: Vec<f64> = theta.iter().zip(step.iter()).map(|(t, s)| t + s).collect();
        let actual = c.loss - model.loss(&trial);
        self.conclude(
            theta,
            trial,
            actual,
            predicted,
            step_norm,
            on_boundary,
            lambda,
            0,
        )
    }

    /// Matrix-free: the same trust region, with the subproblem solved by
    /// Steihaug's truncated conjugate gradient on products Gv (stopping at the
    /// boundary, at negative curvature, or when ‖Gs + g‖ ≤ `tolerance`·‖g‖, after at
    /// most `max_cg` iterations).
    pub fn step_matrix_free(
        &mut self,
        theta: &mut [f64],
        operator: &dyn GaussNewtonProducts,
        max_cg: usize,
        tolerance: f64,
    ) -> TrustStep {
        let (loss, g) = operator.linearize(theta);
        let (step, on_boundary, cg_iterations) =
            steihaug(operator, &g, self.radius, max_cg, tolerance);
        let g_step: f64 = g.iter().zip(&step).map(|(a, b)| a * b).sum();
        let curvature: f64 = operator
            .ggn_times(&step)
            .iter()
            .zip(&step)
            .map(|(a, b)| a * b)
            .sum();
        let predicted = -g_step - 0.5 * curvature;
        let step_norm = step.iter().map(|v| v * v).sum::<f64>().sqrt();
        let trial: Vec<f64> = theta.iter().zip(&step).map(|(t, s)| t + s).collect();
        let actual = loss - operator.loss(&trial);
        self.conclude(
            theta,
            trial,
            actual,
            predicted,
            step_norm,
            on_boundary,
            0.0,
            cg_iterations,
        )
    }

    /// Accepts or rejects the trial point and updates the radius, as the lecture says.
    #[allow(clippy::too_many_arguments)]
    fn conclude(
        &mut self,
        theta: &mut [f64],
        trial: Vec<f64>,
        actual: f64,
        predicted: f64,
        step_norm: f64,
        on_boundary: bool,
        lambda: f64,
        cg_iterations: usize,
    ) -> TrustStep {
        let rho = if predicted > 0.0 {
            actual / predicted
        } else {
            f64::NEG_INFINITY
        };
        let accepted = rho >= 1e-4 && actual.is_finite();
        if !accepted {
            self.radius = 0.5 * self.radius.min(step_norm);
        } else {
            theta.copy_from_slice(&trial);
            if rho < 0.1 {
                self.radius *= 0.5;
            } else if rho > 0.75 && on_boundary {
                self.radius = (1.5 * self.radius).min(MAX_RADIUS);
            }
        }
        TrustStep {
            accepted,
            rho,
            step_norm,
            radius: self.radius,
            lambda,
            cg_iterations,
        }
    }
}

impl Optimizer for GaussNewtonTrustRegion {
    fn step(&mut self, x: &mut [f64], oracle: &mut Oracle<'_>, _lr: f64) -> StepInfo {
        let Some(view) = oracle.gauss_newton() else {
            return StepInfo {
                note: Some("the objective offers no Gauss–Newton products".into()),
                ..StepInfo::default()
            };
        };
        let step = match self.matrix_free {
            Some((max_cg, tolerance)) => self.step_matrix_free(x, view, max_cg, tolerance),
            None => self.step_dense(x, view),
        };
        StepInfo {
            lr: if step.accepted { step.step_norm } else { 0.0 },
            radius: Some(step.radius),
            damping: Some(step.lambda),
            cg_iterations: self.matrix_free.map(|_| step.cg_iterations),
            note: (!step.accepted).then(|| format!("step rejected (ρ = {:.3})", step.rho)),
            ..StepInfo::default()
        }
    }
}

/// Steihaug–Toint truncated conjugate gradient for min gᵀs + ½sᵀGs, ‖s‖ ≤ Δ.
/// Returns (s, whether it stopped on the boundary, iterations).
fn steihaug(
    operator: &dyn GaussNewtonProducts,
    g: &[f64],
    radius: f64,
    max_iterations: usize,
    tolerance: f64,
) -> (Vec<f64>, bool, usize) {
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let mut z = vec![0.0; g.len()];
    let mut r = g.to_vec();
    let mut d: Vec<f64> = g.iter().map(|v| -v).collect();
    let stop = tolerance * dot(g, g).sqrt();
    let mut rr = dot(&r, &r);
    // τ ≥ 0 with ‖z + τd‖ = Δ.
    let to_boundary = |z: &[f64], d: &[f64]| {
        let (a, b, c) = (dot(d, d), 2.0 * dot(z, d), dot(z, z) - radius * radius);
        let tau = (-b + (b * b - 4.0 * a * c).max(0.0).sqrt()) / (2.0 * a);
        z.iter()
            .zip(d)
            .map(|(zi, di)| zi + tau * di)
            .collect::<Vec<f64>>()
    };
    for iteration in 1..=max_iterations {
        if rr.sqrt() <= stop {
            return (z, false, iteration - 1);
        }
        let gd = operator.ggn_times(&d);
        let curvature = dot(&d, &gd);
        if curvature <= 0.0 {
            return (to_boundary(&z, &d), true, iteration);
        }
        let alpha = rr / curvature;
        let next: Vec<f64> = z.iter().zip(&d).map(|(zi, di)| zi + alpha * di).collect();
        if dot(&next, &next).sqrt() >= radius {
            return (to_boundary(&z, &d), true, iteration);
        }
        z = next;
        r.iter_mut().zip(&gd).for_each(|(ri, gi)| *ri += alpha * gi);
        let rr_next = dot(&r, &r);
        let beta = rr_next / rr;
        rr = rr_next;
        d.iter_mut()
            .zip(&r)
            .for_each(|(di, ri)| *di = -ri + beta * *di);
    }
    (z, false, max_iterations)
}

/// The trust-region step of the model ½sᵀGs + gᵀs: −G⁺g when it fits in the
/// ball, else −(G + λI)⁻¹g with ‖s‖ = Δ (Moré & Sorensen's Newton iteration
/// on 1/‖s(λ)‖ − 1/Δ, one Cholesky factorisation per iterate). G⁺g is taken as
/// (G + εI)⁻¹g with ε at the level of rounding: g lies in G's range for the
/// Gauss–Newton matrix, so the two agree. Returns (s, λ, on the boundary).
pub fn boundary_step(
    ggn: &DMatrix<f64>,
    g: &DVector<f64>,
    radius: f64,
) -> (DVector<f64>, f64, bool) {
    let n = g.len();
    let scale = (0..n)
        .map(|i| ggn[(i, i)].abs())
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let floor = 1e-12 * scale;
    // One n × n buffer for every factorisation (a failed one consumes it).
    let mut buffer = None;
    let mut solve = |lambda: f64| -> Option<(DVector<f64>, f64)> {
        let mut shifted = buffer.take().unwrap_or_else(|| ggn.clone());
        shifted.copy_from(ggn);
        for i in 0..n {
            shifted[(i, i)] += lambda;
        }
        let chol = shifted.cholesky()?;
        let s = -chol.solve(g);
        // ‖L⁻¹s‖², for the derivative of ‖s(λ)‖ (the solve reads L's triangle only).
        let q = chol.l_dirty().solve_lower_triangular(&s)?;
        buffer = Some(chol.unpack_dirty());
        Some((s, q.norm_squared()))
    };
    // The smallest shift that factorises: ε, or more if rounding made G indefinite.
    let mut lambda = floor;
    let mut solved = solve(lambda);
    while solved.is_none() && lambda < 1e30 {
        lambda *= 10.0;
        solved = solve(lambda);
    }
    let Some((mut s, mut q2)) = solved else {
        return (
            -g * (radius / g.norm().max(f64::MIN_POSITIVE)),
            f64::INFINITY,
            true,
        );
    };
    if s.norm() <= radius {
        return (s, 0.0, false);
    }
    for _ in 0..60 {
        let norm = s.norm();
        if (norm - radius).abs() <= 1e-6 * radius {
            break;
        }
        let next = lambda + (norm / q2.sqrt()).powi(2) * (norm - radius) / radius;
        lambda = if next > 0.0 && next.is_finite() {
            next
        } else {
            2.0 * lambda.max(floor)
        };
        match solve(lambda) {
            Some((next_s, next_q2)) => {
                s = next_s;
                q2 = next_q2;
            }
            None => lambda *= 2.0,
        }
    }
    // Land exactly on the sphere.
    let norm = s.norm();
    if norm > 0.0 {
        s *= radius / norm;
    }
    (s, lambda, true)
}
