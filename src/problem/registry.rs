//! Every 2D problem by name, with its parameters and its formula.

use std::collections::BTreeMap;

use super::{Landscape, Quadratic, Rosenbrock, Saddle};
use crate::error::SpecError;
use crate::param::{resolve, ParamSpec, ParamValues};

/// One problem of the registry.
pub struct ProblemEntry {
    /// The key used in specs and URLs.
    pub name: &'static str,
    /// The name shown to people.
    pub label: &'static str,
    /// The formula, in plain Unicode.
    pub formula: &'static str,
    /// Its parameters.
    pub params: &'static [ParamSpec],
    build: fn(&ParamValues) -> Box<dyn Landscape>,
}

impl std::fmt::Debug for ProblemEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProblemEntry")
            .field("name", &self.name)
            .finish()
    }
}

/// All problems, in the order the lectures meet them.
pub const PROBLEMS: &[ProblemEntry] = &[
    ProblemEntry {
        name: "quadratic",
        label: "Ill-conditioned quadratic",
        formula: "f = ½(u² + κ v²),  (u, v) = (x, y) rotated by θ",
        params: &[
            ParamSpec {
                name: "kappa",
                symbol: "κ",
                default: 10.0,
                min: 1.0,
                max: 1000.0,
                log_scale: true,
                doc: "condition number: ratio of the Hessian's eigenvalues",
            },
            ParamSpec {
                name: "angle",
                symbol: "θ",
                default: 30.0,
                min: -180.0,
                max: 180.0,
                log_scale: false,
                doc: "rotation of the axes, in degrees",
            },
        ],
        build: |p| Box::new(Quadratic::new(p.get("kappa"), p.get("angle"))),
    },
    ProblemEntry {
        name: "rosenbrock",
        label: "Rosenbrock",
        formula: "f = (a − x)² + b (y − x²)²",
        params: &[
            ParamSpec {
                name: "a",
                symbol: "a",
                default: 1.0,
                min: -2.0,
                max: 2.0,
                log_scale: false,
                doc: "the minimum sits at (a, a²)",
            },
            ParamSpec {
                name: "b",
                symbol: "b",
                default: 100.0,
                min: 0.1,
                max: 1000.0,
                log_scale: true,
                doc: "steepness of the valley walls",
            },
        ],
        build: |p| Box::new(Rosenbrock::new(p.get("a"), p.get("b"))),
    },
    ProblemEntry {
        name: "saddle",
        label: "Saddle",
        formula: "f = x² − y²",
        params: &[],
        build: |_| Box::new(Saddle),
    },
];

/// The registry entry called `name`, if there is one.
pub fn find(name: &str) -> Option<&'static ProblemEntry> {
    PROBLEMS.iter().find(|p| p.name == name)
}

/// Builds problem `name` with the given parameters (defaults fill the gaps),
/// reporting an unknown name or every bad parameter.
pub fn build(name: &str, params: &BTreeMap<String, f64>) -> Result<Box<dyn Landscape>, SpecError> {
    let Some(entry) = find(name) else {
        let known: Vec<&str> = PROBLEMS.iter().map(|p| p.name).collect();
        return Err(SpecError::single(
            "problem.name",
            format!(
                "unknown problem '{name}'; known problems: {}",
                known.join(", ")
            ),
        ));
    };
    let values = resolve(entry.params, params, "problem").map_err(|errors| SpecError { errors })?;
    Ok((entry.build)(&values))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_builds_with_defaults() {
        for entry in PROBLEMS {
            let problem = build(entry.name, &BTreeMap::new()).unwrap();
            assert_eq!(problem.dim(), 2, "{}", entry.name);
        }
    }

    #[test]
    fn unknown_problem_names_the_known_ones() {
        let Err(err) = build("rosenbrok", &BTreeMap::new()) else {
            panic!("an unknown name must be an error");
        };
        assert_eq!(
            err.to_string(),
            "problem.name: unknown problem 'rosenbrok'; known problems: quadratic, rosenbrock, saddle"
        );
    }
}
