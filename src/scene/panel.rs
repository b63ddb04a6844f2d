//! A classifier panel's choices, as scenes and addresses write them, and the
//! classifier spec they stand for. Plain data: the page draws and trains
//! panels; this module only says what they are.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value as Json};

use crate::error::SpecError;
use crate::experiment::classifier::device::DeviceChoice;
use crate::experiment::classifier::ClassifierSpec;
use crate::optim::registry::{self, StepSize};

/// The most panels side by side.
pub const MAX_PANELS: usize = 4;

/// A panel's choices. Addresses write it as the classifier spec it trains
/// (which `descent train` accepts unchanged) and read that form or the
/// older panel form (see [`super::panel_form`]).
#[derive(Clone, Debug, PartialEq)]
pub struct PanelSetup {
    /// Hidden units per layer.
    pub width: usize,
    /// Optimizer name (in the registry).
    pub optimizer: String,
    /// Its hyperparameters (and schedule).
    pub params: BTreeMap<String, Json>,
    /// Mini-batch size.
    pub batch_size: usize,
    /// Iterations.
    pub iterations: usize,
    /// Where it may train.
    pub device: DeviceChoice,
    /// The network's other choices (`init`, `depth`, `parametrization`,
    /// `output_scale`); those left out take the classifier spec's defaults.
    pub model: BTreeMap<String, Json>,
    /// Spec fields a hand-written spec set differently from the page's
    /// defaults (`data`, `seed`, `log_every`), kept as given.
    pub rest: BTreeMap<String, Json>,
}

/// Training points in the lecture's data (1,000 points, 80 % for training).
pub const TRAIN_POINTS: usize = 800;

/// Widths from which a new panel takes PyTorch's initialisation: with zero
/// biases a wide, lazily trained network cannot fit the radial classes.
pub const WIDE_INIT_WIDTH: usize = 512;

/// The initialisation a new panel of `width` takes.
pub fn suited_init(width: usize) -> &'static str {
    if width >= WIDE_INIT_WIDTH {
        "pytorch"
    } else {
        "xavier"
    }
}

impl Default for PanelSetup {
    fn default() -> Self {
        Self::for_method(registry::SGD.name, 32)
    }
}

impl PanelSetup {
    /// A panel training `optimizer` on a network of `width`, with what
    /// suits the pair: the method's batch and iterations (first-order
    /// registry methods: batch 100, 500 iterations, α = 0.3 where α
    /// scales the gradient; full-batch methods: the full batch) and PyTorch's
    /// initialisation from [`WIDE_INIT_WIDTH`].
    pub fn for_method(optimizer: &str, width: usize) -> Self {
        let (batch, iterations) = registry::find(optimizer).map_or((100, 500), |o| {
            let batch = if o.budget.full_batch { 0 } else { 100 };
            (batch, o.budget.iterations)
        });
        // The lecture trains this network with α = 0.3 where α scales the gradient.
        let params = registry::find(optimizer)
            .filter(|o| o.step_size == StepSize::Curvature)
            .map(|_| BTreeMap::from([("lr".to_string(), json!(0.3))]))
            .unwrap_or_default();
        let mut setup = Self {
            width,
            optimizer: optimizer.to_string(),
            params,
            batch_size: if batch == 0 { TRAIN_POINTS } else { batch },
            iterations,
            device: DeviceChoice::Auto,
            model: BTreeMap::new(),
            rest: BTreeMap::new(),
        };
        setup.follow_width();
        setup
    }

    /// Sets the initialisation that suits the width (see [`WIDE_INIT_WIDTH`]).
    pub fn follow_width(&mut self) {
        self.model
            .insert("init".into(), json!(suited_init(self.width)));
    }

    /// The classifier spec the panel trains: the lecture's data (seed 1),
    /// about a hundred log entries over the run, unless the panel was read
    /// from a spec that set them otherwise.
    pub fn to_spec(&self) -> Json {
        let mut optimizer = Map::new();
        optimizer.insert("name".into(), json!(self.optimizer));
        optimizer.extend(self.params.clone());
        let mut model = Map::new();
        model.insert("width".into(), json!(self.width));
        model.extend(self.model.clone());
        let mut spec = json!({
            "data": {"seed": 1},
            "model": Json::Object(model),
            "optimizer": Json::Object(optimizer),
            "iterations": self.iterations,
            "batch_size": self.batch_size,
            "log_every": (self.iterations / 100).max(1),
            "seed": 1,
            "device": self.device.key(),
        });
        if let Json::Object(top) = &mut spec {
            top.extend(self.rest.clone());
        }
        spec
    }

    /// The classifier spec, validated (memory limits included).
    pub fn parsed(&self) -> Result<ClassifierSpec, SpecError> {
        ClassifierSpec::from_value(&self.to_spec())
    }
}
