//! Training the classifier on the CPU, a few iterations at a time: the
//! reference backend. The optimizer is any registry entry whose needs the
//! classifier meets; the loop, the mini-batches, the schedule and the log
//! are the same for every one of them.

use super::history::{
    decision_grid, Checkpoint, DecisionGrid, LogEntry, Training, TrainingHistory, GRID_SIZE,
};
use super::stream::BatchStream;
use super::ClassifierSpec;
use crate::data::{Dataset, PeaksData};
use crate::error::SpecError;
use crate::nn::{Classifier, Mlp, Workspace};
use crate::optim::{Noise, Optimizer, Oracle, StepInfo};
use crate::problem::Objective;

/// A training run that can be advanced a few iterations at a time (the page
/// trains in slices per animation frame; the CLI all at once, with the same result).
pub struct Session {
    spec: ClassifierSpec,
    classifier: Classifier,
    test: Dataset,
    theta: Vec<f64>,
    optimizer: Box<dyn Optimizer>,
    stream: BatchStream,
    iteration: usize,
    diverged: bool,
    history: TrainingHistory,
    ws: Workspace,
    grad: Vec<f64>,
    started: f64,
}

impl Session {
    /// Sets up training as `spec` says (data, network, optimizer) and logs
    /// iteration 0; `now` is the caller's clock in milliseconds.
    pub fn new(spec: &ClassifierSpec, now: f64) -> Result<Self, SpecError> {
        let data = PeaksData::generate(spec.data.0, spec.data.1, spec.data.2);
        let mlp = Mlp::new(spec.architecture);
        let theta = mlp.init(spec.init, spec.seed);
        let optimizer = spec
            .optimizer
            .build(theta.len(), "optimizer")
            .map_err(|e| SpecError { errors: vec![e] })?;
        let stream = BatchStream::new(spec, data.train.len());
        let mut session = Self {
            spec: spec.clone(),
            grad: vec![0.0; theta.len()],
            classifier: Classifier::new(mlp, data.train),
            test: data.test,
            theta,
            optimizer,
            stream,
            iteration: 0,
            diverged: false,
            history: TrainingHistory::default(),
            ws: Workspace::default(),
            started: now,
        };
        session.log(&StepInfo::with_lr(f64::NAN), now);
        Ok(session)
    }

    fn log(&mut self, info: &StepInfo, now: f64) {
        let mlp = &self.classifier.mlp;
        let train = mlp.evaluate(&self.theta, &self.classifier.data, &mut self.ws);
        let test = mlp.evaluate(&self.theta, &self.test, &mut self.ws);
        self.classifier.gradient(&self.theta, &mut self.grad);
        self.history.push(LogEntry {
            iteration: self.iteration,
            epoch: self.spec.epoch(self.iteration),
            train: (train.loss, train.accuracy),
            test: (test.loss, test.accuracy),
            grad_norm: self.grad.iter().map(|g| g * g).sum::<f64>().sqrt(),
            step: info.radius.unwrap_or(info.lr),
            wall_ms: now - self.started,
            cg_iterations: info.cg_iterations,
        });
    }

    /// Continues from `checkpoint`, as when a run on the GPU falls back to
    /// the CPU: the parameters, the optimizer's state and the log carry
    /// over, and the mini-batches continue where that run's were (the same
    /// stream). Says why not when the checkpoint does not fit this run.
    pub fn resume(&mut self, checkpoint: Checkpoint) -> Result<(), String> {
        if checkpoint.theta.len() != self.theta.len() {
            return Err(format!(
                "the checkpoint holds {} parameters, the network {}",
                checkpoint.theta.len(),
                self.theta.len()
            ));
        }
        if let Some(state) = &checkpoint.state {
            self.optimizer.load_state(state)?;
        }
        self.stream.skip(checkpoint.iteration);
        self.theta.copy_from_slice(&checkpoint.theta);
        self.iteration = checkpoint.iteration;
        self.history = checkpoint.history;
        Ok(())
    }

    /// Whether every iteration has been taken (or training blew up).
    pub fn finished(&self) -> bool {
        self.diverged || self.iteration >= self.spec.iterations
    }

    /// Iterations taken so far.
    pub fn iteration(&self) -> usize {
        self.iteration
    }

    /// The log so far.
    pub fn history(&self) -> &TrainingHistory {
        &self.history
    }

    /// The current parameters.
    pub fn theta(&self) -> &[f64] {
        &self.theta
    }

    /// The training and test points.
    pub fn data(&self) -> (&Dataset, &Dataset) {
        (&self.classifier.data, &self.test)
    }

    /// The decision regions of the current network on a `size × size` grid.
    pub fn grid(&mut self, size: usize) -> DecisionGrid {
        decision_grid(&self.classifier.mlp, &self.theta, size, &mut self.ws)
    }

    /// Takes up to `count` iterations; `clock` gives milliseconds. Returns how many were taken.
    pub fn advance(&mut self, count: usize, clock: &dyn Fn() -> f64) -> usize {
        let mut taken = 0;
        while taken < count && !self.finished() {
            let info = self.iterate();
            self.iteration += 1;
            taken += 1;
            self.diverged = self.theta.iter().any(|v| !v.is_finite());
            if self.spec.log_due(self.iteration) || self.diverged {
                self.log(&info, clock());
            }
        }
        taken
    }

    fn iterate(&mut self) -> StepInfo {
        let lent = self.stream.lend();
        let mut oracle = Oracle::resume(
            &self.classifier,
            Noise::None,
            self.stream.size(),
            lent.0,
            lent.1,
        );
        let lr = self.spec.lr(self.iteration);
        let info = self.optimizer.step(&mut self.theta, &mut oracle, lr);
        self.stream.give_back(oracle.into_state());
        info
    }

    /// Trains to the end and returns the result.
    pub fn finish(mut self, clock: &dyn Fn() -> f64) -> Training {
        self.advance(self.spec.iterations, clock);
        Training {
            optimizer: self.spec.optimizer_name().to_string(),
            parameters: self.theta.len(),
            grid: self.grid(GRID_SIZE),
            history: self.history,
            theta: self.theta,
        }
    }
}

/// Trains as `spec` says; `clock` gives milliseconds (the caller's timer, so
/// the core needs none).
pub fn train(spec: &ClassifierSpec, clock: &dyn Fn() -> f64) -> Result<Training, SpecError> {
    Ok(Session::new(spec, clock())?.finish(clock))
}
