//! The peaks-classifier mode: side-by-side panels, each training a network
//! with its own width and optimizer. Training runs in a Web Worker (see
//! [`super::trainer`]), so the page never freezes; the page draws the
//! snapshots it sends back, the decision regions updating while it trains.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use serde_json::Value as Json;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlCanvasElement, ImageData};

use super::gpu_panel::GpuPanel;
use super::gpu_probe::{probe_gpu, GpuState};
use super::inside_view::{inside_message, InsideView};
use super::net_panel::{build_panel, panel_title, rebuild_method, refresh_panel};
use super::trainer::{ClassifierWorker, Request, Snapshot};
use super::transport::{failure, failure_reason, Transport, Workers};
use super::{canvas, dom};
use crate::data::{Dataset, PeaksData};
use crate::experiment::classifier::device::Adapter;
use crate::experiment::classifier::{ClassifierSpec, DecisionGrid};
use crate::scene::panel::PanelSetup;

/// Milliseconds of training per animation frame when the page trains itself.
const FRAME_BUDGET_MS: f64 = 8.0;
/// Milliseconds per frame spent queueing GPU steps, all panels together at most.
const GPU_FRAME_BUDGET_MS: f64 = 4.0;

/// One panel: what the trainer last reported and the picture made of it.
#[derive(Default)]
pub(super) struct Panel {
    /// What it trains, as the page state last gave it.
    pub(super) setup: PanelSetup,
    /// Tells this panel's current start from earlier ones.
    pub(super) generation: u32,
    /// Its training and test points.
    pub(super) data: Option<(Dataset, Dataset)>,
    /// The latest snapshot (its regions moved to `grid`).
    pub(super) snapshot: Option<Snapshot>,
    pub(super) grid: Option<DecisionGrid>,
    pub(super) regions: Option<(ImageData, u32, u32)>,
    pub(super) changed: bool,
    /// Its GPU training, when it trains there.
    pub(super) gpu: Option<GpuPanel>,
}

/// The classifier mode's state.
pub struct ClassifierMode {
    pub(super) document: Document,
    container: Element,
    pub(super) panels: Vec<Panel>,
    playing: bool,
    /// Whether the panels need redrawing though nothing trains.
    pub dirty: bool,
    transport: Transport,
    /// Snapshots (and failure notices) from the worker, drained each frame.
    inbox: Rc<RefCell<Vec<JsValue>>>,
    generation: u32,
    /// The GPU, once the browser has answered.
    gpu: Rc<RefCell<GpuState>>,
    /// Whether `gpu` was still probing at the last frame.
    probing: bool,
    /// Set by the device's lost callback, with the reason.
    gpu_lost: Arc<Mutex<Option<String>>>,
    /// The view inside the network, shown in place of the panels.
    pub(super) inside: InsideView,
}

impl ClassifierMode {
    /// The mode over `container`, with no panels yet, training in a worker
    /// if one starts.
    pub fn new(document: &Document, container: Element) -> Result<Self, JsValue> {
        let inbox = Rc::new(RefCell::new(Vec::new()));
        let transport = Workers::new(document, &inbox).map_or_else(
            |reason| {
                web_sys::console::warn_1(&JsValue::from_str(&format!(
                    "training on the page: {reason}"
                )));
                Transport::Page(ClassifierWorker::new())
            },
            Transport::Workers,
        );
        let inside = InsideView::new(
            document,
            &document
                .get_element_by_id("classifier-mode")
                .ok_or_else(|| JsValue::from_str("the page has no classifier mode"))?,
        )?;
        let mode = Self {
            inside,
            document: document.clone(),
            container,
            panels: Vec::new(),
            playing: false,
            dirty: true,
            transport,
            inbox,
            generation: 0,
            gpu: Rc::new(RefCell::new(GpuState::Probing)),
            probing: true,
            gpu_lost: Arc::new(Mutex::new(None)),
        };
        probe_gpu(&mode.gpu, &mode.gpu_lost);
        mode.show_backend();
        Ok(mode)
    }

    /// The adapter in use, for the page's badge and tests.
    fn describe_backend(&self) -> String {
        let cpu = match &self.transport {
            Transport::Workers(w) if w.started() == 1 => "CPU in a Web Worker".to_string(),
            Transport::Workers(w) => format!("CPU in {} Web Workers", w.started()),
            Transport::Page(_) => "CPU on the page".to_string(),
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

    pub(super) fn send(&mut self, request: Request) {
        match &mut self.transport {
            Transport::Workers(workers) => {
                let before = workers.started();
                if let Err(err) = workers.send(&request) {
                    self.inbox.borrow_mut().push(failure(&err));
                }
                if workers.started() != before {
                    self.show_backend();
                }
            }
            Transport::Page(service) => service.handle(request),
        }
    }

    /// The worker failed: train on the page from now on, starting over.
    fn fall_back(&mut self, reason: &str) {
        if let Transport::Workers(workers) = &self.transport {
            workers.terminate();
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
        // The stylesheet arranges the panels by their count (2 × 2 for four).
        self.container
            .set_attribute("data-count", &setups.len().to_string())?;
        self.panels.clear();
        for (i, setup) in setups.iter().enumerate() {
            self.container
                .append_child(&build_panel(&self.document, i, setup)?.into())?;
            self.panels.push(Panel {
                setup: setup.clone(),
                ..Panel::default()
            });
        }
        self.set_playing(false);
        self.restart();
        Ok(())
    }

    /// Every panel's log, once all of them have finished training (for the
    /// scene's claims); `None` while any still trains.
    pub fn finished_histories(
        &self,
    ) -> Option<Vec<&crate::experiment::classifier::TrainingHistory>> {
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

    /// Panel `i` now trains `setup`: its controls are rebuilt (`rebuild`) or
    /// show the new values, and its training restarts.
    pub fn update_panel(
        &mut self,
        i: usize,
        setup: &PanelSetup,
        rebuild: bool,
    ) -> Result<(), JsValue> {
        let Some(panel) = self.panels.get_mut(i) else {
            return Ok(());
        };
        panel.setup = setup.clone();
        if rebuild {
            rebuild_method(&self.document, i, setup)?;
        }
        refresh_panel(&self.document, i, setup);
        self.restart_panel(i);
        Ok(())
    }

    /// Shows every panel's values in its controls again.
    pub fn refresh(&self) {
        for (i, panel) in self.panels.iter().enumerate() {
            refresh_panel(&self.document, i, &panel.setup);
        }
    }

    /// Restarts every panel's training.
    pub fn restart(&mut self) {
        for i in 0..self.panels.len() {
            self.restart_panel(i);
        }
        self.send(Request::Truncate {
            panels: self.panels.len(),
        });
    }

    /// Restarts panel `i`'s training; the others go on.
    fn restart_panel(&mut self, i: usize) {
        self.dirty = true;
        {
            self.generation += 1;
            let setup = self.panels.get(i).map(|p| p.setup.clone());
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
                readout.set_text_content(Some(if parsed.is_err() {
                    "not training: this setup is refused (why, below)"
                } else if gpu.is_some() {
                    "waiting for the GPU…"
                } else {
                    "starting…"
                }));
            }
            let on_gpu = gpu.is_some();
            self.panels[i] = Panel {
                setup: setup.clone().unwrap_or_default(),
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
        let spec = self.panels[i].setup.to_spec();
        let resume = gpu.resume();
        let from = resume.as_ref().map_or(0, |r| r.iteration);
        self.show_device(
            i,
            false,
            Some(&format!(
                "The GPU was lost ({reason}); training continues on the CPU from iteration {from}, the last parameters read back, with its optimizer state."
            )),
        );
        self.generation += 1;
        self.panels[i].generation = self.generation;
        self.send(Request::Start {
            panel: i,
            generation: self.generation,
            spec,
            resume: resume.map(Box::new),
        });
        self.send(Request::Play {
            playing: self.playing,
        });
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
        // Hidden behind the view inside the network, the panels wait (their
        // canvases have no size); closing it redraws them all.
        let hidden = self.inside.is_open();
        let redraw_all = !hidden && (self.dirty || resized);
        if !hidden {
            self.dirty = false;
        }
        for i in (0..self.panels.len()).filter(|_| !hidden) {
            if redraw_all || self.panels[i].changed {
                self.panels[i].changed = false;
                self.draw(i)?;
            }
        }
        let presenting = self
            .document
            .body()
            .is_some_and(|b| b.class_list().contains("presenting"));
        self.inside.draw(presenting)?;
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
        if let Some(answer) = inside_message(&message) {
            self.inside.receive(answer);
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
}
