//! The landscape scene in the address: reading a broken or hand-edited spec
//! back part by part.

use serde_json::{json, Map, Value as Json};

use super::app::{DEFAULT_SPEC, MAX_RUNS};
use crate::spec::Spec;

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
    let default_run = json!({"optimizer": "gd", "lr": 0.1});
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
    let runs: Vec<Json> = given
        .get("runs")
        .and_then(Json::as_array)
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
