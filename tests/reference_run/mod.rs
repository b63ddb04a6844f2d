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
