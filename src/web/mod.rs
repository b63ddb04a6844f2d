//! The browser glue: DOM wiring, the animation loop and canvas drawing.
//!
//! Compiled for `wasm32` only, but for [`state`], which is plain data and
//! tested natively. The page is a thin shell over the core: it
//! edits the problem and hyperparameters, asks the core for histories and
//! images, and draws them; no update rule lives here.

#[cfg(target_arch = "wasm32")]
mod animation;
#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod basins_view;
#[cfg(target_arch = "wasm32")]
pub mod canvas;
#[cfg(target_arch = "wasm32")]
mod classifier;
#[cfg(target_arch = "wasm32")]
mod computing;
#[cfg(target_arch = "wasm32")]
pub mod controls;
#[cfg(target_arch = "wasm32")]
mod dom;
#[cfg(target_arch = "wasm32")]
mod elements;
#[cfg(target_arch = "wasm32")]
mod export;
#[cfg(target_arch = "wasm32")]
mod gpu_panel;
#[cfg(target_arch = "wasm32")]
mod gpu_probe;
pub mod inside_job;
#[cfg(target_arch = "wasm32")]
mod inside_view;
#[cfg(target_arch = "wasm32")]
mod keyboard;
#[cfg(target_arch = "wasm32")]
mod landscape_view;
#[cfg(target_arch = "wasm32")]
mod lecture_file;
#[cfg(target_arch = "wasm32")]
mod net_draw;
#[cfg(target_arch = "wasm32")]
mod net_panel;
#[cfg(target_arch = "wasm32")]
mod picture;
#[cfg(target_arch = "wasm32")]
mod pointer;
#[cfg(target_arch = "wasm32")]
mod readout;
#[cfg(target_arch = "wasm32")]
mod recording;
#[cfg(target_arch = "wasm32")]
mod runs;
pub mod state;
#[cfg(target_arch = "wasm32")]
mod surface_view;
#[cfg(target_arch = "wasm32")]
mod sweep_view;
#[cfg(target_arch = "wasm32")]
mod texts;
#[cfg(target_arch = "wasm32")]
pub mod trainer;
#[cfg(target_arch = "wasm32")]
mod transport;
#[cfg(target_arch = "wasm32")]
mod wiring;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::*;

/// Entry point, run when the module loads: mounts the app on the page if the
/// page has one (tests load the module on an empty page).
#[cfg(target_arch = "wasm32")]
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
