//! Descent: an interactive visualizer of optimization algorithms for machine learning.
//!
//! The core is plain Rust and compiles both natively and to WebAssembly:
//! [`problem`] defines differentiable objectives, [`optim`] the optimizers that
//! step on them, [`experiment`] the two kinds of experiment (landscapes and the
//! peaks classifier) with their specs and loops, and [`render`]
//! the pictures of landscapes and paths. The browser glue lives in `web`
//! (compiled for `wasm32` only); the command-line tool in `src/bin/descent.rs`.

pub mod data;
pub mod error;
pub mod experiment;
pub mod gpu;
pub mod nn;
pub mod optim;
pub mod param;
pub mod problem;
pub mod random;
pub mod render;
pub mod scene;
pub mod web;
