//! The 2 → width → 5 ReLU network on the GPU: its buffers, and one training
//! step encoded as kernel dispatches in one compute pass.
//!
//! θ is one flat `f32` buffer with the CPU's layout (`nn::Mlp`): W₁ (2 × h,
//! row-major), b₁, W₂ (h × 5), b₂. With B rows in the batch, a step runs
//!
//! | dispatch | computes |
//! |---|---|
//! | gather | X_B, y_B: the batch's rows |
//! | hidden forward | A₁ = relu(X_B W₁ + b₁) (B × h; inner dimension 2, fused) |
//! | tiled matmul, bias × s | Z = s (A₁ W₂ + b₂) (B × 5) |
//! | softmax cross-entropy | losses, Δ = s (softmax(Z) − Y)/B |
//! | tiled matmul × 2 | ∂W₂ = A₁ᵀ Δ, ∂b₂ = 1ᵀ Δ (skipped when the output is frozen) |
//! | hidden backward | D = (Δ W₂ᵀ) ⊙ [A₁ > 0] (inner dimension 5, fused) |
//! | tiled matmul × 2 | ∂W₁ = X_Bᵀ D, ∂b₁ = 1ᵀ D |
//! | update | SGD (momentum, Nesterov) or Adam / AdamW on every parameter |

use super::readback::{self, Pending};
use super::{Gpu, GpuError};
use crate::data::{Dataset, CLASSES};
use crate::nn::mlp::{Architecture, Parametrization};
use crate::optim::{DeviceRule, RuleState};

/// The matmul kernel's tile side.
const TILE: u32 = 16;

/// A compute pipeline with one dispatch's bind group and workgroup counts.
struct Dispatch {
    pipeline: wgpu::ComputePipeline,
    bind_group: wgpu::BindGroup,
    workgroups: (u32, u32),
}

/// A set of labelled points to evaluate (training or test set).
struct EvalSet {
    count: u32,
    dispatch: Dispatch,
    losses: wgpu::Buffer,
    correct: wgpu::Buffer,
}

/// The network's state on the GPU and the dispatches of one step.
pub struct GpuMlp {
    gpu: Gpu,
    width: u32,
    batch: u32,
    params: usize,
    scale: f32,
    optimizer: DeviceRule,
    steps_taken: u64,
    /// The optimizer's buffers: m (or SGD's b), v and AMSGrad's max v.
    moments: [wgpu::Buffer; 3],
    theta: wgpu::Buffer,
    grad: wgpu::Buffer,
    indices: wgpu::Buffer,
    losses: wgpu::Buffer,
    update_uniform: wgpu::Buffer,
    forward_backward: Vec<Dispatch>,
    update: Dispatch,
    train: EvalSet,
    test: EvalSet,
}

/// Loss and accuracy on a set of points, as the GPU computed them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GpuEval {
    /// Mean cross-entropy.
    pub loss: f64,
    /// Fraction classified correctly.
    pub accuracy: f64,
}

fn words_to_bytes(words: &[u32]) -> Vec<u8> {
    let mut padded = words.to_vec();
    padded.resize(words.len().div_ceil(4).max(1) * 4, 0);
    bytemuck::cast_slice(&padded).to_vec()
}

fn float_words(values: &[f32]) -> Vec<u32> {
    values.iter().map(|v| v.to_bits()).collect()
}

fn groups(count: u32, size: u32) -> u32 {
    count.div_ceil(size).max(1)
}

/// A bind group for `pipeline` with `buffers` at bindings 0, 1, 2, ….
fn bind_group(
    device: &wgpu::Device,
    pipeline: &wgpu::ComputePipeline,
    buffers: &[&wgpu::Buffer],
) -> wgpu::BindGroup {
    let entries: Vec<wgpu::BindGroupEntry<'_>> = buffers
        .iter()
        .enumerate()
        .map(|(i, b)| wgpu::BindGroupEntry {
            binding: i as u32,
            resource: b.as_entire_binding(),
        })
        .collect();
    device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: None,
        layout: &pipeline.get_bind_group_layout(0),
        entries: &entries,
    })
}

/// Strides and offsets of one product C = α·A·B, in elements.
#[derive(Clone, Copy)]
struct Product {
    m: u32,
    n: u32,
    k: u32,
    a: (u32, u32, u32),
    b: (u32, u32, u32),
    c: (u32, u32),
}

impl GpuMlp {
    /// Uploads `theta` (a CPU parameter vector for `arch`), the training and
    /// test sets, and builds every dispatch; `batch` rows per step.
    pub fn new(
        gpu: &Gpu,
        arch: Architecture,
        theta: &[f64],
        train: &Dataset,
        test: &Dataset,
        batch: usize,
        optimizer: DeviceRule,
    ) -> Result<Self, GpuError> {
        if arch.depth != 1 {
            return Err(GpuError(format!(
                "the GPU trains networks with one hidden layer, not {}",
                arch.depth
            )));
        }
        let h = arch.width;
        let params = 8 * h + CLASSES;
        if theta.len() != params {
            return Err(GpuError(format!(
                "{} parameters given for width {h}, which has {params}",
                theta.len()
            )));
        }
        let n_train = train.len();
        let batch = batch.clamp(1, n_train.max(1));
        let biggest = (batch * h * 4) as u64;
        let limit = gpu.device.limits().max_storage_buffer_binding_size;
        if biggest > limit {
            return Err(GpuError(format!(
                "width {h} with {batch} rows needs {biggest} bytes per activation buffer; this GPU binds at most {limit}"
            )));
        }
        let (scale, frozen) = match arch.parametrization {
            Parametrization::Standard => (1.0, false),
            Parametrization::Ntk { .. } => (1.0 / (h as f64).sqrt(), false),
            Parametrization::MeanField => (1.0 / h as f64, true),
        };
        let device = &gpu.device;
        let storage = |label: &str, words: usize| {
            device.create_buffer(&wgpu::BufferDescriptor {
                label: Some(label),
                size: (words.max(1) * 4) as u64,
                usage: wgpu::BufferUsages::STORAGE
                    | wgpu::BufferUsages::COPY_SRC
                    | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            })
        };
        let filled = |label: &str, words: &[u32]| {
            let buffer = storage(label, words.len());
            gpu.queue
                .write_buffer(&buffer, 0, &words_to_bytes(words)[..words.len().max(1) * 4]);
            buffer
        };
        let uniform = |label: &str, words: &[u32]| {
            let bytes = words_to_bytes(words);
            let buffer = device.create_buffer(&wgpu::BufferDescriptor {
                label: Some(label),
                size: bytes.len() as u64,
                usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            });
            gpu.queue.write_buffer(&buffer, 0, &bytes);
            buffer
        };
        let kernels = &gpu.kernels;
        let bind = |pipeline: &wgpu::ComputePipeline, buffers: &[&wgpu::Buffer]| {
            bind_group(device, pipeline, buffers)
        };

        let points = |data: &Dataset| -> Vec<u32> {
            data.x
                .iter()
                .flatten()
                .map(|&v| (v as f32).to_bits())
                .collect()
        };
        let labels =
            |data: &Dataset| -> Vec<u32> { data.labels.iter().map(|&c| c as u32).collect() };
        let theta_words: Vec<u32> = theta.iter().map(|&v| (v as f32).to_bits()).collect();
        let theta_buffer = filled("theta", &theta_words);
        let grad = storage("grad", params);
        let first = storage("first moment", params);
        let second = storage("second moment", params);
        let second_max = storage("second moment max", params);
        let train_inputs = filled("train inputs", &points(train));
        let train_labels = filled("train labels", &labels(train));
        let all_rows: Vec<u32> = (0..n_train as u32).collect();
        let indices = filled("batch indices", &all_rows[..batch]);
        let batch_inputs = storage("batch inputs", 2 * batch);
        let batch_labels = storage("batch labels", batch);
        let ones = filled("ones", &float_words(&vec![1.0; batch]));
        let hidden = storage("hidden activations", batch * h);
        let hidden_delta = storage("hidden deltas", batch * h);
        let logits = storage("logits", batch * CLASSES);
        let delta = storage("logit deltas", batch * CLASSES);
        let losses = storage("batch losses", batch);
        let correct = storage("batch correct", batch);

        let (h32, b32, c32) = (h as u32, batch as u32, CLASSES as u32);
        let matmul = &kernels.matmul;
        let product = |p: Product, a: &wgpu::Buffer, b: &wgpu::Buffer, c: &wgpu::Buffer| {
            let dims = uniform(
                "matmul dims",
                &[
                    p.m,
                    p.n,
                    p.k,
                    0,
                    p.a.0,
                    p.a.1,
                    p.a.2,
                    p.b.0,
                    p.b.1,
                    p.b.2,
                    p.c.0,
                    p.c.1,
                    1.0f32.to_bits(),
                ],
            );
            Dispatch {
                pipeline: matmul.clone(),
                bind_group: bind(matmul, &[&dims, a, b, c]),
                workgroups: (groups(p.n, TILE), groups(p.m, TILE)),
            }
        };
        let logits_bias = &kernels.logits;
        let hidden_forward = &kernels.hidden_forward;
        let hidden_backward = &kernels.hidden_backward;
        let hidden_shape = uniform("hidden shape", &[b32, h32]);
        let hidden_groups = (groups(b32 * h32, 256), 1);
        let gather = &kernels.gather;
        let softmax = &kernels.softmax;

        let mut forward_backward = vec![Dispatch {
            bind_group: bind(
                gather,
                &[
                    &uniform("gather count", &[b32]),
                    &indices,
                    &train_inputs,
                    &train_labels,
                    &batch_inputs,
                    &batch_labels,
                ],
            ),
            pipeline: gather.clone(),
            workgroups: (groups(b32, 64), 1),
        }];
        // A₁ = relu(X W₁ + b₁).
        forward_backward.push(Dispatch {
            bind_group: bind(
                hidden_forward,
                &[&hidden_shape, &theta_buffer, &batch_inputs, &hidden],
            ),
            pipeline: hidden_forward.clone(),
            workgroups: hidden_groups,
        });
        // Z = s (A₁ W₂ + b₂).
        forward_backward.push(product(
            Product {
                m: b32,
                n: c32,
                k: h32,
                a: (0, h32, 1),
                b: (3 * h32, c32, 1),
                c: (0, c32),
            },
            &hidden,
            &theta_buffer,
            &logits,
        ));
        forward_backward.push(Dispatch {
            bind_group: bind(
                logits_bias,
                &[
                    &uniform(
                        "logit shape",
                        &[b32, c32, 8 * h32, (scale as f32).to_bits()],
                    ),
                    &theta_buffer,
                    &logits,
                ],
            ),
            pipeline: logits_bias.clone(),
            workgroups: (groups(b32 * c32, 256), 1),
        });
        forward_backward.push(Dispatch {
            bind_group: bind(
                softmax,
                &[
                    &uniform("loss batch", &[b32, (scale as f32).to_bits()]),
                    &logits,
                    &batch_labels,
                    &delta,
                    &losses,
                    &correct,
                ],
            ),
            pipeline: softmax.clone(),
            workgroups: (groups(b32, 64), 1),
        });
        // A layer's weight and bias gradients from its input (rows × n_in) and
        // its deltas (rows × n_out): ∂W = inputᵀ δ, ∂b = 1ᵀ δ.
        let layer_gradients = |input: &wgpu::Buffer,
                               n_in: u32,
                               deltas: &wgpu::Buffer,
                               n_out: u32,
                               w_offset: u32,
                               b_offset: u32| {
            [
                product(
                    Product {
                        m: n_in,
                        n: n_out,
                        k: b32,
                        a: (0, 1, n_in),
                        b: (0, n_out, 1),
                        c: (w_offset, n_out),
                    },
                    input,
                    deltas,
                    &grad,
                ),
                product(
                    Product {
                        m: 1,
                        n: n_out,
                        k: b32,
                        a: (0, 0, 1),
                        b: (0, n_out, 1),
                        c: (b_offset, n_out),
                    },
                    &ones,
                    deltas,
                    &grad,
                ),
            ]
        };
        if !frozen {
            forward_backward.extend(layer_gradients(&hidden, h32, &delta, c32, 3 * h32, 8 * h32));
        }
        // D = (Δ W₂ᵀ) ⊙ [A₁ > 0].
        forward_backward.push(Dispatch {
            bind_group: bind(
                hidden_backward,
                &[&hidden_shape, &theta_buffer, &delta, &hidden, &hidden_delta],
            ),
            pipeline: hidden_backward.clone(),
            workgroups: hidden_groups,
        });
        forward_backward.extend(layer_gradients(
            &batch_inputs,
            2,
            &hidden_delta,
            h32,
            0,
            2 * h32,
        ));

        let update_uniform = uniform("update", &[0; 16]);
        let update = match optimizer {
            DeviceRule::Sgd { .. } => {
                let sgd = &kernels.sgd;
                Dispatch {
                    bind_group: bind(sgd, &[&update_uniform, &theta_buffer, &grad, &first]),
                    pipeline: sgd.clone(),
                    workgroups: (groups(params as u32, 256), 1),
                }
            }
            DeviceRule::Adam { .. } => {
                let adam = &kernels.adam;
                Dispatch {
                    bind_group: bind(
                        adam,
                        &[
                            &update_uniform,
                            &theta_buffer,
                            &grad,
                            &first,
                            &second,
                            &second_max,
                        ],
                    ),
                    pipeline: adam.clone(),
                    workgroups: (groups(params as u32, 256), 1),
                }
            }
        };

        let predict = &kernels.predict;
        let eval_set = |data: &Dataset, inputs: Option<(&wgpu::Buffer, &wgpu::Buffer)>| {
            let count = data.len() as u32;
            let (inputs, labels) = match inputs {
                Some((i, l)) => (i.clone(), l.clone()),
                None => (
                    filled("eval inputs", &points(data)),
                    filled("eval labels", &labels(data)),
                ),
            };
            let losses = storage("eval losses", data.len());
            let correct = storage("eval correct", data.len());
            let classes = storage("eval classes", data.len());
            let dims = uniform("eval points", &[count, h32, 1, (scale as f32).to_bits()]);
            EvalSet {
                count,
                dispatch: Dispatch {
                    bind_group: bind(
                        predict,
                        &[
                            &dims,
                            &theta_buffer,
                            &inputs,
                            &labels,
                            &classes,
                            &losses,
                            &correct,
                        ],
                    ),
                    pipeline: predict.clone(),
                    workgroups: (groups(count, 64), 1),
                },
                losses,
                correct,
            }
        };
        let train_set = eval_set(train, Some((&train_inputs, &train_labels)));
        let test_set = eval_set(test, None);
        Ok(Self {
            gpu: gpu.clone(),
            width: h32,
            batch: b32,
            params,
            scale: scale as f32,
            optimizer,
            steps_taken: 0,
            moments: [first, second, second_max],
            theta: theta_buffer,
            grad,
            indices,
            losses,
            update_uniform,
            forward_backward,
            update,
            train: train_set,
            test: test_set,
        })
    }

    /// Number of parameters.
    pub fn param_count(&self) -> usize {
        self.params
    }

    /// Rows per step.
    pub fn batch(&self) -> usize {
        self.batch as usize
    }

    fn run(&self, dispatches: &[&Dispatch]) {
        let mut encoder = self
            .gpu
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("step"),
            });
        {
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("step"),
                timestamp_writes: None,
            });
            for d in dispatches {
                pass.set_pipeline(&d.pipeline);
                pass.set_bind_group(0, &d.bind_group, &[]);
                pass.dispatch_workgroups(d.workgroups.0, d.workgroups.1, 1);
            }
        }
        self.gpu.queue.submit([encoder.finish()]);
    }

    fn set_batch(&self, rows: &[usize]) {
        let words: Vec<u32> = rows
            .iter()
            .take(self.batch as usize)
            .map(|&i| i as u32)
            .collect();
        if words.len() == self.batch as usize {
            self.gpu
                .queue
                .write_buffer(&self.indices, 0, bytemuck::cast_slice(&words));
        }
    }

    /// Queues one training step on `rows` (the mini-batch's sample indices;
    /// exactly `batch` of them) with learning rate `lr`. Nothing is read back.
    pub fn step(&mut self, rows: &[usize], lr: f64) {
        self.set_batch(rows);
        self.steps_taken += 1;
        let t = self.steps_taken;
        let words: Vec<u32> = match self.optimizer {
            DeviceRule::Sgd {
                momentum,
                dampening,
                nesterov,
                weight_decay,
            } => vec![
                self.params as u32,
                u32::from(t == 1),
                u32::from(nesterov),
                0,
                0,
                (lr as f32).to_bits(),
                (weight_decay as f32).to_bits(),
                (momentum as f32).to_bits(),
                (dampening as f32).to_bits(),
                0,
                0,
                0,
                0,
                0,
            ],
            DeviceRule::Adam {
                beta1,
                beta2,
                eps,
                weight_decay,
                decoupled,
                amsgrad,
            } => {
                let exponent = i32::try_from(t).unwrap_or(i32::MAX);
                let step_size = lr / (1.0 - beta1.powi(exponent));
                let correction2 = (1.0 - beta2.powi(exponent)).sqrt();
                vec![
                    self.params as u32,
                    u32::from(t == 1),
                    0,
                    u32::from(decoupled),
                    u32::from(amsgrad),
                    (lr as f32).to_bits(),
                    (weight_decay as f32).to_bits(),
                    0,
                    0,
                    (beta1 as f32).to_bits(),
                    (beta2 as f32).to_bits(),
                    (eps as f32).to_bits(),
                    (step_size as f32).to_bits(),
                    (correction2 as f32).to_bits(),
                ]
            }
        };
        self.gpu
            .queue
            .write_buffer(&self.update_uniform, 0, &words_to_bytes(&words));
        let mut dispatches: Vec<&Dispatch> = self.forward_backward.iter().collect();
        dispatches.push(&self.update);
        self.run(&dispatches);
    }

    /// The mean loss on `rows` and its gradient at the current parameters
    /// (one forward and backward pass, no update).
    pub async fn loss_and_gradient(&self, rows: &[usize]) -> Result<(f64, Vec<f32>), GpuError> {
        self.set_batch(rows);
        let dispatches: Vec<&Dispatch> = self.forward_backward.iter().collect();
        self.run(&dispatches);
        let grad = readback::request(&self.gpu, &self.grad, 0, self.params as u64);
        let losses = readback::request(&self.gpu, &self.losses, 0, u64::from(self.batch));
        let grad = grad.floats().await?;
        let losses = losses.floats().await?;
        let mean = losses.iter().map(|&l| f64::from(l)).sum::<f64>() / losses.len().max(1) as f64;
        Ok((mean, grad))
    }

    /// Asks for the optimizer's state behind the steps already queued: its
    /// step count and buffers, under `torch.optim`'s names.
    pub fn request_state(&self) -> StateRequest {
        let names = self.optimizer.buffers();
        StateRequest {
            step: self.steps_taken,
            reads: names
                .iter()
                .zip(&self.moments)
                .map(|(name, buffer)| {
                    (
                        *name,
                        readback::request(&self.gpu, buffer, 0, self.params as u64),
                    )
                })
                .collect(),
        }
    }

    /// Asks for the current parameters (behind the steps already queued).
    pub fn request_parameters(&self) -> Pending {
        readback::request(&self.gpu, &self.theta, 0, self.params as u64)
    }

    /// Asks for loss and accuracy on the training and the test set at the
    /// parameters the queued steps will have produced.
    pub fn request_evaluation(&self) -> EvalRequest {
        self.run(&[&self.train.dispatch, &self.test.dispatch]);
        let reads = [&self.train, &self.test].map(|set| {
            [&set.losses, &set.correct]
                .map(|b| readback::request(&self.gpu, b, 0, u64::from(set.count)))
        });
        EvalRequest {
            counts: [self.train.count, self.test.count],
            reads,
        }
    }

    /// Loss and accuracy on the training and the test set, now.
    pub async fn evaluate(&self) -> Result<(GpuEval, GpuEval), GpuError> {
        self.request_evaluation().finish().await
    }

    /// Asks for the predicted class at each point of a `size × size` grid
    /// over [−3, 3]² (top row first), computed on the GPU.
    pub fn request_grid(&self, size: usize) -> GridRequest {
        let device = &self.gpu.device;
        let points: Vec<f32> = crate::experiment::classifier::grid_points(size)
            .iter()
            .flatten()
            .map(|&v| v as f32)
            .collect();
        let count = (size * size) as u32;
        let make = |label: &str, words: usize, usage: wgpu::BufferUsages| {
            device.create_buffer(&wgpu::BufferDescriptor {
                label: Some(label),
                size: (words.max(1) * 4) as u64,
                usage,
                mapped_at_creation: false,
            })
        };
        let storage = wgpu::BufferUsages::STORAGE
            | wgpu::BufferUsages::COPY_DST
            | wgpu::BufferUsages::COPY_SRC;
        let inputs = make("grid inputs", points.len(), storage);
        self.gpu
            .queue
            .write_buffer(&inputs, 0, bytemuck::cast_slice(&points));
        let classes = make("grid classes", count as usize, storage);
        // Labels, losses and correctness are not used without labels, but are bound.
        let [no_labels, no_losses, no_correct] =
            ["no labels", "no losses", "no correct"].map(|l| make(l, 1, storage));
        let dims = make(
            "grid points",
            4,
            wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
        );
        self.gpu.queue.write_buffer(
            &dims,
            0,
            &words_to_bytes(&[count, self.width, 0, self.scale.to_bits()]),
        );
        let dispatch = Dispatch {
            bind_group: bind_group(
                device,
                &self.gpu.kernels.predict,
                &[
                    &dims,
                    &self.theta,
                    &inputs,
                    &no_labels,
                    &classes,
                    &no_losses,
                    &no_correct,
                ],
            ),
            pipeline: self.gpu.kernels.predict.clone(),
            workgroups: (groups(count, 64), 1),
        };
        self.run(&[&dispatch]);
        GridRequest(readback::request(&self.gpu, &classes, 0, u64::from(count)))
    }
}

/// Loss and accuracy being read back.
pub struct EvalRequest {
    counts: [u32; 2],
    reads: [[Pending; 2]; 2],
}

impl EvalRequest {
    /// (training set, test set), once computed.
    pub async fn finish(self) -> Result<(GpuEval, GpuEval), GpuError> {
        let mut evals = Vec::new();
        for (count, [losses, correct]) in self.counts.into_iter().zip(self.reads) {
            let n = f64::from(count.max(1));
            let sum = |values: Vec<f32>| values.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
            evals.push(GpuEval {
                loss: sum(losses.floats().await?),
                accuracy: sum(correct.floats().await?),
            });
        }
        Ok((evals[0], evals[1]))
    }
}

/// Decision regions being read back.
pub struct GridRequest(Pending);

impl GridRequest {
    /// The class at each grid point, top row first.
    pub async fn finish(self) -> Result<Vec<u8>, GpuError> {
        Ok(self.0.finish().await?.iter().map(|&c| c as u8).collect())
    }
}

/// The optimizer's state on its way back from the GPU.
pub struct StateRequest {
    step: u64,
    reads: Vec<(&'static str, Pending)>,
}

impl StateRequest {
    /// The state, once every buffer has been read.
    pub async fn finish(self) -> Result<RuleState, GpuError> {
        let mut buffers = Vec::with_capacity(self.reads.len());
        for (name, read) in self.reads {
            let values = read.floats().await?;
            buffers.push((
                name.to_string(),
                values.iter().map(|&v| f64::from(v)).collect(),
            ));
        }
        Ok(RuleState {
            step: self.step,
            buffers,
        })
    }
}
