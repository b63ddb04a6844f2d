//! The landscape's numbers, switches and choices: their declarations, the
//! values in use, and setting one (checked against its declaration).

use std::collections::BTreeMap;

use serde_json::{json, Value as Json};

use super::entry::label;
use super::landscape::{LandscapeState, BATCH, SEED, STEPS};
use super::landscape_actions::Field;
use super::runs::{averaging_params, entry, kind_of, schedule_params};
use super::Effect;
use crate::experiment::landscape::spec::{kind_params, noise_kinds};
use crate::param::{ParamKind, ParamSpec};
use crate::problem::registry as problems;

impl LandscapeState {
    /// The parameters of noise kind `name`.
    pub fn noise_params(&self) -> &'static [ParamSpec] {
        kind_params(noise_kinds(), kind_of(self.noise.as_ref(), "none"))
    }

    /// The declaration behind `field`, if it names one.
    pub fn field_spec(&self, field: &Field) -> Option<&'static ParamSpec> {
        let find = |specs: &'static [ParamSpec], name: &str| specs.iter().find(|p| p.name == name);
        match field {
            Field::Problem(name) => find(self.problem.params, name),
            Field::Noise(name) => find(self.noise_params(), name),
            Field::Optimizer(i, name) => find(entry(&self.runs.get(*i)?.optimizer).params, name),
            Field::Schedule(i, name) => find(
                schedule_params(kind_of(self.runs.get(*i)?.schedule.as_ref(), "")),
                name,
            ),
            Field::Averaging(i, name) => find(
                averaging_params(kind_of(self.runs.get(*i)?.averaging.as_ref(), "")),
                name,
            ),
            Field::BatchSize => Some(&BATCH),
            Field::Steps => Some(&STEPS),
            Field::Seed => Some(&SEED),
        }
    }

    /// The value `field` has now (its default when not given).
    pub fn value(&self, field: &Field) -> Option<Json> {
        let given = |map: &BTreeMap<String, Json>, name: &str| map.get(name).cloned();
        let object = |v: Option<&Json>, name: &str| v.and_then(|o| o.get(name)).cloned();
        let value = match field {
            Field::Problem(name) => given(&self.problem_params, name),
            Field::Noise(name) => object(self.noise.as_ref(), name),
            Field::Optimizer(i, name) => given(&self.runs.get(*i)?.params, name),
            Field::Schedule(i, name) => object(self.runs.get(*i)?.schedule.as_ref(), name),
            Field::Averaging(i, name) => object(self.runs.get(*i)?.averaging.as_ref(), name),
            Field::BatchSize => self.batch_size.map(|b| json!(b)),
            Field::Steps => Some(json!(self.steps)),
            Field::Seed => Some(json!(self.seed)),
        };
        value.or_else(|| self.field_spec(field).map(|s| s.default.to_json()))
    }

    /// Sets `field` to a value already of the declared kind.
    pub(super) fn set_field(
        &mut self,
        field: &Field,
        value: Json,
        notice: &mut Option<String>,
    ) -> Effect {
        if let Some(spec) = self.field_spec(field) {
            if let Err(err) = spec.check(spec.name, &value) {
                *notice = Some(format!("{}: {}", label(spec), err.message));
                return Effect::Refresh;
            }
        }
        let put = |object: &mut Option<Json>, name: &str, value: Json| {
            if let Some(Json::Object(map)) = object {
                map.insert(name.to_string(), value);
            }
        };
        match field {
            Field::Problem(name) => return self.set_problem_param(name, value, notice),
            Field::Noise(name) => put(&mut self.noise, name, value),
            Field::Optimizer(i, name) => {
                if let Some(run) = self.runs.get_mut(*i) {
                    run.params.insert(name.clone(), value);
                }
            }
            Field::Schedule(i, name) => {
                if let Some(run) = self.runs.get_mut(*i) {
                    put(&mut run.schedule, name, value);
                }
            }
            Field::Averaging(i, name) => {
                if let Some(run) = self.runs.get_mut(*i) {
                    put(&mut run.averaging, name, value);
                }
            }
            Field::BatchSize => self.batch_size = value.as_u64(),
            Field::Steps => {
                let steps = value.as_u64().unwrap_or(1) as usize;
                if !self.fits(steps, self.runs.len(), notice) {
                    return Effect::Refresh;
                }
                self.steps = steps;
            }
            Field::Seed => self.seed = value.as_u64().unwrap_or(0),
        }
        Effect::Recompute
    }

    /// Sets one of the problem's parameters, unless the problem as a whole
    /// refuses it (a window's edges out of order); a new formula is a new
    /// function, so every run's settings are suggested afresh for it.
    fn set_problem_param(
        &mut self,
        name: &str,
        value: Json,
        notice: &mut Option<String>,
    ) -> Effect {
        let formula = self
            .field_spec(&Field::Problem(name.to_string()))
            .is_some_and(|spec| spec.kind == ParamKind::Formula);
        let before = self.problem_params.insert(name.to_string(), value);
        if let Err(e) = problems::build(self.problem.name, &self.problem_params, self.seed) {
            match before {
                Some(old) => self.problem_params.insert(name.to_string(), old),
                None => self.problem_params.remove(name),
            };
            *notice = Some(format!(
                "{e}; kept {name} = {}",
                self.shown_value(&Field::Problem(name.to_string()))
            ));
            return Effect::Refresh;
        }
        if !formula {
            return Effect::Recompute;
        }
        self.step = 0;
        self.resuggest();
        Effect::Rebuild
    }

    /// The value of `field` as its control shows it.
    pub fn shown_value(&self, field: &Field) -> String {
        match self.value(field) {
            Some(Json::Number(n)) => n
                .as_f64()
                .map_or_else(|| n.to_string(), crate::render::number::format_number),
            Some(Json::String(text)) => text,
            Some(other) => other.to_string(),
            None => String::new(),
        }
    }
}
