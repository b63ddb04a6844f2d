//! The classifier mode's state: its panels' setups and the scene they came
//! from, and every action on them.

use serde_json::{json, Value as Json};

use super::entry::parse_entry;
use super::Effect;
use crate::experiment::classifier::device::DeviceChoice;
use crate::experiment::classifier::MODEL_PARAMS;
use crate::optim::registry::{self, OptimizerEntry, CLASSIFIER_VIEWS};
use crate::param::ParamSpec;
use crate::scene::panel::{suited_init, PanelSetup, MAX_PANELS, TRAIN_POINTS};
use crate::scene::{network::NetworkScene, CLASSIFIER_SCENES};

/// The width control, as declared for the model.
pub fn width_spec() -> &'static ParamSpec {
    MODEL_PARAMS
        .iter()
        .find(|p| p.name == "width")
        .unwrap_or(&MODEL_PARAMS[0])
}

/// The batch control, as a declared parameter.
pub static BATCH: ParamSpec = ParamSpec::integer(
    "batch_size",
    "batch",
    100,
    1,
    TRAIN_POINTS as u32,
    "mini-batch size (800 is the full training set)",
);
/// The iterations control, as a declared parameter.
pub static ITERATIONS: ParamSpec = ParamSpec::integer(
    "iterations",
    "iterations",
    500,
    1,
    1_000_000,
    "iterations to train",
);

/// A panel's number or choice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PanelField {
    /// Hidden units per layer.
    Width,
    /// Mini-batch size.
    Batch,
    /// Iterations.
    Iterations,
    /// An optimizer hyperparameter.
    Param(String),
    /// A model choice other than the width (`init`, `depth`, …).
    Model(String),
}

/// Everything a user can do to the classifier mode.
#[derive(Clone, Debug, PartialEq)]
pub enum ClassifierAction {
    /// Load the classifier scene with this index.
    LoadScene(usize),
    /// Load the lecture's own classifier scene with this index.
    LoadOwnScene(usize, Box<NetworkScene>),
    /// Set panel `i`'s field to a value from a slider, checkbox or menu.
    Set(usize, PanelField, Json),
    /// Commit the text typed into panel `i`'s number box.
    Enter(usize, PanelField, String),
    /// Switch panel `i`'s optimizer (batch, iterations and hyperparameters
    /// reset to the method's).
    SetOptimizer(usize, String),
    /// Choose where panel `i` trains.
    SetDevice(usize, DeviceChoice),
    /// Add a panel like the last.
    Add,
    /// Remove panel `i`.
    Remove(usize),
}

/// The classifier mode's state.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassifierState {
    /// The panels, side by side.
    pub panels: Vec<PanelSetup>,
    /// The scene they came from, while unchanged.
    pub scene: Option<usize>,
    /// The lecture's own scene they came from (its index there), while unchanged.
    pub own_scene: Option<usize>,
}

impl Default for ClassifierState {
    fn default() -> Self {
        let mut state = Self {
            panels: Vec::new(),
            scene: None,
            own_scene: None,
        };
        let mut notice = None;
        state.load_scene(0, &mut notice);
        if state.panels.is_empty() {
            state.panels.push(PanelSetup::default());
        }
        state
    }
}

/// The classifier scenes, read from their files (a broken one is named in `notice`).
pub fn scenes(notice: &mut Option<String>) -> Vec<NetworkScene> {
    CLASSIFIER_SCENES
        .iter()
        .filter_map(|file| match NetworkScene::from_json(file.text) {
            Ok(scene) => Some(scene),
            Err(err) => {
                *notice = Some(format!("scene {}: {err}", file.name));
                None
            }
        })
        .collect()
}

/// The registry optimizer called `name`, if it trains the classifier.
pub fn method(name: &str) -> Option<&'static OptimizerEntry> {
    registry::find(name).filter(|o| o.unmet_by(CLASSIFIER_VIEWS, "").is_none())
}

/// The hyperparameters of the method called `optimizer` (none if unknown).
pub fn method_params(optimizer: &str) -> &'static [ParamSpec] {
    method(optimizer).map_or(&[], |m| m.params)
}

/// The declaration behind `field` of a panel training `setup`.
pub fn panel_spec(setup: &PanelSetup, field: &PanelField) -> Option<&'static ParamSpec> {
    match field {
        PanelField::Width => Some(width_spec()),
        PanelField::Batch => Some(&BATCH),
        PanelField::Iterations => Some(&ITERATIONS),
        PanelField::Param(name) => method_params(&setup.optimizer)
            .iter()
            .find(|p| p.name == *name),
        PanelField::Model(name) => MODEL_PARAMS.iter().find(|p| p.name == *name),
    }
}

/// The value `setup` uses for `field` (its default when not given), with
/// its declaration.
pub fn panel_value(setup: &PanelSetup, field: &PanelField) -> Option<(&'static ParamSpec, Json)> {
    let spec = panel_spec(setup, field)?;
    let given = match field {
        PanelField::Width => Some(json!(setup.width)),
        PanelField::Batch => Some(json!(setup.batch_size)),
        PanelField::Iterations => Some(json!(setup.iterations)),
        PanelField::Param(name) => setup.params.get(name).cloned(),
        PanelField::Model(name) => setup.model.get(name).cloned(),
    };
    Some((spec, given.unwrap_or_else(|| spec.default.to_json())))
}

impl ClassifierState {
    /// The declaration behind panel `i`'s `field`.
    pub fn field_spec(&self, i: usize, field: &PanelField) -> Option<&'static ParamSpec> {
        panel_spec(self.panels.get(i)?, field)
    }

    /// Applies `action`, saying what must follow; a refused value leaves the
    /// state as it was and sets `notice`.
    pub fn apply(&mut self, action: ClassifierAction, notice: &mut Option<String>) -> Effect {
        use ClassifierAction as A;
        let effect = match action {
            A::LoadScene(index) => return self.load_scene(index, notice),
            A::LoadOwnScene(index, scene) => {
                self.panels = scene.panels;
                self.scene = None;
                self.own_scene = Some(index);
                return Effect::RebuildPanels;
            }
            A::Set(i, field, value) => self.set(i, &field, value, notice),
            A::Enter(i, field, text) => {
                let Some(spec) = self.field_spec(i, &field) else {
                    return Effect::Nothing;
                };
                match parse_entry(spec, &text) {
                    Ok(value) => self.set(i, &field, value, notice),
                    Err(why) => {
                        *notice = Some(format!("panel {}: {why}", i + 1));
                        return Effect::Refresh;
                    }
                }
            }
            A::SetOptimizer(i, name) => {
                let Some(setup) = self.panels.get_mut(i) else {
                    return Effect::Nothing;
                };
                let mut fresh = PanelSetup::for_method(&name, setup.width);
                fresh.device = setup.device;
                fresh.model = setup.model.clone();
                *setup = fresh;
                Effect::RebuildPanel(i)
            }
            A::SetDevice(i, device) => {
                let Some(setup) = self.panels.get_mut(i) else {
                    return Effect::Nothing;
                };
                setup.device = device;
                Effect::RestartPanel(i)
            }
            A::Add => {
                if self.panels.len() >= MAX_PANELS {
                    *notice = Some(format!("at most {MAX_PANELS} panels side by side"));
                    return Effect::Nothing;
                }
                let last = self.panels.last().cloned().unwrap_or_default();
                self.panels.push(last);
                Effect::RebuildPanels
            }
            A::Remove(i) => {
                if self.panels.len() < 2 || i >= self.panels.len() {
                    return Effect::Nothing;
                }
                self.panels.remove(i);
                Effect::RebuildPanels
            }
        };
        if effect != Effect::Nothing && effect != Effect::Refresh {
            self.scene = None;
            self.own_scene = None;
        }
        effect
    }

    /// Replaces the panels with scene `index`'s.
    pub fn load_scene(&mut self, index: usize, notice: &mut Option<String>) -> Effect {
        match scenes(notice).into_iter().nth(index) {
            Some(scene) => {
                self.panels = scene.panels;
                self.scene = Some(index);
                self.own_scene = None;
                Effect::RebuildPanels
            }
            None => Effect::Nothing,
        }
    }

    fn set(
        &mut self,
        i: usize,
        field: &PanelField,
        value: Json,
        notice: &mut Option<String>,
    ) -> Effect {
        if let Some(spec) = self.field_spec(i, field) {
            if let Err(err) = spec.check(spec.name, &value) {
                *notice = Some(format!("panel {}: {}: {}", i + 1, spec.name, err.message));
                return Effect::Refresh;
            }
        }
        let Some(setup) = self.panels.get_mut(i) else {
            return Effect::Nothing;
        };
        let count = value.as_u64().unwrap_or(1) as usize;
        match field {
            PanelField::Width => {
                // The initialisation follows the width unless the user chose another.
                let init = setup.model.get("init").and_then(Json::as_str);
                let followed = init.is_none_or(|i| i == suited_init(setup.width));
                setup.width = count;
                if followed {
                    setup.follow_width();
                }
            }
            PanelField::Batch => setup.batch_size = count,
            PanelField::Iterations => setup.iterations = count,
            PanelField::Param(name) => {
                setup.params.insert(name.clone(), value);
            }
            PanelField::Model(name) => {
                setup.model.insert(name.clone(), value);
            }
        }
        Effect::RestartPanel(i)
    }
}
