//! The address is the page's state, serialised: `#` and a URI-encoded JSON
//! object, versioned, with defaults left out. Reading one back goes through
//! spec validation part by part: what cannot be read keeps its default, and
//! the returned list names every part dropped.
//!
//! ```text
//! {"v": 2, "spec": {…experiment spec…}, "runs": [{"color": "#ff6347", "hidden": true}],
//!  "view": {"compare": "side-by-side", "overlays": ["field"], "chart": "grad-norm", "fit": true},
//!  "step": 40, "speed": 2, "scene": "polyak", "edited": true}
//! {"v": 2, "mode": "classifier", "panels": [{…panel…}], "scene": 0}
//! ```
//! Older addresses (a bare spec, or `classifier={"panels": …}`) still load.

use serde_json::{json, Map, Value as Json};

use super::landscape::{
    Camera, Compare, LandscapeState, Overlay, SweepChoice, View, DEFAULT_SPEC, MAX_RUNS, SPEEDS,
};
use super::lecture::{is_own_name, LectureAt};
use super::network::{scenes, ClassifierState};
use super::runs::parse_color;
use super::{Embed, Mode, PageState};
use crate::experiment::landscape::spec::Spec;
use crate::render::curves::Quantity;
use crate::scene::landscape_scenes;
use crate::scene::panel::MAX_PANELS;
use crate::scene::panel_form::salvage_panels;

/// The address format's version.
pub const VERSION: u64 = 2;
/// The prefix of version-1 classifier addresses.
const LEGACY_CLASSIFIER: &str = "classifier=";

/// The state as address text (before URI encoding).
pub fn write(state: &PageState) -> String {
    let mut top = Map::new();
    top.insert("v".into(), json!(VERSION));
    match state.mode {
        Mode::Classifier => {
            let c = &state.classifier;
            top.insert("mode".into(), json!("classifier"));
            top.insert("panels".into(), json!(c.panels));
            if let Some(scene) = c.scene {
                top.insert("scene".into(), json!(scene));
            }
            if let Some(own) = c.own_scene {
                top.insert("scene".into(), json!(super::lecture::own_name(own)));
            }
        }
        Mode::Landscapes => write_landscape(&state.landscape, &mut top),
    }
    if let Some((name, _)) = Embed::ALL.iter().find(|(_, e)| *e == state.embed) {
        top.insert("embed".into(), json!(name));
    }
    if let Some(place) = &state.lecture {
        top.insert("lecture".into(), place.to_value());
    }
    Json::Object(top).to_string()
}

fn write_landscape(l: &LandscapeState, top: &mut Map<String, Json>) {
    top.insert("spec".into(), l.spec_value());
    let styles: Vec<Json> = l
        .runs
        .iter()
        .map(|run| {
            let mut style = Map::new();
            style.insert("color".into(), json!(run.color));
            if !run.visible {
                style.insert("hidden".into(), json!(true));
            }
            if run.renamed {
                style.insert("renamed".into(), json!(true));
            }
            Json::Object(style)
        })
        .collect();
    top.insert("runs".into(), Json::Array(styles));
    let mut view = Map::new();
    if l.view.compare == Compare::SideBySide {
        view.insert("compare".into(), json!("side-by-side"));
    }
    let overlays: Vec<&str> = Overlay::ALL
        .iter()
        .filter(|(_, o)| l.view.has(*o))
        .map(|(name, _)| *name)
        .collect();
    if !overlays.is_empty() {
        view.insert("overlays".into(), json!(overlays));
    }
    if l.view.chart != Quantity::Loss {
        if let Some((name, _)) = Quantity::ALL.iter().find(|(_, q)| *q == l.view.chart) {
            view.insert("chart".into(), json!(name));
        }
    }
    if !l.view.fit {
        view.insert("fit".into(), json!(false));
    }
    if let Some(camera) = l.view.surface {
        view.insert(
            "surface".into(),
            json!({"azimuth": camera.azimuth, "elevation": camera.elevation}),
        );
        if l.view.spin {
            view.insert("spin".into(), json!(true));
        }
    }
    if let Some(sweep) = l.sweep_choice() {
        let mut written = json!({"run": sweep.run, "params": sweep.params});
        if sweep.random {
            written["search"] = json!("random");
        }
        view.insert("sweep".into(), written);
    }
    if !view.is_empty() {
        top.insert("view".into(), Json::Object(view));
    }
    if l.step > 0 {
        top.insert("step".into(), json!(l.step));
    }
    if l.speed != 1.0 {
        top.insert("speed".into(), json!(l.speed));
    }
    if let Some(scene) = &l.scene {
        top.insert("scene".into(), json!(scene));
        if l.edited {
            top.insert("edited".into(), json!(true));
        }
    }
}

/// The state an address holds (its text after `#`, URI-decoded), and what
/// could not be read of it. An empty address is the default state.
pub fn read(text: &str) -> (PageState, Vec<String>) {
    let mut state = PageState::default();
    let mut problems = Vec::new();
    let text = text.trim();
    if text.is_empty() {
        return (state, problems);
    }
    if let Some(panels) = text.strip_prefix(LEGACY_CLASSIFIER) {
        state.mode = Mode::Classifier;
        read_panels(panels, &mut state.classifier, &mut problems);
        return (state, problems);
    }
    let Ok(Json::Object(top)) = serde_json::from_str::<Json>(text) else {
        problems
            .push("the address does not hold a JSON object, so the default scene is shown".into());
        return (state, problems);
    };
    let Some(version) = top.get("v") else {
        // Version 1: a bare experiment spec.
        read_spec(text, &mut state.landscape, &mut problems);
        return (state, problems);
    };
    if version.as_u64() != Some(VERSION) {
        problems.push(format!(
            "the address is version {version}; this page reads version {VERSION}, so only what it knows was read"
        ));
    }
    let known = [
        "v", "mode", "spec", "runs", "view", "step", "speed", "scene", "edited", "panels", "embed",
        "lecture",
    ];
    if let Some(lecture) = top.get("lecture") {
        match LectureAt::from_value(lecture) {
            Ok(found) => state.lecture = Some(found),
            Err(problem) => problems.push(problem),
        }
    }
    if let Some(embed) = top.get("embed") {
        match Embed::ALL.iter().find(|(n, _)| Some(*n) == embed.as_str()) {
            Some((_, e)) => state.embed = *e,
            None => problems.push(format!(
                "embed: must be \"picture\" or \"controls\", got {embed}"
            )),
        }
    }
    for key in top.keys().filter(|k| !known.contains(&k.as_str())) {
        problems.push(format!("unknown part '{key}' left out"));
    }
    match top.get("mode").map(|m| m.as_str()) {
        None | Some(Some("landscapes")) => {
            let lecture = state.lecture.as_ref();
            read_landscape(&top, &mut state.landscape, lecture, &mut problems);
        }
        Some(Some("classifier")) => {
            state.mode = Mode::Classifier;
            let panels = json!({"panels": top.get("panels").cloned().unwrap_or(Json::Null)});
            read_panels(&panels.to_string(), &mut state.classifier, &mut problems);
            if let Some(scene) = top.get("scene") {
                let own = scene
                    .as_str()
                    .and_then(|name| state.lecture.as_ref()?.own_index(name, false));
                match scene.as_u64().map(|s| s as usize) {
                    Some(s) if s < scenes(&mut None).len() => state.classifier.scene = Some(s),
                    _ if own.is_some() => state.classifier.own_scene = own,
                    _ => problems.push(format!("scene: no classifier scene {scene}")),
                }
            }
        }
        Some(_) => problems.push(format!(
            "mode: must be \"landscapes\" or \"classifier\", got {}",
            top["mode"]
        )),
    }
    (state, problems)
}

fn read_panels(text: &str, classifier: &mut ClassifierState, problems: &mut Vec<String>) {
    let (panels, found) = salvage_panels(text);
    problems.extend(found);
    if panels.is_empty() {
        problems.push("no classifier panel could be read, so the first scene is shown".into());
    } else {
        classifier.panels = panels.into_iter().take(MAX_PANELS).collect();
        classifier.scene = None;
    }
}

fn read_spec(text: &str, landscape: &mut LandscapeState, problems: &mut Vec<String>) {
    let (value, found) = salvage(text);
    problems.extend(found);
    if let Ok(spec) = Spec::from_value(&value) {
        *landscape = LandscapeState::from_spec(&spec);
    }
    let mut notice = None;
    landscape.limit_steps(&mut notice);
    problems.extend(notice);
}

fn read_landscape(
    top: &Map<String, Json>,
    l: &mut LandscapeState,
    lecture: Option<&LectureAt>,
    problems: &mut Vec<String>,
) {
    match top.get("spec") {
        Some(spec) => read_spec(&spec.to_string(), l, problems),
        None => problems.push("spec: missing, so the default experiment is shown".into()),
    }
    if let Some(styles) = top.get("runs") {
        match styles.as_array() {
            Some(styles) => {
                for (run, style) in l.runs.iter_mut().zip(styles) {
                    let color = style.get("color").and_then(Json::as_str);
                    match color {
                        Some(c) if parse_color(c).is_some() => run.color = c.to_string(),
                        None => {}
                        Some(c) => problems.push(format!("runs: colour '{c}' is not #rrggbb")),
                    }
                    run.visible = !style.get("hidden").and_then(Json::as_bool).unwrap_or(false);
                    run.renamed = style
                        .get("renamed")
                        .and_then(Json::as_bool)
                        .unwrap_or(false);
                }
            }
            None => problems.push("runs: must be a list of styles".into()),
        }
    }
    if let Some(view) = top.get("view") {
        l.view = read_view(view, problems);
        if let Some(Err(why)) = l.view.sweep.as_ref().map(|c| l.sweepable(c)) {
            problems.push(why);
            l.view.sweep = None;
        }
    }
    if let Some(step) = top.get("step") {
        match step.as_u64() {
            Some(s) => l.step = s as usize,
            None => problems.push(format!("step: must be a whole number, got {step}")),
        }
    }
    if let Some(speed) = top.get("speed") {
        match speed.as_f64().filter(|s| SPEEDS.contains(s)) {
            Some(s) => l.speed = s,
            None => problems.push(format!("speed: must be one of {SPEEDS:?}, got {speed}")),
        }
    }
    if let Some(scene) = top.get("scene") {
        let names: Vec<&str> = landscape_scenes()
            .map(|s| s.iter().map(|(n, _)| *n).collect())
            .unwrap_or_default();
        let own = |name: &str| lecture.and_then(|l| l.own_index(name, true)).is_some();
        match scene.as_str().filter(|s| names.contains(s) || own(s)) {
            Some(name) => {
                l.scene = Some(name.to_string());
                l.edited = top.get("edited").and_then(Json::as_bool).unwrap_or(false);
            }
            None if scene.as_str().is_some_and(is_own_name) => {
                problems.push("scene: the lecture has no such scene of its own".into())
            }
            None => problems.push(format!("scene: no scene {scene}")),
        }
    }
}

fn read_view(value: &Json, problems: &mut Vec<String>) -> View {
    let mut view = View::default();
    let Some(object) = value.as_object() else {
        problems.push(format!("view: must be an object, got {value}"));
        return view;
    };
    for (key, value) in object {
        match key.as_str() {
            "compare" => match value.as_str() {
                Some("side-by-side") => view.compare = Compare::SideBySide,
                Some("overlaid") => view.compare = Compare::Overlaid,
                _ => problems.push(format!(
                    "view.compare: must be \"overlaid\" or \"side-by-side\", got {value}"
                )),
            },
            "overlays" => {
                for name in value.as_array().into_iter().flatten() {
                    match Overlay::ALL.iter().find(|(n, _)| Some(*n) == name.as_str()) {
                        Some((_, o)) if !view.has(*o) => view.overlays.push(*o),
                        Some(_) => {}
                        None => problems.push(format!("view.overlays: no overlay {name}")),
                    }
                }
            }
            "chart" => match Quantity::ALL
                .iter()
                .find(|(n, _)| Some(*n) == value.as_str())
            {
                Some((_, q)) => view.chart = *q,
                None => problems.push(format!("view.chart: no chart {value}")),
            },
            "fit" => view.fit = value.as_bool().unwrap_or(true),
            "surface" => {
                let angle = |name: &str| value.get(name).and_then(Json::as_f64);
                match (angle("azimuth"), angle("elevation")) {
                    (Some(azimuth), Some(elevation)) => {
                        view.surface = Some(Camera { azimuth: 0.0, elevation: 0.0 }.turned(azimuth, elevation));
                    }
                    _ => problems.push(format!(
                        "view.surface: must be {{\"azimuth\": degrees, \"elevation\": degrees}}, got {value}"
                    )),
                }
            }
            "spin" => view.spin = value.as_bool().unwrap_or(false),
            "sweep" => match read_sweep(value) {
                Some(sweep) => view.sweep = Some(sweep),
                None => problems.push(format!(
                    "view.sweep: must be {{\"run\": N, \"params\": [one or two names]}}, got {value}"
                )),
            },
            other => problems.push(format!("view: unknown part '{other}' left out")),
        }
    }
    view
}

/// A sweep as the address writes it (checked against the runs once they are read).
fn read_sweep(value: &Json) -> Option<SweepChoice> {
    let run = usize::try_from(value.get("run")?.as_u64()?).ok()?;
    let params: Vec<String> = value
        .get("params")?
        .as_array()?
        .iter()
        .map(|p| p.as_str().map(str::to_string))
        .collect::<Option<_>>()?;
    let random = match value.get("search").map(Json::as_str) {
        None | Some(Some("grid")) => false,
        Some(Some("random")) => true,
        _ => return None,
    };
    Some(SweepChoice {
        run,
        params,
        random,
    })
}

/// The spec in `text` with every bad part replaced by its default, and the
/// problems found. Parts are the problem, each run, and each other top-level
/// field: a broken run is dropped, a broken problem becomes the quadratic.
pub fn salvage(text: &str) -> (Json, Vec<String>) {
    let fallback = || serde_json::from_str::<Json>(DEFAULT_SPEC).unwrap_or(Json::Null);
    let Ok(Json::Object(given)) = serde_json::from_str::<Json>(text) else {
        return (
            fallback(),
            vec!["the address does not hold a JSON spec".to_string()],
        );
    };
    let mut problems = Vec::new();
    let mut spec = Map::new();
    let default_run = json!({"optimizer": crate::optim::registry::GD.name, "lr": 0.1});
    let problem = given.get("problem").cloned().filter(|p| {
        let check = json!({"problem": p, "runs": [default_run]});
        match Spec::from_value(&check) {
            Ok(_) => true,
            Err(e) => {
                problems.push(e.to_string());
                false
            }
        }
    });
    spec.insert(
        "problem".into(),
        problem.unwrap_or_else(|| json!({"name": "quadratic"})),
    );
    let listed = given.get("runs").and_then(Json::as_array);
    if listed.is_some_and(|l| l.len() > MAX_RUNS) {
        problems.push(format!(
            "runs: the page compares at most {MAX_RUNS}; the rest were left out"
        ));
    }
    let runs: Vec<Json> = listed
        .map(|list| {
            list.iter()
                .filter(|run| {
                    let check = json!({"problem": spec["problem"], "runs": [run]});
                    match Spec::from_value(&check) {
                        Ok(_) => true,
                        Err(e) => {
                            problems.push(e.to_string());
                            false
                        }
                    }
                })
                .take(MAX_RUNS)
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    spec.insert(
        "runs".into(),
        if runs.is_empty() {
            json!([default_run])
        } else {
            Json::Array(runs)
        },
    );
    for (key, value) in given
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "problem" | "runs"))
    {
        let mut check = spec.clone();
        check.insert(key.clone(), value.clone());
        match Spec::from_value(&Json::Object(check)) {
            Ok(_) => {
                spec.insert(key.clone(), value.clone());
            }
            Err(e) => problems.push(e.to_string()),
        }
    }
    (Json::Object(spec), problems)
}
