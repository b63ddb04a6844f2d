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

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use crate::data::{Dataset, PeaksData, CLASSES};
use crate::error::{FieldError, SpecError};
use crate::nn::budget::{self, CurvatureKind};
use crate::nn::preconditioners::{Kfac, NaturalGradient, Shampoo};
use crate::nn::{Architecture, Classifier, Init, Mlp, Parametrization, Workspace};
use crate::optim::gauss_newton_tr::GaussNewtonTrustRegion;
use crate::optim::registry::{Configured, Family};
use crate::optim::schedule::{self, Schedule};
use crate::optim::{Noise, Optimizer, Oracle};
use crate::param::{resolve, ParamSpec, ParamValues};
use crate::problem::Objective;
use crate::random;
use crate::spec::fields_except;

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

/// The network's declared choices (width, depth, initialisation, parametrisation).
pub const MODEL_PARAMS: &[ParamSpec] = &[
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

/// A method only the classifier has.
#[derive(Debug)]
pub struct NetworkMethod {
    /// Its name in specs.
    pub name: &'static str,
    /// Its name in menus.
    pub label: &'static str,
    /// Its hyperparameters.
    pub params: &'static [ParamSpec],
    /// Its update, one line per equation, in the symbols of its parameters.
    pub equations: &'static str,
    /// Mini-batch size and iterations a panel starts with (0 is the full batch).
    pub budget: (usize, usize),
}

/// The methods only the classifier has, with their parameters and equations.
pub const NETWORK_METHODS: &[NetworkMethod] = &[
    NetworkMethod {
        name: "gauss-newton",
        label: "trust-region Gauss–Newton (full batch)",
        params: GAUSS_NEWTON_PARAMS,
        equations: "G = (1/N) Σᵢ JᵢᵀHᵢJᵢ,  g = ∇L(θ)\npₖ = argmin ‖p‖≤Δ  L + gᵀp + ½ pᵀG p   (matrix free: k CG steps on Gv, to ‖Gs + g‖ ≤ η‖g‖)\nρ = (L(θ) − L(θ + pₖ)) / (m(0) − m(pₖ));  ρ < ¼: Δ ← Δ/4;  ρ > ¾: Δ ← 2Δ\nρ > 0: θ ← θ + pₖ",
        budget: (0, 35),
    },
    NetworkMethod {
        name: "natural-gradient",
        label: "natural gradient (full batch)",
        params: NATURAL_GRADIENT_PARAMS,
        equations: "F = (1/N) Σᵢ JᵢᵀHᵢJᵢ   (empirical: F = (1/N) Σᵢ gᵢgᵢᵀ)\nθ ← θ − α (F + λI)⁻¹ ∇L(θ)",
        budget: (0, 100),
    },
    NetworkMethod {
        name: "kfac",
        label: "K-FAC",
        params: KFAC_PARAMS,
        equations: "per layer: A ← β A + (1 − β) E[āāᵀ],  S ← β S + (1 − β) E[δδᵀ]\nW̄ ← W̄ − α (A + √λ I)⁻¹ ∇W̄ (S + √λ I)⁻¹",
        budget: (100, 300),
    },
    NetworkMethod {
        name: "shampoo",
        label: "Shampoo",
        params: SHAMPOO_PARAMS,
        equations: "per layer, G = ∇W̄:  L ← L + GGᵀ,  R ← R + GᵀG   (L₀ = R₀ = εI)\nW̄ ← W̄ − α L^(−1/4) G R^(−1/4)",
        budget: (100, 300),
    },
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

impl Trainer {
    /// The curvature the method keeps, whose size limits the network.
    pub fn curvature(&self) -> Option<CurvatureKind> {
        match self {
            Trainer::GaussNewton {
                matrix_free: None, ..
            } => Some(CurvatureKind::Dense { rows: CLASSES }),
            Trainer::NaturalGradient { method, .. } => Some(CurvatureKind::Dense {
                rows: if method.empirical { 1 } else { CLASSES },
            }),
            Trainer::Kfac { .. } => Some(CurvatureKind::Kronecker { eigen: false }),
            Trainer::Shampoo { .. } => Some(CurvatureKind::Kronecker { eigen: true }),
            _ => None,
        }
    }
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
        let trainer = if let Some(method) = NETWORK_METHODS.iter().find(|m| m.name == name) {
            resolve(method.params, &optimizer, "optimizer")
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
        let architecture = architecture(&model);
        let samples = (data.count("points") as f64 * data.number("train_fraction")) as usize;
        if let Some(kind) = trainer.as_ref().and_then(Trainer::curvature) {
            if let Err(e) = budget::check(kind, architecture, samples, &name) {
                errors.push(e);
            }
        }
        match trainer {
            Some(trainer) if errors.is_empty() => Ok(Self {
                data: (
                    data.count("seed") as u64,
                    data.count("points"),
                    data.number("train_fraction"),
                ),
                architecture,
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
    let params = fields_except(map, "kind");
    schedule::build(kind, &params, "optimizer.schedule")
        .map_err(|e| errors.extend(e))
        .ok()
}

/// The record of one training run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cg_iterations: Vec<usize>,
}

/// Decision regions: the predicted class at each point of a square grid over [−3, 3]².
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DecisionGrid {
    /// Points per side.
    pub size: usize,
    /// Class indices, row-major, top row (y = 3) first.
    #[serde(with = "serde_bytes")]
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

/// The optimizer's state between iterations.
enum Method {
    Registry {
        optimizer: Box<dyn Optimizer>,
        lr: f64,
        schedule: Schedule,
        full_batch: bool,
    },
    GaussNewton {
        method: GaussNewtonTrustRegion,
        model: Box<Classifier>,
        matrix_free: Option<(usize, f64)>,
    },
    Natural {
        lr: f64,
        method: NaturalGradient,
    },
    Kfac {
        lr: f64,
        method: Kfac,
    },
    Shampoo {
        lr: f64,
        method: Shampoo,
    },
}

/// A training run that can be advanced a few iterations at a time (the page
/// trains in slices per animation frame; the CLI all at once, with the same result).
pub struct Session {
    spec: ClassifierSpec,
    mlp: Mlp,
    classifier: Classifier,
    test: Dataset,
    theta: Vec<f64>,
    method: Method,
    iteration: usize,
    diverged: bool,
    history: TrainingHistory,
    rng: random::ChaCha8Rng,
    order: Vec<usize>,
    ws: Workspace,
    started: f64,
}

impl Session {
    /// Sets up training as `spec` says (data, network, optimizer) and logs
    /// iteration 0; `now` is the caller's clock in milliseconds.
    pub fn new(spec: &ClassifierSpec, now: f64) -> Result<Self, SpecError> {
        let data = PeaksData::generate(spec.data.0, spec.data.1, spec.data.2);
        let mlp = Mlp::new(spec.architecture);
        let theta = mlp.init(spec.init, spec.seed);
        let classifier = Classifier::new(mlp.clone(), data.train);
        let method = match &spec.trainer {
            Trainer::Registry(configured, schedule) => Method::Registry {
                optimizer: configured
                    .build(theta.len(), "optimizer")
                    .map_err(|e| SpecError { errors: vec![e] })?,
                lr: configured.lr(),
                schedule: *schedule,
                full_batch: configured.entry.name == "lbfgs",
            },
            Trainer::GaussNewton {
                radius,
                matrix_free,
            } => Method::GaussNewton {
                method: GaussNewtonTrustRegion::new(*radius),
                model: Box::new(Classifier::new(mlp.clone(), classifier.data.clone())),
                matrix_free: *matrix_free,
            },
            Trainer::NaturalGradient { lr, method } => Method::Natural {
                lr: *lr,
                method: method.clone(),
            },
            Trainer::Kfac { lr, damping, decay } => Method::Kfac {
                lr: *lr,
                method: Kfac::new(*damping, *decay),
            },
            Trainer::Shampoo { lr, epsilon } => Method::Shampoo {
                lr: *lr,
                method: Shampoo::new(*epsilon),
            },
        };
        let n_train = classifier.data.len();
        let mut session = Self {
            spec: spec.clone(),
            mlp,
            classifier,
            test: data.test,
            theta,
            method,
            iteration: 0,
            diverged: false,
            history: TrainingHistory::default(),
            rng: random::stream(spec.seed, 7),
            order: (0..n_train).collect(),
            ws: Workspace::default(),
            started: now,
        };
        session.log(f64::NAN, None, now);
        Ok(session)
    }

    /// The mini-batch size in use (None: full batch).
    fn batch(&self) -> Option<usize> {
        self.spec
            .batch_size
            .filter(|&b| b < self.classifier.data.len())
    }

    fn log(&mut self, step: f64, cg_iterations: Option<usize>, now: f64) {
        let n_train = self.classifier.data.len().max(1);
        let per_step = self.batch().unwrap_or(n_train) as f64 / n_train as f64;
        let train = self
            .mlp
            .evaluate(&self.theta, &self.classifier.data, &mut self.ws);
        let test = self.mlp.evaluate(&self.theta, &self.test, &mut self.ws);
        let mut grad = vec![0.0; self.theta.len()];
        self.classifier.gradient(&self.theta, &mut grad);
        let h = &mut self.history;
        h.iteration.push(self.iteration);
        h.epoch.push(self.iteration as f64 * per_step);
        h.train_loss.push(train.loss);
        h.train_accuracy.push(train.accuracy);
        h.test_loss.push(test.loss);
        h.test_accuracy.push(test.accuracy);
        h.grad_norm
            .push(grad.iter().map(|g| g * g).sum::<f64>().sqrt());
        h.step.push(step);
        h.wall_ms.push(now - self.started);
        if let Some(cg) = cg_iterations {
            h.cg_iterations.push(cg);
        }
    }

    /// Continues from parameters `theta` reached after `iteration` iterations,
    /// with the log so far, as when a run on the GPU falls back to the CPU:
    /// the mini-batches continue where that run's were (the same stream), and
    /// the optimizer's state (momentum, moments) starts afresh.
    pub fn resume(&mut self, iteration: usize, theta: &[f64], history: TrainingHistory) {
        if theta.len() != self.theta.len() {
            return;
        }
        if let (
            Method::Registry {
                full_batch: false, ..
            },
            Some(size),
        ) = (&self.method, self.batch())
        {
            let mut rows = Vec::new();
            for _ in 0..iteration {
                random::permutation_prefix(&mut self.rng, &mut self.order, size, &mut rows);
            }
        }
        self.theta.copy_from_slice(theta);
        self.iteration = iteration;
        self.history = history;
    }

    /// Whether every iteration has been taken (or training blew up).
    pub fn finished(&self) -> bool {
        self.diverged || self.iteration >= self.spec.iterations
    }

    /// Iterations taken so far.
    pub fn iteration(&self) -> usize {
        self.iteration
    }

    /// The log so far.
    pub fn history(&self) -> &TrainingHistory {
        &self.history
    }

    /// The current parameters.
    pub fn theta(&self) -> &[f64] {
        &self.theta
    }

    /// The training and test points.
    pub fn data(&self) -> (&Dataset, &Dataset) {
        (&self.classifier.data, &self.test)
    }

    /// The decision regions of the current network on a `size × size` grid.
    pub fn grid(&mut self, size: usize) -> DecisionGrid {
        decision_grid(&self.mlp, &self.theta, size, &mut self.ws)
    }

    /// Takes up to `count` iterations; `clock` gives milliseconds. Returns how many were taken.
    pub fn advance(&mut self, count: usize, clock: &dyn Fn() -> f64) -> usize {
        let mut taken = 0;
        while taken < count && !self.finished() {
            let (step, cg) = self.iterate();
            self.iteration += 1;
            taken += 1;
            self.diverged = diverged(&self.theta);
            let t = self.iteration;
            if t % self.spec.log_every == 0 || t == self.spec.iterations || self.diverged {
                self.log(step, cg, clock());
            }
        }
        taken
    }

    /// One iteration; returns the step size (or radius) and, for matrix-free
    /// Gauss–Newton, the CG iterations.
    fn iterate(&mut self) -> (f64, Option<usize>) {
        let batch = self.batch();
        let n_train = self.classifier.data.len();
        let t = self.iteration;
        match &mut self.method {
            Method::Registry {
                optimizer,
                lr,
                schedule,
                full_batch,
            } => {
                let rng = std::mem::replace(&mut self.rng, random::stream(0, 0));
                let order = std::mem::take(&mut self.order);
                let mut oracle = Oracle::resume(
                    &self.classifier,
                    Noise::None,
                    if *full_batch { None } else { batch },
                    rng,
                    order,
                );
                let info = optimizer.step(&mut self.theta, &mut oracle, schedule.lr(*lr, t));
                (self.rng, self.order) = oracle.into_state();
                (info.lr, None)
            }
            Method::GaussNewton {
                method,
                model,
                matrix_free,
            } => {
                let step = match matrix_free {
                    Some((max_cg, tolerance)) => method.step_matrix_free(
                        &mut self.theta,
                        model.as_mut(),
                        *max_cg,
                        *tolerance,
                    ),
                    None => method.step(&mut self.theta, model.as_mut()),
                };
                (step.radius, matrix_free.map(|_| step.cg_iterations))
            }
            Method::Natural { lr, method } => {
                let size = method.step(
                    &self.mlp,
                    &mut self.theta,
                    &self.classifier.data,
                    *lr,
                    &mut self.ws,
                );
                (size, None)
            }
            Method::Kfac { .. } | Method::Shampoo { .. } => {
                let mut indices = Vec::new();
                random::permutation_prefix(
                    &mut self.rng,
                    &mut self.order,
                    batch.unwrap_or(n_train),
                    &mut indices,
                );
                let inputs: Vec<[f64; 2]> =
                    indices.iter().map(|&i| self.classifier.data.x[i]).collect();
                let labels: Vec<usize> = indices
                    .iter()
                    .map(|&i| self.classifier.data.labels[i])
                    .collect();
                let size = match &mut self.method {
                    Method::Kfac { lr, method } => method.step(
                        &self.mlp,
                        &mut self.theta,
                        &inputs,
                        &labels,
                        *lr,
                        &mut self.ws,
                    ),
                    Method::Shampoo { lr, method } => method.step(
                        &self.mlp,
                        &mut self.theta,
                        &inputs,
                        &labels,
                        *lr,
                        &mut self.ws,
                    ),
                    _ => 0.0,
                };
                (size, None)
            }
        }
    }
}

/// Trains as `spec` says; `clock` gives milliseconds (the caller's timer, so
/// the core needs none).
pub fn train(spec: &ClassifierSpec, clock: &dyn Fn() -> f64) -> Result<Training, SpecError> {
    let mut session = Session::new(spec, clock())?;
    session.advance(spec.iterations, clock);
    let grid = session.grid(GRID_SIZE);
    debug_assert!(grid.classes.iter().all(|&c| usize::from(c) < CLASSES));
    Ok(Training {
        optimizer: spec.optimizer_name.clone(),
        parameters: session.theta.len(),
        history: session.history,
        grid,
        theta: session.theta,
    })
}
