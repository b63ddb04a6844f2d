//! Seeded randomness that gives the same numbers natively and in WebAssembly.
//!
//! Everything random in Descent (data sets, mini-batches, gradient noise)
//! draws from a ChaCha8 stream through these functions. Transcendental
//! functions come from `libm`, so results do not depend on the platform's
//! maths library, and indices are drawn as `u32`, so they do not depend on
//! the width of `usize`.

use std::f64::consts::{FRAC_PI_2, PI};

use rand::{Rng, RngExt, SeedableRng};
pub use rand_chacha::ChaCha8Rng;

/// The random stream for `seed`, sub-stream `stream` (for example one per run).
pub fn stream(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// A uniform draw from the open interval (0, 1).
pub fn open_unit(rng: &mut impl Rng) -> f64 {
    // 53 random bits, shifted by half a step so that neither 0 nor 1 occurs.
    ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
}

/// A standard normal draw (Box–Muller).
pub fn standard_normal(rng: &mut impl Rng) -> f64 {
    let (u, v) = (open_unit(rng), open_unit(rng));
    libm::sqrt(-2.0 * libm::log(u)) * libm::cos(2.0 * PI * v)
}

/// A draw from the standard symmetric alpha-stable law S_α(1, 0, 0), by the
/// Chambers–Mallows–Stuck method; α = 2 is a normal with variance 2, α = 1 Cauchy.
pub fn symmetric_alpha_stable(rng: &mut impl Rng, alpha: f64) -> f64 {
    let v = PI * (open_unit(rng) - 0.5);
    let w = -libm::log(open_unit(rng));
    if (alpha - 1.0).abs() < 1e-12 {
        return libm::tan(v);
    }
    let first = libm::sin(alpha * v) / libm::pow(libm::cos(v), 1.0 / alpha);
    let second = libm::pow(libm::cos(v - alpha * v) / w, (1.0 - alpha) / alpha);
    // Guard the endpoints of v, where cos(v) underflows.
    if v.abs() >= FRAC_PI_2 {
        0.0
    } else {
        first * second
    }
}

/// A uniform index in `0..n` (n ≥ 1, at most `u32::MAX`).
pub fn index(rng: &mut impl Rng, n: usize) -> usize {
    rng.random_range(0..n as u32) as usize
}

/// Writes the first `k` entries of a fresh uniform permutation of `0..n` into
/// `out` (a partial Fisher–Yates shuffle of `scratch`, which must hold `0..n`
/// in some order).
pub fn permutation_prefix(
    rng: &mut impl Rng,
    scratch: &mut [usize],
    k: usize,
    out: &mut Vec<usize>,
) {
    let n = scratch.len();
    out.clear();
    for i in 0..k.min(n) {
        let j = i + index(rng, n - i);
        scratch.swap(i, j);
        out.push(scratch[i]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_draws_have_unit_variance() {
        let mut rng = stream(1, 0);
        let n = 200_000;
        let draws: Vec<f64> = (0..n).map(|_| standard_normal(&mut rng)).collect();
        let mean = draws.iter().sum::<f64>() / n as f64;
        let var = draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(
            mean.abs() < 0.01 && (var - 1.0).abs() < 0.01,
            "mean {mean}, var {var}"
        );
    }

    #[test]
    fn alpha_two_is_normal_with_variance_two_and_small_alpha_is_heavy_tailed() {
        let mut rng = stream(2, 0);
        let n = 200_000;
        let draws: Vec<f64> = (0..n)
            .map(|_| symmetric_alpha_stable(&mut rng, 2.0))
            .collect();
        let var = draws.iter().map(|d| d * d).sum::<f64>() / n as f64;
        assert!((var - 2.0).abs() < 0.03, "var {var}");
        let heavy = (0..n)
            .map(|_| symmetric_alpha_stable(&mut rng, 1.2))
            .filter(|d| d.abs() > 20.0)
            .count();
        // P(|X| > 20) ≈ 2·C_α·20^(−α) ≈ 1.3 % for α = 1.2; a normal gives none.
        assert!(heavy > 1000, "only {heavy} large draws");
    }

    #[test]
    fn permutation_prefix_draws_distinct_indices() {
        let mut rng = stream(3, 0);
        let mut scratch: Vec<usize> = (0..50).collect();
        let mut out = Vec::new();
        permutation_prefix(&mut rng, &mut scratch, 20, &mut out);
        let mut sorted = out.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 20);
        assert!(out.iter().all(|&i| i < 50));
    }
}
