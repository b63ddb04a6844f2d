//! Every optimizer by name: hyperparameters, equations, reference and how to build it.
//!
//! The page's controls, the CLI's listing, spec validation and the docs are
//! all generated from [`OPTIMIZERS`]; nothing else lists optimizers.

use std::collections::BTreeMap;

use serde_json::Value as Json;

mod curvature;
mod first_order;
mod network;

pub use curvature::*;
pub use first_order::*;
pub use network::*;

use super::*;
use crate::error::{FieldError, SpecError};
use crate::param::{resolve, ParamSpec, ParamValues};
use crate::problem::{self, views::first_unmet, View};

/// What the peaks classifier offers its optimizers beyond value and gradient.
pub const CLASSIFIER_VIEWS: &[View] = &[View::FiniteSum, View::GaussNewton, View::Layers];

/// The broad kind of method, for grouping in menus and docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// Uses (stochastic) gradients only.
    FirstOrder,
    /// Stochastic methods for finite sums that reduce the gradient's variance.
    VarianceReduced,
    /// Uses the Hessian.
    SecondOrder,
    /// Uses residuals and their Jacobian (sums of squares).
    LeastSquares,
    /// Builds curvature from gradient differences, or conjugates directions.
    QuasiNewton,
    /// Preconditions with a network's curvature (Gauss–Newton, Fisher, Kronecker factors).
    NetworkCurvature,
}

impl Family {
    /// A heading for menus.
    pub fn label(self) -> &'static str {
        match self {
            Family::FirstOrder => "First-order",
            Family::VarianceReduced => "Variance-reduced",
            Family::SecondOrder => "Second-order",
            Family::LeastSquares => "Least squares",
            Family::QuasiNewton => "Quasi-Newton and CG",
            Family::NetworkCurvature => "Network curvature",
        }
    }
}

type Build = fn(&ParamValues, usize) -> Result<Box<dyn Optimizer>, FieldError>;

/// One optimizer of the registry.
pub struct OptimizerEntry {
    /// The key used in specs and URLs.
    pub name: &'static str,
    /// The name shown to people.
    pub label: &'static str,
    /// Its family.
    pub family: Family,
    /// Its hyperparameters; `lr` among them means schedules apply.
    pub params: &'static [ParamSpec],
    /// The update in the lecture's form, with the symbols of its controls (one equation per line).
    pub equations: &'static str,
    /// How the lecture's symbols map onto the hyperparameters (and onto `torch.optim`).
    pub mapping: &'static str,
    /// Where the method comes from.
    pub reference: &'static str,
    /// The views of the objective it needs beyond value and gradient.
    pub needs: &'static [View],
    /// What it keeps between steps, as its hyperparameters decide (what
    /// decides whether it fits a network of a given width).
    pub storage: fn(&ParamValues) -> Storage,
    /// How it samples a finite sum, and how long a classifier panel trains it.
    pub budget: Budget,
    /// Its update on the GPU, for the optimizers a GPU backend runs.
    pub gpu: Option<fn(&ParamValues) -> DeviceRule>,
    /// What its learning rate means, so a problem can suggest one.
    pub step_size: StepSize,
    build: Build,
}

/// What an optimizer keeps between steps, in terms of the number of
/// parameters p (and of samples N): what a network's budget is checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Storage {
    /// A few vectors of length p.
    Vectors,
    /// One vector of length p per sample (SAG's gradient table).
    PerSample,
    /// A dense p × p matrix, updated or factorised every step (Newton, BFGS).
    Matrix,
    /// A dense p × p curvature matrix formed from `rows` rows per sample and
    /// factorised every step (Gauss–Newton, natural gradient).
    Dense {
        /// Rows per sample of the factor B in G = BᵀB/N.
        rows: usize,
    },
    /// Per-layer Kronecker factors, inverted (K-FAC) or eigen-decomposed (Shampoo).
    Kronecker {
        /// Whether each factor is eigen-decomposed every step.
        eigen: bool,
    },
}

/// How an optimizer samples a finite sum, and the iterations a classifier
/// panel starts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Whether every step sees the whole data set (so an epoch is a step).
    pub full_batch: bool,
    /// Iterations a new classifier panel trains it for.
    pub iterations: usize,
}

impl Budget {
    /// A mini-batch method: 500 iterations.
    pub const MINI_BATCH: Budget = Budget {
        full_batch: false,
        iterations: 500,
    };
    /// A full-batch method: 100 iterations.
    pub const FULL_BATCH: Budget = Budget {
        full_batch: true,
        iterations: 100,
    };
}

/// What an optimizer's learning rate α means, which decides the value a
/// problem suggests for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepSize {
    /// α multiplies the gradient: stable below 2/L, so 1/L of the curvature
    /// at the start is suggested.
    Curvature,
    /// α is about how far one step moves (adaptive and sign methods): a
    /// hundredth of the view's width is suggested.
    Displacement,
    /// α is a scale of the method's own step (or there is none): the
    /// registry's default stands.
    Given,
}

impl OptimizerEntry {
    /// Whether it has a learning rate (so schedules apply).
    pub fn has_lr(&self) -> bool {
        self.params.iter().any(|p| p.name == "lr")
    }

    /// Why it cannot run on `subject` (a problem's name, or the classifier),
    /// which offers `offered`, in words built from the registries; `None`
    /// when it can.
    pub fn unmet_by(&self, offered: &[View], subject: &str) -> Option<String> {
        let missing = first_unmet(self.needs, offered)?;
        let problems = problem::registry::PROBLEMS;
        let all = problems.iter().all(|p| p.views.contains(&missing));
        let offering: Vec<String> = problems
            .iter()
            .filter(|p| !all && p.views.contains(&missing))
            .map(|p| format!("'{}'", p.name))
            .chain(all.then(|| "every 2D problem".to_string()))
            .chain(
                CLASSIFIER_VIEWS
                    .contains(&missing)
                    .then(|| "the peaks classifier".to_string()),
            )
            .collect();
        let who = match offering.len() {
            0 => "no problem does".to_string(),
            1 => format!("{} does", offering[0]),
            _ => format!("{} do", offering.join(", ")),
        };
        Some(format!(
            "'{}' needs {}, which {subject} does not offer ({who})",
            self.name,
            missing.describe()
        ))
    }

    /// Whether it trains the peaks classifier.
    pub fn trains_classifier(&self) -> bool {
        first_unmet(self.needs, CLASSIFIER_VIEWS).is_none()
    }

    /// Where it runs, in words: the problems and the classifier whose views
    /// meet its needs, and whether a GPU backend runs it.
    pub fn runs_on(&self) -> String {
        let problems: Vec<&str> = problem::registry::PROBLEMS
            .iter()
            .filter(|p| first_unmet(self.needs, p.views).is_none())
            .map(|p| p.name)
            .collect();
        let mut places = Vec::new();
        if problems.len() == problem::registry::PROBLEMS.len() {
            places.push("every 2D problem".to_string());
        } else if !problems.is_empty() {
            places.push(problems.join(", "));
        }
        if self.trains_classifier() {
            places.push(if self.gpu.is_some() {
                "the peaks classifier (CPU and GPU)".to_string()
            } else {
                "the peaks classifier (CPU)".to_string()
            });
        }
        places.join("; ")
    }

    /// Why it cannot run on the 2D `problem`; `None` when it can.
    pub fn unmet_on(&self, problem: &problem::registry::ProblemEntry) -> Option<String> {
        self.unmet_by(problem.views, &problem.subject())
    }

    /// The declaration of hyperparameter `name`.
    pub fn param(&self, name: &str) -> Option<&'static ParamSpec> {
        self.params.iter().find(|p| p.name == name)
    }
}

impl std::fmt::Debug for OptimizerEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OptimizerEntry")
            .field("name", &self.name)
            .finish()
    }
}

const fn lr(default: f64) -> ParamSpec {
    ParamSpec::log("lr", "α", default, 1e-6, 10.0, "learning rate (step size)")
}
const fn eps(default: f64) -> ParamSpec {
    ParamSpec::log(
        "eps",
        "ε",
        default,
        1e-16,
        1.0,
        "added to the denominator for stability",
    )
}
const WEIGHT_DECAY: ParamSpec = ParamSpec::real(
    "weight_decay",
    "λ",
    0.0,
    0.0,
    1.0,
    "L2 penalty added to the gradient (λθ)",
);
const fn beta1(default: f64) -> ParamSpec {
    ParamSpec::real(
        "beta1",
        "β₁",
        default,
        0.0,
        0.9999,
        "decay of the first-moment average (betas[0])",
    )
}
const fn beta2(default: f64) -> ParamSpec {
    ParamSpec::real(
        "beta2",
        "β₂",
        default,
        0.0,
        0.99999,
        "decay of the second-moment average (betas[1])",
    )
}
const NEWTON_LR: ParamSpec = ParamSpec::log("lr", "α", 1.0, 1e-3, 2.0, "scale of the Newton step");

fn gpu_sgd(p: &ParamValues) -> DeviceRule {
    DeviceRule::Sgd {
        momentum: p.number("momentum"),
        dampening: p.number("dampening"),
        nesterov: p.flag("nesterov"),
        weight_decay: p.number("weight_decay"),
    }
}

fn gpu_adam_rule(p: &ParamValues, decoupled: bool) -> DeviceRule {
    DeviceRule::Adam {
        beta1: p.number("beta1"),
        beta2: p.number("beta2"),
        eps: p.number("eps"),
        weight_decay: p.number("weight_decay"),
        decoupled,
        amsgrad: p.flag("amsgrad"),
    }
}

fn gpu_adam(p: &ParamValues) -> DeviceRule {
    gpu_adam_rule(p, false)
}

fn gpu_adamw(p: &ParamValues) -> DeviceRule {
    gpu_adam_rule(p, true)
}

fn betas(p: &ParamValues) -> (f64, f64) {
    (p.number("beta1"), p.number("beta2"))
}

fn first_order<R: FirstOrder + 'static>(
    rule: R,
    dim: usize,
) -> Result<Box<dyn Optimizer>, FieldError> {
    Ok(Box::new(GradientMethod::new(rule, dim)))
}

/// All optimizers, in the order of the lectures.
pub const OPTIMIZERS: &[OptimizerEntry] = &[
    GD,
    SGD,
    ADAGRAD,
    RMSPROP,
    ADADELTA,
    ADAM,
    ADAMW,
    ADAMAX,
    NADAM,
    RADAM,
    LION,
    SIGNSGD,
    SVRG,
    SAG,
    NEWTON,
    DAMPED_NEWTON,
    TRUST_REGION,
    GAUSS_NEWTON,
    LEVENBERG,
    LEVENBERG_MARQUARDT,
    BFGS,
    LBFGS,
    NONLINEAR_CG,
    network::GAUSS_NEWTON_TR,
    network::NATURAL_GRADIENT,
    network::KFAC,
    network::SHAMPOO,
];

/// The registry entry called `name`, if there is one.
pub fn find(name: &str) -> Option<&'static OptimizerEntry> {
    OPTIMIZERS.iter().find(|o| o.name == name)
}

/// The registry entry called `name`, or an error (for `field`) listing the known names.
pub fn find_or_error(name: &str, field: &str) -> Result<&'static OptimizerEntry, FieldError> {
    find(name).ok_or_else(|| {
        let known: Vec<&str> = OPTIMIZERS.iter().map(|o| o.name).collect();
        FieldError::new(
            field,
            format!(
                "unknown optimizer '{name}'; known optimizers: {}",
                known.join(", ")
            ),
        )
    })
}

/// Resolved hyperparameters of one optimizer, ready to build it.
#[derive(Clone, Debug)]
pub struct Configured {
    /// The registry entry.
    pub entry: &'static OptimizerEntry,
    /// Every hyperparameter, defaults filled in.
    pub values: ParamValues,
}

impl Configured {
    /// Checks `params` against `name`'s declarations; `scope` prefixes field names in errors.
    pub fn new(
        name: &str,
        params: &BTreeMap<String, Json>,
        scope: &str,
    ) -> Result<Self, Vec<FieldError>> {
        let entry = find_or_error(name, &format!("{scope}.optimizer")).map_err(|e| vec![e])?;
        let values = resolve(entry.params, params, scope)?;
        Ok(Self { entry, values })
    }

    /// The base learning rate, for methods that have one.
    pub fn lr(&self) -> Option<f64> {
        self.entry.has_lr().then(|| self.values.number("lr"))
    }

    /// The sharpness (largest Hessian eigenvalue) above which this method's
    /// fixed-step iteration diverges on a quadratic, the edge of stability:
    /// 2/α for gradient descent, (2 + 2μ)/((1 − τ)α) with heavy-ball momentum
    /// μ and dampening τ, 2(1 + μ)/((1 + 2μ)(1 − τ)α) with Nesterov's. For
    /// the preconditioned methods (K-FAC, Shampoo, natural gradient), whose
    /// step is −αP∇L, 2/α bounds the preconditioned sharpness λ_max(PH)
    /// instead. None for methods without one fixed step (line searches,
    /// adaptive methods).
    pub fn stability_edge(&self) -> Option<f64> {
        let lr = self.lr().filter(|&lr| lr > 0.0)?;
        if PRECONDITIONED.contains(&self.entry.name) {
            return Some(2.0 / lr);
        }
        if self.entry.name == first_order::GD.name {
            return (self.values.choice("line_search") == "none").then_some(2.0 / lr);
        }
        if self.entry.name != first_order::SGD.name {
            return None;
        }
        let mu = self.values.number("momentum");
        let step = (1.0 - self.values.number("dampening")) * lr;
        (step > 0.0).then(|| {
            if self.values.flag("nesterov") {
                2.0 * (1.0 + mu) / ((1.0 + 2.0 * mu) * step)
            } else {
                (2.0 + 2.0 * mu) / step
            }
        })
    }

    /// A fresh optimizer for `dim` parameters; `scope` prefixes field names in errors.
    pub fn build(&self, dim: usize, scope: &str) -> Result<Box<dyn Optimizer>, FieldError> {
        (self.entry.build)(&self.values, dim)
            .map_err(|e| FieldError::new(format!("{scope}.{}", e.field), e.message))
    }
}

/// The methods whose step is −αP∇L with a preconditioner P they can hand
/// out ([`crate::optim::Optimizer::preconditioner`]).
const PRECONDITIONED: [&str; 3] = [
    network::KFAC.name,
    network::SHAMPOO.name,
    network::NATURAL_GRADIENT.name,
];

/// Builds optimizer `name` for `dim` parameters with the given hyperparameters;
/// `scope` prefixes field names in errors (for example `runs[0]`).
pub fn build(
    name: &str,
    params: &BTreeMap<String, Json>,
    dim: usize,
    scope: &str,
) -> Result<Box<dyn Optimizer>, SpecError> {
    let configured = Configured::new(name, params, scope).map_err(|errors| SpecError { errors })?;
    configured
        .build(dim, scope)
        .map_err(|e| SpecError { errors: vec![e] })
}
