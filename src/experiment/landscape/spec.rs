//! The experiment spec: one JSON document describing a problem, a start, and
//! the runs to compare. The CLI reads it, the page keeps it in the URL,
//! presets are written in it and tests use it.
//!
//! Parsing never stops at the first mistake: unknown names, wrong types and
//! out-of-range values anywhere in the document are collected into one
//! [`SpecError`] that lists every bad field.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value as Json};

use crate::error::SpecError;
pub use crate::experiment::reader::fields_except;
use crate::experiment::reader::{ReadOptimizer, Reader};
use crate::optim::registry::Configured;
use crate::optim::schedule::Schedule;
use crate::optim::Noise;
use crate::param::{resolve, ParamSpec};
use crate::problem::registry::{self as problems, ProblemEntry};
use crate::problem::View;

/// Steps run when the spec does not say.
pub const DEFAULT_STEPS: usize = 200;
/// The most steps a spec may ask for.
pub const MAX_STEPS: usize = 1_000_000;
/// The most runs a spec may hold.
pub const MAX_RUNS: usize = 32;

/// The problem part of a spec: a registry name and its parameters.
#[derive(Clone, Debug)]
pub struct ProblemSpec {
    /// The registry entry.
    pub entry: &'static ProblemEntry,
    /// The parameters as given (defaults are not filled in here).
    pub params: BTreeMap<String, Json>,
}

/// Polyak averaging of a run's iterates, reported as a second path.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Averaging {
    /// x̄ₜ = (1/(t + 1)) Σₖ≤ₜ xₖ.
    Uniform,
    /// x̄ₜ = β x̄ₜ₋₁ + (1 − β) xₜ, x̄₀ = x₀.
    Exponential {
        /// The decay β.
        decay: f64,
    },
}

/// One run of a spec: an optimizer with its hyperparameters, schedule and averaging.
#[derive(Clone, Debug)]
pub struct RunSpec {
    /// The optimizer and its resolved hyperparameters.
    pub optimizer: Configured,
    /// The hyperparameters as given (for writing the spec back).
    pub given: BTreeMap<String, Json>,
    /// A name for legends; defaults to the optimizer's label.
    pub label: String,
    /// The learning-rate schedule and its spec.
    pub schedule: Option<(Schedule, Json)>,
    /// Polyak averaging, if asked for.
    pub averaging: Option<Averaging>,
    /// This run's mini-batch size, overriding the spec's (finite-sum problems only).
    pub batch_size: Option<usize>,
}

/// A whole experiment.
#[derive(Clone, Debug)]
pub struct Spec {
    /// The problem.
    pub problem: ProblemSpec,
    /// The start point; the problem's default when absent.
    pub start: Option<[f64; 2]>,
    /// Steps per run.
    pub steps: usize,
    /// The seed of every random stream (data, mini-batches, noise).
    pub seed: u64,
    /// Simulated gradient noise for first-order methods.
    pub noise: Noise,
    /// Mini-batch size on finite-sum problems (full batch when absent).
    pub batch_size: Option<usize>,
    /// Stop a run once the gradient norm falls to this.
    pub tolerance: Option<f64>,
    /// The runs to compare.
    pub runs: Vec<RunSpec>,
}

const TOP_KEYS: &[&str] = &[
    "problem",
    "start",
    "steps",
    "seed",
    "noise",
    "batch_size",
    "tolerance",
    "runs",
];
const RUN_KEYS: &[&str] = &["optimizer", "label", "schedule", "averaging", "batch_size"];

const NOISE_KINDS: &[(&str, &[ParamSpec])] = &[
    ("none", &[]),
    (
        "gaussian",
        &[ParamSpec::log(
            "sigma",
            "σ",
            0.5,
            1e-6,
            100.0,
            "standard deviation of the noise",
        )],
    ),
    (
        "alpha-stable",
        &[
            ParamSpec::real(
                "alpha",
                "α",
                1.5,
                0.1,
                2.0,
                "tail index: 2 is Gaussian, smaller is heavier-tailed",
            ),
            ParamSpec::log("scale", "s", 0.5, 1e-6, 100.0, "scale of the noise"),
        ],
    ),
];

const AVERAGING_KINDS: &[(&str, &[ParamSpec])] = &[
    ("uniform", &[]),
    (
        "exponential",
        &[ParamSpec::real(
            "decay",
            "β",
            0.9,
            0.0,
            0.99999,
            "weight of the running average",
        )],
    ),
];

/// The noise kinds and their parameters, for building controls.
pub fn noise_kinds() -> &'static [(&'static str, &'static [ParamSpec])] {
    NOISE_KINDS
}

/// The parameters of kind `name` in a table of kinds (none if it is not there).
pub fn kind_params(kinds: &[(&str, &'static [ParamSpec])], name: &str) -> &'static [ParamSpec] {
    kinds.iter().find(|k| k.0 == name).map_or(&[], |k| k.1)
}

/// The averaging kinds and their parameters, for building controls.
pub fn averaging_kinds() -> &'static [(&'static str, &'static [ParamSpec])] {
    AVERAGING_KINDS
}

impl Spec {
    /// Parses a spec from JSON text.
    pub fn from_json(text: &str) -> Result<Spec, SpecError> {
        let value: Json = serde_json::from_str(text)
            .map_err(|e| SpecError::single("spec", format!("is not valid JSON: {e}")))?;
        Self::from_value(&value)
    }

    /// Parses a spec from a JSON value, reporting every bad field at once.
    pub fn from_value(value: &Json) -> Result<Spec, SpecError> {
        let mut r = Reader::default();
        let Some(top) = r.object(value, "spec") else {
            return Err(SpecError { errors: r.errors });
        };
        r.unknown_keys(top, TOP_KEYS, "");

        let problem = match top.get("problem") {
            None => {
                r.error(
                    "problem",
                    "is required, for example {\"name\": \"rosenbrock\"}",
                );
                None
            }
            Some(value) => read_problem(&mut r, value),
        };
        let start = top.get("start").and_then(|value| {
            let pair = value.as_array().filter(|a| a.len() == 2).and_then(|a| {
                let (x, y) = (a[0].as_f64()?, a[1].as_f64()?);
                (x.is_finite() && y.is_finite()).then_some([x, y])
            });
            if pair.is_none() {
                r.error(
                    "start",
                    format!("must be two finite numbers [x, y], got {value}"),
                );
            }
            pair
        });
        let steps = r.count(
            top.get("steps"),
            "steps",
            0,
            MAX_STEPS as u64,
            DEFAULT_STEPS as u64,
        ) as usize;
        let seed = r.count(top.get("seed"), "seed", 0, u64::MAX, 0);
        let noise = match top.get("noise") {
            None => Noise::None,
            Some(value) => match r.kinded(value, "noise", NOISE_KINDS) {
                Some(("gaussian", p)) => Noise::Gaussian {
                    sigma: p.number("sigma"),
                },
                Some(("alpha-stable", p)) => Noise::AlphaStable {
                    alpha: p.number("alpha"),
                    scale: p.number("scale"),
                },
                _ => Noise::None,
            },
        };
        let batch_size = read_batch_size(
            &mut r,
            top.get("batch_size"),
            "batch_size",
            problem.as_ref(),
        );
        let tolerance = top.get("tolerance").and_then(|value| {
            let t = value.as_f64().filter(|t| t.is_finite() && *t > 0.0);
            if t.is_none() {
                r.error(
                    "tolerance",
                    format!("must be a positive number, got {value}"),
                );
            }
            t
        });
        let runs = match top.get("runs").map(|v| (v, v.as_array())) {
            None => {
                r.error(
                    "runs",
                    "is required: a list of runs, for example [{\"optimizer\": \"adam\"}]",
                );
                Vec::new()
            }
            Some((value, None)) => {
                r.error("runs", format!("must be a list, got {value}"));
                Vec::new()
            }
            Some((_, Some(list))) => {
                if list.is_empty() || list.len() > MAX_RUNS {
                    r.error(
                        "runs",
                        format!("must hold 1 to {MAX_RUNS} runs, got {}", list.len()),
                    );
                }
                list.iter()
                    .enumerate()
                    .filter_map(|(i, run)| {
                        read_run(&mut r, run, &format!("runs[{i}]"), problem.as_ref())
                    })
                    .collect()
            }
        };
        match problem {
            Some(problem) if r.errors.is_empty() => Ok(Spec {
                problem,
                start,
                steps,
                seed,
                noise,
                batch_size,
                tolerance,
                runs,
            }),
            _ => Err(SpecError { errors: r.errors }),
        }
    }

    /// The spec as JSON, in the same form it is read (defaults left out).
    pub fn to_value(&self) -> Json {
        let mut top = Map::new();
        let mut problem = Map::new();
        problem.insert("name".into(), json!(self.problem.entry.name));
        problem.extend(self.problem.params.clone());
        top.insert("problem".into(), Json::Object(problem));
        if let Some(start) = self.start {
            top.insert("start".into(), json!(start));
        }
        top.insert("steps".into(), json!(self.steps));
        top.insert("seed".into(), json!(self.seed));
        match self.noise {
            Noise::None => {}
            Noise::Gaussian { sigma } => {
                top.insert("noise".into(), json!({"kind": "gaussian", "sigma": sigma}));
            }
            Noise::AlphaStable { alpha, scale } => {
                top.insert(
                    "noise".into(),
                    json!({"kind": "alpha-stable", "alpha": alpha, "scale": scale}),
                );
            }
        }
        if let Some(b) = self.batch_size {
            top.insert("batch_size".into(), json!(b));
        }
        if let Some(t) = self.tolerance {
            top.insert("tolerance".into(), json!(t));
        }
        let runs: Vec<Json> = self.runs.iter().map(RunSpec::to_value).collect();
        top.insert("runs".into(), Json::Array(runs));
        Json::Object(top)
    }
}

impl RunSpec {
    /// The run as JSON, with `beta1`/`beta2` written as torch's `betas` pair.
    pub fn to_value(&self) -> Json {
        let mut run = Map::new();
        run.insert("optimizer".into(), json!(self.optimizer.entry.name));
        if self.label != self.optimizer.entry.label {
            run.insert("label".into(), json!(self.label));
        }
        let mut given = self.given.clone();
        if given.contains_key("beta1") || given.contains_key("beta2") {
            given.remove("beta1");
            given.remove("beta2");
            let v = &self.optimizer.values;
            given.insert(
                "betas".into(),
                json!([v.number("beta1"), v.number("beta2")]),
            );
        }
        run.extend(given);
        if let Some((_, schedule)) = &self.schedule {
            run.insert("schedule".into(), schedule.clone());
        }
        match self.averaging {
            Some(Averaging::Uniform) => {
                run.insert("averaging".into(), json!({"kind": "uniform"}));
            }
            Some(Averaging::Exponential { decay }) => {
                run.insert(
                    "averaging".into(),
                    json!({"kind": "exponential", "decay": decay}),
                );
            }
            None => {}
        }
        if let Some(b) = self.batch_size {
            run.insert("batch_size".into(), json!(b));
        }
        Json::Object(run)
    }
}

fn read_problem(r: &mut Reader, value: &Json) -> Option<ProblemSpec> {
    let object = r.object(value, "problem")?;
    let Some(name) = object.get("name").and_then(Json::as_str) else {
        r.error("problem.name", "is required, for example \"rosenbrock\"");
        return None;
    };
    let entry = match problems::find_or_error(name) {
        Ok(entry) => entry,
        Err(e) => {
            r.errors.extend(e.errors);
            return None;
        }
    };
    let params = fields_except(object, "name");
    // Bad parameters are reported, but the problem is still known, so the
    // runs can be checked against it too.
    match resolve(entry.params, &params, "problem") {
        Err(errors) => r.errors.extend(errors),
        // What only the whole problem can check (a window's edges in order).
        Ok(_) => {
            if let Err(e) = problems::build(name, &params, 0) {
                r.errors.extend(e.errors);
            }
        }
    }
    Some(ProblemSpec { entry, params })
}

fn read_run(
    r: &mut Reader,
    value: &Json,
    scope: &str,
    problem: Option<&ProblemSpec>,
) -> Option<RunSpec> {
    let object = r.object(value, scope)?;
    let subject = problem.map_or((String::new(), &View::ALL[..]), |p| {
        (p.entry.subject(), p.entry.views)
    });
    let other_keys: Vec<&str> = RUN_KEYS[1..].to_vec();
    let read = r.optimizer(
        object,
        scope,
        "optimizer",
        &other_keys,
        (&subject.0, subject.1),
    );
    let label = match object.get("label") {
        None => None,
        Some(Json::String(s)) => Some(s.clone()),
        Some(other) => {
            r.error(
                format!("{scope}.label"),
                format!("must be a string, got {other}"),
            );
            None
        }
    };
    let averaging = object.get("averaging").and_then(|value| {
        match r.kinded(value, &format!("{scope}.averaging"), AVERAGING_KINDS)? {
            ("exponential", p) => Some(Averaging::Exponential {
                decay: p.number("decay"),
            }),
            _ => Some(Averaging::Uniform),
        }
    });
    let batch_size = read_batch_size(
        r,
        object.get("batch_size"),
        &format!("{scope}.batch_size"),
        problem,
    );
    let ReadOptimizer {
        configured: optimizer,
        given,
        schedule,
    } = read?;
    let label = label.unwrap_or_else(|| optimizer.entry.label.to_string());
    Some(RunSpec {
        optimizer,
        given,
        label,
        schedule,
        averaging,
        batch_size,
    })
}

/// A mini-batch size at `field`, refused where the problem is not a finite sum.
fn read_batch_size(
    r: &mut Reader,
    value: Option<&Json>,
    field: &str,
    problem: Option<&ProblemSpec>,
) -> Option<usize> {
    let size = value.map(|v| r.count(Some(v), field, 1, u32::MAX as u64, 1) as usize);
    if size.is_some() && problem.is_some_and(|p| !p.entry.offers(crate::problem::View::FiniteSum)) {
        r.error(field, "applies only to finite-sum problems (regression)");
    }
    size
}
