//! Full-batch Adam steps of the peaks classifier per second, on the CPU (one
//! thread, f64) and on the GPU (wgpu, f32), at widths 32, 512, 8192 and 16384.
//!
//! `cargo bench --bench gpu`. The GPU figure is throughput: many steps are
//! queued and the device is waited on once, as the page runs them. Natively
//! the GPU is whatever wgpu finds (lavapipe on a machine without one); the
//! first line printed names it.

#[cfg(not(target_arch = "wasm32"))]
mod common;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::hint::black_box;
    use std::time::{Duration, Instant};

    use super::common;
    use criterion::Criterion;
    use descent::data::PeaksData;
    use descent::gpu::{Gpu, GpuMlp};
    use descent::nn::{Architecture, Init, Mlp, Parametrization};
    use descent::optim::DeviceRule;

    const WIDTHS: [usize; 4] = [32, 512, 8192, 16384];

    fn network(width: usize) -> (Architecture, Mlp, Vec<f64>, PeaksData) {
        let arch = Architecture {
            width,
            depth: 1,
            parametrization: Parametrization::Standard,
        };
        let mlp = Mlp::new(arch);
        let theta = mlp.init(Init::PyTorch, 0);
        (arch, mlp, theta, PeaksData::generate(1, 1000, 0.8))
    }

    pub fn cpu(c: &mut Criterion) {
        let mut group = c.benchmark_group("adam step, 800 points, cpu");
        for width in WIDTHS {
            let (_, mlp, theta, data) = network(width);
            let mut step = common::cpu_adam_step(mlp, theta, data);
            group.sample_size(if width > 1000 { 10 } else { 50 });
            group.bench_function(format!("width {width}"), |b| b.iter(|| black_box(step())));
        }
        group.finish();
    }

    pub fn gpu(c: &mut Criterion) {
        let gpu = match Gpu::blocking() {
            Ok(gpu) => gpu,
            Err(e) => {
                eprintln!("no GPU benchmark: {e}");
                return;
            }
        };
        println!("GPU: {}", gpu.describe());
        let mut group = c.benchmark_group("adam step, 800 points, gpu");
        for width in WIDTHS {
            let (arch, _, theta, data) = network(width);
            let adam = DeviceRule::Adam {
                beta1: 0.9,
                beta2: 0.999,
                eps: 1e-8,
                weight_decay: 0.0,
                decoupled: false,
                amsgrad: false,
            };
            let rows: Vec<usize> = (0..data.train.len()).collect();
            let mut mlp = match GpuMlp::new(
                &gpu,
                arch,
                &theta,
                &data.train,
                &data.test,
                rows.len(),
                adam,
            ) {
                Ok(mlp) => mlp,
                Err(e) => {
                    eprintln!("width {width}: {e}");
                    continue;
                }
            };
            group.sample_size(10);
            group.bench_function(format!("width {width}"), |b| {
                b.iter_custom(|iterations| {
                    let start = Instant::now();
                    for _ in 0..iterations {
                        mlp.step(&rows, 1e-3);
                    }
                    if gpu.wait().is_err() {
                        return Duration::MAX;
                    }
                    start.elapsed()
                })
            });
        }
        group.finish();
    }
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_group!(benches, native::cpu, native::gpu);
#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(benches);

#[cfg(target_arch = "wasm32")]
fn main() {}
