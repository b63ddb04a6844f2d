//! The one reader behind both spec kinds: it walks a JSON document,
//! collects every problem instead of stopping at the first, names unknown
//! keys with the known ones, and reads an optimizer (name, hyperparameters,
//! `betas`, schedule) against the registry and what the objective offers.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

use crate::error::{FieldError, SpecError};
use crate::optim::registry::{self, Configured};
use crate::optim::schedule::{self, Schedule};
use crate::param::{resolve, ParamSpec, ParamValues};
use crate::problem::View;

/// Collects every problem while reading a JSON document.
#[derive(Debug, Default)]
pub struct Reader {
    /// What is wrong so far.
    pub errors: Vec<FieldError>,
}

/// An optimizer read from a spec.
#[derive(Clone, Debug)]
pub struct ReadOptimizer {
    /// Its registry entry and resolved hyperparameters.
    pub configured: Configured,
    /// The hyperparameters as given (`betas` split into `beta1` and `beta2`).
    pub given: BTreeMap<String, Json>,
    /// Its schedule and the schedule as given, if any.
    pub schedule: Option<(Schedule, Json)>,
}

/// The JSON text parsed, or the error naming why it is not JSON.
pub fn parse(text: &str) -> Result<Json, SpecError> {
    serde_json::from_str(text)
        .map_err(|e| SpecError::single("spec", format!("is not valid JSON: {e}")))
}

/// Every key of `object` but `key`, as a parameter map.
pub fn fields_except(object: &Map<String, Json>, key: &str) -> BTreeMap<String, Json> {
    object
        .iter()
        .filter(|(k, _)| k.as_str() != key)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn path(scope: &str, key: &str) -> String {
    if scope.is_empty() {
        key.to_string()
    } else {
        format!("{scope}.{key}")
    }
}

impl Reader {
    /// Records that `field` is wrong.
    pub fn error(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// The errors so far as a result: `Ok(value)` when there are none.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, SpecError> {
        match value {
            Some(value) if self.errors.is_empty() => Ok(value),
            _ => Err(SpecError {
                errors: self.errors,
            }),
        }
    }

    /// `value` as an object, or an error for `field`.
    pub fn object<'j>(&mut self, value: &'j Json, field: &str) -> Option<&'j Map<String, Json>> {
        let object = value.as_object();
        if object.is_none() {
            self.error(field, format!("must be an object, got {value}"));
        }
        object
    }

    /// `top[key]` as a parameter map (empty when absent; an error when not an object).
    pub fn params_of(&mut self, top: &Map<String, Json>, key: &str) -> BTreeMap<String, Json> {
        match top.get(key) {
            None => BTreeMap::new(),
            Some(value) => self
                .object(value, key)
                .map(|o| fields_except(o, ""))
                .unwrap_or_default(),
        }
    }

    /// `params` resolved against `specs`, errors recorded (under `scope`).
    pub fn resolve(
        &mut self,
        specs: &'static [ParamSpec],
        params: &BTreeMap<String, Json>,
        scope: &str,
    ) -> Option<ParamValues> {
        resolve(specs, params, scope)
            .map_err(|e| self.errors.extend(e))
            .ok()
    }

    /// Records every key of `object` not in `known`.
    pub fn unknown_keys(&mut self, object: &Map<String, Json>, known: &[&str], scope: &str) {
        for key in object.keys() {
            if !known.contains(&key.as_str()) {
                self.error(
                    path(scope, key),
                    format!("unknown field; known fields: {}", known.join(", ")),
                );
            }
        }
    }

    /// A whole number in `[min, max]`, `default` when absent.
    pub fn count(
        &mut self,
        value: Option<&Json>,
        field: &str,
        min: u64,
        max: u64,
        default: u64,
    ) -> u64 {
        let Some(value) = value else {
            return default;
        };
        match value.as_u64() {
            Some(v) if (min..=max).contains(&v) => v,
            _ => {
                self.error(
                    field,
                    format!("must be a whole number in [{min}, {max}], got {value}"),
                );
                default
            }
        }
    }

    /// Reads `{"kind": name, ...params}` against a table of kinds.
    pub fn kinded<'t>(
        &mut self,
        value: &Json,
        field: &str,
        kinds: &'t [(&'static str, &'static [ParamSpec])],
    ) -> Option<(&'t str, ParamValues)> {
        let object = self.object(value, field)?;
        let names: Vec<&str> = kinds.iter().map(|k| k.0).collect();
        let Some(kind) = object.get("kind").and_then(Json::as_str) else {
            self.error(
                format!("{field}.kind"),
                format!("is required: one of {}", names.join(", ")),
            );
            return None;
        };
        let Some((name, params)) = kinds.iter().find(|k| k.0 == kind) else {
            self.error(
                format!("{field}.kind"),
                format!("unknown kind '{kind}'; known kinds: {}", names.join(", ")),
            );
            return None;
        };
        let given = fields_except(object, "kind");
        self.resolve(params, &given, field).map(|v| (*name, v))
    }

    /// Reads an optimizer from `object`: its name under `name_key`, its
    /// hyperparameters (with torch's `betas` pair), and a schedule; keys in
    /// `other_keys` belong to the caller. The optimizer must run on
    /// `subject`, which offers `offered`.
    pub fn optimizer(
        &mut self,
        object: &Map<String, Json>,
        scope: &str,
        name_key: &str,
        other_keys: &[&str],
        (subject, offered): (&str, &[View]),
    ) -> Option<ReadOptimizer> {
        let name_field = path(scope, name_key);
        let Some(name) = object.get(name_key).and_then(Json::as_str) else {
            self.error(&name_field, "is required, for example \"adam\"");
            return None;
        };
        let entry = match registry::find_or_error(name, &name_field) {
            Ok(entry) => entry,
            Err(e) => {
                self.errors.push(e);
                return None;
            }
        };
        let mut known: Vec<&str> = vec![name_key, "schedule"];
        known.extend(other_keys);
        known.extend(entry.params.iter().map(|p| p.name));
        let has_betas = entry.param("beta1").is_some();
        if has_betas {
            known.push("betas");
        }
        self.unknown_keys(object, &known, scope);
        let mut given: BTreeMap<String, Json> = object
            .iter()
            .filter(|(k, _)| entry.param(k).is_some())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if let (true, Some(betas)) = (has_betas, object.get("betas")) {
            match betas.as_array().filter(|a| a.len() == 2) {
                Some(pair) => {
                    given.insert("beta1".into(), pair[0].clone());
                    given.insert("beta2".into(), pair[1].clone());
                }
                None => self.error(
                    path(scope, "betas"),
                    format!("must be a pair [β₁, β₂], got {betas}"),
                ),
            }
        }
        if let Some(message) = entry.unmet_by(offered, subject) {
            self.error(&name_field, message);
        }
        let schedule = object
            .get("schedule")
            .and_then(|value| self.schedule(value, &path(scope, "schedule"), entry.has_lr(), name));
        let configured = match Configured::new(name, &given, scope) {
            Ok(c) => c,
            Err(errors) => {
                self.errors.extend(errors);
                return None;
            }
        };
        if let Err(e) = configured.build(2, scope) {
            self.errors.push(e);
        }
        Some(ReadOptimizer {
            configured,
            given,
            schedule,
        })
    }

    fn schedule(
        &mut self,
        value: &Json,
        field: &str,
        has_lr: bool,
        name: &str,
    ) -> Option<(Schedule, Json)> {
        if !has_lr {
            self.error(field, format!("'{name}' has no learning rate to schedule"));
            return None;
        }
        let object = self.object(value, field)?;
        let Some(kind) = object.get("kind").and_then(Json::as_str) else {
            self.error(
                format!("{field}.kind"),
                "is required, for example \"cosine\"",
            );
            return None;
        };
        let params = fields_except(object, "kind");
        match schedule::build(kind, &params, field) {
            Ok(s) => Some((s, value.clone())),
            Err(errors) => {
                self.errors.extend(errors);
                None
            }
        }
    }
}
