//! What training records: the log (one entry per logged iteration, written
//! by one function for every backend), the decision regions on a grid, and
//! the checkpoint a run continues from on another backend.

use serde::{Deserialize, Serialize};

use crate::nn::spectrum::SpectrumEntry;
use crate::nn::{Confusions, Mlp, Workspace};
use crate::optim::RuleState;

/// The record of one training run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainingHistory {
    /// Iteration of each log entry.
    pub iteration: Vec<usize>,
    /// Epochs (passes over the training set) at each entry.
    pub epoch: Vec<f64>,
    /// Mean cross-entropy on the training set.
    pub train_loss: Vec<f64>,
    /// Training accuracy.
    pub train_accuracy: Vec<f64>,
    /// Mean cross-entropy on the test set.
    pub test_loss: Vec<f64>,
    /// Test accuracy.
    pub test_accuracy: Vec<f64>,
    /// Full-batch gradient norm (NaN where the backend does not compute it).
    pub grad_norm: Vec<f64>,
    /// The step size (learning rate) or trust radius of the last step.
    pub step: Vec<f64>,
    /// Milliseconds since training began.
    pub wall_ms: Vec<f64>,
    /// Conjugate-gradient iterations of the logged step (matrix-free methods).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cg_iterations: Vec<usize>,
    /// The confusion matrices at the last entry (absent where the backend
    /// does not count them: the GPU).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confusion: Option<Box<Confusions>>,
    /// The top of the Hessian's and the Gauss–Newton matrix's spectra, at
    /// the entries the spec asked for (`spectrum_every`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spectrum: Vec<SpectrumEntry>,
}

/// One log entry.
#[derive(Clone, Debug, PartialEq)]
pub struct LogEntry {
    /// Iterations taken.
    pub iteration: usize,
    /// Passes over the training set.
    pub epoch: f64,
    /// Loss and accuracy on the training set.
    pub train: (f64, f64),
    /// Loss and accuracy on the test set.
    pub test: (f64, f64),
    /// Full-batch gradient norm (NaN if not computed).
    pub grad_norm: f64,
    /// Step size or trust radius of the last step (NaN before the first).
    pub step: f64,
    /// Milliseconds since training began.
    pub wall_ms: f64,
    /// Conjugate-gradient iterations of the last step, for matrix-free methods.
    pub cg_iterations: Option<usize>,
    /// The confusion matrices, where the backend counts them.
    pub confusion: Option<Box<Confusions>>,
}

impl TrainingHistory {
    /// Appends `entry`.
    pub fn push(&mut self, entry: LogEntry) {
        self.iteration.push(entry.iteration);
        self.epoch.push(entry.epoch);
        self.train_loss.push(entry.train.0);
        self.train_accuracy.push(entry.train.1);
        self.test_loss.push(entry.test.0);
        self.test_accuracy.push(entry.test.1);
        self.grad_norm.push(entry.grad_norm);
        self.step.push(entry.step);
        self.wall_ms.push(entry.wall_ms);
        if let Some(cg) = entry.cg_iterations {
            self.cg_iterations.push(cg);
        }
        self.confusion = entry.confusion;
    }

    /// Keeps the entries up to and including iteration `last`.
    pub fn truncate_after(&mut self, last: usize) {
        let before = self.iteration.len();
        let keep = self.iteration.iter().take_while(|&&i| i <= last).count();
        self.iteration.truncate(keep);
        for column in [
            &mut self.epoch,
            &mut self.train_loss,
            &mut self.train_accuracy,
            &mut self.test_loss,
            &mut self.test_accuracy,
            &mut self.grad_norm,
            &mut self.step,
            &mut self.wall_ms,
        ] {
            column.truncate(keep);
        }
        self.cg_iterations.truncate(keep);
        self.spectrum.retain(|entry| entry.iteration <= last);
        // The counts belong to the last entry; an earlier one's are not kept.
        if keep < before {
            self.confusion = None;
        }
    }
}

/// A run to continue on another backend: the parameters after `iteration`
/// iterations, the optimizer's state then, and the log up to then.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Checkpoint {
    /// Iterations already taken.
    pub iteration: usize,
    /// The parameters then.
    pub theta: Vec<f64>,
    /// The optimizer's state then (momenta, moments, step count).
    pub state: Option<RuleState>,
    /// The log up to then.
    pub history: TrainingHistory,
}

/// Decision regions: the predicted class at each point of a square grid over [−3, 3]².
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DecisionGrid {
    /// Points per side.
    pub size: usize,
    /// Class indices, row-major, top row (y = 3) first.
    #[serde(with = "serde_bytes")]
    pub classes: Vec<u8>,
}

/// Grid points per side of the decision regions.
pub const GRID_SIZE: usize = 200;

/// The result of training.
#[derive(Clone, Debug, Serialize)]
pub struct Training {
    /// The optimizer's name.
    pub optimizer: String,
    /// Number of parameters.
    pub parameters: usize,
    /// The log.
    pub history: TrainingHistory,
    /// Decision regions of the final network.
    pub grid: DecisionGrid,
    /// The final parameters.
    #[serde(skip)]
    pub theta: Vec<f64>,
}

/// The points of a `size × size` grid over [−3, 3]², top row first.
pub fn grid_points(size: usize) -> Vec<[f64; 2]> {
    let step = 6.0 / size as f64;
    (0..size)
        .flat_map(|row| {
            (0..size).map(move |col| {
                [
                    -3.0 + (col as f64 + 0.5) * step,
                    3.0 - (row as f64 + 0.5) * step,
                ]
            })
        })
        .collect()
}

/// The decision regions of `mlp` at θ on a `size × size` grid.
pub fn decision_grid(mlp: &Mlp, theta: &[f64], size: usize, ws: &mut Workspace) -> DecisionGrid {
    DecisionGrid {
        size,
        classes: mlp.predict(theta, &grid_points(size), ws),
    }
}
