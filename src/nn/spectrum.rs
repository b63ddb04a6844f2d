//! The top of the curvature spectrum: the largest eigenvalues of the
//! Hessian and of the Gauss–Newton matrix at θ, by Lanczos on their
//! matrix-vector products (no p × p matrix, so any width), with full
//! reorthogonalisation; and, for checking it, power iteration and the dense
//! decomposition.

use nalgebra::{DMatrix, SymmetricEigen};
use serde::{Deserialize, Serialize};

use super::classifier::Classifier;
use super::hessian::hessian_times;
use super::mlp::Workspace;
use crate::optim::PreconditionerFactor;
use crate::problem::GaussNewtonProducts;
use crate::random;

/// Lanczos steps for the top eigenvalues (at most p).
pub const LANCZOS_STEPS: usize = 40;

/// The largest eigenvalues of a symmetric operator `times` on ℝᵖ, largest
/// first: the Ritz values of `steps` Lanczos iterations (at most p) from a
/// seeded random start, every new vector orthogonalised against all before.
pub fn lanczos_top(
    times: &mut dyn FnMut(&[f64]) -> Vec<f64>,
    p: usize,
    count: usize,
    steps: usize,
    seed: u64,
) -> Vec<f64> {
    lanczos(times, p, count, steps, seed)
        .into_iter()
        .map(|(value, _)| value)
        .collect()
}

/// The `count` leading Ritz pairs (value, unit vector) of [`lanczos_top`].
pub fn lanczos(
    times: &mut dyn FnMut(&[f64]) -> Vec<f64>,
    p: usize,
    count: usize,
    steps: usize,
    seed: u64,
) -> Vec<(f64, Vec<f64>)> {
    let steps = steps.min(p).max(1);
    let mut rng = random::stream(seed, 1 << 43);
    let mut q: Vec<f64> = (0..p).map(|_| random::standard_normal(&mut rng)).collect();
    normalise(&mut q);
    let mut basis: Vec<Vec<f64>> = Vec::with_capacity(steps);
    let (mut alpha, mut beta) = (Vec::with_capacity(steps), Vec::with_capacity(steps));
    for _ in 0..steps {
        let mut w = times(&q);
        let a = dot(&w, &q);
        basis.push(q);
        // Full reorthogonalisation, twice (against rounding's loss of orthogonality).
        for _ in 0..2 {
            for b in &basis {
                let c = dot(&w, b);
                w.iter_mut().zip(b).for_each(|(wi, bi)| *wi -= c * bi);
            }
        }
        alpha.push(a);
        let norm = dot(&w, &w).sqrt();
        if norm <= 1e-12 * a.abs().max(f64::MIN_POSITIVE) || basis.len() == steps {
            break;
        }
        beta.push(norm);
        w.iter_mut().for_each(|x| *x /= norm);
        q = w;
    }
    let m = alpha.len();
    let tridiagonal = DMatrix::from_fn(m, m, |i, j| match i.abs_diff(j) {
        0 => alpha[i],
        1 => beta[i.min(j)],
        _ => 0.0,
    });
    let eigen = SymmetricEigen::new(tridiagonal);
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| eigen.eigenvalues[b].total_cmp(&eigen.eigenvalues[a]));
    order
        .into_iter()
        .take(count)
        .map(|k| {
            let mut vector = vec![0.0; p];
            for (j, b) in basis.iter().enumerate() {
                let y = eigen.eigenvectors[(j, k)];
                vector.iter_mut().zip(b).for_each(|(v, bj)| *v += y * bj);
            }
            (eigen.eigenvalues[k], vector)
        })
        .collect()
}

/// The eigenvalue of largest magnitude of `times`, by power iteration until
/// ‖Av − λv‖ ≤ `tolerance`·|λ| (or `iterations`), with λ the Rayleigh quotient.
pub fn power_iteration(
    times: &mut dyn FnMut(&[f64]) -> Vec<f64>,
    p: usize,
    iterations: usize,
    tolerance: f64,
) -> f64 {
    let mut rng = random::stream(0, 1 << 44);
    let mut v: Vec<f64> = (0..p).map(|_| random::standard_normal(&mut rng)).collect();
    normalise(&mut v);
    let mut lambda = 0.0;
    for _ in 0..iterations {
        let mut w = times(&v);
        lambda = dot(&w, &v);
        let residual = w
            .iter()
            .zip(&v)
            .map(|(a, b)| (a - lambda * b).powi(2))
            .sum::<f64>()
            .sqrt();
        if residual <= tolerance * lambda.abs() {
            break;
        }
        normalise(&mut w);
        v = w;
    }
    lambda
}

/// The `count` largest of a matrix's eigenvalues, by the dense decomposition.
pub fn dense_top(matrix: DMatrix<f64>, count: usize) -> Vec<f64> {
    largest(SymmetricEigen::new(matrix).eigenvalues.as_slice(), count)
}

/// The Hessian as a dense matrix, column by column from products He_j
/// (symmetrised against rounding).
pub fn dense_hessian(classifier: &Classifier, theta: &[f64], ws: &mut Workspace) -> DMatrix<f64> {
    let p = theta.len();
    let mut h = DMatrix::zeros(p, p);
    let mut unit = vec![0.0; p];
    for j in 0..p {
        unit[j] = 1.0;
        let column = hessian_times(&classifier.mlp, theta, &classifier.data, &unit, ws);
        h.column_mut(j).copy_from_slice(&column);
        unit[j] = 0.0;
    }
    (&h + h.transpose()) * 0.5
}

/// The top of both spectra at one point of training.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SpectrumEntry {
    /// Iterations taken.
    pub iteration: usize,
    /// The largest eigenvalues of the Hessian of the training loss, largest first.
    pub hessian: Vec<f64>,
    /// The largest eigenvalues of its Gauss–Newton matrix, largest first.
    pub gauss_newton: Vec<f64>,
    /// For a preconditioned method (K-FAC, Shampoo, natural gradient), the
    /// largest eigenvalues of P H with P its preconditioner as of its last
    /// step; empty for the others and before the first step.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preconditioned_hessian: Vec<f64>,
    /// Likewise of P G: all 1 where P is exactly G⁻¹, so its spread shows
    /// how far the method's curvature model is from the Gauss–Newton matrix.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preconditioned_gauss_newton: Vec<f64>,
}

/// The `count` largest eigenvalues of the Hessian H and of the Gauss–Newton
/// matrix G of `classifier`'s training loss at θ (Lanczos, [`LANCZOS_STEPS`]),
/// and, given the factor R of an optimizer's preconditioner P = RRᵀ, those of
/// P H and P G (Lanczos on RᵀHR and RᵀGR, which share their eigenvalues).
pub fn top_of_spectra(
    classifier: &Classifier,
    theta: &[f64],
    count: usize,
    iteration: usize,
    preconditioner: Option<&PreconditionerFactor>,
    ws: &mut Workspace,
) -> SpectrumEntry {
    let p = theta.len();
    let mut hessian_product =
        |v: &[f64]| hessian_times(&classifier.mlp, theta, &classifier.data, v, ws);
    let hessian = lanczos_top(&mut hessian_product, p, count, LANCZOS_STEPS, 1);
    let preconditioned_hessian = preconditioner.map_or_else(Vec::new, |r| {
        let mut times = |v: &[f64]| r.transpose_times(&hessian_product(&r.times(v)));
        lanczos_top(&mut times, p, count, LANCZOS_STEPS, 3)
    });
    classifier.linearize(theta);
    let gauss_newton = lanczos_top(&mut |v| classifier.ggn_times(v), p, count, LANCZOS_STEPS, 2);
    let preconditioned_gauss_newton = preconditioner.map_or_else(Vec::new, |r| {
        let mut times = |v: &[f64]| r.transpose_times(&classifier.ggn_times(&r.times(v)));
        lanczos_top(&mut times, p, count, LANCZOS_STEPS, 4)
    });
    SpectrumEntry {
        iteration,
        hessian,
        gauss_newton,
        preconditioned_hessian,
        preconditioned_gauss_newton,
    }
}

fn largest(values: &[f64], count: usize) -> Vec<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    sorted.truncate(count);
    sorted
}

/// aᵀb.
pub(super) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn normalise(v: &mut [f64]) {
    let norm = dot(v, v).sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}
