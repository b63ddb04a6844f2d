//! Putting core-rendered pixels on a canvas and sizing it for the screen.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use crate::render::landscape::LandscapeImage;

/// The canvas's 2D context.
pub fn context_2d(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, JsValue> {
    canvas
        .get_context("2d")?
        .ok_or_else(|| JsValue::from_str("the browser gave no 2D canvas context"))?
        .dyn_into::<CanvasRenderingContext2d>()
        .map_err(|_| JsValue::from_str("the 2D context has an unexpected type"))
}

/// Turns a landscape image into `ImageData`, ready to put on a canvas.
pub fn image_data(image: &LandscapeImage) -> Result<ImageData, JsValue> {
    rgba_image_data(&image.rgba, image.width, image.height)
}

/// `ImageData` holding a copy of `rgba` (`width × height` pixels). The copy
/// lives in JavaScript's memory: a view into WebAssembly memory would be
/// detached as soon as that memory grows, and the image is kept across frames.
pub fn rgba_image_data(rgba: &[u8], width: u32, height: u32) -> Result<ImageData, JsValue> {
    let copy = js_sys::Uint8ClampedArray::from(rgba);
    ImageData::new_with_js_u8_clamped_array_and_sh(&copy, width.max(1), height.max(1))
}

/// Makes the canvas's pixel buffer match its displayed size times the device
/// pixel ratio; returns the buffer size and the ratio, and whether it changed.
pub fn fit_to_display(canvas: &HtmlCanvasElement) -> ((u32, u32), f64, bool) {
    let ratio = web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .filter(|r| r.is_finite() && *r > 0.0)
        .unwrap_or(1.0);
    let width = (f64::from(canvas.client_width()) * ratio).round().max(1.0) as u32;
    let height = (f64::from(canvas.client_height()) * ratio).round().max(1.0) as u32;
    let changed = canvas.width() != width || canvas.height() != height;
    if changed {
        canvas.set_width(width);
        canvas.set_height(height);
    }
    ((width, height), ratio, changed)
}
