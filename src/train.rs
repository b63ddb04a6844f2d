//! Training the peaks classifier: the classifier spec, the training loop and
//! its history (train and test loss and accuracy, gradient norm, step size or
//! trust radius, wall time) and the decision regions on a grid.
//!
//! ```json
//! {"data": {"seed": 0, "points": 1000, "train_fraction": 0.8},
//!  "model": {"width": 32, "depth": 1, "init": "xavier", "parametrization": "standard"},
//!  "optimizer": {"name": "sgd", "lr": 0.1, "momentum": 0.9},
//!  "iterations": 2000, "batch_size": 32, "log_every": 50, "seed": 0}
//! ```
//! Every first-order optimizer of the registry (with its schedules) trains the
//! flat parameter vector unchanged; `lbfgs` runs full batch; `gauss-newton`
//! is the lecture's trust-region Gauss–Newton on the dense Gauss–Newton matrix.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value as Json};

use crate::data::{PeaksData, CLASSES};
use crate::error::{FieldError, SpecError};
use crate::nn::preconditioners::{Kfac, NaturalGradient, Shampoo};
use crate::nn::{Architecture, Classifier, Init, Mlp, Parametrization, Workspace};
use crate::optim::gauss_newton_tr::GaussNewtonTrustRegion;
use crate::optim::registry::{Configured, Family};
use crate::optim::schedule::{self, Schedule};
use crate::optim::{Noise, Optimizer, Oracle};
use crate::param::{resolve, ParamSpec, ParamValues};
use crate::problem::Objective;
use crate::random;

const DATA_PARAMS: &[ParamSpec] = &[
    ParamSpec::integer(
        "seed",
        "seed",
        0,
        0,
        u32::MAX,
        "seed of the sampled points and the split",
    ),
    ParamSpec::integer(
        "points",
        "n",
        1000,
        10,
        1_000_000,
        "points sampled on [−3, 3]²",
    ),
    ParamSpec::real(
        "train_fraction",
        "f",
        0.8,
        0.05,
        0.95,
        "fraction used for training",
    ),
];

const MODEL_PARAMS: &[ParamSpec] = &[
    ParamSpec::integer("width", "m", 32, 2, 16_384, "units per hidden layer"),
    ParamSpec::integer("depth", "L", 1, 1, 3, "hidden layers"),
    ParamSpec::choice(
        "init",
        "xavier",
        &["xavier", "he", "orthogonal", "glorot-uniform", "pytorch"],
        "weight initialisation",
    ),
    ParamSpec::choice(
        "parametrization",
        "standard",
        &["standard", "ntk", "mean-field"],
        "scaling with width",
    ),
    ParamSpec::log(
        "output_scale",
        "σ_out",
        1.0,
        1e-3,
        100.0,
        "NTK: scale of the output layer's initial weights",
    ),
];

const GAUSS_NEWTON_PARAMS: &[ParamSpec] = &[
    ParamSpec::flag(
        "matrix_free",
        false,
        "solve the subproblem by conjugate gradient on products Gv instead of forming G",
    ),
    ParamSpec::integer(
        "cg_iterations",
        "k",
        50,
        1,
        10_000,
        "matrix-free: most CG iterations per step",
    ),
    ParamSpec::log(
        "cg_tolerance",
        "η",
        1e-2,
        1e-12,
        1.0,
        "matrix-free: stop CG when ‖Gs + g‖ ≤ η‖g‖",
    ),
    ParamSpec::log("radius", "Δ₀", 1.0, 1e-3, 1e3, "initial trust radius"),
];

const NATURAL_GRADIENT_PARAMS: &[ParamSpec] = &[
    ParamSpec::log("lr", "α", 0.5, 1e-6, 10.0, "step size"),
    ParamSpec::log(
        "damping",
        "λ",
        1e-2,
        1e-9,
        10.0,
        "added to the Fisher's diagonal",
    ),
    ParamSpec::flag(
        "empirical",
        false,
        "use the empirical Fisher (per-sample gradients) instead of the true one",
    ),
];

const KFAC_PARAMS: &[ParamSpec] = &[
    ParamSpec::log("lr", "α", 0.1, 1e-6, 10.0, "step size"),
    ParamSpec::log(
        "damping",
        "λ",
        1e-2,
        1e-9,
        10.0,
        "Tikhonov damping, split as √λ on each factor",
    ),
    ParamSpec::real(
        "decay",
        "β",
        0.95,
        0.0,
        0.9999,
        "running-average decay of the factors",
    ),
];

const SHAMPOO_PARAMS: &[ParamSpec] = &[
    ParamSpec::log("lr", "α", 0.1, 1e-6, 10.0, "step size"),
    ParamSpec::log(
        "epsilon",
        "ε",
        1e-4,
        1e-12,
        1.0,
        "initial diagonal of both preconditioners",
    ),
];

/// The methods only the classifier has, with their parameters.
pub const NETWORK_METHODS: &[(&str, &[ParamSpec])] = &[
    ("gauss-newton", GAUSS_NEWTON_PARAMS),
    ("natural-gradient", NATURAL_GRADIENT_PARAMS),
    ("kfac", KFAC_PARAMS),
    ("shampoo", SHAMPOO_PARAMS),
];

const TOP_KEYS: &[&str] = &[
    "data",
    "model",
    "optimizer",
    "iterations",
    "batch_size",
    "log_every",
    "seed",
];

/// How the classifier is trained.
#[derive(Clone, Debug)]
pub enum Trainer {
    /// An optimizer of the registry, with its schedule.
    Registry(Configured, Schedule),
    /// Trust-region Gauss–Newton with initial radius Δ₀.
    GaussNewton {
        /// Δ₀.
        radius: f64,
        /// Conjugate gradient on products Gv instead of the dense G: (most iterations, tolerance).
        matrix_free: Option<(usize, f64)>,
    },
    /// Natural gradient, full batch.
    NaturalGradient {
        /// Step size.
        lr: f64,
        /// The method.
        method: NaturalGradient,
    },
    /// K-FAC on mini-batches.
    Kfac {
        /// Step size.
        lr: f64,
        /// Damping λ.
        damping: f64,
        /// Factor decay β.
        decay: f64,
    },
    /// Shampoo on mini-batches.
    Shampoo {
        /// Step size.
        lr: f64,
        /// ε.
        epsilon: f64,
    },
}

/// A classifier experiment.
#[derive(Clone, Debug)]
pub struct ClassifierSpec {
    /// Data seed, number of points and training fraction.
    pub data: (u64, usize, f64),
    /// The network.
    pub architecture: Architecture,
    /// Its initialisation.
    pub init: Init,
    /// The optimizer.
    pub trainer: Trainer,
    /// The optimizer's name.
    pub optimizer_name: String,
    /// Iterations (optimizer steps).
    pub iterations: usize,
    /// Mini-batch size (full batch when absent or at least the training set).
    pub batch_size: Option<usize>,
    /// Log every this many iterations.
    pub log_every: usize,
    /// Seed of the initialisation and the mini-batches.
    pub seed: u64,
}

fn sub_object(
    top: &Map<String, Json>,
    key: &str,
    errors: &mut Vec<FieldError>,
) -> BTreeMap<String, Json> {
    match top.get(key) {
        None => BTreeMap::new(),
        Some(Json::Object(map)) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        Some(other) => {
            errors.push(FieldError::new(
                key,
                format!("must be an object, got {other}"),
            ));
            BTreeMap::new()
        }
    }
}

fn count(
    value: Option<&Json>,
    field: &str,
    min: u64,
    max: u64,
    default: u64,
    errors: &mut Vec<FieldError>,
) -> u64 {
    match value {
        None => default,
        Some(v) => match v.as_u64() {
            Some(n) if (min..=max).contains(&n) => n,
            _ => {
                errors.push(FieldError::new(
                    field,
                    format!("must be a whole number in [{min}, {max}], got {v}"),
                ));
                default
            }
        },
    }
}

impl ClassifierSpec {
    /// Parses a classifier spec from JSON text, reporting every bad field.
    pub fn from_json(text: &str) -> Result<Self, SpecError> {
        let value: Json = serde_json::from_str(text)
            .map_err(|e| SpecError::single("spec", format!("is not valid JSON: {e}")))?;
        Self::from_value(&value)
    }

    /// Parses a classifier spec from a JSON value, reporting every bad field.
    pub fn from_value(value: &Json) -> Result<Self, SpecError> {
        let Some(top) = value.as_object() else {
            return Err(SpecError::single(
                "spec",
                format!("must be an object, got {value}"),
            ));
        };
        let mut errors = Vec::new();
        for key in top.keys().filter(|k| !TOP_KEYS.contains(&k.as_str())) {
            errors.push(FieldError::new(
                key.clone(),
                format!("unknown field; known fields: {}", TOP_KEYS.join(", ")),
            ));
        }
        let data = resolve(DATA_PARAMS, &sub_object(top, "data", &mut errors), "data");
        let model = resolve(
            MODEL_PARAMS,
            &sub_object(top, "model", &mut errors),
            "model",
        );
        let mut optimizer = sub_object(top, "optimizer", &mut errors);
        let name = match optimizer.remove("name") {
            Some(Json::String(name)) => name,
            _ => {
                errors.push(FieldError::new(
                    "optimizer.name",
                    "is required, for example \"sgd\"",
                ));
                String::new()
            }
        };
        let schedule_value = optimizer.remove("schedule");
        if let Some(b) = optimizer.remove("betas") {
            match b.as_array().filter(|a| a.len() == 2) {
                Some(pair) => {
                    optimizer.insert("beta1".into(), pair[0].clone());
                    optimizer.insert("beta2".into(), pair[1].clone());
                }
                None => errors.push(FieldError::new(
                    "optimizer.betas",
                    format!("must be a pair [β₁, β₂], got {b}"),
                )),
            }
        }
        let trainer = if let Some((_, params)) = NETWORK_METHODS.iter().find(|m| m.0 == name) {
            resolve(params, &optimizer, "optimizer")
                .map(|p| match name.as_str() {
                    "natural-gradient" => Trainer::NaturalGradient {
                        lr: p.number("lr"),
                        method: NaturalGradient {
                            damping: p.number("damping"),
                            empirical: p.flag("empirical"),
                        },
                    },
                    "kfac" => Trainer::Kfac {
                        lr: p.number("lr"),
                        damping: p.number("damping"),
                        decay: p.number("decay"),
                    },
                    "shampoo" => Trainer::Shampoo {
                        lr: p.number("lr"),
                        epsilon: p.number("epsilon"),
                    },
                    _ => Trainer::GaussNewton {
                        radius: p.number("radius"),
                        matrix_free: p
                            .flag("matrix_free")
                            .then(|| (p.count("cg_iterations"), p.number("cg_tolerance"))),
                    },
                })
                .map_err(|e| errors.extend(e))
                .ok()
        } else if name.is_empty() {
            None
        } else {
            match Configured::new(&name, &optimizer, "optimizer") {
                Ok(c) if c.entry.family == Family::FirstOrder || c.entry.name == "lbfgs" => {
                    if let Err(e) = c.build(2, "optimizer") {
                        errors.push(e);
                    }
                    let schedule = match &schedule_value {
                        None => Some(Schedule::Constant),
                        Some(v) => read_schedule(v, &mut errors),
                    };
                    schedule.map(|s| Trainer::Registry(c, s))
                }
                Ok(c) => {
                    errors.push(FieldError::new(
                        "optimizer.name",
                        format!(
                            "'{}' does not train the classifier; use a first-order optimizer, lbfgs, gauss-newton, natural-gradient, kfac or shampoo",
                            c.entry.name
                        ),
                    ));
                    None
                }
                Err(e) => {
                    errors.extend(e);
                    None
                }
            }
        };
        let iterations = count(
            top.get("iterations"),
            "iterations",
            0,
            10_000_000,
            1000,
            &mut errors,
        ) as usize;
        let batch_size = top
            .get("batch_size")
            .map(|v| count(Some(v), "batch_size", 1, u32::MAX as u64, 1, &mut errors) as usize);
        let log_every = count(
            top.get("log_every"),
            "log_every",
            1,
            10_000_000,
            50,
            &mut errors,
        ) as usize;
        let seed = count(top.get("seed"), "seed", 0, u64::MAX, 0, &mut errors);
        let (data, model) = match (data, model) {
            (Ok(d), Ok(m)) => (d, m),
            (d, m) => {
                errors.extend(d.err().unwrap_or_default());
                errors.extend(m.err().unwrap_or_default());
                return Err(SpecError { errors });
            }
        };
        match trainer {
            Some(trainer) if errors.is_empty() => Ok(Self {
                data: (
                    data.count("seed") as u64,
                    data.count("points"),
                    data.number("train_fraction"),
                ),
                architecture: architecture(&model),
                init: match model.choice("init") {
                    "he" => Init::He,
                    "orthogonal" => Init::Orthogonal,
                    "glorot-uniform" => Init::GlorotUniform,
                    "pytorch" => Init::PyTorch,
                    _ => Init::Xavier,
                },
                trainer,
                optimizer_name: name,
                iterations,
                batch_size,
                log_every,
                seed,
            }),
            _ => Err(SpecError { errors }),
        }
    }
}

fn architecture(model: &ParamValues) -> Architecture {
    Architecture {
        width: model.count("width"),
        depth: model.count("depth"),
        parametrization: match model.choice("parametrization") {
            "ntk" => Parametrization::Ntk {
                output_scale: model.number("output_scale"),
            },
            "mean-field" => Parametrization::MeanField,
            _ => Parametrization::Standard,
        },
    }
}

fn read_schedule(value: &Json, errors: &mut Vec<FieldError>) -> Option<Schedule> {
    let Some(map) = value.as_object() else {
        errors.push(FieldError::new(
            "optimizer.schedule",
            format!("must be an object, got {value}"),
        ));
        return None;
    };
    let kind = map.get("kind").and_then(Json::as_str).unwrap_or("");
    let params: BTreeMap<String, Json> = map
        .iter()
        .filter(|(k, _)| *k != "kind")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    schedule::build(kind, &params, "optimizer.schedule")
        .map_err(|e| errors.extend(e))
        .ok()
}

/// The record of one training run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TrainingHistory {
    /// Iteration of each log entry.
    pub iteration: Vec<usize>,
    /// Epochs (passes over the training set) at each entry.
    pub epoch: Vec<f64>,
    /// Mean cross-entropy on the training set.
    pub train_loss: Vec<f64>,
    /// Training accuracy.
    pub train_accuracy: Vec<f64>,
    /// Mean cross-entropy on the test set.
    pub test_loss: Vec<f64>,
    /// Test accuracy.
    pub test_accuracy: Vec<f64>,
    /// Full-batch gradient norm.
    pub grad_norm: Vec<f64>,
    /// The step size (learning rate) or trust radius of the last step.
    pub step: Vec<f64>,
    /// Milliseconds since training began.
    pub wall_ms: Vec<f64>,
    /// Conjugate-gradient iterations of the logged step (matrix-free Gauss–Newton).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cg_iterations: Vec<usize>,
}

/// Decision regions: the predicted class at each point of a square grid over [−3, 3]².
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DecisionGrid {
    /// Points per side.
    pub size: usize,
    /// Class indices, row-major, top row (y = 3) first.
    pub classes: Vec<u8>,
}

/// The result of training.
#[derive(Clone, Debug, Serialize)]
pub struct Training {
    /// The optimizer's name.
    pub optimizer: String,
    /// Number of parameters.
    pub parameters: usize,
    /// The log.
    pub history: TrainingHistory,
    /// Decision regions of the final network.
    pub grid: DecisionGrid,
    /// The final parameters.
    #[serde(skip)]
    pub theta: Vec<f64>,
}

/// The points of a `size × size` grid over [−3, 3]², top row first.
pub fn grid_points(size: usize) -> Vec<[f64; 2]> {
    let step = 6.0 / size as f64;
    (0..size)
        .flat_map(|row| {
            (0..size).map(move |col| {
                [
                    -3.0 + (col as f64 + 0.5) * step,
                    3.0 - (row as f64 + 0.5) * step,
                ]
            })
        })
        .collect()
}

/// The decision regions of `mlp` at θ on a `size × size` grid.
pub fn decision_grid(mlp: &Mlp, theta: &[f64], size: usize, ws: &mut Workspace) -> DecisionGrid {
    DecisionGrid {
        size,
        classes: mlp.predict(theta, &grid_points(size), ws),
    }
}

/// Whether training has blown up: a parameter that is not finite.
fn diverged(theta: &[f64]) -> bool {
    theta.iter().any(|v| !v.is_finite())
}

/// Grid points per side of the decision regions.
pub const GRID_SIZE: usize = 200;

/// Trains as `spec` says; `clock` gives milliseconds (the caller's timer, so
/// the core needs none).
pub fn train(spec: &ClassifierSpec, clock: &dyn Fn() -> f64) -> Result<Training, SpecError> {
    let started = clock();
    let data = PeaksData::generate(spec.data.0, spec.data.1, spec.data.2);
    let mlp = Mlp::new(spec.architecture);
    let mut theta = mlp.init(spec.init, spec.seed);
    let test = data.test.clone();
    let classifier = Classifier::new(mlp.clone(), data.train);
    let n_train = classifier.data.len().max(1);
    let batch = spec.batch_size.filter(|&b| b < n_train);
    let per_step = batch.unwrap_or(n_train) as f64 / n_train as f64;
    let mut ws = Workspace::default();
    let mut history = TrainingHistory::default();
    let mut grad = vec![0.0; theta.len()];
    let mut log = |iteration: usize, theta: &[f64], step: f64, history: &mut TrainingHistory| {
        let train = mlp.evaluate(theta, &classifier.data, &mut ws);
        let test = mlp.evaluate(theta, &test, &mut ws);
        classifier.gradient(theta, &mut grad);
        history.iteration.push(iteration);
        history.epoch.push(iteration as f64 * per_step);
        history.train_loss.push(train.loss);
        history.train_accuracy.push(train.accuracy);
        history.test_loss.push(test.loss);
        history.test_accuracy.push(test.accuracy);
        history
            .grad_norm
            .push(grad.iter().map(|g| g * g).sum::<f64>().sqrt());
        history.step.push(step);
        history.wall_ms.push(clock() - started);
    };
    log(0, &theta, f64::NAN, &mut history);
    match &spec.trainer {
        Trainer::Registry(configured, schedule) => {
            let full_batch = configured.entry.name == "lbfgs";
            let mut optimizer: Box<dyn Optimizer> = configured
                .build(theta.len(), "optimizer")
                .map_err(|e| SpecError { errors: vec![e] })?;
            let mut oracle = Oracle::new(
                &classifier,
                Noise::None,
                if full_batch { None } else { batch },
                random::stream(spec.seed, 7),
            );
            for t in 1..=spec.iterations {
                let lr = schedule.lr(configured.lr(), t - 1);
                let info = optimizer.step(&mut theta, &mut oracle, lr);
                if t % spec.log_every == 0 || t == spec.iterations {
                    log(t, &theta, info.lr, &mut history);
                }
                if diverged(&theta) {
                    log(t, &theta, info.lr, &mut history);
                    break;
                }
            }
        }
        Trainer::GaussNewton {
            radius,
            matrix_free,
        } => {
            let mut method = GaussNewtonTrustRegion::new(*radius);
            let mut model = Classifier::new(mlp.clone(), classifier.data.clone());
            for t in 1..=spec.iterations {
                let step = match matrix_free {
                    Some((max_cg, tolerance)) => {
                        method.step_matrix_free(&mut theta, &mut model, *max_cg, *tolerance)
                    }
                    None => method.step(&mut theta, &mut model),
                };
                if t % spec.log_every == 0 || t == spec.iterations {
                    log(t, &theta, step.radius, &mut history);
                    if matrix_free.is_some() {
                        history.cg_iterations.push(step.cg_iterations);
                    }
                }
            }
        }
        Trainer::NaturalGradient { lr, method } => {
            let mut ws = Workspace::default();
            for t in 1..=spec.iterations {
                let size = method.step(&mlp, &mut theta, &classifier.data, *lr, &mut ws);
                if t % spec.log_every == 0 || t == spec.iterations {
                    log(t, &theta, size, &mut history);
                }
                if diverged(&theta) {
                    log(t, &theta, size, &mut history);
                    break;
                }
            }
        }
        Trainer::Kfac { .. } | Trainer::Shampoo { .. } => {
            let mut kfac = match spec.trainer {
                Trainer::Kfac { damping, decay, .. } => Some(Kfac::new(damping, decay)),
                _ => None,
            };
            let mut shampoo = match spec.trainer {
                Trainer::Shampoo { epsilon, .. } => Some(Shampoo::new(epsilon)),
                _ => None,
            };
            let lr = match spec.trainer {
                Trainer::Kfac { lr, .. } | Trainer::Shampoo { lr, .. } => lr,
                _ => 0.0,
            };
            let mut rng = random::stream(spec.seed, 7);
            let mut order: Vec<usize> = (0..n_train).collect();
            let mut indices = Vec::new();
            let (mut inputs, mut labels) = (Vec::new(), Vec::new());
            let mut ws = Workspace::default();
            for t in 1..=spec.iterations {
                random::permutation_prefix(
                    &mut rng,
                    &mut order,
                    batch.unwrap_or(n_train),
                    &mut indices,
                );
                inputs.clear();
                labels.clear();
                inputs.extend(indices.iter().map(|&i| classifier.data.x[i]));
                labels.extend(indices.iter().map(|&i| classifier.data.labels[i]));
                let size = match (&mut kfac, &mut shampoo) {
                    (Some(k), _) => k.step(&mlp, &mut theta, &inputs, &labels, lr, &mut ws),
                    (_, Some(s)) => s.step(&mlp, &mut theta, &inputs, &labels, lr, &mut ws),
                    _ => 0.0,
                };
                if t % spec.log_every == 0 || t == spec.iterations {
                    log(t, &theta, size, &mut history);
                }
                if diverged(&theta) {
                    log(t, &theta, size, &mut history);
                    break;
                }
            }
        }
    }
    let mut ws = Workspace::default();
    let grid = decision_grid(&mlp, &theta, GRID_SIZE, &mut ws);
    debug_assert!(grid.classes.iter().all(|&c| usize::from(c) < CLASSES));
    Ok(Training {
        optimizer: spec.optimizer_name.clone(),
        parameters: theta.len(),
        history,
        grid,
        theta,
    })
}
