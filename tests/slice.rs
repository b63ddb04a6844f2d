//! The loss slice: its centre is the reference point, projections report
//! exact distances from the plane, and each kind of direction is what it says.

use descent::data::PeaksData;
use descent::nn::slice::{filter_normalised, plane, profile, sample, Directions, Plane};
use descent::nn::{Classifier, Mlp};
use descent::problem::{GaussNewtonProducts, Objective};

fn trained() -> (Classifier, Vec<f64>, Vec<f64>) {
    use descent::experiment::classifier::{train, ClassifierSpec};
    let spec = ClassifierSpec::from_json(
        r#"{"data": {"points": 300}, "optimizer": {"name": "adam", "lr": 0.02},
            "iterations": 150, "batch_size": 240, "log_every": 150, "seed": 2}"#,
    )
    .unwrap();
    let data = PeaksData::generate(spec.data.0, spec.data.1, spec.data.2);
    let mlp = Mlp::new(spec.architecture);
    let initial = mlp.init(spec.init, spec.seed);
    let theta = train(&spec, &|| 0.0).unwrap().theta;
    (Classifier::new(mlp, data.train), initial, theta)
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[test]
fn the_slice_centre_is_the_reference_point() {
    let (classifier, initial, theta) = trained();
    for (_, kind) in Directions::ALL {
        let plane = plane(&classifier, &theta, &initial, kind, 3);
        let slice = sample(&classifier, &plane, 0.5, 11);
        assert_eq!(slice.size, 11);
        assert_eq!(slice.coordinate(5), 0.0);
        assert_eq!(slice.at(5, 5), classifier.value(&theta), "{kind:?}");
        assert!(slice.losses.iter().all(|l| l.is_finite()));
    }
}

#[test]
fn a_projected_point_reports_its_exact_distance_from_the_plane() {
    let p = 40;
    let vector = |a: usize, b: usize| -> Vec<f64> {
        (0..p)
            .map(|i| ((i * a % b) as f64 - b as f64 / 2.0) / 3.0)
            .collect()
    };
    let plane = Plane {
        center: vector(7, 11),
        d1: vector(5, 13),
        d2: vector(3, 17),
    };
    // An offset orthogonal to both directions (Gram–Schmidt).
    let mut e = vector(11, 19);
    let (g11, g12, g22) = (
        dot(&plane.d1, &plane.d1),
        dot(&plane.d1, &plane.d2),
        dot(&plane.d2, &plane.d2),
    );
    let (b1, b2) = (dot(&plane.d1, &e), dot(&plane.d2, &e));
    let det = g11 * g22 - g12 * g12;
    let (x, y) = ((g22 * b1 - g12 * b2) / det, (g11 * b2 - g12 * b1) / det);
    for ((ei, a), b) in e.iter_mut().zip(&plane.d1).zip(&plane.d2) {
        *ei -= x * a + y * b;
    }
    let distance = dot(&e, &e).sqrt();
    let theta: Vec<f64> = plane
        .point(0.7, -1.3)
        .iter()
        .zip(&e)
        .map(|(a, b)| a + b)
        .collect();
    let projection = plane.project(&theta);
    assert!((projection.alpha - 0.7).abs() < 1e-12, "{projection:?}");
    assert!((projection.beta + 1.3).abs() < 1e-12, "{projection:?}");
    assert!(
        (projection.off_plane - distance).abs() < 1e-12 * distance,
        "{projection:?} vs {distance}"
    );
    assert!(plane.project(&plane.point(2.0, 3.0)).off_plane < 1e-12);
}

#[test]
fn each_kind_of_direction_is_what_it_says() {
    let (classifier, initial, theta) = trained();
    let mlp = &classifier.mlp;
    // Filter-normalised: each unit's incoming weights have that unit's norm in θ; biases 0.
    let d = filter_normalised(mlp, &theta, 5);
    for layer in &mlp.layers {
        for o in 0..layer.n_out {
            let norm = |v: &[f64]| {
                (0..layer.n_in)
                    .map(|i| v[layer.w + i * layer.n_out + o].powi(2))
                    .sum::<f64>()
                    .sqrt()
            };
            assert!((norm(&d) - norm(&theta)).abs() <= 1e-12 * norm(&theta));
        }
        assert!(d[layer.b..layer.b + layer.n_out].iter().all(|&b| b == 0.0));
    }
    // Gauss–Newton: the directions are eigenvectors of G.
    let gn = plane(&classifier, &theta, &initial, Directions::GaussNewton, 1);
    classifier.linearize(&theta);
    for direction in [&gn.d1, &gn.d2] {
        let gd = classifier.ggn_times(direction);
        let lambda = dot(&gd, direction) / dot(direction, direction);
        let residual = gd
            .iter()
            .zip(direction.iter())
            .map(|(a, b)| (a - lambda * b).powi(2))
            .sum::<f64>()
            .sqrt();
        assert!(
            residual <= 1e-6 * lambda * dot(direction, direction).sqrt(),
            "residual {residual}"
        );
    }
    // Initial to reference: the initial parameters sit at α = −1 on the plane.
    let line = plane(
        &classifier,
        &theta,
        &initial,
        Directions::InitialToReference,
        1,
    );
    let at = line.project(&initial);
    assert!(
        (at.alpha + 1.0).abs() < 1e-12 && at.beta.abs() < 1e-12 && at.off_plane < 1e-9,
        "{at:?}"
    );
    assert!(dot(&line.d1, &line.d2).abs() < 1e-9 * dot(&line.d1, &line.d1));
    // The profile passes through both ends.
    let ends = profile(&classifier, &initial, &theta, 7);
    assert_eq!(ends.len(), 7);
    let at_one = ends.iter().find(|[t, _]| (*t - 1.0).abs() < 1e-12).unwrap();
    assert!((at_one[1] - classifier.value(&theta)).abs() < 1e-12);
}

/// The page's job: the coarse slice first, then the fine one, then nothing;
/// a network too wide to re-train in the page, or a bad option, is refused
/// with the reason.
#[test]
fn the_page_job_posts_a_coarse_then_a_fine_slice_or_says_why_not() {
    use descent::web::inside_job::{InsideJob, COARSE_SIZE, FINE_SIZE};
    let spec = serde_json::json!({"data": {"points": 200}, "model": {"width": 8},
        "optimizer": {"name": "sgd", "lr": 0.3}, "iterations": 40, "batch_size": 50, "log_every": 10});
    let wide = serde_json::json!({"model": {"width": 8192}, "iterations": 10});
    let mut job = InsideJob::new(7, &[spec.clone(), wide.clone()], "hessian", 0.5, 0);
    let coarse = job.advance(&|| 0.0).expect("a coarse slice");
    assert!(coarse.coarse && coarse.error.is_none() && coarse.generation == 7);
    let view = coarse.view.as_ref().unwrap();
    assert_eq!(view.slice.size, COARSE_SIZE);
    assert_eq!(view.left_out, [1], "the wide panel is another network");
    assert_eq!(coarse.spectrum.last().unwrap().iteration, 40);
    assert!(coarse.edge.is_some());
    let fine = job.advance(&|| 0.0).expect("the fine slice");
    assert!(!fine.coarse);
    let view = fine.view.unwrap();
    assert_eq!(view.slice.size, FINE_SIZE);
    // A window as wide as the path's farthest point holds all of it; a
    // narrower one does not (the page says so).
    let farthest = view.paths[0]
        .points
        .iter()
        .map(|q| q.alpha.abs().max(q.beta.abs()))
        .fold(0.0, f64::max);
    let mut window = view.clone();
    window.slice.extent = farthest;
    assert!(window.leaving().is_empty());
    window.slice.extent = 0.9 * farthest;
    assert_eq!(window.leaving(), [0]);
    assert!(job.done() && job.advance(&|| 0.0).is_none());
    for (specs, directions, reference, expected) in [
        (vec![wide], "hessian", 0, "up to 20000"),
        (
            vec![spec.clone()],
            "sideways",
            0,
            "'sideways' is not a kind of direction",
        ),
        (vec![spec], "hessian", 3, "panel 4 does not exist"),
    ] {
        let mut job = InsideJob::new(1, &specs, directions, 1.0, reference);
        let answer = job.advance(&|| 0.0).unwrap();
        assert!(
            answer.error.as_deref().unwrap_or("").contains(expected),
            "{answer:?}"
        );
        assert!(job.done());
    }
}
