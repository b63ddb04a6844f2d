//! Numbers that carry their gradient and Hessian in (x, y) through every
//! operation: second-order forward-mode automatic differentiation, for the
//! typed formulas of [`super::formula`].

/// A number with its gradient and Hessian in (x, y): second-order forward
/// automatic differentiation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Jet {
    /// The value.
    pub(super) v: f64,
    /// The gradient.
    pub(super) g: [f64; 2],
    /// The Hessian.
    pub(super) h: [[f64; 2]; 2],
}

impl Jet {
    /// A constant: no derivatives.
    pub(super) fn constant(v: f64) -> Self {
        Self {
            v,
            g: [0.0; 2],
            h: [[0.0; 2]; 2],
        }
    }

    /// Variable `k` (0: x, 1: y) at `v`.
    pub(super) fn variable(v: f64, k: usize) -> Self {
        let mut g = [0.0; 2];
        g[k] = 1.0;
        Self {
            v,
            g,
            h: [[0.0; 2]; 2],
        }
    }

    /// Whether every derivative is zero.
    pub(super) fn is_constant(&self) -> bool {
        self.g == [0.0; 2] && self.h == [[0.0; 2]; 2]
    }

    /// f(self) from f, f′ and f″ at self.v (the chain rule to second order).
    pub(super) fn chain(self, f: f64, d1: f64, d2: f64) -> Self {
        let mut out = Self::constant(f);
        for i in 0..2 {
            out.g[i] = d1 * self.g[i];
            for j in 0..2 {
                out.h[i][j] = d1 * self.h[i][j] + d2 * self.g[i] * self.g[j];
            }
        }
        out
    }

    /// self + o.
    pub(super) fn add(self, o: Self) -> Self {
        self.zip(o, |a, b| a + b)
    }

    /// self − o.
    pub(super) fn sub(self, o: Self) -> Self {
        self.zip(o, |a, b| a - b)
    }

    /// `f` applied to the values and to each derivative alike (linear `f` only).
    pub(super) fn zip(self, o: Self, f: impl Fn(f64, f64) -> f64) -> Self {
        let mut out = Self::constant(f(self.v, o.v));
        for i in 0..2 {
            out.g[i] = f(self.g[i], o.g[i]);
            for j in 0..2 {
                out.h[i][j] = f(self.h[i][j], o.h[i][j]);
            }
        }
        out
    }

    /// self · o, by the product rule to second order.
    pub(super) fn mul(self, o: Self) -> Self {
        let mut out = Self::constant(self.v * o.v);
        for i in 0..2 {
            out.g[i] = self.g[i] * o.v + self.v * o.g[i];
            for j in 0..2 {
                out.h[i][j] = self.h[i][j] * o.v
                    + self.v * o.h[i][j]
                    + self.g[i] * o.g[j]
                    + self.g[j] * o.g[i];
            }
        }
        out
    }

    /// 1/self.
    pub(super) fn recip(self) -> Self {
        let r = 1.0 / self.v;
        self.chain(r, -r * r, 2.0 * r * r * r)
    }

    /// self^e: through `powi` for a whole constant exponent up to 64 (so
    /// x^2 is x·x exactly), `pow` for other constants, else exp(e ln self).
    pub(super) fn pow(self, e: Self) -> Self {
        if e.is_constant() {
            let c = e.v;
            if c == c.trunc() && c.abs() <= 64.0 {
                let n = c as i32;
                let d1 = if n == 0 { 0.0 } else { c * self.v.powi(n - 1) };
                let d2 = if n == 0 || n == 1 {
                    0.0
                } else {
                    c * (c - 1.0) * self.v.powi(n - 2)
                };
                return self.chain(self.v.powi(n), d1, d2);
            }
            return self.chain(
                libm::pow(self.v, c),
                c * libm::pow(self.v, c - 1.0),
                c * (c - 1.0) * libm::pow(self.v, c - 2.0),
            );
        }
        // a^b = exp(b ln a).
        let ln = self.chain(libm::log(self.v), 1.0 / self.v, -1.0 / (self.v * self.v));
        let product = e.mul(ln);
        let ex = libm::exp(product.v);
        product.chain(ex, ex, ex)
    }
}
