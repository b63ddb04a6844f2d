//! Lectures: ordered lists of scenes, landscape and classifier, that a
//! lecturer walks through with a presentation clicker (PageDown, PageUp).
//! Each is a JSON file in `presets/lectures/` naming its scenes as
//! `landscapes/<name>` or `classifier/<name>`; a lecturer's own lecture may
//! also write scenes of its own in place, in a scene file's form.

use serde::Deserialize;
use serde_json::Value as Json;

use super::network::NetworkScene;
use super::{Scene, SceneFile, CLASSIFIER_SCENES, LANDSCAPE_SCENES};
use crate::error::{FieldError, SpecError};

/// One scene of a lecture: which list it is in and where (written in a
/// lecture file as `landscapes/<name>` or `classifier/<name>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The landscape scene with this index in [`LANDSCAPE_SCENES`].
    Landscape(usize),
    /// The classifier scene with this index in [`CLASSIFIER_SCENES`].
    Classifier(usize),
    /// The lecture's own scene with this index in [`Lecture::own`].
    Own(usize),
}

/// A scene a lecture writes in place: a landscape scene (`{"title",
/// "caption", "spec", "claims"?, "chart"?}`) or a classifier scene
/// (`{"title", "caption", "panels", "claims"?}`).
#[derive(Clone, Debug, PartialEq)]
pub enum OwnScene {
    /// A landscape scene.
    Landscape(Scene),
    /// A classifier scene.
    Classifier(NetworkScene),
}

/// A lecture as written in its file.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct LectureFile {
    title: String,
    scenes: Vec<Json>,
}

/// A lecture with its scenes found.
#[derive(Clone, Debug, PartialEq)]
pub struct Lecture {
    /// Its title.
    pub title: String,
    /// Its scenes, in order.
    pub stops: Vec<Stop>,
    /// The scenes it writes in place, each as read and as written.
    pub own: Vec<(OwnScene, Json)>,
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
    pub fn to_value(&self) -> Json {
        let scenes: Vec<Json> = self
            .stops
            .iter()
            .map(|stop| match *stop {
                Stop::Landscape(i) => {
                    Json::from(format!("landscapes/{}", LANDSCAPE_SCENES[i].name))
                }
                Stop::Classifier(i) => {
                    Json::from(format!("classifier/{}", CLASSIFIER_SCENES[i].name))
                }
                Stop::Own(i) => self
                    .own
                    .get(i)
                    .map_or(Json::Null, |(_, written)| written.clone()),
            })
            .collect();
        serde_json::json!({"title": self.title, "scenes": scenes})
    }

    /// The lecture's own scene `i`, if it has one.
    pub fn own_scene(&self, i: usize) -> Option<&OwnScene> {
        self.own.get(i).map(|(scene, _)| scene)
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
        let mut own = Vec::new();
        for (i, entry) in file.scenes.iter().enumerate() {
            let field = format!("lecture.scenes[{i}]");
            match read_entry(entry, &field) {
                Ok(Entry::Shipped(stop)) => stops.push(stop),
                Ok(Entry::Own(scene)) => {
                    stops.push(Stop::Own(own.len()));
                    own.push((scene, entry.clone()));
                }
                Err(mut found) => errors.append(&mut found.errors),
            }
        }
        SpecError::check(
            errors,
            Lecture {
                title: file.title,
                stops,
                own,
            },
        )
    }
}

/// What one entry of a lecture's scenes is.
enum Entry {
    Shipped(Stop),
    Own(OwnScene),
}

/// Every shipped scene's reference, for messages.
fn known_scenes() -> String {
    LANDSCAPE_SCENES
        .iter()
        .map(|s| format!("landscapes/{}", s.name))
        .chain(
            CLASSIFIER_SCENES
                .iter()
                .map(|s| format!("classifier/{}", s.name)),
        )
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads one entry of a lecture's scenes, its problems named under `field`.
fn read_entry(entry: &Json, field: &str) -> Result<Entry, SpecError> {
    let under = |err: SpecError| SpecError {
        errors: err
            .errors
            .into_iter()
            .map(|e| FieldError::new(format!("{field}.{}", e.field), e.message))
            .collect(),
    };
    match entry {
        Json::String(reference) => find(reference).map(Entry::Shipped).ok_or_else(|| {
            SpecError::single(
                field,
                format!("no scene '{reference}'; known scenes: {}", known_scenes()),
            )
        }),
        Json::Object(object) if object.contains_key("spec") => Scene::from_json(&entry.to_string())
            .map(|scene| Entry::Own(OwnScene::Landscape(scene)))
            .map_err(under),
        Json::Object(object) if object.contains_key("panels") => {
            NetworkScene::from_json(&entry.to_string())
                .map(|scene| Entry::Own(OwnScene::Classifier(scene)))
                .map_err(under)
        }
        _ => Err(SpecError::single(
            field,
            "must be a scene's name (landscapes/<name> or classifier/<name>) or a scene of \
             the lecture's own: {\"title\", \"caption\", \"spec\"} or {\"title\", \"caption\", \"panels\"}",
        )),
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
    fn a_lecture_may_write_its_own_scenes_and_their_problems_are_named() {
        let text = r#"{"title": "Mine", "scenes": [
            "landscapes/newton-one-step",
            {"title": "Booth", "caption": "GD on Booth.", "spec": {"problem": {"name": "booth"}, "runs": [{"optimizer": "gd", "lr": 0.05}]}},
            {"title": "Wide", "caption": "SGD at 64.", "panels": [{"width": 64, "optimizer": "sgd", "iterations": 10}]}]}"#;
        let lecture = Lecture::from_json(text).unwrap();
        assert_eq!(
            lecture.stops,
            vec![Stop::Landscape(4), Stop::Own(0), Stop::Own(1)]
        );
        assert!(matches!(lecture.own_scene(0), Some(OwnScene::Landscape(s)) if s.title == "Booth"));
        assert!(
            matches!(lecture.own_scene(1), Some(OwnScene::Classifier(s)) if s.panels.len() == 1)
        );
        assert_eq!(Lecture::from_value(&lecture.to_value()).unwrap(), lecture);
        let error = Lecture::from_json(
            r#"{"title": "t", "scenes": [{"title": "x", "caption": "y", "spec": {"problem": {"name": "booth"}, "runs": [{"optimizer": "gd", "lr": 100}]}}, 7]}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("lecture.scenes[0].runs[0].lr: must lie in"),
            "{error}"
        );
        assert!(
            error.contains("lecture.scenes[1]: must be a scene's name"),
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
