//! Variance-reduced stochastic methods for finite sums: SVRG and SAG.

use super::{Optimizer, Oracle, StepInfo};

/// SVRG (Johnson & Zhang, 2013): every `inner_steps` steps take a snapshot
/// x̃ and its full gradient μ; in between, step along the corrected
/// mini-batch gradient g = ∇f_B(x) − ∇f_B(x̃) + μ:  x ← x − α g.
#[derive(Clone, Debug, PartialEq)]
pub struct Svrg {
    inner_steps: usize,
    step: usize,
    snapshot: Vec<f64>,
    snapshot_grad: Vec<f64>,
    grad: Vec<f64>,
}

impl Svrg {
    /// SVRG refreshing its snapshot every `inner_steps` steps.
    pub fn new(dim: usize, inner_steps: usize) -> Self {
        Self {
            inner_steps: inner_steps.max(1),
            step: 0,
            snapshot: vec![0.0; dim],
            snapshot_grad: vec![0.0; dim],
            grad: vec![0.0; dim],
        }
    }
}

impl Optimizer for Svrg {
    fn step(&mut self, x: &mut [f64], oracle: &mut Oracle<'_>, lr: f64) -> StepInfo {
        let refresh = self.step % self.inner_steps == 0;
        if refresh {
            self.snapshot.copy_from_slice(x);
            oracle.gradient(x, &mut self.snapshot_grad);
        }
        self.step += 1;
        let batch = oracle.draw_batch().to_vec();
        self.grad.copy_from_slice(&self.snapshot_grad);
        oracle.add_batch_gradient(&batch, x, &mut self.grad);
        let mut at_snapshot = vec![0.0; x.len()];
        oracle.add_batch_gradient(&batch, &self.snapshot, &mut at_snapshot);
        for ((p, g), s) in x.iter_mut().zip(&self.grad).zip(&at_snapshot) {
            *p -= lr * (g - s);
        }
        StepInfo {
            note: refresh.then(|| "snapshot: full gradient taken".to_string()),
            ..StepInfo::with_lr(lr)
        }
    }
}

/// SAG (Schmidt, Le Roux & Bach, 2017): keep the last gradient yᵢ seen for
/// every sample and step along their average: for each sampled i,
/// d ← d − yᵢ + ∇fᵢ(x), yᵢ ← ∇fᵢ(x);  x ← x − α d/m, with m the number of
/// samples seen so far.
#[derive(Clone, Debug, PartialEq)]
pub struct Sag {
    memory: Vec<Vec<f64>>,
    seen: Vec<bool>,
    seen_count: usize,
    sum: Vec<f64>,
}

impl Sag {
    /// SAG for `dim` parameters (its memory is sized at the first step).
    pub fn new(dim: usize) -> Self {
        Self {
            memory: Vec::new(),
            seen: Vec::new(),
            seen_count: 0,
            sum: vec![0.0; dim],
        }
    }
}

impl Optimizer for Sag {
    fn step(&mut self, x: &mut [f64], oracle: &mut Oracle<'_>, lr: f64) -> StepInfo {
        let Some(sum) = oracle.finite_sum() else {
            return StepInfo::with_lr(0.0);
        };
        if self.memory.is_empty() {
            self.memory = vec![vec![0.0; x.len()]; sum.samples()];
            self.seen = vec![false; sum.samples()];
        }
        let batch = oracle.draw_batch().to_vec();
        let mut fresh = vec![0.0; x.len()];
        for &i in &batch {
            fresh.fill(0.0);
            sum.add_sample_gradient(i, x, &mut fresh);
            for ((d, y), f) in self.sum.iter_mut().zip(&mut self.memory[i]).zip(&fresh) {
                *d += f - *y;
                *y = *f;
            }
            if !self.seen[i] {
                self.seen[i] = true;
                self.seen_count += 1;
            }
        }
        oracle.evaluations.sample_gradients += batch.len();
        let m = self.seen_count.max(1) as f64;
        for (p, d) in x.iter_mut().zip(&self.sum) {
            *p -= lr * d / m;
        }
        StepInfo::with_lr(lr)
    }
}
