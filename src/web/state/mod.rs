//! The page's state as plain data, with no `web_sys`: what is on screen in
//! both modes, every action a user can take, and what each action requires
//! of the views. Compiled and tested natively; the address is its
//! serialisation ([`address`]).
//!
//! ```text
//! event ─► Action ─► PageState::apply ─► Effect ─► views redraw from the state
//! ```

pub mod address;
pub mod entry;
mod fields;
pub mod landscape;
mod landscape_actions;
pub mod lecture;
pub mod network;
pub mod runs;
pub mod sweep;
mod view;

#[cfg(test)]
mod tests;

use landscape::{LandscapeAction, LandscapeState};
use network::{ClassifierAction, ClassifierState};

/// Which half of the page is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// 2D test functions and optimizer paths.
    #[default]
    Landscapes,
    /// The peaks classifier's panels.
    Classifier,
}

/// How much of the page an embedding (an iframe in slides or a notebook) shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Embed {
    /// The whole page.
    #[default]
    Off,
    /// Just the picture and playback.
    Picture,
    /// The picture, playback and the runs' controls.
    WithControls,
}

impl Embed {
    /// Every embedding with its name in the address.
    pub const ALL: [(&'static str, Embed); 2] = [
        ("picture", Embed::Picture),
        ("controls", Embed::WithControls),
    ];
}

/// What must follow an action, from least to most work.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Effect {
    /// Nothing changed.
    Nothing,
    /// Show the state's values in the controls again (a refused entry).
    Refresh,
    /// Redraw the picture and texts (a view option, the playback step).
    Redraw,
    /// Recompute the paths, then refresh and redraw.
    Recompute,
    /// Rebuild the landscape controls (the set of them changed), then recompute.
    Rebuild,
    /// Restart classifier panel `i`'s training.
    RestartPanel(usize),
    /// Rebuild classifier panel `i`'s controls, then restart it.
    RebuildPanel(usize),
    /// Rebuild every classifier panel and restart them all.
    RebuildPanels,
    /// Show the other mode.
    SwitchMode,
}

/// Everything a user can do.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Show this mode.
    SetMode(Mode),
    /// An action on the landscape mode.
    Landscape(LandscapeAction),
    /// An action on the classifier mode.
    Classifier(ClassifierAction),
}

/// The whole page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageState {
    /// The mode shown.
    pub mode: Mode,
    /// The landscape mode.
    pub landscape: LandscapeState,
    /// The classifier mode.
    pub classifier: ClassifierState,
    /// What the status line says: a refused value, a dropped part of an address.
    pub notice: Option<String>,
    /// How much of the page is shown (an embedding shows less).
    pub embed: Embed,
    /// The lecture being given, and where in it.
    pub lecture: Option<lecture::LectureAt>,
}

impl PageState {
    /// Applies `action` and says what the views must do; the notice is
    /// replaced by what this action has to say (or cleared).
    pub fn apply(&mut self, action: Action) -> Effect {
        let mut notice = None;
        let effect = match action {
            Action::SetMode(mode) => {
                if mode == self.mode {
                    return Effect::Nothing;
                }
                self.mode = mode;
                self.landscape.playing = false;
                Effect::SwitchMode
            }
            Action::Landscape(action) => self.landscape.apply(action, &mut notice),
            Action::Classifier(action) => self.classifier.apply(action, &mut notice),
        };
        if notice.is_some() || effect >= Effect::Recompute {
            self.notice = notice;
        }
        effect
    }
}
