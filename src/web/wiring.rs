//! Events into actions: every listener of the page, and how a control's
//! event becomes an [`Action`]. Handlers never read the state back from the
//! controls: a control says what changed, the state decides.

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlInputElement, HtmlSelectElement};

use super::app::{target_element, App};
use super::controls::{self, control_value};
use super::dom;
use super::elements::OVERLAY_BOXES;
use super::net_panel::panel_field;
use super::picture::Export;
use super::state::landscape::{Compare, Field, LandscapeAction as L};
use super::state::network::{ClassifierAction as C, PanelField};
use super::state::{Action, Mode};
use crate::experiment::classifier::device::DeviceChoice;
use crate::render::curves::Quantity;

/// What a listener does with its event.
type Handler = fn(&mut App, &Event);

/// Wires every listener of the page to `app`.
pub fn wire(app: &Rc<RefCell<App>>) -> Result<(), JsValue> {
    let a = app.borrow();
    let el = &a.el;
    let mut handlers: Vec<(&web_sys::EventTarget, &str, Handler)> = vec![
        (&el.controls, "input", |app, e| {
            landscape_event(app, e, false)
        }),
        (&el.controls, "change", |app, e| {
            landscape_event(app, e, true)
        }),
        (&el.controls, "click", landscape_click),
        (&el.preset, "change", |app, _| {
            let name = app.el.preset.value();
            if let Some(i) = app.scene_index(&name) {
                app.dispatch(Action::Landscape(L::LoadScene(i)));
            }
        }),
        (&el.scrubber, "input", |app, _| {
            let step = app.el.scrubber.value().parse().unwrap_or(0);
            app.dispatch(Action::Landscape(L::Seek(step)));
        }),
        (&el.chart_kind, "change", |app, _| {
            let name = app.el.chart_kind.value();
            if let Some((_, q)) = Quantity::ALL.iter().find(|(n, _)| *n == name) {
                app.dispatch(Action::Landscape(L::SetChart(*q)));
            }
        }),
        (&el.compare, "change", |app, _| {
            let compare = if app.el.compare.value() == "side-by-side" {
                Compare::SideBySide
            } else {
                Compare::Overlaid
            };
            app.dispatch(Action::Landscape(L::SetCompare(compare)));
        }),
        (&el.speed, "change", |app, _| {
            let speed = app.el.speed.value().parse().unwrap_or(1.0);
            app.dispatch(Action::Landscape(L::SetSpeed(speed)));
        }),
        (&el.canvas, "pointerdown", App::on_pointer_down),
        (&el.canvas, "pointermove", App::on_pointer_move),
        (&el.canvas, "pointerup", |app, _| {
            app.dragging = false;
            app.commit_turn();
        }),
        (&el.canvas, "pointerleave", |app, _| {
            app.dragging = false;
            app.commit_turn();
        }),
        (&el.lecture, "change", |app, _| {
            let value = app.el.lecture.value();
            if value == super::lecture_file::OPEN_FILE {
                app.el.lecture_file.click();
                app.show_lecture_menu();
                return;
            }
            if value == super::lecture_file::OWN {
                return;
            }
            let chosen = value.parse::<usize>().ok();
            match chosen.and_then(|i| app.state.start_lecture(i)) {
                Some(stop) => app.go_to(stop),
                None => {
                    app.state.lecture = None;
                    app.follow(super::state::Effect::Redraw);
                }
            }
        }),
        (&el.picture_kind, "change", |app, _| {
            let surface = app.el.picture_kind.value() == "surface";
            app.commit_turn();
            app.dispatch(Action::Landscape(L::SetSurface(surface)));
        }),
        (&el.spin, "change", |app, _| {
            let on = app.el.spin.checked();
            app.commit_turn();
            app.dispatch(Action::Landscape(L::SetSpin(on)));
        }),
        (&el.curves, "pointermove", |app, e| {
            if !app.on_sweep_move(e) {
                app.on_chart_move(e);
            }
        }),
        (&el.curves, "click", App::on_sweep_click),
        (&el.sweep, "change", |app, _| app.on_sweep_menu()),
        (&el.sweep_random, "change", |app, _| app.on_sweep_menu()),
        (&el.tune, "click", |app, _| app.start_tune()),
        (&el.sweep_theory, "click", App::on_theory_click),
        (&el.mode_landscapes, "click", |app, _| {
            app.dispatch(Action::SetMode(Mode::Landscapes))
        }),
        (&el.mode_classifier, "click", |app, _| {
            app.dispatch(Action::SetMode(Mode::Classifier))
        }),
        (&el.net_panels, "input", |app, e| panel_event(app, e, false)),
        (&el.net_panels, "change", |app, e| panel_event(app, e, true)),
        (&el.net_panels, "click", |app, e| {
            let Some((i, target)) = panel_target(e) else {
                return;
            };
            if target.get_attribute("data-action").as_deref() == Some("remove") {
                app.dispatch(Action::Classifier(C::Remove(i)));
            }
        }),
        (&el.net_play, "click", |app, _| app.toggle_training()),
        (&el.net_scene, "change", |app, _| {
            if let Ok(i) = app.el.net_scene.value().parse::<usize>() {
                app.dispatch(Action::Classifier(C::LoadScene(i)));
            }
        }),
    ];
    let document = a.document.clone();
    handlers.push((&document, "keydown", App::on_key));
    for (target, event, handler) in handlers {
        let app = Rc::clone(app);
        dom::listen(target, event, move |e| {
            // Rebuilding controls can fire events (a focused control being
            // removed) while an action still runs; that action redraws anyway.
            if let Ok(mut app) = app.try_borrow_mut() {
                handler(&mut app, &e);
            }
        })?;
    }
    let buttons: [(&str, Handler); 20] = [
        ("net-inside", |app, _| app.classifier.toggle_inside()),
        ("inside-png", |app, _| app.classifier.export_inside(true)),
        ("inside-json", |app, _| app.classifier.export_inside(false)),
        ("inside-compute", |app, _| app.classifier.compute_inside()),
        ("toggle-controls", |app, _| {
            app.toggle_body_class("controls-open")
        }),
        ("net-reset", |app, _| app.classifier.restart()),
        ("net-add", |app, _| app.dispatch(Action::Classifier(C::Add))),
        ("theme", |app, _| app.toggle_theme()),
        ("present", |app, _| app.toggle_body_class("presenting")),
        ("play", |app, _| {
            app.dispatch(Action::Landscape(L::TogglePlay))
        }),
        ("step", |app, _| {
            app.dispatch(Action::Landscape(L::StepBy(1)))
        }),
        ("step-back", |app, _| {
            app.dispatch(Action::Landscape(L::StepBy(-1)))
        }),
        ("reset", |app, _| app.dispatch(Action::Landscape(L::Rewind))),
        ("export-png", |app, _| app.export(Export::Png)),
        ("export-svg", |app, _| app.export(Export::Svg)),
        ("export-csv", |app, _| app.export(Export::Csv)),
        ("export-json", |app, _| app.export(Export::Json)),
        ("export-spec", |app, _| app.export(Export::Spec)),
        ("export-webm", |app, _| app.start_recording()),
        ("export-gif", |app, _| app.start_gif()),
    ];
    for (id, handler) in buttons {
        let button: Element = dom::element(&a.document, id)?;
        let app = Rc::clone(app);
        dom::listen(&button, "click", move |e| {
            if let Ok(mut app) = app.try_borrow_mut() {
                handler(&mut app, &e);
            }
        })?;
    }
    super::lecture_file::wire(app, &a.el.lecture_file)?;
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    // `descentLoseGpu()` in the console (or a test) destroys the GPU device,
    // as a driver reset would, to show the fallback to the CPU.
    let losing = Rc::clone(app);
    let lose = Closure::<dyn Fn()>::new(move || {
        if let Ok(app) = losing.try_borrow() {
            app.classifier.lose_gpu();
        }
    });
    js_sys::Reflect::set(&window, &JsValue::from_str("descentLoseGpu"), lose.as_ref())?;
    lose.forget();
    let app = Rc::clone(app);
    dom::listen(&window, "resize", move |_| {
        if let Ok(mut app) = app.try_borrow_mut() {
            app.dirty = true;
        }
    })
}

/// The field a generated control sets: its parameter name, in the group
/// (problem, noise, or a run's optimizer, schedule or averaging) it sits in.
pub(super) fn landscape_field(element: &Element) -> Option<Field> {
    let name = element.get_attribute("data-param")?;
    let group = element
        .closest("[data-group]")
        .ok()??
        .get_attribute("data-group")?;
    let run = || -> Option<usize> {
        element
            .closest("fieldset.run")
            .ok()??
            .get_attribute("data-run")?
            .parse()
            .ok()
    };
    Some(match group.as_str() {
        "problem" => Field::Problem(name),
        "noise" => Field::Noise(name),
        "opt" => Field::Optimizer(run()?, name),
        "schedule" => Field::Schedule(run()?, name),
        "averaging" => Field::Averaging(run()?, name),
        _ => return None,
    })
}

/// An `input` (`committed` false) or `change` event in the landscape controls.
fn landscape_event(app: &mut App, event: &Event, committed: bool) {
    let Some(target) = target_element(event) else {
        return;
    };
    let value = || {
        target
            .dyn_ref::<HtmlInputElement>()
            .map(|i| i.value())
            .or_else(|| target.dyn_ref::<HtmlSelectElement>().map(|s| s.value()))
            .unwrap_or_default()
    };
    let action = if let Some(field) = landscape_field(&target) {
        let Some(spec) = app.state.landscape.field_spec(&field) else {
            return;
        };
        let slider = target.get_attribute("data-role").as_deref() == Some("slider");
        match (controls::is_number_box(&target), slider, committed) {
            (true, _, true) => L::Enter(field, value()),
            (false, true, false) | (false, false, true) => {
                let Some(v) = control_value(&target, spec) else {
                    return;
                };
                L::Set(field, v)
            }
            _ => return,
        }
    } else {
        let run = || -> Option<usize> {
            target
                .closest("fieldset.run")
                .ok()??
                .get_attribute("data-run")?
                .parse()
                .ok()
        };
        let role = target.get_attribute("data-role").unwrap_or_default();
        let checked = || {
            target
                .dyn_ref::<HtmlInputElement>()
                .is_some_and(|i| i.checked())
        };
        match (role.as_str(), target.id().as_str(), committed) {
            ("optimizer", _, true) => L::SetOptimizer(run().unwrap_or(0), value()),
            ("schedule", _, true) => L::SetSchedule(run().unwrap_or(0), value()),
            ("averaging", _, true) => L::SetAveraging(run().unwrap_or(0), value()),
            ("label", _, true) => L::Rename(run().unwrap_or(0), value()),
            ("color", _, _) => L::Recolor(run().unwrap_or(0), value()),
            ("visible", _, true) => L::Show(run().unwrap_or(0), checked()),
            (_, "problem", true) => L::SetProblem(value()),
            (_, "noise", true) => L::SetNoise(value()),
            (_, "batch-size", true) => L::Enter(Field::BatchSize, value()),
            (_, "steps", true) => L::Enter(Field::Steps, value()),
            (_, "seed", true) => L::Enter(Field::Seed, value()),
            (_, "fit-view", true) => L::SetFit(checked()),
            (_, id, true) => match OVERLAY_BOXES.iter().find(|(box_id, _)| *box_id == id) {
                Some((_, overlay)) => L::SetOverlay(*overlay, checked()),
                None => return,
            },
            _ => return,
        }
    };
    app.dispatch(Action::Landscape(action));
}

/// A click in the landscape controls: a run's buttons, or adding a run.
fn landscape_click(app: &mut App, event: &Event) {
    let Some(target) = target_element(event) else {
        return;
    };
    if target.id() == "add-run" {
        return app.dispatch(Action::Landscape(L::AddRun));
    }
    let run = target
        .closest("fieldset.run")
        .ok()
        .flatten()
        .and_then(|p| p.get_attribute("data-run"))
        .and_then(|r| r.parse().ok());
    let action = match (target.get_attribute("data-action").as_deref(), run) {
        (Some("duplicate"), Some(i)) => L::Duplicate(i),
        (Some("remove"), Some(i)) => L::Remove(i),
        _ => return,
    };
    app.dispatch(Action::Landscape(action));
}

/// The classifier panel an event happened in, and its target.
fn panel_target(event: &Event) -> Option<(usize, Element)> {
    let target = target_element(event)?;
    let panel = target.closest(".net-panel").ok()??;
    let index = panel.get_attribute("data-panel")?.parse().ok()?;
    Some((index, target))
}

/// An `input` (`committed` false) or `change` event in a classifier panel.
/// Training restarts on committed changes only.
fn panel_event(app: &mut App, event: &Event, committed: bool) {
    let Some((i, target)) = panel_target(event) else {
        return;
    };
    if !committed {
        return;
    }
    let value = target
        .dyn_ref::<HtmlInputElement>()
        .map(|i| i.value())
        .or_else(|| target.dyn_ref::<HtmlSelectElement>().map(|s| s.value()))
        .unwrap_or_default();
    let role = target.get_attribute("data-role").unwrap_or_default();
    let action = match role.as_str() {
        "width-slider" => {
            let exponent: u32 = value.parse().unwrap_or(5);
            C::Set(i, PanelField::Width, json!(1u64 << exponent.clamp(1, 14)))
        }
        "width" => C::Enter(i, PanelField::Width, value),
        "batch" => C::Enter(i, PanelField::Batch, value),
        "iterations" => C::Enter(i, PanelField::Iterations, value),
        "optimizer" => C::SetOptimizer(i, value),
        "device" => match DeviceChoice::ALL.iter().find(|(k, _)| *k == value) {
            Some((_, device)) => C::SetDevice(i, *device),
            None => return,
        },
        _ => {
            let Some(field) = panel_field(&target) else {
                return;
            };
            if controls::is_number_box(&target) {
                C::Enter(i, field, value)
            } else {
                let Some(spec) = app.state.classifier.field_spec(i, &field) else {
                    return;
                };
                let Some(v) = control_value(&target, spec) else {
                    return;
                };
                C::Set(i, field, v)
            }
        }
    };
    app.dispatch(Action::Classifier(action));
}
