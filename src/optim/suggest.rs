//! The learning rate a problem suggests for an optimizer, so that switching
//! either one starts from a value that makes sense for the pair.

use std::collections::BTreeMap;

use nalgebra::SymmetricEigen;
use serde_json::{json, Value as Json};

use super::registry::{OptimizerEntry, StepSize};
use crate::param::ParamKind;
use crate::problem::Landscape;

/// The hyperparameters `entry` should start with on `landscape` from
/// `start`, beyond its registry defaults: `lr` = 1/L for methods whose α
/// multiplies the gradient (L the largest curvature at the start), a
/// hundredth of the view's width for adaptive and sign methods, nothing
/// for the rest. Values are rounded to two significant digits and kept in
/// the parameter's range.
pub fn suggested_params(
    entry: &OptimizerEntry,
    landscape: &dyn Landscape,
    start: [f64; 2],
) -> BTreeMap<String, Json> {
    let lr = match entry.step_size {
        StepSize::Given => None,
        StepSize::Curvature => largest_curvature(landscape, start).map(|l| 1.0 / l),
        StepSize::Displacement => {
            let window = landscape.window();
            Some((window.x_max - window.x_min) / 100.0)
        }
    };
    let Some((lr, spec)) = lr.zip(entry.param("lr")) else {
        return BTreeMap::new();
    };
    let ParamKind::Real { min, max, .. } = spec.kind else {
        return BTreeMap::new();
    };
    if !lr.is_finite() || lr <= 0.0 {
        return BTreeMap::new();
    }
    BTreeMap::from([("lr".to_string(), json!(two_digits(lr).clamp(min, max)))])
}

/// The largest |eigenvalue| of the Hessian at `at`, if the problem has one
/// and it is not flat.
fn largest_curvature(landscape: &dyn Landscape, at: [f64; 2]) -> Option<f64> {
    let hessian = landscape.hessian(&at)?;
    let largest = SymmetricEigen::new(hessian)
        .eigenvalues
        .iter()
        .fold(0.0_f64, |m, e| m.max(e.abs()));
    (largest > 1e-12 && largest.is_finite()).then_some(largest)
}

/// `value` rounded to two significant digits.
fn two_digits(value: f64) -> f64 {
    let unit = libm::pow(10.0, libm::floor(libm::log10(value)) - 1.0);
    libm::round(value / unit) * unit
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::landscape::run::run_spec;
    use crate::experiment::landscape::spec::Spec;
    use crate::optim::registry::{self, OPTIMIZERS};
    use crate::problem::registry as problems;

    fn landscape(name: &str) -> Box<dyn Landscape> {
        problems::build(name, &BTreeMap::new(), 0).unwrap()
    }

    #[test]
    fn gradient_descent_gets_one_over_the_curvature() {
        let rosenbrock = landscape("rosenbrock");
        let start = rosenbrock.default_start();
        let gd = registry::find("gd").unwrap();
        let lr = suggested_params(gd, rosenbrock.as_ref(), start)["lr"]
            .as_f64()
            .unwrap();
        assert!(lr > 1e-4 && lr < 1e-3, "{lr}");
    }

    #[test]
    fn every_suggested_rate_is_a_declared_value() {
        for problem in problems::PROBLEMS {
            let l = landscape(problem.name);
            for entry in OPTIMIZERS {
                for (name, value) in suggested_params(entry, l.as_ref(), l.default_start()) {
                    let spec = entry.param(&name).unwrap();
                    let v = value.as_f64().unwrap();
                    assert!(
                        spec.check("lr", &json!(v)).is_ok(),
                        "{} {} {v}",
                        problem.name,
                        entry.name
                    );
                }
            }
        }
    }

    #[test]
    fn gradient_descent_with_the_suggestion_does_not_diverge_on_any_problem() {
        for problem in problems::PROBLEMS
            .iter()
            .filter(|p| !p.offers(crate::problem::View::FiniteSum))
        {
            let l = landscape(problem.name);
            let gd = registry::find("gd").unwrap();
            let mut run = suggested_params(gd, l.as_ref(), l.default_start());
            run.insert("optimizer".into(), json!("gd"));
            let spec = json!({"problem": {"name": problem.name}, "steps": 150, "runs": [run]});
            let outcome = run_spec(&Spec::from_value(&spec).unwrap()).unwrap();
            let h = &outcome.runs[0].history;
            assert!(
                h.diverged_at.is_none() || h.unbounded_below(),
                "{}: diverged at {:?}",
                problem.name,
                h.diverged_at
            );
        }
    }
}
