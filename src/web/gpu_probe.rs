//! Asking the browser for a WebGPU device, and what the page knows of it.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::gpu::Gpu;

/// What the page knows of the GPU.
pub enum GpuState {
    /// Still asking the browser for an adapter.
    Probing,
    /// An open device.
    Ready(Box<Gpu>),
    /// None to be had, and why.
    Unavailable(String),
}

/// Asks the browser for a GPU; the answer arrives in `state` in a later
/// frame, and a later loss of the device in `lost`.
pub fn probe_gpu(state: &Rc<RefCell<GpuState>>, lost: &Arc<Mutex<Option<String>>>) {
    let state = Rc::clone(state);
    let lost = Arc::clone(lost);
    wasm_bindgen_futures::spawn_local(async move {
        let answer = match Gpu::new().await {
            Ok(mut gpu) => {
                let (name, fallback) = browser_adapter().await.unwrap_or_default();
                if gpu.adapter.name.is_empty() {
                    gpu.adapter.name = name;
                }
                if fallback || gpu.adapter.name.to_lowercase().contains("swiftshader") {
                    gpu.adapter.device_type = wgpu::DeviceType::Cpu;
                }
                gpu.device.set_device_lost_callback(move |reason, message| {
                    if let Ok(mut slot) = lost.lock() {
                        *slot = Some(format!("{reason:?}: {message}"));
                    }
                });
                GpuState::Ready(Box::new(gpu))
            }
            Err(e) => GpuState::Unavailable(e.to_string()),
        };
        *state.borrow_mut() = answer;
    });
}

/// The browser's own words for its WebGPU adapter (vendor, architecture,
/// description), which wgpu does not pass on, and whether it is a software
/// fallback; `None` if it gives none.
async fn browser_adapter() -> Option<(String, bool)> {
    let get =
        |object: &JsValue, key: &str| js_sys::Reflect::get(object, &JsValue::from_str(key)).ok();
    let navigator = get(&js_sys::global(), "navigator")?;
    let gpu = get(&navigator, "gpu")?;
    let request: js_sys::Function = get(&gpu, "requestAdapter")?.dyn_into().ok()?;
    let promise: js_sys::Promise = request.call0(&gpu).ok()?.dyn_into().ok()?;
    let adapter = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    let info = get(&adapter, "info")?;
    let fallback = [
        get(&info, "isFallbackAdapter"),
        get(&adapter, "isFallbackAdapter"),
    ]
    .iter()
    .flatten()
    .any(|v| v.as_bool() == Some(true));
    let parts: Vec<String> = ["vendor", "architecture", "description"]
        .iter()
        .filter_map(|key| get(&info, key)?.as_string())
        .filter(|part| !part.is_empty())
        .collect();
    Some((parts.join(" "), fallback))
}
