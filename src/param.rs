//! Declared parameters (of problems and optimizers) and their validation.
//!
//! A [`ParamSpec`] says what a parameter is called, its symbol, its default
//! and what values it takes: a real number in a range (with a linear or
//! logarithmic slider), a whole number, a switch, or one of a few named
//! choices. The page builds its controls from these declarations, the CLI
//! lists them, and every input is checked against them.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::Value as Json;

use crate::error::FieldError;
use crate::render::number::format_number;

/// What values a parameter takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ParamKind {
    /// A real number in `[min, max]`.
    Real {
        /// The smallest accepted value.
        min: f64,
        /// The largest accepted value.
        max: f64,
        /// Whether a slider for it moves on a logarithmic scale.
        log_scale: bool,
    },
    /// A whole number in `[min, max]`.
    Integer {
        /// The smallest accepted value.
        min: u32,
        /// The largest accepted value.
        max: u32,
    },
    /// On or off.
    Flag,
    /// One of a few named options.
    Choice(&'static [&'static str]),
    /// A formula in `x` and `y` (see [`crate::problem::formula`]), checked by parsing it.
    Formula,
}

/// A parameter's value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A real or whole number.
    Number(f64),
    /// A switch.
    Flag(bool),
    /// A named option.
    Choice(&'static str),
    /// Text, such as a formula.
    Text(Cow<'static, str>),
}

impl Value {
    /// The value as JSON, as it is written in specs.
    pub fn to_json(&self) -> Json {
        match self {
            Value::Number(v) => serde_json::Number::from_f64(*v).map_or(Json::Null, Json::Number),
            Value::Flag(b) => Json::Bool(*b),
            Value::Choice(s) => Json::String(s.to_string()),
            Value::Text(s) => Json::String(s.to_string()),
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Number(v) => write!(f, "{v}"),
            Value::Flag(b) => write!(f, "{b}"),
            Value::Choice(s) => f.write_str(s),
            Value::Text(s) => f.write_str(s),
        }
    }
}

/// The declaration of one parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamSpec {
    /// The key used in specs and URLs, for example `kappa` or `lr`.
    pub name: &'static str,
    /// The symbol shown next to its control and in the equations, for example `κ` or `α`.
    pub symbol: &'static str,
    /// The value used when the parameter is left out.
    pub default: Value,
    /// What values it takes.
    pub kind: ParamKind,
    /// One line saying what the parameter does.
    pub doc: &'static str,
}

impl ParamSpec {
    /// A numeric parameter taking values of `kind`.
    const fn numeric(
        name: &'static str,
        symbol: &'static str,
        default: f64,
        kind: ParamKind,
        doc: &'static str,
    ) -> Self {
        Self {
            name,
            symbol,
            default: Value::Number(default),
            kind,
            doc,
        }
    }

    /// A real parameter on a linear scale.
    pub const fn real(
        name: &'static str,
        symbol: &'static str,
        default: f64,
        min: f64,
        max: f64,
        doc: &'static str,
    ) -> Self {
        let kind = ParamKind::Real {
            min,
            max,
            log_scale: false,
        };
        Self::numeric(name, symbol, default, kind, doc)
    }

    /// A positive real parameter on a logarithmic scale (rates, epsilons).
    pub const fn log(
        name: &'static str,
        symbol: &'static str,
        default: f64,
        min: f64,
        max: f64,
        doc: &'static str,
    ) -> Self {
        let kind = ParamKind::Real {
            min,
            max,
            log_scale: true,
        };
        Self::numeric(name, symbol, default, kind, doc)
    }

    /// A whole-number parameter.
    pub const fn integer(
        name: &'static str,
        symbol: &'static str,
        default: u32,
        min: u32,
        max: u32,
        doc: &'static str,
    ) -> Self {
        Self::numeric(
            name,
            symbol,
            default as f64,
            ParamKind::Integer { min, max },
            doc,
        )
    }

    /// A switch.
    pub const fn flag(name: &'static str, default: bool, doc: &'static str) -> Self {
        Self {
            name,
            symbol: name,
            default: Value::Flag(default),
            kind: ParamKind::Flag,
            doc,
        }
    }

    /// A choice among `options`; `default` must be one of them.
    pub const fn choice(
        name: &'static str,
        default: &'static str,
        options: &'static [&'static str],
        doc: &'static str,
    ) -> Self {
        Self {
            name,
            symbol: name,
            default: Value::Choice(default),
            kind: ParamKind::Choice(options),
            doc,
        }
    }

    /// A formula in `x` and `y`, `default` when not given.
    pub const fn formula(
        name: &'static str,
        symbol: &'static str,
        default: &'static str,
        doc: &'static str,
    ) -> Self {
        Self {
            name,
            symbol,
            default: Value::Text(Cow::Borrowed(default)),
            kind: ParamKind::Formula,
            doc,
        }
    }

    /// The accepted range of a number, and whether it must be whole; `None`
    /// for switches, choices and formulas.
    pub fn range(&self) -> Option<(f64, f64, bool)> {
        match self.kind {
            ParamKind::Real { min, max, .. } => Some((min, max, false)),
            ParamKind::Integer { min, max } => Some((f64::from(min), f64::from(max), true)),
            ParamKind::Flag | ParamKind::Choice(_) | ParamKind::Formula => None,
        }
    }

    /// Checks a JSON value against the declaration; `field` names it in errors.
    pub fn check(&self, field: &str, given: &Json) -> Result<Value, FieldError> {
        let err = |message: String| Err(FieldError::new(field, message));
        match self.kind {
            ParamKind::Real { min, max, .. } => {
                let Some(v) = given.as_f64() else {
                    return err(format!("must be a number, got {given}"));
                };
                if !(min..=max).contains(&v) {
                    return err(format!(
                        "must lie in [{min}, {max}], got {}",
                        format_number(v)
                    ));
                }
                Ok(Value::Number(v))
            }
            ParamKind::Integer { min, max } => {
                let v = given.as_f64().unwrap_or(f64::NAN);
                if v.fract() != 0.0 || !v.is_finite() {
                    return err(format!("must be a whole number, got {given}"));
                }
                if v < f64::from(min) || v > f64::from(max) {
                    return err(format!(
                        "must lie in [{min}, {max}], got {}",
                        format_number(v)
                    ));
                }
                Ok(Value::Number(v))
            }
            ParamKind::Flag => match given.as_bool() {
                Some(b) => Ok(Value::Flag(b)),
                None => err(format!("must be true or false, got {given}")),
            },
            ParamKind::Choice(options) => {
                let found = given
                    .as_str()
                    .and_then(|s| options.iter().find(|o| **o == s));
                match found {
                    Some(option) => Ok(Value::Choice(option)),
                    None => err(format!(
                        "must be one of {}, got {given}",
                        options.join(", ")
                    )),
                }
            }
            ParamKind::Formula => {
                let Some(text) = given.as_str() else {
                    return err(format!("must be a formula in x and y, got {given}"));
                };
                match crate::problem::formula::check(text) {
                    Ok(()) => Ok(Value::Text(Cow::Owned(text.to_string()))),
                    Err(e) => err(format!("{e}")),
                }
            }
        }
    }

    /// A one-line description of the accepted values, for listings and errors.
    pub fn describe_kind(&self) -> String {
        match self.kind {
            ParamKind::Real {
                min,
                max,
                log_scale,
            } => {
                format!("in [{min}, {max}]{}", if log_scale { ", log" } else { "" })
            }
            ParamKind::Integer { min, max } => format!("whole number in [{min}, {max}]"),
            ParamKind::Flag => "true or false".to_string(),
            ParamKind::Choice(options) => format!("one of {}", options.join(", ")),
            ParamKind::Formula => format!(
                "a formula in x and y, at most {} characters",
                crate::problem::formula::MAX_FORMULA_LENGTH
            ),
        }
    }
}

/// Values of declared parameters, looked up by name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParamValues {
    values: BTreeMap<&'static str, Value>,
}

impl ParamValues {
    /// The value declared as `name`. Looking up a name that was never
    /// declared is a mistake in the code, not in a spec, and stops loudly
    /// instead of answering NaN, 0 or "" (a test builds every registry
    /// entry, which reads every name it declares).
    fn declared(&self, name: &str, kind: &str) -> Value {
        match self.values.get(name) {
            Some(v) => v.clone(),
            None => panic!(
                "parameter '{name}' ({kind}) is not declared; declared: {}",
                self.values.keys().copied().collect::<Vec<_>>().join(", ")
            ),
        }
    }

    /// The number declared as `name`.
    pub fn number(&self, name: &str) -> f64 {
        match self.declared(name, "a number") {
            Value::Number(v) => v,
            other => panic!("parameter '{name}' is {other:?}, not a number"),
        }
    }

    /// The whole number declared as `name`.
    pub fn count(&self, name: &str) -> usize {
        let v = self.number(name);
        if v.is_finite() && v >= 0.0 {
            v as usize
        } else {
            0
        }
    }

    /// The switch declared as `name`.
    pub fn flag(&self, name: &str) -> bool {
        match self.declared(name, "a switch") {
            Value::Flag(v) => v,
            other => panic!("parameter '{name}' is {other:?}, not a switch"),
        }
    }

    /// The option chosen for `name`, declared as a choice.
    pub fn choice(&self, name: &str) -> &'static str {
        match self.declared(name, "a choice") {
            Value::Choice(s) => s,
            other => panic!("parameter '{name}' is {other:?}, not a choice"),
        }
    }

    /// The text declared as `name` (a formula).
    pub fn text(&self, name: &str) -> String {
        match self.declared(name, "text") {
            Value::Text(s) => s.into_owned(),
            other => panic!("parameter '{name}' is {other:?}, not text"),
        }
    }

    /// Whether `name` is declared.
    pub fn declares(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// Every value, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, Value)> + '_ {
        self.values.iter().map(|(k, v)| (*k, v.clone()))
    }
}

/// Resolves user-given values against declarations: defaults fill the gaps;
/// unknown names, wrong types and out-of-range values are all reported, each
/// field prefixed by `scope`.
pub fn resolve(
    specs: &[ParamSpec],
    given: &BTreeMap<String, Json>,
    scope: &str,
) -> Result<ParamValues, Vec<FieldError>> {
    let mut errors = Vec::new();
    for name in given.keys() {
        if !specs.iter().any(|s| s.name == name) {
            let known: Vec<&str> = specs.iter().map(|s| s.name).collect();
            let hint = if known.is_empty() {
                "this takes no parameters".to_string()
            } else {
                format!("known parameters: {}", known.join(", "))
            };
            errors.push(FieldError::new(
                format!("{scope}.{name}"),
                format!("unknown parameter; {hint}"),
            ));
        }
    }
    let mut values = BTreeMap::new();
    for spec in specs {
        let checked = match given.get(spec.name) {
            Some(json) => spec.check(&format!("{scope}.{}", spec.name), json),
            None => Ok(spec.default.clone()),
        };
        match checked {
            Ok(v) => {
                values.insert(spec.name, v);
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(ParamValues { values })
    } else {
        Err(errors)
    }
}

/// Numbers as JSON values, for callers that hold plain numbers.
pub fn numbers(pairs: &[(&str, f64)]) -> BTreeMap<String, Json> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), Value::Number(*v).to_json()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SPECS: &[ParamSpec] = &[
        ParamSpec::log("kappa", "κ", 10.0, 1.0, 1000.0, "condition number"),
        ParamSpec::flag("nesterov", false, "look-ahead gradient"),
        ParamSpec::choice("beta", "pr+", &["pr+", "fr"], "formula for β"),
        ParamSpec::integer("history", "m", 10, 1, 50, "pairs kept"),
    ];

    fn given(value: Json) -> BTreeMap<String, Json> {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn defaults_fill_missing_values() {
        let values = resolve(SPECS, &BTreeMap::new(), "problem").unwrap();
        assert_eq!(values.number("kappa"), 10.0);
        assert!(!values.flag("nesterov"));
        assert_eq!(values.choice("beta"), "pr+");
        assert_eq!(values.count("history"), 10);
    }

    #[test]
    fn given_values_of_every_kind_are_read() {
        let values = resolve(
            SPECS,
            &given(json!({"kappa": 50, "nesterov": true, "beta": "fr", "history": 3})),
            "runs[0]",
        )
        .unwrap();
        assert_eq!(values.number("kappa"), 50.0);
        assert!(values.flag("nesterov"));
        assert_eq!(values.choice("beta"), "fr");
        assert_eq!(values.count("history"), 3);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let errors = resolve(
            SPECS,
            &given(
                json!({"kappa": 0.5, "kapa": 3, "nesterov": "yes", "beta": "hs", "history": 2.5}),
            ),
            "problem",
        )
        .unwrap_err();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            vec![
                "problem.kapa: unknown parameter; known parameters: kappa, nesterov, beta, history",
                "problem.kappa: must lie in [1, 1000], got 0.5",
                "problem.nesterov: must be true or false, got \"yes\"",
                "problem.beta: must be one of pr+, fr, got \"hs\"",
                "problem.history: must be a whole number, got 2.5",
            ]
        );
    }

    #[test]
    fn wrong_types_are_reported() {
        let errors = resolve(SPECS, &given(json!({"kappa": "ten"})), "p").unwrap_err();
        assert_eq!(
            errors[0].to_string(),
            "p.kappa: must be a number, got \"ten\""
        );
    }
}
