//! Gradient descent and the runner on problems with known behaviour.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use approx::assert_relative_eq;
use descent::optim::{registry, GradientDescent};
use descent::problem::{Objective, Quadratic, Rosenbrock, Saddle};
use descent::run::{run, Status};

#[test]
fn gd_on_a_quadratic_contracts_each_eigencomponent_by_one_minus_lr_times_eigenvalue() {
    // With angle 0 the eigenvectors are the axes: x shrinks by (1 − α), y by (1 − ακ).
    let problem = Quadratic::new(10.0, 0.0);
    let (lr, steps) = (0.15, 25);
    let mut gd = GradientDescent::new(lr, 2);
    let history = run(&problem, &mut gd, &[2.0, 1.0], steps);
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
    let problem = Rosenbrock::new(1.0, 100.0);
    let mut gd = GradientDescent::new(1e-3, 2);
    let history = run(&problem, &mut gd, &[-1.2, 1.0], 1);
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
    let problem = Rosenbrock::new(1.0, 100.0);
    let mut gd = GradientDescent::new(1.5e-3, 2);
    let history = run(&problem, &mut gd, &[-1.2, 1.0], 20_000);
    let last = history.points.last().unwrap();
    assert!(
        (last[0] - 1.0).abs() < 1e-3 && (last[1] - 1.0).abs() < 2e-3,
        "ended at {last:?}"
    );
}

#[test]
fn too_large_a_rate_diverges_and_the_run_says_when() {
    let problem = Quadratic::new(10.0, 0.0);
    let mut gd = GradientDescent::new(0.25, 2);
    let history = run(&problem, &mut gd, &[1.0, 1.0], 1000);
    // The y component grows by |1 − 2.5| = 1.5 per step: it passes 1e6 after 35 steps.
    assert_eq!(history.status, Status::Diverged);
    assert_eq!(history.diverged_at, Some(35));
    assert_eq!(history.points.len(), 36);
}

#[test]
fn gd_escapes_the_saddle_along_the_negative_curvature() {
    let mut gd = GradientDescent::new(0.1, 2);
    let history = run(&Saddle, &mut gd, &[-1.0, 1e-3], 40);
    let last = history.points.last().unwrap();
    assert!(
        last[0].abs() < 1e-3 && last[1].abs() > 1.0,
        "ended at {last:?}"
    );
    assert!(history.loss.last().unwrap() < &Saddle.value(&[-1.0, 1e-3]));
}

#[test]
fn registry_builds_gd_and_reports_bad_hyperparameters() {
    let params = BTreeMap::from([("lr".to_string(), 0.1)]);
    assert!(registry::build("gd", &params, 2, "runs[0]").is_ok());
    let bad = BTreeMap::from([("lr".to_string(), -1.0), ("momentum".to_string(), 0.9)]);
    let Err(err) = registry::build("gd", &bad, 2, "runs[0]") else {
        panic!("bad hyperparameters must be an error");
    };
    assert_eq!(
        err.to_string(),
        "runs[0].momentum: unknown parameter; known parameters: lr; runs[0].lr: must lie in [0.000001, 10], got -1"
    );
}

mod reference_run;

#[test]
fn pinned_trajectory_is_reproduced_bit_for_bit() {
    assert_eq!(
        reference_run::final_point_bits(),
        reference_run::FINAL_POINT_BITS
    );
}
