//! The optional views an objective may offer beyond its value and gradient,
//! and the one check of what an optimizer needs against what an objective
//! offers.
//!
//! A 2D test function offers its Hessian (and, as a sum of squares, its
//! residuals); the finite-sum regression its per-sample gradients; the peaks
//! classifier its per-sample gradients, products with its Gauss–Newton
//! matrix and its layer structure. Each registry optimizer declares the views
//! it needs ([`crate::optim::registry::OptimizerEntry::needs`]); nothing
//! else decides where an optimizer runs.

use nalgebra::DMatrix;

/// A view of an objective that some optimizers need.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum View {
    /// The Hessian ∇²f in closed form.
    Hessian,
    /// The residual form f = Σ rᵢ² with the Jacobian of r.
    Residuals,
    /// f = (1/N) Σ fᵢ with per-sample and mini-batch gradients.
    FiniteSum,
    /// Products with the Gauss–Newton matrix G = (1/N) Σ JᵢᵀHᵢJᵢ of a model's
    /// loss (linearise, G·v, dense G and the empirical Fisher where p allows).
    GaussNewton,
    /// The layers of a network: per-layer inputs and back-propagated errors on a batch.
    Layers,
}

impl View {
    /// Every view, in the order messages list them.
    pub const ALL: [View; 5] = [
        View::Hessian,
        View::Residuals,
        View::FiniteSum,
        View::GaussNewton,
        View::Layers,
    ];

    /// The view in words, as messages name it.
    pub fn describe(self) -> &'static str {
        match self {
            View::Hessian => "the Hessian",
            View::Residuals => "a sum-of-squares (residual) form",
            View::FiniteSum => "a finite sum with per-sample gradients",
            View::GaussNewton => "Gauss–Newton matrix products",
            View::Layers => "a network's layer structure",
        }
    }
}

/// The first of `needs` that `offered` lacks, if any.
pub fn first_unmet(needs: &[View], offered: &[View]) -> Option<View> {
    needs.iter().copied().find(|v| !offered.contains(v))
}

/// Loss, gradient and a dense curvature matrix at one point.
#[derive(Clone, Debug, PartialEq)]
pub struct Curvature {
    /// The loss.
    pub loss: f64,
    /// Its gradient g.
    pub gradient: Vec<f64>,
    /// The p × p matrix: the Gauss–Newton matrix G or the empirical Fisher.
    pub ggn: DMatrix<f64>,
}

/// Which dense curvature matrix to form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CurvatureMatrix {
    /// G = (1/N) Σ JᵢᵀHᵢJᵢ, for softmax cross-entropy the (true) Fisher.
    GaussNewton,
    /// The empirical Fisher (1/N) Σ gᵢgᵢᵀ from per-sample gradients.
    EmpiricalFisher,
}

/// Products with the Gauss–Newton matrix of a model's loss (the
/// [`View::GaussNewton`] view).
pub trait GaussNewtonProducts {
    /// The loss at θ.
    fn loss(&self, theta: &[f64]) -> f64;
    /// Loss and gradient at θ, which becomes the point of later products.
    fn linearize(&self, theta: &[f64]) -> (f64, Vec<f64>);
    /// G v at the point of the last linearisation.
    fn ggn_times(&self, v: &[f64]) -> Vec<f64>;
    /// Loss, gradient and the dense `matrix` at θ.
    fn dense(&self, theta: &[f64], matrix: CurvatureMatrix) -> Curvature;
}

/// One trained layer seen on a batch (the [`View::Layers`] view): its place
/// in θ and what K-FAC and Shampoo build their factors from.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerBatch {
    /// Offset of the layer's weights in θ; its `(n_in + 1) × n_out` block
    /// W̄ = [W; b] follows row by row (the bias as the last row).
    pub offset: usize,
    /// The layer's inputs with a 1 appended for the bias: ā, one row per sample.
    pub inputs: DMatrix<f64>,
    /// Per-sample gradients of the loss in the layer's pre-activations: δ,
    /// one row per sample.
    pub errors: DMatrix<f64>,
}

impl LayerBatch {
    /// Rows of W̄ (inputs plus the bias).
    pub fn rows(&self) -> usize {
        self.inputs.ncols()
    }

    /// Columns of W̄ (outputs).
    pub fn cols(&self) -> usize {
        self.errors.ncols()
    }
}

/// A forward and backward pass on a batch, layer by layer.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerPass {
    /// The batch's mean loss.
    pub loss: f64,
    /// Its gradient in θ.
    pub gradient: Vec<f64>,
    /// Every trained layer (a frozen output layer is left out).
    pub layers: Vec<LayerBatch>,
}

/// A network's layer structure (the [`View::Layers`] view).
pub trait LayerStructure {
    /// A forward and backward pass at θ on the samples `batch`.
    fn layer_pass(&self, theta: &[f64], batch: &[usize]) -> LayerPass;
}
