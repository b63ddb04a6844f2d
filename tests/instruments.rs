//! Instruments over the landscapes: basin maps and hyperparameter sweeps,
//! checked against what the theory says they must show.

use descent::experiment::landscape::basins::{basin_map, BasinJob, Fate};
use descent::experiment::landscape::spec::Spec;
use descent::experiment::landscape::sweep::{sweep, Axis, Search};

fn spec(text: &str) -> Spec {
    Spec::from_json(text).unwrap()
}

/// On Himmelblau's function, gradient descent's and Newton's basin maps
/// reach exactly the four known minima, and the cells that start at a
/// minimum end there. Newton's also has starts that end elsewhere (it is
/// drawn to the maximum and the saddles as much as to the minima).
#[test]
fn himmelblau_basins_find_exactly_the_four_minima() {
    let himmelblau = spec(
        r#"{"problem": {"name": "himmelblau"}, "steps": 400,
            "runs": [{"optimizer": "gd", "lr": 0.01}, {"optimizer": "newton"}]}"#,
    );
    for run in [0, 1] {
        let map = basin_map(&himmelblau, run, 40, None).unwrap();
        assert!(map.complete());
        assert_eq!(map.minima_reached(), [0, 1, 2, 3], "run {run}");
        for (k, minimum) in map.minima.iter().enumerate() {
            let n = map.size as f64;
            let w = &map.window;
            let j = ((minimum[0] - w.x_min) / (w.x_max - w.x_min) * n) as usize;
            let i = ((minimum[1] - w.y_min) / (w.y_max - w.y_min) * n) as usize;
            assert_eq!(
                map.fates[i * map.size + j],
                Fate::Minimum(k),
                "run {run}, minimum {k}"
            );
        }
        let elsewhere = map.fates.iter().filter(|f| **f == Fate::Elsewhere).count();
        let diverged = map.fates.iter().filter(|f| **f == Fate::Diverged).count();
        println!(
            "run {run}: {elsewhere} elsewhere, {diverged} diverged of {}",
            map.fates.len()
        );
        if run == 1 {
            assert!(
                elsewhere > 0,
                "pure Newton also finds the other stationary points"
            );
        }
    }
}

/// A map computed in slices is the map computed at once.
#[test]
fn a_basin_map_in_slices_is_the_whole_map() {
    let himmelblau = spec(
        r#"{"problem": {"name": "himmelblau"}, "steps": 200, "runs": [{"optimizer": "gd", "lr": 0.01}]}"#,
    );
    let whole = basin_map(&himmelblau, 0, 12, None).unwrap();
    let mut job = BasinJob::new(&himmelblau, 0, 12, None).unwrap();
    let mut calls = 0;
    while !job.advance(17) {
        calls += 1;
    }
    assert!(calls > 5);
    assert_eq!(job.into_map(), whole);
    for (size, run, expected) in [
        (1, 0, "from 2 to 400"),
        (500, 0, "from 2 to 400"),
        (10, 3, "run 4 does not exist"),
    ] {
        let error = BasinJob::new(&himmelblau, run, size, None)
            .err()
            .unwrap()
            .to_string();
        assert!(error.contains(expected), "{error}");
    }
}

/// A grid search of gradient descent's rate on the quadratic with μ = 1,
/// L = κ = 20 puts its best cell within one grid step of 2/(L + μ) and
/// marks every rate above 2/L as diverged.
#[test]
fn a_rate_sweep_finds_the_optimal_rate_and_the_divergence_edge() {
    let quadratic = spec(
        r#"{"problem": {"name": "quadratic", "kappa": 20, "angle": 0}, "steps": 300,
            "runs": [{"optimizer": "gd", "lr": 0.01}]}"#,
    );
    let axis = Axis {
        name: "lr".into(),
        from: 1e-3,
        to: 1.0,
        count: 61,
        log: true,
    };
    let result = sweep(
        &quadratic,
        0,
        std::slice::from_ref(&axis),
        Search::Grid,
        1e-12,
    )
    .unwrap();
    assert_eq!(result.settings.len(), 61);
    let best = result.settings[result.best.unwrap()].values[0];
    let optimal: f64 = 2.0 / 21.0;
    let grid_step = (axis.to / axis.from).ln() / 60.0;
    println!("best rate {best} against 2/(L + μ) = {optimal}");
    assert!(
        (best.ln() - optimal.ln()).abs() <= grid_step + 1e-12,
        "{best} vs {optimal}"
    );
    for setting in &result.settings {
        let lr = setting.values[0];
        assert_eq!(
            setting.diverged(),
            lr > 0.1,
            "lr {lr}: {:?}",
            setting.status
        );
    }
}

/// Random search draws the asked number of settings inside the ranges, the
/// same ones for the same seed; a name the optimizer does not have, or a
/// range that is not one, is refused with the reason.
#[test]
fn random_search_and_refusals() {
    let quadratic = spec(
        r#"{"problem": {"name": "quadratic"}, "steps": 50, "runs": [{"optimizer": "sgd", "lr": 0.01}]}"#,
    );
    let axes = [
        Axis {
            name: "lr".into(),
            from: 1e-3,
            to: 0.5,
            count: 1,
            log: true,
        },
        Axis {
            name: "momentum".into(),
            from: 0.0,
            to: 0.99,
            count: 1,
            log: false,
        },
    ];
    let search = Search::Random { count: 25, seed: 4 };
    let first = sweep(&quadratic, 0, &axes, search, 1e-6).unwrap();
    assert_eq!(first.settings.len(), 25);
    assert!(first
        .settings
        .iter()
        .all(|s| (1e-3..=0.5).contains(&s.values[0]) && (0.0..=0.99).contains(&s.values[1])));
    assert_eq!(first, sweep(&quadratic, 0, &axes, search, 1e-6).unwrap());
    let bad = |axis: Axis| {
        sweep(&quadratic, 0, &[axis], Search::Grid, 1e-6)
            .unwrap_err()
            .to_string()
    };
    let error = bad(Axis {
        name: "beta9".into(),
        from: 0.1,
        to: 0.2,
        count: 3,
        log: false,
    });
    assert!(
        error.contains("no hyperparameter 'beta9'") && error.contains("momentum"),
        "{error}"
    );
    let error = bad(Axis {
        name: "lr".into(),
        from: 0.0,
        to: 1.0,
        count: 3,
        log: true,
    });
    assert!(error.contains("positive on a log axis"), "{error}");
    let error = bad(Axis {
        name: "lr".into(),
        from: 0.1,
        to: 1.0,
        count: 20_000,
        log: true,
    });
    assert!(error.contains("settings: from 1 to 10000"), "{error}");
}

/// `descent basins` and `descent sweep` write PNG, SVG and JSON; bad options
/// get a message naming them.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn the_cli_draws_basins_and_sweeps_for_slides() {
    use std::process::Command;
    let dir = std::env::temp_dir().join(format!("descent-instruments-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("spec.json");
    std::fs::write(
        &spec,
        r#"{"problem": {"name": "himmelblau"}, "steps": 200, "runs": [{"optimizer": "gd", "lr": 0.01}]}"#,
    )
    .unwrap();
    let descent = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_descent"))
            .args(args)
            .output()
            .unwrap()
    };
    let succeeds = |args: &[&str]| {
        let done = descent(args);
        assert!(
            done.status.success(),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
    };
    let spec = spec.to_str().unwrap();
    for ext in ["png", "svg", "json"] {
        let out = dir.join(format!("basins.{ext}"));
        succeeds(&[
            "basins",
            spec,
            "--size",
            "30",
            "--out",
            out.to_str().unwrap(),
        ]);
        let bytes = std::fs::read(&out).unwrap();
        match ext {
            "png" => assert_eq!(&bytes[1..4], b"PNG"),
            "svg" => assert!(String::from_utf8_lossy(&bytes).contains("where each start ends")),
            _ => {
                let map: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                assert_eq!(map["fates"].as_array().unwrap().len(), 900);
            }
        }
        let out = dir.join(format!("sweep.{ext}"));
        succeeds(&[
            "sweep",
            spec,
            "--param",
            "lr:1e-3:0.05:15:log",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(std::fs::metadata(&out).unwrap().len() > 500);
    }
    let two = dir.join("sweep2.png");
    let spec_sgd = dir.join("sgd.json");
    std::fs::write(&spec_sgd, r#"{"problem": {"name": "quadratic"}, "steps": 100, "runs": [{"optimizer": "sgd", "lr": 0.01}]}"#).unwrap();
    succeeds(&[
        "sweep",
        spec_sgd.to_str().unwrap(),
        "--param",
        "lr:1e-3:0.2:12:log",
        "--param",
        "momentum:0:0.95:12",
        "--out",
        two.to_str().unwrap(),
    ]);
    for (args, expected) in [
        (
            vec!["sweep", spec, "--param", "lr:fast", "--out", "x.png"],
            "expected NAME:FROM:TO",
        ),
        (
            vec![
                "sweep",
                spec,
                "--param",
                "lr:1e-3:1:5:log",
                "--out",
                "x.gif",
            ],
            "must end in .png, .svg or .json",
        ),
        (
            vec!["basins", spec, "--run", "2", "--out", "x.png"],
            "run 2 does not exist",
        ),
    ] {
        let failed = descent(&args);
        assert!(!failed.status.success());
        let message = String::from_utf8_lossy(&failed.stderr);
        assert!(message.contains(expected), "{message}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Line searches and trust regions record the points each step tried: the
/// accepted one is where the step ended, a line search's rejected trials lie
/// on the same ray from the step's start, backtracking shows up as rejected
/// trials, and a fixed-step method tries nothing.
#[test]
fn each_step_records_the_points_it_tried() {
    use descent::experiment::landscape::run::run_spec;
    use descent::render::guides::step_trials;
    let rosenbrock = spec(
        r#"{"problem": {"name": "rosenbrock"}, "start": [-1.2, 1], "steps": 60,
            "runs": [{"optimizer": "gd", "lr": 1.0, "line_search": "armijo"}, {"optimizer": "bfgs"},
                     {"optimizer": "gd", "lr": 0.001}, {"optimizer": "trust-region"}]}"#,
    );
    let outcome = run_spec(&rosenbrock).unwrap();
    for (run, line_search) in [(0, true), (1, true), (3, false)] {
        let history = &outcome.runs[run].history;
        let mut rejected = 0;
        for step in 1..=history.steps() {
            let Some((from, points)) = step_trials(history, step) else {
                continue;
            };
            let accepted: Vec<_> = points.iter().filter(|(_, a)| *a).collect();
            let moved = history.points[step] != history.points[step - 1];
            if moved {
                assert!(
                    !accepted.is_empty(),
                    "run {run} step {step}: the end point is among the trials"
                );
            }
            rejected += points.iter().filter(|(_, a)| !*a).count();
            if let (true, Some(((ax, ay), _))) = (line_search, accepted.first()) {
                for ((px, py), _) in &points {
                    let cross = (px - from.0) * (ay - from.1) - (py - from.1) * (ax - from.0);
                    let scale =
                        ((px - from.0).hypot(py - from.1)) * ((ax - from.0).hypot(ay - from.1));
                    assert!(
                        cross.abs() <= 1e-9 * scale.max(1e-300),
                        "run {run} step {step}: off the search ray"
                    );
                }
            }
        }
        assert!(!history.trials.is_empty(), "run {run} recorded trials");
        println!(
            "run {run}: {} steps with trials, {rejected} rejected trials",
            history.trials.len()
        );
        if run == 0 {
            assert!(rejected > 0, "Armijo backtracked at α = 1 on Rosenbrock");
        }
    }
    assert!(
        outcome.runs[2].history.trials.is_empty(),
        "plain GD tries nothing"
    );
}

/// The rate lines the loss chart draws on a quadratic: gradient descent at
/// its best fixed step 2/(L + μ) attains f₀((κ−1)/(κ+1))²ᵏ on the
/// axis-aligned quadratic, step by step; heavy ball's line falls faster.
#[test]
fn gradient_descent_at_its_best_step_follows_the_rate_line() {
    use descent::experiment::landscape::run::run_spec;
    use descent::render::curves::rate_bounds;
    let quadratic = spec(
        r#"{"problem": {"name": "quadratic", "kappa": 20, "angle": 0}, "start": [1, 1], "steps": 80,
            "runs": [{"optimizer": "gd", "lr": 0.09523809523809523}]}"#,
    );
    let outcome = run_spec(&quadratic).unwrap();
    let loss = &outcome.runs[0].history.loss;
    let lines = rate_bounds(outcome.landscape.as_ref(), loss[0], 80);
    assert_eq!(lines.len(), 2);
    for (k, (&f, &bound)) in loss.iter().zip(lines[0].values.iter()).enumerate() {
        assert!(
            (f - bound).abs() <= 1e-9 * bound,
            "step {k}: {f} against {bound}"
        );
    }
    assert!(lines[1].values[40] < 1e-6 * lines[0].values[40]);
    let rosenbrock = spec(r#"{"problem": {"name": "rosenbrock"}, "runs": [{"optimizer": "gd"}]}"#);
    let outcome = run_spec(&rosenbrock).unwrap();
    assert!(
        rate_bounds(outcome.landscape.as_ref(), 1.0, 10).is_empty(),
        "no rate lines off quadratics"
    );
}

/// `tune` gives every run with a rate the best of one log grid over the same
/// budget (a fair race): gradient descent's lands within a grid step of
/// 2/(L + μ), the tuned spec reproduces the reported steps, and the sweep
/// marks what the theory says.
#[test]
fn tuning_makes_a_fair_race_and_the_sweep_marks_the_theory() {
    use descent::experiment::landscape::run::run_spec;
    use descent::experiment::landscape::sweep::{theory_marks, tune};
    let race = spec(
        r#"{"problem": {"name": "quadratic", "kappa": 20, "angle": 0}, "start": [1, 0.5], "steps": 200,
            "runs": [{"optimizer": "gd", "lr": 0.01}, {"optimizer": "sgd", "lr": 0.01, "momentum": 0.5},
                     {"optimizer": "bfgs"}]}"#,
    );
    let axis = Axis {
        name: "lr".into(),
        from: 1e-4,
        to: 1.0,
        count: 41,
        log: true,
    };
    let (tuned, table) = tune(&race, &axis, 1e-8).unwrap();
    assert_eq!(
        table.iter().map(|t| t.run).collect::<Vec<_>>(),
        [0, 1],
        "BFGS has no rate"
    );
    let gd = table[0].after.unwrap();
    let grid_step = 10f64.powf(4.0 / 40.0);
    assert!(
        gd / (2.0 / 21.0) < grid_step && (2.0 / 21.0) / gd < grid_step,
        "tuned GD rate {gd}"
    );
    let outcome = run_spec(&tuned).unwrap();
    for row in &table {
        let loss = &outcome.runs[row.run].history.loss;
        assert_eq!(
            loss.iter().position(|&l| l <= 1e-8),
            row.steps_to_tolerance,
            "run {}",
            row.run
        );
    }
    assert!(outcome.runs[0].label.contains("tuned lr"));
    let result = sweep(&race, 0, std::slice::from_ref(&axis), Search::Grid, 1e-8).unwrap();
    let marks = theory_marks(&result);
    assert_eq!(marks.len(), 2);
    assert!((marks[0].1 - 2.0 / 21.0).abs() < 1e-15 && (marks[1].1 - 0.1).abs() < 1e-15);
    let momentum = Axis {
        name: "momentum".into(),
        from: 0.0,
        to: 0.95,
        count: 5,
        log: false,
    };
    let result = sweep(&race, 1, &[axis, momentum], Search::Grid, 1e-8).unwrap();
    let marks = theory_marks(&result);
    let (a, b) = (20f64.sqrt(), 1.0);
    assert!((marks[0].1 - 4.0 / ((a + b) * (a + b))).abs() < 1e-15);
    assert!((marks[1].1 - ((a - b) / (a + b)).powi(2)).abs() < 1e-15);
}

/// The model overlay's ellipses are level sets dᵀMd = c with one c for both
/// matrices, so a model equal to the Hessian draws the same ellipse.
#[test]
fn curvature_ellipses_are_level_sets_of_one_level() {
    use descent::problem::Window;
    use descent::render::guides::curvature_ellipses;
    let hessian = [4.0, 1.0, 1.0, 2.0];
    let model = [1.0, 0.0, 0.0, 3.0];
    let ellipses = curvature_ellipses((1.0, -2.0), Some(hessian), model, &Window::square(3.0));
    assert_eq!(ellipses.len(), 2);
    let level = |m: [f64; 4], p: (f64, f64)| {
        let (u, v) = (p.0 - 1.0, p.1 + 2.0);
        m[0] * u * u + (m[1] + m[2]) * u * v + m[3] * v * v
    };
    let c = level(hessian, ellipses[0].0[0]);
    for ((points, is_model), m) in ellipses.iter().zip([hessian, model]) {
        assert_eq!(*is_model, m == model);
        for &p in points {
            assert!((level(m, p) - c).abs() <= 1e-9 * c, "{p:?}");
        }
    }
    let same = curvature_ellipses((0.0, 0.0), Some(hessian), hessian, &Window::square(3.0));
    for (a, b) in same[0].0.iter().zip(&same[1].0) {
        assert!((a.0 - b.0).abs() < 1e-12 && (a.1 - b.1).abs() < 1e-12);
    }
    // An indefinite Hessian (a saddle) has no ellipse; the model still does.
    assert_eq!(
        curvature_ellipses(
            (0.0, 0.0),
            Some([1.0, 0.0, 0.0, -1.0]),
            model,
            &Window::square(3.0)
        )
        .len(),
        1
    );
}
