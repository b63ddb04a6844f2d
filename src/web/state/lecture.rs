//! Where the page is in a lecture, and moving through it: a clicker's
//! PageDown and PageUp go to the next and previous scene, which the views
//! then load (landscape or classifier, switching mode as needed).

use super::PageState;
use crate::scene::lecture::{lectures, Stop, LECTURES};

/// A lecture and the scene of it shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LectureAt {
    /// The lecture's index in [`LECTURES`].
    pub lecture: usize,
    /// The scene's position in it.
    pub at: usize,
}

impl LectureAt {
    /// The lecture's name in the address.
    pub fn name(&self) -> &'static str {
        LECTURES.get(self.lecture).map_or("", |l| l.0)
    }

    /// The lecture called `name` at scene `at`, if both exist.
    pub fn find(name: &str, at: usize) -> Option<Self> {
        let lecture = LECTURES.iter().position(|l| l.0 == name)?;
        let length = lectures().ok()?.get(lecture)?.1.stops.len();
        (at < length).then_some(Self { lecture, at })
    }
}

impl PageState {
    /// Starts lecture `lecture` at its first scene; the scene to load.
    pub fn start_lecture(&mut self, lecture: usize) -> Option<Stop> {
        let all = lectures().ok()?;
        let stop = *all.get(lecture)?.1.stops.first()?;
        self.lecture = Some(LectureAt { lecture, at: 0 });
        Some(stop)
    }

    /// Moves `delta` scenes along the lecture (staying within it); the
    /// scene to load, or none when there is no lecture or no move.
    pub fn move_in_lecture(&mut self, delta: isize) -> Option<Stop> {
        let at = self.lecture?;
        let all = lectures().ok()?;
        let stops = &all.get(at.lecture)?.1.stops;
        let next = at.at.saturating_add_signed(delta).min(stops.len() - 1);
        if next == at.at {
            return None;
        }
        self.lecture = Some(LectureAt { at: next, ..at });
        stops.get(next).copied()
    }

    /// The lecture's title and where in it the page is, as a caption says it.
    pub fn lecture_line(&self) -> Option<String> {
        let at = self.lecture?;
        let all = lectures().ok()?;
        let lecture = &all.get(at.lecture)?.1;
        Some(format!(
            "{} · scene {} of {} (PageDown / PageUp)",
            lecture.title,
            at.at + 1,
            lecture.stops.len()
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
        assert_eq!(state.move_in_lecture(1), Some(Stop::Landscape(6)));
        assert_eq!(state.move_in_lecture(5), Some(Stop::Landscape(10)));
        assert_eq!(state.move_in_lecture(1), None, "already at the last scene");
        assert_eq!(
            state.lecture_line().unwrap(),
            "Second-order methods · scene 5 of 5 (PageDown / PageUp)"
        );
        let classifier = LECTURES
            .iter()
            .position(|l| l.0 == "peaks-classifier")
            .unwrap();
        assert_eq!(state.start_lecture(classifier), Some(Stop::Classifier(0)));
        assert_eq!(LectureAt::find("peaks-classifier", 2).unwrap().at, 2);
        assert_eq!(LectureAt::find("peaks-classifier", 3), None);
    }
}
