//! Layer-wise preconditioners for networks, K-FAC and Shampoo: for each
//! trained layer with W̄ = [W; b], the step W̄ ← W̄ − α P_in ∇W̄ P_out with
//! a left factor over the layer's inputs and a right one over its outputs.

use nalgebra::DMatrix;

use super::preconditioner::{symmetric_power, KroneckerRoot, PreconditionerFactor};
use super::{Optimizer, Oracle, StepInfo};
use crate::problem::LayerBatch;

/// A layer's gradient block ∇W̄ (inputs plus bias) × outputs, from θ's gradient.
fn layer_gradient(layer: &LayerBatch, grad: &[f64]) -> DMatrix<f64> {
    let (rows, cols) = (layer.rows(), layer.cols());
    DMatrix::from_row_slice(rows, cols, &grad[layer.offset..layer.offset + rows * cols])
}

/// W̄ ← W̄ − α Δ for one layer.
fn apply(layer: &LayerBatch, theta: &mut [f64], delta: &DMatrix<f64>, lr: f64) {
    for r in 0..layer.rows() {
        for c in 0..layer.cols() {
            theta[layer.offset + r * layer.cols() + c] -= lr * delta[(r, c)];
        }
    }
}

/// (M + γI)⁻¹ by Cholesky (I/γ if M + γI does not factorise).
fn damped_inverse(m: &DMatrix<f64>, gamma: f64) -> DMatrix<f64> {
    let size = m.nrows();
    let mut d = m.clone();
    for i in 0..size {
        d[(i, i)] += gamma;
    }
    d.cholesky()
        .map_or_else(|| DMatrix::identity(size, size) / gamma, |c| c.inverse())
}

/// The step both methods share: a forward and backward pass on the next
/// mini-batch, then Δ = `precondition(l, layer, ∇W̄)` for each trained layer.
fn layerwise_step(
    x: &mut [f64],
    oracle: &mut Oracle<'_>,
    lr: f64,
    mut precondition: impl FnMut(usize, &LayerBatch, DMatrix<f64>) -> DMatrix<f64>,
) -> StepInfo {
    let Some(view) = oracle.layers() else {
        return StepInfo {
            note: Some("the objective has no layers".into()),
            ..StepInfo::default()
        };
    };
    let batch = oracle.draw_batch().to_vec();
    oracle.evaluations.sample_gradients += batch.len();
    let pass = view.layer_pass(x, &batch);
    for (l, layer) in pass.layers.iter().enumerate() {
        let delta = precondition(l, layer, layer_gradient(layer, &pass.gradient));
        apply(layer, x, &delta, lr);
    }
    StepInfo::with_lr(lr)
}

/// K-FAC (Martens & Grosse, 2015): per layer, the Fisher block is
/// approximated by A ⊗ S with A = E[āāᵀ] over the layer's inputs (with a 1
/// for the bias) and S = E[δδᵀ] over the per-sample gradients of its
/// pre-activations; both are running averages with decay β. The step is
/// ΔW̄ = (A + √λ I)⁻¹ ∇W̄ (S + √λ I)⁻¹.
#[derive(Clone, Debug, PartialEq)]
pub struct Kfac {
    damping: f64,
    decay: f64,
    /// Per layer: its offset in θ, A and S.
    factors: Vec<(usize, DMatrix<f64>, DMatrix<f64>)>,
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
}

impl Optimizer for Kfac {
    fn step(&mut self, x: &mut [f64], oracle: &mut Oracle<'_>, lr: f64) -> StepInfo {
        let gamma = self.damping.sqrt();
        let (decay, factors) = (self.decay, &mut self.factors);
        layerwise_step(x, oracle, lr, |l, layer, gradient| {
            let n = layer.inputs.nrows().max(1) as f64;
            let batch_a = layer.inputs.tr_mul(&layer.inputs) / n;
            let batch_s = layer.errors.tr_mul(&layer.errors) / n;
            if let Some((_, a, s)) = factors.get_mut(l) {
                *a = &*a * decay + batch_a * (1.0 - decay);
                *s = &*s * decay + batch_s * (1.0 - decay);
            } else {
                factors.push((layer.offset, batch_a, batch_s));
            }
            let (_, a, s) = &factors[l];
            damped_inverse(a, gamma) * gradient * damped_inverse(s, gamma)
        })
    }

    /// R = (A + √λ I)^(−1/2) ⊗ (S + √λ I)^(−1/2) per layer, from the last step's factors.
    fn preconditioner(&self) -> Option<PreconditionerFactor> {
        let gamma = self.damping.sqrt();
        roots(&self.factors, |m| symmetric_power(m, gamma, -0.5))
    }
}

/// The Kronecker factor R of per-layer `(offset, left, right)` pairs,
/// `root` taken of each (None before the first step).
fn roots(
    layers: &[(usize, DMatrix<f64>, DMatrix<f64>)],
    root: impl Fn(&DMatrix<f64>) -> DMatrix<f64>,
) -> Option<PreconditionerFactor> {
    (!layers.is_empty()).then(|| {
        PreconditionerFactor::Kronecker(
            layers
                .iter()
                .map(|(offset, left, right)| KroneckerRoot {
                    offset: *offset,
                    left: root(left),
                    right: root(right),
                })
                .collect(),
        )
    })
}

/// Shampoo (Gupta, Koren & Singer, 2018): per layer, L ← L + GGᵀ and
/// R ← R + GᵀG (starting from εI) with G = ∇W̄, and W̄ ← W̄ − α L^(−1/4) G R^(−1/4).
#[derive(Clone, Debug, PartialEq)]
pub struct Shampoo {
    epsilon: f64,
    /// Per layer: its offset in θ, L and R.
    preconditioners: Vec<(usize, DMatrix<f64>, DMatrix<f64>)>,
}

impl Shampoo {
    /// Shampoo with both preconditioners starting at εI.
    pub fn new(epsilon: f64) -> Self {
        Self {
            epsilon,
            preconditioners: Vec::new(),
        }
    }
}

impl Optimizer for Shampoo {
    fn step(&mut self, x: &mut [f64], oracle: &mut Oracle<'_>, lr: f64) -> StepInfo {
        let (epsilon, preconditioners) = (self.epsilon, &mut self.preconditioners);
        layerwise_step(x, oracle, lr, |l, layer, g| {
            if preconditioners.len() <= l {
                preconditioners.push((
                    layer.offset,
                    DMatrix::identity(layer.rows(), layer.rows()) * epsilon,
                    DMatrix::identity(layer.cols(), layer.cols()) * epsilon,
                ));
            }
            let (_, left, right) = &mut preconditioners[l];
            *left += &g * g.transpose();
            *right += g.transpose() * &g;
            symmetric_power(left, 0.0, -0.25) * g * symmetric_power(right, 0.0, -0.25)
        })
    }

    /// R = L^(−1/8) ⊗ R^(−1/8) per layer.
    fn preconditioner(&self) -> Option<PreconditionerFactor> {
        roots(&self.preconditioners, |m| symmetric_power(m, 0.0, -0.125))
    }
}
