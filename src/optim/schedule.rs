//! Learning-rate schedules: α at step t (from 0) given the base rate α₀.

use std::collections::BTreeMap;
use std::f64::consts::PI;

use serde_json::Value as Json;

use crate::error::FieldError;
use crate::param::{resolve, ParamSpec, ParamValues};

/// A learning-rate schedule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Schedule {
    /// αₜ = α₀.
    Constant,
    /// αₜ = α₀ γ^⌊t/s⌋ (`torch.optim.lr_scheduler.StepLR`).
    Step {
        /// Steps between decays, s.
        step_size: usize,
        /// Decay factor γ.
        gamma: f64,
    },
    /// αₜ = α₀ γᵗ (`ExponentialLR`).
    Exponential {
        /// Decay factor γ.
        gamma: f64,
    },
    /// αₜ = α₀ / (1 + k t).
    InverseTime {
        /// Decay rate k.
        decay: f64,
    },
    /// αₜ = (1 − t/τ) α₀ + (t/τ) α_τ for t ≤ τ, then α_τ.
    Linear {
        /// The final rate α_τ.
        final_lr: f64,
        /// Steps of the decay, τ.
        tau: usize,
    },
    /// αₜ = α₀ / (t + 1)ᵖ: Robbins–Monro step sizes (Σα = ∞ and Σα² < ∞ for ½ < p ≤ 1).
    RobbinsMonro {
        /// The exponent p.
        power: f64,
    },
    /// αₜ = α_min + ½(α₀ − α_min)(1 + cos(πt/T)) (`CosineAnnealingLR`).
    Cosine {
        /// The half period T.
        t_max: usize,
        /// The smallest rate α_min.
        eta_min: f64,
    },
    /// Linear warm-up from f·α₀ to α₀ over w steps, then constant (`LinearLR`).
    Warmup {
        /// Steps of warm-up, w.
        warmup_steps: usize,
        /// The starting fraction f of α₀.
        start_factor: f64,
    },
}

impl Schedule {
    /// The learning rate at step `t` (0 for the first step) from base rate `base`.
    pub fn lr(&self, base: f64, t: usize) -> f64 {
        let tf = t as f64;
        match *self {
            Schedule::Constant => base,
            Schedule::Step { step_size, gamma } => {
                base * libm::pow(gamma, (t / step_size.max(1)) as f64)
            }
            Schedule::Exponential { gamma } => base * libm::pow(gamma, tf),
            Schedule::InverseTime { decay } => base / (1.0 + decay * tf),
            Schedule::Linear { final_lr, tau } => {
                let frac = (tf / tau.max(1) as f64).min(1.0);
                (1.0 - frac) * base + frac * final_lr
            }
            Schedule::RobbinsMonro { power } => base / libm::pow(tf + 1.0, power),
            Schedule::Cosine { t_max, eta_min } => {
                eta_min + 0.5 * (base - eta_min) * (1.0 + libm::cos(PI * tf / t_max.max(1) as f64))
            }
            Schedule::Warmup {
                warmup_steps,
                start_factor,
            } => {
                let frac = (tf / warmup_steps.max(1) as f64).min(1.0);
                base * (start_factor + (1.0 - start_factor) * frac)
            }
        }
    }
}

/// One kind of schedule in the registry.
pub struct ScheduleEntry {
    /// The key used in specs (`"kind"`).
    pub name: &'static str,
    /// The formula, with the symbols of its controls.
    pub formula: &'static str,
    /// Its parameters.
    pub params: &'static [ParamSpec],
    build: fn(&ParamValues) -> Schedule,
}

impl std::fmt::Debug for ScheduleEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScheduleEntry")
            .field("name", &self.name)
            .finish()
    }
}

/// Every schedule kind.
pub const SCHEDULES: &[ScheduleEntry] = &[
    ScheduleEntry {
        name: "constant",
        formula: "αₜ = α₀",
        params: &[],
        build: |_| Schedule::Constant,
    },
    ScheduleEntry {
        name: "step",
        formula: "αₜ = α₀ γ^⌊t/s⌋",
        params: &[
            ParamSpec::integer("step_size", "s", 100, 1, 1_000_000, "steps between decays"),
            ParamSpec::real("gamma", "γ", 0.5, 0.0, 1.0, "decay factor"),
        ],
        build: |p| Schedule::Step {
            step_size: p.count("step_size"),
            gamma: p.number("gamma"),
        },
    },
    ScheduleEntry {
        name: "exponential",
        formula: "αₜ = α₀ γᵗ",
        params: &[ParamSpec::real(
            "gamma",
            "γ",
            0.99,
            0.0,
            1.0,
            "decay factor per step",
        )],
        build: |p| Schedule::Exponential {
            gamma: p.number("gamma"),
        },
    },
    ScheduleEntry {
        name: "inverse-time",
        formula: "αₜ = α₀ / (1 + k t)",
        params: &[ParamSpec::log(
            "decay",
            "k",
            0.01,
            1e-6,
            100.0,
            "decay rate",
        )],
        build: |p| Schedule::InverseTime {
            decay: p.number("decay"),
        },
    },
    ScheduleEntry {
        name: "linear",
        formula: "αₜ = (1 − t/τ) α₀ + (t/τ) α_τ for t ≤ τ, then α_τ",
        params: &[
            ParamSpec::log(
                "final_lr",
                "α_τ",
                1e-4,
                1e-9,
                10.0,
                "the rate reached after τ steps",
            ),
            ParamSpec::integer("tau", "τ", 100, 1, 1_000_000, "steps of the decay"),
        ],
        build: |p| Schedule::Linear {
            final_lr: p.number("final_lr"),
            tau: p.count("tau"),
        },
    },
    ScheduleEntry {
        name: "robbins-monro",
        formula: "αₜ = α₀ / (t + 1)ᵖ",
        params: &[ParamSpec::real(
            "power",
            "p",
            1.0,
            0.0,
            2.0,
            "exponent; ½ < p ≤ 1 satisfies Σα = ∞ and Σα² < ∞",
        )],
        build: |p| Schedule::RobbinsMonro {
            power: p.number("power"),
        },
    },
    ScheduleEntry {
        name: "cosine",
        formula: "αₜ = α_min + ½(α₀ − α_min)(1 + cos(πt/T))",
        params: &[
            ParamSpec::integer("t_max", "T", 100, 1, 1_000_000, "half period"),
            ParamSpec::real("eta_min", "α_min", 0.0, 0.0, 10.0, "the smallest rate"),
        ],
        build: |p| Schedule::Cosine {
            t_max: p.count("t_max"),
            eta_min: p.number("eta_min"),
        },
    },
    ScheduleEntry {
        name: "warmup",
        formula: "αₜ = α₀ (f + (1 − f) min(t/w, 1))",
        params: &[
            ParamSpec::integer("warmup_steps", "w", 20, 1, 1_000_000, "steps of warm-up"),
            ParamSpec::real(
                "start_factor",
                "f",
                0.0,
                0.0,
                1.0,
                "starting fraction of α₀",
            ),
        ],
        build: |p| Schedule::Warmup {
            warmup_steps: p.count("warmup_steps"),
            start_factor: p.number("start_factor"),
        },
    },
];

/// Builds the schedule `kind` from its parameters; `scope` prefixes field names in errors.
pub fn build(
    kind: &str,
    params: &BTreeMap<String, Json>,
    scope: &str,
) -> Result<Schedule, Vec<FieldError>> {
    let Some(entry) = SCHEDULES.iter().find(|s| s.name == kind) else {
        let known: Vec<&str> = SCHEDULES.iter().map(|s| s.name).collect();
        return Err(vec![FieldError::new(
            format!("{scope}.kind"),
            format!(
                "unknown schedule '{kind}'; known schedules: {}",
                known.join(", ")
            ),
        )]);
    };
    resolve(entry.params, params, scope).map(|values| (entry.build)(&values))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_forms_at_chosen_steps() {
        let base = 0.1;
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-15 * b.abs().max(1e-300);
        assert!(close(
            Schedule::Step {
                step_size: 10,
                gamma: 0.5
            }
            .lr(base, 25),
            0.025
        ));
        assert!(close(
            Schedule::Exponential { gamma: 0.9 }.lr(base, 2),
            0.081
        ));
        assert!(close(
            Schedule::InverseTime { decay: 0.5 }.lr(base, 4),
            base / 3.0
        ));
        assert!(close(
            Schedule::Linear {
                final_lr: 0.01,
                tau: 10
            }
            .lr(base, 5),
            0.055
        ));
        assert!(close(
            Schedule::Linear {
                final_lr: 0.01,
                tau: 10
            }
            .lr(base, 50),
            0.01
        ));
        assert!(close(
            Schedule::RobbinsMonro { power: 1.0 }.lr(base, 9),
            0.01
        ));
        assert!(
            close(
                Schedule::Cosine {
                    t_max: 10,
                    eta_min: 0.0
                }
                .lr(base, 10),
                0.0 + 0.5 * base * (1.0 + (PI).cos())
            ) || Schedule::Cosine {
                t_max: 10,
                eta_min: 0.0
            }
            .lr(base, 10)
            .abs()
                < 1e-17
        );
        assert!(close(
            Schedule::Warmup {
                warmup_steps: 4,
                start_factor: 0.0
            }
            .lr(base, 1),
            0.025
        ));
        assert!(close(
            Schedule::Warmup {
                warmup_steps: 4,
                start_factor: 0.0
            }
            .lr(base, 9),
            base
        ));
    }

    #[test]
    fn unknown_kinds_and_bad_parameters_are_reported() {
        let err = build("cosin", &BTreeMap::new(), "runs[0].schedule").unwrap_err();
        assert!(err[0]
            .to_string()
            .starts_with("runs[0].schedule.kind: unknown schedule 'cosin'"));
        let params = BTreeMap::from([("gamma".to_string(), Json::from(2.0))]);
        let err = build("step", &params, "runs[0].schedule").unwrap_err();
        assert_eq!(
            err[0].to_string(),
            "runs[0].schedule.gamma: must lie in [0, 1], got 2"
        );
    }
}
