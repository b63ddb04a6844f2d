//! Data sets, generated from a seed.

pub mod peaks;

pub use peaks::{Dataset, PeaksData, CLASSES};
