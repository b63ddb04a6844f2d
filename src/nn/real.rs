//! The arithmetic the fast network kernels run in: `f64` (the default and
//! the reference) or `f32` (twice the SIMD lanes, half the memory traffic),
//! with exp and log from the `libm` crate so the bits do not depend on the
//! platform's maths library.

use std::fmt::Debug;
use std::ops::{Add, AddAssign, Div, Mul, Sub};

/// The precision a classifier spec asks for (`"model": {"precision": …}`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Precision {
    /// Double precision: the reference.
    #[default]
    F64,
    /// Single precision for the loss and gradient (parameters and the
    /// optimizer's state stay `f64`).
    F32,
}

impl Precision {
    /// Every precision with its name in specs.
    pub const ALL: [(&'static str, Precision); 2] =
        [("f64", Precision::F64), ("f32", Precision::F32)];

    /// The precision named `name` in a spec.
    pub fn named(name: &str) -> Option<Precision> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, p)| *p)
    }
}

/// A floating-point type the fused kernel is written over.
pub trait Real:
    Copy
    + Debug
    + Default
    + PartialOrd
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + AddAssign
{
    /// 0.
    const ZERO: Self;
    /// 1.
    const ONE: Self;
    /// −∞.
    const NEG_INFINITY: Self;
    /// `v` rounded to this type.
    fn of(v: f64) -> Self;
    /// This value as `f64` (exact).
    fn to_f64(self) -> f64;
    /// eˣ (`libm`).
    fn exp(self) -> Self;
    /// ln x (`libm`).
    fn ln(self) -> Self;
    /// The larger of the two (the other if one is NaN).
    fn max(self, other: Self) -> Self;
}

impl Real for f64 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    const NEG_INFINITY: Self = f64::NEG_INFINITY;
    fn of(v: f64) -> Self {
        v
    }
    fn to_f64(self) -> f64 {
        self
    }
    fn exp(self) -> Self {
        libm::exp(self)
    }
    fn ln(self) -> Self {
        libm::log(self)
    }
    fn max(self, other: Self) -> Self {
        f64::max(self, other)
    }
}

impl Real for f32 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    const NEG_INFINITY: Self = f32::NEG_INFINITY;
    fn of(v: f64) -> Self {
        v as f32
    }
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    fn exp(self) -> Self {
        libm::expf(self)
    }
    fn ln(self) -> Self {
        libm::logf(self)
    }
    fn max(self, other: Self) -> Self {
        f32::max(self, other)
    }
}
