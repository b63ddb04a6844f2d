//! The two kinds of experiment and what they share: [`landscape`] (2D test
//! functions, runs compared step by step) and [`classifier`] (the peaks
//! network trained by any registry optimizer whose needs it meets, on the
//! CPU or the GPU), both read by one [`reader`].

pub mod classifier;
pub mod landscape;
pub mod reader;
