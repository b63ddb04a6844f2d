//! The landscape experiment: 2D test functions with runs side by side. Its
//! [`spec`] says what to run, [`run`] owns the loop and its stopping rules,
//! and [`computation`] advances an experiment in slices with exactly the
//! result of running it at once.

pub mod computation;
pub mod run;
pub mod spec;
