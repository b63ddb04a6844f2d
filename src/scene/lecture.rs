//! Lectures: ordered lists of scenes, landscape and classifier, that a
//! lecturer walks through with a presentation clicker (PageDown, PageUp).
//! Each is a JSON file in `presets/lectures/` naming its scenes as
//! `landscapes/<name>` or `classifier/<name>`.

use serde::Deserialize;

use super::{SceneFile, CLASSIFIER_SCENES, LANDSCAPE_SCENES};
use crate::error::SpecError;

/// One scene of a lecture: which list it is in and where (written in a
/// lecture file as `landscapes/<name>` or `classifier/<name>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The landscape scene with this index in [`LANDSCAPE_SCENES`].
    Landscape(usize),
    /// The classifier scene with this index in [`CLASSIFIER_SCENES`].
    Classifier(usize),
}

impl Stop {
    /// How a lecture file names this scene.
    pub fn reference(&self) -> String {
        match *self {
            Stop::Landscape(i) => format!("landscapes/{}", LANDSCAPE_SCENES[i].name),
            Stop::Classifier(i) => format!("classifier/{}", CLASSIFIER_SCENES[i].name),
        }
    }
}

/// A lecture as written in its file.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct LectureFile {
    title: String,
    scenes: Vec<String>,
}

/// A lecture with its scenes found.
#[derive(Clone, Debug, PartialEq)]
pub struct Lecture {
    /// Its title.
    pub title: String,
    /// Its scenes, in order.
    pub stops: Vec<Stop>,
}

/// The most scenes one lecture may name.
pub const MAX_SCENES: usize = 200;

/// The shipped lectures: name and file text.
pub const LECTURES: &[(&str, &str)] = &[
    (
        "first-order",
        include_str!("../../presets/lectures/1-first-order.json"),
    ),
    (
        "second-order",
        include_str!("../../presets/lectures/2-second-order.json"),
    ),
    (
        "stochastic",
        include_str!("../../presets/lectures/3-stochastic.json"),
    ),
    (
        "peaks-classifier",
        include_str!("../../presets/lectures/4-peaks-classifier.json"),
    ),
];

/// The scene `reference` names (`landscapes/<name>` or `classifier/<name>`).
fn find(reference: &str) -> Option<Stop> {
    let index = |list: &[SceneFile], name: &str| list.iter().position(|s| s.name == name);
    match reference.split_once('/')? {
        ("landscapes", name) => index(LANDSCAPE_SCENES, name).map(Stop::Landscape),
        ("classifier", name) => index(CLASSIFIER_SCENES, name).map(Stop::Classifier),
        _ => None,
    }
}

impl Lecture {
    /// The lecture as its file writes it.
    pub fn to_value(&self) -> serde_json::Value {
        let scenes: Vec<String> = self.stops.iter().map(Stop::reference).collect();
        serde_json::json!({"title": self.title, "scenes": scenes})
    }

    /// Reads a lecture, naming every scene it cannot find and the ones it could use.
    pub fn from_json(text: &str) -> Result<Self, SpecError> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| SpecError::single("lecture", format!("is not valid JSON: {e}")))?;
        Self::from_value(&value)
    }

    /// Reads a lecture already parsed as JSON (`{"title", "scenes": [...]}`).
    pub fn from_value(value: &serde_json::Value) -> Result<Self, SpecError> {
        let file = LectureFile::deserialize(value)
            .map_err(|e| SpecError::single("lecture", format!("cannot be read: {e}")))?;
        if file.scenes.len() > MAX_SCENES {
            return Err(SpecError::single(
                "lecture.scenes",
                format!(
                    "may name at most {MAX_SCENES} scenes, got {}",
                    file.scenes.len()
                ),
            ));
        }
        if file.scenes.is_empty() {
            return Err(SpecError::single(
                "lecture.scenes",
                "must name at least one scene",
            ));
        }
        let mut errors = Vec::new();
        let mut stops = Vec::new();
        for (i, reference) in file.scenes.iter().enumerate() {
            match find(reference) {
                Some(stop) => stops.push(stop),
                None => {
                    let known: Vec<String> = LANDSCAPE_SCENES
                        .iter()
                        .map(|s| format!("landscapes/{}", s.name))
                        .chain(
                            CLASSIFIER_SCENES
                                .iter()
                                .map(|s| format!("classifier/{}", s.name)),
                        )
                        .collect();
                    errors.push(crate::error::FieldError::new(
                        format!("lecture.scenes[{i}]"),
                        format!("no scene '{reference}'; known scenes: {}", known.join(", ")),
                    ));
                }
            }
        }
        SpecError::check(
            errors,
            Lecture {
                title: file.title,
                stops,
            },
        )
    }
}

/// Every shipped lecture with its name.
pub fn lectures() -> Result<Vec<(&'static str, Lecture)>, SpecError> {
    LECTURES
        .iter()
        .map(|(name, text)| Lecture::from_json(text).map(|l| (*name, l)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_lecture_finds_its_scenes_and_every_scene_is_in_one() {
        let all = lectures().unwrap();
        assert_eq!(all.len(), LECTURES.len());
        let stops: Vec<Stop> = all.iter().flat_map(|(_, l)| l.stops.clone()).collect();
        for i in 0..LANDSCAPE_SCENES.len() {
            assert!(stops.contains(&Stop::Landscape(i)), "landscape scene {i}");
        }
        for i in 0..CLASSIFIER_SCENES.len() {
            assert!(stops.contains(&Stop::Classifier(i)), "classifier scene {i}");
        }
    }

    #[test]
    fn an_unknown_scene_is_named_with_the_known_ones() {
        let error = Lecture::from_json(r#"{"title": "t", "scenes": ["landscapes/nope"]}"#)
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("lecture.scenes[0]: no scene 'landscapes/nope'; known scenes: landscapes/gd-ill-conditioned"),
            "{error}"
        );
        assert!(Lecture::from_json(r#"{"title": "t", "scenes": []}"#).is_err());
        assert!(Lecture::from_json("not json").is_err());
        let error = Lecture::from_json(r#"{"title": "t", "scene": []}"#)
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("lecture: cannot be read: unknown field `scene`"),
            "{error}"
        );
    }

    #[test]
    fn a_lecture_writes_itself_as_it_is_read() {
        for (_, lecture) in lectures().unwrap() {
            assert_eq!(Lecture::from_value(&lecture.to_value()).unwrap(), lecture);
        }
    }
}
