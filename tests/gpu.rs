//! The GPU kernels against the CPU implementation, natively through wgpu (in
//! CI, Mesa's software Vulkan driver lavapipe, which `make test` installs):
//! loss, gradient, trajectories, evaluation and decision regions, at widths
//! 32, 257 (not a multiple of the tile) and 2048, in every parametrisation.
#![cfg(not(target_arch = "wasm32"))]

use descent::data::PeaksData;
use descent::experiment::classifier::{decision_grid, ClassifierSpec, Session};
use descent::gpu::{gpu_session, Gpu, GpuMlp};
use descent::nn::mlp::{Architecture, Mlp, Parametrization, Workspace};
use descent::optim::DeviceRule;
use pollster::block_on;

/// f32 against f64: the issue's tolerance.
const TOLERANCE: f64 = 1e-4;

fn gpu() -> Gpu {
    Gpu::blocking().expect("a GPU adapter (natively: install mesa-vulkan-drivers for lavapipe)")
}

fn relative(a: &[f64], b: &[f64]) -> f64 {
    let diff: f64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| (x - y).powi(2))
        .sum::<f64>()
        .sqrt();
    let norm: f64 = b.iter().map(|y| y * y).sum::<f64>().sqrt();
    diff / norm.max(1e-300)
}

fn spec(width: usize, parametrization: &str, optimizer: &str, batch: usize) -> ClassifierSpec {
    ClassifierSpec::from_json(&format!(
        r#"{{"data": {{"seed": 1}},
            "model": {{"width": {width}, "init": "pytorch", "parametrization": "{parametrization}"}},
            "optimizer": {optimizer},
            "iterations": 20, "batch_size": {batch}, "log_every": 1, "seed": 3}}"#
    ))
    .unwrap()
}

#[test]
fn loss_and_gradient_match_the_cpu() {
    let gpu = gpu();
    let data = PeaksData::generate(1, 1000, 0.8);
    let rows: Vec<usize> = (0..data.train.len()).collect();
    for (width, parametrization) in [
        (32, Parametrization::Standard),
        (257, Parametrization::Standard),
        (2048, Parametrization::Standard),
        (257, Parametrization::Ntk { output_scale: 1.0 }),
        (257, Parametrization::MeanField),
    ] {
        let arch = Architecture {
            width,
            depth: 1,
            parametrization,
        };
        let mlp = Mlp::new(arch);
        // The CPU computes in f64 from the same f32 parameters the GPU holds.
        let theta: Vec<f64> = mlp
            .init(descent::nn::mlp::Init::PyTorch, 5)
            .iter()
            .map(|&v| f64::from(v as f32))
            .collect();
        let mut cpu_grad = vec![0.0; theta.len()];
        let cpu = mlp.loss_and_gradient(
            &theta,
            &data.train.x,
            &data.train.labels,
            Some(&mut cpu_grad),
            &mut Workspace::default(),
        );
        let sgd = DeviceRule::Sgd {
            momentum: 0.0,
            dampening: 0.0,
            nesterov: false,
            weight_decay: 0.0,
        };
        let device =
            GpuMlp::new(&gpu, arch, &theta, &data.train, &data.test, rows.len(), sgd).unwrap();
        let (loss, grad) = block_on(device.loss_and_gradient(&rows)).unwrap();
        let grad: Vec<f64> = grad.iter().map(|&g| f64::from(g)).collect();
        let loss_error = (loss - cpu.loss).abs() / cpu.loss;
        let grad_error = relative(&grad, &cpu_grad);
        println!(
            "width {width} {parametrization:?}: loss {loss_error:.1e}, gradient {grad_error:.1e}"
        );
        assert!(
            loss_error < TOLERANCE,
            "width {width}: loss {loss} vs {}",
            cpu.loss
        );
        assert!(
            grad_error < TOLERANCE,
            "width {width}: gradient relative error {grad_error}"
        );
    }
}

/// Runs `spec` for 20 iterations on the CPU and on the GPU; compares the
/// training loss after every step and the final parameters.
fn compare_trajectories(gpu: &Gpu, spec: &ClassifierSpec) {
    let mut cpu = Session::new(spec, 0.0).unwrap();
    cpu.advance(20, &|| 0.0);
    let (mut device, _) = gpu_session(gpu, spec, 0.0).unwrap();
    let mut losses = Vec::new();
    for _ in 0..20 {
        device.step();
        losses.push(block_on(device.backend().mlp().evaluate()).unwrap().0.loss);
    }
    let cpu_losses = &cpu.history().train_loss[1..];
    let loss_error = relative(&losses, cpu_losses);
    let theta: Vec<f64> = block_on(device.backend().mlp().request_parameters().floats())
        .unwrap()
        .iter()
        .map(|&v| f64::from(v))
        .collect();
    let theta_error = relative(&theta, cpu.theta());
    println!(
        "{} width {}: losses {loss_error:.1e}, parameters {theta_error:.1e}",
        spec.optimizer_name(),
        spec.architecture.width
    );
    assert!(
        loss_error < TOLERANCE,
        "losses {losses:?} vs {cpu_losses:?}"
    );
    assert!(
        theta_error < TOLERANCE,
        "parameters differ by {theta_error}"
    );
    assert!(losses[19] < losses[0], "training did not reduce the loss");
}

#[test]
fn twenty_adam_steps_match_the_cpu() {
    let gpu = gpu();
    for width in [32, 257, 2048] {
        compare_trajectories(
            &gpu,
            &spec(width, "standard", r#"{"name": "adam", "lr": 0.01}"#, 800),
        );
    }
    compare_trajectories(
        &gpu,
        &spec(
            257,
            "ntk",
            r#"{"name": "adamw", "lr": 0.01, "weight_decay": 0.1}"#,
            800,
        ),
    );
}

#[test]
fn sgd_with_mini_batches_and_a_schedule_matches_the_cpu() {
    let gpu = gpu();
    compare_trajectories(
        &gpu,
        &spec(
            257,
            "standard",
            r#"{"name": "sgd", "lr": 0.2, "momentum": 0.9, "nesterov": true, "weight_decay": 1e-3,
                "schedule": {"kind": "cosine", "t_max": 20}}"#,
            100,
        ),
    );
    compare_trajectories(
        &gpu,
        &spec(
            32,
            "mean-field",
            r#"{"name": "sgd", "lr": 5.0, "momentum": 0.5, "dampening": 0.1}"#,
            64,
        ),
    );
}

#[test]
fn evaluation_and_decision_regions_match_the_cpu() {
    let gpu = gpu();
    let spec = spec(257, "standard", r#"{"name": "adam", "lr": 0.01}"#, 800);
    let mut cpu = Session::new(&spec, 0.0).unwrap();
    let (mut device, _) = gpu_session(&gpu, &spec, 0.0).unwrap();
    for _ in 0..10 {
        device.step();
    }
    cpu.advance(10, &|| 0.0);
    let (train, test) = block_on(device.backend().mlp().evaluate()).unwrap();
    let h = cpu.history();
    assert!((train.loss - h.train_loss[10]).abs() / h.train_loss[10] < TOLERANCE);
    assert!((test.loss - h.test_loss[10]).abs() / h.test_loss[10] < TOLERANCE);
    assert!((train.accuracy - h.train_accuracy[10]).abs() <= 2.0 / 800.0);
    assert!((test.accuracy - h.test_accuracy[10]).abs() <= 2.0 / 200.0);
    let regions = block_on(device.backend().mlp().request_grid(200).finish()).unwrap();
    let mlp = Mlp::new(spec.architecture);
    let reference = decision_grid(&mlp, cpu.theta(), 200, &mut Workspace::default());
    let differing = regions
        .iter()
        .zip(&reference.classes)
        .filter(|(a, b)| a != b)
        .count();
    println!("decision regions: {differing} of 40000 points differ");
    assert_eq!(regions.len(), 40_000);
    assert!(differing <= 40, "{differing} grid points differ");
}

/// A lost device loses nothing: N steps on the GPU, its parameters and
/// optimizer state (momenta, Adam's moments, the step count) read back, M
/// more on the CPU from that checkpoint, equal to M + N uninterrupted CPU
/// steps within f32 tolerance; without the state the curve would jump.
#[test]
fn a_run_moved_from_the_gpu_to_the_cpu_keeps_its_optimizer_state() {
    use descent::experiment::classifier::Checkpoint;
    let gpu = gpu();
    for optimizer in [
        r#"{"name": "adam", "lr": 0.01, "amsgrad": true}"#,
        r#"{"name": "sgd", "lr": 0.2, "momentum": 0.9, "nesterov": true}"#,
    ] {
        let spec = spec(257, "standard", optimizer, 100);
        let mut whole = Session::new(&spec, 0.0).unwrap();
        whole.advance(20, &|| 0.0);
        let (_, checkpoint) = descent::gpu::train_until(&gpu, &spec, 10, &|| 0.0).unwrap();
        assert_eq!(checkpoint.iteration, 10);
        let finish_on_cpu = |checkpoint: Checkpoint| {
            let mut cpu = Session::new(&spec, 0.0).unwrap();
            cpu.resume(checkpoint).unwrap();
            cpu.advance(10, &|| 0.0);
            assert_eq!(cpu.iteration(), 20);
            assert_eq!(cpu.history().iteration, whole.history().iteration);
            relative(cpu.theta(), whole.theta())
        };
        let kept = finish_on_cpu(checkpoint.clone());
        let dropped = finish_on_cpu(Checkpoint {
            state: None,
            ..checkpoint
        });
        println!("{optimizer}: with the state {kept:.1e}, without {dropped:.1e}");
        assert!(kept < TOLERANCE, "{optimizer}: parameters differ by {kept}");
        assert!(
            dropped > 10.0 * kept,
            "{optimizer}: dropping the state should show ({dropped} vs {kept})"
        );
    }
}
