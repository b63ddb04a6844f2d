//! Classifier training as a message service. The page sends [`Request`]s
//! (start a panel, play, pause); the service trains in time slices and answers
//! with [`Snapshot`]s. It runs in a Web Worker (`www/worker.js` loads this
//! module there), so a long iteration never blocks the page; where no worker
//! can start, the page drives the same service itself, a slice per frame.
//! Requests and snapshots travel as plain objects (NaN losses survive).

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use wasm_bindgen::prelude::*;

use super::dom::now;
use super::inside_job::InsideJob;
use crate::experiment::classifier::{
    Checkpoint, ClassifierSpec, DecisionGrid, Session, TrainingHistory,
};

/// Milliseconds between decision-region snapshots of a training panel, at least.
const GRID_INTERVAL_MS: f64 = 250.0;
/// While training, the regions may take this share of a panel's time, at most
/// (a wide network's grid costs as much as many steps).
const GRID_SHARE: f64 = 0.1;
/// Above this many parameters the regions are computed on a coarser grid.
const WIDE_PARAMETERS: usize = 20_000;

/// What the page asks of the service.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Request {
    /// Start panel `panel` afresh from `spec`; its snapshots carry `generation`.
    Start {
        /// Panel index.
        panel: usize,
        /// Tells this start's snapshots from those of earlier ones.
        generation: u32,
        /// A classifier spec (see `ClassifierSpec`).
        spec: Json,
        /// Where to continue from (a GPU run falling back to the CPU).
        #[serde(default)]
        resume: Option<Box<Checkpoint>>,
    },
    /// Stop training panel `panel` here (it trains elsewhere now).
    Stop {
        /// Panel index.
        panel: usize,
    },
    /// Keep only the first `panels` panels.
    Truncate {
        /// How many remain.
        panels: usize,
    },
    /// Train (true) or pause (false).
    Play {
        /// Whether to train.
        playing: bool,
    },
    /// Compute the view inside the network for the panels' specs.
    Inside {
        /// Tells this request's answers from earlier ones'.
        generation: u32,
        /// Every panel's classifier spec.
        specs: Vec<Json>,
        /// How the slice's directions are chosen (a `Directions` name).
        directions: String,
        /// Half the slice's side, in units of the directions.
        extent: f64,
        /// The panel whose final parameters centre the slice (0-based).
        reference: usize,
    },
}

/// One panel's state, as the page draws it.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Snapshot {
    /// Panel index.
    pub panel: usize,
    /// The generation of the start it belongs to.
    pub generation: u32,
    /// Iterations taken.
    pub iteration: usize,
    /// Whether training has ended (all iterations, divergence or an error).
    pub finished: bool,
    /// The log so far.
    pub history: TrainingHistory,
    /// Fresh decision regions, when due.
    pub grid: Option<DecisionGrid>,
    /// Why the panel could not start.
    pub error: Option<String>,
}

/// A panel being trained.
struct Job {
    generation: u32,
    session: Result<Session, String>,
    /// History entries already reported, or `None` before the first snapshot.
    reported: Option<usize>,
    /// History entries when the regions were last computed, when, and how
    /// long that took (ms).
    grid_logged: Option<usize>,
    last_grid: f64,
    grid_cost: f64,
    /// The iteration last reported, and when (ms): a panel that trains
    /// between log entries still reports its progress every [`PROGRESS_MS`].
    reported_iteration: usize,
    last_report: f64,
}

/// The longest a training panel goes without reporting its iteration (ms).
const PROGRESS_MS: f64 = 1000.0;

impl Job {
    fn finished(&self) -> bool {
        self.session.as_ref().map_or(true, Session::finished)
    }

    fn logged(&self) -> usize {
        self.session
            .as_ref()
            .map_or(0, |s| s.history().iteration.len())
    }

    /// Whether a snapshot is owed: nothing reported yet, new log entries, or
    /// regions behind the log.
    fn owes(&self) -> bool {
        let logged = Some(self.logged());
        self.reported != logged || (self.session.is_ok() && self.grid_logged != logged)
    }

    /// Whether the panel has trained on since its last report, a second ago or more.
    fn progress_due(&self, clock: f64) -> bool {
        clock - self.last_report >= PROGRESS_MS
            && self
                .session
                .as_ref()
                .is_ok_and(|s| s.iteration() != self.reported_iteration)
    }

    /// A snapshot if one is owed; regions come along at most every
    /// [`GRID_INTERVAL_MS`] while training, and always once it pauses or ends.
    fn snapshot(&mut self, panel: usize, clock: f64, playing: bool) -> Option<Snapshot> {
        let progress = self.progress_due(clock);
        if !self.owes() && !progress {
            return None;
        }
        let logged = self.logged();
        let finished = self.finished();
        let grid_due = self.grid_logged != Some(logged)
            && (self.grid_logged.is_none()
                || finished
                || !playing
                || clock - self.last_grid
                    >= GRID_INTERVAL_MS.max(self.grid_cost * (1.0 - GRID_SHARE) / GRID_SHARE));
        if self.reported == Some(logged) && !grid_due && !progress {
            return None;
        }
        self.reported = Some(logged);
        self.last_report = clock;
        let (iteration, history, grid) = match &mut self.session {
            Ok(session) => {
                let grid = grid_due.then(|| {
                    self.grid_logged = Some(logged);
                    let start = now();
                    let grid = session.grid(if session.theta().len() > WIDE_PARAMETERS {
                        60
                    } else {
                        200
                    });
                    self.last_grid = now();
                    self.grid_cost = self.last_grid - start;
                    grid
                });
                self.reported_iteration = session.iteration();
                (session.iteration(), session.history().clone(), grid)
            }
            Err(_) => (0, TrainingHistory::default(), None),
        };
        Some(Snapshot {
            panel,
            generation: self.generation,
            iteration,
            finished,
            history,
            grid,
            error: self.session.as_ref().err().cloned(),
        })
    }
}

/// The training service: one job per panel.
#[wasm_bindgen]
#[derive(Default)]
pub struct ClassifierWorker {
    jobs: Vec<Option<Job>>,
    playing: bool,
    inside: Option<Box<InsideJob>>,
}

#[wasm_bindgen]
impl ClassifierWorker {
    /// A service with no panels, paused.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Self {
        Self::default()
    }

    /// Handles one request (a [`Request`] as an object, or as JSON text); a
    /// malformed one is an error naming why.
    pub fn receive(&mut self, request: JsValue) -> Result<(), JsValue> {
        let request: Request = match request.as_string() {
            Some(text) => serde_json::from_str(&text).map_err(|e| e.to_string()),
            None => serde_wasm_bindgen::from_value(request).map_err(|e| e.to_string()),
        }
        .map_err(|e| JsValue::from_str(&format!("training request: {e}")))?;
        self.handle(request);
        Ok(())
    }

    /// Whether calling [`work`](Self::work) would do anything.
    pub fn busy(&self) -> bool {
        self.inside.is_some()
            || self
                .jobs
                .iter()
                .flatten()
                .any(|job| job.owes() || (self.playing && !job.finished()))
    }

    /// Trains the unfinished panels for about `budget_ms` in all (while
    /// playing) and returns the snapshots of those that changed, as plain
    /// objects (a worker posts them as they are; NaN losses survive).
    pub fn work(&mut self, budget_ms: f64) -> Vec<JsValue> {
        if self.playing {
            let training = self
                .jobs
                .iter()
                .flatten()
                .filter(|job| !job.finished())
                .count();
            let share = budget_ms / training.max(1) as f64;
            for job in self.jobs.iter_mut().flatten() {
                if let Ok(session) = &mut job.session {
                    let until = now() + share;
                    while !session.finished() && now() < until {
                        session.advance(1, &now);
                    }
                }
            }
        }
        let (clock, playing) = (now(), self.playing);
        let mut messages: Vec<JsValue> = self
            .jobs
            .iter_mut()
            .enumerate()
            .filter_map(|(panel, job)| job.as_mut()?.snapshot(panel, clock, playing))
            .filter_map(|snapshot| serde_wasm_bindgen::to_value(&snapshot).ok())
            .collect();
        if let Some(job) = &mut self.inside {
            if let Some(message) = job.advance(&now) {
                messages.extend(serde_wasm_bindgen::to_value(&message).ok());
            }
            if job.done() {
                self.inside = None;
            }
        }
        messages
    }
}

impl ClassifierWorker {
    /// Applies one request.
    pub fn handle(&mut self, request: Request) {
        match request {
            Request::Start {
                panel,
                generation,
                spec,
                resume,
            } => {
                if self.jobs.len() <= panel {
                    self.jobs.resize_with(panel + 1, || None);
                }
                let session = ClassifierSpec::from_value(&spec)
                    .and_then(|spec| Session::new(&spec, now()))
                    .map_err(|e| e.to_string())
                    .and_then(|mut session| {
                        if let Some(checkpoint) = resume {
                            session.resume(*checkpoint).map_err(|why| {
                                format!("cannot continue the GPU's run on the CPU: {why}")
                            })?;
                        }
                        Ok(session)
                    });
                self.jobs[panel] = Some(Job {
                    generation,
                    session,
                    reported: None,
                    grid_logged: None,
                    last_grid: f64::NEG_INFINITY,
                    grid_cost: 0.0,
                    reported_iteration: 0,
                    last_report: f64::NEG_INFINITY,
                });
            }
            Request::Stop { panel } => {
                if let Some(job) = self.jobs.get_mut(panel) {
                    *job = None;
                }
            }
            Request::Truncate { panels } => self.jobs.truncate(panels),
            Request::Play { playing } => self.playing = playing,
            Request::Inside {
                generation,
                specs,
                directions,
                extent,
                reference,
            } => {
                self.inside = Some(Box::new(InsideJob::new(
                    generation,
                    &specs,
                    &directions,
                    extent,
                    reference,
                )));
            }
        }
    }
}
