//! The top of the curvature spectrum: Lanczos on exact Hessian-vector and
//! Gauss–Newton-vector products against power iteration and the dense
//! decomposition at p = 261 (the lecture's width-32 network).

use descent::data::PeaksData;
use descent::nn::spectrum::{
    dense_hessian, dense_top, lanczos_top, power_iteration, top_of_spectra,
};
use descent::nn::{
    ggn, hessian::hessian_times, Architecture, Classifier, Init, Mlp, Parametrization, Workspace,
};

fn network() -> (Classifier, Vec<f64>) {
    let data = PeaksData::generate(1, 250, 0.8);
    let mlp = Mlp::new(Architecture {
        width: 32,
        depth: 1,
        parametrization: Parametrization::Standard,
    });
    let theta = mlp.init(Init::PyTorch, 1);
    assert_eq!(theta.len(), 261);
    (Classifier::new(mlp, data.train), theta)
}

fn relative(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

#[test]
fn the_top_hessian_eigenvalue_agrees_three_ways() {
    let (classifier, theta) = network();
    let mut ws = Workspace::default();
    let dense = dense_top(dense_hessian(&classifier, &theta, &mut ws), 3);
    let mut times = |v: &[f64]| {
        hessian_times(
            &classifier.mlp,
            &theta,
            &classifier.data,
            v,
            &mut Workspace::default(),
        )
    };
    let lanczos = lanczos_top(&mut times, 261, 3, 60, 9);
    let power = power_iteration(&mut times, 261, 100_000, 1e-10);
    println!(
        "λ_max(H): dense {:.12e}, Lanczos {:.12e}, power {:.12e}",
        dense[0], lanczos[0], power
    );
    assert!(
        relative(lanczos[0], dense[0]) <= 1e-8,
        "{lanczos:?} vs {dense:?}"
    );
    assert!(relative(power, dense[0]) <= 1e-8, "{power} vs {dense:?}");
}

#[test]
fn the_top_gauss_newton_eigenvalues_agree_with_the_dense_matrix() {
    let (classifier, theta) = network();
    let mut ws = Workspace::default();
    let g = ggn::by_layers(
        &classifier.mlp,
        &theta,
        &classifier.data,
        &mut ws,
        &mut Default::default(),
    );
    let dense = dense_top(g.ggn, 3);
    let spectra = top_of_spectra(&classifier, &theta, 3, 0, &mut ws);
    println!("λ(G): dense {dense:?}, Lanczos {:?}", spectra.gauss_newton);
    assert!(relative(spectra.gauss_newton[0], dense[0]) <= 1e-8);
    // The Gauss–Newton matrix is positive semi-definite; the Hessian's top
    // eigenvalue is close to G's where the residuals are small, not in general.
    assert!(spectra.gauss_newton.iter().all(|&l| l >= -1e-12));
    assert_eq!(spectra.hessian.len(), 3);
    assert!(spectra.hessian.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn training_logs_the_top_of_both_spectra_where_the_spec_asks() {
    use descent::experiment::classifier::{train, ClassifierSpec};
    let spec = ClassifierSpec::from_json(
        r#"{"data": {"points": 250}, "optimizer": {"name": "sgd", "lr": 0.5},
            "iterations": 100, "batch_size": 200, "log_every": 10, "spectrum_every": 50, "seed": 3}"#,
    )
    .unwrap();
    let training = train(&spec, &|| 0.0).unwrap();
    let spectrum = &training.history.spectrum;
    assert_eq!(
        spectrum.iter().map(|e| e.iteration).collect::<Vec<_>>(),
        [0, 50, 100]
    );
    // The last entry is the spectrum at the final parameters.
    let data = PeaksData::generate(spec.data.0, spec.data.1, spec.data.2);
    let classifier = Classifier::new(Mlp::new(spec.architecture), data.train);
    let again = top_of_spectra(
        &classifier,
        &training.theta,
        3,
        100,
        &mut Workspace::default(),
    );
    assert_eq!(spectrum[2], again);
    let error = ClassifierSpec::from_json(r#"{"log_every": 10, "spectrum_every": 25}"#)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("spectrum_every") && error.contains("multiple of log_every"),
        "{error}"
    );
}
