//! The GPU backend of the classifier's training loop: the same initial
//! parameters, mini-batch stream, schedule and log entries as the CPU, the
//! update in `f32` on the device with the rule the optimizer's registry
//! entry gives. Every answer comes back through `map_async`.

use super::{Gpu, GpuError, GpuMlp};
use crate::data::PeaksData;
use crate::experiment::classifier::{
    Backend, BatchStream, ClassifierSpec, DecisionGrid, Measures, Parameters, PendingLog, Reply,
    Trainer,
};
use crate::nn::mlp::Mlp;
use crate::optim::registry::OPTIMIZERS;
use crate::optim::StepInfo;

/// The optimizers a GPU backend runs, from the registry.
pub fn gpu_optimizers() -> Vec<&'static str> {
    OPTIMIZERS
        .iter()
        .filter(|o| o.gpu.is_some())
        .map(|o| o.name)
        .collect()
}

/// The network on the device: steps are queued without waiting.
pub struct GpuBackend {
    mlp: GpuMlp,
    diverged: bool,
}

impl GpuBackend {
    /// The network on the device.
    pub fn mlp(&self) -> &GpuMlp {
        &self.mlp
    }

    /// Records that parameters read back were no longer finite.
    pub fn mark_diverged(&mut self) {
        self.diverged = true;
    }
}

impl Backend for GpuBackend {
    fn step(&mut self, stream: &mut BatchStream, lr: f64) -> StepInfo {
        self.mlp.step(stream.next_rows(), lr);
        StepInfo::with_lr(lr)
    }

    fn diverged(&self) -> bool {
        self.diverged
    }

    fn measure(&mut self) -> Reply<Measures> {
        let request = self.mlp.request_evaluation();
        Reply::Later(Box::pin(async move {
            let (train, test) = request.finish().await.map_err(|e| e.0)?;
            Ok(Measures {
                train: (train.loss, train.accuracy),
                test: (test.loss, test.accuracy),
                grad_norm: f64::NAN,
                confusion: None,
            })
        }))
    }

    fn checkpoint(&mut self) -> Reply<Parameters> {
        let theta = self.mlp.request_parameters();
        let state = self.mlp.request_state();
        Reply::Later(Box::pin(async move {
            let theta = theta.floats().await.map_err(|e| e.0)?;
            let state = state.finish().await.map_err(|e| e.0)?;
            Ok((theta.iter().map(|&v| f64::from(v)).collect(), Some(state)))
        }))
    }

    fn grid(&mut self, size: usize) -> Reply<DecisionGrid> {
        let request = self.mlp.request_grid(size);
        Reply::Later(Box::pin(async move {
            let classes = request.finish().await.map_err(|e| e.0)?;
            Ok(DecisionGrid { size, classes })
        }))
    }
}

/// Training on the GPU: the one loop over the GPU backend.
pub type GpuSession = Trainer<GpuBackend>;

/// Sets `spec` up on `gpu` and returns the loop with its first log request,
/// or says why the GPU cannot train it (an optimizer the registry gives no
/// GPU rule, more than one hidden layer, a network too large for the device).
pub fn gpu_session(
    gpu: &Gpu,
    spec: &ClassifierSpec,
    now: f64,
) -> Result<(GpuSession, PendingLog), GpuError> {
    let rule = spec.optimizer.entry.gpu.ok_or_else(|| {
        GpuError(format!(
            "{} runs on the CPU only (the GPU runs {})",
            spec.optimizer_name(),
            gpu_optimizers().join(", ")
        ))
    })?;
    let data = PeaksData::generate(spec.data.0, spec.data.1, spec.data.2);
    let theta = Mlp::new(spec.architecture).init(spec.init, spec.seed);
    let samples = data.train.len();
    let mlp = GpuMlp::new(
        gpu,
        spec.architecture,
        &theta,
        &data.train,
        &data.test,
        spec.batch().unwrap_or(samples),
        rule(&spec.optimizer.values),
    )?;
    let backend = GpuBackend {
        mlp,
        diverged: false,
    };
    Ok(Trainer::new(spec, backend, samples, now))
}

/// Trains `spec` on `gpu` for `iterations` iterations (at most the spec's),
/// waiting for each log (native only); returns the loop and the checkpoint
/// a run continues from: the parameters, the optimizer's state and the log.
#[cfg(not(target_arch = "wasm32"))]
pub fn train_until(
    gpu: &Gpu,
    spec: &ClassifierSpec,
    iterations: usize,
    clock: &dyn Fn() -> f64,
) -> Result<(GpuSession, crate::experiment::classifier::Checkpoint), GpuError> {
    use pollster::block_on;
    let (mut session, first) = gpu_session(gpu, spec, clock())?;
    let mut pending = Some(first);
    loop {
        if let Some(log) = pending.take() {
            let measures = block_on(log.measures.resolve()).map_err(GpuError)?;
            session.record(log.iteration, &log.info, measures, clock());
        }
        if session.finished() || session.iteration() >= iterations {
            break;
        }
        pending = session.step();
    }
    let (theta, state) =
        block_on(session.backend_mut().checkpoint().resolve()).map_err(GpuError)?;
    let checkpoint = crate::experiment::classifier::Checkpoint {
        iteration: session.iteration(),
        theta,
        state,
        history: session.history().clone(),
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
    use crate::experiment::classifier::{Training, GRID_SIZE};
    let (mut session, checkpoint) = train_until(gpu, spec, spec.iterations, clock)?;
    let grid =
        pollster::block_on(session.backend_mut().grid(GRID_SIZE).resolve()).map_err(GpuError)?;
    Ok(Training {
        optimizer: spec.optimizer_name().to_string(),
        parameters: checkpoint.theta.len(),
        history: checkpoint.history,
        grid,
        theta: checkpoint.theta,
    })
}
