//! Typed formulas: parsed, differentiated exactly (second-order forward
//! mode), and optimized like any built-in problem.

use descent::experiment::landscape::run::{trace, Plan};
use descent::optim::registry::{Configured, OPTIMIZERS};
use descent::optim::schedule::Schedule;
use descent::optim::Oracle;
use descent::problem::formula::Formula;
use descent::problem::{Objective, Quadratic, Window};
use std::collections::BTreeMap;

#[cfg(not(target_arch = "wasm32"))]
mod common;

fn formula(text: &str) -> Formula {
    Formula::parse(text, Window::square(3.0), [1.0, 1.0]).unwrap()
}

/// `0.5*x^2 + 10*y^2` is the built-in quadratic with κ = 20 and angle 0: every
/// optimizer that needs only value, gradient and Hessian takes the same path
/// on both, to 1e-12.
#[test]
fn a_typed_quadratic_gives_the_built_in_trajectories() {
    let typed = formula("0.5*x^2 + 10*y^2");
    let built_in = Quadratic::new(20.0, 0.0);
    let mut compared = Vec::new();
    for entry in OPTIMIZERS {
        if entry.unmet_by(&typed.views(), "the formula").is_some() {
            continue;
        }
        let configured = Configured::new(entry.name, &BTreeMap::new(), "run").unwrap();
        let plan = Plan {
            start: &[1.0, 1.0],
            steps: 100,
            lr: configured.lr().unwrap_or(f64::NAN),
            schedule: Schedule::Constant,
            tolerance: None,
            averaging: None,
        };
        let path = |objective: &dyn Objective| {
            let mut optimizer = configured.build(2, "run").unwrap();
            let mut oracle = Oracle::exact(objective);
            trace(objective, &mut oracle, optimizer.as_mut(), &plan)
        };
        let (a, b) = (path(&typed), path(&built_in));
        // The values may differ in their last bit ((20y)·y against 10·(y·y)),
        // so a run may stop a few steps apart from its twin once both sit at
        // the minimum to 1e-12: a stopped run stays at its last point.
        let longest = a.points.len().max(b.points.len());
        let at = |h: &descent::experiment::landscape::run::History, i: usize| {
            h.points[i.min(h.points.len() - 1)].clone()
        };
        for i in 0..longest {
            let (p, q) = (at(&a, i), at(&b, i));
            for (u, v) in p.iter().zip(&q) {
                assert!(
                    (u - v).abs() <= 1e-12 * (1.0 + v.abs()),
                    "{} at step {i}: {p:?} vs {q:?}",
                    entry.name
                );
            }
        }
        compared.push(entry.name);
    }
    println!("the same path on both: {}", compared.join(", "));
    assert!(compared.len() >= 15, "{compared:?}");
    for name in [
        "gd",
        "adam",
        "newton",
        "bfgs",
        "lbfgs",
        "trust-region",
        "nonlinear-cg",
    ] {
        assert!(compared.contains(&name), "{name} was not compared");
    }
}

/// A small generator of random formulas over x and y (seeded), each with
/// smooth functions on a domain where they are defined.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

fn random_formula(seed: &mut u64, depth: u32) -> String {
    if depth == 0 {
        return match next(seed) % 4 {
            0 => "x".into(),
            1 => "y".into(),
            2 => format!("{}", (next(seed) % 50) as f64 / 10.0 - 2.5),
            _ => "(x*y)".into(),
        };
    }
    let a = random_formula(seed, depth - 1);
    let b = random_formula(seed, depth - 1);
    match next(seed) % 9 {
        0 => format!("({a} + {b})"),
        1 => format!("({a} - {b})"),
        2 => format!("({a} * {b})"),
        3 => format!("({a} / (1.5 + {b}^2))"),
        4 => format!("sin({a})"),
        5 => format!("cos({b})"),
        6 => format!("exp(0.3*{a})"),
        7 => format!("log(1 + {a}^2)"),
        _ => format!("({a})^3"),
    }
}

/// Gradients and Hessians of random formulas against central differences.
#[test]
fn derivatives_of_random_formulas_match_finite_differences() {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut checked = 0;
    for _ in 0..200 {
        let text = random_formula(&mut seed, 3);
        let f = formula(&text);
        for point in [[0.3, -0.7], [-1.1, 0.4], [0.9, 1.3]] {
            let h = 1e-5;
            let mut grad = [0.0; 2];
            f.gradient(&point, &mut grad);
            let hess = f.hessian(&point).unwrap();
            let value = f.value(&point);
            if !value.is_finite() || value.abs() > 1e6 {
                continue;
            }
            for k in 0..2 {
                let (mut plus, mut minus) = (point, point);
                plus[k] += h;
                minus[k] -= h;
                let fd = (f.value(&plus) - f.value(&minus)) / (2.0 * h);
                let scale = 1.0 + grad[k].abs();
                assert!(
                    (fd - grad[k]).abs() <= 1e-5 * scale,
                    "∂{k} of {text} at {point:?}: {} vs {fd}",
                    grad[k]
                );
                let (mut gp, mut gm) = ([0.0; 2], [0.0; 2]);
                f.gradient(&plus, &mut gp);
                f.gradient(&minus, &mut gm);
                for j in 0..2 {
                    let fd = (gp[j] - gm[j]) / (2.0 * h);
                    let scale = 1.0 + hess[(j, k)].abs();
                    assert!(
                        (fd - hess[(j, k)]).abs() <= 1e-5 * scale,
                        "∂{j}∂{k} of {text}: {} vs {fd}",
                        hess[(j, k)]
                    );
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 300, "only {checked} points checked");
}

/// A malformed formula is refused with the character where it goes wrong
/// and what was expected there; nothing panics.
#[test]
fn malformed_formulas_name_the_position_and_what_was_expected() {
    for (text, position, expected) in [
        ("x^2 + * y", 7, "a number, x, y"),
        ("sin x", 5, "'(' after sin"),
        ("(x + y", 7, "')'"),
        ("x + z", 5, "x, y, pi, e or a function"),
        ("2 x", 3, "an operator"),
        ("x # y", 3, "an operator (+ - * / ^) or a parenthesis"),
        ("", 1, "a number, x, y"),
        ("1e", 2, "an operator"),
    ] {
        let error = Formula::parse(text, Window::square(1.0), [0.0, 0.0]).unwrap_err();
        assert_eq!(error.position, position, "{text}: {error}");
        assert!(error.to_string().contains(expected), "{text}: {error}");
    }
    let long = "x+".repeat(300) + "x";
    assert!(Formula::parse(&long, Window::square(1.0), [0.0, 0.0])
        .unwrap_err()
        .to_string()
        .contains("at most 500 characters"));
    // Precedence: -x^2 is -(x^2); 2^3^2 is 2^(3^2).
    assert_eq!(formula("-x^2").value(&[3.0, 0.0]), -9.0);
    assert_eq!(formula("2^3^2").value(&[0.0, 0.0]), 512.0);
    assert_eq!(formula("x - y - 1").value(&[0.0, 0.0]), -1.0);
}

/// The formula travels in a spec: the same runs on the typed quadratic and
/// the built-in one give the same paths, and the spec reads back unchanged.
#[test]
fn a_spec_with_a_typed_formula_runs_like_the_built_in_problem() {
    use descent::experiment::landscape::run::run_spec;
    use descent::experiment::landscape::spec::Spec;
    let runs = r#"[{"optimizer": "gd", "lr": 0.09}, {"optimizer": "newton"},
                   {"optimizer": "bfgs"}, {"optimizer": "adam", "lr": 0.1}]"#;
    let typed = Spec::from_json(&format!(
        r#"{{"problem": {{"name": "formula", "f": "0.5*x^2 + 10*y^2"}},
            "start": [2, 1], "steps": 60, "runs": {runs}}}"#
    ))
    .unwrap();
    let built_in = Spec::from_json(&format!(
        r#"{{"problem": {{"name": "quadratic", "kappa": 20, "angle": 0}},
            "start": [2, 1], "steps": 60, "runs": {runs}}}"#
    ))
    .unwrap();
    let (a, b) = (run_spec(&typed).unwrap(), run_spec(&built_in).unwrap());
    for (p, q) in a.runs.iter().zip(&b.runs) {
        assert_eq!(
            p.history.points.len(),
            q.history.points.len(),
            "{}",
            p.label
        );
        for (u, v) in p.history.points.iter().zip(&q.history.points) {
            for (s, t) in u.iter().zip(v) {
                assert!((s - t).abs() <= 1e-12 * (1.0 + t.abs()), "{}", p.label);
            }
        }
    }
    let again = Spec::from_value(&typed.to_value()).unwrap();
    assert_eq!(again.to_value(), typed.to_value());
    assert_eq!(typed.to_value()["problem"]["f"], "0.5*x^2 + 10*y^2");
}

/// A spec with a malformed formula, or a window whose edges are out of
/// order, is refused with the field, the position and what was expected.
#[test]
fn a_spec_with_a_bad_formula_names_the_field_and_the_position() {
    use descent::experiment::landscape::spec::Spec;
    let error = Spec::from_json(
        r#"{"problem": {"name": "formula", "f": "x^2 + (y"}, "runs": [{"optimizer": "gd"}]}"#,
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        error,
        "problem.f: at character 9: expected ')', found the end of the formula"
    );
    let error = Spec::from_json(
        r#"{"problem": {"name": "formula", "x_min": 2, "x_max": 1}, "runs": [{"optimizer": "gd"}]}"#,
    )
    .unwrap_err()
    .to_string();
    assert_eq!(error, "problem.x_max: must be above x_min (2), got 1");
    let error = Spec::from_json(
        r#"{"problem": {"name": "formula", "f": 3}, "runs": [{"optimizer": "gd"}]}"#,
    )
    .unwrap_err()
    .to_string();
    assert_eq!(error, "problem.f: must be a formula in x and y, got 3");
}

/// A typed formula's minima are found (so basin maps can name them):
/// Himmelblau's four, typed.
#[test]
fn the_minima_of_a_typed_himmelblau_are_its_four_known_ones() {
    use descent::problem::{Himmelblau, Landscape};
    let typed = Formula::parse(
        "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        Window::square(5.0),
        [0.0, 0.0],
    )
    .unwrap();
    let mut found = typed.minima();
    let mut known = Himmelblau.minima();
    found.sort_by(|a, b| a[0].total_cmp(&b[0]));
    known.sort_by(|a, b| a[0].total_cmp(&b[0]));
    assert_eq!(found.len(), 4, "{found:?}");
    for (p, q) in found.iter().zip(&known) {
        assert!((p[0] - q[0]).hypot(p[1] - q[1]) < 1e-6, "{p:?} vs {q:?}");
    }
}

/// The same in the CLI: `descent basins` on a typed Himmelblau names its four
/// minima, and `descent run` refuses a malformed formula with its position.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn the_cli_takes_a_typed_formula_and_names_a_malformed_one() {
    let descent = |args: &[&str], stdin: &str| common::descent(args, Some(stdin));
    let out = std::env::temp_dir().join(format!("descent-formula-{}.json", std::process::id()));
    let typed = r#"{"problem": {"name": "formula", "f": "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        "x_min": -5, "x_max": 5, "y_min": -5, "y_max": 5},
        "steps": 300, "runs": [{"optimizer": "newton"}]}"#;
    let done = descent(
        &[
            "basins",
            "-",
            "--size",
            "24",
            "--out",
            out.to_str().unwrap(),
        ],
        typed,
    );
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let map: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(
        map["minima"].as_array().unwrap().len(),
        4,
        "{}",
        map["minima"]
    );
    let _ = std::fs::remove_file(&out);
    let bad = descent(
        &["run", "-"],
        r#"{"problem": {"name": "formula", "f": "sin x"}, "runs": [{"optimizer": "gd"}]}"#,
    );
    assert_eq!(bad.status.code(), Some(2));
    let text = String::from_utf8_lossy(&bad.stderr);
    assert!(
        text.contains("problem.f: at character 5: expected '(' after sin"),
        "{text}"
    );
}
