//! Every 2D problem by name, with its parameters and its formula.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::formula::Formula;
use super::{
    Beale, Booth, Himmelblau, Landscape, MonkeySaddle, Peaks, Quadratic, Rastrigin, Regression,
    Rosenbrock, Saddle, SixHumpCamel, View, Window,
};
use crate::error::{FieldError, SpecError};
use crate::param::{resolve, ParamSpec, ParamValues};
use crate::render::number::format_number;

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
    /// The views it offers beyond value and gradient (what decides which
    /// optimizers run on it); the built objective offers exactly these.
    pub views: &'static [View],
    build: Build,
}

/// How an entry builds its problem from its parameters and a seed (for
/// data), or says why the parameters together make no problem.
type Build = fn(&ParamValues, u64) -> Result<Box<dyn Landscape>, FieldError>;

impl ProblemEntry {
    /// How messages name it: `'rosenbrock'`.
    pub fn subject(&self) -> String {
        format!("'{}'", self.name)
    }

    /// Whether it offers `view`.
    pub fn offers(&self, view: View) -> bool {
        self.views.contains(&view)
    }
}

impl PartialEq for ProblemEntry {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl std::fmt::Debug for ProblemEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProblemEntry")
            .field("name", &self.name)
            .finish()
    }
}

/// What a typed formula may use.
pub const FORMULA_SYNTAX: &str =
    "f(x, y) as typed: numbers, x, y, pi, e, + - * / ^ ( ), sin cos tan exp log sqrt tanh abs";

/// All problems, in the order the lectures meet them.
pub const PROBLEMS: &[ProblemEntry] = &[
    ProblemEntry {
        name: "quadratic",
        label: "Ill-conditioned quadratic",
        formula: "f = ½(u² + κ v²),  (u, v) = (x, y) rotated by θ",
        params: &[
            ParamSpec::log(
                "kappa",
                "κ",
                10.0,
                1.0,
                1000.0,
                "condition number: ratio of the Hessian's eigenvalues",
            ),
            ParamSpec::real(
                "angle",
                "θ",
                30.0,
                -180.0,
                180.0,
                "rotation of the axes, in degrees",
            ),
        ],
        views: &[View::Hessian, View::Residuals],
        build: |p, _| {
            Ok(Box::new(Quadratic::new(
                p.number("kappa"),
                p.number("angle"),
            )))
        },
    },
    ProblemEntry {
        name: "rosenbrock",
        label: "Rosenbrock",
        formula: "f = (a − x)² + b (y − x²)²",
        params: &[
            ParamSpec::real("a", "a", 1.0, -2.0, 2.0, "the minimum sits at (a, a²)"),
            ParamSpec::log(
                "b",
                "b",
                100.0,
                0.1,
                1000.0,
                "steepness of the valley walls",
            ),
        ],
        views: &[View::Hessian, View::Residuals],
        build: |p, _| Ok(Box::new(Rosenbrock::new(p.number("a"), p.number("b")))),
    },
    ProblemEntry {
        name: "saddle",
        label: "Saddle",
        formula: "f = x² − y²",
        params: &[],
        views: &[View::Hessian],
        build: |_, _| Ok(Box::new(Saddle)),
    },
    ProblemEntry {
        name: "monkey-saddle",
        label: "Monkey saddle",
        formula: "f = x³ − 3xy²",
        params: &[],
        views: &[View::Hessian],
        build: |_, _| Ok(Box::new(MonkeySaddle)),
    },
    ProblemEntry {
        name: "himmelblau",
        label: "Himmelblau",
        formula: "f = (x² + y − 11)² + (x + y² − 7)²",
        params: &[],
        views: &[View::Hessian, View::Residuals],
        build: |_, _| Ok(Box::new(Himmelblau)),
    },
    ProblemEntry {
        name: "beale",
        label: "Beale",
        formula: "f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
        params: &[],
        views: &[View::Hessian, View::Residuals],
        build: |_, _| Ok(Box::new(Beale)),
    },
    ProblemEntry {
        name: "booth",
        label: "Booth",
        formula: "f = (x + 2y − 7)² + (2x + y − 5)²",
        params: &[],
        views: &[View::Hessian, View::Residuals],
        build: |_, _| Ok(Box::new(Booth)),
    },
    ProblemEntry {
        name: "rastrigin",
        label: "Rastrigin",
        formula: "f = 2A + Σᵢ (xᵢ² − A cos 2πxᵢ)",
        params: &[ParamSpec::real(
            "A",
            "A",
            10.0,
            0.0,
            50.0,
            "amplitude of the ripples",
        )],
        views: &[View::Hessian],
        build: |p, _| Ok(Box::new(Rastrigin::new(p.number("A")))),
    },
    ProblemEntry {
        name: "six-hump-camel",
        label: "Six-hump camel",
        formula: "f = (4 − 2.1x² + x⁴/3)x² + xy + (4y² − 4)y²",
        params: &[],
        views: &[View::Hessian],
        build: |_, _| Ok(Box::new(SixHumpCamel)),
    },
    ProblemEntry {
        name: "peaks",
        label: "Peaks (MATLAB)",
        formula:
            "f = 3(1 − x)² e^(−x² − (y+1)²) − 10(x/5 − x³ − y⁵) e^(−x² − y²) − ⅓ e^(−(x+1)² − y²)",
        params: &[],
        views: &[View::Hessian],
        build: |_, _| Ok(Box::new(Peaks)),
    },
    ProblemEntry {
        name: "regression",
        label: "Linear regression (finite sum)",
        formula: "f(w, b) = (1/N) Σᵢ ½ (w xᵢ + b − yᵢ)²,  yᵢ = 2xᵢ − 1 + σεᵢ",
        params: &[
            ParamSpec::integer("samples", "N", 100, 2, 100_000, "number of data points"),
            ParamSpec::real(
                "noise",
                "σ",
                0.5,
                0.0,
                5.0,
                "standard deviation of the label noise",
            ),
        ],
        views: &[View::Hessian, View::Residuals, View::FiniteSum],
        build: |p, seed| {
            Ok(Box::new(Regression::new(
                p.count("samples"),
                p.number("noise"),
                seed,
            )))
        },
    },
    ProblemEntry {
        name: "formula",
        label: "Your own function",
        formula: FORMULA_SYNTAX,
        params: &[
            ParamSpec::formula(
                "f",
                "f",
                "sin(x)*cos(y) + 0.1*(x^2 + y^2)",
                "the function to minimise, in x and y",
            ),
            ParamSpec::real(
                "x_min",
                "x₋",
                -3.0,
                -100.0,
                100.0,
                "left edge of the window",
            ),
            ParamSpec::real(
                "x_max",
                "x₊",
                3.0,
                -100.0,
                100.0,
                "right edge of the window",
            ),
            ParamSpec::real(
                "y_min",
                "y₋",
                -3.0,
                -100.0,
                100.0,
                "bottom edge of the window",
            ),
            ParamSpec::real("y_max", "y₊", 3.0, -100.0, 100.0, "top edge of the window"),
        ],
        views: &[View::Hessian],
        build: |p, _| {
            let window = Window {
                x_min: p.number("x_min"),
                x_max: p.number("x_max"),
                y_min: p.number("y_min"),
                y_max: p.number("y_max"),
            };
            for (low, high) in [("x_min", "x_max"), ("y_min", "y_max")] {
                if p.number(low) >= p.number(high) {
                    return Err(FieldError::new(
                        format!("problem.{high}"),
                        format!(
                            "must be above {low} ({}), got {}",
                            format_number(p.number(low)),
                            format_number(p.number(high))
                        ),
                    ));
                }
            }
            let text = p.text("f");
            let formula = Formula::parse(&text, window, Formula::start_in(window))
                .map_err(|e| FieldError::new("problem.f", e.to_string()))?;
            Ok(Box::new(formula))
        },
    },
];

/// The registry entry called `name`, if there is one.
pub fn find(name: &str) -> Option<&'static ProblemEntry> {
    PROBLEMS.iter().find(|p| p.name == name)
}

/// Builds problem `name` with the given parameters (defaults fill the gaps)
/// and data drawn from `seed`, reporting an unknown name or every bad parameter.
pub fn build(
    name: &str,
    params: &BTreeMap<String, Json>,
    seed: u64,
) -> Result<Box<dyn Landscape>, SpecError> {
    let entry = find_or_error(name)?;
    let values = resolve(entry.params, params, "problem").map_err(|errors| SpecError { errors })?;
    (entry.build)(&values, seed).map_err(|e| SpecError { errors: vec![e] })
}

/// The registry entry called `name`, or an error listing the known names.
pub fn find_or_error(name: &str) -> Result<&'static ProblemEntry, SpecError> {
    find(name).ok_or_else(|| {
        let known: Vec<&str> = PROBLEMS.iter().map(|p| p.name).collect();
        SpecError::single(
            "problem.name",
            format!(
                "unknown problem '{name}'; known problems: {}",
                known.join(", ")
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_builds_with_defaults_and_offers_the_views_it_declares() {
        for entry in PROBLEMS {
            let problem = build(entry.name, &BTreeMap::new(), 0).unwrap();
            assert_eq!(problem.dim(), 2, "{}", entry.name);
            let x = problem.default_start();
            assert_eq!(problem.views(), entry.views, "{}", entry.name);
            let declares = |v| entry.views.contains(&v);
            assert_eq!(problem.hessian(&x).is_some(), declares(View::Hessian));
            assert_eq!(problem.residuals(&x).is_some(), declares(View::Residuals));
            assert_eq!(problem.finite_sum().is_some(), declares(View::FiniteSum));
        }
    }

    #[test]
    fn unknown_problem_names_the_known_ones() {
        let Err(err) = build("rosenbrok", &BTreeMap::new(), 0) else {
            panic!("an unknown name must be an error");
        };
        assert!(err
            .to_string()
            .starts_with("problem.name: unknown problem 'rosenbrok'; known problems: quadratic, rosenbrock, saddle"));
    }
}
