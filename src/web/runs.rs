//! One panel per run: colour, label, visibility, optimizer and its
//! hyperparameters, schedule and Polyak averaging, all generated from the
//! registries and read back from the DOM.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value as Json};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlInputElement, HtmlSelectElement};

use super::controls;
use crate::optim::registry::{self, OptimizerEntry, Requirement, OPTIMIZERS};
use crate::optim::schedule::SCHEDULES;
use crate::param::ParamSpec;
use crate::problem::registry::ProblemEntry;
use crate::render::mathml::typeset;
use crate::spec::{averaging_kinds, fields_except, kind_params};

/// The hex colours given to new runs, in order.
pub const COLORS: [&str; 10] = [
    "#ff6347", "#00e5ff", "#ffb300", "#ff69b4", "#7cfc00", "#ba55d3", "#ff8c00", "#dc143c",
    "#87cefa", "#ffffff",
];

/// What the page needs to build one run's panel.
#[derive(Clone, Debug, PartialEq)]
pub struct RunSetup {
    /// Optimizer name.
    pub optimizer: String,
    /// Hyperparameters as given (names of the registry; betas split in two).
    pub params: BTreeMap<String, Json>,
    /// The schedule as written in specs, if any.
    pub schedule: Option<Json>,
    /// The averaging as written in specs, if any.
    pub averaging: Option<Json>,
    /// The label ("" for the optimizer's own).
    pub label: String,
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
    match optimizer.requires {
        Requirement::Nothing => true,
        Requirement::Residuals => problem.least_squares,
        Requirement::FiniteSum => problem.finite_sum,
    }
}

/// Appends an `<option>` with `value` and `label` to `parent`.
pub fn add_option(
    document: &Document,
    parent: &Element,
    value: &str,
    label: &str,
) -> Result<(), JsValue> {
    let option = document.create_element("option")?;
    option.set_attribute("value", value)?;
    option.set_text_content(Some(label));
    parent.append_child(&option)?;
    Ok(())
}

/// A new element of type `T` for `tag`.
pub fn create<T: JsCast>(document: &Document, tag: &str) -> Result<T, JsValue> {
    document
        .create_element(tag)?
        .dyn_into::<T>()
        .map_err(|_| JsValue::from_str("unexpected element type"))
}

fn select_by_id(document: &Document, id: &str) -> Option<HtmlSelectElement> {
    document.get_element_by_id(id)?.dyn_into().ok()
}

fn input_by_id(document: &Document, id: &str) -> Option<HtmlInputElement> {
    document.get_element_by_id(id)?.dyn_into().ok()
}

/// Builds run `index`'s panel from `setup` and appends it to `container`.
pub fn render(
    document: &Document,
    container: &Element,
    index: usize,
    setup: &RunSetup,
    problem: &ProblemEntry,
) -> Result<(), JsValue> {
    let id = |part: &str| format!("run{index}-{part}");
    let panel = document.create_element("fieldset")?;
    panel.set_class_name("run");
    panel.set_attribute("data-run", &index.to_string())?;
    let legend = document.create_element("legend")?;
    let color: HtmlInputElement = create(document, "input")?;
    color.set_type("color");
    color.set_id(&id("color"));
    color.set_value(&setup.color);
    color.set_attribute("aria-label", "run colour")?;
    let label: HtmlInputElement = create(document, "input")?;
    label.set_id(&id("label"));
    label.set_class_name("run-label");
    label.set_value(&setup.label);
    label.set_placeholder(entry(&setup.optimizer).label);
    label.set_attribute("aria-label", "run label")?;
    let visible: HtmlInputElement = create(document, "input")?;
    visible.set_type("checkbox");
    visible.set_id(&id("visible"));
    visible.set_checked(setup.visible);
    visible.set_title("show this run");
    legend.append_child(&color)?;
    legend.append_child(&label)?;
    legend.append_child(&visible)?;
    for (action, text) in [("duplicate", "Duplicate"), ("remove", "Remove")] {
        let button = document.create_element("button")?;
        button.set_attribute("type", "button")?;
        button.set_attribute("data-action", action)?;
        button.set_id(&id(action));
        button.set_text_content(Some(text));
        legend.append_child(&button)?;
    }
    panel.append_child(&legend)?;

    let optimizer: HtmlSelectElement = create(document, "select")?;
    optimizer.set_id(&id("optimizer"));
    optimizer.set_attribute("data-role", "optimizer")?;
    optimizer.set_attribute("aria-label", "optimizer")?;
    let mut heading = "";
    let mut group: Option<Element> = None;
    for entry in OPTIMIZERS {
        if entry.family.label() != heading {
            heading = entry.family.label();
            let g = document.create_element("optgroup")?;
            g.set_attribute("label", heading)?;
            optimizer.append_child(&g)?;
            group = Some(g);
        }
        if let Some(g) = &group {
            add_option(document, g, entry.name, entry.label)?;
            if !supports(entry, problem) {
                if let Some(option) = g.last_element_child() {
                    option.set_attribute("disabled", "")?;
                }
            }
        }
    }
    optimizer.set_value(&setup.optimizer);
    panel.append_child(&optimizer)?;
    let chosen = entry(&setup.optimizer);
    let equations = document.create_element("div")?;
    equations.set_class_name("equations");
    equations.set_id(&id("equations"));
    equations.set_inner_html(&typeset(chosen.equations));
    panel.append_child(&equations)?;
    let params = document.create_element("div")?;
    params.set_class_name("params");
    params.set_id(&id("params"));
    panel.append_child(&params)?;
    controls::build(document, &params, &id("opt"), chosen.params, &setup.params)?;

    let schedule_row = document.create_element("div")?;
    schedule_row.set_id(&id("schedule-row"));
    if !chosen.has_lr() {
        schedule_row.set_attribute("hidden", "")?;
    }
    let schedule_label = document.create_element("label")?;
    schedule_label.set_class_name("inline");
    schedule_label.set_text_content(Some("Schedule "));
    let schedule: HtmlSelectElement = create(document, "select")?;
    schedule.set_id(&id("schedule"));
    schedule.set_attribute("data-role", "kind")?;
    add_option(document, &schedule, "constant", "constant")?;
    for s in SCHEDULES.iter().filter(|s| s.name != "constant") {
        add_option(document, &schedule, s.name, s.name)?;
    }
    let schedule_kind = kind_of(setup.schedule.as_ref(), "constant");
    schedule.set_value(schedule_kind);
    schedule_label.append_child(&schedule)?;
    schedule_row.append_child(&schedule_label)?;
    let schedule_params_div = document.create_element("div")?;
    schedule_params_div.set_class_name("params");
    schedule_params_div.set_id(&id("schedule-params"));
    schedule_row.append_child(&schedule_params_div)?;
    controls::build(
        document,
        &schedule_params_div,
        &id("schedule"),
        schedule_params(schedule_kind),
        &object_params(setup.schedule.as_ref()),
    )?;
    panel.append_child(&schedule_row)?;

    let averaging_label = document.create_element("label")?;
    averaging_label.set_class_name("inline");
    averaging_label.set_text_content(Some("Polyak averaging "));
    let averaging: HtmlSelectElement = create(document, "select")?;
    averaging.set_id(&id("averaging"));
    averaging.set_attribute("data-role", "kind")?;
    add_option(document, &averaging, "none", "none")?;
    for (name, _) in averaging_kinds() {
        add_option(document, &averaging, name, name)?;
    }
    let averaging_kind = kind_of(setup.averaging.as_ref(), "none");
    averaging.set_value(averaging_kind);
    averaging_label.append_child(&averaging)?;
    panel.append_child(&averaging_label)?;
    let averaging_params_div = document.create_element("div")?;
    averaging_params_div.set_class_name("params");
    averaging_params_div.set_id(&id("averaging-params"));
    panel.append_child(&averaging_params_div)?;
    controls::build(
        document,
        &averaging_params_div,
        &id("averaging"),
        averaging_params(averaging_kind),
        &object_params(setup.averaging.as_ref()),
    )?;

    let details = document.create_element("details")?;
    let summary = document.create_element("summary")?;
    summary.set_text_content(Some("How this maps to torch.optim, and the reference"));
    details.append_child(&summary)?;
    let mapping = document.create_element("p")?;
    mapping.set_class_name("mapping");
    mapping.set_id(&id("mapping"));
    mapping.set_text_content(Some(&format!(
        "{} Reference: {}.",
        chosen.mapping, chosen.reference
    )));
    details.append_child(&mapping)?;
    panel.append_child(&details)?;
    container.append_child(&panel)?;
    Ok(())
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

/// Reads run `index` back from its panel.
pub fn read(document: &Document, index: usize) -> Option<RunSetup> {
    let id = |part: &str| format!("run{index}-{part}");
    let optimizer = select_by_id(document, &id("optimizer"))?.value();
    let chosen = entry(&optimizer);
    let params = controls::read(document, &id("opt"), chosen.params);
    let kind_object = |select: &str, prefix: &str, specs: &[ParamSpec], none: &str| {
        let kind = select_by_id(document, &id(select))?.value();
        if kind == none {
            return None;
        }
        let mut object = Map::new();
        object.insert("kind".into(), json!(kind));
        object.extend(controls::read(document, &id(prefix), specs));
        Some(Json::Object(object))
    };
    let schedule_kind = select_by_id(document, &id("schedule"))
        .map(|s| s.value())
        .unwrap_or_default();
    let schedule = if chosen.has_lr() {
        kind_object(
            "schedule",
            "schedule",
            schedule_params(&schedule_kind),
            "constant",
        )
    } else {
        None
    };
    let averaging_kind = select_by_id(document, &id("averaging"))
        .map(|s| s.value())
        .unwrap_or_default();
    let averaging = kind_object(
        "averaging",
        "averaging",
        averaging_params(&averaging_kind),
        "none",
    );
    Some(RunSetup {
        optimizer,
        params,
        schedule,
        averaging,
        label: input_by_id(document, &id("label"))
            .map(|i| i.value())
            .unwrap_or_default(),
        color: input_by_id(document, &id("color"))
            .map_or_else(|| COLORS[0].to_string(), |i| i.value()),
        visible: input_by_id(document, &id("visible")).is_none_or(|i| i.checked()),
    })
}

impl RunSetup {
    /// A fresh run of `optimizer` with its defaults and the `index`-th colour.
    pub fn fresh(optimizer: &str, params: BTreeMap<String, Json>, index: usize) -> Self {
        Self {
            optimizer: optimizer.to_string(),
            params,
            schedule: None,
            averaging: None,
            label: String::new(),
            color: COLORS[index % COLORS.len()].to_string(),
            visible: true,
        }
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
        if !self.label.trim().is_empty() {
            run.insert("label".into(), json!(self.label));
        }
        Json::Object(run)
    }
}

/// Parses `#rrggbb` into its channels (orange-red if it does not parse).
pub fn parse_color(hex: &str) -> (u8, u8, u8) {
    let channel = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|s| u8::from_str_radix(s, 16).ok())
    };
    match (hex.len(), channel(1), channel(3), channel(5)) {
        (7, Some(r), Some(g), Some(b)) => (r, g, b),
        _ => (255, 99, 71),
    }
}
