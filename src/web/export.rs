//! Downloads made in the page: the landscape as PNG, histories as CSV and
//! JSON, and the spec.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, Document, HtmlAnchorElement, HtmlCanvasElement, Url};

fn click_link(document: &Document, filename: &str, href: &str) -> Result<(), JsValue> {
    let link: HtmlAnchorElement = document
        .create_element("a")?
        .dyn_into()
        .map_err(|_| JsValue::from_str("could not make a link"))?;
    link.set_href(href);
    link.set_download(filename);
    link.click();
    Ok(())
}

/// Offers `text` as a file called `filename` of type `mime`.
pub fn text(document: &Document, filename: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let result = click_link(document, filename, &url);
    Url::revoke_object_url(&url)?;
    result
}

/// Offers the canvas's pixels as a PNG file called `filename`.
pub fn png(document: &Document, canvas: &HtmlCanvasElement, filename: &str) -> Result<(), JsValue> {
    let url = canvas.to_data_url_with_type("image/png")?;
    click_link(document, filename, &url)
}
