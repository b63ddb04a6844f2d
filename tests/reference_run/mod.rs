//! Runs whose final points are pinned bit for bit, checked natively and in
//! the browser, so both builds provably walk the same paths: a plain one, and
//! one with heavy-tailed noise on a landscape made of exponentials.

use descent::experiment::landscape::run::run_spec;
use descent::experiment::landscape::spec::Spec;

/// The specs and the bits of each run's final point.
pub const PINNED: [(&str, [u64; 2]); 2] = [
    (
        r#"{"problem": {"name": "rosenbrock"}, "start": [-1.2, 1.0], "steps": 500,
            "runs": [{"optimizer": "gd", "lr": 1.5e-3}]}"#,
        [0xbf92a9663d33a166, 0x3f4cfb09cff8fc22],
    ),
    (
        r#"{"problem": {"name": "peaks"}, "steps": 300, "seed": 42,
            "noise": {"kind": "alpha-stable", "alpha": 1.3, "scale": 0.2},
            "runs": [{"optimizer": "adam", "lr": 0.05, "schedule": {"kind": "cosine", "t_max": 300}}]}"#,
        [0xbff57ceef701d472, 0x3fc9dac0a14eb0d8],
    ),
];

/// The bits of the final point of each pinned run.
pub fn final_point_bits() -> Vec<[u64; 2]> {
    PINNED
        .iter()
        .map(|(spec, _)| {
            let spec = Spec::from_json(spec).expect("pinned specs are valid");
            let outcome = run_spec(&spec).expect("pinned specs run");
            let last = outcome.runs[0]
                .history
                .points
                .last()
                .expect("a run has points");
            [last[0].to_bits(), last[1].to_bits()]
        })
        .collect()
}

/// The pinned bits.
pub fn expected_bits() -> Vec<[u64; 2]> {
    PINNED.iter().map(|(_, bits)| *bits).collect()
}

/// Classifier runs through the fused kernels (width 37: lane chunks and a
/// tail; mini-batches; momentum), in `f64` and in `f32`, each pinned by a
/// digest of every final parameter's bits: the same on every machine and in
/// the browser.
pub const PINNED_CLASSIFIERS: [(&str, u64); 2] = [
    (
        r#"{"data": {"seed": 3, "points": 300}, "model": {"width": 37, "init": "pytorch"},
            "optimizer": {"name": "sgd", "lr": 0.2, "momentum": 0.9}, "iterations": 30,
            "batch_size": 50, "log_every": 30, "seed": 5}"#,
        0x88e389d5a88a2763,
    ),
    (
        r#"{"data": {"seed": 3, "points": 300},
            "model": {"width": 37, "init": "pytorch", "precision": "f32"},
            "optimizer": {"name": "sgd", "lr": 0.2, "momentum": 0.9}, "iterations": 30,
            "batch_size": 50, "log_every": 30, "seed": 5}"#,
        0x94240c48db82e1d9,
    ),
];

/// The FNV-1a digest of the bits of each pinned classifier run's final parameters.
pub fn classifier_digests() -> Vec<String> {
    PINNED_CLASSIFIERS
        .iter()
        .map(|(text, _)| {
            let spec = descent::experiment::classifier::ClassifierSpec::from_json(text)
                .expect("the pinned spec is valid");
            let training =
                descent::experiment::classifier::train(&spec, &|| 0.0).expect("it trains");
            let digest = training
                .theta
                .iter()
                .fold(0xcbf29ce484222325u64, |hash, v| {
                    v.to_bits()
                        .to_le_bytes()
                        .iter()
                        .fold(hash, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100000001b3))
                });
            format!("{digest:#018x}")
        })
        .collect()
}

/// The pinned digests.
pub fn expected_classifier_digests() -> Vec<String> {
    PINNED_CLASSIFIERS
        .iter()
        .map(|(_, digest)| format!("{digest:#018x}"))
        .collect()
}
