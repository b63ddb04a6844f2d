//! Controls generated from parameter declarations: a slider with a number
//! box for real numbers (logarithmic where declared), a number box for whole
//! numbers, a checkbox for switches and a menu for choices. The controls only
//! show the page state's values ([`refresh`]); events become actions.

use std::collections::BTreeMap;

use serde_json::Value as Json;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlInputElement, HtmlSelectElement};

use crate::param::{ParamKind, ParamSpec, Value};
pub use crate::render::number::format_number;

/// Positions of every slider.
pub const SLIDER_TICKS: f64 = 1000.0;

/// The slider value at `position` (0 to [`SLIDER_TICKS`]) for a real parameter,
/// rounded to three significant digits so the shown value is the value used.
pub fn slider_value(spec: &ParamSpec, position: f64) -> f64 {
    let ParamKind::Real {
        min,
        max,
        log_scale,
    } = spec.kind
    else {
        return position;
    };
    let t = (position / SLIDER_TICKS).clamp(0.0, 1.0);
    if !log_scale {
        return round_to(min + t * (max - min), (max - min) / SLIDER_TICKS);
    }
    if t == 0.0 {
        return min;
    }
    let low = log_floor(min, max);
    let value = libm::exp(libm::log(low) + t * (libm::log(max) - libm::log(low)));
    // Three significant digits, as the decimal they print as (no 0.0498000…04).
    format!("{value:.2e}")
        .parse::<f64>()
        .unwrap_or(value)
        .clamp(min, max)
}

/// The slider position closest to `value`.
pub fn slider_position(spec: &ParamSpec, value: f64) -> f64 {
    let ParamKind::Real {
        min,
        max,
        log_scale,
    } = spec.kind
    else {
        return 0.0;
    };
    let t = if log_scale {
        let low = log_floor(min, max);
        if value <= 0.0 || value < low {
            0.0
        } else {
            (libm::log(value) - libm::log(low)) / (libm::log(max) - libm::log(low))
        }
    } else {
        (value - min) / (max - min)
    };
    libm::round(t.clamp(0.0, 1.0) * SLIDER_TICKS)
}

/// The low end of a log slider: its minimum, or six decades below its
/// maximum when the minimum is 0 (position 0 then means exactly 0).
fn log_floor(min: f64, max: f64) -> f64 {
    if min > 0.0 {
        min
    } else {
        max * 1e-6
    }
}

fn round_to(value: f64, step: f64) -> f64 {
    if step <= 0.0 {
        return value;
    }
    let digits = libm::pow(10.0, libm::floor(libm::log10(step)));
    libm::round(value / digits) * digits
}

/// Builds one control per declaration inside `container` (emptied first),
/// with ids `{prefix}-{name}`, set to `values` where given, else the default.
pub fn build(
    document: &Document,
    container: &Element,
    prefix: &str,
    specs: &[ParamSpec],
    values: &BTreeMap<String, Json>,
) -> Result<(), JsValue> {
    container.set_inner_html("");
    for spec in specs {
        let row = document.create_element("div")?;
        row.set_class_name("param");
        let id = format!("{prefix}-{}", spec.name);
        let label = document.create_element("label")?;
        label.set_attribute("for", &id)?;
        label.set_attribute("title", spec.doc)?;
        let text = if spec.symbol == spec.name {
            spec.name.to_string()
        } else {
            format!("{} {}", spec.symbol, spec.name)
        };
        label.set_text_content(Some(&text));
        row.append_child(&label)?;
        let given = values.get(spec.name);
        match spec.kind {
            ParamKind::Real { min, max, .. } => {
                let value = given.and_then(Json::as_f64).unwrap_or(number_default(spec));
                let slider: HtmlInputElement = document.create_element("input")?.dyn_into()?;
                slider.set_type("range");
                slider.set_id(&id);
                slider.set_min("0");
                slider.set_max(&SLIDER_TICKS.to_string());
                slider.set_step("1");
                slider.set_value(&slider_position(spec, value).to_string());
                slider.set_attribute("data-param", spec.name)?;
                slider.set_attribute("data-role", "slider")?;
                slider.set_attribute("aria-label", spec.doc)?;
                let number = number_box(document, &format!("{id}-value"), min, max)?;
                number.set_value(&format_number(value));
                number.set_attribute("data-param", spec.name)?;
                number.set_attribute("data-role", "number")?;
                number.set_attribute("aria-label", &format!("{} value", spec.name))?;
                row.append_child(&slider)?;
                row.append_child(&number)?;
            }
            ParamKind::Integer { min, max } => {
                let value = given.and_then(Json::as_f64).unwrap_or(number_default(spec));
                let number = number_box(document, &id, f64::from(min), f64::from(max))?;
                number.set_value(&format_number(value));
                number.set_attribute("data-param", spec.name)?;
                number.set_attribute("data-role", "integer")?;
                row.append_child(&number)?;
            }
            ParamKind::Flag => {
                let checked = given
                    .and_then(Json::as_bool)
                    .unwrap_or(matches!(spec.default, Value::Flag(true)));
                let checkbox: HtmlInputElement = document.create_element("input")?.dyn_into()?;
                checkbox.set_type("checkbox");
                checkbox.set_id(&id);
                checkbox.set_checked(checked);
                checkbox.set_attribute("data-param", spec.name)?;
                checkbox.set_attribute("data-role", "flag")?;
                row.append_child(&checkbox)?;
            }
            ParamKind::Choice(options) => {
                let select: HtmlSelectElement = document.create_element("select")?.dyn_into()?;
                select.set_id(&id);
                select.set_attribute("data-param", spec.name)?;
                select.set_attribute("data-role", "choice")?;
                for option in options {
                    let element = document.create_element("option")?;
                    element.set_attribute("value", option)?;
                    element.set_text_content(Some(option));
                    select.append_child(&element)?;
                }
                let chosen = given.and_then(Json::as_str).or(match spec.default {
                    Value::Choice(c) => Some(c),
                    _ => None,
                });
                select.set_value(chosen.unwrap_or(""));
                row.append_child(&select)?;
            }
            ParamKind::Formula => {
                let typed = given
                    .and_then(Json::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| spec.default.to_string());
                let text: HtmlInputElement = document.create_element("input")?.dyn_into()?;
                text.set_type("text");
                text.set_id(&id);
                text.set_value(&typed);
                text.set_attribute("spellcheck", "false")?;
                text.set_attribute("autocomplete", "off")?;
                text.set_attribute("data-param", spec.name)?;
                text.set_attribute("data-role", "formula")?;
                text.set_attribute("aria-label", spec.doc)?;
                text.set_title(&format!(
                    "{}; Enter to apply",
                    crate::problem::registry::FORMULA_SYNTAX
                ));
                text.class_list().add_1("formula")?;
                row.class_list().add_1("formula-row")?;
                row.append_child(&text)?;
            }
        }
        let doc = document.create_element("span")?;
        doc.set_class_name("doc");
        doc.set_text_content(Some(spec.doc));
        row.append_child(&doc)?;
        container.append_child(&row)?;
    }
    Ok(())
}

fn number_default(spec: &ParamSpec) -> f64 {
    match spec.default {
        Value::Number(v) => v,
        _ => f64::NAN,
    }
}

/// A box for typing a number, committed on Enter or leaving it (a text
/// box: the page sees exactly what was typed, and says why it refuses it).
pub fn number_box(
    document: &Document,
    id: &str,
    min: f64,
    max: f64,
) -> Result<HtmlInputElement, JsValue> {
    let number: HtmlInputElement = document.create_element("input")?.dyn_into()?;
    number.set_type("text");
    number.set_id(id);
    number.set_attribute("inputmode", "decimal")?;
    number.set_attribute("autocomplete", "off")?;
    number.set_title(&format!(
        "{} to {}; Enter to apply",
        format_number(min),
        format_number(max)
    ));
    number.class_list().add_1("number")?;
    Ok(number)
}

/// Every generated control (`[data-param]`) under `container`.
fn param_controls(container: &Element) -> Vec<Element> {
    let Ok(found) = container.query_selector_all("[data-param]") else {
        return Vec::new();
    };
    (0..found.length())
        .filter_map(|i| found.get(i)?.dyn_into::<Element>().ok())
        .collect()
}

/// Shows in every generated control under `container` the value the page
/// uses, as `value_of` gives it with its declaration (a refused entry is
/// replaced by it); controls it says nothing of are left alone.
pub fn refresh(
    container: &Element,
    value_of: impl Fn(&Element) -> Option<(&'static ParamSpec, Json)>,
) {
    for element in param_controls(container) {
        let Some((spec, value)) = value_of(&element) else {
            continue;
        };
        let role = element.get_attribute("data-role").unwrap_or_default();
        if let Some(input) = element.dyn_ref::<HtmlInputElement>() {
            match role.as_str() {
                "slider" => input
                    .set_value(&slider_position(spec, value.as_f64().unwrap_or(0.0)).to_string()),
                "flag" => input.set_checked(value.as_bool().unwrap_or(false)),
                // A refused formula stays in its box (the status says what is
                // wrong and where), so it can be mended rather than retyped.
                "formula" if !has_focus(input) => {
                    input.set_value(value.as_str().unwrap_or_default())
                }
                "formula" => {}
                _ => input.set_value(
                    &value
                        .as_f64()
                        .map_or_else(|| value.to_string(), format_number),
                ),
            }
        } else if let Some(select) = element.dyn_ref::<HtmlSelectElement>() {
            select.set_value(value.as_str().unwrap_or_default());
        }
    }
}

/// Whether `input` is where the user is typing.
fn has_focus(input: &HtmlInputElement) -> bool {
    input
        .owner_document()
        .and_then(|d| d.active_element())
        .is_some_and(|active| active == ***input)
}

/// The value a control holds for a slider, checkbox or menu (a number box's
/// text is committed as text, see [`crate::web::state::entry`]).
pub fn control_value(element: &Element, spec: &ParamSpec) -> Option<Json> {
    let role = element.get_attribute("data-role")?;
    if let Some(select) = element.dyn_ref::<HtmlSelectElement>() {
        return Some(Json::String(select.value()));
    }
    let input = element.dyn_ref::<HtmlInputElement>()?;
    match role.as_str() {
        "slider" => {
            serde_json::Number::from_f64(slider_value(spec, input.value().parse().unwrap_or(0.0)))
                .map(Json::Number)
        }
        "flag" => Some(Json::Bool(input.checked())),
        _ => None,
    }
}

/// Whether `element` is a box for typing a number or a formula (committed
/// as text on Enter or leaving it).
pub fn is_number_box(element: &Element) -> bool {
    matches!(
        element.get_attribute("data-role").as_deref(),
        Some("number" | "integer" | "formula")
    )
}

/// Marks the controls named in `fields` (errors' last path segment) as invalid, and clears the rest.
pub fn mark_invalid(container: &Element, fields: &[String]) {
    for element in param_controls(container) {
        let name = element.get_attribute("data-param").unwrap_or_default();
        let bad = fields
            .iter()
            .any(|f| f.rsplit('.').next() == Some(name.as_str()));
        let _ = if bad {
            element.class_list().add_1("invalid")
        } else {
            element.class_list().remove_1("invalid")
        };
    }
}
