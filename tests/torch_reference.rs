//! First-order optimizers reproduce `torch.optim` trajectories (float64) to
//! 1e-10 relative, and the quasi-Newton methods need no more than 1.5 times
//! SciPy's iterations on Rosenbrock. The reference data and the script that
//! made it live in `tests/reference/`.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;

use descent::experiment::landscape::run::{run_spec, Status};
use descent::experiment::landscape::spec::Spec;
use serde_json::{json, Value};

fn reference() -> Value {
    let text = include_str!("reference/reference.json");
    serde_json::from_str(text).expect("reference.json is valid JSON")
}

#[test]
fn first_order_optimizers_match_torch_trajectories() {
    let reference = reference();
    let steps = reference["steps"].as_u64().unwrap();
    let cases = reference["torch"].as_array().unwrap();
    let mut covered = BTreeSet::new();
    for case in cases {
        let expected = case["points"].as_array().unwrap();
        let spec = json!({
            "problem": case["problem"],
            "start": case["start"],
            "steps": steps,
            "runs": [case["run"]],
        });
        let spec = Spec::from_value(&spec).unwrap_or_else(|e| panic!("{spec}: {e}"));
        let outcome = run_spec(&spec).unwrap();
        let run = &outcome.runs[0];
        let label = format!("{} on {}", case["run"], case["problem"]["name"]);
        assert!(
            run.history.points.len() >= expected.len(),
            "{label}: stopped after {} points",
            run.history.points.len()
        );
        if expected.len() < steps as usize + 1 {
            assert_eq!(
                run.history.status,
                Status::Diverged,
                "{label}: torch diverged, Descent did not"
            );
        }
        for (step, point) in expected.iter().enumerate() {
            for (axis, want) in point.as_array().unwrap().iter().enumerate() {
                let want = want.as_f64().unwrap();
                let got = run.history.points[step][axis];
                assert!(
                    (got - want).abs() <= 1e-10 * want.abs().max(1.0),
                    "{label}: step {step} axis {axis}: Descent {got}, torch {want}"
                );
            }
        }
        covered.insert(case["run"]["optimizer"].as_str().unwrap().to_string());
    }
    let all: BTreeSet<String> = [
        "sgd", "adagrad", "rmsprop", "adadelta", "adam", "adamw", "adamax", "nadam", "radam",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(covered, all);
}

#[test]
fn quasi_newton_methods_need_at_most_one_and_a_half_times_scipys_iterations() {
    let reference = reference();
    for (name, counts) in reference["scipy_rosenbrock"].as_object().unwrap() {
        let spec = json!({
            "problem": {"name": "rosenbrock"},
            "start": [-1.2, 1.0],
            "steps": 1000,
            "tolerance": 1e-8,
            "runs": [{"optimizer": name}],
        });
        let outcome = run_spec(&Spec::from_value(&spec).unwrap()).unwrap();
        let history = &outcome.runs[0].history;
        let scipy = counts["iterations"].as_u64().unwrap() as f64;
        assert_eq!(
            history.status,
            Status::Converged,
            "{name} did not reach ‖∇f‖ ≤ 1e-8"
        );
        assert!(
            history.steps() as f64 <= 1.5 * scipy,
            "{name}: {} iterations, SciPy {}",
            history.steps(),
            scipy
        );
        println!("{name}: {} iterations (SciPy {scipy})", history.steps());
    }
}
