//! A lecturer's own lecture: read from a file they pick (the lecture menu's
//! last entry) and started, or refused with what is wrong with it.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;

use super::app::App;
use super::dom;
use super::runs::add_option;

/// The lecture menu's value for the lecturer's own lecture.
pub const OWN: &str = "own";
/// The lecture menu's value that asks for a file.
pub const OPEN_FILE: &str = "file";

/// The largest lecture file read, in bytes.
const MAX_BYTES: f64 = 1_000_000.0;

/// Adds the menu's entries for an own lecture and for opening one.
pub fn add_entries(document: &web_sys::Document, menu: &web_sys::Element) -> Result<(), JsValue> {
    add_option(document, menu, OWN, "Your lecture")?;
    add_option(document, menu, OPEN_FILE, "Open a lecture file…")
}

/// Wires the hidden file input: a picked file is read and opened.
pub fn wire(app: &Rc<RefCell<App>>, input: &HtmlInputElement) -> Result<(), JsValue> {
    let app = Rc::clone(app);
    let chooser = input.clone();
    dom::listen(input, "change", move |_| {
        let Some(file) = chooser.files().and_then(|files| files.get(0)) else {
            return;
        };
        chooser.set_value("");
        let app = Rc::clone(&app);
        if file.size() > MAX_BYTES {
            if let Ok(mut app) = app.try_borrow_mut() {
                let message = format!(
                    "lecture: the file is {} bytes; a lecture file may be at most {MAX_BYTES} bytes",
                    file.size()
                );
                app.refuse_lecture(&message);
            }
            return;
        }
        wasm_bindgen_futures::spawn_local(async move {
            let text = JsFuture::from(file.text()).await;
            let Ok(mut app) = app.try_borrow_mut() else {
                return;
            };
            match text.ok().and_then(|t| t.as_string()) {
                Some(text) => app.open_lecture(&text),
                None => app.refuse_lecture("lecture: the file could not be read as text"),
            }
        });
    })
}

impl App {
    /// Starts the lecture in `text`, or says what is wrong with it and keeps
    /// the page as it was.
    pub(super) fn open_lecture(&mut self, text: &str) {
        match self.state.open_lecture(text) {
            Ok(stop) => {
                self.state.notice = None;
                self.go_to(stop);
                self.show_lecture_menu();
            }
            Err(err) => self.refuse_lecture(&err.to_string()),
        }
    }

    fn refuse_lecture(&mut self, problem: &str) {
        self.state.notice = Some(format!("The lecture was not opened: {problem}"));
        self.show_status();
        self.show_lecture_menu();
    }

    /// The lecture menu shows the lecture being given (the own entry titled
    /// by it and shown only while one is given).
    pub(super) fn show_lecture_menu(&self) {
        let place = self.state.lecture.as_ref();
        let value = match place.map(|p| p.shipped) {
            Some(Some(index)) => index.to_string(),
            Some(None) => OWN.to_string(),
            None => String::new(),
        };
        if let Ok(Some(own)) = self
            .el
            .lecture
            .query_selector(&format!("option[value=\"{OWN}\"]"))
        {
            let title = place
                .filter(|p| p.shipped.is_none())
                .map(|p| p.lecture.title.clone());
            own.set_text_content(Some(&format!("Yours: {}", title.as_deref().unwrap_or(""))));
            if let Some(own) = own.dyn_ref::<web_sys::HtmlElement>() {
                own.set_hidden(title.is_none());
            }
        }
        self.el.lecture.set_value(&value);
    }
}
