//! The wide MLP trained on the GPU through `wgpu`: WebGPU in the browser,
//! Vulkan (or GL) natively, the same WGSL kernels on both.
//!
//! Three layers, as in wgpu's own compute examples: [`Gpu`] finds an adapter
//! and opens a device; [`GpuMlp`] owns the network's buffers and encodes one
//! training step as a sequence of kernel dispatches (tiled matrix products,
//! bias and ReLU, softmax cross-entropy, the backward pass, the optimizer's
//! update) with no readback; the kernels live in `kernels/*.wgsl`. Results
//! come back only through `map_async`, so nothing blocks in the browser.
//! [`GpuSession`] trains a classifier spec the way `train::Session` does on
//! the CPU (same initial parameters, mini-batches and schedule), in `f32`.

mod mlp;
mod readback;
mod session;

pub use mlp::{EvalRequest, GpuEval, GpuMlp, GpuOptimizer, GridRequest};
#[cfg(not(target_arch = "wasm32"))]
pub use session::train;
pub use session::GpuSession;

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
}

impl Gpu {
    /// Opens the platform's preferred adapter with its own buffer-size limits
    /// (wide networks need large storage buffers), or says why it cannot.
    pub async fn new() -> Result<Self, GpuError> {
        let mut descriptor = wgpu::InstanceDescriptor::new_without_display_handle_from_env();
        if cfg!(target_arch = "wasm32") {
            descriptor.backends = wgpu::Backends::BROWSER_WEBGPU;
        }
        let instance = wgpu::Instance::new(descriptor);
        let adapter = instance
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
            })?;
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
