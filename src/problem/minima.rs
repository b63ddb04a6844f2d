//! The local minima of a function of x and y whose derivatives are known
//! exactly (a typed formula's): scanned on a grid, then polished by Newton's
//! method, so the basin map can name the minimum each start reaches.

use super::jet::Jet;
use super::Window;

/// Cells per side of the grid scanned for minima.
const SCAN: usize = 48;
/// The most minima reported.
const MAX_MINIMA: usize = 16;

/// The formula's local minima inside `window`: the grid cells lower than
/// their eight neighbours, each polished by Newton's method and kept where
/// the gradient vanishes and the Hessian is positive definite.
pub(super) fn local_minima(jet: impl Fn(f64, f64) -> Jet, window: Window) -> Vec<[f64; 2]> {
    let width = window.x_max - window.x_min;
    let height = window.y_max - window.y_min;
    let at = |i: usize, j: usize| {
        [
            window.x_min + width * i as f64 / (SCAN - 1) as f64,
            window.y_min + height * j as f64 / (SCAN - 1) as f64,
        ]
    };
    let value = |p: [f64; 2]| jet(p[0], p[1]).v;
    let mut found: Vec<[f64; 2]> = Vec::new();
    for i in 1..SCAN - 1 {
        for j in 1..SCAN - 1 {
            let centre = value(at(i, j));
            let lowest = centre.is_finite()
                && (i - 1..=i + 1)
                    .flat_map(|a| (j - 1..=j + 1).map(move |b| (a, b)))
                    .filter(|&(a, b)| (a, b) != (i, j))
                    .all(|(a, b)| value(at(a, b)) > centre);
            if !lowest {
                continue;
            }
            let Some(p) = polish(&jet, at(i, j)) else {
                continue;
            };
            let inside = (window.x_min..=window.x_max).contains(&p[0])
                && (window.y_min..=window.y_max).contains(&p[1]);
            let new = found
                .iter()
                .all(|q| (p[0] - q[0]).hypot(p[1] - q[1]) > 1e-6 * width.max(height));
            if inside && new && found.len() < MAX_MINIMA {
                found.push(p);
            }
        }
    }
    found
}

/// Newton's method from `p`; the point where it settles if that is a
/// strict local minimum.
fn polish(jet_at: &impl Fn(f64, f64) -> Jet, mut p: [f64; 2]) -> Option<[f64; 2]> {
    for _ in 0..50 {
        let jet = jet_at(p[0], p[1]);
        let [[a, b], [_, d]] = jet.h;
        let det = a * d - b * b;
        if !(a > 0.0 && det > 0.0) {
            return None;
        }
        let step = [
            (d * jet.g[0] - b * jet.g[1]) / det,
            (a * jet.g[1] - b * jet.g[0]) / det,
        ];
        p = [p[0] - step[0], p[1] - step[1]];
        if step[0].hypot(step[1]) <= 1e-12 * (1.0 + p[0].hypot(p[1])) {
            let jet = jet_at(p[0], p[1]);
            let [[a, b], [_, d]] = jet.h;
            return (a > 0.0 && a * d - b * b > 0.0 && p.iter().all(|v| v.is_finite()))
                .then_some(p);
        }
    }
    None
}
