//! The network on its training data as an [`Objective`]: the mean
//! cross-entropy over the training set, offering the views its optimizers
//! need — mini-batch gradients (a finite sum), products with its
//! Gauss–Newton matrix and its layer structure — so every registry optimizer
//! whose needs it meets trains it unchanged.

use std::cell::RefCell;

use nalgebra::DMatrix;

use super::ggn;
use super::mlp::{Mlp, Workspace};
use crate::data::Dataset;
use crate::data::CLASSES;
use crate::problem::{
    Curvature, CurvatureMatrix, FiniteSum, GaussNewtonProducts, LayerBatch, LayerPass,
    LayerStructure, Objective, View,
};

/// The training loss of an [`Mlp`] on a data set.
#[derive(Debug)]
pub struct Classifier {
    /// The network.
    pub mlp: Mlp,
    /// The training data.
    pub data: Dataset,
    workspace: RefCell<Workspace>,
    ggn_scratch: RefCell<ggn::Scratch>,
    batch: RefCell<Dataset>,
    batch_gradient: RefCell<Vec<f64>>,
    /// The point of the last linearisation and the softmax there (N × 5).
    linearized: RefCell<Option<(Vec<f64>, Vec<f64>)>>,
}

impl Classifier {
    /// The loss of `mlp` on `data`.
    pub fn new(mlp: Mlp, data: Dataset) -> Self {
        Self {
            mlp,
            data,
            workspace: RefCell::new(Workspace::default()),
            ggn_scratch: RefCell::new(ggn::Scratch::default()),
            batch: RefCell::new(Dataset::default()),
            batch_gradient: RefCell::new(Vec::new()),
            linearized: RefCell::new(None),
        }
    }
}

impl Classifier {
    /// The training points `indices`, gathered into the reused batch buffer.
    fn gather(&self, indices: &[usize]) -> std::cell::RefMut<'_, Dataset> {
        let mut batch = self.batch.borrow_mut();
        batch.x.clear();
        batch.labels.clear();
        batch.x.extend(indices.iter().map(|&i| self.data.x[i]));
        batch
            .labels
            .extend(indices.iter().map(|&i| self.data.labels[i]));
        batch
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
        self.mlp.loss_and_gradient_fast(
            theta,
            &self.data.x,
            &self.data.labels,
            Some(grad),
            &mut ws,
        );
    }

    fn hessian(&self, _theta: &[f64]) -> Option<DMatrix<f64>> {
        None
    }

    fn finite_sum(&self) -> Option<&dyn FiniteSum> {
        Some(self)
    }

    fn gauss_newton(&self) -> Option<&dyn GaussNewtonProducts> {
        Some(self)
    }

    fn layers(&self) -> Option<&dyn LayerStructure> {
        Some(self)
    }

    fn views(&self) -> Vec<View> {
        crate::optim::registry::CLASSIFIER_VIEWS.to_vec()
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
        let batch = self.gather(indices);
        let mut batch_grad = self.batch_gradient.borrow_mut();
        batch_grad.resize(grad.len(), 0.0);
        let mut ws = self.workspace.borrow_mut();
        self.mlp.loss_and_gradient_fast(
            theta,
            &batch.x,
            &batch.labels,
            Some(&mut batch_grad),
            &mut ws,
        );
        for (g, b) in grad.iter_mut().zip(batch_grad.iter()) {
            *g += b;
        }
    }
}

impl GaussNewtonProducts for Classifier {
    fn loss(&self, theta: &[f64]) -> f64 {
        self.value(theta)
    }

    fn linearize(&self, theta: &[f64]) -> (f64, Vec<f64>) {
        let mut grad = vec![0.0; theta.len()];
        let mut ws = self.workspace.borrow_mut();
        let eval = self.mlp.loss_and_gradient(
            theta,
            &self.data.x,
            &self.data.labels,
            Some(&mut grad),
            &mut ws,
        );
        let probs = self.mlp.probabilities(&ws);
        *self.linearized.borrow_mut() = Some((theta.to_vec(), probs));
        (eval.loss, grad)
    }

    /// Gv = (1/N) Σ Jᵢᵀ Hᵢ Jᵢ v: a forward-mode pass for Jv, Hᵢ = diag(pᵢ) − pᵢpᵢᵀ
    /// applied per input, and a backward pass for Jᵀ(·).
    fn ggn_times(&self, v: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; v.len()];
        let linearized = self.linearized.borrow();
        let Some((theta, probs)) = linearized.as_ref() else {
            return out;
        };
        let mut ws = self.workspace.borrow_mut();
        self.mlp.forward(theta, &self.data.x, &mut ws);
        let mut u = self.mlp.jacobian_vector_product(theta, &ws, v);
        let n = self.data.len().max(1) as f64;
        for (ui, p) in u.chunks_exact_mut(CLASSES).zip(probs.chunks_exact(CLASSES)) {
            let mean: f64 = ui.iter().zip(p).map(|(a, b)| a * b).sum();
            for (a, b) in ui.iter_mut().zip(p) {
                *a = b * (*a - mean) / n;
            }
        }
        self.mlp
            .vector_jacobian_product(theta, &mut ws, &u, &mut out);
        out
    }

    fn dense(&self, theta: &[f64], matrix: CurvatureMatrix) -> Curvature {
        let mut ws = self.workspace.borrow_mut();
        match matrix {
            CurvatureMatrix::GaussNewton => ggn::by_layers(
                &self.mlp,
                theta,
                &self.data,
                &mut ws,
                &mut self.ggn_scratch.borrow_mut(),
            ),
            CurvatureMatrix::EmpiricalFisher => {
                ggn::dense(&self.mlp, theta, &self.data, true, &mut ws)
            }
        }
    }
}

impl LayerStructure for Classifier {
    /// K-FAC's and Shampoo's statistics: each trained layer's inputs ā
    /// (with a 1 for the bias) and the per-sample gradients δ of its
    /// pre-activations, N times those of the batch's mean loss.
    fn layer_pass(&self, theta: &[f64], indices: &[usize]) -> LayerPass {
        let batch = self.gather(indices);
        let mut gradient = vec![0.0; theta.len()];
        let mut ws = self.workspace.borrow_mut();
        let eval = self.mlp.loss_and_gradient(
            theta,
            &batch.x,
            &batch.labels,
            Some(&mut gradient),
            &mut ws,
        );
        let n = indices.len().max(1) as f64;
        let trained = self.mlp.layers.len() - usize::from(self.mlp.frozen_output);
        let layers = self.mlp.layers[..trained]
            .iter()
            .enumerate()
            .map(|(l, layer)| {
                let a = self.mlp.layer_input(&ws, l);
                let rows = a.len() / layer.n_in;
                LayerBatch {
                    offset: layer.w,
                    inputs: DMatrix::from_fn(rows, layer.n_in + 1, |i, j| {
                        if j < layer.n_in {
                            a[i * layer.n_in + j]
                        } else {
                            1.0
                        }
                    }),
                    errors: DMatrix::from_row_slice(
                        rows,
                        layer.n_out,
                        self.mlp.layer_delta(&ws, l),
                    ) * n,
                }
            })
            .collect();
        LayerPass {
            loss: eval.loss,
            gradient,
            layers,
        }
    }
}
