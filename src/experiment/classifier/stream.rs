//! The order in which a classifier run sees its training points: one seeded
//! stream of mini-batches that every backend draws from the same way, so a
//! run on the GPU and one on the CPU see the same batches, and a run moved
//! between them continues where it was.

use super::ClassifierSpec;
use crate::random::{self, ChaCha8Rng};

/// The random stream of a run's mini-batches (stream 7 of the run's seed).
#[derive(Clone, Debug)]
pub struct BatchStream {
    rng: ChaCha8Rng,
    order: Vec<usize>,
    rows: Vec<usize>,
    size: Option<usize>,
}

impl BatchStream {
    /// The stream of `spec` over `samples` training points.
    pub fn new(spec: &ClassifierSpec, samples: usize) -> Self {
        Self {
            rng: random::stream(spec.seed, 7),
            order: (0..samples).collect(),
            rows: (0..samples).collect(),
            size: spec.batch(),
        }
    }

    /// The mini-batch size (`None`: every step sees the whole set).
    pub fn size(&self) -> Option<usize> {
        self.size
    }

    /// The rows of the next step: a fresh mini-batch, or every row.
    pub fn next_rows(&mut self) -> &[usize] {
        if let Some(size) = self.size {
            random::permutation_prefix(&mut self.rng, &mut self.order, size, &mut self.rows);
        }
        &self.rows
    }

    /// Skips the batches of `steps` steps (a run continued elsewhere).
    pub fn skip(&mut self, steps: usize) {
        if self.size.is_some() {
            for _ in 0..steps {
                self.next_rows();
            }
        }
    }

    /// Lends the random stream and the order to an oracle, which draws the
    /// batches the same way; [`give_back`](Self::give_back) returns them.
    pub fn lend(&mut self) -> (ChaCha8Rng, Vec<usize>) {
        (
            std::mem::replace(&mut self.rng, random::stream(0, 0)),
            std::mem::take(&mut self.order),
        )
    }

    /// Takes back what [`lend`](Self::lend) lent.
    pub fn give_back(&mut self, (rng, order): (ChaCha8Rng, Vec<usize>)) {
        self.rng = rng;
        self.order = order;
    }
}
