//! The peaks-classifier mode: side-by-side panels, each training a network
//! with its own width and optimizer. Training runs in a Web Worker (see
//! [`super::trainer`]), so the page never freezes; the page draws the
//! snapshots it sends back, the decision regions updating while it trains.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use serde::Serialize;
use serde_json::{json, Value as Json};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    Document, Element, Event, HtmlCanvasElement, HtmlInputElement, HtmlSelectElement, ImageData,
    MessageEvent, Worker, WorkerOptions, WorkerType,
};

use super::controls::{self, format_number};
use super::gpu_panel::GpuPanel;
use super::runs::{add_option, create};
use super::trainer::{ClassifierWorker, Request, Snapshot};
use super::{canvas, dom};
use crate::data::{Dataset, PeaksData};
use crate::gpu::Gpu;
use crate::optim::registry::{Family, OPTIMIZERS};
use crate::param::{ParamSpec, Value};
use crate::render::classifier::{draw_training, region_pixels, regions_rect};
use crate::render::mathml::typeset;
use crate::scene::network::NetworkScene;
use crate::scene::panel::{salvage_panels, Adapter, DeviceChoice, PanelSetup, MAX_PANELS};
use crate::scene::CLASSIFIER_SCENES;
use crate::train::{ClassifierSpec, DecisionGrid, MODEL_PARAMS, NETWORK_METHODS};

/// Milliseconds of training per animation frame when the page trains itself.
const FRAME_BUDGET_MS: f64 = 8.0;
/// Milliseconds per frame spent queueing GPU steps, all panels together at most.
const GPU_FRAME_BUDGET_MS: f64 = 4.0;

/// The address fragment's prefix for classifier scenes (`#classifier=…`).
pub const ADDRESS_PREFIX: &str = "classifier=";

/// The classifier scenes, read from their files (a broken file is left out
/// and reported in the console).
pub fn scenes() -> Vec<NetworkScene> {
    CLASSIFIER_SCENES
        .iter()
        .filter_map(|file| match NetworkScene::from_json(file.text) {
            Ok(scene) => Some(scene),
            Err(err) => {
                web_sys::console::error_1(&JsValue::from_str(&format!(
                    "scene {}: {err}",
                    file.name
                )));
                None
            }
        })
        .collect()
}

/// The network's choices besides its width, as generated controls.
fn model_params() -> Vec<ParamSpec> {
    MODEL_PARAMS
        .iter()
        .filter(|p| p.name != "width")
        .cloned()
        .collect()
}

/// The parameters and equations of a network method or registry optimizer.
fn method(name: &str) -> (&'static [ParamSpec], &'static str) {
    NETWORK_METHODS
        .iter()
        .find(|m| m.name == name)
        .map(|m| (m.params, m.equations))
        .or_else(|| {
            OPTIMIZERS
                .iter()
                .find(|o| o.name == name)
                .map(|o| (o.params, o.equations))
        })
        .unwrap_or((&[], ""))
}

fn method_params(name: &str) -> &'static [ParamSpec] {
    method(name).0
}

/// One panel: what the trainer last reported and the picture made of it.
#[derive(Default)]
struct Panel {
    /// Tells this panel's current start from earlier ones.
    generation: u32,
    /// Its training and test points.
    data: Option<(Dataset, Dataset)>,
    /// The latest snapshot (its regions moved to `grid`).
    snapshot: Option<Snapshot>,
    grid: Option<DecisionGrid>,
    regions: Option<(ImageData, u32, u32)>,
    changed: bool,
    /// Its GPU training, when it trains there.
    gpu: Option<GpuPanel>,
}

/// A training worker and the handlers that must live as long as it does.
struct WorkerHandle {
    worker: Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

/// Where training runs.
enum Transport {
    /// A Web Worker.
    Worker(WorkerHandle),
    /// The page itself, a slice per animation frame.
    Page(ClassifierWorker),
}

/// What the page knows of the GPU.
enum GpuState {
    /// Still asking the browser for an adapter.
    Probing,
    /// An open device.
    Ready(Box<Gpu>),
    /// None to be had, and why.
    Unavailable(String),
}

/// The classifier mode's state.
pub struct ClassifierMode {
    document: Document,
    container: Element,
    panels: Vec<Panel>,
    playing: bool,
    /// Whether the panels need redrawing though nothing trains.
    pub dirty: bool,
    transport: Transport,
    /// Snapshots (and failure notices) from the worker, drained each frame.
    inbox: Rc<RefCell<Vec<JsValue>>>,
    generation: u32,
    /// Whether the panels changed since the address was last written.
    address_stale: bool,
    /// The GPU, once the browser has answered.
    gpu: Rc<RefCell<GpuState>>,
    /// Whether `gpu` was still probing at the last frame.
    probing: bool,
    /// Set by the device's lost callback, with the reason.
    gpu_lost: Arc<Mutex<Option<String>>>,
}

fn labelled(document: &Document, text: &str, control: &Element) -> Result<Element, JsValue> {
    let label = document.create_element("label")?;
    label.set_class_name("inline");
    label.set_text_content(Some(text));
    label.append_child(control)?;
    Ok(label)
}

impl ClassifierMode {
    /// The mode over `container`, with the first scene's panels, training in
    /// a worker if one starts.
    pub fn new(document: &Document, container: Element) -> Result<Self, JsValue> {
        let inbox = Rc::new(RefCell::new(Vec::new()));
        let transport = spawn_worker(document, &inbox).unwrap_or_else(|reason| {
            web_sys::console::warn_1(&JsValue::from_str(&format!(
                "training on the page: {reason}"
            )));
            Transport::Page(ClassifierWorker::new())
        });
        let mut mode = Self {
            document: document.clone(),
            container,
            panels: Vec::new(),
            playing: false,
            dirty: true,
            transport,
            inbox,
            generation: 0,
            address_stale: false,
            gpu: Rc::new(RefCell::new(GpuState::Probing)),
            probing: true,
            gpu_lost: Arc::new(Mutex::new(None)),
        };
        mode.probe_gpu();
        mode.show_backend();
        let first = scenes()
            .into_iter()
            .next()
            .map(|s| s.panels)
            .unwrap_or_default();
        mode.render(&first)?;
        Ok(mode)
    }

    /// Asks the browser for a GPU; the answer arrives in a later frame.
    fn probe_gpu(&self) {
        let state = Rc::clone(&self.gpu);
        let lost = Arc::clone(&self.gpu_lost);
        wasm_bindgen_futures::spawn_local(async move {
            let answer = match Gpu::new().await {
                Ok(mut gpu) => {
                    let (name, fallback) = browser_adapter().await.unwrap_or_default();
                    if gpu.adapter.name.is_empty() {
                        gpu.adapter.name = name;
                    }
                    if fallback || gpu.adapter.name.to_lowercase().contains("swiftshader") {
                        gpu.adapter.device_type = wgpu::DeviceType::Cpu;
                    }
                    gpu.device.set_device_lost_callback(move |reason, message| {
                        if let Ok(mut slot) = lost.lock() {
                            *slot = Some(format!("{reason:?}: {message}"));
                        }
                    });
                    GpuState::Ready(Box::new(gpu))
                }
                Err(e) => GpuState::Unavailable(e.to_string()),
            };
            *state.borrow_mut() = answer;
        });
    }

    /// The adapter in use, for the page's badge and tests.
    fn describe_backend(&self) -> String {
        let cpu = match &self.transport {
            Transport::Worker(_) => "CPU in a Web Worker",
            Transport::Page(_) => "CPU on the page",
        };
        match &*self.gpu.borrow() {
            GpuState::Probing => format!("{cpu} · looking for WebGPU…"),
            GpuState::Ready(gpu) => format!("WebGPU: {} · {cpu}", gpu.describe()),
            GpuState::Unavailable(reason) => format!("no WebGPU ({reason}) · {cpu}"),
        }
    }

    /// Destroys the GPU device, as a driver reset or unplugged GPU would (for tests).
    pub fn lose_gpu(&self) {
        if let GpuState::Ready(gpu) = &*self.gpu.borrow() {
            gpu.device.destroy();
        }
    }

    /// Whether training is running.
    pub fn playing(&self) -> bool {
        self.playing
    }

    /// Starts or pauses training.
    pub fn set_playing(&mut self, playing: bool) {
        self.playing = playing;
        self.send(Request::Play { playing });
    }

    fn send(&mut self, request: Request) {
        match &mut self.transport {
            Transport::Worker(WorkerHandle { worker, .. }) => {
                let message = request
                    .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
                    .map_err(|e| JsValue::from_str(&e.to_string()))
                    .and_then(|m| worker.post_message(&m));
                if let Err(err) = message {
                    self.inbox.borrow_mut().push(failure(&err));
                }
            }
            Transport::Page(service) => service.handle(request),
        }
    }

    /// The worker failed: train on the page from now on, starting over.
    fn fall_back(&mut self, reason: &str) {
        if let Transport::Worker(WorkerHandle { worker, .. }) = &self.transport {
            worker.terminate();
        }
        dom::report_error(
            &self.document,
            &JsValue::from_str(&format!(
                "The training worker stopped ({reason}); training restarts on this page."
            )),
        );
        self.transport = Transport::Page(ClassifierWorker::new());
        self.show_backend();
        self.restart();
        self.set_playing(self.playing);
    }

    /// Replaces the panels with `setups` and resets training.
    pub fn render(&mut self, setups: &[PanelSetup]) -> Result<(), JsValue> {
        self.container.set_inner_html("");
        self.panels.clear();
        for (i, setup) in setups.iter().enumerate() {
            self.render_panel(i, setup)?;
            self.panels.push(Panel::default());
        }
        self.set_playing(false);
        self.restart();
        Ok(())
    }

    fn render_panel(&self, i: usize, setup: &PanelSetup) -> Result<(), JsValue> {
        let d = &self.document;
        let id = |part: &str| format!("net{i}-{part}");
        let panel = d.create_element("section")?;
        panel.set_class_name("net-panel");
        panel.set_attribute("data-panel", &i.to_string())?;
        let title = d.create_element("h3")?;
        title.set_class_name("net-title");
        title.set_id(&id("title"));
        title.set_text_content(Some(&panel_title(setup)));
        panel.append_child(&title)?;
        let bar = d.create_element("div")?;
        bar.set_class_name("net-controls");
        let slider: HtmlInputElement = create(d, "input")?;
        slider.set_type("range");
        slider.set_id(&id("width-slider"));
        slider.set_min("3");
        slider.set_max("14");
        slider.set_value(&((setup.width as f64).log2().round() as i64).to_string());
        slider.set_attribute("data-role", "width-slider")?;
        let width: HtmlInputElement = create(d, "input")?;
        width.set_type("number");
        width.set_id(&id("width"));
        width.set_min("2");
        width.set_max("16384");
        width.set_value(&setup.width.to_string());
        let width_label = labelled(d, "width ", &slider)?;
        width_label.append_child(&width)?;
        bar.append_child(&width_label)?;
        let optimizer: HtmlSelectElement = create(d, "select")?;
        optimizer.set_id(&id("optimizer"));
        optimizer.set_attribute("data-role", "optimizer")?;
        let first = d.create_element("optgroup")?;
        first.set_attribute("label", "First-order (registry)")?;
        for entry in OPTIMIZERS.iter().filter(|o| o.family == Family::FirstOrder) {
            add_option(d, &first, entry.name, entry.label)?;
        }
        optimizer.append_child(&first)?;
        let curvature = d.create_element("optgroup")?;
        curvature.set_attribute("label", "Curvature")?;
        add_option(d, &curvature, "lbfgs", "L-BFGS (full batch)")?;
        for m in NETWORK_METHODS {
            add_option(d, &curvature, m.name, m.label)?;
        }
        optimizer.append_child(&curvature)?;
        optimizer.set_value(&setup.optimizer);
        let optimizer_label = labelled(d, "optimizer ", &optimizer)?;
        bar.append_child(&optimizer_label)?;
        for (part, value) in [
            ("batch", setup.batch_size),
            ("iterations", setup.iterations),
        ] {
            let input: HtmlInputElement = create(d, "input")?;
            input.set_type("number");
            input.set_id(&id(part));
            input.set_min("1");
            input.set_value(&value.to_string());
            let label = labelled(d, &format!("{part} "), &input)?;
            bar.append_child(&label)?;
        }
        let device: HtmlSelectElement = create(d, "select")?;
        device.set_id(&id("device"));
        device.set_attribute("data-role", "device")?;
        add_option(d, &device, "auto", "auto (the faster)")?;
        add_option(d, &device, "cpu", "CPU")?;
        add_option(d, &device, "gpu", "GPU")?;
        device.set_value(match setup.device {
            DeviceChoice::Auto => "auto",
            DeviceChoice::Cpu => "cpu",
            DeviceChoice::Gpu => "gpu",
        });
        let device_label = labelled(d, "on ", &device)?;
        bar.append_child(&device_label)?;
        let badge = d.create_element("span")?;
        badge.set_id(&id("device-badge"));
        badge.set_class_name("badge");
        bar.append_child(&badge)?;
        let remove = d.create_element("button")?;
        remove.set_attribute("type", "button")?;
        remove.set_attribute("data-action", "remove")?;
        remove.set_id(&id("remove"));
        remove.set_text_content(Some("Remove"));
        bar.append_child(&remove)?;
        panel.append_child(&bar)?;
        let picture = d.create_element("div")?;
        picture.set_class_name("net-picture");
        let canvas = d.create_element("canvas")?;
        canvas.set_id(&id("canvas"));
        canvas.set_class_name("net-canvas");
        picture.append_child(&canvas)?;
        panel.append_child(&picture)?;
        let readout = d.create_element("p")?;
        readout.set_id(&id("readout"));
        readout.set_class_name("readout");
        readout.set_text_content(Some("starting…"));
        panel.append_child(&readout)?;
        let status = d.create_element("p")?;
        status.set_id(&id("status"));
        status.set_class_name("net-status");
        panel.append_child(&status)?;
        let more = d.create_element("details")?;
        more.set_class_name("net-more");
        let summary = d.create_element("summary")?;
        summary.set_text_content(Some("equations, hyperparameters and the network"));
        more.append_child(&summary)?;
        let equations = d.create_element("div")?;
        equations.set_class_name("equations");
        equations.set_id(&id("equations"));
        equations.set_inner_html(&typeset(method(&setup.optimizer).1));
        more.append_child(&equations)?;
        let params = d.create_element("div")?;
        params.set_class_name("params net-params");
        params.set_id(&id("params"));
        controls::build(
            d,
            &params,
            &id("opt"),
            method_params(&setup.optimizer),
            &setup.params,
        )?;
        more.append_child(&params)?;
        let model = d.create_element("div")?;
        model.set_class_name("params net-model");
        model.set_id(&id("model"));
        controls::build(d, &model, &id("model"), &model_params(), &setup.model)?;
        more.append_child(&model)?;
        panel.append_child(&more)?;
        self.container.append_child(&panel)?;
        Ok(())
    }

    fn input(&self, id: &str) -> Option<HtmlInputElement> {
        self.document.get_element_by_id(id)?.dyn_into().ok()
    }

    /// Reads panel `i` back from its controls.
    fn setup(&self, i: usize) -> Option<PanelSetup> {
        let id = |part: &str| format!("net{i}-{part}");
        let optimizer: HtmlSelectElement = self
            .document
            .get_element_by_id(&id("optimizer"))?
            .dyn_into()
            .ok()?;
        let number = |part: &str| {
            self.input(&id(part))
                .and_then(|e| e.value().parse::<usize>().ok())
                .unwrap_or(0)
        };
        let name = optimizer.value();
        let device = self
            .document
            .get_element_by_id(&id("device"))
            .and_then(|e| e.dyn_into::<HtmlSelectElement>().ok())
            .map_or(DeviceChoice::Auto, |select| match select.value().as_str() {
                "cpu" => DeviceChoice::Cpu,
                "gpu" => DeviceChoice::Gpu,
                _ => DeviceChoice::Auto,
            });
        Some(PanelSetup {
            width: number("width"),
            params: controls::read(&self.document, &id("opt"), method_params(&name)),
            optimizer: name,
            batch_size: number("batch"),
            iterations: number("iterations"),
            device,
            model: controls::read(&self.document, &id("model"), &model_params()),
        })
    }

    /// Every panel's log, once all of them have finished training (for the
    /// scene's claims); `None` while any still trains.
    pub fn finished_histories(&self) -> Option<Vec<&crate::train::TrainingHistory>> {
        self.panels
            .iter()
            .map(|p| {
                p.snapshot
                    .as_ref()
                    .filter(|s| s.finished)
                    .map(|s| &s.history)
            })
            .collect()
    }

    /// Makes the next [`take_address`](Self::take_address) return the address.
    pub fn mark_address_stale(&mut self) {
        self.address_stale = true;
    }

    /// The panels' setups as their controls hold them.
    fn setups(&self) -> Vec<PanelSetup> {
        (0..self.panels.len())
            .filter_map(|i| self.setup(i))
            .collect()
    }

    /// The address fragment for the panels if they changed since the last call.
    pub fn take_address(&mut self) -> Option<String> {
        if !std::mem::take(&mut self.address_stale) {
            return None;
        }
        let value = json!({ "panels": self.setups() });
        let encoded: String = js_sys::encode_uri_component(&value.to_string()).into();
        Some(format!("{ADDRESS_PREFIX}{encoded}"))
    }

    /// Loads the panels an address names (the text after [`ADDRESS_PREFIX`],
    /// decoded). Panels that cannot be read or would not train are left out
    /// and named in the returned list; with none left, the first scene loads.
    pub fn load_address(&mut self, text: &str) -> Result<Vec<String>, JsValue> {
        let (mut setups, problems) = salvage_panels(text);
        if setups.is_empty() {
            setups = scenes()
                .into_iter()
                .next()
                .map(|s| s.panels)
                .unwrap_or_default();
        }
        self.render(&setups)?;
        Ok(problems)
    }

    /// Restarts every panel's training from its controls.
    pub fn restart(&mut self) {
        for i in 0..self.panels.len() {
            self.restart_panel(i);
        }
        self.send(Request::Truncate {
            panels: self.panels.len(),
        });
    }

    /// Restarts panel `i`'s training from its controls; the others go on.
    fn restart_panel(&mut self, i: usize) {
        self.dirty = true;
        self.address_stale = true;
        {
            self.generation += 1;
            let setup = self.setup(i);
            if let (Some(title), Some(setup)) = (
                self.document.get_element_by_id(&format!("net{i}-title")),
                &setup,
            ) {
                title.set_text_content(Some(&panel_title(setup)));
            }
            let spec = setup
                .as_ref()
                .map(PanelSetup::to_spec)
                .unwrap_or(Json::Null);
            let parsed = ClassifierSpec::from_value(&spec);
            let data = parsed.as_ref().ok().map(|parsed| {
                let (seed, points, fraction) = parsed.data;
                let data = PeaksData::generate(seed, points, fraction);
                (data.train, data.test)
            });
            let mut note = parsed.as_ref().err().map(ToString::to_string);
            let adapter = match &*self.gpu.borrow() {
                GpuState::Ready(gpu) if gpu.adapter.device_type == wgpu::DeviceType::Cpu => {
                    Adapter::Software
                }
                GpuState::Ready(_) => Adapter::Hardware,
                _ => Adapter::None,
            };
            let decision = setup.as_ref().map(|s| s.device.decide(s.width, adapter));
            let gpu = match (&*self.gpu.borrow(), &parsed, decision) {
                (GpuState::Ready(gpu), Ok(parsed), Some(Ok(()))) => {
                    match GpuPanel::new(gpu, parsed) {
                        Ok(panel) => Some(panel),
                        Err(reason) => {
                            note = Some(format!("on the CPU: {reason}"));
                            None
                        }
                    }
                }
                (_, Ok(_), Some(Err(why))) if adapter != Adapter::None => {
                    note = Some(why);
                    None
                }
                _ => None,
            };
            self.show_device(i, gpu.is_some(), note.as_deref());
            if let Some(readout) = self.document.get_element_by_id(&format!("net{i}-readout")) {
                readout.set_text_content(Some(if gpu.is_some() {
                    "waiting for the GPU…"
                } else {
                    "starting…"
                }));
            }
            let on_gpu = gpu.is_some();
            self.panels[i] = Panel {
                generation: self.generation,
                data,
                changed: true,
                gpu,
                ..Panel::default()
            };
            self.send(if on_gpu {
                Request::Stop { panel: i }
            } else {
                Request::Start {
                    panel: i,
                    generation: self.generation,
                    spec,
                    resume: None,
                }
            });
        }
        self.send(Request::Play {
            playing: self.playing,
        });
    }

    /// Shows where panel `i` trains, and a note (an error, or why not on the GPU).
    fn show_device(&self, i: usize, on_gpu: bool, note: Option<&str>) {
        if let Some(badge) = self
            .document
            .get_element_by_id(&format!("net{i}-device-badge"))
        {
            badge.set_text_content(Some(if on_gpu { "GPU" } else { "CPU" }));
            let _ = badge.set_attribute("data-device", if on_gpu { "gpu" } else { "cpu" });
        }
        if let Some(status) = self.document.get_element_by_id(&format!("net{i}-status")) {
            status.set_text_content(note);
        }
    }

    /// Moves panel `i` from the lost GPU to the CPU, continuing from the last
    /// parameters read back.
    fn move_to_cpu(&mut self, i: usize, reason: &str) {
        let Some(gpu) = self.panels[i].gpu.take() else {
            return;
        };
        let spec = self.setup(i).map(|s| s.to_spec()).unwrap_or(Json::Null);
        let resume = gpu.resume();
        let from = resume.as_ref().map_or(0, |r| r.iteration);
        self.show_device(
            i,
            false,
            Some(&format!(
                "The GPU was lost ({reason}); training continues on the CPU from iteration {from}, the last parameters read back (the optimizer's state starts afresh)."
            )),
        );
        self.generation += 1;
        self.panels[i].generation = self.generation;
        self.send(Request::Start {
            panel: i,
            generation: self.generation,
            spec,
            resume,
        });
        self.send(Request::Play {
            playing: self.playing,
        });
    }

    /// A control of panel `panel` changed: rebuild its parameters if the
    /// optimizer changed, keep the width slider and box in step, restart.
    pub fn on_change(&mut self, target: &Element) -> Result<(), JsValue> {
        let Some(panel) = target
            .closest(".net-panel")?
            .and_then(|p| p.get_attribute("data-panel"))
        else {
            return Ok(());
        };
        let i: usize = panel.parse().unwrap_or(0);
        match target.get_attribute("data-role").as_deref() {
            Some("optimizer") => {
                let name = target
                    .dyn_ref::<HtmlSelectElement>()
                    .map(|s| s.value())
                    .unwrap_or_default();
                if let Some(equations) = self
                    .document
                    .get_element_by_id(&format!("net{i}-equations"))
                {
                    equations.set_inner_html(&typeset(method(&name).1));
                }
                if let Some(params) = self.document.get_element_by_id(&format!("net{i}-params")) {
                    controls::build(
                        &self.document,
                        &params,
                        &format!("net{i}-opt"),
                        method_params(&name),
                        &BTreeMap::new(),
                    )?;
                }
            }
            Some("width-slider") => {
                let exponent: i32 = target
                    .dyn_ref::<HtmlInputElement>()
                    .map_or(5, |s| s.value().parse().unwrap_or(5));
                if let Some(width) = self.input(&format!("net{i}-width")) {
                    width.set_value(&(1usize << exponent.clamp(1, 14)).to_string());
                }
            }
            _ if target.id().starts_with(&format!("net{i}-model-")) => {
                controls::sync(target, &model_params());
            }
            _ => {
                if let Some(setup) = self.setup(i) {
                    controls::sync(target, method_params(&setup.optimizer));
                }
            }
        }
        self.restart_panel(i);
        Ok(())
    }

    /// A click in the panels: remove one.
    pub fn on_click(&mut self, target: &Element) -> Result<(), JsValue> {
        if target.get_attribute("data-action").as_deref() != Some("remove") || self.panels.len() < 2
        {
            return Ok(());
        }
        let Some(index) = target
            .closest(".net-panel")?
            .and_then(|p| p.get_attribute("data-panel"))
        else {
            return Ok(());
        };
        let index: usize = index.parse().unwrap_or(0);
        let setups: Vec<PanelSetup> = (0..self.panels.len())
            .filter(|&i| i != index)
            .filter_map(|i| self.setup(i))
            .collect();
        self.render(&setups)
    }

    /// Adds a panel like the last one.
    pub fn add_panel(&mut self) -> Result<(), JsValue> {
        if self.panels.len() >= MAX_PANELS {
            return Ok(());
        }
        let mut setups: Vec<PanelSetup> = (0..self.panels.len())
            .filter_map(|i| self.setup(i))
            .collect();
        if let Some(last) = setups.last().cloned() {
            setups.push(last);
        }
        self.render(&setups)
    }

    /// Takes in what the trainer reported (training a slice first if the page
    /// trains itself) and redraws the panels that changed.
    pub fn frame(&mut self) -> Result<(), JsValue> {
        if let Transport::Page(service) = &mut self.transport {
            if service.busy() {
                let budget = if self.playing { FRAME_BUDGET_MS } else { 0.0 };
                self.inbox.borrow_mut().extend(service.work(budget));
            }
        }
        let messages = std::mem::take(&mut *self.inbox.borrow_mut());
        for message in messages {
            self.receive(message);
        }
        self.gpu_frame();
        let resized = (0..self.panels.len()).any(|i| {
            self.document
                .get_element_by_id(&format!("net{i}-canvas"))
                .and_then(|c| c.dyn_into::<HtmlCanvasElement>().ok())
                .is_some_and(|c| canvas::fit_to_display(&c).2)
        });
        let redraw_all = self.dirty || resized;
        self.dirty = false;
        for i in 0..self.panels.len() {
            if redraw_all || self.panels[i].changed {
                self.panels[i].changed = false;
                self.draw(i)?;
            }
        }
        let all_finished = self
            .panels
            .iter()
            .all(|p| p.snapshot.as_ref().is_some_and(|s| s.finished));
        if self.playing && all_finished {
            self.set_playing(false);
        }
        Ok(())
    }

    /// The GPU's part of a frame: notices its answer or its loss, queues steps
    /// for the panels training there and takes in what they read back.
    fn gpu_frame(&mut self) {
        let probing = matches!(*self.gpu.borrow(), GpuState::Probing);
        if self.probing && !probing {
            self.show_backend();
            if !self.playing {
                // The answer came: panels that can train on the GPU move there.
                self.restart();
            }
        }
        self.probing = probing;
        let lost = self.gpu_lost.lock().ok().and_then(|mut slot| slot.take());
        if let Some(reason) = lost {
            *self.gpu.borrow_mut() = GpuState::Unavailable(format!("lost: {reason}"));
            self.show_backend();
            for i in 0..self.panels.len() {
                self.move_to_cpu(i, &reason);
            }
        }
        let playing = self.playing;
        let state = self.gpu.borrow();
        let gpu = match &*state {
            GpuState::Ready(gpu) => Some(gpu.as_ref()),
            _ => None,
        };
        let mut failed = Vec::new();
        for (i, panel) in self.panels.iter_mut().enumerate() {
            let Some(trainer) = panel.gpu.as_mut() else {
                continue;
            };
            if let (true, Some(gpu)) = (playing, gpu) {
                trainer.advance(gpu, GPU_FRAME_BUDGET_MS);
            }
            let (grid, changed) = trainer.take_events();
            if let Some(grid) = grid {
                panel.grid = Some(grid);
                panel.regions = None;
            }
            if changed {
                panel.snapshot = Some(trainer.snapshot(i, panel.generation));
                panel.changed = true;
            }
            if let Some(error) = trainer.failure() {
                failed.push((i, error.to_string()));
            }
        }
        drop(state);
        for (i, reason) in failed {
            self.move_to_cpu(i, &reason);
        }
    }

    /// Says in the mode's badge where training runs.
    fn show_backend(&self) {
        if let Some(badge) = self.document.get_element_by_id("net-backend") {
            badge.set_text_content(Some(&self.describe_backend()));
        }
    }

    /// Applies one message from the trainer.
    fn receive(&mut self, message: JsValue) {
        if let Some(reason) = failure_reason(&message) {
            self.fall_back(&reason);
            return;
        }
        let snapshot: Snapshot = match serde_wasm_bindgen::from_value(message) {
            Ok(snapshot) => snapshot,
            Err(err) => {
                web_sys::console::error_1(&JsValue::from_str(&format!("training snapshot: {err}")));
                return;
            }
        };
        let Some(panel) = self.panels.get_mut(snapshot.panel) else {
            return;
        };
        if panel.generation != snapshot.generation {
            return;
        }
        let mut snapshot = snapshot;
        if let Some(grid) = snapshot.grid.take() {
            panel.grid = Some(grid);
            panel.regions = None;
        }
        if let (Some(error), Some(status)) = (
            &snapshot.error,
            self.document
                .get_element_by_id(&format!("net{}-status", snapshot.panel)),
        ) {
            status.set_text_content(Some(error));
        }
        panel.snapshot = Some(snapshot);
        panel.changed = true;
    }

    fn draw(&mut self, i: usize) -> Result<(), JsValue> {
        let Some(canvas_element) = self.document.get_element_by_id(&format!("net{i}-canvas"))
        else {
            return Ok(());
        };
        let canvas_element: HtmlCanvasElement = canvas_element
            .dyn_into()
            .map_err(|_| JsValue::from_str("not a canvas"))?;
        let (size, ratio, _) = canvas::fit_to_display(&canvas_element);
        let presenting = self
            .document
            .body()
            .is_some_and(|b| b.class_list().contains("presenting"));
        let scale = if presenting { 1.3 * ratio } else { ratio };
        let document = self.document.clone();
        let panel = &mut self.panels[i];
        let (Some((train, test)), Some(snapshot)) = (&panel.data, &panel.snapshot) else {
            return Ok(());
        };
        let rect = regions_rect(size, scale);
        let stale = panel
            .regions
            .as_ref()
            .is_none_or(|(_, w, h)| *w != rect.width || *h != rect.height);
        if let (true, Some(grid)) = (stale, &panel.grid) {
            let rgb = region_pixels(grid, rect.width, rect.height);
            let rgba: Vec<u8> = rgb
                .chunks_exact(3)
                .flat_map(|p| [p[0], p[1], p[2], 255])
                .collect();
            let data = canvas::rgba_image_data(&rgba, rect.width, rect.height)?;
            panel.regions = Some((data, rect.width, rect.height));
        }
        let context = canvas::context_2d(&canvas_element)?;
        context.set_fill_style_str("#ffffff");
        context.fill_rect(0.0, 0.0, f64::from(size.0), f64::from(size.1));
        if let Some((data, _, _)) = &panel.regions {
            context.put_image_data(data, f64::from(rect.left), f64::from(rect.top))?;
        }
        let backend = CanvasBackend::with_canvas_object(canvas_element)
            .ok_or_else(|| JsValue::from_str("plotters could not use the canvas"))?;
        let root = backend.into_drawing_area();
        let h = &snapshot.history;
        draw_training(&root, None, train, test, h, scale)
            .map_err(|e| JsValue::from_str(&format!("drawing failed: {e}")))?;
        root.present()
            .map_err(|e| JsValue::from_str(&format!("drawing failed: {e}")))?;
        let Some(last) = h.iteration.len().checked_sub(1) else {
            return Ok(());
        };
        let mut text = format!(
            "iteration {} · epoch {} · train {:.2} % · test {:.2} % · loss {}",
            snapshot.iteration,
            format_number(h.epoch[last]),
            100.0 * h.train_accuracy[last],
            100.0 * h.test_accuracy[last],
            format_number(h.train_loss[last]),
        );
        if let Some(rate) = rate(h) {
            text.push_str(&format!(" · {} it/s", format_number(rate.round())));
        }
        if snapshot.finished && !h.train_loss[last].is_finite() {
            text.push_str(" · diverged: the loss is no longer finite, training stopped");
        }
        if let Some(readout) = document.get_element_by_id(&format!("net{i}-readout")) {
            readout.set_text_content(Some(&text));
            // Full precision for tests and for copying.
            for (name, value) in [
                ("data-iteration", h.iteration[last] as f64),
                ("data-train-loss", h.train_loss[last]),
                ("data-test-accuracy", h.test_accuracy[last]),
                ("data-wall-ms", h.wall_ms[last]),
            ] {
                readout.set_attribute(name, &value.to_string())?;
            }
        }
        Ok(())
    }
}

/// Starts the training worker, loading this same module (its URLs are the
/// ones the page's own loader names) and forwarding its messages to `inbox`.
fn spawn_worker(
    document: &Document,
    inbox: &Rc<RefCell<Vec<JsValue>>>,
) -> Result<Transport, String> {
    let href = |selector: &str| {
        document
            .query_selector(selector)
            .ok()
            .flatten()
            .and_then(|link| link.get_attribute("href"))
    };
    let glue = href("link[rel=modulepreload][href$='.js']")
        .ok_or("the page does not name its JavaScript module")?;
    let wasm = href("link[rel=preload][href$='.wasm']")
        .ok_or("the page does not name its WebAssembly module")?;
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    let worker = Worker::new_with_options("worker.js", &options)
        .map_err(|e| format!("no worker: {}", describe(&e)))?;
    let messages = Rc::clone(inbox);
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        messages.borrow_mut().push(event.data());
    });
    let errors = Rc::clone(inbox);
    let on_error = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
        let message = js_sys::Reflect::get(&event, &JsValue::from_str("message"))
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_else(|| "the worker failed".into());
        errors
            .borrow_mut()
            .push(failure(&JsValue::from_str(&message)));
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let load = js_sys::Object::new();
    for (key, value) in [
        ("kind", "load"),
        ("glue", glue.as_str()),
        ("wasm", wasm.as_str()),
    ] {
        js_sys::Reflect::set(&load, &JsValue::from_str(key), &JsValue::from_str(value))
            .map_err(|e| describe(&e))?;
    }
    worker.post_message(&load).map_err(|e| describe(&e))?;
    Ok(Transport::Worker(WorkerHandle {
        worker,
        _on_message: on_message,
        _on_error: on_error,
    }))
}

/// The message `{ kind: "failed", reason }`, as the worker script posts it.
fn failure(reason: &JsValue) -> JsValue {
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(
        &message,
        &JsValue::from_str("kind"),
        &JsValue::from_str("failed"),
    );
    let _ = js_sys::Reflect::set(
        &message,
        &JsValue::from_str("reason"),
        &JsValue::from_str(&describe(reason)),
    );
    message.into()
}

fn failure_reason(message: &JsValue) -> Option<String> {
    let kind = js_sys::Reflect::get(message, &JsValue::from_str("kind")).ok()?;
    (kind.as_string().as_deref() == Some("failed")).then(|| {
        js_sys::Reflect::get(message, &JsValue::from_str("reason"))
            .ok()
            .and_then(|r| r.as_string())
            .unwrap_or_default()
    })
}

fn describe(value: &JsValue) -> String {
    value.as_string().unwrap_or_else(|| format!("{value:?}"))
}

/// The browser's own words for its WebGPU adapter (vendor, architecture,
/// description), which wgpu does not pass on, and whether it is a software
/// fallback; `None` if it gives none.
async fn browser_adapter() -> Option<(String, bool)> {
    let get =
        |object: &JsValue, key: &str| js_sys::Reflect::get(object, &JsValue::from_str(key)).ok();
    let navigator = get(&js_sys::global(), "navigator")?;
    let gpu = get(&navigator, "gpu")?;
    let request: js_sys::Function = get(&gpu, "requestAdapter")?.dyn_into().ok()?;
    let promise: js_sys::Promise = request.call0(&gpu).ok()?.dyn_into().ok()?;
    let adapter = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    let info = get(&adapter, "info")?;
    let fallback = [
        get(&info, "isFallbackAdapter"),
        get(&adapter, "isFallbackAdapter"),
    ]
    .iter()
    .flatten()
    .any(|v| v.as_bool() == Some(true));
    let parts: Vec<String> = ["vendor", "architecture", "description"]
        .iter()
        .filter_map(|key| get(&info, key)?.as_string())
        .filter(|part| !part.is_empty())
        .collect();
    Some((parts.join(" "), fallback))
}

/// Iterations per second between the last two log entries.
fn rate(h: &crate::train::TrainingHistory) -> Option<f64> {
    let n = h.iteration.len();
    (n >= 2).then_some(())?;
    let iterations = h.iteration[n - 1].checked_sub(h.iteration[n - 2])? as f64;
    let ms = h.wall_ms[n - 1] - h.wall_ms[n - 2];
    (ms > 0.0).then(|| 1e3 * iterations / ms)
}

/// A panel's heading: its optimizer's name, width and batch.
fn panel_title(setup: &PanelSetup) -> String {
    let name = NETWORK_METHODS
        .iter()
        .find(|m| m.name == setup.optimizer)
        .map(|m| m.label)
        .or_else(|| {
            OPTIMIZERS
                .iter()
                .find(|o| o.name == setup.optimizer)
                .map(|o| o.label)
        })
        .unwrap_or(setup.optimizer.as_str());
    let init = setup
        .model
        .get("init")
        .and_then(Json::as_str)
        .or_else(|| {
            MODEL_PARAMS
                .iter()
                .find(|p| p.name == "init")
                .and_then(|p| match p.default {
                    Value::Choice(c) => Some(c),
                    _ => None,
                })
        })
        .unwrap_or_default();
    format!(
        "{name} · width {} · {init} init · batch {} · {} iterations",
        setup.width, setup.batch_size, setup.iterations
    )
}
