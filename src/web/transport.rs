//! Where classifier training runs: one Web Worker per panel (up to the
//! machine's cores), each loading this same module, so side-by-side panels
//! train in parallel and no panel starves another; or the page itself when
//! no worker starts; and the messages between them.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Event, MessageEvent, Worker, WorkerOptions, WorkerType};

use super::trainer::{ClassifierWorker, Request};
use crate::scene::panel::MAX_PANELS;

/// A training worker and the handlers that must live as long as it does.
pub struct WorkerHandle {
    /// The worker.
    pub worker: Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

/// Where training runs.
pub enum Transport {
    /// Web Workers, one per panel.
    Workers(Workers),
    /// The page itself, a slice per animation frame.
    Page(ClassifierWorker),
}

/// The training workers: panel `i` trains in worker `i mod n`, with `n` the
/// browser's count of logical cores (at most one per panel), each started
/// when its first panel does.
pub struct Workers {
    document: Document,
    inbox: Rc<RefCell<Vec<JsValue>>>,
    slots: Vec<Option<WorkerHandle>>,
    /// The worker of the view inside the network (it re-trains panels, so
    /// it has its own and no panel waits for it).
    inside: Option<WorkerHandle>,
    playing: bool,
}

impl Workers {
    /// The pool, with its first worker started (so a page that cannot start
    /// workers finds out at once).
    pub fn new(document: &Document, inbox: &Rc<RefCell<Vec<JsValue>>>) -> Result<Self, String> {
        let cores = web_sys::window()
            .map(|w| w.navigator().hardware_concurrency())
            .filter(|c| c.is_finite() && *c >= 1.0)
            .map_or(1, |c| c as usize);
        let mut workers = Self {
            document: document.clone(),
            inbox: Rc::clone(inbox),
            slots: (0..cores.clamp(1, MAX_PANELS)).map(|_| None).collect(),
            inside: None,
            playing: false,
        };
        workers.slots[0] = Some(spawn_worker(document, inbox)?);
        Ok(workers)
    }

    /// Workers started so far.
    pub fn started(&self) -> usize {
        self.slots.iter().flatten().count()
    }

    /// The worker panel `panel` trains in, started if need be.
    fn worker_for(&mut self, panel: usize) -> Result<&Worker, JsValue> {
        let index = panel % self.slots.len();
        if self.slots[index].is_none() {
            let handle =
                spawn_worker(&self.document, &self.inbox).map_err(|e| JsValue::from_str(&e))?;
            post(
                &handle.worker,
                &Request::Play {
                    playing: self.playing,
                },
            )?;
            self.slots[index] = Some(handle);
        }
        self.slots[index]
            .as_ref()
            .map(|h| &h.worker)
            .ok_or_else(|| JsValue::from_str("no worker"))
    }

    /// Sends `request` where it belongs: a panel's to its worker, the rest to all.
    pub fn send(&mut self, request: &Request) -> Result<(), JsValue> {
        match request {
            Request::Start { panel, .. } | Request::Stop { panel } => {
                let worker = self.worker_for(*panel)?;
                post(worker, request)
            }
            Request::Play { playing } => {
                self.playing = *playing;
                self.broadcast(request)
            }
            Request::Truncate { .. } => self.broadcast(request),
            Request::Inside { .. } => {
                if self.inside.is_none() {
                    let handle = spawn_worker(&self.document, &self.inbox)
                        .map_err(|e| JsValue::from_str(&e))?;
                    self.inside = Some(handle);
                }
                let worker = self.inside.as_ref().map(|h| &h.worker);
                worker.map_or(Ok(()), |w| post(w, request))
            }
        }
    }

    fn broadcast(&self, request: &Request) -> Result<(), JsValue> {
        for handle in self.slots.iter().flatten() {
            post(&handle.worker, request)?;
        }
        Ok(())
    }

    /// Stops every worker.
    pub fn terminate(&self) {
        for handle in self.slots.iter().flatten().chain(&self.inside) {
            handle.worker.terminate();
        }
    }
}

/// Posts `request` to `worker` as a plain object.
fn post(worker: &Worker, request: &Request) -> Result<(), JsValue> {
    let message =
        serde::Serialize::serialize(request, &serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(|e| JsValue::from_str(&e.to_string()))?;
    worker.post_message(&message)
}

/// Starts a training worker, loading this same module (its URLs are the
/// ones the page's own loader names) and forwarding its messages to `inbox`.
fn spawn_worker(
    document: &Document,
    inbox: &Rc<RefCell<Vec<JsValue>>>,
) -> Result<WorkerHandle, String> {
    let (script, kind, load) = worker_load(document)?;
    let options = WorkerOptions::new();
    options.set_type(kind);
    let worker = Worker::new_with_options(&script, &options)
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
    worker.post_message(&load).map_err(|e| describe(&e))?;
    Ok(WorkerHandle {
        worker,
        _on_message: on_message,
        _on_error: on_error,
    })
}

/// The worker's script, its type and the message that loads this same
/// module into it. Served, that is `worker.js` as a module worker and the
/// module's URLs as the page's loader names them. From the single offline
/// file (`tools/single-file.mjs`), whose loader leaves `window.descentOffline`
/// (the module's text and bytes) and blob: URLs on the root element, it is
/// a classic worker sent the text and bytes: on a file:// page a module
/// worker cannot start from a blob: URL, nor import the page's.
fn worker_load(document: &Document) -> Result<(String, WorkerType, JsValue), String> {
    let load = js_sys::Object::new();
    let set = |key: &str, value: &JsValue| {
        js_sys::Reflect::set(&load, &JsValue::from_str(key), value).map_err(|e| describe(&e))
    };
    set("kind", &JsValue::from_str("load"))?;
    let offline = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &JsValue::from_str("descentOffline")).ok())
        .filter(|o| o.is_object());
    let worker_url = document
        .document_element()
        .and_then(|root| root.get_attribute("data-worker"));
    if let (Some(carried), Some(script)) = (offline, worker_url) {
        for key in ["glueText", "wasmBytes"] {
            let value = js_sys::Reflect::get(&carried, &JsValue::from_str(key))
                .map_err(|e| describe(&e))?;
            set(key, &value)?;
        }
        return Ok((script, WorkerType::Classic, load.into()));
    }
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
    set("glue", &JsValue::from_str(&glue))?;
    set("wasm", &JsValue::from_str(&wasm))?;
    Ok(("worker.js".to_string(), WorkerType::Module, load.into()))
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
