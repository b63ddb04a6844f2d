//! Browser glue, tested in headless Chromium with wasm-bindgen-test.
#![cfg(target_arch = "wasm32")]

mod reference_run;

use descent::problem::{Landscape, Rosenbrock};
use descent::render::chart::{draw_overlay, PathStyle, PathView, Theme};
use descent::render::landscape;
use descent::render::view::{Layout, Margins};
use descent::web::canvas;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::HtmlCanvasElement;

wasm_bindgen_test_configure!(run_in_browser);

fn new_canvas(width: u32, height: u32) -> HtmlCanvasElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let canvas: HtmlCanvasElement = document
        .create_element("canvas")
        .unwrap()
        .dyn_into()
        .unwrap();
    canvas.set_width(width);
    canvas.set_height(height);
    document.body().unwrap().append_child(&canvas).unwrap();
    canvas
}

#[wasm_bindgen_test]
fn landscape_image_reaches_the_canvas_unchanged() {
    let problem = Rosenbrock::new(1.0, 100.0);
    let image = landscape::render(&problem, &problem.window(), 64, 48, 1.0);
    let canvas = new_canvas(64, 48);
    let context = canvas::context_2d(&canvas).unwrap();
    context
        .put_image_data(&canvas::image_data(&image).unwrap(), 0.0, 0.0)
        .unwrap();
    let back = context
        .get_image_data(0.0, 0.0, 64.0, 48.0)
        .unwrap()
        .data()
        .0;
    assert_eq!(back, image.rgba);
}

#[wasm_bindgen_test]
fn overlay_draws_the_path_through_plotters_canvas() {
    let canvas = new_canvas(320, 240);
    let problem = Rosenbrock::new(1.0, 100.0);
    let layout = Layout::fit((320, 240), &problem.window(), &Margins::default(), 1.0);
    let points: Vec<Vec<f64>> = (0..=20)
        .map(|i| vec![-1.5 + 0.1 * f64::from(i), 0.5])
        .collect();
    let root = CanvasBackend::with_canvas_object(canvas.clone())
        .unwrap()
        .into_drawing_area();
    let path = PathView {
        points: std::borrow::Cow::Borrowed(&points),
        shown: 20,
        color: RGBColor(255, 0, 0),
        diverged: false,
        label: None,
        style: PathStyle::Iterate,
        radius: None,
        ahead: false,
    };
    draw_overlay(&root, &layout, &problem.minima(), &[path], &Theme::LIGHT).unwrap();
    root.present().unwrap();
    let context = canvas::context_2d(&canvas).unwrap();
    let (px, py) = layout.to_pixel(-0.5, 0.5);
    let pixel = context
        .get_image_data(px.round(), py.round(), 1.0, 1.0)
        .unwrap()
        .data()
        .0;
    assert!(
        pixel[0] > 200 && pixel[1] < 60 && pixel[2] < 60,
        "pixel on the path is {pixel:?}"
    );
}

#[wasm_bindgen_test]
fn the_same_run_gives_the_same_bits_as_natively() {
    assert_eq!(
        reference_run::final_point_bits(),
        reference_run::expected_bits()
    );
}

#[wasm_bindgen_test]
fn the_pinned_classifier_runs_give_the_same_bits_as_natively() {
    assert_eq!(
        reference_run::classifier_digests(),
        reference_run::expected_classifier_digests()
    );
}

#[wasm_bindgen_test]
fn generated_controls_round_trip_their_values() {
    use descent::optim::registry;
    use descent::web::controls;
    let document = web_sys::window().unwrap().document().unwrap();
    let container = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&container).unwrap();
    let adam = registry::find("adam").unwrap();
    let given = std::collections::BTreeMap::from([
        ("lr".to_string(), serde_json::json!(0.05)),
        ("amsgrad".to_string(), serde_json::json!(true)),
    ]);
    controls::build(&document, &container, "t", adam.params, &given).unwrap();
    let value = |id: &str, name: &str| {
        let element = document.get_element_by_id(id).unwrap();
        controls::control_value(&element, adam.param(name).unwrap())
    };
    // The slider's nearest position to 0.05, to three significant digits.
    let lr = value("t-lr", "lr").and_then(|v| v.as_f64()).unwrap();
    assert!(
        (lr - 0.05).abs() < 0.001 && lr.to_string().len() <= 6,
        "{lr}"
    );
    assert_eq!(value("t-amsgrad", "amsgrad"), Some(serde_json::json!(true)));
    let lr_box = document.get_element_by_id("t-lr-value").unwrap();
    assert!(controls::is_number_box(&lr_box));
    let shown = || {
        use wasm_bindgen::JsCast;
        lr_box
            .dyn_ref::<web_sys::HtmlInputElement>()
            .unwrap()
            .value()
    };
    assert_eq!(shown(), "0.05");
    controls::refresh(&container, |element| {
        let spec = adam.param(&element.get_attribute("data-param")?)?;
        (spec.name == "lr").then(|| (spec, serde_json::json!(0.2)))
    });
    assert_eq!(shown(), "0.2", "the box shows the value the page uses");
    let lr = value("t-lr", "lr").and_then(|v| v.as_f64()).unwrap();
    assert!((lr - 0.2).abs() < 0.002, "{lr}");
}

/// Times full-batch Adam steps of the width-32 classifier in the browser's
/// WebAssembly engine and prints the figure (README quotes a release build:
/// `cargo test --release --target wasm32-unknown-unknown --no-default-features --test web`).
/// Only checks that training lowered the loss; the time is reported, not asserted.
#[wasm_bindgen_test]
fn classifier_adam_steps_run_in_the_browser() {
    use descent::data::PeaksData;
    use descent::nn::{Architecture, Init, Mlp, Parametrization, Workspace};
    use descent::optim::{Adam, FirstOrder};
    let data = PeaksData::generate(0, 1000, 0.8);
    let mlp = Mlp::new(Architecture {
        width: 32,
        depth: 1,
        parametrization: Parametrization::Standard,
    });
    let mut theta = mlp.init(Init::Xavier, 0);
    let mut adam = Adam::new(theta.len(), (0.9, 0.999), 1e-8, 0.0, false, false);
    let mut grad = vec![0.0; theta.len()];
    let mut ws = Workspace::default();
    let first = mlp.evaluate(&theta, &data.train, &mut ws).loss;
    let performance = web_sys::window().unwrap().performance().unwrap();
    let steps = 200;
    let start = performance.now();
    for _ in 0..steps {
        mlp.loss_and_gradient(
            &theta,
            &data.train.x,
            &data.train.labels,
            Some(&mut grad),
            &mut ws,
        );
        adam.update(&mut theta, &grad, 1e-2);
    }
    let per_step_us = (performance.now() - start) * 1e3 / f64::from(steps);
    console_log!("width-32 full-batch Adam step in WebAssembly: {per_step_us:.0} µs");
    assert!(mlp.evaluate(&theta, &data.train, &mut ws).loss < first);
}

/// The classifier training service (what the Web Worker runs) trains to the
/// end, reports its log and the decision regions, and names a bad request.
#[wasm_bindgen_test]
fn training_service_trains_and_reports_snapshots() {
    use descent::web::trainer::{ClassifierWorker, Snapshot};
    let mut service = ClassifierWorker::new();
    let spec = r#"{"data": {"seed": 1}, "model": {"width": 8}, "optimizer": {"name": "adam", "lr": 0.01},
        "iterations": 30, "batch_size": 100, "log_every": 10, "seed": 1}"#;
    service
        .receive(JsValue::from_str(&format!(
            r#"{{"kind": "start", "panel": 0, "generation": 7, "spec": {spec}}}"#
        )))
        .unwrap();
    let first: Vec<Snapshot> = service
        .work(0.0)
        .into_iter()
        .map(|v| serde_wasm_bindgen::from_value(v).unwrap())
        .collect();
    assert_eq!(first.len(), 1);
    assert_eq!((first[0].generation, first[0].iteration), (7, 0));
    assert_eq!(first[0].grid.as_ref().unwrap().classes.len(), 200 * 200);
    service
        .receive(JsValue::from_str(r#"{"kind": "play", "playing": true}"#))
        .unwrap();
    let mut last = None;
    for _ in 0..1000 {
        if !service.busy() {
            break;
        }
        if let Some(v) = service.work(20.0).pop() {
            last = Some(serde_wasm_bindgen::from_value::<Snapshot>(v).unwrap());
        }
    }
    let last = last.expect("no snapshot while training");
    assert!(last.finished && last.iteration == 30);
    assert_eq!(last.history.iteration, vec![0, 10, 20, 30]);
    assert!(last.history.train_loss[3] < last.history.train_loss[0]);
    let err = service
        .receive(JsValue::from_str(r#"{"kind": "fly"}"#))
        .unwrap_err();
    assert!(err.as_string().unwrap().contains("unknown variant `fly`"));
}

/// Ten Adam steps on WebGPU (Chromium's SwiftShader adapter when there is no
/// GPU) agree with the CPU within 1e-4, parameters and loss.
#[wasm_bindgen_test]
async fn ten_gpu_steps_match_the_cpu() {
    use descent::experiment::classifier::{ClassifierSpec, Session};
    use descent::gpu::{gpu_session, Gpu};
    let gpu = Gpu::new()
        .await
        .expect("a WebGPU adapter (headless Chromium needs --enable-unsafe-webgpu)");
    let spec = ClassifierSpec::from_json(
        r#"{"data": {"seed": 1}, "model": {"width": 257, "init": "pytorch"},
            "optimizer": {"name": "adam", "lr": 0.01}, "iterations": 10, "log_every": 1, "seed": 2}"#,
    )
    .unwrap();
    let (mut device, _) = gpu_session(&gpu, &spec, 0.0).unwrap();
    for _ in 0..10 {
        device.step();
    }
    let (train, _) = device.backend().mlp().evaluate().await.unwrap();
    let theta = device
        .backend()
        .mlp()
        .request_parameters()
        .floats()
        .await
        .unwrap();
    let mut cpu = Session::new(&spec, 0.0).unwrap();
    cpu.advance(10, &|| 0.0);
    let cpu_loss = cpu.history().train_loss[10];
    let loss_error = (train.loss - cpu_loss).abs() / cpu_loss;
    let (diff, norm) = theta
        .iter()
        .zip(cpu.theta())
        .fold((0.0, 0.0), |(d, n), (&g, &c)| {
            (d + (f64::from(g) - c).powi(2), n + c * c)
        });
    let theta_error = (diff / norm).sqrt();
    web_sys::console::log_1(
        &format!(
            "{}: loss {loss_error:.1e}, parameters {theta_error:.1e}",
            gpu.describe()
        )
        .into(),
    );
    assert!(loss_error < 1e-4, "loss {} vs {cpu_loss}", train.loss);
    assert!(theta_error < 1e-4, "parameters differ by {theta_error}");
}
