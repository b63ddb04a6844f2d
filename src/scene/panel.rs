//! A classifier panel's choices, as scenes and addresses write them, and the
//! classifier spec they stand for. Plain data: the page draws and trains
//! panels; this module only says what they are.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value as Json};

use crate::error::SpecError;
use crate::experiment::classifier::ClassifierSpec;
use crate::optim::registry::{self, StepSize};

/// The most panels side by side.
pub const MAX_PANELS: usize = 4;

/// A panel's choices.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PanelSetup {
    /// Hidden units per layer.
    pub width: usize,
    /// Optimizer name (registry or network method).
    pub optimizer: String,
    /// Its hyperparameters.
    #[serde(default)]
    pub params: BTreeMap<String, Json>,
    /// Mini-batch size.
    pub batch_size: usize,
    /// Iterations.
    pub iterations: usize,
    /// Where it may train.
    #[serde(default)]
    pub device: DeviceChoice,
    /// The network's other choices (`init`, `depth`, `parametrization`,
    /// `output_scale`); those left out take the classifier spec's defaults.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub model: BTreeMap<String, Json>,
}

/// Where a panel may train.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeviceChoice {
    /// Where it is faster: see [`DeviceChoice::decide`].
    #[default]
    Auto,
    /// On the CPU (WebAssembly, in the worker).
    Cpu,
    /// On the GPU whenever the browser offers WebGPU and the GPU has the optimizer.
    Gpu,
}

/// The narrowest network "auto" sends to a hardware GPU. Below it a step is a
/// few microseconds of arithmetic and the GPU's dispatch and read-back latency
/// dominates (measured in the page: width 32 trains at 1,386 steps/s on the
/// CPU in WebAssembly; width 512 at 35 steps/s, where a GPU's throughput wins).
pub const AUTO_GPU_WIDTH: usize = 512;

/// What the browser's WebGPU adapter is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Adapter {
    /// None offered.
    None,
    /// A software renderer (SwiftShader, lavapipe): the CPU emulating a GPU.
    Software,
    /// A GPU.
    Hardware,
}

impl DeviceChoice {
    /// Every choice with its key in menus and addresses.
    pub const ALL: [(&'static str, DeviceChoice); 3] = [
        ("auto", DeviceChoice::Auto),
        ("cpu", DeviceChoice::Cpu),
        ("gpu", DeviceChoice::Gpu),
    ];

    /// Its key in menus and addresses.
    pub fn key(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, c)| *c == self)
            .map_or("auto", |(k, _)| k)
    }
    /// Whether a panel of `width` trains on the GPU given the `adapter`, and
    /// why not when it does not (shown beside the panel).
    pub fn decide(self, width: usize, adapter: Adapter) -> Result<(), String> {
        match (self, adapter) {
            (DeviceChoice::Cpu, _) => Err("on the CPU, as chosen".into()),
            (_, Adapter::None) => Err("on the CPU: the browser offers no WebGPU".into()),
            (DeviceChoice::Gpu, _) => Ok(()),
            (DeviceChoice::Auto, Adapter::Software) => Err(
                "auto chose the CPU: the WebGPU adapter is a software renderer, slower than the CPU (choose GPU to use it anyway)".into(),
            ),
            (DeviceChoice::Auto, Adapter::Hardware) if width < AUTO_GPU_WIDTH => Err(format!(
                "auto chose the CPU: below width {AUTO_GPU_WIDTH} a step is too small for the GPU's dispatch latency (choose GPU to use it anyway)"
            )),
            (DeviceChoice::Auto, Adapter::Hardware) => Ok(()),
        }
    }
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
        };
        setup.follow_width();
        setup
    }

    /// Sets the initialisation that suits the width (see [`WIDE_INIT_WIDTH`]).
    pub fn follow_width(&mut self) {
        self.model
            .insert("init".into(), json!(suited_init(self.width)));
    }

    /// The classifier spec the panel trains: the lecture's data (seed 1) and
    /// about a hundred log entries over the run.
    pub fn to_spec(&self) -> Json {
        let mut optimizer = Map::new();
        optimizer.insert("name".into(), json!(self.optimizer));
        optimizer.extend(self.params.clone());
        let mut model = Map::new();
        model.insert("width".into(), json!(self.width));
        model.extend(self.model.clone());
        json!({
            "data": {"seed": 1},
            "model": Json::Object(model),
            "optimizer": Json::Object(optimizer),
            "iterations": self.iterations,
            "batch_size": self.batch_size,
            "log_every": (self.iterations / 100).max(1),
            "seed": 1,
        })
    }

    /// The classifier spec, validated (memory limits included).
    pub fn parsed(&self) -> Result<ClassifierSpec, SpecError> {
        ClassifierSpec::from_value(&self.to_spec())
    }
}

/// The panels an address's JSON names, and what was wrong with the others:
/// each panel that cannot be read or would not train is left out and named.
pub fn salvage_panels(text: &str) -> (Vec<PanelSetup>, Vec<String>) {
    let panels = match serde_json::from_str::<Json>(text) {
        Ok(Json::Object(mut object)) => match object.remove("panels") {
            Some(Json::Array(panels)) => panels,
            _ => return (Vec::new(), vec!["classifier: no list of panels".into()]),
        },
        _ => {
            return (
                Vec::new(),
                vec!["classifier: the address does not hold a JSON object".into()],
            )
        }
    };
    let mut problems = Vec::new();
    let mut setups = Vec::new();
    for (i, panel) in panels.into_iter().enumerate() {
        let checked = serde_json::from_value::<PanelSetup>(with_defaults(panel))
            .map_err(|e| e.to_string())
            .and_then(|setup| setup.parsed().map(|_| setup).map_err(|e| e.to_string()));
        match checked {
            Ok(setup) if setups.len() < MAX_PANELS => setups.push(setup),
            Ok(_) => problems.push(format!(
                "classifier panel {}: at most {MAX_PANELS} panels",
                i + 1
            )),
            Err(e) => problems.push(format!("classifier panel {}: {e}", i + 1)),
        }
    }
    (setups, problems)
}

/// A hand-written panel with the fields it leaves out filled in as a new
/// panel of its optimizer and width would have them.
fn with_defaults(panel: Json) -> Json {
    let Json::Object(given) = panel else {
        return panel;
    };
    let optimizer = given
        .get("optimizer")
        .and_then(Json::as_str)
        .unwrap_or(registry::SGD.name);
    let width = given
        .get("width")
        .and_then(Json::as_u64)
        .map_or(32, |w| w as usize);
    let mut filled = match serde_json::to_value(PanelSetup::for_method(optimizer, width)) {
        Ok(Json::Object(defaults)) => defaults,
        _ => Map::new(),
    };
    if given.contains_key("params") {
        filled.remove("params");
    }
    if let (Some(Json::Object(model)), Some(Json::Object(defaults))) =
        (given.get("model"), filled.get_mut("model"))
    {
        defaults.extend(model.clone());
    }
    for (key, value) in given {
        if key != "model" {
            filled.insert(key, value);
        }
    }
    Json::Object(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_picks_the_gpu_only_where_it_is_faster() {
        use Adapter::*;
        use DeviceChoice::*;
        assert!(Auto.decide(8192, Hardware).is_ok());
        assert!(Auto.decide(32, Hardware).unwrap_err().contains("width 512"));
        assert!(Auto
            .decide(8192, Software)
            .unwrap_err()
            .contains("software"));
        assert!(Gpu.decide(32, Software).is_ok());
        assert!(Gpu.decide(32, None).unwrap_err().contains("no WebGPU"));
        assert!(Cpu.decide(8192, Hardware).is_err());
    }

    #[test]
    fn a_bad_panel_is_left_out_and_named() {
        let text = r#"{"panels": [
            {"width": 32, "optimizer": "sgd", "params": {"lr": 0.3}, "batch_size": 100, "iterations": 10},
            {"width": 32, "optimizer": "nope", "batch_size": 100, "iterations": 10},
            {"width": 64, "optimizer": "adam", "batch_size": 800, "iterations": 5, "model": {"init": "he", "depth": 2}}]}"#;
        let (setups, problems) = salvage_panels(text);
        assert_eq!(setups.len(), 2);
        assert_eq!(setups[1].model["init"], json!("he"));
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].starts_with("classifier panel 2:"),
            "{problems:?}"
        );
    }

    #[test]
    fn a_hand_written_panel_needs_only_what_differs() {
        let (setups, problems) =
            salvage_panels(r#"{"panels": [{"optimizer": "gauss-newton-tr"}, {"width": 8192}]}"#);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(setups[0].batch_size, TRAIN_POINTS);
        assert_eq!(setups[0].iterations, 35);
        assert_eq!(setups[1].optimizer, "sgd");
        assert_eq!(setups[1].model["init"], json!("pytorch"));
    }
}
