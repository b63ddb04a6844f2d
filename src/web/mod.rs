//! The browser glue: DOM wiring, the animation loop and canvas drawing.
//!
//! Compiled for `wasm32` only. The page is a thin shell over the core: it
//! edits the problem and hyperparameters, asks the core for histories and
//! images, and draws them; no update rule lives here.

mod address;
mod app;
pub mod canvas;
mod classifier;
pub mod controls;
mod dom;
mod export;
mod gpu_panel;
mod readout;
pub mod runs;
pub mod trainer;

use wasm_bindgen::prelude::*;

/// Entry point, run when the module loads: mounts the app on the page if the
/// page has one (tests load the module on an empty page).
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if document.get_element_by_id("app").is_none() {
        return;
    }
    if let Err(err) = app::App::mount(&document) {
        dom::report_error(&document, &err);
    }
}
