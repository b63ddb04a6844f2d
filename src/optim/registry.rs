//! Every optimizer by name, with its hyperparameters, equations and reference.

use std::collections::BTreeMap;

use super::{GradientDescent, Optimizer};
use crate::error::SpecError;
use crate::param::{resolve, ParamSpec, ParamValues};

/// The broad kind of method, for grouping in menus and docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// Uses gradients only.
    FirstOrder,
    /// Uses curvature (Hessians or their approximations).
    SecondOrder,
}

/// One optimizer of the registry.
pub struct OptimizerEntry {
    /// The key used in specs and URLs.
    pub name: &'static str,
    /// The name shown to people.
    pub label: &'static str,
    /// Its family.
    pub family: Family,
    /// Its hyperparameters.
    pub params: &'static [ParamSpec],
    /// The update, in plain Unicode, with the symbols of its controls.
    pub equations: &'static str,
    /// Where the method comes from.
    pub reference: &'static str,
    build: fn(&ParamValues, usize) -> Box<dyn Optimizer>,
}

impl std::fmt::Debug for OptimizerEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OptimizerEntry")
            .field("name", &self.name)
            .finish()
    }
}

/// The learning rate as every first-order method declares it.
const LR: ParamSpec = ParamSpec {
    name: "lr",
    symbol: "α",
    default: 0.01,
    min: 1e-6,
    max: 10.0,
    log_scale: true,
    doc: "learning rate (step size)",
};

/// All optimizers.
pub const OPTIMIZERS: &[OptimizerEntry] = &[OptimizerEntry {
    name: "gd",
    label: "Gradient descent",
    family: Family::FirstOrder,
    params: &[LR],
    equations: "xₖ₊₁ = xₖ − α ∇f(xₖ)",
    reference:
        "Cauchy (1847), Méthode générale pour la résolution des systèmes d'équations simultanées",
    build: |p, dim| Box::new(GradientDescent::new(p.get("lr"), dim)),
}];

/// The registry entry called `name`, if there is one.
pub fn find(name: &str) -> Option<&'static OptimizerEntry> {
    OPTIMIZERS.iter().find(|o| o.name == name)
}

/// Builds optimizer `name` for `dim` parameters with the given hyperparameters;
/// `scope` prefixes field names in errors (for example `runs[0]`).
pub fn build(
    name: &str,
    params: &BTreeMap<String, f64>,
    dim: usize,
    scope: &str,
) -> Result<Box<dyn Optimizer>, SpecError> {
    let Some(entry) = find(name) else {
        let known: Vec<&str> = OPTIMIZERS.iter().map(|o| o.name).collect();
        return Err(SpecError::single(
            format!("{scope}.optimizer"),
            format!(
                "unknown optimizer '{name}'; known optimizers: {}",
                known.join(", ")
            ),
        ));
    };
    let values = resolve(entry.params, params, scope).map_err(|errors| SpecError { errors })?;
    Ok((entry.build)(&values, dim))
}
