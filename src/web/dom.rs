//! Small typed helpers over `web_sys` for finding elements and listening to events.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Event, EventTarget};

/// The element with `id`, cast to `T`, or an error naming the id.
pub fn element<T: JsCast>(document: &Document, id: &str) -> Result<T, JsValue> {
    document
        .get_element_by_id(id)
        .ok_or_else(|| JsValue::from_str(&format!("the page has no element #{id}")))?
        .dyn_into::<T>()
        .map_err(|_| JsValue::from_str(&format!("element #{id} has the wrong type")))
}

/// Calls `handler` on every `event` of `target`, for the life of the page.
pub fn listen(
    target: &EventTarget,
    event: &str,
    handler: impl FnMut(Event) + 'static,
) -> Result<(), JsValue> {
    let closure = Closure::<dyn FnMut(Event)>::new(handler);
    target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref())?;
    closure.forget();
    Ok(())
}

/// Shows `err` in the page's status line and the console.
pub fn report_error(document: &Document, err: &JsValue) {
    let text = err.as_string().unwrap_or_else(|| format!("{err:?}"));
    web_sys::console::error_1(&JsValue::from_str(&text));
    if let Some(status) = document.get_element_by_id("status") {
        status.set_text_content(Some(&text));
    }
}

/// Milliseconds from the global clock (`performance.now()`), on the page and in a worker.
pub fn now() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance"))
        .ok()
        .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
        .map_or(0.0, |p| p.now())
}

/// Shows a scene's `title`, `caption` and checked `claims` in the caption
/// element (its text set node by node: scene files are data, not markup).
pub fn show_caption(
    document: &Document,
    element: &Element,
    title: &str,
    caption: &str,
    claims: &[String],
) {
    let build = || -> Result<(), JsValue> {
        element.set_inner_html("");
        let heading = document.create_element("strong")?;
        heading.set_text_content(Some(title));
        element.append_child(&heading)?;
        let text = document.create_element("span")?;
        text.set_class_name("caption-text");
        text.set_text_content(Some(caption));
        element.append_child(&text)?;
        let list = document.create_element("div")?;
        list.set_class_name("claims");
        element.append_child(&list)?;
        for claim in claims {
            let line = document.create_element("span")?;
            line.set_class_name(if claim.starts_with('✓') {
                "claim holds"
            } else if claim.starts_with('✗') {
                "claim broken"
            } else {
                "claim"
            });
            line.set_text_content(Some(claim));
            list.append_child(&line)?;
        }
        element.remove_attribute("hidden")
    };
    if let Err(err) = build() {
        report_error(document, &err);
    }
}

/// Whether the page is dark: the user's choice, else the system's.
pub fn is_dark(document: &Document) -> bool {
    let root = document.document_element();
    match root.and_then(|r| r.get_attribute("data-theme")).as_deref() {
        Some("dark") => true,
        Some("light") => false,
        _ => web_sys::window()
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
            .is_some_and(|m| m.matches()),
    }
}

/// The pictures' colours for the page's theme.
pub fn theme(document: &Document) -> crate::render::chart::Theme {
    if is_dark(document) {
        crate::render::chart::Theme::DARK
    } else {
        crate::render::chart::Theme::LIGHT
    }
}
