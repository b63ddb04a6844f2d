//! The compiled kernels, built once per device and shared by every network
//! trained on it (a panel restarted with a new width only needs new buffers).

const MATMUL: &str = include_str!("kernels/matmul.wgsl");
const HIDDEN: &str = include_str!("kernels/hidden.wgsl");
const LOGITS: &str = include_str!("kernels/logits.wgsl");
const LOSS: &str = include_str!("kernels/loss.wgsl");
const GATHER: &str = include_str!("kernels/gather.wgsl");
const OPTIMIZERS: &str = include_str!("kernels/optimizers.wgsl");
const PREDICT: &str = include_str!("kernels/predict.wgsl");

/// One compute pipeline per kernel entry point.
#[derive(Debug)]
pub struct Kernels {
    /// Tiled C = α·A·B with strided operands.
    pub matmul: wgpu::ComputePipeline,
    /// A₁ = relu(X W₁ + b₁).
    pub hidden_forward: wgpu::ComputePipeline,
    /// D = (Δ W₂ᵀ) ⊙ [A₁ > 0].
    pub hidden_backward: wgpu::ComputePipeline,
    /// Z ← s (Z + b₂).
    pub logits: wgpu::ComputePipeline,
    /// Softmax cross-entropy and its gradient.
    pub softmax: wgpu::ComputePipeline,
    /// The mini-batch's rows.
    pub gather: wgpu::ComputePipeline,
    /// SGD's update.
    pub sgd: wgpu::ComputePipeline,
    /// Adam's (and AdamW's) update.
    pub adam: wgpu::ComputePipeline,
    /// Fused inference for evaluation and decision regions.
    pub predict: wgpu::ComputePipeline,
}

impl Kernels {
    /// Compiles every kernel for `device`.
    pub fn new(device: &wgpu::Device) -> Self {
        let pipeline = |source: &str, entry: &str| {
            let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some(entry),
                source: wgpu::ShaderSource::Wgsl(source.into()),
            });
            device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some(entry),
                layout: None,
                module: &module,
                entry_point: Some(entry),
                compilation_options: Default::default(),
                cache: None,
            })
        };
        Self {
            matmul: pipeline(MATMUL, "main"),
            hidden_forward: pipeline(HIDDEN, "forward"),
            hidden_backward: pipeline(HIDDEN, "backward"),
            logits: pipeline(LOGITS, "bias_scale"),
            softmax: pipeline(LOSS, "softmax_cross_entropy"),
            gather: pipeline(GATHER, "main"),
            sgd: pipeline(OPTIMIZERS, "sgd"),
            adam: pipeline(OPTIMIZERS, "adam"),
            predict: pipeline(PREDICT, "main"),
        }
    }
}
