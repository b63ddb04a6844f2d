//! Steps per second of every optimizer on Rosenbrock, and 10,000-step runs
//! of eight optimizers through the spec and runner (what `descent run` does).
//!
//! `cargo bench --bench optimizers`; README quotes the figures beside the
//! same loops in PyTorch (`tests/reference/bench_torch.py`).

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::collections::BTreeMap;
    use std::hint::black_box;

    use criterion::{BatchSize, Criterion, Throughput};
    use descent::experiment::landscape::run::run_spec;
    use descent::experiment::landscape::spec::Spec;
    use descent::optim::registry::{StepSize, OPTIMIZERS};
    use descent::optim::Oracle;
    use descent::problem::Rosenbrock;
    use serde_json::json;

    /// Steps taken per measured batch; optimizers are rebuilt between batches
    /// so that every batch walks the same part of the valley.
    const STEPS: u64 = 100;

    pub fn step(c: &mut Criterion) {
        let problem = Rosenbrock::new(1.0, 100.0);
        let mut group = c.benchmark_group("step");
        group.throughput(Throughput::Elements(STEPS));
        let rosenbrock = descent::problem::registry::find("rosenbrock").expect("registered");
        for entry in OPTIMIZERS
            .iter()
            .filter(|o| o.unmet_on(rosenbrock).is_none())
        {
            let lr = BTreeMap::from([("lr".to_string(), json!(1e-3))]);
            let params = if entry.has_lr() && entry.step_size != StepSize::Given {
                lr
            } else {
                BTreeMap::new()
            };
            let configured =
                descent::optim::registry::Configured::new(entry.name, &params, "bench")
                    .expect("valid");
            let rate = configured.lr().unwrap_or(f64::NAN);
            group.bench_function(entry.name, |b| {
                b.iter_batched(
                    || {
                        (
                            configured.build(2, "bench").expect("builds"),
                            vec![-1.2, 1.0],
                        )
                    },
                    |(mut optimizer, mut x)| {
                        let mut oracle = Oracle::exact(&problem);
                        for _ in 0..STEPS {
                            black_box(optimizer.step(&mut x, &mut oracle, rate));
                        }
                        x
                    },
                    BatchSize::SmallInput,
                );
            });
        }
        group.finish();
    }

    pub fn run_10k(c: &mut Criterion) {
        let spec = Spec::from_value(&json!({
        "problem": {"name": "rosenbrock"}, "start": [-1.2, 1.0], "steps": 10_000,
        "runs": [
            {"optimizer": "gd", "lr": 1e-3},
            {"optimizer": "sgd", "lr": 1e-3, "momentum": 0.9},
            {"optimizer": "sgd", "lr": 1e-3, "momentum": 0.9, "nesterov": true},
            {"optimizer": "adagrad", "lr": 0.1},
            {"optimizer": "rmsprop", "lr": 1e-3},
            {"optimizer": "adam", "lr": 1e-2},
            {"optimizer": "adamw", "lr": 1e-2},
            {"optimizer": "nadam", "lr": 1e-2}
        ]}))
        .expect("valid spec");
        let mut group = c.benchmark_group("run");
        group.throughput(Throughput::Elements(80_000));
        group.sample_size(20);
        group.bench_function("8 optimizers x 10000 steps", |b| {
            b.iter(|| black_box(run_spec(&spec).expect("runs")))
        });
        group.finish();
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let mut criterion = criterion::Criterion::default().configure_from_args();
    native::step(&mut criterion);
    native::run_10k(&mut criterion);
    criterion.final_summary();
}

#[cfg(target_arch = "wasm32")]
fn main() {}
