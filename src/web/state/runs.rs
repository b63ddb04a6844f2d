//! One run as the page keeps it: the optimizer and its settings as the spec
//! writes them, plus how it is drawn.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value as Json};

use crate::experiment::landscape::spec::{averaging_kinds, fields_except, kind_params, RunSpec};
use crate::optim::registry::{self, OptimizerEntry, OPTIMIZERS};
use crate::optim::schedule::SCHEDULES;
use crate::param::ParamSpec;
use crate::problem::registry::ProblemEntry;

/// The hex colours given to new runs, in order.
pub const COLORS: [&str; 10] = [
    "#ff6347", "#00e5ff", "#ffb300", "#ff69b4", "#7cfc00", "#ba55d3", "#ff8c00", "#dc143c",
    "#87cefa", "#ffffff",
];

/// One run: what the spec says of it and how the page draws it.
#[derive(Clone, Debug, PartialEq)]
pub struct RunState {
    /// Optimizer name (a registry name).
    pub optimizer: String,
    /// Hyperparameters as given (registry names; betas split in two).
    pub params: BTreeMap<String, Json>,
    /// The schedule as written in specs (`{"kind": …}`), if any.
    pub schedule: Option<Json>,
    /// The averaging as written in specs, if any.
    pub averaging: Option<Json>,
    /// The run's own mini-batch size, if it overrides the spec's.
    pub batch_size: Option<u64>,
    /// The label ("" for the optimizer's own).
    pub label: String,
    /// Whether the user wrote the label (it then survives optimizer changes).
    pub renamed: bool,
    /// Colour, as `#rrggbb`.
    pub color: String,
    /// Whether the run is drawn.
    pub visible: bool,
}

/// The registry entry called `name`, or the first one.
pub fn entry(name: &str) -> &'static OptimizerEntry {
    registry::find(name).unwrap_or(&OPTIMIZERS[0])
}

/// The parameters of schedule kind `name`.
pub fn schedule_params(name: &str) -> &'static [ParamSpec] {
    SCHEDULES
        .iter()
        .find(|s| s.name == name)
        .map_or(&[], |s| s.params)
}

/// The parameters of averaging kind `name`.
pub fn averaging_params(name: &str) -> &'static [ParamSpec] {
    kind_params(averaging_kinds(), name)
}

/// Whether `optimizer` runs on `problem`.
pub fn supports(optimizer: &OptimizerEntry, problem: &ProblemEntry) -> bool {
    optimizer.unmet_on(problem).is_none()
}

/// The `kind` of a `{"kind": …, …}` object, or `default`.
pub fn kind_of<'a>(value: Option<&'a Json>, default: &'a str) -> &'a str {
    value
        .and_then(|v| v.get("kind"))
        .and_then(Json::as_str)
        .unwrap_or(default)
}

/// The parameters of a `{"kind": …, …}` object, without its kind.
pub fn object_params(value: Option<&Json>) -> BTreeMap<String, Json> {
    value
        .and_then(Json::as_object)
        .map(|m| fields_except(m, "kind"))
        .unwrap_or_default()
}

/// Parses `#rrggbb` into its channels, if it is one.
pub fn parse_color(hex: &str) -> Option<(u8, u8, u8)> {
    let channel = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|s| u8::from_str_radix(s, 16).ok())
    };
    match (hex.len(), hex.starts_with('#')) {
        (7, true) => Some((channel(1)?, channel(3)?, channel(5)?)),
        _ => None,
    }
}

impl RunState {
    /// A fresh run of `optimizer` with `params` and the `index`-th colour.
    pub fn fresh(optimizer: &str, params: BTreeMap<String, Json>, index: usize) -> Self {
        Self {
            optimizer: optimizer.to_string(),
            params,
            schedule: None,
            averaging: None,
            batch_size: None,
            label: String::new(),
            renamed: false,
            color: COLORS[index % COLORS.len()].to_string(),
            visible: true,
        }
    }

    /// The run of a parsed spec, with the `index`-th colour.
    pub fn from_spec(run: &RunSpec, index: usize) -> Self {
        let written = run.to_value();
        let mut state = Self::fresh(run.optimizer.entry.name, run.given.clone(), index);
        state.schedule = written.get("schedule").cloned();
        state.averaging = written.get("averaging").cloned();
        state.batch_size = run.batch_size.map(|b| b as u64);
        if run.label != run.optimizer.entry.label {
            state.label = run.label.clone();
        }
        state
    }

    /// The run as written in specs.
    pub fn to_spec(&self) -> Json {
        let mut run = Map::new();
        run.insert("optimizer".into(), json!(self.optimizer));
        run.extend(self.params.clone());
        if let Some(s) = &self.schedule {
            run.insert("schedule".into(), s.clone());
        }
        if let Some(a) = &self.averaging {
            run.insert("averaging".into(), a.clone());
        }
        if let Some(b) = self.batch_size {
            run.insert("batch_size".into(), json!(b));
        }
        if !self.label.trim().is_empty() {
            run.insert("label".into(), json!(self.label));
        }
        Json::Object(run)
    }

    /// The label legends show.
    pub fn shown_label(&self) -> &str {
        if self.label.trim().is_empty() {
            entry(&self.optimizer).label
        } else {
            &self.label
        }
    }
}
