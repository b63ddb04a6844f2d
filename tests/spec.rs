//! The experiment spec: defaults, round trips, and errors that list every bad field.
#![cfg(not(target_arch = "wasm32"))]

use descent::experiment::landscape::spec::{Spec, DEFAULT_STEPS};
use descent::optim::Noise;
use proptest::prelude::*;
use serde_json::{json, Value};

const ISSUE_EXAMPLE: &str = r#"{"problem": {"name": "rosenbrock", "a": 1, "b": 100},
 "start": [-1.5, 2.0], "steps": 300, "seed": 7,
 "noise": {"kind": "gaussian", "sigma": 0.5},
 "runs": [
   {"optimizer": "adam", "lr": 0.05, "betas": [0.9, 0.99], "amsgrad": true,
    "schedule": {"kind": "step", "step_size": 100, "gamma": 0.5}, "label": "Adam"},
   {"optimizer": "sgd", "lr": 0.001, "momentum": 0.9, "nesterov": true}]}"#;

#[test]
fn the_documented_example_parses_with_every_field() {
    let spec = Spec::from_json(ISSUE_EXAMPLE).unwrap();
    assert_eq!(spec.problem.entry.name, "rosenbrock");
    assert_eq!(spec.start, Some([-1.5, 2.0]));
    assert_eq!((spec.steps, spec.seed), (300, 7));
    assert_eq!(spec.noise, Noise::Gaussian { sigma: 0.5 });
    let adam = &spec.runs[0];
    assert_eq!(adam.label, "Adam");
    assert_eq!(adam.optimizer.values.number("beta2"), 0.99);
    assert!(adam.optimizer.values.flag("amsgrad"));
    assert_eq!(
        adam.optimizer.values.number("eps"),
        1e-8,
        "left-out hyperparameters take defaults"
    );
    assert!(spec.runs[1].optimizer.values.flag("nesterov"));
    assert_eq!(spec.runs[1].label, "SGD");
}

#[test]
fn everything_but_problem_and_runs_has_a_default() {
    let spec =
        Spec::from_value(&json!({"problem": {"name": "saddle"}, "runs": [{"optimizer": "gd"}]}))
            .unwrap();
    assert_eq!(spec.steps, DEFAULT_STEPS);
    assert_eq!(
        (spec.seed, spec.start, spec.noise, spec.tolerance),
        (0, None, Noise::None, None)
    );
}

#[test]
fn writing_a_spec_and_reading_it_back_changes_nothing() {
    let spec = Spec::from_json(ISSUE_EXAMPLE).unwrap();
    let written = spec.to_value();
    let again = Spec::from_value(&written).unwrap().to_value();
    assert_eq!(written, again);
    assert_eq!(written["runs"][0]["betas"], json!([0.9, 0.99]));
}

#[test]
fn one_error_lists_every_bad_field() {
    let bad = json!({
    "problem": {"name": "rosenbrock", "b": -1, "c": 2},
    "start": [0, "one"],
    "steps": -5,
    "noise": {"kind": "gaussian", "sigma": "loud"},
    "colour": "red",
    "runs": [
        {"optimizer": "adamm"},
        {"optimizer": "adam", "lr": 100, "betas": [0.9], "amsgrad": "yes", "schedule": {"kind": "step", "gamma": 3}},
        {"optimizer": "sgd", "nesterov": true},
        {"optimizer": "svrg"},
        {"optimizer": "bfgs", "schedule": {"kind": "cosine"}}
    ]});
    let err = Spec::from_value(&bad).unwrap_err();
    let fields: Vec<&str> = err.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "colour",
            "problem.c",
            "problem.b",
            "start",
            "steps",
            "noise.sigma",
            "runs[0].optimizer",
            "runs[1].betas",
            "runs[1].schedule.gamma",
            "runs[1].lr",
            "runs[1].amsgrad",
            "runs[2].nesterov",
            "runs[3].optimizer",
            "runs[4].schedule",
        ],
        "{err}"
    );
    let text = err.to_string();
    assert!(
        text.contains("runs[0].optimizer: unknown optimizer 'adamm'; known optimizers: gd, sgd")
    );
    assert!(text
        .contains("runs[2].nesterov: Nesterov momentum requires momentum > 0 and dampening = 0"));
    assert!(text.contains("runs[3].optimizer: 'svrg' needs a finite sum with per-sample gradients, which 'rosenbrock' does not offer ('regression', the peaks classifier do)"), "{text}");
    assert!(text.contains("runs[4].schedule: 'bfgs' has no learning rate to schedule"));
}

#[test]
fn not_json_and_missing_parts_are_explained() {
    let err = Spec::from_json("{\"problem\": ").unwrap_err();
    assert!(err.to_string().starts_with("spec: is not valid JSON"));
    let err = Spec::from_value(&json!({})).unwrap_err();
    assert_eq!(
        err.to_string(),
        "problem: is required, for example {\"name\": \"rosenbrock\"}; runs: is required: a list of runs, for example [{\"optimizer\": \"adam\"}]"
    );
    let err = Spec::from_value(&json!([1, 2])).unwrap_err();
    assert_eq!(err.to_string(), "spec: must be an object, got [1,2]");
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<f64>().prop_map(|f| json!(f)),
        (-5i64..5000).prop_map(|i| json!(i)),
        prop::sample::select(vec![
            "rosenbrock",
            "adam",
            "gd",
            "step",
            "gaussian",
            "x",
            "",
            "uniform",
            "regression",
            "svrg"
        ])
        .prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "problem",
                    "name",
                    "runs",
                    "optimizer",
                    "lr",
                    "steps",
                    "start",
                    "noise",
                    "kind",
                    "sigma",
                    "schedule",
                    "gamma",
                    "betas",
                    "averaging",
                    "batch_size",
                    "seed",
                    "tolerance",
                    "b",
                    "momentum",
                ])
                .prop_map(str::to_string),
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn no_document_makes_the_parser_panic(value in arbitrary_json()) {
        if let Ok(spec) = Spec::from_value(&value) {
            // Whatever parses also runs (briefly) without panicking.
            let mut small = spec.to_value();
            small["steps"] = json!(spec.steps.min(20));
            let spec = Spec::from_value(&small).unwrap();
            let _ = descent::experiment::landscape::run::run_spec(&spec);
        }
    }
}
