//! The top of the curvature spectrum: Lanczos on exact Hessian-vector and
//! Gauss–Newton-vector products against power iteration and the dense
//! decomposition at p = 261 (the lecture's width-32 network); the spectra of
//! K-FAC's, Shampoo's and the natural gradient's preconditioned curvature.

use descent::data::PeaksData;
use descent::nn::spectrum::{
    dense_hessian, dense_top, lanczos_top, power_iteration, top_of_spectra,
};
use descent::nn::{
    ggn, hessian::hessian_times, Architecture, Classifier, Init, Mlp, Parametrization, Workspace,
};
use descent::optim::{registry, Oracle, PreconditionerFactor};
use descent::problem::Objective;

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
    let spectra = top_of_spectra(&classifier, &theta, 3, 0, None, &mut ws);
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
        None,
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

/// The preconditioned methods, each with the factor R of its preconditioner
/// P = RRᵀ after one full-batch step from θ₀.
fn preconditioned_step(name: &str, params: &str) -> (Vec<f64>, Vec<f64>, PreconditionerFactor) {
    let (classifier, theta) = network();
    let params: std::collections::BTreeMap<String, serde_json::Value> =
        serde_json::from_str(params).unwrap();
    let mut optimizer = registry::build(name, &params, 261, "optimizer").unwrap();
    assert!(
        optimizer.preconditioner().is_none(),
        "{name}: no P before a step"
    );
    let mut next = theta.clone();
    let mut oracle = Oracle::exact(&classifier);
    optimizer.step(&mut next, &mut oracle, 0.5);
    let factor = optimizer
        .preconditioner()
        .expect("a preconditioner after a step");
    (theta, next, factor)
}

/// RᵀMR as a dense matrix, column by column (symmetrised against rounding).
fn congruence(m: &nalgebra::DMatrix<f64>, factor: &PreconditionerFactor) -> nalgebra::DMatrix<f64> {
    let p = m.nrows();
    let mut out = nalgebra::DMatrix::zeros(p, p);
    let mut unit = vec![0.0; p];
    for j in 0..p {
        unit[j] = 1.0;
        let mr = m * nalgebra::DVector::from_vec(factor.times(&unit));
        out.column_mut(j)
            .copy_from_slice(&factor.transpose_times(mr.as_slice()));
        unit[j] = 0.0;
    }
    (&out + out.transpose()) * 0.5
}

const PRECONDITIONED: [(&str, &str); 3] = [
    ("kfac", r#"{"damping": 0.01, "decay": 0.9}"#),
    ("shampoo", r#"{"epsilon": 1e-4}"#),
    ("natural-gradient", r#"{"damping": 1e-3}"#),
];

/// The factor each method hands out is the one its step used: the step
/// from θ₀ equals −α R Rᵀ ∇L(θ₀).
#[test]
fn each_preconditioner_reproduces_the_step_it_took() {
    let (classifier, _) = network();
    for (name, params) in PRECONDITIONED {
        let (theta, next, factor) = preconditioned_step(name, params);
        let mut gradient = vec![0.0; 261];
        classifier.gradient(&theta, &mut gradient);
        let direction = factor.precondition(&gradient);
        let scale = direction.iter().fold(0.0f64, |m, d| m.max(d.abs()));
        for ((before, after), d) in theta.iter().zip(&next).zip(&direction) {
            let taken = (before - after) / 0.5;
            assert!(
                (taken - d).abs() <= 1e-9 * scale,
                "{name}: step {taken} against P∇L {d}"
            );
        }
    }
}

/// Lanczos on RᵀCR gives the top of P C's spectrum: against the dense
/// decomposition of RᵀHR at p = 261 (to 10⁻⁶: K-FAC's top three lie within
/// 5 % of each other, which 40 Lanczos steps resolve to about 2·10⁻⁸), and,
/// for the natural gradient at the point where its P = (G + λI)⁻¹ was
/// built, exactly g₁/(g₁ + λ).
#[test]
fn the_preconditioned_spectrum_agrees_with_the_dense_one() {
    let (classifier, _) = network();
    let mut ws = Workspace::default();
    for (name, params) in PRECONDITIONED {
        let (theta, _, factor) = preconditioned_step(name, params);
        let spectra = top_of_spectra(&classifier, &theta, 3, 1, Some(&factor), &mut ws);
        let h = dense_hessian(&classifier, &theta, &mut ws);
        let dense = dense_top(congruence(&h, &factor), 3);
        println!(
            "{name}: λ(PH) dense {dense:?}, Lanczos {:?}; λ(PG) {:?}; λ(H) {:?}, λ(G) {:?}",
            spectra.preconditioned_hessian,
            spectra.preconditioned_gauss_newton,
            spectra.hessian,
            spectra.gauss_newton
        );
        assert!(
            relative(spectra.preconditioned_hessian[0], dense[0]) <= 1e-6,
            "{name}: {:?} vs {dense:?}",
            spectra.preconditioned_hessian
        );
        if name == "natural-gradient" {
            // P G = (G + λI)⁻¹ G has eigenvalues gᵢ/(gᵢ + λ): the dense RᵀGR
            // gives the top exactly; Lanczos, among many eigenvalues crowded
            // just under 1, finds it to 10⁻³.
            let g = ggn::by_layers(
                &classifier.mlp,
                &theta,
                &classifier.data,
                &mut ws,
                &mut Default::default(),
            )
            .ggn;
            let g1 = dense_top(g.clone(), 1)[0];
            let top = dense_top(congruence(&g, &factor), 1)[0];
            let exact = g1 / (g1 + 1e-3);
            assert!(relative(top, exact) <= 1e-8, "{top} vs {exact}");
            let lanczos = spectra.preconditioned_gauss_newton[0];
            assert!(
                lanczos <= exact + 1e-12 && lanczos >= exact - 1e-3,
                "{lanczos} vs {exact}"
            );
        }
    }
}
