//! The classifier spec: data, network, optimizer and training budget. Every
//! field has a default, so a spec needs only what differs:
//!
//! ```json
//! {"data": {"seed": 0, "points": 1000, "train_fraction": 0.8},
//!  "model": {"width": 32, "depth": 1, "init": "xavier", "parametrization": "standard"},
//!  "optimizer": {"name": "sgd", "lr": 0.1, "momentum": 0.9},
//!  "iterations": 2000, "batch_size": 32, "log_every": 50, "seed": 0}
//! ```

use serde_json::{json, Value as Json};

use super::device::DeviceChoice;
use crate::error::SpecError;
use crate::experiment::reader::{self, Reader};
use crate::nn::budget;
use crate::nn::{Architecture, Init, Parametrization, Precision};
use crate::optim::registry::{self, Configured, CLASSIFIER_VIEWS};
use crate::optim::schedule::Schedule;
use crate::param::{ParamSpec, ParamValues};

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
    ParamSpec::choice(
        "precision",
        "f64",
        &["f64", "f32"],
        "arithmetic of the loss and gradient (f32: one hidden layer)",
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

const TOP_KEYS: &[&str] = &[
    "data",
    "model",
    "optimizer",
    "iterations",
    "batch_size",
    "log_every",
    "spectrum_every",
    "seed",
    "device",
];

/// The optimizer when a spec names none.
const DEFAULT_OPTIMIZER: &str = registry::SGD.name;

/// The classifier as the optimizer check names it.
const SUBJECT: &str = "the peaks classifier";

/// A classifier experiment.
#[derive(Clone, Debug)]
pub struct ClassifierSpec {
    /// Data seed, number of points and training fraction.
    pub data: (u64, usize, f64),
    /// The network.
    pub architecture: Architecture,
    /// The arithmetic of its loss and gradient on the CPU.
    pub precision: Precision,
    /// Its initialisation.
    pub init: Init,
    /// The optimizer: its registry entry and hyperparameters.
    pub optimizer: Configured,
    /// Its learning-rate schedule.
    pub schedule: Schedule,
    /// Iterations (optimizer steps).
    pub iterations: usize,
    /// Mini-batch size (full batch when absent or at least the training set).
    pub batch_size: Option<usize>,
    /// Log every this many iterations.
    pub log_every: usize,
    /// Log the top of the Hessian's and the Gauss–Newton matrix's spectra
    /// every this many iterations (0: never; a multiple of `log_every`).
    pub spectrum_every: usize,
    /// Seed of the initialisation and the mini-batches.
    pub seed: u64,
    /// Where it may train: the page decides `auto` by the adapter and the
    /// width; `descent train` trains on the GPU only for `gpu` (or `--gpu`).
    pub device: DeviceChoice,
}

impl ClassifierSpec {
    /// Parses a classifier spec from JSON text, reporting every bad field.
    pub fn from_json(text: &str) -> Result<Self, SpecError> {
        Self::from_value(&reader::parse(text)?)
    }

    /// Parses a classifier spec from a JSON value, reporting every bad field,
    /// and refuses one whose optimizer would not fit its network.
    pub fn from_value(value: &Json) -> Result<Self, SpecError> {
        Self::read(value, true)
    }

    /// Parses a classifier spec whether or not its optimizer fits its
    /// network (the page keeps such a panel, saying why it does not train).
    pub fn from_value_unbudgeted(value: &Json) -> Result<Self, SpecError> {
        Self::read(value, false)
    }

    fn read(value: &Json, check_budget: bool) -> Result<Self, SpecError> {
        let mut r = Reader::default();
        let Some(top) = r.object(value, "spec") else {
            return r.finish(None);
        };
        r.unknown_keys(top, TOP_KEYS, "");
        let data = r.params_of(top, "data");
        let data = r.resolve(DATA_PARAMS, &data, "data");
        let model = r.params_of(top, "model");
        let model = r.resolve(MODEL_PARAMS, &model, "model");
        let default_optimizer = json!({"name": DEFAULT_OPTIMIZER});
        let optimizer = top.get("optimizer").unwrap_or(&default_optimizer);
        let optimizer = r.object(optimizer, "optimizer").and_then(|object| {
            r.optimizer(
                object,
                "optimizer",
                "name",
                &[],
                (SUBJECT, CLASSIFIER_VIEWS),
            )
        });
        let iterations = r.count(top.get("iterations"), "iterations", 0, 10_000_000, 1000) as usize;
        let batch_size = top
            .get("batch_size")
            .map(|v| r.count(Some(v), "batch_size", 1, u32::MAX as u64, 1) as usize);
        let log_every = r.count(top.get("log_every"), "log_every", 1, 10_000_000, 50) as usize;
        let spectrum_every = r.count(
            top.get("spectrum_every"),
            "spectrum_every",
            0,
            10_000_000,
            0,
        ) as usize;
        if spectrum_every % log_every != 0 {
            r.error(
                "spectrum_every",
                format!(
                    "the spectrum is computed at log entries: {spectrum_every} must be 0 or a multiple of log_every ({log_every})"
                ),
            );
        }
        let seed = r.count(top.get("seed"), "seed", 0, u64::MAX, 0);
        let device = match top.get("device") {
            None => DeviceChoice::Auto,
            Some(value) => {
                let found = DeviceChoice::ALL
                    .iter()
                    .find(|(key, _)| value.as_str() == Some(key));
                if found.is_none() {
                    r.error(
                        "device",
                        format!("must be \"auto\", \"cpu\" or \"gpu\", got {value}"),
                    );
                }
                found.map_or(DeviceChoice::Auto, |(_, d)| *d)
            }
        };
        let (Some(data), Some(model), Some(optimizer)) = (data, model, optimizer) else {
            return r.finish(None);
        };
        let architecture = architecture(&model);
        let precision = Precision::named(model.choice("precision")).unwrap_or_default();
        if precision == Precision::F32 && architecture.depth > 1 {
            r.error(
                "model.precision",
                format!(
                    "\"f32\" runs the one-hidden-layer kernel: depth must be 1, got {}",
                    architecture.depth
                ),
            );
        }
        let spec = Self {
            data: (
                data.count("seed") as u64,
                data.count("points"),
                data.number("train_fraction"),
            ),
            architecture,
            precision,
            init: init(model.choice("init")),
            schedule: optimizer.schedule.map_or(Schedule::Constant, |s| s.0),
            optimizer: optimizer.configured,
            iterations,
            batch_size,
            log_every,
            spectrum_every,
            seed,
            device,
        };
        if let (true, Err(e)) = (
            check_budget,
            budget::check(&spec.optimizer, architecture, spec.train_points()),
        ) {
            r.errors.push(e);
        }
        r.finish(Some(spec))
    }

    /// The optimizer's name.
    pub fn optimizer_name(&self) -> &'static str {
        self.optimizer.entry.name
    }

    /// Training points.
    pub fn train_points(&self) -> usize {
        (self.data.1 as f64 * self.data.2).round() as usize
    }
}

fn init(name: &str) -> Init {
    match name {
        "he" => Init::He,
        "orthogonal" => Init::Orthogonal,
        "glorot-uniform" => Init::GlorotUniform,
        "pytorch" => Init::PyTorch,
        _ => Init::Xavier,
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
