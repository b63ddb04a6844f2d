//! The two kinds of experiment and what they share: the landscape kind (2D
//! test functions; its spec and runner live in `spec`, `run` and
//! `computation`) and the classifier kind ([`classifier`]: the peaks network
//! trained by any registry optimizer whose needs it meets, on the CPU or the
//! GPU), both read by one [`reader`].

pub mod classifier;
pub mod reader;
