//! A classifier spec trained on the GPU the way `train::Session` trains it on
//! the CPU: the same initial parameters, the same mini-batches in the same
//! order, the same schedule; the update in `f32` on the device.

use super::{Gpu, GpuError, GpuMlp, GpuOptimizer};
use crate::data::PeaksData;
use crate::nn::mlp::Mlp;
use crate::optim::registry::Configured;
use crate::optim::schedule::Schedule;
use crate::random::{self, ChaCha8Rng};
use crate::train::{ClassifierSpec, Trainer};

impl GpuOptimizer {
    /// The GPU's version of a configured registry optimizer, if it has one
    /// (SGD, Adam, AdamW).
    pub fn from_registry(configured: &Configured) -> Option<Self> {
        let p = &configured.values;
        match configured.entry.name {
            "sgd" => Some(Self::Sgd {
                momentum: p.number("momentum"),
                dampening: p.number("dampening"),
                nesterov: p.flag("nesterov"),
                weight_decay: p.number("weight_decay"),
            }),
            name @ ("adam" | "adamw") => Some(Self::Adam {
                beta1: p.number("beta1"),
                beta2: p.number("beta2"),
                eps: p.number("eps"),
                weight_decay: p.number("weight_decay"),
                decoupled: name == "adamw",
                amsgrad: p.flag("amsgrad"),
            }),
            _ => None,
        }
    }
}

/// Training on the GPU: steps are queued without waiting; results are read
/// back on request.
pub struct GpuSession {
    spec: ClassifierSpec,
    mlp: GpuMlp,
    lr: f64,
    schedule: Schedule,
    full_batch: bool,
    rng: ChaCha8Rng,
    order: Vec<usize>,
    rows: Vec<usize>,
    iteration: usize,
}

impl GpuSession {
    /// Sets up `spec` on `gpu`, or says why the GPU cannot train it (an
    /// optimizer other than SGD, Adam or AdamW, more than one hidden layer, a
    /// network too large for the device).
    pub fn new(gpu: &Gpu, spec: &ClassifierSpec) -> Result<Self, GpuError> {
        let Trainer::Registry(configured, schedule) = &spec.trainer else {
            return Err(GpuError(format!(
                "{} runs on the CPU only",
                spec.optimizer_name
            )));
        };
        let optimizer = GpuOptimizer::from_registry(configured).ok_or_else(|| {
            GpuError(format!(
                "{} runs on the CPU only (the GPU has SGD, Adam and AdamW)",
                configured.entry.name
            ))
        })?;
        let data = PeaksData::generate(spec.data.0, spec.data.1, spec.data.2);
        let mlp = Mlp::new(spec.architecture);
        let theta = mlp.init(spec.init, spec.seed);
        let n_train = data.train.len();
        let batch = spec.batch_size.filter(|&b| b < n_train);
        let gpu_mlp = GpuMlp::new(
            gpu,
            spec.architecture,
            &theta,
            &data.train,
            &data.test,
            batch.unwrap_or(n_train),
            optimizer,
        )?;
        Ok(Self {
            spec: spec.clone(),
            mlp: gpu_mlp,
            lr: configured.lr(),
            schedule: *schedule,
            full_batch: batch.is_none(),
            rng: random::stream(spec.seed, 7),
            order: (0..n_train).collect(),
            rows: (0..n_train).collect(),
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
        self.iteration % self.spec.log_every == 0 || self.iteration == self.spec.iterations
    }

    /// Passes over the training set after `iteration` iterations.
    pub fn epoch(&self, iteration: usize) -> f64 {
        iteration as f64 * self.mlp.batch() as f64 / self.order.len().max(1) as f64
    }

    /// The learning rate of the iteration just queued.
    pub fn last_lr(&self) -> f64 {
        self.schedule.lr(self.lr, self.iteration.saturating_sub(1))
    }

    /// Queues one iteration (nothing if finished).
    pub fn step(&mut self) {
        if self.finished() {
            return;
        }
        if !self.full_batch {
            let size = self.mlp.batch();
            random::permutation_prefix(&mut self.rng, &mut self.order, size, &mut self.rows);
        }
        let lr = self.schedule.lr(self.lr, self.iteration);
        self.mlp.step(&self.rows, lr);
        self.iteration += 1;
    }
}

/// Trains `spec` to the end on `gpu`, waiting for each log (native only):
/// what `train::train` does on the CPU. The gradient norm is not computed on
/// the GPU and is logged as NaN (null in JSON).
#[cfg(not(target_arch = "wasm32"))]
pub fn train(
    gpu: &Gpu,
    spec: &ClassifierSpec,
    clock: &dyn Fn() -> f64,
) -> Result<crate::train::Training, GpuError> {
    use crate::train::{DecisionGrid, Training, TrainingHistory, GRID_SIZE};
    let started = clock();
    let mut session = GpuSession::new(gpu, spec)?;
    let mut history = TrainingHistory::default();
    let log = |session: &GpuSession, history: &mut TrainingHistory| -> Result<(), GpuError> {
        let (train, test) = pollster::block_on(session.mlp().evaluate())?;
        let t = session.iteration();
        history.iteration.push(t);
        history.epoch.push(session.epoch(t));
        history.train_loss.push(train.loss);
        history.train_accuracy.push(train.accuracy);
        history.test_loss.push(test.loss);
        history.test_accuracy.push(test.accuracy);
        history.grad_norm.push(f64::NAN);
        history
            .step
            .push(if t == 0 { f64::NAN } else { session.last_lr() });
        history.wall_ms.push(clock() - started);
        Ok(())
    };
    log(&session, &mut history)?;
    while !session.finished() {
        session.step();
        if session.log_due() {
            log(&session, &mut history)?;
        }
    }
    let classes = pollster::block_on(session.mlp().request_grid(GRID_SIZE).finish())?;
    let theta = pollster::block_on(session.mlp().request_parameters().floats())?;
    Ok(Training {
        optimizer: spec.optimizer_name.clone(),
        parameters: theta.len(),
        history,
        grid: DecisionGrid {
            size: GRID_SIZE,
            classes,
        },
        theta: theta.iter().map(|&v| f64::from(v)).collect(),
    })
}
