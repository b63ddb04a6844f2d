//! The lecture scenes, each an experiment spec, in the order of the lectures
//! (the page binds them to the keys 1–9).

/// A named scene.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preset {
    /// Short key used in menus.
    pub name: &'static str,
    /// What the scene shows.
    pub title: &'static str,
    /// The experiment spec, as JSON.
    pub spec: &'static str,
}

/// Every landscape preset.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "gd-ill-conditioned",
        title: "GD zig-zags on an ill-conditioned quadratic",
        spec: include_str!("../presets/landscapes/1-gd-ill-conditioned.json"),
    },
    Preset {
        name: "gd-and-momentum",
        title: "… and momentum damps the zig-zag",
        spec: include_str!("../presets/landscapes/2-gd-and-momentum.json"),
    },
    Preset {
        name: "momentum-vs-nesterov",
        title: "Momentum versus Nesterov",
        spec: include_str!("../presets/landscapes/3-momentum-vs-nesterov.json"),
    },
    Preset {
        name: "adaptive-on-rosenbrock",
        title: "AdaGrad, RMSProp and Adam on Rosenbrock",
        spec: include_str!("../presets/landscapes/4-adaptive-on-rosenbrock.json"),
    },
    Preset {
        name: "newton-one-step",
        title: "Newton solves a quadratic in one step",
        spec: include_str!("../presets/landscapes/5-newton-one-step.json"),
    },
    Preset {
        name: "newton-and-the-saddle",
        title: "Newton is drawn to a saddle; GD and damped Newton escape",
        spec: include_str!("../presets/landscapes/6-newton-and-the-saddle.json"),
    },
    Preset {
        name: "gauss-newton-and-lm",
        title: "Gauss–Newton and Levenberg–Marquardt on Rosenbrock",
        spec: include_str!("../presets/landscapes/7-gauss-newton-and-lm.json"),
    },
    Preset {
        name: "sgd-robbins-monro-polyak",
        title: "SGD noise, Robbins–Monro steps and Polyak averaging",
        spec: include_str!("../presets/landscapes/8-sgd-robbins-monro-polyak.json"),
    },
    Preset {
        name: "heavy-tailed-noise",
        title: "Heavy-tailed gradient noise",
        spec: include_str!("../presets/landscapes/9-heavy-tailed-noise.json"),
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::{run_spec, Status};
    use crate::spec::Spec;

    #[test]
    fn every_preset_is_a_valid_spec_whose_runs_finish() {
        for preset in PRESETS {
            let spec =
                Spec::from_json(preset.spec).unwrap_or_else(|e| panic!("{}: {e}", preset.name));
            let outcome = run_spec(&spec).unwrap();
            for run in &outcome.runs {
                let expect_escape =
                    preset.name == "newton-and-the-saddle" && run.optimizer != "newton";
                assert!(
                    run.history.status == Status::Finished || expect_escape,
                    "{}: {} ended {:?}",
                    preset.name,
                    run.label,
                    run.history.status
                );
            }
        }
    }
}
