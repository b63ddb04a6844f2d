//! A classifier spec trained on the GPU the way the CPU session trains it:
//! the same initial parameters, the same mini-batch stream, the same
//! schedule and log entries; the update in `f32` on the device. The
//! registry says which optimizers the GPU runs and with what hyperparameters.

use super::{Gpu, GpuError, GpuEval, GpuMlp};
use crate::data::PeaksData;
use crate::experiment::classifier::{BatchStream, ClassifierSpec, LogEntry};
use crate::nn::mlp::Mlp;
use crate::optim::registry::OPTIMIZERS;

/// The optimizers a GPU backend runs, from the registry.
pub fn gpu_optimizers() -> Vec<&'static str> {
    OPTIMIZERS
        .iter()
        .filter(|o| o.gpu.is_some())
        .map(|o| o.name)
        .collect()
}

/// Training on the GPU: steps are queued without waiting; results are read
/// back on request.
pub struct GpuSession {
    spec: ClassifierSpec,
    mlp: GpuMlp,
    stream: BatchStream,
    iteration: usize,
}

impl GpuSession {
    /// Sets up `spec` on `gpu`, or says why the GPU cannot train it (an
    /// optimizer the registry gives no GPU rule, more than one hidden layer,
    /// a network too large for the device).
    pub fn new(gpu: &Gpu, spec: &ClassifierSpec) -> Result<Self, GpuError> {
        let rule = spec.optimizer.entry.gpu.ok_or_else(|| {
            GpuError(format!(
                "{} runs on the CPU only (the GPU runs {})",
                spec.optimizer_name(),
                gpu_optimizers().join(", ")
            ))
        })?;
        let data = PeaksData::generate(spec.data.0, spec.data.1, spec.data.2);
        let theta = Mlp::new(spec.architecture).init(spec.init, spec.seed);
        let stream = BatchStream::new(spec, data.train.len());
        let mlp = GpuMlp::new(
            gpu,
            spec.architecture,
            &theta,
            &data.train,
            &data.test,
            stream.size().unwrap_or(data.train.len()),
            rule(&spec.optimizer.values),
        )?;
        Ok(Self {
            spec: spec.clone(),
            mlp,
            stream,
            iteration: 0,
        })
    }

    /// The network on the device.
    pub fn mlp(&self) -> &GpuMlp {
        &self.mlp
    }

    /// The spec being trained.
    pub fn spec(&self) -> &ClassifierSpec {
        &self.spec
    }

    /// Iterations queued so far.
    pub fn iteration(&self) -> usize {
        self.iteration
    }

    /// Whether every iteration has been queued.
    pub fn finished(&self) -> bool {
        self.iteration >= self.spec.iterations
    }

    /// Whether the spec logs after the iteration just queued.
    pub fn log_due(&self) -> bool {
        self.spec.log_due(self.iteration)
    }

    /// Queues one iteration (nothing if finished).
    pub fn step(&mut self) {
        if self.finished() {
            return;
        }
        let lr = self.spec.lr(self.iteration);
        let rows = self.stream.next_rows();
        self.mlp.step(rows, lr);
        self.iteration += 1;
    }

    /// The log entry of iteration `iteration` from the evaluations read back
    /// (the GPU computes no gradient norm: NaN).
    pub fn log_entry(
        &self,
        iteration: usize,
        (train, test): (GpuEval, GpuEval),
        wall_ms: f64,
    ) -> LogEntry {
        LogEntry {
            iteration,
            epoch: self.spec.epoch(iteration),
            train: (train.loss, train.accuracy),
            test: (test.loss, test.accuracy),
            grad_norm: f64::NAN,
            step: match iteration {
                0 => f64::NAN,
                t => self.spec.lr(t - 1),
            },
            wall_ms,
            cg_iterations: None,
        }
    }
}

/// Trains `spec` on `gpu` for `iterations` iterations (at most the spec's),
/// waiting for each log (native only), and returns the checkpoint a run
/// continues from: the parameters, the optimizer's state and the log.
#[cfg(not(target_arch = "wasm32"))]
pub fn train_until(
    gpu: &Gpu,
    spec: &ClassifierSpec,
    iterations: usize,
    clock: &dyn Fn() -> f64,
) -> Result<(GpuSession, crate::experiment::classifier::Checkpoint), GpuError> {
    use crate::experiment::classifier::{Checkpoint, TrainingHistory};
    let started = clock();
    let mut session = GpuSession::new(gpu, spec)?;
    let mut history = TrainingHistory::default();
    let mut log = |session: &GpuSession| -> Result<(), GpuError> {
        let evals = pollster::block_on(session.mlp().evaluate())?;
        history.push(session.log_entry(session.iteration(), evals, clock() - started));
        Ok(())
    };
    log(&session)?;
    while !session.finished() && session.iteration() < iterations {
        session.step();
        if session.log_due() {
            log(&session)?;
        }
    }
    let theta = pollster::block_on(session.mlp().request_parameters().floats())?;
    let state = pollster::block_on(session.mlp().request_state().finish())?;
    let checkpoint = Checkpoint {
        iteration: session.iteration(),
        theta: theta.iter().map(|&v| f64::from(v)).collect(),
        state: Some(state),
        history,
    };
    Ok((session, checkpoint))
}

/// Trains `spec` to the end on `gpu` (native only): what
/// `experiment::classifier::train` does on the CPU.
#[cfg(not(target_arch = "wasm32"))]
pub fn train(
    gpu: &Gpu,
    spec: &ClassifierSpec,
    clock: &dyn Fn() -> f64,
) -> Result<crate::experiment::classifier::Training, GpuError> {
    use crate::experiment::classifier::{DecisionGrid, Training, GRID_SIZE};
    let (session, checkpoint) = train_until(gpu, spec, spec.iterations, clock)?;
    let classes = pollster::block_on(session.mlp().request_grid(GRID_SIZE).finish())?;
    Ok(Training {
        optimizer: spec.optimizer_name().to_string(),
        parameters: checkpoint.theta.len(),
        history: checkpoint.history,
        grid: DecisionGrid {
            size: GRID_SIZE,
            classes,
        },
        theta: checkpoint.theta,
    })
}
