//! Line searches along a direction d from x: backtracking (Armijo), strong
//! Wolfe (Nocedal & Wright, Algorithms 3.5 and 3.6) and exact minimisation
//! (bracketing and golden-section search).

use super::{dot, Oracle};

/// The objective restricted to the line x + α d: φ(α) and φ'(α) = ∇f(x + αd)ᵀd.
pub struct Line<'s, 'o> {
    oracle: &'s mut Oracle<'o>,
    x: &'s [f64],
    d: &'s [f64],
    trial: Vec<f64>,
    grad: Vec<f64>,
}

impl<'s, 'o> Line<'s, 'o> {
    /// The line through `x` along `d`.
    pub fn new(oracle: &'s mut Oracle<'o>, x: &'s [f64], d: &'s [f64]) -> Self {
        Self {
            oracle,
            x,
            d,
            trial: x.to_vec(),
            grad: vec![0.0; x.len()],
        }
    }

    fn move_to(&mut self, alpha: f64) {
        for ((t, x), d) in self.trial.iter_mut().zip(self.x).zip(self.d) {
            *t = x + alpha * d;
        }
    }

    /// φ(α).
    pub fn value(&mut self, alpha: f64) -> f64 {
        self.move_to(alpha);
        self.oracle.value(&self.trial)
    }

    /// φ(α) and φ'(α).
    pub fn value_and_slope(&mut self, alpha: f64) -> (f64, f64) {
        self.move_to(alpha);
        let value = self.oracle.value(&self.trial);
        self.oracle.gradient(&self.trial, &mut self.grad);
        (value, dot(&self.grad, self.d))
    }
}

/// The outcome of a line search.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Found {
    /// The step length α chosen.
    pub alpha: f64,
    /// φ(α).
    pub value: f64,
    /// Whether the search's condition was met (else α is the best it saw).
    pub satisfied: bool,
}

const MAX_TRIALS: usize = 60;

/// Backtracking: the first α = α₀ρᵏ with φ(α) ≤ φ(0) + c₁ α φ'(0).
pub fn armijo(
    line: &mut Line<'_, '_>,
    f0: f64,
    slope0: f64,
    alpha0: f64,
    c1: f64,
    rho: f64,
) -> Found {
    let mut alpha = alpha0;
    for _ in 0..MAX_TRIALS {
        let value = line.value(alpha);
        if value <= f0 + c1 * alpha * slope0 {
            return Found {
                alpha,
                value,
                satisfied: true,
            };
        }
        alpha *= rho;
    }
    Found {
        alpha: 0.0,
        value: f0,
        satisfied: false,
    }
}

/// A step satisfying the strong Wolfe conditions φ(α) ≤ φ(0) + c₁αφ'(0) and
/// |φ'(α)| ≤ c₂|φ'(0)|, found by expanding from α₀ and then zooming.
pub fn strong_wolfe(
    line: &mut Line<'_, '_>,
    f0: f64,
    slope0: f64,
    alpha0: f64,
    c1: f64,
    c2: f64,
) -> Found {
    let mut prev = (0.0, f0, slope0);
    let mut alpha = alpha0;
    for i in 0..MAX_TRIALS {
        let (value, slope) = line.value_and_slope(alpha);
        if !value.is_finite() {
            return zoom(line, prev, (alpha, f64::INFINITY, 0.0), f0, slope0, c1, c2);
        }
        if value > f0 + c1 * alpha * slope0 || (i > 0 && value >= prev.1) {
            return zoom(line, prev, (alpha, value, slope), f0, slope0, c1, c2);
        }
        if slope.abs() <= -c2 * slope0 {
            return Found {
                alpha,
                value,
                satisfied: true,
            };
        }
        if slope >= 0.0 {
            return zoom(line, (alpha, value, slope), prev, f0, slope0, c1, c2);
        }
        prev = (alpha, value, slope);
        alpha *= 2.0;
    }
    Found {
        alpha: prev.0,
        value: prev.1,
        satisfied: false,
    }
}

/// Narrows [lo, hi] (each as (α, φ, φ')) to a strong-Wolfe point, trying the
/// minimiser of the cubic that interpolates both ends and bisecting when that
/// falls too close to an end.
fn zoom(
    line: &mut Line<'_, '_>,
    mut lo: (f64, f64, f64),
    mut hi: (f64, f64, f64),
    f0: f64,
    slope0: f64,
    c1: f64,
    c2: f64,
) -> Found {
    for _ in 0..MAX_TRIALS {
        let width = hi.0 - lo.0;
        let alpha = cubic_minimiser(lo, hi)
            .filter(|a| {
                let (left, right) = (lo.0.min(hi.0), lo.0.max(hi.0));
                *a > left + 0.1 * width.abs() && *a < right - 0.1 * width.abs()
            })
            .unwrap_or(lo.0 + 0.5 * width);
        let (value, slope) = line.value_and_slope(alpha);
        if value > f0 + c1 * alpha * slope0 || value >= lo.1 {
            hi = (alpha, value, slope);
        } else {
            if slope.abs() <= -c2 * slope0 {
                return Found {
                    alpha,
                    value,
                    satisfied: true,
                };
            }
            if slope * (hi.0 - lo.0) >= 0.0 {
                hi = lo;
            }
            lo = (alpha, value, slope);
        }
        if (hi.0 - lo.0).abs() <= 1e-16 * lo.0.abs().max(1.0) {
            break;
        }
    }
    Found {
        alpha: lo.0,
        value: lo.1,
        satisfied: false,
    }
}

/// The minimiser of the cubic through (a, φa, φ'a) and (b, φb, φ'b), if it exists
/// (Nocedal & Wright, eq. 3.59).
fn cubic_minimiser(a: (f64, f64, f64), b: (f64, f64, f64)) -> Option<f64> {
    if !b.1.is_finite() || a.0 == b.0 {
        return None;
    }
    let d1 = a.2 + b.2 - 3.0 * (a.1 - b.1) / (a.0 - b.0);
    let radicand = d1 * d1 - a.2 * b.2;
    if radicand < 0.0 {
        return None;
    }
    let d2 = (b.0 - a.0).signum() * radicand.sqrt();
    let alpha = b.0 - (b.0 - a.0) * (b.2 + d2 - d1) / (b.2 - a.2 + 2.0 * d2);
    alpha.is_finite().then_some(alpha)
}

/// The exact line search: the minimiser of φ over α ≥ 0, bracketed by
/// doubling from α₀ and then found by golden-section search.
pub fn exact(line: &mut Line<'_, '_>, f0: f64, alpha0: f64) -> Found {
    let (mut a, mut b) = (0.0, alpha0);
    let mut fb = line.value(b);
    if fb < f0 {
        // Expand until φ rises: the minimum then lies in [a, c].
        let mut c = 2.0 * b;
        let mut fc = line.value(c);
        let mut doublings = 0;
        while fc < fb && doublings < MAX_TRIALS {
            a = b;
            b = c;
            fb = fc;
            c *= 2.0;
            fc = line.value(c);
            doublings += 1;
        }
        b = c;
    }
    let ratio = 0.5 * (5f64.sqrt() - 1.0);
    let mut left = b - ratio * (b - a);
    let mut right = a + ratio * (b - a);
    let (mut f_left, mut f_right) = (line.value(left), line.value(right));
    for _ in 0..200 {
        if (b - a) <= 1e-12 * b.abs().max(1e-12) {
            break;
        }
        if f_left < f_right {
            b = right;
            right = left;
            f_right = f_left;
            left = b - ratio * (b - a);
            f_left = line.value(left);
        } else {
            a = left;
            left = right;
            f_left = f_right;
            right = a + ratio * (b - a);
            f_right = line.value(right);
        }
    }
    let alpha = 0.5 * (a + b);
    let value = line.value(alpha);
    if value <= f0 {
        Found {
            alpha,
            value,
            satisfied: true,
        }
    } else {
        Found {
            alpha: 0.0,
            value: f0,
            satisfied: false,
        }
    }
}
