//! Downloads made in the page: the landscape as PNG, histories as CSV and
//! JSON, and the spec.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, Document, HtmlAnchorElement, HtmlCanvasElement, Url};

use super::canvas;
use crate::render::landscape::LandscapeImage;
use crate::render::view::PixelRect;

/// Offers what `href` points to as a file called `filename`.
pub fn link(document: &Document, filename: &str, href: &str) -> Result<(), JsValue> {
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
    offer(document, filename, mime, &JsValue::from_str(text))
}

/// Offers `bytes` as a file called `filename` of type `mime`.
pub fn bytes(document: &Document, filename: &str, mime: &str, bytes: &[u8]) -> Result<(), JsValue> {
    offer(document, filename, mime, &js_sys::Uint8Array::from(bytes))
}

fn offer(document: &Document, filename: &str, mime: &str, part: &JsValue) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(part);
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_buffer_source_sequence_and_options(&parts, &options)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let result = link(document, filename, &url);
    Url::revoke_object_url(&url)?;
    result
}

/// Offers the canvas's pixels as a PNG file called `filename`.
pub fn png(document: &Document, canvas: &HtmlCanvasElement, filename: &str) -> Result<(), JsValue> {
    let url = canvas.to_data_url_with_type("image/png")?;
    link(document, filename, &url)
}

/// A new canvas of `size` pixels, not in the page.
pub fn blank_canvas(document: &Document, size: (u32, u32)) -> Result<HtmlCanvasElement, JsValue> {
    let target: HtmlCanvasElement = document
        .create_element("canvas")?
        .dyn_into()
        .map_err(|_| JsValue::from_str("not a canvas"))?;
    target.set_width(size.0.max(1));
    target.set_height(size.1.max(1));
    Ok(target)
}

/// A canvas holding `image`'s pixels.
pub fn image_canvas(
    document: &Document,
    image: &LandscapeImage,
) -> Result<HtmlCanvasElement, JsValue> {
    let target = blank_canvas(document, (image.width, image.height))?;
    canvas::context_2d(&target)?.put_image_data(&canvas::image_data(image)?, 0.0, 0.0)?;
    Ok(target)
}

/// `svg` with `image` embedded as a PNG under everything else, once at each
/// of `places` (top-left corners), `plot`-sized.
pub fn with_images(
    svg: &str,
    image: &HtmlCanvasElement,
    places: &[(u32, u32)],
    plot: &PixelRect,
) -> Result<String, JsValue> {
    let url = image.to_data_url_with_type("image/png")?;
    let images: String = places
        .iter()
        .map(|(x, y)| {
            format!(
                r#"<image x="{x}" y="{y}" width="{}" height="{}" preserveAspectRatio="none" href="{url}"/>"#,
                plot.width, plot.height
            )
        })
        .collect();
    let open_end = svg
        .find("<svg")
        .and_then(|start| svg[start..].find('>').map(|end| start + end + 1))
        .ok_or_else(|| JsValue::from_str("the SVG has no <svg> element"))?;
    Ok(format!(
        "{}<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>{images}{}",
        &svg[..open_end],
        &svg[open_end..]
    ))
}
