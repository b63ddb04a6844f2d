//! Classifier scenes: panels trained side by side, the point they make, and
//! that point as claims over the panels' final accuracies.

use serde::Deserialize;

use super::panel::PanelSetup;
use super::Verdict;
use crate::error::SpecError;
use crate::experiment::classifier::{train, Training, TrainingHistory};

/// A classifier scene as its file holds it.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkScene {
    /// The point, as a heading.
    pub title: String,
    /// What a lecturer would say, with the values that matter.
    pub caption: String,
    /// The point as checkable claims over the panels.
    #[serde(default)]
    pub claims: Vec<NetworkClaim>,
    /// The panels, left to right.
    pub panels: Vec<PanelSetup>,
}

/// The data set a claim looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Split {
    /// The 800 training points.
    Train,
    /// The 200 test points.
    Test,
}

/// One checkable statement about a classifier scene's panels (numbered from 1).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "claim", rename_all = "kebab-case", deny_unknown_fields)]
pub enum NetworkClaim {
    /// Panel `panel` ends with an accuracy on `split` at least `by` above panel `than`'s.
    MoreAccurate {
        /// The better panel.
        panel: usize,
        /// The worse panel.
        than: usize,
        /// Which accuracy.
        split: Split,
        /// The least margin, as a fraction (0.05 is five points).
        by: f64,
    },
    /// Panel `panel` ends with an accuracy on `split` of at least `accuracy`.
    Reaches {
        /// The panel.
        panel: usize,
        /// Which accuracy.
        split: Split,
        /// The least accuracy, as a fraction.
        accuracy: f64,
    },
}

fn final_accuracy(h: &TrainingHistory, split: Split) -> f64 {
    let values = match split {
        Split::Train => &h.train_accuracy,
        Split::Test => &h.test_accuracy,
    };
    values.last().copied().unwrap_or(f64::NAN)
}

fn percent(value: f64) -> String {
    format!("{:.2} %", 100.0 * value)
}

impl NetworkClaim {
    /// The claim in words.
    pub fn describe(&self) -> String {
        match self {
            NetworkClaim::MoreAccurate {
                panel,
                than,
                split,
                by,
            } => format!(
                "panel {panel} ends at least {:.0} points more accurate on the {} set than panel {than}",
                100.0 * by,
                split_name(*split)
            ),
            NetworkClaim::Reaches {
                panel,
                split,
                accuracy,
            } => format!(
                "panel {panel} reaches {} on the {} set",
                percent(*accuracy),
                split_name(*split)
            ),
        }
    }

    /// Checks the claim on the panels' final logs (in panel order).
    pub fn check(&self, histories: &[&TrainingHistory]) -> Result<String, String> {
        let panel = |i: usize| {
            histories
                .get(i.wrapping_sub(1))
                .copied()
                .ok_or_else(|| format!("there is no panel {i}"))
        };
        match self {
            NetworkClaim::MoreAccurate {
                panel: a,
                than: b,
                split,
                by,
            } => {
                let (x, y) = (
                    final_accuracy(panel(*a)?, *split),
                    final_accuracy(panel(*b)?, *split),
                );
                let evidence = format!(
                    "{} accuracy: panel {a} {}, panel {b} {}",
                    split_name(*split),
                    percent(x),
                    percent(y)
                );
                if x >= y + by {
                    Ok(evidence)
                } else {
                    Err(evidence)
                }
            }
            NetworkClaim::Reaches {
                panel: a,
                split,
                accuracy,
            } => {
                let x = final_accuracy(panel(*a)?, *split);
                let evidence = format!("panel {a}: {} accuracy {}", split_name(*split), percent(x));
                if x >= *accuracy {
                    Ok(evidence)
                } else {
                    Err(evidence)
                }
            }
        }
    }
}

fn split_name(split: Split) -> &'static str {
    match split {
        Split::Train => "training",
        Split::Test => "test",
    }
}

impl NetworkScene {
    /// Reads a classifier scene file, each panel validated.
    pub fn from_json(text: &str) -> Result<Self, SpecError> {
        let scene: NetworkScene = serde_json::from_str(text)
            .map_err(|e| SpecError::single("scene", format!("cannot be read: {e}")))?;
        for (i, panel) in scene.panels.iter().enumerate() {
            panel
                .parsed()
                .map_err(|e| SpecError::single(format!("panels[{i}]"), e.to_string()))?;
        }
        Ok(scene)
    }

    /// Trains every panel natively, as the page would, and checks each claim.
    pub fn verify(&self) -> Result<(Vec<Training>, Vec<Verdict>), SpecError> {
        let trainings = self
            .panels
            .iter()
            .map(|panel| train(&panel.parsed()?, &|| 0.0))
            .collect::<Result<Vec<_>, _>>()?;
        let histories: Vec<&TrainingHistory> = trainings.iter().map(|t| &t.history).collect();
        let verdicts = self
            .claims
            .iter()
            .map(|c| Verdict {
                claim: c.describe(),
                result: c.check(&histories),
            })
            .collect();
        Ok((trainings, verdicts))
    }
}
