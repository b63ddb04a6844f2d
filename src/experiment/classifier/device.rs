//! Where a classifier run trains: the CPU, the GPU, or whichever is faster
//! for its width and the adapter at hand.

use serde::{Deserialize, Serialize};

/// Where a run may train.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeviceChoice {
    /// Where it is faster: see [`DeviceChoice::decide`].
    #[default]
    Auto,
    /// On the CPU (WebAssembly, in the worker).
    Cpu,
    /// On the GPU whenever the browser offers WebGPU and the GPU has the optimizer.
    Gpu,
}

/// The narrowest network "auto" sends to a hardware GPU. Below it a step is a
/// few microseconds of arithmetic and the GPU's dispatch and read-back latency
/// dominates (measured in the page: width 32 trains at 1,386 steps/s on the
/// CPU in WebAssembly; width 512 at 35 steps/s, where a GPU's throughput wins).
pub const AUTO_GPU_WIDTH: usize = 512;

/// What the browser's WebGPU adapter is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Adapter {
    /// None offered.
    None,
    /// A software renderer (SwiftShader, lavapipe): the CPU emulating a GPU.
    Software,
    /// A GPU.
    Hardware,
}

impl DeviceChoice {
    /// Every choice with its key in menus and addresses.
    pub const ALL: [(&'static str, DeviceChoice); 3] = [
        ("auto", DeviceChoice::Auto),
        ("cpu", DeviceChoice::Cpu),
        ("gpu", DeviceChoice::Gpu),
    ];

    /// Its key in menus and addresses.
    pub fn key(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, c)| *c == self)
            .map_or("auto", |(k, _)| k)
    }
    /// Whether a panel of `width` trains on the GPU given the `adapter`, and
    /// why not when it does not (shown beside the panel).
    pub fn decide(self, width: usize, adapter: Adapter) -> Result<(), String> {
        match (self, adapter) {
            (DeviceChoice::Cpu, _) => Err("on the CPU, as chosen".into()),
            (_, Adapter::None) => Err("on the CPU: the browser offers no WebGPU".into()),
            (DeviceChoice::Gpu, _) => Ok(()),
            (DeviceChoice::Auto, Adapter::Software) => Err(
                "auto chose the CPU: the WebGPU adapter is a software renderer, slower than the CPU (choose GPU to use it anyway)".into(),
            ),
            (DeviceChoice::Auto, Adapter::Hardware) if width < AUTO_GPU_WIDTH => Err(format!(
                "auto chose the CPU: below width {AUTO_GPU_WIDTH} a step is too small for the GPU's dispatch latency (choose GPU to use it anyway)"
            )),
            (DeviceChoice::Auto, Adapter::Hardware) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_picks_the_gpu_only_where_it_is_faster() {
        use Adapter::*;
        use DeviceChoice::*;
        assert!(Auto.decide(8192, Hardware).is_ok());
        assert!(Auto.decide(32, Hardware).unwrap_err().contains("width 512"));
        assert!(Auto
            .decide(8192, Software)
            .unwrap_err()
            .contains("software"));
        assert!(Gpu.decide(32, Software).is_ok());
        assert!(Gpu.decide(32, None).unwrap_err().contains("no WebGPU"));
        assert!(Cpu.decide(8192, Hardware).is_err());
    }
}
