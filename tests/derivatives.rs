//! Every problem's analytic gradient and Hessian agree with central finite
//! differences at random points and random parameter values.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use descent::param::{ParamKind, ParamSpec};
use descent::problem::registry::{build, PROBLEMS};
use descent::problem::Landscape;
use proptest::prelude::*;
use serde_json::Value as Json;

/// Maps u in [0, 1] onto a numeric parameter's range, logarithmically where declared.
fn param_value(spec: &ParamSpec, u: f64) -> Option<Json> {
    match spec.kind {
        ParamKind::Real {
            min,
            max,
            log_scale: true,
        } => Some(Json::from((min.ln() + u * (max.ln() - min.ln())).exp())),
        ParamKind::Real { min, max, .. } => Some(Json::from(min + u * (max - min))),
        // Whole-number parameters size data sets; keep them small for speed.
        ParamKind::Integer { min, .. } => Some(Json::from(min + (u * 50.0) as u32)),
        _ => None,
    }
}

/// The problem at `index` with parameters drawn from `us`; `None` where the
/// draw is refused as a whole (a typed formula's window with its edges out of
/// order), each parameter being in range.
fn problem_at(index: usize, us: &[f64]) -> Option<(Box<dyn Landscape>, String)> {
    let entry = &PROBLEMS[index % PROBLEMS.len()];
    let params: BTreeMap<String, Json> = entry
        .params
        .iter()
        .zip(us)
        .filter_map(|(spec, &u)| param_value(spec, u).map(|v| (spec.name.to_string(), v)))
        .collect();
    let label = format!("{} {:?}", entry.name, params);
    match build(entry.name, &params, 1) {
        Ok(problem) => Some((problem, label)),
        Err(e) => {
            assert!(
                e.errors
                    .iter()
                    .all(|f| f.message.starts_with("must be above")),
                "{label}: {e}"
            );
            None
        }
    }
}

fn point_in_window(problem: &dyn Landscape, u: f64, v: f64) -> [f64; 2] {
    let w = problem.window();
    [
        w.x_min + u * (w.x_max - w.x_min),
        w.y_min + v * (w.y_max - w.y_min),
    ]
}

/// The difference step at coordinate `x`: relative to it, and at most 1e-3
/// so a wave far out in a typed formula's wide window is still resolved.
fn step(x: f64) -> f64 {
    (1e-5 * x.abs().max(1.0)).min(1e-3)
}

fn close(analytic: f64, numeric: f64, scale: f64) -> bool {
    (analytic - numeric).abs() <= 1e-6 * scale.max(1.0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn gradient_matches_central_differences(
        index in 0usize..64,
        us in prop::collection::vec(0.0f64..1.0, 5),
        u in 0.0f64..1.0,
        v in 0.0f64..1.0,
    ) {
        let Some((problem, label)) = problem_at(index, &us) else {
            return Ok(());
        };
        let x = point_in_window(problem.as_ref(), u, v);
        let mut grad = [0.0; 2];
        problem.gradient(&x, &mut grad);
        let scale = grad.iter().fold(problem.value(&x).abs(), |m, g| m.max(g.abs()));
        for i in 0..2 {
            let h = step(x[i]);
            let (mut plus, mut minus) = (x, x);
            plus[i] += h;
            minus[i] -= h;
            let numeric = (problem.value(&plus) - problem.value(&minus)) / (2.0 * h);
            prop_assert!(close(grad[i], numeric, scale),
                "{label} at {x:?}: ∂{i} analytic {} numeric {numeric}", grad[i]);
        }
    }

    #[test]
    fn hessian_matches_central_differences_of_the_gradient(
        index in 0usize..64,
        us in prop::collection::vec(0.0f64..1.0, 5),
        u in 0.0f64..1.0,
        v in 0.0f64..1.0,
    ) {
        let Some((problem, label)) = problem_at(index, &us) else {
            return Ok(());
        };
        let x = point_in_window(problem.as_ref(), u, v);
        let hessian = problem.hessian(&x).expect("2D problems have Hessians");
        let scale = hessian.iter().fold(0.0f64, |m, h| m.max(h.abs()));
        for j in 0..2 {
            let h = step(x[j]);
            let (mut plus, mut minus) = (x, x);
            plus[j] += h;
            minus[j] -= h;
            let (mut g_plus, mut g_minus) = ([0.0; 2], [0.0; 2]);
            problem.gradient(&plus, &mut g_plus);
            problem.gradient(&minus, &mut g_minus);
            for i in 0..2 {
                let numeric = (g_plus[i] - g_minus[i]) / (2.0 * h);
                prop_assert!(close(hessian[(i, j)], numeric, scale),
                    "{label} at {x:?}: H[{i},{j}] analytic {} numeric {numeric}", hessian[(i, j)]);
            }
        }
        prop_assert!((hessian[(0, 1)] - hessian[(1, 0)]).abs() <= 1e-12 * scale.max(1.0),
            "{label}: Hessian not symmetric");
    }
}

#[test]
fn known_minima_are_stationary() {
    for entry in PROBLEMS {
        let problem = build(entry.name, &BTreeMap::new(), 0).unwrap();
        for m in problem.minima() {
            let mut grad = [0.0; 2];
            problem.gradient(&m, &mut grad);
            assert!(
                grad.iter().all(|g| g.abs() < 1e-12),
                "{}: ∇f{m:?} = {grad:?}",
                entry.name
            );
        }
    }
}
