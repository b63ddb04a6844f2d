//! The lectures' running example: points of the plane labelled by which
//! fifth of MATLAB's peaks surface they fall in.

use crate::problem::peaks;
use crate::random;

/// The number of classes: one per quintile of z.
pub const CLASSES: usize = 5;

/// Labelled points.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dataset {
    /// The inputs (x, y).
    pub x: Vec<[f64; 2]>,
    /// The class of each input, in 0..[`CLASSES`].
    pub labels: Vec<usize>,
}

impl Dataset {
    /// The number of points.
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// Whether there are no points.
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }
}

/// The peaks classification data: a training and a test split.
#[derive(Clone, Debug, PartialEq)]
pub struct PeaksData {
    /// The training points.
    pub train: Dataset,
    /// The held-out test points.
    pub test: Dataset,
    /// The 20/40/60/80 % percentiles of z that separate the classes.
    pub thresholds: [f64; 4],
}

/// The class of a peaks value: how many thresholds it lies strictly above
/// (a value equal to a threshold goes to the lower class).
pub fn class_of(z: f64, thresholds: &[f64; 4]) -> usize {
    thresholds.iter().filter(|&&t| z > t).count()
}

/// The q-quantile of sorted values with linear interpolation between order
/// statistics (NumPy's default).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let position = q * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = (below + 1).min(sorted.len() - 1);
    let fraction = position - below as f64;
    sorted[below] + fraction * (sorted[above] - sorted[below])
}

impl PeaksData {
    /// `points` inputs uniform on [−3, 3]², labelled by the quintiles of
    /// z = peaks(x, y), shuffled and split with `train_fraction` for training.
    pub fn generate(seed: u64, points: usize, train_fraction: f64) -> Self {
        let mut rng = random::stream(seed, 1 << 40);
        let x: Vec<[f64; 2]> = (0..points)
            .map(|_| {
                let u = -3.0 + 6.0 * random::open_unit(&mut rng);
                let v = -3.0 + 6.0 * random::open_unit(&mut rng);
                [u, v]
            })
            .collect();
        let z: Vec<f64> = x.iter().map(|p| peaks(p[0], p[1])).collect();
        let mut sorted = z.clone();
        sorted.sort_by(f64::total_cmp);
        let thresholds = if sorted.is_empty() {
            [0.0; 4]
        } else {
            [0.2, 0.4, 0.6, 0.8].map(|q| quantile(&sorted, q))
        };
        let mut order: Vec<usize> = (0..points).collect();
        for i in (1..points).rev() {
            let j = random::index(&mut rng, i + 1);
            order.swap(i, j);
        }
        let n_train = ((points as f64) * train_fraction).round() as usize;
        let split = |indices: &[usize]| Dataset {
            x: indices.iter().map(|&i| x[i]).collect(),
            labels: indices
                .iter()
                .map(|&i| class_of(z[i], &thresholds))
                .collect(),
        };
        Self {
            train: split(&order[..n_train]),
            test: split(&order[n_train..]),
            thresholds,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_data_has_800_training_and_200_test_points_in_balanced_classes() {
        let data = PeaksData::generate(0, 1000, 0.8);
        assert_eq!((data.train.len(), data.test.len()), (800, 200));
        let mut counts = [0usize; CLASSES];
        for &c in data.train.labels.iter().chain(&data.test.labels) {
            counts[c] += 1;
        }
        assert_eq!(
            counts, [200; 5],
            "quintiles of 1000 distinct values split them evenly"
        );
        assert!(data
            .train
            .x
            .iter()
            .all(|p| p.iter().all(|v| (-3.0..=3.0).contains(v))));
    }

    #[test]
    fn labels_follow_the_thresholds_and_the_seed_decides_everything() {
        let data = PeaksData::generate(5, 300, 0.8);
        for (p, &c) in data.train.x.iter().zip(&data.train.labels) {
            assert_eq!(class_of(peaks(p[0], p[1]), &data.thresholds), c);
        }
        assert_eq!(data, PeaksData::generate(5, 300, 0.8));
        assert_ne!(data, PeaksData::generate(6, 300, 0.8));
        assert_eq!(
            class_of(data.thresholds[1], &data.thresholds),
            1,
            "a tie goes to the lower class"
        );
    }

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let sorted = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert_eq!(quantile(&sorted, 0.2), 1.8);
        assert!((quantile(&sorted, 0.8) - 5.2).abs() < 1e-12);
    }
}
