//! The `descent` command-line tool.
#![cfg(not(target_arch = "wasm32"))]

use std::io::Write;
use std::process::{Command, Stdio};

mod common;
use common::descent;

use descent::optim::registry::OPTIMIZERS;
use descent::optim::schedule::SCHEDULES;
use descent::problem::registry::PROBLEMS;
use serde_json::Value;

const SPEC: &str = r#"{"problem": {"name": "rosenbrock"}, "start": [-1.2, 1], "steps": 30,
  "runs": [{"optimizer": "bfgs"}, {"optimizer": "adam", "lr": 0.1, "label": "Adam, fast"}]}"#;

#[test]
fn list_names_every_problem_optimizer_and_schedule_with_its_parameters() {
    let output = descent(&["list"], None);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).expect("UTF-8 output");
    let names = PROBLEMS
        .iter()
        .map(|p| p.name)
        .chain(OPTIMIZERS.iter().map(|o| o.name))
        .chain(SCHEDULES.iter().map(|s| s.name));
    for name in names {
        assert!(
            text.contains(&format!("  {name}: ")),
            "{name} missing from:\n{text}"
        );
    }
    assert!(text.contains("kappa (κ) = 10  in [1, 1000], log"));
    assert!(text.contains("nesterov (nesterov) = false  true or false"));
}

#[test]
fn run_prints_json_histories_starting_at_the_start_point() {
    let output = descent(&["run", "-"], Some(SPEC));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(result["problem"]["name"], "rosenbrock");
    let runs = result["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[1]["label"], "Adam, fast");
    for run in runs {
        for key in [
            "optimizer",
            "label",
            "status",
            "diverged_at",
            "points",
            "loss",
            "grad_norm",
            "lr",
        ] {
            assert!(run.get(key).is_some(), "{key} missing");
        }
        assert_eq!(run["points"][0], serde_json::json!([-1.2, 1.0]));
        assert_eq!(run["points"].as_array().unwrap().len(), 31);
        assert_eq!(run["lr"].as_array().unwrap().len(), 30);
    }
}

#[test]
fn run_prints_a_tidy_csv_table() {
    let output = descent(&["run", "-", "--format", "csv"], Some(SPEC));
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "run,label,optimizer,step,x,y,loss,grad_norm,lr,status,avg_x,avg_y,avg_loss"
    );
    assert_eq!(lines.len(), 1 + 2 * 31);
    assert!(lines[1].starts_with("0,BFGS,bfgs,0,-1.2,1,"));
    assert!(lines[32].starts_with("1,\"Adam, fast\",adam,0,"));
}

#[test]
fn plot_writes_svg_and_png_files() {
    let dir = std::env::temp_dir().join(format!("descent-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("spec.json");
    std::fs::write(&spec, SPEC).unwrap();
    for ext in ["svg", "png"] {
        let out = dir.join(format!("figure.{ext}"));
        let output = descent(
            &[
                "plot",
                spec.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--width",
                "600",
                "--height",
                "400",
            ],
            None,
        );
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let bytes = std::fs::read(&out).unwrap();
        assert!(
            bytes.len() > 10_000,
            "{ext} file is only {} bytes",
            bytes.len()
        );
        if ext == "svg" {
            let text = String::from_utf8(bytes).unwrap();
            assert!(text.contains("<image") && text.contains("Adam, fast"));
        } else {
            assert_eq!(&bytes[1..4], b"PNG");
        }
    }
    let bad = descent(
        &["plot", spec.to_str().unwrap(), "--out", "figure.gif"],
        None,
    );
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("the output must end in .svg, .png or .json")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_spec_lists_every_problem_and_exits_with_status_2() {
    let output = descent(
        &["run", "-"],
        Some(r#"{"problem": {"name": "nope"}, "runs": [{"optimizer": "adam", "lr": -1}]}"#),
    );
    assert_eq!(output.status.code(), Some(2));
    let text = String::from_utf8(output.stderr).unwrap();
    assert!(
        text.starts_with("error: the spec has 2 problem(s):"),
        "{text}"
    );
    assert!(text.contains("problem.name: unknown problem 'nope'"));
    assert!(text.contains("runs[0].lr: must lie in [0.000001, 10], got -1"));
    let missing = descent(&["run", "/nonexistent/spec.json"], None);
    assert!(String::from_utf8_lossy(&missing.stderr)
        .contains("cannot read spec file '/nonexistent/spec.json'"));
}

#[test]
fn unknown_subcommands_fail_with_a_message() {
    let output = descent(&["frobnicate"], None);
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("unrecognized subcommand 'frobnicate'")
    );
}

#[test]
fn the_committed_optimizer_docs_are_what_descent_docs_prints() {
    let output = descent(&["docs"], None);
    assert!(output.status.success());
    let committed = include_str!("../docs/optimizers.md");
    assert!(
        String::from_utf8(output.stdout).unwrap() == committed,
        "docs/optimizers.md is stale: regenerate it with `cargo run -- docs > docs/optimizers.md`"
    );
}

#[test]
fn train_prints_the_history_and_plot_draws_a_classifier() {
    let spec = r#"{"data": {"points": 200}, "model": {"width": 8}, "optimizer": {"name": "adam", "lr": 0.01},
                   "iterations": 40, "batch_size": 32, "log_every": 20}"#;
    let output = descent(&["train", "-"], Some(spec));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(result["parameters"], 2 * 8 + 8 + 8 * 5 + 5);
    assert_eq!(
        result["history"]["iteration"],
        serde_json::json!([0, 20, 40])
    );
    assert_eq!(
        result["grid"]["classes"].as_array().unwrap().len(),
        200 * 200
    );
    let dir = std::env::temp_dir().join(format!("descent-train-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec_path = dir.join("classifier.json");
    std::fs::write(&spec_path, spec).unwrap();
    let out = dir.join("classifier.png");
    let plotted = descent(
        &[
            "plot",
            spec_path.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert!(
        plotted.status.success(),
        "{}",
        String::from_utf8_lossy(&plotted.stderr)
    );
    assert!(std::fs::metadata(&out).unwrap().len() > 10_000);
    std::fs::remove_dir_all(&dir).unwrap();
    let bad = descent(
        &["train", "-"],
        Some(r#"{"model": {"width": 0}, "optimizer": {"name": "sgd"}}"#),
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("model.width: must lie in [2, 16384], got 0")
    );
}

#[test]
fn train_on_the_gpu_matches_the_cpu() {
    let spec = r#"{"data": {"points": 200}, "model": {"width": 40}, "optimizer": {"name": "adam", "lr": 0.01},
                   "iterations": 30, "batch_size": 32, "log_every": 10}"#;
    let run = |args: &[&str]| -> Value {
        let output = descent(args, Some(spec));
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap()
    };
    let cpu = run(&["train", "-"]);
    let gpu = run(&["train", "--gpu", "-"]);
    assert_eq!(
        gpu["history"]["iteration"],
        serde_json::json!([0, 10, 20, 30])
    );
    for (g, c) in gpu["history"]["train_loss"]
        .as_array()
        .unwrap()
        .iter()
        .zip(cpu["history"]["train_loss"].as_array().unwrap())
    {
        let (g, c) = (g.as_f64().unwrap(), c.as_f64().unwrap());
        assert!((g - c).abs() / c < 1e-4, "GPU loss {g} vs CPU {c}");
    }
    let refused = descent(
        &["train", "--gpu", "-"],
        Some(r#"{"model": {"width": 8}, "optimizer": {"name": "lbfgs"}}"#),
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("lbfgs runs on the CPU only"));
}

#[test]
fn a_reader_that_stops_early_ends_the_program_quietly() {
    // Far more output than a pipe holds, read one line and then closed (`| head -1`).
    let spec = r#"{"problem": {"name": "quadratic"}, "steps": 200000, "runs": [{"optimizer": "gd", "lr": 0.01}]}"#;
    let mut child = Command::new(env!("CARGO_BIN_EXE_descent"))
        .args(["run", "-", "--format", "csv"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(spec.as_bytes())
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "status {:?}: {stderr}",
        output.status
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn gauss_newton_at_width_8192_is_refused_before_allocating() {
    let spec =
        r#"{"model": {"width": 8192}, "optimizer": {"name": "gauss-newton-tr"}, "iterations": 5}"#;
    let output = descent(&["train", "-"], Some(spec));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("model.width"), "{stderr}");
    assert!(stderr.contains("\"matrix_free\": true"), "{stderr}");
}

#[test]
fn train_runs_every_network_method_and_the_variance_reduced_ones_from_a_spec() {
    for optimizer in [
        r#"{"name": "kfac"}"#,
        r#"{"name": "shampoo"}"#,
        r#"{"name": "natural-gradient"}"#,
        r#"{"name": "gauss-newton-tr"}"#,
        r#"{"name": "gauss-newton-tr", "matrix_free": true}"#,
        r#"{"name": "svrg", "lr": 0.5}"#,
        r#"{"name": "sag", "lr": 0.5}"#,
    ] {
        let spec = format!(
            r#"{{"data": {{"points": 200}}, "model": {{"width": 8}}, "optimizer": {optimizer},
                "iterations": 10, "batch_size": 40, "log_every": 5}}"#
        );
        let output = descent(&["train", "-"], Some(&spec));
        assert!(
            output.status.success(),
            "{optimizer}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let result: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let iterations = result["history"]["iteration"].as_array().unwrap();
        assert_eq!(iterations.len(), 3, "{optimizer}");
        let losses = result["history"]["train_loss"].as_array().unwrap();
        assert!(
            losses[2].as_f64().unwrap() < losses[0].as_f64().unwrap(),
            "{optimizer}: {losses:?}"
        );
    }
}

/// The page's classifier address is a list of classifier specs: each panel
/// of the first classifier scene, fed to `descent train` as the address
/// holds it, ends with the accuracies the scene's panels reach.
#[test]
fn a_classifier_scene_address_trains_unchanged_in_descent_train() {
    use descent::scene::network::NetworkScene;
    use descent::scene::CLASSIFIER_SCENES;
    use descent::web::state::{address, Action, Mode, PageState};
    let mut state = PageState::default();
    state.apply(Action::SetMode(Mode::Classifier));
    let written: serde_json::Value = serde_json::from_str(&address::write(&state)).unwrap();
    let panels = written["panels"].as_array().unwrap();
    let scene = NetworkScene::from_json(CLASSIFIER_SCENES[0].text).unwrap();
    let (trainings, _) = scene.verify().unwrap();
    assert_eq!(panels.len(), trainings.len());
    for (panel, training) in panels.iter().zip(&trainings) {
        let output = descent(&["train", "-"], Some(&panel.to_string()));
        assert!(
            output.status.success(),
            "{panel}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let result: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        for (column, page) in [
            ("train_accuracy", &training.history.train_accuracy),
            ("test_accuracy", &training.history.test_accuracy),
        ] {
            let cli = result["history"][column].as_array().unwrap();
            assert_eq!(
                cli.last().and_then(serde_json::Value::as_f64),
                page.last().copied(),
                "{panel}: {column}"
            );
        }
    }
}

/// `descent plot --view slice|spectrum`: a scene's runs on one loss slice (its
/// data as JSON, the figure as PNG and SVG) and the top of the spectrum over
/// training; bad options are named.
#[test]
fn plot_draws_the_views_inside_the_network() {
    let dir = std::env::temp_dir().join(format!("descent-inside-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let scene = r#"{"title": "t", "caption": "c", "claims": [], "panels": [
        {"width": 8, "optimizer": "sgd", "params": {"lr": 0.3}, "batch_size": 100, "iterations": 60},
        {"width": 8, "optimizer": "adam", "params": {"lr": 0.02}, "batch_size": 800, "iterations": 40}]}"#;
    let scene_file = dir.join("scene.json");
    std::fs::write(&scene_file, scene).unwrap();
    let scene_path = scene_file.to_str().unwrap();
    let data = dir.join("slice.json");
    let output = descent(
        &[
            "plot",
            scene_path,
            "--view",
            "slice",
            "--directions",
            "initial-to-reference",
            "--reference",
            "2",
            "--out",
            data.to_str().unwrap(),
        ],
        None,
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let view: Value = serde_json::from_str(&std::fs::read_to_string(&data).unwrap()).unwrap();
    assert_eq!(view["slice"]["losses"].as_array().unwrap().len(), 41 * 41);
    let paths = view["paths"].as_array().unwrap();
    assert_eq!(paths.len(), 2);
    // The reference run starts at α = −1 and ends at the centre, on the plane.
    let points = paths[1]["points"].as_array().unwrap();
    let (first, last) = (&points[0], points.last().unwrap());
    assert!(
        (first["alpha"].as_f64().unwrap() + 1.0).abs() < 1e-9,
        "{first}"
    );
    assert!(
        last["alpha"].as_f64().unwrap().abs() < 1e-9 && last["off_plane"].as_f64().unwrap() < 1e-9
    );
    assert_eq!(view["profile"].as_array().unwrap().len(), 61);
    for (view, file) in [
        ("slice", "slice.png"),
        ("slice", "slice.svg"),
        ("spectrum", "spectrum.png"),
    ] {
        let out = dir.join(file);
        let output = descent(
            &[
                "plot",
                scene_path,
                "--view",
                view,
                "--out",
                out.to_str().unwrap(),
            ],
            None,
        );
        assert!(
            output.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            std::fs::metadata(&out).unwrap().len() > 1000,
            "{file} is empty"
        );
    }
    let output = descent(
        &[
            "plot",
            scene_path,
            "--view",
            "slice",
            "--directions",
            "sideways",
            "--out",
            "x.png",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr)
        .contains("--directions: 'sideways' is not one of filter-normalised"));
    std::fs::remove_dir_all(&dir).unwrap();
}
