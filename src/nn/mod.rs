//! The peaks classifier's network: a ReLU MLP 2 → width (→ width …) → 5 with
//! softmax cross-entropy, its backpropagation and its Gauss–Newton matrix,
//! written out so that a student can follow every line.

pub mod budget;
pub mod classifier;
pub mod confusion;
pub mod fused;
pub mod ggn;
pub mod hessian;
pub mod mlp;
pub mod real;
pub mod slice;
pub mod spectrum;

pub use classifier::Classifier;
pub use confusion::{Confusion, Confusions};
pub use mlp::{Architecture, Init, Mlp, Parametrization, Workspace};
pub use real::Precision;
