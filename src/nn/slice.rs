//! A two-dimensional slice of the network's training loss: the plane
//! c + α·d₁ + β·d₂ through a reference point, sampled on a grid; parameter
//! paths projected onto it with their exact distance from it (what the
//! projection hides); and the one-dimensional profile along a line.
//!
//! Directions (Li et al., "Visualizing the loss landscape of neural nets",
//! 2018, for the first): filter-normalised random directions, the top two
//! eigenvectors of the Gauss–Newton matrix or of the Hessian at c, or the
//! line from the initial parameters to c with one filter-normalised
//! direction orthogonal to it.

use serde::{Deserialize, Serialize};

use super::classifier::Classifier;
use super::hessian::hessian_times;
use super::mlp::{Mlp, Workspace};
use super::spectrum::{dot, lanczos, LANCZOS_STEPS};
use crate::problem::{GaussNewtonProducts, Objective};
use crate::random;

/// How the plane's two directions are chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Directions {
    /// Two random directions, each hidden unit's incoming weights scaled to
    /// the norm of that unit's weights in c, biases 0 (seeded).
    FilterNormalised,
    /// The two leading eigenvectors of the Gauss–Newton matrix at c.
    GaussNewton,
    /// The two leading eigenvectors of the Hessian at c.
    Hessian,
    /// From the initial parameters to c, and a filter-normalised direction
    /// orthogonal to it.
    InitialToReference,
}

impl Directions {
    /// Every kind with its name in specs and on the command line.
    pub const ALL: [(&'static str, Directions); 4] = [
        ("filter-normalised", Directions::FilterNormalised),
        ("gauss-newton", Directions::GaussNewton),
        ("hessian", Directions::Hessian),
        ("initial-to-reference", Directions::InitialToReference),
    ];

    /// The kind named `name`.
    pub fn named(name: &str) -> Option<Directions> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, d)| *d)
    }
}

/// The plane c + α·d₁ + β·d₂ in parameter space.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plane {
    /// The reference point c (α = β = 0).
    pub center: Vec<f64>,
    /// The first direction.
    pub d1: Vec<f64>,
    /// The second direction.
    pub d2: Vec<f64>,
}

/// Where a parameter vector lands on a plane.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Projection {
    /// Coordinate along d₁.
    pub alpha: f64,
    /// Coordinate along d₂.
    pub beta: f64,
    /// ‖θ − (c + αd₁ + βd₂)‖: how far θ is from the plane.
    pub off_plane: f64,
}

impl Plane {
    /// The parameters at (α, β).
    pub fn point(&self, alpha: f64, beta: f64) -> Vec<f64> {
        self.center
            .iter()
            .zip(&self.d1)
            .zip(&self.d2)
            .map(|((c, a), b)| c + alpha * a + beta * b)
            .collect()
    }

    /// The closest point of the plane to θ (least squares in α and β, the
    /// directions need not be orthogonal) and θ's distance from it.
    pub fn project(&self, theta: &[f64]) -> Projection {
        let r: Vec<f64> = theta.iter().zip(&self.center).map(|(t, c)| t - c).collect();
        let (g11, g12, g22) = (
            dot(&self.d1, &self.d1),
            dot(&self.d1, &self.d2),
            dot(&self.d2, &self.d2),
        );
        let (b1, b2) = (dot(&self.d1, &r), dot(&self.d2, &r));
        let det = g11 * g22 - g12 * g12;
        let (alpha, beta) = if det > 0.0 {
            ((g22 * b1 - g12 * b2) / det, (g11 * b2 - g12 * b1) / det)
        } else {
            (b1 / g11.max(f64::MIN_POSITIVE), 0.0)
        };
        let off_plane = r
            .iter()
            .zip(&self.d1)
            .zip(&self.d2)
            .map(|((r, a), b)| (r - alpha * a - beta * b).powi(2))
            .sum::<f64>()
            .sqrt();
        Projection {
            alpha,
            beta,
            off_plane,
        }
    }
}

/// The training loss on a `size × size` grid over [−extent, extent]² in (α, β).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LossSlice {
    /// Half the side of the square, in units of the directions.
    pub extent: f64,
    /// Grid points per side (odd, so the centre is a grid point).
    pub size: usize,
    /// Losses, row-major, the first row at β = −extent, the first column at α = −extent.
    pub losses: Vec<f64>,
}

impl LossSlice {
    /// The coordinate of grid index `i` (α for a column, β for a row).
    pub fn coordinate(&self, i: usize) -> f64 {
        // Exactly 0 at the centre.
        self.extent * (2.0 * i as f64 - (self.size - 1) as f64) / (self.size - 1) as f64
    }

    /// The loss at grid point (column `i`, row `j`).
    pub fn at(&self, i: usize, j: usize) -> f64 {
        self.losses[j * self.size + i]
    }
}

/// Samples the training loss of `classifier` on `plane` (`size` is made odd).
pub fn sample(classifier: &Classifier, plane: &Plane, extent: f64, size: usize) -> LossSlice {
    let size = size.max(3) | 1;
    let mut slice = LossSlice {
        extent,
        size,
        losses: Vec::with_capacity(size * size),
    };
    for j in 0..size {
        for i in 0..size {
            let theta = plane.point(slice.coordinate(i), slice.coordinate(j));
            slice.losses.push(classifier.value(&theta));
        }
    }
    slice
}

/// The loss along the line from `from` (t = 0) to `to` (t = 1), at `points`
/// values of t from −¼ to 1¼.
pub fn profile(classifier: &Classifier, from: &[f64], to: &[f64], points: usize) -> Vec<[f64; 2]> {
    let points = points.max(2);
    (0..points)
        .map(|k| {
            let t = -0.25 + 1.5 * k as f64 / (points - 1) as f64;
            let theta: Vec<f64> = from.iter().zip(to).map(|(a, b)| a + t * (b - a)).collect();
            [t, classifier.value(&theta)]
        })
        .collect()
}

/// The plane through `center` with directions of the given kind;
/// `initial` is used by [`Directions::InitialToReference`]. Eigenvectors are
/// scaled to ‖c‖, so that α = 1 moves as far as the parameters' own size.
pub fn plane(
    classifier: &Classifier,
    center: &[f64],
    initial: &[f64],
    kind: Directions,
    seed: u64,
) -> Plane {
    let p = center.len();
    let size = dot(center, center).sqrt().max(1e-12);
    let (d1, d2) = match kind {
        Directions::FilterNormalised => (
            filter_normalised(&classifier.mlp, center, seed),
            filter_normalised(&classifier.mlp, center, seed + 1),
        ),
        Directions::GaussNewton | Directions::Hessian => {
            let mut ws = Workspace::default();
            let pairs = if kind == Directions::Hessian {
                lanczos(
                    &mut |v| hessian_times(&classifier.mlp, center, &classifier.data, v, &mut ws),
                    p,
                    2,
                    LANCZOS_STEPS,
                    seed,
                )
            } else {
                classifier.linearize(center);
                lanczos(&mut |v| classifier.ggn_times(v), p, 2, LANCZOS_STEPS, seed)
            };
            let mut vectors = pairs.into_iter().map(|(_, v)| scaled(v, size));
            let first = vectors.next().unwrap_or_else(|| vec![0.0; p]);
            let second = vectors.next().unwrap_or_else(|| vec![0.0; p]);
            (first, second)
        }
        Directions::InitialToReference => {
            let d1: Vec<f64> = center.iter().zip(initial).map(|(c, i)| c - i).collect();
            let mut d2 = filter_normalised(&classifier.mlp, center, seed);
            let along = dot(&d2, &d1) / dot(&d1, &d1).max(f64::MIN_POSITIVE);
            d2.iter_mut().zip(&d1).for_each(|(b, a)| *b -= along * a);
            let length = dot(&d1, &d1).sqrt();
            (d1, scaled(d2, length))
        }
    };
    Plane {
        center: center.to_vec(),
        d1,
        d2,
    }
}

/// A random direction with each hidden or output unit's incoming weights
/// scaled to the norm of that unit's weights in θ, and biases 0.
pub fn filter_normalised(mlp: &Mlp, theta: &[f64], seed: u64) -> Vec<f64> {
    let mut rng = random::stream(seed, 1 << 45);
    let mut d = vec![0.0; theta.len()];
    let last = mlp.layers.len() - 1;
    for (l, layer) in mlp.layers.iter().enumerate() {
        if l == last && mlp.frozen_output {
            continue;
        }
        // W is n_in × n_out, row-major: unit o's weights are column o.
        for o in 0..layer.n_out {
            let index = |i: usize| layer.w + i * layer.n_out + o;
            let draws: Vec<f64> = (0..layer.n_in)
                .map(|_| random::standard_normal(&mut rng))
                .collect();
            let norm = draws.iter().map(|x| x * x).sum::<f64>().sqrt();
            let target = (0..layer.n_in)
                .map(|i| theta[index(i)].powi(2))
                .sum::<f64>()
                .sqrt();
            for (i, x) in draws.iter().enumerate() {
                d[index(i)] = x * target / norm.max(f64::MIN_POSITIVE);
            }
        }
    }
    d
}

fn scaled(mut v: Vec<f64>, length: f64) -> Vec<f64> {
    let norm = dot(&v, &v).sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x *= length / norm);
    }
    v
}
