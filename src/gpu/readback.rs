//! Copying results from GPU buffers back to the host, asynchronously.

use super::{Gpu, GpuError};

/// A read in flight: the staging buffer and the channel its mapping reports to.
/// It owns what it needs, so waiting for it borrows nothing else.
pub struct Pending {
    /// Natively, the device to wait on; the browser needs no waiting.
    #[cfg(not(target_arch = "wasm32"))]
    device: wgpu::Device,
    staging: wgpu::Buffer,
    receiver: futures_channel::oneshot::Receiver<Result<(), wgpu::BufferAsyncError>>,
}

/// Submits the copy of `count` 32-bit words from `source` at word `offset`
/// (behind the work already submitted) and asks for it to be mapped.
pub fn request(gpu: &Gpu, source: &wgpu::Buffer, offset: u64, count: u64) -> Pending {
    let bytes = (count * 4).max(4);
    let staging = gpu.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("readback"),
        size: bytes,
        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    let mut encoder = gpu
        .device
        .create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("readback"),
        });
    if count > 0 {
        encoder.copy_buffer_to_buffer(source, offset * 4, &staging, 0, count * 4);
    }
    gpu.queue.submit([encoder.finish()]);
    let (sender, receiver) = futures_channel::oneshot::channel();
    staging.map_async(wgpu::MapMode::Read, .., move |result| {
        let _ = sender.send(result);
    });
    Pending {
        #[cfg(not(target_arch = "wasm32"))]
        device: gpu.device.clone(),
        staging,
        receiver,
    }
}

impl Pending {
    /// The words, once the copy has run. Natively this waits for the device;
    /// in the browser the future resolves from the event loop, blocking nothing.
    pub async fn finish(self) -> Result<Vec<u32>, GpuError> {
        #[cfg(not(target_arch = "wasm32"))]
        self.device
            .poll(wgpu::PollType::Wait {
                submission_index: None,
                timeout: None,
            })
            .map_err(|e| GpuError(format!("waiting for the GPU: {e}")))?;
        self.receiver
            .await
            .map_err(|_| GpuError("the GPU read was cancelled (device lost?)".into()))?
            .map_err(|e| GpuError(format!("reading from the GPU failed: {e}")))?;
        let words = {
            let view = self
                .staging
                .get_mapped_range(..)
                .map_err(|e| GpuError(format!("reading from the GPU failed: {e}")))?;
            view.chunks_exact(4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect::<Vec<u32>>()
        };
        self.staging.unmap();
        Ok(words)
    }

    /// The words read as `f32`.
    pub async fn floats(self) -> Result<Vec<f32>, GpuError> {
        Ok(self
            .finish()
            .await?
            .iter()
            .map(|&w| f32::from_bits(w))
            .collect())
    }
}
