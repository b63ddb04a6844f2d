//! The wide MLP trained on the GPU through `wgpu`: WebGPU in the browser,
//! Vulkan (or GL) natively, the same WGSL kernels on both.
//!
//! Three layers, as in wgpu's own compute examples: [`Gpu`] finds an adapter
//! and opens a device; [`GpuMlp`] owns the network's buffers and encodes one
//! training step as a sequence of kernel dispatches (tiled matrix products,
//! bias and ReLU, softmax cross-entropy, the backward pass, the optimizer's
//! update) with no readback; the kernels live in `kernels/*.wgsl`. Results
//! come back only through `map_async`, so nothing blocks in the browser.
//! [`GpuSession`] trains a classifier spec the way the CPU session does (same
//! initial parameters, mini-batch stream, schedule and log), in `f32`; the
//! registry says which optimizers it runs.

mod kernels;
mod mlp;
mod readback;
mod session;

pub use mlp::{EvalRequest, GpuEval, GpuMlp, GridRequest, StateRequest};
pub use session::{gpu_optimizers, gpu_session, GpuBackend, GpuSession};
#[cfg(not(target_arch = "wasm32"))]
pub use session::{train, train_until};

use std::fmt;

/// Why the GPU cannot be used (no adapter, no device, a lost device, a spec it cannot train).
#[derive(Clone, Debug, PartialEq)]
pub struct GpuError(pub String);

impl fmt::Display for GpuError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for GpuError {}

/// An open GPU device and its queue.
#[derive(Clone, Debug)]
pub struct Gpu {
    /// The device.
    pub device: wgpu::Device,
    /// Its queue.
    pub queue: wgpu::Queue,
    /// What the adapter says of itself.
    pub adapter: wgpu::AdapterInfo,
    /// The kernels, compiled once for this device.
    kernels: std::sync::Arc<kernels::Kernels>,
}

impl Gpu {
    /// Opens the platform's preferred adapter with its own buffer-size limits
    /// (wide networks need large storage buffers), or says why it cannot.
    pub async fn new() -> Result<Self, GpuError> {
        // Natively Vulkan (lavapipe without a GPU) first, GL only if it finds
        // nothing: probing GL first would print display-server warnings.
        let chosen = wgpu::Backends::from_env();
        let first = chosen.unwrap_or(if cfg!(target_arch = "wasm32") {
            wgpu::Backends::BROWSER_WEBGPU
        } else {
            wgpu::Backends::PRIMARY
        });
        let adapter = match request_adapter(first).await {
            Ok(adapter) => adapter,
            Err(_) if chosen.is_none() && !cfg!(target_arch = "wasm32") => {
                request_adapter(wgpu::Backends::GL).await?
            }
            Err(e) => return Err(e),
        };
        let available = adapter.limits();
        let required_limits = wgpu::Limits {
            max_storage_buffer_binding_size: available.max_storage_buffer_binding_size,
            max_buffer_size: available.max_buffer_size,
            max_storage_buffers_per_shader_stage: 8,
            ..wgpu::Limits::downlevel_defaults()
        };
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("descent"),
                required_limits,
                ..Default::default()
            })
            .await
            .map_err(|e| GpuError(format!("no GPU device: {e}")))?;
        Ok(Self {
            kernels: std::sync::Arc::new(kernels::Kernels::new(&device)),
            device,
            queue,
            adapter: adapter.get_info(),
        })
    }

    /// Opens a device, blocking until it is ready (native only).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn blocking() -> Result<Self, GpuError> {
        pollster::block_on(Self::new())
    }

    /// Waits until the work submitted so far has run (native only).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn wait(&self) -> Result<(), GpuError> {
        self.device
            .poll(wgpu::PollType::Wait {
                submission_index: None,
                timeout: None,
            })
            .map(|_| ())
            .map_err(|e| GpuError(format!("waiting for the GPU: {e}")))
    }

    /// The adapter's name and backend, as the page's badge shows them.
    pub fn describe(&self) -> String {
        let name = if self.adapter.name.is_empty() {
            "unnamed adapter"
        } else {
            &self.adapter.name
        };
        format!("{name} ({:?})", self.adapter.backend)
    }
}

/// The preferred adapter among `backends`, or why there is none.
async fn request_adapter(backends: wgpu::Backends) -> Result<wgpu::Adapter, GpuError> {
    let mut descriptor = wgpu::InstanceDescriptor::new_without_display_handle_from_env();
    descriptor.backends = backends;
    wgpu::Instance::new(descriptor)
        .request_adapter(&wgpu::RequestAdapterOptions {
            power_preference: wgpu::PowerPreference::HighPerformance,
            ..Default::default()
        })
        .await
        .map_err(|e| {
            if cfg!(target_arch = "wasm32") {
                GpuError("the browser offers no WebGPU adapter".into())
            } else {
                GpuError(format!("no GPU adapter: {e}"))
            }
        })
}
