//! A classifier panel trained on the GPU from the page. Steps are queued a few
//! per frame, never more than [`MAX_IN_FLIGHT`] unfinished, so the queue
//! cannot run away from a slow device; the log (with the parameters, kept for
//! a fallback to the CPU) and the decision regions are read back
//! asynchronously and arrive as events, so nothing waits on the GPU.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use super::dom::now;
use super::trainer::Snapshot;
use crate::experiment::classifier::{
    Checkpoint, ClassifierSpec, DecisionGrid, TrainingHistory, GRID_SIZE,
};
use crate::gpu::{Gpu, GpuError, GpuEval, GpuSession};
use crate::optim::RuleState;

/// Steps queued but not yet run, at most.
const MAX_IN_FLIGHT: usize = 3;
/// Milliseconds between decision-region read-backs while training.
const GRID_INTERVAL_MS: f64 = 250.0;

/// What a read-back brings.
enum Event {
    Log {
        iteration: usize,
        evals: (GpuEval, GpuEval),
    },
    Parameters {
        iteration: usize,
        theta: Vec<f32>,
        state: RuleState,
    },
    Grid {
        iteration: usize,
        classes: Vec<u8>,
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
    started: f64,
    history: TrainingHistory,
    /// The last parameters and optimizer state read back, and their iteration.
    parameters: Option<(usize, Vec<f32>, RuleState)>,
    failure: Option<GpuError>,
    /// Whether parameters read back were no longer finite (training stops).
    diverged: bool,
}

impl GpuPanel {
    /// Sets `spec` up on `gpu` and asks for its first log and regions.
    pub fn new(gpu: &Gpu, spec: &ClassifierSpec) -> Result<Self, GpuError> {
        let mut panel = Self {
            session: GpuSession::new(gpu, spec)?,
            events: Rc::new(RefCell::new(Vec::new())),
            in_flight: Arc::new(AtomicUsize::new(0)),
            pending_logs: 0,
            grid_pending: false,
            grid_iteration: None,
            last_grid: f64::NEG_INFINITY,
            started: now(),
            history: TrainingHistory::default(),
            parameters: None,
            failure: None,
            diverged: false,
        };
        panel.request_log();
        panel.request_grid();
        Ok(panel)
    }

    /// Whether every iteration has run (or training diverged) and been logged.
    pub fn finished(&self) -> bool {
        (self.session.finished() || self.diverged) && self.pending_logs == 0
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
            && !self.diverged
            && self.in_flight.load(Ordering::Relaxed) < MAX_IN_FLIGHT
            && now() < until
        {
            self.session.step();
            self.in_flight.fetch_add(1, Ordering::Relaxed);
            let in_flight = Arc::clone(&self.in_flight);
            gpu.queue.on_submitted_work_done(move || {
                in_flight.fetch_sub(1, Ordering::Relaxed);
            });
            if self.session.log_due() {
                self.request_log();
            }
        }
        let grid_behind = self.grid_iteration != Some(self.session.iteration());
        let stopped = self.session.finished() || self.diverged;
        if grid_behind && (stopped || now() - self.last_grid >= GRID_INTERVAL_MS) {
            self.request_grid();
        }
    }

    fn request_log(&mut self) {
        let iteration = self.session.iteration();
        let evaluation = self.session.mlp().request_evaluation();
        let parameters = self.session.mlp().request_parameters();
        let state = self.session.mlp().request_state();
        self.pending_logs += 1;
        let events = Rc::clone(&self.events);
        wasm_bindgen_futures::spawn_local(async move {
            let log = evaluation
                .finish()
                .await
                .map(|evals| Event::Log { iteration, evals });
            let theta = match (parameters.floats().await, state.finish().await) {
                (Ok(theta), Ok(state)) => Ok(Event::Parameters {
                    iteration,
                    theta,
                    state,
                }),
                (Err(e), _) | (_, Err(e)) => Err(e),
            };
            let mut events = events.borrow_mut();
            for event in [log, theta] {
                events.push(event.unwrap_or_else(Event::Failed));
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
        let request = self.session.mlp().request_grid(GRID_SIZE);
        let events = Rc::clone(&self.events);
        wasm_bindgen_futures::spawn_local(async move {
            let event = request
                .finish()
                .await
                .map(|classes| Event::Grid { iteration, classes });
            events
                .borrow_mut()
                .push(event.unwrap_or_else(Event::Failed));
        });
    }

    /// Takes in what was read back; returns fresh regions if any arrived and
    /// whether anything changed.
    pub fn take_events(&mut self) -> (Option<DecisionGrid>, bool) {
        let events = std::mem::take(&mut *self.events.borrow_mut());
        let changed = !events.is_empty();
        let mut grid = None;
        for event in events {
            match event {
                Event::Log { iteration, evals } => {
                    self.pending_logs = self.pending_logs.saturating_sub(1);
                    let entry = self
                        .session
                        .log_entry(iteration, evals, now() - self.started);
                    self.history.push(entry);
                }
                Event::Parameters {
                    iteration,
                    theta,
                    state,
                } => {
                    if theta.iter().all(|v| v.is_finite()) {
                        self.parameters = Some((iteration, theta, state));
                    } else {
                        self.diverged = true;
                    }
                }
                Event::Grid { iteration, classes } => {
                    self.grid_pending = false;
                    self.grid_iteration = Some(iteration);
                    grid = Some(DecisionGrid {
                        size: GRID_SIZE,
                        classes,
                    });
                }
                Event::Failed(error) => {
                    self.pending_logs = self.pending_logs.saturating_sub(1);
                    self.grid_pending = false;
                    self.failure.get_or_insert(error);
                }
            }
        }
        (grid, changed)
    }

    /// The panel's state as the drawing code takes it.
    pub fn snapshot(&self, panel: usize, generation: u32) -> Snapshot {
        Snapshot {
            panel,
            generation,
            iteration: self.history.iteration.last().copied().unwrap_or(0),
            finished: self.finished(),
            history: self.history.clone(),
            grid: None,
            error: None,
        }
    }

    /// Where the CPU should continue from: the last parameters and
    /// optimizer state read back, and the log up to them.
    pub fn resume(&self) -> Option<Checkpoint> {
        let (iteration, theta, state) = self.parameters.as_ref()?;
        let mut history = self.history.clone();
        history.truncate_after(*iteration);
        Some(Checkpoint {
            iteration: *iteration,
            theta: theta.iter().map(|&v| f64::from(v)).collect(),
            state: Some(state.clone()),
            history,
        })
    }
}
