//! The network on its training data as an [`Objective`]: the mean
//! cross-entropy over the training set, with batched mini-batch gradients,
//! so every first-order optimizer of the registry trains it unchanged.

use std::cell::RefCell;

use nalgebra::DMatrix;

use super::mlp::{Mlp, Workspace};
use crate::data::Dataset;
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
}

impl Classifier {
    /// The loss of `mlp` on `data`.
    pub fn new(mlp: Mlp, data: Dataset) -> Self {
        Self {
            mlp,
            data,
            workspace: RefCell::new(Workspace::default()),
            batch: RefCell::new(Dataset::default()),
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
