//! Declared numeric parameters (of problems and optimizers) and their validation.
//!
//! A [`ParamSpec`] says what a parameter is called, its default, its allowed
//! range and whether a slider for it should be logarithmic. The page builds its
//! controls from these declarations and every input is checked against them.

use std::collections::BTreeMap;

use crate::error::FieldError;

/// The declaration of one numeric parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParamSpec {
    /// The key used in specs and URLs, for example `kappa` or `lr`.
    pub name: &'static str,
    /// The symbol shown next to its control, for example `κ` or `α`.
    pub symbol: &'static str,
    /// The value used when the parameter is left out.
    pub default: f64,
    /// The smallest accepted value.
    pub min: f64,
    /// The largest accepted value.
    pub max: f64,
    /// Whether a slider for it moves on a logarithmic scale.
    pub log_scale: bool,
    /// One line saying what the parameter does.
    pub doc: &'static str,
}

impl ParamSpec {
    /// Checks one value against the declared range; `field` names it in the error.
    pub fn check(&self, field: &str, value: f64) -> Result<f64, FieldError> {
        if !value.is_finite() {
            return Err(FieldError::new(
                field,
                format!("must be a finite number, got {value}"),
            ));
        }
        if value < self.min || value > self.max {
            return Err(FieldError::new(
                field,
                format!("must lie in [{}, {}], got {value}", self.min, self.max),
            ));
        }
        Ok(value)
    }
}

/// Values of declared parameters, looked up by name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParamValues {
    values: BTreeMap<&'static str, f64>,
}

impl ParamValues {
    /// The value of `name`; the declarations guarantee every declared name is present.
    pub fn get(&self, name: &str) -> f64 {
        self.values.get(name).copied().unwrap_or(f64::NAN)
    }
}

/// Resolves user-given values against declarations: defaults fill the gaps,
/// unknown names and out-of-range values are all reported, each prefixed by `scope`.
pub fn resolve(
    specs: &[ParamSpec],
    given: &BTreeMap<String, f64>,
    scope: &str,
) -> Result<ParamValues, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut values = BTreeMap::new();
    for name in given.keys() {
        if !specs.iter().any(|s| s.name == name) {
            let known: Vec<&str> = specs.iter().map(|s| s.name).collect();
            let hint = if known.is_empty() {
                "takes no parameters".to_string()
            } else {
                format!("known parameters: {}", known.join(", "))
            };
            errors.push(FieldError::new(
                format!("{scope}.{name}"),
                format!("unknown parameter; {hint}"),
            ));
        }
    }
    for spec in specs {
        let value = given.get(spec.name).copied().unwrap_or(spec.default);
        match spec.check(&format!("{scope}.{}", spec.name), value) {
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

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[ParamSpec] = &[ParamSpec {
        name: "kappa",
        symbol: "κ",
        default: 10.0,
        min: 1.0,
        max: 1000.0,
        log_scale: true,
        doc: "condition number",
    }];

    #[test]
    fn defaults_fill_missing_values() {
        let values = resolve(SPECS, &BTreeMap::new(), "problem").unwrap();
        assert_eq!(values.get("kappa"), 10.0);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let given = BTreeMap::from([("kappa".to_string(), 0.5), ("kapa".to_string(), 3.0)]);
        let errors = resolve(SPECS, &given, "problem").unwrap_err();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            vec![
                "problem.kapa: unknown parameter; known parameters: kappa",
                "problem.kappa: must lie in [1, 1000], got 0.5",
            ]
        );
    }

    #[test]
    fn non_finite_values_are_rejected() {
        let given = BTreeMap::from([("kappa".to_string(), f64::NAN)]);
        let errors = resolve(SPECS, &given, "problem").unwrap_err();
        assert_eq!(errors[0].message, "must be a finite number, got NaN");
    }
}
