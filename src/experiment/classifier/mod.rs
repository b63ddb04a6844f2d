//! The classifier experiment: the peaks network trained by any registry
//! optimizer whose needs it meets. [`spec`] reads what to train; one loop,
//! the [`trainer`], owns the mini-batch [`stream`], the schedule and the log
//! for every backend; the CPU ([`session`]) is the reference and the GPU
//! (`crate::gpu`) a second backend whose runs continue on the CPU, state and
//! all, if its device is lost.

pub mod device;
pub mod history;
pub mod inside;
pub mod session;
pub mod spec;
pub mod stream;
pub mod trainer;

pub use history::{
    decision_grid, grid_points, Checkpoint, DecisionGrid, LogEntry, Training, TrainingHistory,
    GRID_SIZE,
};
pub use session::{train, Session};
pub use spec::{ClassifierSpec, MODEL_PARAMS};
pub use stream::BatchStream;
pub use trainer::{Backend, Measures, Parameters, PendingLog, Reply, Trainer};

impl ClassifierSpec {
    /// The mini-batch size its optimizer sees: `None` for a full-batch
    /// method or a batch at least the training set.
    pub fn batch(&self) -> Option<usize> {
        if self.optimizer.entry.budget.full_batch {
            return None;
        }
        self.batch_size.filter(|&b| b < self.train_points())
    }

    /// Passes over the training set after `iteration` iterations.
    pub fn epoch(&self, iteration: usize) -> f64 {
        let n = self.train_points().max(1);
        iteration as f64 * self.batch().unwrap_or(n) as f64 / n as f64
    }

    /// The learning rate of iteration `t` (counting from 0) under the
    /// schedule; NaN for methods without one.
    pub fn lr(&self, t: usize) -> f64 {
        self.optimizer
            .lr()
            .map_or(f64::NAN, |base| self.schedule.lr(base, t))
    }

    /// Whether the log takes an entry after iteration `t`.
    pub fn log_due(&self, t: usize) -> bool {
        t % self.log_every == 0 || t == self.iterations
    }

    /// Whether the log entry after iteration `t` carries the top of the spectra.
    pub fn spectrum_due(&self, t: usize) -> bool {
        self.spectrum_every > 0 && (t % self.spectrum_every == 0 || t == self.iterations)
    }
}
