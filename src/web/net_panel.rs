//! One classifier panel's controls and heading, built from its setup; and
//! showing a setup's values in them again.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlInputElement, HtmlSelectElement};

use super::controls;
use super::runs::{add_optimizer_groups, add_option, create};
use super::state::network::{method, method_params, panel_value, PanelField, BATCH, ITERATIONS};
use crate::experiment::classifier::MODEL_PARAMS;
use crate::optim::registry::CLASSIFIER_VIEWS;
use crate::param::ParamSpec;
use crate::render::mathml::typeset;
use crate::scene::panel::PanelSetup;

/// The network's choices besides its width, as generated controls.
pub fn model_params() -> Vec<ParamSpec> {
    MODEL_PARAMS
        .iter()
        .filter(|p| p.name != "width")
        .cloned()
        .collect()
}

fn labelled(document: &Document, text: &str, control: &Element) -> Result<Element, JsValue> {
    let label = document.create_element("label")?;
    label.set_class_name("inline");
    label.set_text_content(Some(text));
    label.append_child(control)?;
    Ok(label)
}

pub fn build_panel(d: &Document, i: usize, setup: &PanelSetup) -> Result<Element, JsValue> {
    let id = |part: &str| format!("net{i}-{part}");
    let panel = d.create_element("section")?;
    panel.set_class_name("net-panel");
    panel.set_attribute("data-panel", &i.to_string())?;
    let title = d.create_element("h3")?;
    title.set_class_name("net-title");
    title.set_id(&id("title"));
    title.set_text_content(Some(&panel_title(setup)));
    panel.append_child(&title)?;
    let bar = d.create_element("div")?;
    bar.set_class_name("net-controls");
    let slider: HtmlInputElement = create(d, "input")?;
    slider.set_type("range");
    slider.set_id(&id("width-slider"));
    slider.set_min("3");
    slider.set_max("14");
    slider.set_value(&((setup.width as f64).log2().round() as i64).to_string());
    slider.set_attribute("data-role", "width-slider")?;
    let width = controls::number_box(d, &id("width"), 2.0, 16384.0)?;
    width.set_attribute("data-role", "width")?;
    width.set_value(&setup.width.to_string());
    let width_label = labelled(d, "width ", &slider)?;
    width_label.append_child(&width)?;
    bar.append_child(&width_label)?;
    let optimizer: HtmlSelectElement = create(d, "select")?;
    optimizer.set_id(&id("optimizer"));
    optimizer.set_attribute("data-role", "optimizer")?;
    add_optimizer_groups(d, &optimizer, |entry| {
        entry.unmet_by(CLASSIFIER_VIEWS, "the peaks classifier")
    })?;
    optimizer.set_value(&setup.optimizer);
    let optimizer_label = labelled(d, "optimizer ", &optimizer)?;
    bar.append_child(&optimizer_label)?;
    for (part, spec, value) in [
        ("batch", &BATCH, setup.batch_size),
        ("iterations", &ITERATIONS, setup.iterations),
    ] {
        let input = controls::number_box(d, &id(part), 1.0, spec.range().map_or(1.0, |r| r.1))?;
        input.set_attribute("data-role", part)?;
        input.set_value(&value.to_string());
        let label = labelled(d, &format!("{part} "), &input)?;
        bar.append_child(&label)?;
    }
    let device: HtmlSelectElement = create(d, "select")?;
    device.set_id(&id("device"));
    device.set_attribute("data-role", "device")?;
    add_option(d, &device, "auto", "auto (the faster)")?;
    add_option(d, &device, "cpu", "CPU")?;
    add_option(d, &device, "gpu", "GPU")?;
    device.set_value(setup.device.key());
    let device_label = labelled(d, "on ", &device)?;
    bar.append_child(&device_label)?;
    let badge = d.create_element("span")?;
    badge.set_id(&id("device-badge"));
    badge.set_class_name("badge");
    bar.append_child(&badge)?;
    let remove = d.create_element("button")?;
    remove.set_attribute("type", "button")?;
    remove.set_attribute("data-action", "remove")?;
    remove.set_id(&id("remove"));
    remove.set_text_content(Some("Remove"));
    bar.append_child(&remove)?;
    panel.append_child(&bar)?;
    let picture = d.create_element("div")?;
    picture.set_class_name("net-picture");
    let canvas = d.create_element("canvas")?;
    canvas.set_id(&id("canvas"));
    canvas.set_class_name("net-canvas");
    picture.append_child(&canvas)?;
    panel.append_child(&picture)?;
    let readout = d.create_element("p")?;
    readout.set_id(&id("readout"));
    readout.set_class_name("readout");
    readout.set_text_content(Some("starting…"));
    panel.append_child(&readout)?;
    let status = d.create_element("p")?;
    status.set_id(&id("status"));
    status.set_class_name("net-status");
    panel.append_child(&status)?;
    let confusion = d.create_element("details")?;
    confusion.set_class_name("net-confusion");
    confusion.set_id(&id("confusion-box"));
    let summary = d.create_element("summary")?;
    summary.set_text_content(Some("confusion matrices and per-class accuracy"));
    confusion.append_child(&summary)?;
    let tables = d.create_element("div")?;
    tables.set_id(&id("confusion"));
    tables.set_text_content(Some("counted at the first log entry"));
    confusion.append_child(&tables)?;
    panel.append_child(&confusion)?;
    let more = d.create_element("details")?;
    more.set_class_name("net-more");
    let summary = d.create_element("summary")?;
    summary.set_text_content(Some("equations, hyperparameters and the network"));
    more.append_child(&summary)?;
    let equations = d.create_element("div")?;
    equations.set_class_name("equations");
    equations.set_id(&id("equations"));
    equations.set_inner_html(&typeset(
        method(&setup.optimizer).map_or("", |m| m.equations),
    ));
    more.append_child(&equations)?;
    let params = d.create_element("div")?;
    params.set_class_name("params net-params");
    params.set_id(&id("params"));
    params.set_attribute("data-group", "opt")?;
    controls::build(
        d,
        &params,
        &id("opt"),
        method_params(&setup.optimizer),
        &setup.params,
    )?;
    more.append_child(&params)?;
    let model = d.create_element("div")?;
    model.set_class_name("params net-model");
    model.set_id(&id("model"));
    model.set_attribute("data-group", "model")?;
    controls::build(d, &model, &id("model"), &model_params(), &setup.model)?;
    more.append_child(&model)?;
    panel.append_child(&more)?;
    Ok(panel)
}

/// A panel's heading: its optimizer's name, width, initialisation, batch and iterations.
pub fn panel_title(setup: &PanelSetup) -> String {
    let name = method(&setup.optimizer).map_or(setup.optimizer.as_str(), |m| m.label);
    let model = |field: &str| {
        panel_value(setup, &PanelField::Model(field.into()))
            .and_then(|(_, v)| v.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    // The NTK and mean-field parametrisations draw their own weights.
    let scaling = match model("parametrization").as_str() {
        "standard" | "" => format!("{} init", model("init")),
        other => format!(
            "{} parametrisation",
            other.to_uppercase().replace("MEAN-FIELD", "mean-field")
        ),
    };
    format!(
        "{name} · width {} · {scaling} · batch {} · {} iterations",
        setup.width, setup.batch_size, setup.iterations
    )
}

/// Rebuilds panel `i`'s equations and hyperparameter controls for its
/// (new) optimizer, leaving the rest of the panel (and the focus) alone.
pub fn rebuild_method(d: &Document, i: usize, setup: &PanelSetup) -> Result<(), JsValue> {
    if let Some(equations) = d.get_element_by_id(&format!("net{i}-equations")) {
        equations.set_inner_html(&typeset(
            method(&setup.optimizer).map_or("", |m| m.equations),
        ));
    }
    if let Some(params) = d.get_element_by_id(&format!("net{i}-params")) {
        controls::build(
            d,
            &params,
            &format!("net{i}-opt"),
            method_params(&setup.optimizer),
            &setup.params,
        )?;
    }
    Ok(())
}

/// The field a generated control of a panel sets: an optimizer
/// hyperparameter or a model choice.
pub fn panel_field(element: &Element) -> Option<PanelField> {
    let name = element.get_attribute("data-param")?;
    let group = element
        .closest("[data-group]")
        .ok()??
        .get_attribute("data-group")?;
    match group.as_str() {
        "model" => Some(PanelField::Model(name)),
        "opt" => Some(PanelField::Param(name)),
        _ => None,
    }
}

/// Shows `setup`'s values in panel `i`'s controls (after a refused entry,
/// or a change that did not rebuild them).
pub fn refresh_panel(d: &Document, i: usize, setup: &PanelSetup) {
    let input = |part: &str| {
        d.get_element_by_id(&format!("net{i}-{part}"))
            .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
    };
    for (part, value) in [
        ("width", setup.width),
        ("batch", setup.batch_size),
        ("iterations", setup.iterations),
    ] {
        if let Some(box_) = input(part) {
            box_.set_value(&value.to_string());
        }
    }
    if let Some(slider) = input("width-slider") {
        slider.set_value(&((setup.width as f64).log2().round() as i64).to_string());
    }
    if let Some(device) = d
        .get_element_by_id(&format!("net{i}-device"))
        .and_then(|e| e.dyn_into::<HtmlSelectElement>().ok())
    {
        device.set_value(setup.device.key());
    }
    if let Some(title) = d.get_element_by_id(&format!("net{i}-title")) {
        title.set_text_content(Some(&panel_title(setup)));
        if let Some(panel) = title.parent_element() {
            controls::refresh(&panel, |element| panel_value(setup, &panel_field(element)?));
        }
    }
}
