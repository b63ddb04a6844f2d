//! Backpropagation and the logit Jacobians of the MLP agree with central
//! finite differences, for every depth and parametrization.
#![cfg(not(target_arch = "wasm32"))]

use descent::data::PeaksData;
use descent::nn::{Architecture, Classifier, Init, Mlp, Parametrization, Workspace};
use descent::problem::Objective;

fn architectures() -> Vec<Architecture> {
    let mut all = Vec::new();
    for depth in 1..=3 {
        for parametrization in [
            Parametrization::Standard,
            Parametrization::Ntk { output_scale: 1.0 },
            Parametrization::MeanField,
        ] {
            all.push(Architecture {
                width: 7,
                depth,
                parametrization,
            });
        }
    }
    all
}

#[test]
fn gradient_matches_central_differences() {
    let data = PeaksData::generate(1, 40, 0.8);
    for arch in architectures() {
        let mlp = Mlp::new(arch);
        for init in [
            Init::Xavier,
            Init::He,
            Init::Orthogonal,
            Init::GlorotUniform,
        ] {
            // Biases start at 0, which puts units with all-zero inputs exactly on
            // ReLU's kink; move them off it so that differences are well defined.
            let mut theta = mlp.init(init, 9);
            for layer in &mlp.layers {
                for (k, b) in theta[layer.b..layer.b + layer.n_out].iter_mut().enumerate() {
                    *b = 0.01 * (k as f64 + 1.0);
                }
            }
            let classifier = Classifier::new(mlp.clone(), data.train.clone());
            let mut grad = vec![0.0; theta.len()];
            classifier.gradient(&theta, &mut grad);
            let frozen_from = if mlp.frozen_output {
                mlp.layers.last().unwrap().w
            } else {
                usize::MAX
            };
            for i in 0..theta.len().min(frozen_from) {
                let h = 1e-6;
                let (mut plus, mut minus) = (theta.clone(), theta.clone());
                plus[i] += h;
                minus[i] -= h;
                let numeric = (classifier.value(&plus) - classifier.value(&minus)) / (2.0 * h);
                assert!(
                    (grad[i] - numeric).abs() <= 1e-6 * grad[i].abs().max(1e-3),
                    "{arch:?} {init:?}: ∂{i} backprop {} numeric {numeric}",
                    grad[i]
                );
            }
            if arch.parametrization == Parametrization::MeanField {
                let out = mlp.layers.last().unwrap();
                assert!(
                    grad[out.w..].iter().all(|g| *g == 0.0),
                    "mean-field output layer is fixed"
                );
            }
        }
    }
}

#[test]
fn logit_jacobian_matches_central_differences() {
    for arch in architectures() {
        let mlp = Mlp::new(arch);
        let theta = mlp.init(Init::He, 4);
        let p = theta.len();
        let input = [0.7, -1.3];
        let mut ws = Workspace::default();
        let mut jacobian = vec![0.0; 5 * p];
        let probs = mlp.logit_jacobian(&theta, input, &mut ws, &mut jacobian);
        assert!((probs.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        let logits = |t: &[f64], ws: &mut Workspace| {
            mlp.forward(t, &[input], ws);
            mlp.logits(ws).to_vec()
        };
        for i in 0..p {
            let h = 1e-6;
            let (mut plus, mut minus) = (theta.clone(), theta.clone());
            plus[i] += h;
            minus[i] -= h;
            let (up, down) = (logits(&plus, &mut ws), logits(&minus, &mut ws));
            for c in 0..5 {
                let numeric = (up[c] - down[c]) / (2.0 * h);
                let analytic = jacobian[c * p + i];
                let frozen = mlp.frozen_output && i >= mlp.layers.last().unwrap().w;
                let expected = if frozen { 0.0 } else { numeric };
                assert!(
                    (analytic - expected).abs() <= 1e-6 * analytic.abs().max(1e-3),
                    "{arch:?}: ∂logit{c}/∂θ{i} = {analytic}, numeric {expected}"
                );
            }
        }
    }
}

#[test]
fn dense_ggn_equals_the_sum_of_per_sample_jacobian_products() {
    use descent::nn::ggn;
    use nalgebra::DMatrix;
    let data = PeaksData::generate(2, 30, 0.8);
    let mlp = Mlp::new(Architecture {
        width: 6,
        depth: 2,
        parametrization: Parametrization::Standard,
    });
    let theta = mlp.init(Init::Xavier, 1);
    let p = theta.len();
    let mut ws = Workspace::default();
    let curvature = ggn::dense(&mlp, &theta, &data.train, false, &mut ws);
    let mut expected = DMatrix::<f64>::zeros(p, p);
    let mut jacobian = vec![0.0; 5 * p];
    for &x in &data.train.x {
        let probs = mlp.logit_jacobian(&theta, x, &mut ws, &mut jacobian);
        let j = DMatrix::from_row_slice(5, p, &jacobian);
        let pv = nalgebra::DVector::from_row_slice(&probs);
        let h = DMatrix::from_diagonal(&pv) - &pv * pv.transpose();
        expected += j.transpose() * h * j;
    }
    expected /= data.train.len() as f64;
    assert!((&curvature.ggn - &expected).norm() < 1e-12 * expected.norm());
    let classifier = Classifier::new(mlp.clone(), data.train.clone());
    let mut grad = vec![0.0; p];
    classifier.gradient(&theta, &mut grad);
    for (a, b) in grad.iter().zip(&curvature.gradient) {
        assert!((a - b).abs() < 1e-12);
    }
    assert!((classifier.value(&theta) - curvature.loss).abs() < 1e-12);
}

#[test]
fn the_layered_ggn_equals_the_dense_reference() {
    use descent::nn::ggn;
    let data = PeaksData::generate(4, 60, 0.8);
    for arch in architectures() {
        let mlp = Mlp::new(arch);
        let theta = mlp.init(Init::PyTorch, 3);
        let mut ws = Workspace::default();
        let reference = ggn::dense(&mlp, &theta, &data.train, false, &mut ws);
        let layered = ggn::by_layers(&mlp, &theta, &data.train, &mut ws, &mut Default::default());
        let gap = (&layered.ggn - &reference.ggn).norm();
        assert!(
            gap <= 1e-12 * reference.ggn.norm(),
            "{arch:?}: ‖G_layered − G‖ = {gap:e}"
        );
        assert!((layered.loss - reference.loss).abs() <= 1e-12);
        assert!(layered
            .gradient
            .iter()
            .zip(&reference.gradient)
            .all(|(a, b)| (a - b).abs() <= 1e-12));
    }
}

#[test]
fn matrix_free_ggn_products_equal_the_dense_matrix_times_the_vector() {
    use descent::nn::ggn;
    use descent::problem::GaussNewtonProducts;
    let data = PeaksData::generate(3, 40, 0.8);
    for arch in architectures() {
        let mlp = Mlp::new(arch);
        let theta = mlp.init(Init::PyTorch, 5);
        let p = theta.len();
        let mut ws = Workspace::default();
        let dense = ggn::dense(&mlp, &theta, &data.train, false, &mut ws);
        let operator = Classifier::new(mlp.clone(), data.train.clone());
        let (loss, gradient) = operator.linearize(&theta);
        assert!((loss - dense.loss).abs() < 1e-12);
        assert!(gradient
            .iter()
            .zip(&dense.gradient)
            .all(|(a, b)| (a - b).abs() < 1e-12));
        let v: Vec<f64> = (0..p).map(|i| ((i * 37 % 11) as f64 - 5.0) / 7.0).collect();
        let product = operator.ggn_times(&v);
        let expected = &dense.ggn * nalgebra::DVector::from_vec(v);
        for (i, (a, b)) in product.iter().zip(expected.iter()).enumerate() {
            assert!(
                (a - b).abs() <= 1e-10 * b.abs().max(1.0),
                "{arch:?}: (Gv)[{i}] = {a}, dense {b}"
            );
        }
    }
}

/// The fused one-hidden-layer pass equals the readable reference: loss,
/// accuracy and gradient to 1e-12 relative, at widths on and off its lane
/// and block sizes, in every parametrisation, full batch and mini-batch.
#[test]
fn the_fused_pass_equals_the_reference() {
    use descent::nn::fused;
    let data = PeaksData::generate(2, 300, 0.8);
    for width in [2, 8, 37, 257, 2048] {
        for parametrization in [
            Parametrization::Standard,
            Parametrization::Ntk { output_scale: 0.5 },
            Parametrization::MeanField,
        ] {
            let mlp = Mlp::new(Architecture {
                width,
                depth: 1,
                parametrization,
            });
            assert!(fused::applies(&mlp));
            let theta = mlp.init(Init::PyTorch, 3);
            for rows in [1, 13, data.train.len()] {
                let (x, labels) = (&data.train.x[..rows], &data.train.labels[..rows]);
                let mut reference = vec![0.0; theta.len()];
                let mut fast = vec![1.0; theta.len()];
                let a = mlp.loss_and_gradient(
                    &theta,
                    x,
                    labels,
                    Some(&mut reference),
                    &mut Workspace::default(),
                );
                let b = mlp.loss_and_gradient_fast(
                    &theta,
                    x,
                    labels,
                    Some(&mut fast),
                    &mut Workspace::default(),
                );
                assert!(
                    (a.loss - b.loss).abs() <= 1e-12 * a.loss.abs(),
                    "width {width}: {} vs {}",
                    a.loss,
                    b.loss
                );
                assert_eq!(a.accuracy, b.accuracy);
                let diff: f64 = reference
                    .iter()
                    .zip(&fast)
                    .map(|(p, q)| (p - q).powi(2))
                    .sum::<f64>()
                    .sqrt();
                let norm: f64 = reference.iter().map(|p| p * p).sum::<f64>().sqrt();
                assert!(
                    diff <= 1e-12 * norm,
                    "width {width} {parametrization:?} rows {rows}: {diff} of {norm}"
                );
            }
        }
    }
    let deep = Mlp::new(Architecture {
        width: 8,
        depth: 2,
        parametrization: Parametrization::Standard,
    });
    assert!(!fused::applies(&deep));
}

/// In `f32` the fused pass agrees with the `f64` reference within single
/// precision's rounding: the loss and the gradient to 1e-5 relative (measured
/// worst 1.0e-6 and 2.7e-7, printed with --nocapture), at widths 8 to 8192.
#[test]
fn the_f32_pass_agrees_with_the_f64_reference_within_single_precision() {
    use descent::nn::Precision;
    let data = PeaksData::generate(2, 1000, 0.8);
    let (x, labels) = (&data.train.x, &data.train.labels);
    let mut worst: (f64, f64) = (0.0, 0.0);
    for width in [8, 37, 2048, 8192] {
        for parametrization in [
            Parametrization::Standard,
            Parametrization::Ntk { output_scale: 0.5 },
        ] {
            let arch = Architecture {
                width,
                depth: 1,
                parametrization,
            };
            let reference_net = Mlp::new(arch);
            let single = Mlp::new(arch).with_precision(Precision::F32);
            let theta = reference_net.init(Init::PyTorch, 4);
            let mut reference = vec![0.0; theta.len()];
            let mut approx = vec![0.0; theta.len()];
            let mut ws = Workspace::default();
            let a =
                reference_net.loss_and_gradient(&theta, x, labels, Some(&mut reference), &mut ws);
            let b = single.loss_and_gradient_fast(&theta, x, labels, Some(&mut approx), &mut ws);
            let loss_error = (a.loss - b.loss).abs() / a.loss.abs();
            let diff: f64 = reference
                .iter()
                .zip(&approx)
                .map(|(p, q)| (p - q).powi(2))
                .sum::<f64>()
                .sqrt();
            let norm: f64 = reference.iter().map(|p| p * p).sum::<f64>().sqrt();
            let gradient_error = diff / norm;
            worst = (worst.0.max(loss_error), worst.1.max(gradient_error));
            assert!(
                loss_error <= 1e-5,
                "width {width}: loss off by {loss_error:e}"
            );
            assert!(
                gradient_error <= 1e-5,
                "width {width} {parametrization:?}: gradient off by {gradient_error:e}"
            );
        }
    }
    println!(
        "f32 against f64: loss {:.1e}, gradient {:.1e} relative (worst)",
        worst.0, worst.1
    );
}

/// Training in `f32` ends where training in `f64` does, within single
/// precision's drift: Adam at width 32, 300 full-batch steps.
#[test]
fn f32_training_follows_f64_training() {
    use descent::experiment::classifier::{train, ClassifierSpec};
    let run = |precision: &str| {
        let spec = ClassifierSpec::from_json(&format!(
            r#"{{"model": {{"width": 32, "precision": "{precision}"}},
                "optimizer": {{"name": "adam", "lr": 0.01}}, "iterations": 300,
                "log_every": 300, "seed": 2}}"#
        ))
        .unwrap();
        train(&spec, &|| 0.0).unwrap().history
    };
    let (double, single) = (run("f64"), run("f32"));
    let last = |h: &descent::experiment::classifier::TrainingHistory| {
        (
            *h.train_loss.last().unwrap(),
            *h.train_accuracy.last().unwrap(),
        )
    };
    let ((loss64, accuracy64), (loss32, accuracy32)) = (last(&double), last(&single));
    assert!(
        (loss64 - loss32).abs() <= 1e-3 * loss64,
        "{loss64} vs {loss32}"
    );
    assert!(
        (accuracy64 - accuracy32).abs() <= 0.01,
        "{accuracy64} vs {accuracy32}"
    );
}

#[test]
fn f32_is_refused_for_deeper_networks_with_the_reason() {
    use descent::experiment::classifier::ClassifierSpec;
    let error = ClassifierSpec::from_json(r#"{"model": {"depth": 2, "precision": "f32"}}"#)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("model.precision") && error.contains("depth must be 1"),
        "{error}"
    );
    let error = ClassifierSpec::from_json(r#"{"model": {"precision": "f16"}}"#)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("precision") && error.contains("f32"),
        "{error}"
    );
}

/// The exact Hessian-vector product agrees with central differences of the
/// gradient and is symmetric (uᵀHv = vᵀHu), for every depth and parametrisation.
#[test]
fn hessian_vector_products_match_differences_of_the_gradient() {
    use descent::nn::hessian::hessian_times;
    let data = PeaksData::generate(5, 60, 0.8);
    for arch in architectures() {
        let mlp = Mlp::new(arch);
        let theta = mlp.init(Init::PyTorch, 7);
        let p = theta.len();
        let classifier = Classifier::new(mlp.clone(), data.train.clone());
        let mut ws = Workspace::default();
        // A frozen output layer is not a direction of the trained parameters.
        let trained = |i: usize| !(mlp.frozen_output && i >= mlp.layers.last().unwrap().w);
        let direction = |a: usize, b: usize, c: f64, d: f64| -> Vec<f64> {
            (0..p)
                .map(|i| {
                    if trained(i) {
                        ((i * a % b) as f64 - c) / d
                    } else {
                        0.0
                    }
                })
                .collect()
        };
        let (v, u) = (direction(29, 13, 6.0, 9.0), direction(17, 7, 3.0, 5.0));
        let hv = hessian_times(&mlp, &theta, &data.train, &v, &mut ws);
        let hu = hessian_times(&mlp, &theta, &data.train, &u, &mut ws);
        let eps = 1e-6;
        let shifted = |sign: f64| {
            let point: Vec<f64> = theta
                .iter()
                .zip(&v)
                .map(|(t, d)| t + sign * eps * d)
                .collect();
            let mut g = vec![0.0; p];
            classifier.gradient(&point, &mut g);
            g
        };
        let (plus, minus) = (shifted(1.0), shifted(-1.0));
        let numeric: Vec<f64> = plus
            .iter()
            .zip(&minus)
            .map(|(a, b)| (a - b) / (2.0 * eps))
            .collect();
        let norm = numeric.iter().map(|x| x * x).sum::<f64>().sqrt();
        let gap = hv
            .iter()
            .zip(&numeric)
            .map(|(a, b)| (a - b).powi(2))
            .sum::<f64>()
            .sqrt();
        assert!(
            gap <= 1e-6 * norm.max(1e-3),
            "{arch:?}: ‖Hv − FD‖ = {gap:e} of {norm:e}"
        );
        let (uhv, vhu): (f64, f64) = (
            u.iter().zip(&hv).map(|(a, b)| a * b).sum(),
            v.iter().zip(&hu).map(|(a, b)| a * b).sum(),
        );
        assert!(
            (uhv - vhu).abs() <= 1e-12 * uhv.abs().max(1.0),
            "{arch:?}: {uhv} vs {vhu}"
        );
    }
}
