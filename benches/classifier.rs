//! The peaks classifier's step costs: one full-batch Adam step (forward,
//! backward, update) at widths 32 and 8192, and one trust-region
//! Gauss–Newton step at width 32 (forward, Jacobians, G, factorisation, solve).
//!
//! `cargo bench --bench classifier`; `tests/reference/bench_classifier.py`
//! times the same steps in PyTorch and JAX.

#[cfg(not(target_arch = "wasm32"))]
mod common;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::hint::black_box;

    use super::common;
    use criterion::Criterion;
    use descent::data::PeaksData;
    use descent::nn::{Architecture, Classifier, Init, Mlp, Parametrization};
    use descent::optim::gauss_newton_tr::GaussNewtonTrustRegion;

    fn network(width: usize) -> (Mlp, Vec<f64>, PeaksData) {
        let mlp = Mlp::new(Architecture {
            width,
            depth: 1,
            parametrization: Parametrization::Standard,
        });
        let theta = mlp.init(Init::Xavier, 0);
        (mlp, theta, PeaksData::generate(0, 1000, 0.8))
    }

    pub fn adam_step(c: &mut Criterion) {
        let mut group = c.benchmark_group("classifier");
        for width in [32, 8192] {
            let (mlp, theta, data) = network(width);
            let mut step = common::cpu_adam_step(mlp, theta, data);
            if width > 1000 {
                group.sample_size(10);
            }
            group.bench_function(format!("adam step, width {width}, 800 points"), |b| {
                b.iter(|| black_box(step()))
            });
        }
        group.finish();
    }

    pub fn gauss_newton_step(c: &mut Criterion) {
        let (mlp, theta, data) = network(32);
        let model = Classifier::new(mlp, data.train);
        let mut group = c.benchmark_group("classifier");
        group.sample_size(20);
        group.bench_function("gauss-newton step, width 32, dense", |b| {
            b.iter(|| {
                let mut t = theta.clone();
                let mut method = GaussNewtonTrustRegion::new(1.0, None);
                black_box(method.step_dense(&mut t, &model))
            })
        });
        for width in [32, 2048] {
            let (mlp, theta, data) = network(width);
            let model = Classifier::new(mlp, data.train);
            group.bench_function(
                format!("gauss-newton step, width {width}, matrix-free (CG ≤ 10)"),
                |b| {
                    b.iter(|| {
                        let mut t = theta.clone();
                        let mut method = GaussNewtonTrustRegion::new(1.0, None);
                        black_box(method.step_matrix_free(&mut t, &model, 10, 1e-2))
                    })
                },
            );
        }
        group.finish();
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let mut criterion = criterion::Criterion::default().configure_from_args();
    native::adam_step(&mut criterion);
    native::gauss_newton_step(&mut criterion);
    criterion.final_summary();
}

#[cfg(target_arch = "wasm32")]
fn main() {}
