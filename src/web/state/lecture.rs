//! Where the page is in a lecture, and moving through it: a clicker's
//! PageDown and PageUp go to the next and previous scene, which the views
//! then load (landscape or classifier, switching mode as needed). A lecture
//! is one of the shipped ones or the lecturer's own, read from a file or the
//! address.

use super::PageState;
use crate::error::SpecError;
use crate::scene::lecture::{lectures, Lecture, OwnScene, Stop, LECTURES};

/// What begins the page's name for a lecture's own scene.
const OWN_PREFIX: &str = "lecture/";

/// How the page names a lecture's own scene `i` (in the address's `scene`).
pub fn own_name(i: usize) -> String {
    format!("{OWN_PREFIX}{i}")
}

/// Whether `name` is the form of a lecture's own scene's name.
pub fn is_own_name(name: &str) -> bool {
    name.starts_with(OWN_PREFIX)
}

/// A lecture and the scene of it shown.
#[derive(Clone, Debug, PartialEq)]
pub struct LectureAt {
    /// The lecture's index in [`LECTURES`], or none for the lecturer's own.
    pub shipped: Option<usize>,
    /// The lecture.
    pub lecture: Lecture,
    /// The scene's position in it.
    pub at: usize,
}

impl LectureAt {
    /// The shipped lecture called `name` at scene `at`, if both exist.
    pub fn find(name: &str, at: usize) -> Option<Self> {
        let index = LECTURES.iter().position(|l| l.0 == name)?;
        let lecture = lectures().ok()?.swap_remove(index).1;
        (at < lecture.stops.len()).then_some(Self {
            shipped: Some(index),
            lecture,
            at,
        })
    }

    /// The index of the own scene `name` names, if the lecture has it and it
    /// is a landscape scene (`landscape`) or a classifier scene.
    pub fn own_index(&self, name: &str, landscape: bool) -> Option<usize> {
        let i = name.strip_prefix(OWN_PREFIX)?.parse().ok()?;
        match self.lecture.own_scene(i)? {
            OwnScene::Landscape(_) if landscape => Some(i),
            OwnScene::Classifier(_) if !landscape => Some(i),
            _ => None,
        }
    }

    /// The lecture as the address writes it: a shipped one by name, the
    /// lecturer's own in full.
    pub fn to_value(&self) -> serde_json::Value {
        let mut value = match self.shipped.and_then(|i| LECTURES.get(i)) {
            Some((name, _)) => serde_json::json!({ "name": name }),
            None => self.lecture.to_value(),
        };
        value["at"] = serde_json::json!(self.at);
        value
    }

    /// The lecture the address's `lecture` part describes, or what is wrong with it.
    pub fn from_value(value: &serde_json::Value) -> Result<Self, String> {
        let at = value
            .get("at")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0) as usize;
        if let Some(name) = value.get("name") {
            let name = name.as_str().unwrap_or_default();
            return Self::find(name, at)
                .ok_or_else(|| format!("lecture: no lecture '{name}' with a scene {}", at + 1));
        }
        let mut written = value.clone();
        if let Some(object) = written.as_object_mut() {
            object.remove("at");
        }
        let lecture = Lecture::from_value(&written).map_err(|e| e.to_string())?;
        if at >= lecture.stops.len() {
            return Err(format!(
                "lecture.at: must be below the lecture's {} scenes, got {at}",
                lecture.stops.len()
            ));
        }
        Ok(Self {
            shipped: None,
            lecture,
            at,
        })
    }
}

impl PageState {
    /// Starts shipped lecture `lecture` at its first scene; the scene to load.
    pub fn start_lecture(&mut self, lecture: usize) -> Option<Stop> {
        let found = LectureAt::find(LECTURES.get(lecture)?.0, 0)?;
        let stop = *found.lecture.stops.first()?;
        self.lecture = Some(found);
        Some(stop)
    }

    /// Starts the lecturer's own lecture from its file's text at its first
    /// scene; the scene to load, or what is wrong with the file (the lecture
    /// being given, if any, is kept).
    pub fn open_lecture(&mut self, text: &str) -> Result<Stop, SpecError> {
        let lecture = Lecture::from_json(text)?;
        let stop = lecture.stops[0];
        self.lecture = Some(LectureAt {
            shipped: None,
            lecture,
            at: 0,
        });
        Ok(stop)
    }

    /// Moves `delta` scenes along the lecture (staying within it); the
    /// scene to load, or none when there is no lecture or no move.
    pub fn move_in_lecture(&mut self, delta: isize) -> Option<Stop> {
        let place = self.lecture.as_mut()?;
        let last = place.lecture.stops.len().checked_sub(1)?;
        let next = place.at.saturating_add_signed(delta).min(last);
        if next == place.at {
            return None;
        }
        place.at = next;
        place.lecture.stops.get(next).copied()
    }

    /// The lecture's title and where in it the page is, as a caption says it.
    pub fn lecture_line(&self) -> Option<String> {
        let place = self.lecture.as_ref()?;
        Some(format!(
            "{} · scene {} of {} (PageDown / PageUp)",
            place.lecture.title,
            place.at + 1,
            place.lecture.stops.len()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lecture_walks_forward_and_back_within_its_scenes() {
        let mut state = PageState::default();
        assert_eq!(state.move_in_lecture(1), None, "no lecture, no move");
        let second = LECTURES.iter().position(|l| l.0 == "second-order").unwrap();
        assert_eq!(state.start_lecture(second), Some(Stop::Landscape(4)));
        assert_eq!(
            state.move_in_lecture(-1),
            None,
            "already at the first scene"
        );
        assert_eq!(state.move_in_lecture(1), Some(Stop::Landscape(5)));
        assert_eq!(state.move_in_lecture(1), Some(Stop::Landscape(14)));
        assert_eq!(state.move_in_lecture(5), Some(Stop::Landscape(10)));
        assert_eq!(state.move_in_lecture(1), None, "already at the last scene");
        assert_eq!(
            state.lecture_line().unwrap(),
            "Second-order methods · scene 6 of 6 (PageDown / PageUp)"
        );
        let classifier = LECTURES
            .iter()
            .position(|l| l.0 == "peaks-classifier")
            .unwrap();
        assert_eq!(state.start_lecture(classifier), Some(Stop::Classifier(0)));
        assert_eq!(LectureAt::find("peaks-classifier", 3).unwrap().at, 3);
        assert_eq!(LectureAt::find("peaks-classifier", 4), None);
    }

    #[test]
    fn a_lecturers_own_lecture_opens_walks_and_survives_the_address() {
        let mut state = PageState::default();
        let text = r#"{"title": "Week 3", "scenes": ["classifier/width-regimes", "landscapes/newton-one-step"]}"#;
        assert_eq!(state.open_lecture(text), Ok(Stop::Classifier(2)));
        assert_eq!(state.move_in_lecture(1), Some(Stop::Landscape(4)));
        assert_eq!(
            state.lecture_line().unwrap(),
            "Week 3 · scene 2 of 2 (PageDown / PageUp)"
        );
        let written = state.lecture.as_ref().unwrap().to_value();
        assert_eq!(written["title"], "Week 3");
        assert_eq!(written["at"], 1);
        assert_eq!(
            LectureAt::from_value(&written).as_ref(),
            Ok(state.lecture.as_ref().unwrap())
        );
    }

    #[test]
    fn a_lectures_own_scene_loads_and_the_address_keeps_it() {
        use super::super::address;
        use super::super::landscape::LandscapeAction as L;
        use super::super::Action;
        let mut state = PageState::default();
        let text = r#"{"title": "Mine", "scenes": [
            {"title": "Booth", "caption": "GD on Booth.", "chart": "distance",
             "spec": {"problem": {"name": "booth"}, "steps": 25, "runs": [{"optimizer": "gd", "lr": 0.05}]}}]}"#;
        assert_eq!(state.open_lecture(text), Ok(Stop::Own(0)));
        let Some(OwnScene::Landscape(scene)) = state
            .lecture
            .as_ref()
            .unwrap()
            .lecture
            .own_scene(0)
            .cloned()
        else {
            panic!("a landscape scene");
        };
        state.apply(Action::Landscape(L::LoadOwnScene(
            own_name(0),
            Box::new(scene),
        )));
        assert_eq!(state.landscape.scene.as_deref(), Some("lecture/0"));
        assert_eq!(state.landscape.steps, 25);
        let (read, problems) = address::read(&address::write(&state));
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(read.landscape.scene.as_deref(), Some("lecture/0"));
        assert_eq!(read.lecture, state.lecture);
        // Without the lecture, the name means nothing and is dropped by name.
        let mut alone = state.clone();
        alone.lecture = None;
        let (read, problems) = address::read(&address::write(&alone));
        assert_eq!(read.landscape.scene, None);
        assert_eq!(
            problems,
            vec!["scene: the lecture has no such scene of its own".to_string()]
        );
    }

    #[test]
    fn a_broken_lecture_is_refused_by_name_and_the_lecture_given_stays() {
        let mut state = PageState::default();
        state.start_lecture(0);
        let before = state.lecture.clone();
        let error = state
            .open_lecture(r#"{"title": "t", "scenes": ["landscapes/gd", "classifier/nope"]}"#)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("lecture.scenes[0]: no scene 'landscapes/gd'"),
            "{error}"
        );
        assert!(
            error.contains("lecture.scenes[1]: no scene 'classifier/nope'"),
            "{error}"
        );
        assert_eq!(state.lecture, before);
        let error = LectureAt::from_value(
            &serde_json::json!({"title": "t", "scenes": ["landscapes/newton-one-step"], "at": 3}),
        )
        .unwrap_err();
        assert_eq!(
            error,
            "lecture.at: must be below the lecture's 1 scenes, got 3"
        );
    }
}
