//! The lecture's accuracy table on the peaks data, reproduced from the
//! committed presets: each row within two points of the lecture's figures.
#![cfg(not(target_arch = "wasm32"))]

use descent::experiment::classifier::{train, ClassifierSpec, Training};

fn run(preset: &str) -> Training {
    let spec = ClassifierSpec::from_json(preset).expect("presets are valid");
    train(&spec, &|| 0.0).expect("presets train")
}

fn assert_row(name: &str, training: &Training, lecture_train: f64, lecture_test: f64) {
    let h = &training.history;
    let (train, test) = (
        100.0 * h.train_accuracy.last().unwrap(),
        100.0 * h.test_accuracy.last().unwrap(),
    );
    println!("{name}: train {train:.2} % (lecture {lecture_train}), test {test:.2} % (lecture {lecture_test})");
    assert!(
        (train - lecture_train).abs() <= 2.0 || train > lecture_train,
        "{name}: train {train:.2} %"
    );
    assert!(
        (test - lecture_test).abs() <= 2.0 || test > lecture_test,
        "{name}: test {test:.2} %"
    );
}

#[test]
fn gauss_newton_width_32() {
    let training = run(include_str!("../presets/peaks-gauss-newton-32.json"));
    assert_eq!(training.parameters, 261);
    assert_row("Gauss–Newton, width 32", &training, 93.87, 91.50);
}

#[test]
fn vanilla_sgd_width_32() {
    let training = run(include_str!("../presets/peaks-sgd-32.json"));
    assert_row("SGD, width 32", &training, 79.75, 81.50);
}

#[test]
#[ignore = "slow on a CPU: about three minutes in release mode (cargo test --release --test lecture_table -- --ignored)"]
fn sgd_width_8192() {
    let training = run(include_str!("../presets/peaks-sgd-8192.json"));
    assert_row("SGD, width 8192", &training, 98.87, 92.00);
}
