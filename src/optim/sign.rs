//! Sign-based methods: signSGD / Signum and Lion.

use super::FirstOrder;

fn sign(v: f64) -> f64 {
    if v > 0.0 {
        1.0
    } else if v < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// signSGD (Bernstein et al., 2018), with momentum "Signum":
/// m ← β m + (1 − β) g (m = g when β = 0);  θ ← θ − α sign(m).
#[derive(Clone, Debug, PartialEq)]
pub struct SignSgd {
    momentum: f64,
    m: Vec<f64>,
}

impl SignSgd {
    /// signSGD, with momentum β (0 for plain signSGD).
    pub fn new(dim: usize, momentum: f64) -> Self {
        Self {
            momentum,
            m: vec![0.0; dim],
        }
    }
}

impl FirstOrder for SignSgd {
    fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        for ((p, &g), m) in params.iter_mut().zip(grad).zip(&mut self.m) {
            *m = self.momentum * *m + (1.0 - self.momentum) * g;
            *p -= lr * sign(*m);
        }
    }
}

/// Lion (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms"):
/// c = β₁ m + (1 − β₁) g;  θ ← θ − α (sign(c) + λθ);  m ← β₂ m + (1 − β₂) g.
#[derive(Clone, Debug, PartialEq)]
pub struct Lion {
    beta1: f64,
    beta2: f64,
    weight_decay: f64,
    m: Vec<f64>,
}

impl Lion {
    /// Lion with β₁, β₂ and decoupled weight decay λ.
    pub fn new(dim: usize, (beta1, beta2): (f64, f64), weight_decay: f64) -> Self {
        Self {
            beta1,
            beta2,
            weight_decay,
            m: vec![0.0; dim],
        }
    }
}

impl FirstOrder for Lion {
    fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        for ((p, &g), m) in params.iter_mut().zip(grad).zip(&mut self.m) {
            let c = self.beta1 * *m + (1.0 - self.beta1) * g;
            *p -= lr * (sign(c) + self.weight_decay * *p);
            *m = self.beta2 * *m + (1.0 - self.beta2) * g;
        }
    }
}
