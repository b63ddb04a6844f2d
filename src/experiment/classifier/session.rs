//! The CPU backend, the reference: any registry optimizer whose needs the
//! classifier meets, stepping through an oracle on the network's objective;
//! and [`Session`], the one loop over it, a few iterations at a time.

use super::history::{
    decision_grid, Checkpoint, DecisionGrid, Training, TrainingHistory, GRID_SIZE,
};
use super::stream::BatchStream;
use super::trainer::{Backend, Measures, Parameters, PendingLog, Reply, Trainer};
use super::ClassifierSpec;
use crate::data::{Dataset, PeaksData};
use crate::error::SpecError;
use crate::nn::spectrum::top_of_spectra;
use crate::nn::{Classifier, Confusions, Mlp, Workspace};
use crate::optim::{Noise, Optimizer, Oracle, StepInfo};
use crate::problem::Objective;

/// Eigenvalues logged from the top of each spectrum.
pub const SPECTRUM_TOP: usize = 3;

/// The network, its data and its optimizer, in this process.
pub struct Cpu {
    classifier: Classifier,
    test: Dataset,
    theta: Vec<f64>,
    optimizer: Box<dyn Optimizer>,
    diverged: bool,
    ws: Workspace,
    grad: Vec<f64>,
}

impl Backend for Cpu {
    fn step(&mut self, stream: &mut BatchStream, lr: f64) -> StepInfo {
        let (rng, order) = stream.lend();
        let mut oracle = Oracle::resume(&self.classifier, Noise::None, stream.size(), rng, order);
        let info = self.optimizer.step(&mut self.theta, &mut oracle, lr);
        stream.give_back(oracle.into_state());
        self.diverged = self.theta.iter().any(|v| !v.is_finite());
        info
    }

    fn diverged(&self) -> bool {
        self.diverged
    }

    fn measure(&mut self) -> Reply<Measures> {
        let mlp = &self.classifier.mlp;
        let train = mlp.evaluate(&self.theta, &self.classifier.data, &mut self.ws);
        let test = mlp.evaluate(&self.theta, &self.test, &mut self.ws);
        self.classifier.gradient(&self.theta, &mut self.grad);
        Reply::Ready(Measures {
            train: (train.loss, train.accuracy),
            test: (test.loss, test.accuracy),
            grad_norm: self.grad.iter().map(|g| g * g).sum::<f64>().sqrt(),
            confusion: Some(Box::new(Confusions {
                train: train.confusion,
                test: test.confusion,
            })),
        })
    }

    fn checkpoint(&mut self) -> Reply<Parameters> {
        Reply::Ready((self.theta.clone(), None))
    }

    fn grid(&mut self, size: usize) -> Reply<DecisionGrid> {
        Reply::Ready(decision_grid(
            &self.classifier.mlp,
            &self.theta,
            size,
            &mut self.ws,
        ))
    }
}

/// A training run on the CPU that can be advanced a few iterations at a
/// time (the page trains in slices; the CLI all at once, with the same result).
pub struct Session {
    trainer: Trainer<Cpu>,
}

impl Session {
    /// Sets up training as `spec` says (data, network, optimizer) and logs
    /// iteration 0; `now` is the caller's clock in milliseconds.
    pub fn new(spec: &ClassifierSpec, now: f64) -> Result<Self, SpecError> {
        let data = PeaksData::generate(spec.data.0, spec.data.1, spec.data.2);
        let mlp = Mlp::new(spec.architecture).with_precision(spec.precision);
        let theta = mlp.init(spec.init, spec.seed);
        let optimizer = spec
            .optimizer
            .build(theta.len(), "optimizer")
            .map_err(|e| SpecError { errors: vec![e] })?;
        let samples = data.train.len();
        let cpu = Cpu {
            grad: vec![0.0; theta.len()],
            classifier: Classifier::new(mlp, data.train),
            test: data.test,
            theta,
            optimizer,
            diverged: false,
            ws: Workspace::default(),
        };
        let (trainer, first) = Trainer::new(spec, cpu, samples, now);
        let mut session = Self { trainer };
        session.record(first, now);
        Ok(session)
    }

    fn record(&mut self, log: PendingLog, now: f64) {
        if let Some(measures) = log.measures.now() {
            self.trainer.record(log.iteration, &log.info, measures, now);
        }
        if self.trainer.spec().spectrum_due(log.iteration) {
            let cpu = self.trainer.backend_mut();
            let preconditioner = cpu.optimizer.preconditioner();
            let entry = top_of_spectra(
                &cpu.classifier,
                &cpu.theta,
                SPECTRUM_TOP,
                log.iteration,
                preconditioner.as_ref(),
                &mut cpu.ws,
            );
            self.trainer.record_spectrum(entry);
        }
    }

    /// Continues from `checkpoint`, as when a run on the GPU falls back to
    /// the CPU: the parameters, the optimizer's state and the log carry
    /// over, and the mini-batches continue where that run's were (the same
    /// stream). Says why not when the checkpoint does not fit this run.
    pub fn resume(&mut self, checkpoint: Checkpoint) -> Result<(), String> {
        let cpu = self.trainer.backend_mut();
        if checkpoint.theta.len() != cpu.theta.len() {
            return Err(format!(
                "the checkpoint holds {} parameters, the network {}",
                checkpoint.theta.len(),
                cpu.theta.len()
            ));
        }
        if let Some(state) = &checkpoint.state {
            cpu.optimizer.load_state(state)?;
        }
        cpu.theta.copy_from_slice(&checkpoint.theta);
        self.trainer
            .continue_from(checkpoint.iteration, checkpoint.history);
        Ok(())
    }

    /// Whether every iteration has been taken (or training blew up).
    pub fn finished(&self) -> bool {
        self.trainer.finished()
    }

    /// Iterations taken so far.
    pub fn iteration(&self) -> usize {
        self.trainer.iteration()
    }

    /// The log so far.
    pub fn history(&self) -> &TrainingHistory {
        self.trainer.history()
    }

    /// The current parameters.
    pub fn theta(&self) -> &[f64] {
        &self.trainer.backend().theta
    }

    /// The training and test points.
    pub fn data(&self) -> (&Dataset, &Dataset) {
        let cpu = self.trainer.backend();
        (&cpu.classifier.data, &cpu.test)
    }

    /// The decision regions of the current network on a `size × size` grid.
    pub fn grid(&mut self, size: usize) -> DecisionGrid {
        let cpu = self.trainer.backend_mut();
        decision_grid(&cpu.classifier.mlp, &cpu.theta, size, &mut cpu.ws)
    }

    /// Takes up to `count` iterations; `clock` gives milliseconds. Returns how many were taken.
    pub fn advance(&mut self, count: usize, clock: &dyn Fn() -> f64) -> usize {
        let start = self.iteration();
        while self.iteration() - start < count && !self.finished() {
            if let Some(log) = self.trainer.step() {
                self.record(log, clock());
            }
        }
        self.iteration() - start
    }

    /// Trains to the end and returns the result.
    pub fn finish(mut self, clock: &dyn Fn() -> f64) -> Training {
        self.advance(self.trainer.spec().iterations, clock);
        let grid = self.grid(GRID_SIZE);
        let optimizer = self.trainer.spec().optimizer_name().to_string();
        let (cpu, history) = self.trainer.into_parts();
        Training {
            optimizer,
            parameters: cpu.theta.len(),
            grid,
            history,
            theta: cpu.theta,
        }
    }
}

/// Trains as `spec` says; `clock` gives milliseconds (the caller's timer, so
/// the core needs none).
pub fn train(spec: &ClassifierSpec, clock: &dyn Fn() -> f64) -> Result<Training, SpecError> {
    Ok(Session::new(spec, clock())?.finish(clock))
}
