//! Curvature-preconditioned methods for the classifier: natural gradient,
//! K-FAC and Shampoo. Each takes a step θ ← θ − α P⁻¹∇L with its own P.

use nalgebra::{DMatrix, SymmetricEigen};

use super::ggn;
use super::mlp::{Layer, Mlp, Workspace};
use crate::data::Dataset;

/// Natural gradient: θ ← θ − α (F + λI)⁻¹ g, where F is the Fisher matrix
/// (for softmax cross-entropy, the Gauss–Newton matrix) or, as a switch, the
/// empirical Fisher (1/N) Σ gᵢgᵢᵀ built from per-sample gradients.
#[derive(Clone, Debug, PartialEq)]
pub struct NaturalGradient {
    /// Damping λ.
    pub damping: f64,
    /// Use the empirical Fisher instead of the true one.
    pub empirical: bool,
}

impl NaturalGradient {
    /// One full-batch step with learning rate α; returns ‖Δθ‖.
    pub fn step(
        &self,
        mlp: &Mlp,
        theta: &mut [f64],
        data: &Dataset,
        lr: f64,
        ws: &mut Workspace,
    ) -> f64 {
        let c = ggn::dense(mlp, theta, data, self.empirical, ws);
        let mut f = c.ggn;
        for i in 0..f.nrows() {
            f[(i, i)] += self.damping;
        }
        let g = nalgebra::DVector::from_vec(c.gradient);
        let Some(chol) = f.cholesky() else {
            return 0.0;
        };
        let direction = chol.solve(&g);
        for (t, d) in theta.iter_mut().zip(direction.iter()) {
            *t -= lr * d;
        }
        lr * direction.norm()
    }
}

/// A layer's weight gradient with its bias as a last row: ∇W̄ = [∇W; ∇b], (n_in + 1) × n_out.
fn augmented_gradient(layer: &Layer, grad: &[f64]) -> DMatrix<f64> {
    DMatrix::from_row_slice(
        layer.n_in + 1,
        layer.n_out,
        &grad[layer.w..layer.b + layer.n_out],
    )
}

/// Writes Δ (rows of W then b) back as θ ← θ − α Δ.
fn apply(layer: &Layer, theta: &mut [f64], delta: &DMatrix<f64>, lr: f64) -> f64 {
    let mut squared = 0.0;
    for r in 0..layer.n_in + 1 {
        for c in 0..layer.n_out {
            let change = lr * delta[(r, c)];
            theta[layer.w + r * layer.n_out + c] -= change;
            squared += change * change;
        }
    }
    squared
}

fn damped_inverse(m: &DMatrix<f64>, damping: f64) -> DMatrix<f64> {
    let size = m.nrows();
    let mut d = m.clone();
    for i in 0..size {
        d[(i, i)] += damping;
    }
    d.cholesky()
        .map_or_else(|| DMatrix::identity(size, size) / damping, |c| c.inverse())
}

/// The step K-FAC and Shampoo share: the batch gradient, then for each
/// trained layer (not a frozen output layer) the update Δ that `precondition`
/// makes of it, applied as W̄ ← W̄ − αΔ. Returns ‖Δθ‖.
fn layerwise_step(
    mlp: &Mlp,
    theta: &mut [f64],
    inputs: &[[f64; 2]],
    labels: &[usize],
    lr: f64,
    ws: &mut Workspace,
    mut precondition: impl FnMut(usize, &Layer, &[f64], &Workspace) -> DMatrix<f64>,
) -> f64 {
    let mut grad = vec![0.0; theta.len()];
    mlp.loss_and_gradient(theta, inputs, labels, Some(&mut grad), ws);
    let mut squared = 0.0;
    for (l, layer) in mlp.layers.iter().enumerate() {
        if l + 1 == mlp.layers.len() && mlp.frozen_output {
            continue;
        }
        let delta = precondition(l, layer, &grad, ws);
        squared += apply(layer, theta, &delta, lr);
    }
    squared.sqrt()
}

/// K-FAC (Martens & Grosse, 2015): per layer, the Fisher block is
/// approximated by A ⊗ S with A = E[āāᵀ] over the layer's inputs (with a 1
/// for the bias) and S = E[ggᵀ] over the per-sample gradients of its
/// pre-activations; both are running averages with decay β. The step is
/// ΔW̄ = (A + √λ I)⁻¹ ∇W̄ (S + √λ I)⁻¹.
#[derive(Clone, Debug, PartialEq)]
pub struct Kfac {
    /// Damping λ.
    pub damping: f64,
    /// Decay β of the factors' running averages.
    pub decay: f64,
    factors: Vec<Option<(DMatrix<f64>, DMatrix<f64>)>>,
}

impl Kfac {
    /// K-FAC with damping λ and factor decay β.
    pub fn new(damping: f64, decay: f64) -> Self {
        Self {
            damping,
            decay,
            factors: Vec::new(),
        }
    }

    /// One step on the batch `(inputs, labels)`; returns ‖Δθ‖.
    pub fn step(
        &mut self,
        mlp: &Mlp,
        theta: &mut [f64],
        inputs: &[[f64; 2]],
        labels: &[usize],
        lr: f64,
        ws: &mut Workspace,
    ) -> f64 {
        let n = inputs.len().max(1) as f64;
        self.factors.resize(mlp.layers.len(), None);
        let gamma = self.damping.sqrt();
        layerwise_step(mlp, theta, inputs, labels, lr, ws, |l, layer, grad, ws| {
            let a = mlp.layer_input(ws, l);
            let rows = a.len() / layer.n_in;
            let augmented = DMatrix::from_fn(rows, layer.n_in + 1, |i, j| {
                if j < layer.n_in {
                    a[i * layer.n_in + j]
                } else {
                    1.0
                }
            });
            // Per-sample gradients of the pre-activations: N times those of the mean loss.
            let g = DMatrix::from_row_slice(rows, layer.n_out, mlp.layer_delta(ws, l)) * n;
            let batch_a = augmented.tr_mul(&augmented) / n;
            let batch_s = g.tr_mul(&g) / n;
            let (a_factor, s_factor) = match self.factors[l].take() {
                Some((old_a, old_s)) => (
                    old_a * self.decay + batch_a * (1.0 - self.decay),
                    old_s * self.decay + batch_s * (1.0 - self.decay),
                ),
                None => (batch_a, batch_s),
            };
            let delta = damped_inverse(&a_factor, gamma)
                * augmented_gradient(layer, grad)
                * damped_inverse(&s_factor, gamma);
            self.factors[l] = Some((a_factor, s_factor));
            delta
        })
    }
}

/// Shampoo (Gupta, Koren & Singer, 2018): per layer, L ← L + GGᵀ and
/// R ← R + GᵀG (starting from εI) with G = ∇W̄, and W̄ ← W̄ − α L^(−1/4) G R^(−1/4).
#[derive(Clone, Debug, PartialEq)]
pub struct Shampoo {
    /// ε, the starting value of both preconditioners' diagonals.
    pub epsilon: f64,
    preconditioners: Vec<Option<(DMatrix<f64>, DMatrix<f64>)>>,
}

/// M^(−1/4) of a symmetric positive-definite matrix, through its eigen-decomposition.
fn inverse_fourth_root(m: &DMatrix<f64>) -> DMatrix<f64> {
    let eigen = SymmetricEigen::new(m.clone());
    let roots = eigen.eigenvalues.map(|v| libm::pow(v.max(1e-300), -0.25));
    &eigen.eigenvectors * DMatrix::from_diagonal(&roots) * eigen.eigenvectors.transpose()
}

impl Shampoo {
    /// Shampoo with preconditioners starting at εI.
    pub fn new(epsilon: f64) -> Self {
        Self {
            epsilon,
            preconditioners: Vec::new(),
        }
    }

    /// One step on the batch `(inputs, labels)`; returns ‖Δθ‖.
    pub fn step(
        &mut self,
        mlp: &Mlp,
        theta: &mut [f64],
        inputs: &[[f64; 2]],
        labels: &[usize],
        lr: f64,
        ws: &mut Workspace,
    ) -> f64 {
        self.preconditioners.resize(mlp.layers.len(), None);
        layerwise_step(mlp, theta, inputs, labels, lr, ws, |l, layer, grad, _| {
            let g = augmented_gradient(layer, grad);
            let (mut left, mut right) = self.preconditioners[l].take().unwrap_or_else(|| {
                (
                    DMatrix::identity(layer.n_in + 1, layer.n_in + 1) * self.epsilon,
                    DMatrix::identity(layer.n_out, layer.n_out) * self.epsilon,
                )
            });
            left += &g * g.transpose();
            right += g.transpose() * &g;
            let delta = inverse_fourth_root(&left) * &g * inverse_fourth_root(&right);
            self.preconditioners[l] = Some((left, right));
            delta
        })
    }
}
