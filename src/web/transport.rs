//! Where classifier training runs: a Web Worker loading this same module,
//! or the page itself when no worker starts; and the messages between them.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Event, MessageEvent, Worker, WorkerOptions, WorkerType};

use super::trainer::ClassifierWorker;

/// A training worker and the handlers that must live as long as it does.
pub struct WorkerHandle {
    /// The worker.
    pub worker: Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

/// Where training runs.
pub enum Transport {
    /// A Web Worker.
    Worker(WorkerHandle),
    /// The page itself, a slice per animation frame.
    Page(ClassifierWorker),
}

/// Starts the training worker, loading this same module (its URLs are the
/// ones the page's own loader names) and forwarding its messages to `inbox`.
pub fn spawn_worker(
    document: &Document,
    inbox: &Rc<RefCell<Vec<JsValue>>>,
) -> Result<Transport, String> {
    let href = |selector: &str| {
        document
            .query_selector(selector)
            .ok()
            .flatten()
            .and_then(|link| link.get_attribute("href"))
    };
    let glue = href("link[rel=modulepreload][href$='.js']")
        .ok_or("the page does not name its JavaScript module")?;
    let wasm = href("link[rel=preload][href$='.wasm']")
        .ok_or("the page does not name its WebAssembly module")?;
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    let worker = Worker::new_with_options("worker.js", &options)
        .map_err(|e| format!("no worker: {}", describe(&e)))?;
    let messages = Rc::clone(inbox);
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        messages.borrow_mut().push(event.data());
    });
    let errors = Rc::clone(inbox);
    let on_error = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
        let message = js_sys::Reflect::get(&event, &JsValue::from_str("message"))
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_else(|| "the worker failed".into());
        errors
            .borrow_mut()
            .push(failure(&JsValue::from_str(&message)));
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let load = js_sys::Object::new();
    for (key, value) in [
        ("kind", "load"),
        ("glue", glue.as_str()),
        ("wasm", wasm.as_str()),
    ] {
        js_sys::Reflect::set(&load, &JsValue::from_str(key), &JsValue::from_str(value))
            .map_err(|e| describe(&e))?;
    }
    worker.post_message(&load).map_err(|e| describe(&e))?;
    Ok(Transport::Worker(WorkerHandle {
        worker,
        _on_message: on_message,
        _on_error: on_error,
    }))
}

/// The message `{ kind: "failed", reason }`, as the worker script posts it.
pub fn failure(reason: &JsValue) -> JsValue {
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(
        &message,
        &JsValue::from_str("kind"),
        &JsValue::from_str("failed"),
    );
    let _ = js_sys::Reflect::set(
        &message,
        &JsValue::from_str("reason"),
        &JsValue::from_str(&describe(reason)),
    );
    message.into()
}

/// The reason in a `{ kind: "failed" }` message, if it is one.
pub fn failure_reason(message: &JsValue) -> Option<String> {
    let kind = js_sys::Reflect::get(message, &JsValue::from_str("kind")).ok()?;
    (kind.as_string().as_deref() == Some("failed")).then(|| {
        js_sys::Reflect::get(message, &JsValue::from_str("reason"))
            .ok()
            .and_then(|r| r.as_string())
            .unwrap_or_default()
    })
}

/// A JavaScript value in words.
pub fn describe(value: &JsValue) -> String {
    value.as_string().unwrap_or_else(|| format!("{value:?}"))
}
