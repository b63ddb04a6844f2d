//! Gradient descent and the runner on problems with known behaviour.
#![cfg(not(target_arch = "wasm32"))]

mod reference_run;

use approx::assert_relative_eq;
use descent::experiment::landscape::run::{trace, History, Plan, Status};
use descent::optim::schedule::Schedule;
use descent::optim::{GradientDescent, LineSearchKind, Oracle};
use descent::problem::{Quadratic, Rosenbrock};

fn gd(problem: &dyn descent::problem::Objective, lr: f64, start: &[f64], steps: usize) -> History {
    let mut optimizer = GradientDescent::new(2, LineSearchKind::None);
    let mut oracle = Oracle::exact(problem);
    let plan = Plan {
        start,
        steps,
        lr,
        schedule: Schedule::Constant,
        tolerance: None,
        averaging: None,
    };
    trace(problem, &mut oracle, &mut optimizer, &plan)
}

#[test]
fn gd_on_a_quadratic_contracts_each_eigencomponent_by_one_minus_lr_times_eigenvalue() {
    // With angle 0 the eigenvectors are the axes: x shrinks by (1 − α), y by (1 − ακ).
    let problem = Quadratic::new(10.0, 0.0);
    let (lr, steps) = (0.15, 25);
    let history = gd(&problem, lr, &[2.0, 1.0], steps);
    let last = &history.points[steps];
    assert_relative_eq!(
        last[0],
        2.0 * (1.0 - lr).powi(steps as i32),
        max_relative = 1e-12
    );
    assert_relative_eq!(
        last[1],
        (1.0 - lr * 10.0).powi(steps as i32),
        max_relative = 1e-12
    );
    assert_eq!(history.status, Status::Finished);
    assert_eq!(history.lr, vec![lr; steps]);
}

#[test]
fn gd_first_step_on_rosenbrock_matches_hand_computation() {
    let history = gd(&Rosenbrock::new(1.0, 100.0), 1e-3, &[-1.2, 1.0], 1);
    // ∇f(−1.2, 1) = (−215.6, −88).
    assert_relative_eq!(history.points[1][0], -1.2 + 0.2156, max_relative = 1e-12);
    assert_relative_eq!(history.points[1][1], 1.0 + 0.088, max_relative = 1e-12);
    assert_relative_eq!(history.loss[0], 24.2, max_relative = 1e-12);
    assert_relative_eq!(
        history.grad_norm[0],
        (215.6f64.powi(2) + 88.0f64.powi(2)).sqrt(),
        max_relative = 1e-12
    );
}

#[test]
fn gd_converges_on_rosenbrock_with_a_small_rate() {
    let history = gd(&Rosenbrock::new(1.0, 100.0), 1.5e-3, &[-1.2, 1.0], 20_000);
    let last = history.points.last().unwrap();
    assert!(
        (last[0] - 1.0).abs() < 1e-3 && (last[1] - 1.0).abs() < 2e-3,
        "ended at {last:?}"
    );
}

#[test]
fn pinned_trajectories_are_reproduced_bit_for_bit() {
    assert_eq!(
        reference_run::final_point_bits(),
        reference_run::expected_bits()
    );
}

#[test]
fn the_pinned_classifier_runs_are_reproduced_bit_for_bit() {
    assert_eq!(
        reference_run::classifier_digests(),
        reference_run::expected_classifier_digests()
    );
}
