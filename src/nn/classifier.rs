//! The network on its training data as an [`Objective`]: the mean
//! cross-entropy over the training set, with batched mini-batch gradients,
//! so every first-order optimizer of the registry trains it unchanged.

use std::cell::RefCell;

use nalgebra::DMatrix;

use super::ggn;
use super::mlp::{Mlp, Workspace};
use crate::data::Dataset;
use crate::data::CLASSES;
use crate::optim::gauss_newton_tr::{Curvature, GaussNewtonModel, GaussNewtonOperator};
use crate::problem::{FiniteSum, Objective};

/// The training loss of an [`Mlp`] on a data set.
#[derive(Debug)]
pub struct Classifier {
    /// The network.
    pub mlp: Mlp,
    /// The training data.
    pub data: Dataset,
    workspace: RefCell<Workspace>,
    batch: RefCell<Dataset>,
    /// The point of the last linearisation and the softmax there (N × 5).
    linearized: Option<(Vec<f64>, Vec<f64>)>,
}

impl Classifier {
    /// The loss of `mlp` on `data`.
    pub fn new(mlp: Mlp, data: Dataset) -> Self {
        Self {
            mlp,
            data,
            workspace: RefCell::new(Workspace::default()),
            batch: RefCell::new(Dataset::default()),
            linearized: None,
        }
    }
}

impl Objective for Classifier {
    fn dim(&self) -> usize {
        self.mlp.param_count()
    }

    fn value(&self, theta: &[f64]) -> f64 {
        self.mlp
            .evaluate(theta, &self.data, &mut self.workspace.borrow_mut())
            .loss
    }

    fn gradient(&self, theta: &[f64], grad: &mut [f64]) {
        let mut ws = self.workspace.borrow_mut();
        self.mlp
            .loss_and_gradient(theta, &self.data.x, &self.data.labels, Some(grad), &mut ws);
    }

    fn hessian(&self, _theta: &[f64]) -> Option<DMatrix<f64>> {
        None
    }

    fn finite_sum(&self) -> Option<&dyn FiniteSum> {
        Some(self)
    }
}

impl FiniteSum for Classifier {
    fn samples(&self) -> usize {
        self.data.len()
    }

    fn add_sample_gradient(&self, i: usize, theta: &[f64], grad: &mut [f64]) {
        self.add_batch_gradient(&[i], theta, grad);
    }

    fn add_batch_gradient(&self, indices: &[usize], theta: &[f64], grad: &mut [f64]) {
        let mut batch = self.batch.borrow_mut();
        batch.x.clear();
        batch.labels.clear();
        batch.x.extend(indices.iter().map(|&i| self.data.x[i]));
        batch
            .labels
            .extend(indices.iter().map(|&i| self.data.labels[i]));
        let mut batch_grad = vec![0.0; grad.len()];
        let mut ws = self.workspace.borrow_mut();
        self.mlp.loss_and_gradient(
            theta,
            &batch.x,
            &batch.labels,
            Some(&mut batch_grad),
            &mut ws,
        );
        for (g, b) in grad.iter_mut().zip(batch_grad) {
            *g += b;
        }
    }
}

impl GaussNewtonModel for Classifier {
    fn loss(&mut self, theta: &[f64]) -> f64 {
        self.value(theta)
    }

    fn curvature(&mut self, theta: &[f64]) -> Curvature {
        ggn::dense(
            &self.mlp,
            theta,
            &self.data,
            false,
            self.workspace.get_mut(),
        )
    }
}

impl GaussNewtonOperator for Classifier {
    fn loss(&mut self, theta: &[f64]) -> f64 {
        self.value(theta)
    }

    fn linearize(&mut self, theta: &[f64]) -> (f64, Vec<f64>) {
        let mut grad = vec![0.0; theta.len()];
        let ws = self.workspace.get_mut();
        let eval =
            self.mlp
                .loss_and_gradient(theta, &self.data.x, &self.data.labels, Some(&mut grad), ws);
        let probs = self.mlp.probabilities(ws);
        self.linearized = Some((theta.to_vec(), probs));
        (eval.loss, grad)
    }

    /// Gv = (1/N) Σ Jᵢᵀ Hᵢ Jᵢ v: a forward-mode pass for Jv, Hᵢ = diag(pᵢ) − pᵢpᵢᵀ
    /// applied per input, and a backward pass for Jᵀ(·).
    fn ggn_times(&mut self, v: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; v.len()];
        let Some((theta, probs)) = &self.linearized else {
            return out;
        };
        let ws = self.workspace.get_mut();
        self.mlp.forward(theta, &self.data.x, ws);
        let mut u = self.mlp.jacobian_vector_product(theta, ws, v);
        let n = self.data.len().max(1) as f64;
        for (ui, p) in u.chunks_exact_mut(CLASSES).zip(probs.chunks_exact(CLASSES)) {
            let mean: f64 = ui.iter().zip(p).map(|(a, b)| a * b).sum();
            for (a, b) in ui.iter_mut().zip(p) {
                *a = b * (*a - mean) / n;
            }
        }
        self.mlp.vector_jacobian_product(theta, ws, &u, &mut out);
        out
    }
}
