//! A classifier panel trained on the GPU from the page: the classifier's one
//! training loop over the GPU backend. Steps are queued a few per frame,
//! never more than [`MAX_IN_FLIGHT`] unfinished, so the queue cannot run
//! away from a slow device; each log's measures and checkpoint (parameters
//! with the optimizer's state, kept for a fallback to the CPU) and the
//! decision regions are resolved asynchronously and arrive as events, so
//! nothing waits on the GPU.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use super::dom::now;
use super::trainer::Snapshot;
use crate::experiment::classifier::{
    Backend, Checkpoint, ClassifierSpec, DecisionGrid, Measures, PendingLog, GRID_SIZE,
};
use crate::gpu::{gpu_session, Gpu, GpuError, GpuSession};
use crate::optim::{RuleState, StepInfo};

/// Steps queued but not yet run, at most.
const MAX_IN_FLIGHT: usize = 3;
/// Milliseconds between decision-region read-backs while training.
const GRID_INTERVAL_MS: f64 = 250.0;

/// What a read-back brings.
enum Event {
    Log {
        iteration: usize,
        info: StepInfo,
        measures: Measures,
    },
    Checkpoint {
        iteration: usize,
        theta: Vec<f64>,
        state: Option<RuleState>,
    },
    Grid {
        iteration: usize,
        grid: DecisionGrid,
    },
    Failed(GpuError),
}

/// One panel's GPU training and what has been read back of it.
pub struct GpuPanel {
    session: GpuSession,
    events: Rc<RefCell<Vec<Event>>>,
    in_flight: Arc<AtomicUsize>,
    pending_logs: usize,
    grid_pending: bool,
    grid_iteration: Option<usize>,
    last_grid: f64,
    /// The last checkpoint read back: its iteration, parameters and optimizer state.
    checkpoint: Option<(usize, Vec<f64>, Option<RuleState>)>,
    failure: Option<GpuError>,
}

impl GpuPanel {
    /// Sets `spec` up on `gpu` and asks for its first log and regions.
    pub fn new(gpu: &Gpu, spec: &ClassifierSpec) -> Result<Self, GpuError> {
        let (session, first) = gpu_session(gpu, spec, now())?;
        let mut panel = Self {
            session,
            events: Rc::new(RefCell::new(Vec::new())),
            in_flight: Arc::new(AtomicUsize::new(0)),
            pending_logs: 0,
            grid_pending: false,
            grid_iteration: None,
            last_grid: f64::NEG_INFINITY,
            checkpoint: None,
            failure: None,
        };
        panel.request_log(first);
        panel.request_grid();
        Ok(panel)
    }

    /// Whether every iteration has run (or training diverged) and been logged.
    pub fn finished(&self) -> bool {
        self.session.finished() && self.pending_logs == 0
    }

    /// Why the GPU failed this panel, if it did.
    pub fn failure(&self) -> Option<&GpuError> {
        self.failure.as_ref()
    }

    /// Queues steps for up to `budget_ms` of the page's time, keeping at most
    /// [`MAX_IN_FLIGHT`] unfinished, and asks for logs and regions when due.
    pub fn advance(&mut self, gpu: &Gpu, budget_ms: f64) {
        let until = now() + budget_ms;
        while !self.session.finished()
            && self.in_flight.load(Ordering::Relaxed) < MAX_IN_FLIGHT
            && now() < until
        {
            let log = self.session.step();
            self.in_flight.fetch_add(1, Ordering::Relaxed);
            let in_flight = Arc::clone(&self.in_flight);
            gpu.queue.on_submitted_work_done(move || {
                in_flight.fetch_sub(1, Ordering::Relaxed);
            });
            if let Some(log) = log {
                self.request_log(log);
            }
        }
        let grid_behind = self.grid_iteration != Some(self.session.iteration());
        let stopped = self.session.finished();
        if grid_behind && (stopped || now() - self.last_grid >= GRID_INTERVAL_MS) {
            self.request_grid();
        }
    }

    /// Resolves a log's measures and, with them, a checkpoint.
    fn request_log(&mut self, log: PendingLog) {
        let PendingLog {
            iteration,
            info,
            measures,
        } = log;
        let checkpoint = self.session.backend_mut().checkpoint();
        self.pending_logs += 1;
        let events = Rc::clone(&self.events);
        wasm_bindgen_futures::spawn_local(async move {
            let log = measures.resolve().await.map(|measures| Event::Log {
                iteration,
                info,
                measures,
            });
            let checkpoint = checkpoint
                .resolve()
                .await
                .map(|(theta, state)| Event::Checkpoint {
                    iteration,
                    theta,
                    state,
                });
            let mut events = events.borrow_mut();
            for event in [log, checkpoint] {
                events.push(event.unwrap_or_else(|e| Event::Failed(GpuError(e))));
            }
        });
    }

    fn request_grid(&mut self) {
        if self.grid_pending {
            return;
        }
        self.grid_pending = true;
        self.last_grid = now();
        let iteration = self.session.iteration();
        let request = self.session.backend_mut().grid(GRID_SIZE);
        let events = Rc::clone(&self.events);
        wasm_bindgen_futures::spawn_local(async move {
            let event = request
                .resolve()
                .await
                .map(|grid| Event::Grid { iteration, grid });
            events
                .borrow_mut()
                .push(event.unwrap_or_else(|e| Event::Failed(GpuError(e))));
        });
    }

    /// Takes in what was read back; returns fresh regions if any arrived and
    /// whether anything changed.
    pub fn take_events(&mut self) -> (Option<DecisionGrid>, bool) {
        let events = std::mem::take(&mut *self.events.borrow_mut());
        let changed = !events.is_empty();
        let mut fresh = None;
        for event in events {
            match event {
                Event::Log {
                    iteration,
                    info,
                    measures,
                } => {
                    self.pending_logs = self.pending_logs.saturating_sub(1);
                    self.session.record(iteration, &info, measures, now());
                }
                Event::Checkpoint {
                    iteration,
                    theta,
                    state,
                } => {
                    if theta.iter().all(|v| v.is_finite()) {
                        self.checkpoint = Some((iteration, theta, state));
                    } else {
                        self.session.backend_mut().mark_diverged();
                    }
                }
                Event::Grid { iteration, grid } => {
                    self.grid_pending = false;
                    self.grid_iteration = Some(iteration);
                    fresh = Some(grid);
                }
                Event::Failed(error) => {
                    self.pending_logs = self.pending_logs.saturating_sub(1);
                    self.grid_pending = false;
                    self.failure.get_or_insert(error);
                }
            }
        }
        (fresh, changed)
    }

    /// The panel's state as the drawing code takes it.
    pub fn snapshot(&self, panel: usize, generation: u32) -> Snapshot {
        let history = self.session.history();
        Snapshot {
            panel,
            generation,
            iteration: history.iteration.last().copied().unwrap_or(0),
            finished: self.finished(),
            history: history.clone(),
            grid: None,
            error: None,
        }
    }

    /// Where the CPU should continue from: the last checkpoint read back
    /// (parameters and optimizer state) and the log up to it.
    pub fn resume(&self) -> Option<Checkpoint> {
        let (iteration, theta, state) = self.checkpoint.as_ref()?;
        let mut history = self.session.history().clone();
        history.truncate_after(*iteration);
        Some(Checkpoint {
            iteration: *iteration,
            theta: theta.clone(),
            state: state.clone(),
            history,
        })
    }
}
