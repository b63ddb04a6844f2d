//! One panel per run: colour, label, visibility, optimizer and its
//! hyperparameters, schedule and Polyak averaging, generated from the
//! registries and drawn from the page state's runs.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlInputElement, HtmlSelectElement};

use super::controls;
use super::state::runs::{
    averaging_params, entry, kind_of, object_params, schedule_params, RunState,
};
use crate::experiment::landscape::spec::averaging_kinds;
use crate::optim::registry::{OptimizerEntry, OPTIMIZERS};
use crate::optim::schedule::SCHEDULES;
use crate::problem::registry::ProblemEntry;
use crate::render::mathml::typeset;

/// Fills `select` with every registry optimizer under its family's
/// heading; those `unmet` gives a reason for are disabled, with the reason
/// as their tooltip.
pub fn add_optimizer_groups(
    document: &Document,
    select: &HtmlSelectElement,
    unmet: impl Fn(&OptimizerEntry) -> Option<String>,
) -> Result<(), JsValue> {
    let mut heading = "";
    let mut group: Option<Element> = None;
    for entry in OPTIMIZERS {
        if entry.family.label() != heading {
            heading = entry.family.label();
            let g = document.create_element("optgroup")?;
            g.set_attribute("label", heading)?;
            select.append_child(&g)?;
            group = Some(g);
        }
        if let Some(g) = &group {
            add_option(document, g, entry.name, entry.label)?;
            if let (Some(why), Some(option)) = (unmet(entry), g.last_element_child()) {
                option.set_attribute("disabled", "")?;
                option.set_attribute("title", &why)?;
            }
        }
    }
    Ok(())
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

/// Builds run `index`'s panel from `setup` and appends it to `container`.
pub fn render(
    document: &Document,
    container: &Element,
    index: usize,
    setup: &RunState,
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
    color.set_attribute("data-role", "color")?;
    let label: HtmlInputElement = create(document, "input")?;
    label.set_id(&id("label"));
    label.set_class_name("run-label");
    label.set_value(&setup.label);
    label.set_placeholder(entry(&setup.optimizer).label);
    label.set_attribute("aria-label", "run label")?;
    label.set_attribute("data-role", "label")?;
    let visible: HtmlInputElement = create(document, "input")?;
    visible.set_type("checkbox");
    visible.set_id(&id("visible"));
    visible.set_checked(setup.visible);
    visible.set_title("show this run");
    visible.set_attribute("data-role", "visible")?;
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
    add_optimizer_groups(document, &optimizer, |entry| entry.unmet_on(problem))?;
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
    params.set_attribute("data-group", "opt")?;
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
    schedule.set_attribute("data-role", "schedule")?;
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
    schedule_params_div.set_attribute("data-group", "schedule")?;
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
    averaging.set_attribute("data-role", "averaging")?;
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
    averaging_params_div.set_attribute("data-group", "averaging")?;
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
