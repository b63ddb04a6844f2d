//! The one training loop of the classifier, over a backend. A backend takes
//! steps and answers three requests — the measures of a log entry, a
//! checkpoint (parameters with the optimizer's state) and the decision
//! regions — at once (the CPU) or once the device has run (the GPU, through
//! `map_async`, so nothing blocks in the browser). The [`Trainer`] owns what
//! does not depend on where the arithmetic happens: the mini-batch stream,
//! the schedule, when to log, epochs and the history.

use std::future::Future;
use std::pin::Pin;

use super::history::{DecisionGrid, LogEntry, TrainingHistory};
use super::stream::BatchStream;
use super::ClassifierSpec;
use crate::nn::spectrum::SpectrumEntry;
use crate::nn::Confusions;
use crate::optim::{RuleState, StepInfo};

/// An answer a backend gives now, or later.
pub enum Reply<T> {
    /// Answered at once.
    Ready(T),
    /// Answered when the future resolves (or fails, saying why).
    Later(Pin<Box<dyn Future<Output = Result<T, String>>>>),
}

impl<T> Reply<T> {
    /// The answer, waiting for it if need be.
    pub async fn resolve(self) -> Result<T, String> {
        match self {
            Reply::Ready(value) => Ok(value),
            Reply::Later(future) => future.await,
        }
    }

    /// The answer if it was given at once.
    pub fn now(self) -> Option<T> {
        match self {
            Reply::Ready(value) => Some(value),
            Reply::Later(_) => None,
        }
    }
}

/// What a log entry measures at the current parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Measures {
    /// Loss and accuracy on the training set.
    pub train: (f64, f64),
    /// Loss and accuracy on the test set.
    pub test: (f64, f64),
    /// Full-batch gradient norm (NaN where the backend does not compute it).
    pub grad_norm: f64,
    /// The confusion matrices, where the backend counts them.
    pub confusion: Option<Box<Confusions>>,
}

/// The parameters and the optimizer's state.
pub type Parameters = (Vec<f64>, Option<RuleState>);

/// Where a classifier is trained.
pub trait Backend {
    /// Takes one step with learning rate `lr`, drawing its rows from `stream`.
    fn step(&mut self, stream: &mut BatchStream, lr: f64) -> StepInfo;
    /// Whether the parameters are no longer finite, as far as the backend knows now.
    fn diverged(&self) -> bool;
    /// The measures of a log entry, behind the steps taken.
    fn measure(&mut self) -> Reply<Measures>;
    /// The parameters and the optimizer's state, behind the steps taken.
    fn checkpoint(&mut self) -> Reply<Parameters>;
    /// The decision regions on a `size × size` grid, behind the steps taken.
    fn grid(&mut self, size: usize) -> Reply<DecisionGrid>;
}

/// A log entry on its way: the step's report and the measures requested.
pub struct PendingLog {
    /// The iteration it logs.
    pub iteration: usize,
    /// What the last step reported.
    pub info: StepInfo,
    /// The measures, now or later.
    pub measures: Reply<Measures>,
}

/// The training loop over a backend.
pub struct Trainer<B> {
    spec: ClassifierSpec,
    backend: B,
    stream: BatchStream,
    iteration: usize,
    history: TrainingHistory,
    started: f64,
}

impl<B: Backend> Trainer<B> {
    /// Trains `spec` on `backend` over `samples` training points; `now` is
    /// the caller's clock (ms). Iteration 0 is logged: its request is returned.
    pub fn new(
        spec: &ClassifierSpec,
        mut backend: B,
        samples: usize,
        now: f64,
    ) -> (Self, PendingLog) {
        let first = PendingLog {
            iteration: 0,
            info: StepInfo::with_lr(f64::NAN),
            measures: backend.measure(),
        };
        let trainer = Self {
            spec: spec.clone(),
            backend,
            stream: BatchStream::new(spec, samples),
            iteration: 0,
            history: TrainingHistory::default(),
            started: now,
        };
        (trainer, first)
    }

    /// The spec being trained.
    pub fn spec(&self) -> &ClassifierSpec {
        &self.spec
    }

    /// The backend.
    pub fn backend(&self) -> &B {
        &self.backend
    }

    /// The backend, to ask it for something.
    pub fn backend_mut(&mut self) -> &mut B {
        &mut self.backend
    }

    /// Iterations taken so far.
    pub fn iteration(&self) -> usize {
        self.iteration
    }

    /// The log so far.
    pub fn history(&self) -> &TrainingHistory {
        &self.history
    }

    /// Whether every iteration has been taken or the parameters blew up.
    pub fn finished(&self) -> bool {
        self.iteration >= self.spec.iterations || self.backend.diverged()
    }

    /// Takes one iteration (nothing if finished); returns the log request when one is due.
    pub fn step(&mut self) -> Option<PendingLog> {
        if self.finished() {
            return None;
        }
        let lr = self.spec.lr(self.iteration);
        let info = self.backend.step(&mut self.stream, lr);
        self.iteration += 1;
        (self.spec.log_due(self.iteration) || self.backend.diverged()).then(|| PendingLog {
            iteration: self.iteration,
            info,
            measures: self.backend.measure(),
        })
    }

    /// Records a log entry whose measures have arrived; `now` is the caller's clock (ms).
    pub fn record(&mut self, iteration: usize, info: &StepInfo, measures: Measures, now: f64) {
        self.history.push(LogEntry {
            iteration,
            epoch: self.spec.epoch(iteration),
            train: measures.train,
            test: measures.test,
            grad_norm: measures.grad_norm,
            step: info.radius.unwrap_or(info.lr),
            wall_ms: now - self.started,
            cg_iterations: info.cg_iterations,
            confusion: measures.confusion,
        });
    }

    /// Adds the top of the spectra to the log (backends that compute them).
    pub fn record_spectrum(&mut self, entry: SpectrumEntry) {
        self.history.spectrum.push(entry);
    }

    /// Continues after `iteration` iterations with the log `history` (a run
    /// moved from another backend, whose state the backend has taken over):
    /// the stream skips the batches already seen.
    pub fn continue_from(&mut self, iteration: usize, history: TrainingHistory) {
        self.stream.skip(iteration);
        self.iteration = iteration;
        self.history = history;
    }

    /// The trainer's parts, for a caller that finishes the run itself.
    pub fn into_parts(self) -> (B, TrainingHistory) {
        (self.backend, self.history)
    }
}
