//! How a classifier panel is written and read. Addresses and scenes hold
//! each panel as the classifier spec it trains, which `descent train`
//! accepts unchanged; the older panel form (`{"width", "optimizer", "params",
//! "batch_size", "iterations", "device", "model"}`) still reads. Either form
//! needs only what differs from the defaults.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value as Json};

use super::panel::{PanelSetup, MAX_PANELS};
use crate::experiment::classifier::device::DeviceChoice;
use crate::experiment::classifier::ClassifierSpec;
use crate::optim::registry;

/// Spec fields a panel keeps only when they differ from what it would write.
const KEPT_AS_GIVEN: [&str; 3] = ["data", "seed", "log_every"];

/// The older form of a panel.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct PanelForm {
    width: usize,
    optimizer: String,
    #[serde(default)]
    params: BTreeMap<String, Json>,
    batch_size: usize,
    iterations: usize,
    #[serde(default)]
    device: DeviceChoice,
    #[serde(default)]
    model: BTreeMap<String, Json>,
}

impl From<PanelForm> for PanelSetup {
    fn from(form: PanelForm) -> Self {
        Self {
            width: form.width,
            optimizer: form.optimizer,
            params: form.params,
            batch_size: form.batch_size,
            iterations: form.iterations,
            device: form.device,
            model: form.model,
            rest: BTreeMap::new(),
        }
    }
}

fn object_without(value: Option<&Json>, key: &str) -> BTreeMap<String, Json> {
    value
        .and_then(Json::as_object)
        .map(|o| {
            o.iter()
                .filter(|(k, _)| k.as_str() != key)
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default()
}

impl PanelSetup {
    /// The panel that trains the classifier spec `value`, or why there is none.
    pub fn from_spec(value: &Json) -> Result<Self, String> {
        let spec = ClassifierSpec::from_value_unbudgeted(value).map_err(|e| e.to_string())?;
        let top = value.as_object().cloned().unwrap_or_default();
        let mut setup = Self {
            width: spec.architecture.width,
            optimizer: spec.optimizer_name().to_string(),
            params: object_without(top.get("optimizer"), "name"),
            batch_size: spec.batch_size.unwrap_or(spec.train_points()),
            iterations: spec.iterations,
            device: spec.device,
            model: object_without(top.get("model"), "width"),
            rest: BTreeMap::new(),
        };
        let written = setup.to_spec();
        for key in KEPT_AS_GIVEN {
            if let Some(given) = top.get(key) {
                if written.get(key) != Some(given) {
                    setup.rest.insert(key.to_string(), given.clone());
                }
            }
        }
        Ok(setup)
    }

    /// A panel from either form, its omissions filled in.
    pub fn from_json(value: Json) -> Result<Self, String> {
        let older = value.get("optimizer").is_some_and(Json::is_string)
            || value.get("width").is_some()
            || value.get("params").is_some();
        if older {
            let form: PanelForm =
                serde_json::from_value(with_defaults(value)).map_err(|e| e.to_string())?;
            let setup = PanelSetup::from(form);
            ClassifierSpec::from_value_unbudgeted(&setup.to_spec()).map_err(|e| e.to_string())?;
            Ok(setup)
        } else {
            Self::from_spec(&value)
        }
    }
}

impl Serialize for PanelSetup {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_spec().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for PanelSetup {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Json::deserialize(deserializer)?;
        Self::from_json(value).map_err(serde::de::Error::custom)
    }
}

/// An older-form panel with the fields it leaves out filled in as a new
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
    let defaults = PanelSetup::for_method(optimizer, width);
    let mut filled = Map::new();
    filled.insert("width".into(), width.into());
    filled.insert("optimizer".into(), optimizer.into());
    if !given.contains_key("params") {
        filled.insert(
            "params".into(),
            Json::Object(defaults.params.into_iter().collect()),
        );
    }
    filled.insert("batch_size".into(), defaults.batch_size.into());
    filled.insert("iterations".into(), defaults.iterations.into());
    let mut model: Map<String, Json> = defaults.model.into_iter().collect();
    if let Some(Json::Object(given_model)) = given.get("model") {
        model.extend(given_model.clone());
    }
    filled.insert("model".into(), Json::Object(model));
    for (key, value) in given {
        if key != "model" {
            filled.insert(key, value);
        }
    }
    Json::Object(filled)
}

/// The panels an address's JSON names, and what was wrong with the others:
/// each panel that cannot be read is left out and named. A panel that reads
/// but does not fit its network stays, as it was on the page that wrote
/// the address, and says why it does not train.
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
        match PanelSetup::from_json(panel) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::panel::TRAIN_POINTS;
    use serde_json::json;

    #[test]
    fn a_panel_is_written_as_the_spec_it_trains_and_read_back_unchanged() {
        let mut setup = PanelSetup::for_method(registry::KFAC.name, 64);
        setup.device = DeviceChoice::Cpu;
        setup.params.insert("damping".into(), json!(0.1));
        let written = serde_json::to_value(&setup).unwrap();
        assert_eq!(
            written["optimizer"],
            json!({"name": "kfac", "damping": 0.1})
        );
        assert_eq!(written["model"]["width"], json!(64));
        assert_eq!(written["device"], json!("cpu"));
        let spec = ClassifierSpec::from_value(&written).unwrap();
        assert_eq!(spec.iterations, setup.iterations);
        let read: PanelSetup = serde_json::from_value(written).unwrap();
        assert_eq!(read, setup);
    }

    #[test]
    fn a_panel_refused_for_its_size_survives_the_address() {
        let mut refused = PanelSetup::for_method(registry::KFAC.name, 8192);
        refused.device = DeviceChoice::Cpu;
        assert!(refused.parsed().is_err(), "K-FAC does not fit width 8192");
        let text = json!({"panels": [refused.clone(), PanelSetup::default()]}).to_string();
        let (setups, problems) = salvage_panels(&text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(setups, vec![refused, PanelSetup::default()]);
    }

    #[test]
    fn a_hand_written_spec_keeps_what_the_page_would_not_write() {
        let spec = json!({"data": {"seed": 4, "points": 500}, "seed": 9,
                          "optimizer": {"name": "sag", "lr": 0.5}, "iterations": 40});
        let (setups, problems) = salvage_panels(&json!({"panels": [spec]}).to_string());
        assert!(problems.is_empty(), "{problems:?}");
        let written = setups[0].to_spec();
        assert_eq!(written["data"], json!({"seed": 4, "points": 500}));
        assert_eq!(written["seed"], json!(9));
        assert_eq!(
            written["batch_size"],
            json!(400),
            "full batch of 400 training points"
        );
        let again = ClassifierSpec::from_value(&written).unwrap();
        assert_eq!(again.data, (4, 500, 0.8));
        assert_eq!(again.batch(), None);
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
