//! Training the peaks classifier with every kind of optimizer, and its spec.
#![cfg(not(target_arch = "wasm32"))]

use descent::experiment::classifier::{train, ClassifierSpec, Training, GRID_SIZE};
use descent::optim::registry::{Family, OPTIMIZERS};
use serde_json::{json, Value};

fn run(spec: Value) -> Training {
    let spec = ClassifierSpec::from_value(&spec).unwrap_or_else(|e| panic!("{spec}: {e}"));
    train(&spec, &|| 0.0).unwrap()
}

fn small(optimizer: Value, iterations: usize) -> Value {
    json!({"data": {"seed": 1, "points": 300}, "model": {"width": 16}, "optimizer": optimizer,
           "iterations": iterations, "batch_size": 50, "log_every": iterations, "seed": 2})
}

fn improvement(training: &Training) -> (f64, f64) {
    let h = &training.history;
    (h.train_loss[0], *h.train_loss.last().unwrap())
}

#[test]
fn every_first_order_optimizer_of_the_registry_trains_the_network() {
    for entry in OPTIMIZERS.iter().filter(|o| o.family == Family::FirstOrder) {
        let lr = match entry.name {
            "adadelta" => 1.0,
            "gd" | "sgd" | "adagrad" => 0.1,
            "lion" | "signsgd" => 0.003,
            _ => 0.01,
        };
        let training = run(small(json!({"name": entry.name, "lr": lr}), 300));
        let (first, last) = improvement(&training);
        assert!(last < 0.8 * first, "{}: loss {first} → {last}", entry.name);
    }
}

#[test]
fn curvature_methods_train_the_network() {
    for (optimizer, iterations) in [
        (json!({"name": "gauss-newton-tr"}), 15),
        (json!({"name": "gauss-newton-tr", "matrix_free": true}), 15),
        (json!({"name": "natural-gradient"}), 15),
        (
            json!({"name": "natural-gradient", "empirical": true, "lr": 0.1}),
            15,
        ),
        (json!({"name": "kfac"}), 100),
        (json!({"name": "shampoo"}), 100),
        (json!({"name": "lbfgs"}), 50),
        (json!({"name": "svrg", "lr": 0.5, "inner_steps": 20}), 100),
        (json!({"name": "sag", "lr": 0.5}), 100),
        (
            json!({"name": "sgd", "lr": 0.5, "schedule": {"kind": "cosine", "t_max": 100}}),
            100,
        ),
    ] {
        let training = run(small(optimizer.clone(), iterations));
        let (first, last) = improvement(&training);
        assert!(last < 0.6 * first, "{optimizer}: loss {first} → {last}");
    }
}

#[test]
fn the_true_and_the_empirical_fisher_give_different_paths() {
    let true_fisher = run(small(json!({"name": "natural-gradient", "lr": 0.1}), 5));
    let empirical = run(small(
        json!({"name": "natural-gradient", "lr": 0.1, "empirical": true}),
        5,
    ));
    assert_ne!(true_fisher.theta, empirical.theta);
}

#[test]
fn history_counts_iterations_and_epochs_and_the_grid_covers_the_plane() {
    let spec = json!({"data": {"seed": 1, "points": 500, "train_fraction": 0.8}, "model": {"width": 8},
                      "optimizer": {"name": "sgd", "lr": 0.1}, "iterations": 100, "batch_size": 40, "log_every": 25});
    let training = run(spec);
    let h = &training.history;
    assert_eq!(h.iteration, vec![0, 25, 50, 75, 100]);
    // 400 training points, 40 per batch: ten iterations per epoch.
    assert_eq!(h.epoch, vec![0.0, 2.5, 5.0, 7.5, 10.0]);
    assert_eq!(training.grid.classes.len(), GRID_SIZE * GRID_SIZE);
    assert!(training.grid.classes.iter().all(|&c| c < 5));
    for series in [
        &h.train_loss,
        &h.test_loss,
        &h.train_accuracy,
        &h.test_accuracy,
        &h.grad_norm,
        &h.wall_ms,
    ] {
        assert_eq!(series.len(), 5);
    }
}

#[test]
fn the_same_seed_trains_the_same_network() {
    let a = run(small(json!({"name": "adam", "lr": 0.01}), 50));
    let b = run(small(json!({"name": "adam", "lr": 0.01}), 50));
    assert_eq!(a.theta, b.theta);
}

#[test]
fn a_bad_classifier_spec_names_every_field() {
    let bad = json!({"model": {"width": 1, "init": "zeros"}, "optimizer": {"name": "newton"}, "iterations": -1, "extra": 1});
    let err = ClassifierSpec::from_value(&bad).unwrap_err();
    let fields: Vec<&str> = err.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "extra",
            "model.width",
            "model.init",
            "optimizer.name",
            "iterations"
        ],
        "{err}"
    );
    assert!(
        err.to_string().contains(
            "'newton' needs the Hessian, which the peaks classifier does not offer (every 2D problem does)"
        ),
        "{err}"
    );
}

#[test]
fn matrix_free_gauss_newton_reports_its_cg_iterations() {
    let training = run(small(
        json!({"name": "gauss-newton-tr", "matrix_free": true, "cg_iterations": 7}),
        10,
    ));
    let cg = &training.history.cg_iterations;
    assert_eq!(cg.len(), 1);
    assert!((1..=7).contains(&cg[0]));
}

#[test]
fn training_in_slices_gives_exactly_the_same_network() {
    use descent::experiment::classifier::Session;
    for optimizer in [
        json!({"name": "sgd", "lr": 0.1, "momentum": 0.9}),
        json!({"name": "kfac"}),
        json!({"name": "gauss-newton-tr", "matrix_free": true}),
    ] {
        let spec = ClassifierSpec::from_value(&small(optimizer.clone(), 40)).unwrap();
        let whole = train(&spec, &|| 0.0).unwrap();
        let mut session = Session::new(&spec, 0.0).unwrap();
        while !session.finished() {
            session.advance(7, &|| 0.0);
        }
        assert_eq!(session.theta(), whole.theta.as_slice(), "{optimizer}");
        assert_eq!(session.history().train_loss, whole.history.train_loss);
    }
}

#[test]
fn every_registry_optimizer_the_classifier_meets_trains_it_and_the_others_are_refused() {
    for entry in OPTIMIZERS {
        let parsed = ClassifierSpec::from_value(&small(json!({"name": entry.name}), 5));
        assert_eq!(
            parsed.is_ok(),
            entry.trains_classifier(),
            "{}: {:?}",
            entry.name,
            parsed.as_ref().err()
        );
        match parsed {
            Ok(spec) => {
                let training = train(&spec, &|| 0.0).unwrap();
                assert_eq!(*training.history.iteration.last().unwrap(), 5);
                assert!(
                    training.history.train_loss.iter().all(|l| l.is_finite()),
                    "{}",
                    entry.name
                );
            }
            Err(e) => {
                let text = e.to_string();
                assert!(
                    text.contains("which the peaks classifier does not offer"),
                    "{}: {text}",
                    entry.name
                );
            }
        }
    }
}

/// The confusion matrices logged with each entry: their diagonal share is
/// the accuracy the log reports, they count every point once, and the
/// deeper network's reference pass counts the same way as the fused one.
#[test]
fn the_confusion_matrices_agree_with_the_logged_accuracies() {
    use descent::experiment::classifier::{train, ClassifierSpec};
    for model in [r#"{"width": 32}"#, r#"{"width": 12, "depth": 2}"#] {
        let spec = ClassifierSpec::from_json(&format!(
            r#"{{"model": {model}, "optimizer": {{"name": "adam", "lr": 0.01}},
                "iterations": 200, "batch_size": 100, "log_every": 50, "seed": 4}}"#
        ))
        .unwrap();
        let history = train(&spec, &|| 0.0).unwrap().history;
        let confusion = history
            .confusion
            .expect("the CPU counts the confusion matrices");
        assert_eq!(confusion.train.total() as usize, spec.train_points());
        assert_eq!(
            confusion.test.total() as usize,
            spec.data.1 - spec.train_points()
        );
        assert_eq!(
            confusion.train.accuracy(),
            *history.train_accuracy.last().unwrap()
        );
        assert_eq!(
            confusion.test.accuracy(),
            *history.test_accuracy.last().unwrap()
        );
        let recall = confusion.train.per_class_accuracy();
        assert!(recall.iter().all(|r| (0.0..=1.0).contains(r)), "{recall:?}");
    }
}
