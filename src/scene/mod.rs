//! Lecture scenes: a spec, the point it makes in words, and that point as
//! claims checked on the computed histories (a test runs every scene).
//!
//! A landscape scene file (`presets/landscapes/*.json`) is
//! `{"title", "caption", "claims": [...], "spec": {...}}`; a classifier scene
//! file (`presets/classifier/*.json`) has `"panels"` instead of `"spec"`.

pub mod claim;
pub mod lecture;
pub mod network;
pub mod panel;
pub mod panel_form;

use serde::Deserialize;
use serde_json::Value as Json;

use crate::error::SpecError;
use crate::experiment::landscape::run::{run_spec, Outcome};
use crate::experiment::landscape::spec::Spec;
use crate::render::curves::Quantity;
pub use claim::Claim;

/// A landscape scene as its file holds it.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scene {
    /// The point, as a heading.
    pub title: String,
    /// One to three sentences a lecturer would say, with the values that matter.
    pub caption: String,
    /// The point as checkable claims over the runs.
    #[serde(default)]
    pub claims: Vec<Claim>,
    /// The experiment.
    pub spec: Json,
    /// The quantity the per-step chart shows (`loss` unless the point is
    /// better seen as `distance`, `grad-norm` or `lr`).
    #[serde(default)]
    pub chart: Option<String>,
}

/// A shipped scene file: its short name and its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SceneFile {
    /// Short key used in menus and addresses.
    pub name: &'static str,
    /// The file's JSON text.
    pub text: &'static str,
}

/// The landscape scenes, in the order of the lectures (the page binds the first nine to the keys 1–9).
pub const LANDSCAPE_SCENES: &[SceneFile] = &[
    SceneFile {
        name: "gd-ill-conditioned",
        text: include_str!("../../presets/landscapes/1-gd-ill-conditioned.json"),
    },
    SceneFile {
        name: "gd-and-momentum",
        text: include_str!("../../presets/landscapes/2-gd-and-momentum.json"),
    },
    SceneFile {
        name: "momentum-vs-nesterov",
        text: include_str!("../../presets/landscapes/3-momentum-vs-nesterov.json"),
    },
    SceneFile {
        name: "adaptive-on-rosenbrock",
        text: include_str!("../../presets/landscapes/4-adaptive-on-rosenbrock.json"),
    },
    SceneFile {
        name: "newton-one-step",
        text: include_str!("../../presets/landscapes/5-newton-one-step.json"),
    },
    SceneFile {
        name: "newton-and-the-saddle",
        text: include_str!("../../presets/landscapes/6-newton-and-the-saddle.json"),
    },
    SceneFile {
        name: "gauss-newton-and-lm",
        text: include_str!("../../presets/landscapes/7-gauss-newton-and-lm.json"),
    },
    SceneFile {
        name: "sgd-robbins-monro-polyak",
        text: include_str!("../../presets/landscapes/8-sgd-robbins-monro-polyak.json"),
    },
    SceneFile {
        name: "heavy-tailed-noise",
        text: include_str!("../../presets/landscapes/9-heavy-tailed-noise.json"),
    },
    SceneFile {
        name: "quasi-newton-and-cg",
        text: include_str!("../../presets/landscapes/10-quasi-newton-and-cg.json"),
    },
    SceneFile {
        name: "cg-two-steps",
        text: include_str!("../../presets/landscapes/11-cg-two-steps.json"),
    },
    SceneFile {
        name: "svrg-vs-sgd",
        text: include_str!("../../presets/landscapes/12-svrg-vs-sgd.json"),
    },
    SceneFile {
        name: "adamw-decoupled-decay",
        text: include_str!("../../presets/landscapes/13-adamw-decoupled-decay.json"),
    },
    SceneFile {
        name: "lr-schedules",
        text: include_str!("../../presets/landscapes/14-lr-schedules.json"),
    },
    SceneFile {
        name: "damped-newton-and-trust-region",
        text: include_str!("../../presets/landscapes/15-damped-newton-and-trust-region.json"),
    },
    SceneFile {
        name: "minibatch-noise",
        text: include_str!("../../presets/landscapes/16-minibatch-noise.json"),
    },
    SceneFile {
        name: "sa-vs-saa",
        text: include_str!("../../presets/landscapes/17-sa-vs-saa.json"),
    },
];

/// The classifier scenes (bound to the keys 1–4 in the classifier mode).
pub const CLASSIFIER_SCENES: &[SceneFile] = &[
    SceneFile {
        name: "sgd-vs-gauss-newton",
        text: include_str!("../../presets/classifier/1-sgd-vs-gauss-newton.json"),
    },
    SceneFile {
        name: "width-32-vs-8192",
        text: include_str!("../../presets/classifier/2-width-32-vs-8192.json"),
    },
    SceneFile {
        name: "width-regimes",
        text: include_str!("../../presets/classifier/3-width-regimes.json"),
    },
    SceneFile {
        name: "curvature-for-networks",
        text: include_str!("../../presets/classifier/4-curvature-for-networks.json"),
    },
];

impl Scene {
    /// Reads a landscape scene file, its spec validated.
    pub fn from_json(text: &str) -> Result<Self, SpecError> {
        let scene: Scene = serde_json::from_str(text)
            .map_err(|e| SpecError::single("scene", format!("cannot be read: {e}")))?;
        scene.parsed_spec()?;
        scene.chart_quantity()?;
        Ok(scene)
    }

    /// The chart's quantity the scene asks for.
    pub fn chart_quantity(&self) -> Result<Quantity, SpecError> {
        let Some(name) = &self.chart else {
            return Ok(Quantity::Loss);
        };
        Quantity::ALL
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, q)| *q)
            .ok_or_else(|| {
                let known: Vec<&str> = Quantity::ALL.iter().map(|(n, _)| *n).collect();
                SpecError::single(
                    "scene.chart",
                    format!("no chart '{name}'; one of {}", known.join(", ")),
                )
            })
    }

    /// The scene's experiment spec.
    pub fn parsed_spec(&self) -> Result<Spec, SpecError> {
        Spec::from_value(&self.spec)
    }

    /// Runs the scene and checks each claim: the claim in words and the evidence,
    /// or what was found instead.
    pub fn verify(&self) -> Result<(Outcome, Vec<Verdict>), SpecError> {
        let outcome = run_spec(&self.parsed_spec()?)?;
        let verdicts = self
            .claims
            .iter()
            .map(|c| Verdict {
                claim: c.describe(),
                result: c.check(&outcome),
            })
            .collect();
        Ok((outcome, verdicts))
    }
}

/// A claim in words and whether it held, with its evidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The claim in words.
    pub claim: String,
    /// The evidence when it held, else what was found.
    pub result: Result<String, String>,
}

impl Verdict {
    /// Whether the claim held.
    pub fn holds(&self) -> bool {
        self.result.is_ok()
    }
}

/// Every shipped landscape scene, parsed (a broken file is named in the error).
pub fn landscape_scenes() -> Result<Vec<(&'static str, Scene)>, SpecError> {
    LANDSCAPE_SCENES
        .iter()
        .map(|file| {
            Scene::from_json(file.text)
                .map(|scene| (file.name, scene))
                .map_err(|e| SpecError::single(format!("scene {}", file.name), e.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scene_may_choose_its_chart_and_an_unknown_one_is_named() {
        let scene = |chart: &str| {
            format!(
                r#"{{"title": "t", "caption": "c", "claims": [], "chart": "{chart}",
                    "spec": {{"problem": {{"name": "booth"}}, "runs": [{{"optimizer": "gd"}}]}}}}"#
            )
        };
        let read = Scene::from_json(&scene("distance")).unwrap();
        assert_eq!(read.chart_quantity(), Ok(Quantity::Distance));
        let error = Scene::from_json(&scene("losss")).unwrap_err().to_string();
        assert_eq!(
            error,
            "scene.chart: no chart 'losss'; one of loss, grad-norm, distance, lr"
        );
    }
}
