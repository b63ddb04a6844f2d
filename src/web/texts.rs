//! The page's texts and view controls, shown from the state: the step
//! counter and readouts, the caption with its checked claims, the status
//! line, and the view options' controls.

use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;

use super::app::App;
use super::controls::format_number;
use super::dom;
use super::elements::OVERLAY_BOXES;
use super::readout::readout;
use super::state::landscape::{Compare, SIDE_BY_SIDE};
use super::state::Mode;
use crate::scene::lecture::OwnScene;

impl App {
    /// Shows the view options of the state in their controls.
    pub(super) fn show_view_controls(&self) {
        let l = &self.state.landscape;
        self.el.compare.set_value(match l.view.compare {
            Compare::Overlaid => "overlaid",
            Compare::SideBySide => "side-by-side",
        });
        for (id, overlay) in OVERLAY_BOXES {
            if let Some(input) = self
                .document
                .get_element_by_id(id)
                .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
            {
                input.set_checked(l.view.has(overlay));
            }
        }
        self.el.fit_view.set_checked(l.view.fit);
        self.show_lecture_menu();
        self.el.picture_kind.set_value(if l.view.surface.is_some() {
            "surface"
        } else {
            "contours"
        });
        self.el.spin.set_checked(l.view.spin);
        let _ = if l.view.surface.is_some() {
            self.el.spin_row.remove_attribute("hidden")
        } else {
            self.el.spin_row.set_attribute("hidden", "")
        };
        if let Some((name, _)) = crate::render::curves::Quantity::ALL
            .iter()
            .find(|(_, q)| *q == l.view.chart)
        {
            self.el.chart_kind.set_value(name);
        }
        self.el.speed.set_value(&l.speed.to_string());
        self.el.preset.set_value(l.scene.as_deref().unwrap_or(""));
        self.el.net_scene.set_value(
            &self
                .state
                .classifier
                .scene
                .map_or("custom".to_string(), |i| i.to_string()),
        );
    }

    /// The status line: what the last action refused or the address lost,
    /// else why the experiment cannot run.
    pub(super) fn show_status(&self) {
        let text = self.state.notice.as_deref().or(self.error.as_deref());
        self.el.status.set_text_content(text);
    }

    pub(super) fn update_text(&self) {
        let l = &self.state.landscape;
        let (shown, total) = (l.step, l.total);
        self.el
            .play
            .set_text_content(Some(if l.playing { "Pause" } else { "Play" }));
        self.el
            .step_counter
            .set_text_content(Some(&shown.to_string()));
        self.el
            .step_total
            .set_text_content(Some(&total.to_string()));
        self.el.scrubber.set_max(&total.to_string());
        self.el.scrubber.set_value(&shown.to_string());
        let Some(outcome) = self.outcome() else {
            return;
        };
        self.el.start.set_text_content(Some(&format!(
            "({}, {})",
            format_number(outcome.start[0]),
            format_number(outcome.start[1])
        )));
        let first_visible = (0..outcome.runs.len()).find(|&i| self.visible(i));
        let header = first_visible.map_or(String::from("no run shown"), |i| {
            let run = &outcome.runs[i];
            let h = &run.history;
            format!(
                "f = {} ({})",
                format_number(h.loss[shown.min(h.steps())]),
                run.label
            )
        });
        self.el.loss.set_text_content(Some(&header));
        let mut lines = Vec::new();
        if self.computing() {
            lines.push(format!(
                "Computing: {} of {} steps so far…",
                l.total, l.steps
            ));
        }
        let visible = (0..outcome.runs.len()).filter(|&i| self.visible(i)).count();
        if l.view.compare == Compare::SideBySide && visible > SIDE_BY_SIDE {
            lines.push(format!(
                "Side by side shows the first {SIDE_BY_SIDE} of the {visible} runs shown: hide runs to choose which."
            ));
        }
        for run in &outcome.runs {
            lines.push(readout(run, shown));
        }
        self.el.step_info.set_text_content(Some(&lines.join("\n")));
    }

    /// The scene's title and caption, and whether each of its claims holds
    /// on the paths as they are now (a changed control may break one).
    /// A scene's title, with where the lecture is when one is being given.
    fn titled(&self, title: &str) -> String {
        match self.state.lecture_line() {
            Some(line) => format!("{title} — {line}"),
            None => title.to_string(),
        }
    }

    pub(super) fn show_caption(&self) {
        let hide = || {
            self.el.caption.set_inner_html("");
            let _ = self.el.caption.set_attribute("hidden", "");
        };
        let own = |i: usize| {
            let lecture = &self.state.lecture.as_ref()?.lecture;
            lecture.own_scene(i)
        };
        if self.state.mode == Mode::Classifier {
            let c = &self.state.classifier;
            let shipped = c.scene.and_then(|i| self.classifier_scenes.get(i));
            let own = c.own_scene.and_then(own).and_then(|s| match s {
                OwnScene::Classifier(scene) => Some(scene),
                OwnScene::Landscape(_) => None,
            });
            let Some(scene) = shipped.or(own) else {
                return hide();
            };
            let finished = self.classifier.finished_histories();
            let claims: Vec<String> = scene
                .claims
                .iter()
                .map(|c| match finished.as_deref().map(|h| c.check(h)) {
                    None => format!("Claim, checked when training ends: {}", c.describe()),
                    Some(Ok(evidence)) => format!("✓ {evidence}"),
                    Some(Err(found)) => format!("✗ {}: {found}", c.describe()),
                })
                .collect();
            dom::show_caption(
                &self.document,
                &self.el.caption,
                &self.titled(&scene.title),
                &scene.caption,
                &claims,
            );
            return;
        }
        let l = &self.state.landscape;
        let shipped = self
            .scenes
            .iter()
            .enumerate()
            .find(|(_, (name, _))| l.scene.as_deref() == Some(*name))
            .map(|(index, (_, scene))| (format!("key {} restores it", index + 1), scene));
        let own = l.scene.as_deref().and_then(|name| {
            let place = self.state.lecture.as_ref()?;
            match place.lecture.own_scene(place.own_index(name, true)?)? {
                OwnScene::Landscape(scene) => Some(("the lecture restores it".to_string(), scene)),
                OwnScene::Classifier(_) => None,
            }
        });
        let Some((restore, scene)) = shipped.or(own) else {
            return hide();
        };
        let claims: Vec<String> = match self.outcome() {
            Some(_) if self.computing() => {
                vec!["Claims are checked when the runs are computed.".into()]
            }
            Some(outcome) => scene
                .claims
                .iter()
                .map(|c| match c.check(outcome) {
                    Ok(evidence) => format!("✓ {evidence}"),
                    Err(found) => format!("✗ no longer holds: {}: {found}", c.describe()),
                })
                .collect(),
            None => Vec::new(),
        };
        let caption = if l.edited {
            format!(
                "Edited: this describes the scene as it was ({restore}). {}",
                scene.caption
            )
        } else {
            scene.caption.clone()
        };
        dom::show_caption(
            &self.document,
            &self.el.caption,
            &self.titled(&scene.title),
            &caption,
            &claims,
        );
    }
}
