//! What the classifier benchmarks share: one full-batch Adam step on the CPU.

use descent::data::PeaksData;
use descent::nn::{Mlp, Workspace};
use descent::optim::{Adam, FirstOrder};

/// One full-batch Adam step (forward, backward, update) on the 800 training
/// points, as a closure over its own state; returns θ₀ so the work is used.
pub fn cpu_adam_step(mlp: Mlp, mut theta: Vec<f64>, data: PeaksData) -> impl FnMut() -> f64 {
    let mut adam = Adam::new(theta.len(), (0.9, 0.999), 1e-8, 0.0, false, false);
    let mut grad = vec![0.0; theta.len()];
    let mut ws = Workspace::default();
    move || {
        mlp.loss_and_gradient(
            &theta,
            &data.train.x,
            &data.train.labels,
            Some(&mut grad),
            &mut ws,
        );
        adam.update(&mut theta, &grad, 1e-3);
        theta[0]
    }
}
