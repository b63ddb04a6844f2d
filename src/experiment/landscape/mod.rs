//! The landscape experiment: 2D test functions with runs side by side. Its
//! [`spec`] says what to run, [`run`] owns the loop and its stopping rules,
//! and [`computation`] advances an experiment in slices with exactly the
//! result of running it at once; [`basins`] starts one run from every cell
//! of a grid over the window, [`sweep`] repeats one with its hyperparameters
//! set to a grid or to random values.

pub mod basins;
pub mod computation;
pub mod run;
pub mod spec;
pub mod sweep;
