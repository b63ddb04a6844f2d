//! What an optimizer may ask about the objective, with noise and mini-batches.
//!
//! First-order methods ask for [`Oracle::stochastic_gradient`]: the exact
//! gradient, or a mini-batch average on a finite-sum problem, plus simulated
//! noise when the experiment asks for it. Line searches and curvature-based
//! methods ask for exact values, gradients, Hessians and residuals.

use nalgebra::DMatrix;

use crate::problem::{FiniteSum, GaussNewtonProducts, LayerStructure, Objective, Residuals};
use crate::random::{self, ChaCha8Rng};

/// Simulated gradient noise added to every stochastic gradient coordinate.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Noise {
    /// Exact gradients.
    #[default]
    None,
    /// Gaussian noise with standard deviation `sigma`.
    Gaussian {
        /// Standard deviation σ.
        sigma: f64,
    },
    /// Symmetric alpha-stable noise, heavy-tailed for α < 2.
    AlphaStable {
        /// Tail index α in (0, 2].
        alpha: f64,
        /// Scale of the noise.
        scale: f64,
    },
}

/// Counts of what a run asked the oracle for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Evaluations {
    /// Function values.
    pub values: usize,
    /// Full gradients.
    pub gradients: usize,
    /// Per-sample gradients.
    pub sample_gradients: usize,
    /// Hessians.
    pub hessians: usize,
}

/// The objective as one run sees it: exact or stochastic, with its own random stream.
pub struct Oracle<'a> {
    objective: &'a dyn Objective,
    noise: Noise,
    batch_size: Option<usize>,
    rng: ChaCha8Rng,
    order: Vec<usize>,
    batch: Vec<usize>,
    /// What has been asked so far.
    pub evaluations: Evaluations,
    /// Where the value was asked, while someone is watching (a landscape
    /// run recording its line searches' trial points).
    probes: Option<Vec<Vec<f64>>>,
}

impl<'a> Oracle<'a> {
    /// An oracle for `objective` with `noise`, mini-batches of `batch_size`
    /// (finite-sum problems only; `None` is full batch) and random stream `rng`.
    pub fn new(
        objective: &'a dyn Objective,
        noise: Noise,
        batch_size: Option<usize>,
        rng: ChaCha8Rng,
    ) -> Self {
        let samples = objective.finite_sum().map_or(0, |f| f.samples());
        Self {
            objective,
            noise,
            batch_size: batch_size.filter(|&b| b < samples),
            rng,
            order: (0..samples).collect(),
            batch: Vec::new(),
            evaluations: Evaluations::default(),
            probes: None,
        }
    }

    /// An oracle that continues a random stream and batch order handed back by
    /// [`into_state`](Self::into_state), so training can pause and resume.
    pub fn resume(
        objective: &'a dyn Objective,
        noise: Noise,
        batch_size: Option<usize>,
        rng: ChaCha8Rng,
        order: Vec<usize>,
    ) -> Self {
        let samples = objective.finite_sum().map_or(0, |f| f.samples());
        if order.len() != samples {
            return Self::new(objective, noise, batch_size, rng);
        }
        Self {
            objective,
            noise,
            batch_size: batch_size.filter(|&b| b < samples),
            rng,
            order,
            batch: Vec::new(),
            evaluations: Evaluations::default(),
            probes: None,
        }
    }

    /// The random stream and batch order, to resume later.
    pub fn into_state(self) -> (ChaCha8Rng, Vec<usize>) {
        (self.rng, self.order)
    }

    /// An exact, deterministic oracle.
    pub fn exact(objective: &'a dyn Objective) -> Self {
        Self::new(objective, Noise::None, None, random::stream(0, 0))
    }

    /// The number of parameters.
    pub fn dim(&self) -> usize {
        self.objective.dim()
    }

    /// The exact value at `x`.
    pub fn value(&mut self, x: &[f64]) -> f64 {
        self.evaluations.values += 1;
        if let Some(probes) = &mut self.probes {
            probes.push(x.to_vec());
        }
        self.objective.value(x)
    }

    /// Starts noting every point whose value is asked (trial points).
    pub fn watch_probes(&mut self) {
        self.probes = Some(Vec::new());
    }

    /// The points noted since [`watch_probes`](Self::watch_probes), which stops noting.
    pub fn take_probes(&mut self) -> Vec<Vec<f64>> {
        self.probes.take().unwrap_or_default()
    }

    /// The exact gradient at `x`.
    pub fn gradient(&mut self, x: &[f64], grad: &mut [f64]) {
        self.evaluations.gradients += 1;
        self.objective.gradient(x, grad);
    }

    /// The gradient a stochastic method sees: a fresh mini-batch average on a
    /// finite-sum problem (if a batch size is set), plus simulated noise.
    pub fn stochastic_gradient(&mut self, x: &[f64], grad: &mut [f64]) {
        match (self.objective.finite_sum(), self.batch_size) {
            (Some(sum), Some(size)) => {
                random::permutation_prefix(&mut self.rng, &mut self.order, size, &mut self.batch);
                grad.fill(0.0);
                sum.add_batch_gradient(&self.batch, x, grad);
                self.evaluations.sample_gradients += self.batch.len();
            }
            _ => self.gradient(x, grad),
        }
        match self.noise {
            Noise::None => {}
            Noise::Gaussian { sigma } => {
                for g in grad.iter_mut() {
                    *g += sigma * random::standard_normal(&mut self.rng);
                }
            }
            Noise::AlphaStable { alpha, scale } => {
                for g in grad.iter_mut() {
                    *g += scale * random::symmetric_alpha_stable(&mut self.rng, alpha);
                }
            }
        }
    }

    /// The exact Hessian at `x`, if the objective has one.
    pub fn hessian(&mut self, x: &[f64]) -> Option<DMatrix<f64>> {
        self.evaluations.hessians += 1;
        self.objective.hessian(x)
    }

    /// The residual form at `x`, if the objective is a sum of squares.
    pub fn residuals(&mut self, x: &[f64]) -> Option<Residuals> {
        self.evaluations.gradients += 1;
        self.objective.residuals(x)
    }

    /// The per-sample view, if the objective is a finite sum.
    pub fn finite_sum(&self) -> Option<&'a dyn FiniteSum> {
        self.objective.finite_sum()
    }

    /// Products with the Gauss–Newton matrix, if the objective offers them.
    pub fn gauss_newton(&self) -> Option<&'a dyn GaussNewtonProducts> {
        self.objective.gauss_newton()
    }

    /// The layer structure, if the objective is a network.
    pub fn layers(&self) -> Option<&'a dyn LayerStructure> {
        self.objective.layers()
    }

    /// Draws the next mini-batch of sample indices (the whole data set when no
    /// batch size is set); empty for objectives that are not finite sums.
    pub fn draw_batch(&mut self) -> &[usize] {
        let size = self.batch_size.unwrap_or(self.order.len());
        random::permutation_prefix(&mut self.rng, &mut self.order, size, &mut self.batch);
        &self.batch
    }

    /// Adds the mean over `batch` of the per-sample gradients at `x` into `grad`.
    pub fn add_batch_gradient(&mut self, batch: &[usize], x: &[f64], grad: &mut [f64]) {
        let Some(sum) = self.objective.finite_sum() else {
            return;
        };
        sum.add_batch_gradient(batch, x, grad);
        self.evaluations.sample_gradients += batch.len();
    }
}
