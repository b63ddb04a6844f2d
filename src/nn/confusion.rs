//! The confusion matrix of the classifier on a data set: how many points of
//! each true class were predicted as each class.

use serde::{Deserialize, Serialize};

use crate::data::CLASSES;

/// Counts by true class (rows) and predicted class (columns).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confusion(pub [[u32; CLASSES]; CLASSES]);

impl Confusion {
    /// Counts one point of class `label` predicted as `predicted`.
    pub fn count(&mut self, label: usize, predicted: usize) {
        self.0[label][predicted] += 1;
    }

    /// Points counted.
    pub fn total(&self) -> u32 {
        self.0.iter().flatten().sum()
    }

    /// The fraction on the diagonal: the accuracy (NaN when empty).
    pub fn accuracy(&self) -> f64 {
        let correct: u32 = (0..CLASSES).map(|k| self.0[k][k]).sum();
        f64::from(correct) / f64::from(self.total())
    }

    /// Each class's recall: the fraction of its points predicted as it
    /// (NaN for a class with no points).
    pub fn per_class_accuracy(&self) -> [f64; CLASSES] {
        std::array::from_fn(|k| {
            let row: u32 = self.0[k].iter().sum();
            f64::from(self.0[k][k]) / f64::from(row)
        })
    }
}

/// The confusion matrices of a log entry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confusions {
    /// On the training set.
    pub train: Confusion,
    /// On the test set.
    pub test: Confusion,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accuracy_is_the_diagonal_share_and_recall_is_per_row() {
        let mut c = Confusion::default();
        for (label, predicted) in [(0, 0), (0, 1), (1, 1), (2, 2), (2, 2), (2, 0)] {
            c.count(label, predicted);
        }
        assert_eq!(c.total(), 6);
        assert_eq!(c.accuracy(), 4.0 / 6.0);
        let recall = c.per_class_accuracy();
        assert_eq!(&recall[..3], &[0.5, 1.0, 2.0 / 3.0]);
        assert!(recall[3].is_nan());
    }
}
