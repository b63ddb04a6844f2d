//! The keyboard: shortcuts for playback, scenes, presentation and help,
//! which never take a key from the control that has the focus.

use wasm_bindgen::JsCast;
use web_sys::{Element, Event, KeyboardEvent};

use super::app::App;
use super::state::landscape::LandscapeAction as L;
use super::state::network::ClassifierAction as C;
use super::state::{Action, Mode};

impl App {
    pub(super) fn on_key(&mut self, event: &Event) {
        let Some(key) = event.dyn_ref::<KeyboardEvent>() else {
            return;
        };
        // Keys belong to the control that has focus where it uses them: every
        // key in text boxes and menus, the arrows and Home/End on sliders;
        // checkboxes and buttons leave the shortcuts working.
        let target = event.target().and_then(|t| t.dyn_into::<Element>().ok());
        let kind = target
            .as_ref()
            .and_then(|e| e.get_attribute("type"))
            .unwrap_or_default();
        let steering = matches!(
            key.key().as_str(),
            "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown" | "Home" | "End"
        );
        let in_control = target.is_some_and(|e| match e.tag_name().as_str() {
            "SELECT" | "TEXTAREA" => true,
            "INPUT" => match kind.as_str() {
                "checkbox" | "button" | "color" => false,
                "range" => steering,
                _ => true,
            },
            _ => false,
        });
        if in_control || key.ctrl_key() || key.meta_key() || key.alt_key() {
            return;
        }
        // A clicker sends PageDown and PageUp; while presenting a lecture the
        // arrow keys walk it too.
        let lecturing = self.state.lecture.is_some()
            && self
                .document
                .body()
                .is_some_and(|b| b.class_list().contains("presenting"));
        let walk = match key.key().as_str() {
            "PageDown" => Some(1),
            "PageUp" => Some(-1),
            "ArrowRight" | "ArrowDown" if lecturing => Some(1),
            "ArrowLeft" | "ArrowUp" if lecturing => Some(-1),
            _ => None,
        };
        if let Some(delta) = walk {
            event.prevent_default();
            if let Some(stop) = self.state.move_in_lecture(delta) {
                self.go_to(stop);
            }
            return;
        }
        let classifier = self.state.mode == Mode::Classifier;
        if classifier && key.key() == " " {
            self.toggle_training();
            event.prevent_default();
            return;
        }
        match key.key().as_str() {
            " " => self.dispatch(Action::Landscape(L::TogglePlay)),
            "ArrowRight" => self.dispatch(Action::Landscape(L::StepBy(1))),
            "ArrowLeft" => self.dispatch(Action::Landscape(L::StepBy(-1))),
            "End" => self.dispatch(Action::Landscape(L::StepBy(isize::MAX))),
            "Home" | "r" | "R" => self.dispatch(Action::Landscape(L::Rewind)),
            "f" | "F" => {
                if let Some(root) = self.document.document_element() {
                    let _ = root.request_fullscreen();
                }
            }
            "p" | "P" => self.toggle_body_class("presenting"),
            "c" | "C" => self.toggle_body_class("controls-open"),
            "?" => {
                let hidden = self.el.help.has_attribute("hidden");
                let _ = if hidden {
                    self.el.help.remove_attribute("hidden")
                } else {
                    self.el.help.set_attribute("hidden", "")
                };
            }
            "Escape" => {
                let _ = self.el.help.set_attribute("hidden", "");
            }
            digit
                if digit.len() == 1
                    && ('1'..='9').contains(&digit.chars().next().unwrap_or('0')) =>
            {
                let index = digit.parse::<usize>().unwrap_or(1) - 1;
                self.dispatch(if classifier {
                    Action::Classifier(C::LoadScene(index))
                } else {
                    Action::Landscape(L::LoadScene(index))
                });
            }
            _ => return,
        }
        event.prevent_default();
    }

    pub(super) fn toggle_theme(&mut self) {
        let next = if self.is_dark() { "light" } else { "dark" };
        if let Some(root) = self.document.document_element() {
            let _ = root.set_attribute("data-theme", next);
        }
        self.dirty = true;
        self.classifier.dirty = true;
    }

    /// Shows lecture scene `stop`: the mode it belongs to, then the scene.
    pub(super) fn go_to(&mut self, stop: crate::scene::lecture::Stop) {
        use super::state::lecture::own_name;
        use crate::scene::lecture::{OwnScene, Stop};
        let own = |i: usize| {
            let lecture = &self.state.lecture.as_ref()?.lecture;
            lecture.own_scene(i).cloned()
        };
        let (mode, load) = match stop {
            Stop::Landscape(i) => (Mode::Landscapes, Action::Landscape(L::LoadScene(i))),
            Stop::Classifier(i) => (Mode::Classifier, Action::Classifier(C::LoadScene(i))),
            Stop::Own(i) => match own(i) {
                Some(OwnScene::Landscape(scene)) => (
                    Mode::Landscapes,
                    Action::Landscape(L::LoadOwnScene(own_name(i), Box::new(scene))),
                ),
                Some(OwnScene::Classifier(scene)) => (
                    Mode::Classifier,
                    Action::Classifier(C::LoadOwnScene(i, Box::new(scene))),
                ),
                None => return,
            },
        };
        self.dispatch(Action::SetMode(mode));
        self.dispatch(load);
        // A clicker cannot press Train: a lecture's classifier scene starts training.
        if mode == Mode::Classifier && !self.classifier.playing() {
            self.toggle_training();
        }
    }

    /// The index of the landscape scene called `name`.
    pub(super) fn scene_index(&self, name: &str) -> Option<usize> {
        self.scenes.iter().position(|(n, _)| *n == name)
    }
}
