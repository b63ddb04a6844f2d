//! Behaviour of the optimizers the lectures rely on, through the spec and runner.
#![cfg(not(target_arch = "wasm32"))]

use descent::experiment::landscape::run::{run_spec, Outcome, RunResult, Status};
use descent::experiment::landscape::spec::Spec;
use descent::optim::registry::{Family, OPTIMIZERS};
use descent::problem::registry::PROBLEMS;
use serde_json::{json, Value};

fn run(spec: Value) -> Outcome {
    let spec = Spec::from_value(&spec).unwrap_or_else(|e| panic!("bad spec {spec}: {e}"));
    run_spec(&spec).unwrap()
}

fn single(problem: Value, start: [f64; 2], steps: usize, optimizer: Value) -> RunResult {
    let mut outcome =
        run(json!({"problem": problem, "start": start, "steps": steps, "runs": [optimizer]}));
    outcome.runs.remove(0)
}

fn distance(a: &[f64], b: [f64; 2]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

#[test]
fn newton_solves_a_quadratic_in_one_step() {
    let r = single(
        json!({"name": "quadratic", "kappa": 100, "angle": 30}),
        [-2.5, 1.5],
        1,
        json!({"optimizer": "newton"}),
    );
    assert!(
        distance(&r.history.points[1], [0.0, 0.0]) < 1e-12,
        "{:?}",
        r.history.points[1]
    );
}

#[test]
fn newton_is_drawn_to_the_saddle_while_damped_newton_and_gd_escape() {
    let start = [0.3, 0.05];
    let newton = single(
        json!({"name": "saddle"}),
        start,
        5,
        json!({"optimizer": "newton"}),
    );
    assert!(distance(&newton.history.points[1], [0.0, 0.0]) < 1e-15);
    let damped = single(
        json!({"name": "saddle"}),
        start,
        5,
        json!({"optimizer": "damped-newton"}),
    );
    assert!(
        damped.history.points[5][1].abs() > 1.0,
        "{:?}",
        damped.history.points[5]
    );
    assert!(damped.history.notes[0]
        .text
        .starts_with("Hessian not positive definite"));
    let gd = single(
        json!({"name": "saddle"}),
        start,
        60,
        json!({"optimizer": "gd", "lr": 0.1}),
    );
    assert!(gd.history.loss[60] < -1.0);
}

#[test]
fn gauss_newton_and_levenberg_marquardt_solve_rosenbrock_in_residual_form() {
    for (optimizer, steps) in [
        ("gauss-newton", 5),
        ("levenberg", 60),
        ("levenberg-marquardt", 60),
    ] {
        let r = single(
            json!({"name": "rosenbrock"}),
            [-1.2, 1.0],
            steps,
            json!({"optimizer": optimizer}),
        );
        let last = r.history.points.last().unwrap();
        assert!(
            distance(last, [1.0, 1.0]) < 1e-8,
            "{optimizer} ended at {last:?}"
        );
    }
    let lm = single(
        json!({"name": "rosenbrock"}),
        [-1.2, 1.0],
        20,
        json!({"optimizer": "levenberg-marquardt"}),
    );
    assert_eq!(lm.history.damping.len(), 20);
}

#[test]
fn second_order_and_quasi_newton_methods_converge_from_their_defaults() {
    let cases = [
        (json!({"name": "rosenbrock"}), [-1.2, 1.0], [1.0, 1.0]),
        (json!({"name": "himmelblau"}), [0.5, 0.5], [3.0, 2.0]),
        (json!({"name": "booth"}), [-7.0, -5.0], [1.0, 3.0]),
        (json!({"name": "beale"}), [1.0, 1.0], [3.0, 0.5]),
        (
            json!({"name": "quadratic", "kappa": 1000}),
            [-2.5, 1.5],
            [0.0, 0.0],
        ),
    ];
    let methods = [
        json!({"optimizer": "damped-newton"}),
        json!({"optimizer": "trust-region"}),
        json!({"optimizer": "trust-region", "subproblem": "dogleg"}),
        json!({"optimizer": "bfgs"}),
        json!({"optimizer": "lbfgs"}),
        json!({"optimizer": "nonlinear-cg"}),
        json!({"optimizer": "nonlinear-cg", "beta": "fr"}),
        json!({"optimizer": "gd", "line_search": "exact", "lr": 0.1}),
        json!({"optimizer": "gd", "line_search": "wolfe", "lr": 0.1}),
        json!({"optimizer": "gd", "line_search": "armijo", "lr": 1.0}),
    ];
    for (problem, start, minimum) in &cases {
        for method in &methods {
            let slow = method["optimizer"] == "gd" || method["beta"] == "fr";
            let spec = json!({"problem": problem, "start": start, "steps": if slow { 20000 } else { 500 },
                              "tolerance": 1e-6, "runs": [method]});
            let r = &run(spec).runs[0];
            let last = r.history.points.last().unwrap();
            assert_eq!(
                r.history.status,
                Status::Converged,
                "{method} on {problem}: {last:?}"
            );
            assert!(
                distance(last, *minimum) < 1e-4,
                "{method} on {problem} ended at {last:?}"
            );
        }
    }
}

#[test]
fn trust_region_records_its_radius_and_shrinks_it_after_a_bad_step() {
    let r = single(
        json!({"name": "rosenbrock"}),
        [-1.2, 1.0],
        50,
        json!({"optimizer": "trust-region", "initial_radius": 10}),
    );
    assert_eq!(r.history.radius.len(), r.history.steps());
    let rejected = r
        .history
        .notes
        .iter()
        .find(|n| n.text.starts_with("step rejected"))
        .expect("a rejected step");
    let before = if rejected.step == 1 {
        10.0
    } else {
        r.history.radius[rejected.step - 2]
    };
    assert_eq!(r.history.radius[rejected.step - 1], before / 4.0);
    assert_eq!(
        r.history.points[rejected.step],
        r.history.points[rejected.step - 1]
    );
}

#[test]
fn exact_line_search_makes_consecutive_gd_steps_orthogonal() {
    let r = single(
        json!({"name": "quadratic", "kappa": 10, "angle": 30}),
        [-2.5, 1.5],
        6,
        json!({"optimizer": "gd", "line_search": "exact"}),
    );
    let p = &r.history.points;
    for k in 0..4 {
        let a = [p[k + 1][0] - p[k][0], p[k + 1][1] - p[k][1]];
        let b = [p[k + 2][0] - p[k + 1][0], p[k + 2][1] - p[k + 1][1]];
        let cosine = (a[0] * b[0] + a[1] * b[1]) / ((a[0].hypot(a[1])) * (b[0].hypot(b[1])));
        assert!(
            cosine.abs() < 1e-6,
            "steps {k} and {} not orthogonal: cos = {cosine}",
            k + 1
        );
    }
}

#[test]
fn every_first_order_method_makes_progress_on_the_quadratic() {
    for entry in OPTIMIZERS.iter().filter(|o| o.family == Family::FirstOrder) {
        let lr = match entry.name {
            "adadelta" => 1.0,
            "adagrad" => 0.5,
            "gd" | "sgd" => 0.1,
            _ => 0.02,
        };
        let r = single(
            json!({"name": "quadratic"}),
            [-2.5, 1.5],
            500,
            json!({"optimizer": entry.name, "lr": lr}),
        );
        let (first, last) = (r.history.loss[0], *r.history.loss.last().unwrap());
        assert!(last < 0.05 * first, "{}: loss {first} → {last}", entry.name);
    }
}

#[test]
fn variance_reduction_reaches_the_least_squares_solution_where_sgd_stalls() {
    let problem = json!({"name": "regression", "samples": 200, "noise": 1.0});
    let spec = json!({
    "problem": problem, "steps": 3000, "seed": 3, "batch_size": 5,
    "runs": [
        {"optimizer": "sgd", "lr": 0.05},
        {"optimizer": "svrg", "lr": 0.05, "inner_steps": 100},
        {"optimizer": "sag", "lr": 0.05},
    ]});
    let outcome = run(spec);
    let solution = outcome.landscape.minima()[0];
    let error = |i: usize| distance(outcome.runs[i].history.points.last().unwrap(), solution);
    assert!(error(1) < 1e-6, "SVRG error {}", error(1));
    assert!(error(2) < 1e-6, "SAG error {}", error(2));
    assert!(
        error(0) > 100.0 * error(1).max(1e-9),
        "SGD error {} should stay at the noise level",
        error(0)
    );
}

#[test]
fn the_same_seed_gives_the_same_noisy_path_and_another_seed_another() {
    let spec = |seed: u64| {
        json!({"problem": {"name": "rosenbrock"}, "steps": 100, "seed": seed,
               "noise": {"kind": "alpha-stable", "alpha": 1.5, "scale": 0.5},
               "runs": [{"optimizer": "sgd", "lr": 1e-3, "momentum": 0.9}]})
    };
    let a = run(spec(1));
    let b = run(spec(1));
    let c = run(spec(2));
    assert_eq!(a.runs[0].history.points, b.runs[0].history.points);
    assert_ne!(a.runs[0].history.points, c.runs[0].history.points);
}

#[test]
fn polyak_averaging_smooths_a_noisy_run() {
    let outcome = run(json!({
        "problem": {"name": "quadratic", "kappa": 4}, "steps": 2000, "seed": 11,
        "noise": {"kind": "gaussian", "sigma": 2.0},
        "runs": [{"optimizer": "sgd", "lr": 0.05, "averaging": {"kind": "uniform"}},
                 {"optimizer": "sgd", "lr": 0.05, "averaging": {"kind": "exponential", "decay": 0.99}}]}));
    for run in &outcome.runs {
        let h = &run.history;
        let averaged = h.averaged.as_ref().unwrap();
        assert_eq!(averaged.points.len(), h.points.len());
        let tail = |v: &[f64]| v[1000..].iter().sum::<f64>() / 1000.0;
        assert!(
            tail(&averaged.loss) < 0.2 * tail(&h.loss),
            "{}: {} vs {}",
            run.label,
            tail(&averaged.loss),
            tail(&h.loss)
        );
    }
}

#[test]
fn divergence_is_a_result_with_the_step_it_happened() {
    let r = single(
        json!({"name": "quadratic", "kappa": 10, "angle": 0}),
        [1.0, 1.0],
        1000,
        json!({"optimizer": "gd", "lr": 0.25}),
    );
    assert_eq!(r.history.status, Status::Diverged);
    assert_eq!(r.history.diverged_at, Some(35));
    let r = single(
        json!({"name": "rosenbrock"}),
        [-1.5, 2.0],
        100,
        json!({"optimizer": "adam", "lr": 10.0}),
    );
    assert!(r.history.loss.iter().all(|l| l.is_finite()));
}

#[test]
fn tolerance_stops_a_run_as_converged() {
    let outcome = run(
        json!({"problem": {"name": "booth"}, "tolerance": 1e-9, "steps": 100,
                             "runs": [{"optimizer": "newton"}]}),
    );
    let h = &outcome.runs[0].history;
    assert_eq!(h.status, Status::Converged);
    assert_eq!(h.steps(), 1);
}

#[test]
fn registry_requirements_match_the_problems() {
    for entry in OPTIMIZERS {
        for problem in PROBLEMS {
            let ok = entry.needs.iter().all(|v| problem.views.contains(v));
            let spec = json!({"problem": {"name": problem.name}, "steps": 3, "runs": [{"optimizer": entry.name}]});
            let parsed = Spec::from_value(&spec);
            assert_eq!(
                parsed.is_ok(),
                ok,
                "{} on {}: {:?}",
                entry.name,
                problem.name,
                parsed.err()
            );
            if let Ok(spec) = parsed {
                let outcome = run_spec(&spec).unwrap();
                let h = &outcome.runs[0].history;
                // Problems unbounded below (the saddles) may end a run early by
                // divergence, and Newton lands on a saddle and stays there (converged).
                assert!(
                    h.points.len() == 4 || h.status != Status::Finished,
                    "{} on {}",
                    entry.name,
                    problem.name
                );
            }
        }
    }
}

/// The edge of stability the spectrum view draws is where the fixed-step
/// iteration turns from converging to diverging on a quadratic whose
/// largest curvature is κ = 10: just below it converges, just above diverges.
#[test]
fn the_stability_edge_separates_convergence_from_divergence() {
    use descent::experiment::landscape::run::run_spec;
    use descent::experiment::landscape::spec::Spec;
    use descent::optim::registry::Configured;
    use std::collections::BTreeMap;
    for params in [
        r#"{"optimizer": "gd"}"#,
        r#"{"optimizer": "sgd", "momentum": 0.9}"#,
        r#"{"optimizer": "sgd", "momentum": 0.5, "nesterov": true}"#,
        r#"{"optimizer": "sgd", "momentum": 0.6, "dampening": 0.3}"#,
    ] {
        let mut run: BTreeMap<String, serde_json::Value> = serde_json::from_str(params).unwrap();
        let name = run.remove("optimizer").unwrap();
        run.insert("lr".into(), serde_json::json!(1.0));
        let configured = Configured::new(name.as_str().unwrap(), &run, "run").unwrap();
        // With lr = 1 the edge is the largest stable curvature times 1.
        let edge = configured
            .stability_edge()
            .expect("a fixed-step method has an edge");
        for (factor, converges) in [(0.97, true), (1.03, false)] {
            let lr = factor * edge / 10.0;
            let mut spec_run = serde_json::Map::from_iter(run.clone());
            spec_run.insert("optimizer".into(), name.clone());
            spec_run.insert("lr".into(), serde_json::json!(lr));
            let spec = serde_json::json!({
                "problem": {"name": "quadratic", "kappa": 10.0, "angle": 0.0},
                "start": [1.0, 1.0], "steps": 3000, "runs": [spec_run]});
            let outcome = run_spec(&Spec::from_value(&spec).unwrap()).unwrap();
            let last = outcome.runs[0].history.points.last().unwrap().clone();
            let distance = last.iter().map(|v| v * v).sum::<f64>().sqrt();
            assert_eq!(
                distance < 1e-3,
                converges,
                "{params} at {factor}·edge: ended {distance:e} from the minimum"
            );
        }
    }
    let adam = Configured::new("adam", &BTreeMap::new(), "run").unwrap();
    assert_eq!(adam.stability_edge(), None);
    // A preconditioned method's 2/α bounds λ_max(PH), its step being −αP∇L.
    let lr = BTreeMap::from([("lr".to_string(), serde_json::json!(0.5))]);
    for name in ["kfac", "shampoo", "natural-gradient"] {
        let configured = Configured::new(name, &lr, "run").unwrap();
        assert_eq!(configured.stability_edge(), Some(4.0), "{name}");
    }
}

/// Quasi-Newton methods that reach a minimum to the last bits end as
/// converged, not diverged: pairs whose yᵀs or yᵀy underflow are not used
/// (they once turned L-BFGS's direction into NaN after 38 steps).
#[test]
fn quasi_newton_methods_end_converged_where_their_steps_underflow() {
    use descent::experiment::landscape::run::{run_spec, Status};
    use descent::experiment::landscape::spec::Spec;
    for name in ["lbfgs", "bfgs"] {
        let spec = Spec::from_json(&format!(
            r#"{{"problem": {{"name": "quadratic", "kappa": 20, "angle": 0}}, "start": [1, 1],
                "steps": 300, "runs": [{{"optimizer": "{name}"}}]}}"#
        ))
        .unwrap();
        let outcome = run_spec(&spec).unwrap();
        let history = &outcome.runs[0].history;
        assert_eq!(
            history.status,
            Status::Converged,
            "{name}: {:?}",
            history.points.last()
        );
        assert!(history.points.iter().flatten().all(|v| v.is_finite()));
    }
}

/// The Hessian model BFGS and L-BFGS record after each step (2D) satisfies
/// the secant equation of that step, B s = y: the curvature it has learnt
/// is the curvature it last measured.
#[test]
fn quasi_newton_models_satisfy_the_secant_equation() {
    use descent::experiment::landscape::run::{build_problem, run_spec};
    use descent::experiment::landscape::spec::Spec;
    let spec = Spec::from_json(
        r#"{"problem": {"name": "rosenbrock"}, "start": [-1.2, 1], "steps": 25,
            "runs": [{"optimizer": "bfgs"}, {"optimizer": "lbfgs"}]}"#,
    )
    .unwrap();
    let outcome = run_spec(&spec).unwrap();
    let problem = build_problem(&spec).unwrap();
    for run in &outcome.runs {
        let h = &run.history;
        assert!(
            h.models.len() >= 10,
            "{}: {} models",
            run.optimizer,
            h.models.len()
        );
        let mut checked = 0;
        for &(step, b) in &h.models {
            let (before, after) = (&h.points[step - 1], &h.points[step]);
            let s = [after[0] - before[0], after[1] - before[1]];
            if s[0].hypot(s[1]) < 1e-6 {
                continue;
            }
            let (mut g0, mut g1) = ([0.0; 2], [0.0; 2]);
            problem.gradient(before, &mut g0);
            problem.gradient(after, &mut g1);
            let y = [g1[0] - g0[0], g1[1] - g0[1]];
            let bs = [b[0] * s[0] + b[1] * s[1], b[2] * s[0] + b[3] * s[1]];
            let error = (bs[0] - y[0]).hypot(bs[1] - y[1]);
            assert!(
                error <= 1e-6 * y[0].hypot(y[1]),
                "{} step {step}: Bs = {bs:?}, y = {y:?}",
                run.optimizer
            );
            checked += 1;
        }
        assert!(checked >= 10, "{}: {checked} steps checked", run.optimizer);
    }
}
