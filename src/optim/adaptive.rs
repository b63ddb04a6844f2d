//! Per-coordinate adaptive step sizes: AdaGrad, RMSProp and Adadelta, as in `torch.optim`.

use super::{lerp, with_weight_decay, FirstOrder};

/// AdaGrad, as `torch.optim.Adagrad`: g ← ∇f + λθ;  s ← s + g²;
/// θ ← θ − α / (1 + (t − 1)η) · g / (√s + ε).
#[derive(Clone, Debug, PartialEq)]
pub struct Adagrad {
    lr_decay: f64,
    weight_decay: f64,
    eps: f64,
    step: u64,
    sum: Vec<f64>,
}

impl Adagrad {
    /// AdaGrad with learning-rate decay η, weight decay λ, initial accumulator s₀ and ε.
    pub fn new(
        dim: usize,
        lr_decay: f64,
        weight_decay: f64,
        initial_accumulator: f64,
        eps: f64,
    ) -> Self {
        Self {
            lr_decay,
            weight_decay,
            eps,
            step: 0,
            sum: vec![initial_accumulator; dim],
        }
    }
}

impl FirstOrder for Adagrad {
    fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        self.step += 1;
        let clr = lr / (1.0 + (self.step - 1) as f64 * self.lr_decay);
        for ((p, &g), s) in params.iter_mut().zip(grad).zip(&mut self.sum) {
            let g = with_weight_decay(g, *p, self.weight_decay);
            *s += g * g;
            *p -= clr * (g / (s.sqrt() + self.eps));
        }
    }
}

/// RMSProp, as `torch.optim.RMSprop`: g ← ∇f + λθ;  v ← ρ v + (1 − ρ) g²;
/// centred: m ← ρ m + (1 − ρ) g and v̂ = v − m², else v̂ = v;
/// with momentum μ: b ← μ b + g/(√v̂ + ε), θ ← θ − α b; without: θ ← θ − α g/(√v̂ + ε).
#[derive(Clone, Debug, PartialEq)]
pub struct RmsProp {
    alpha: f64,
    eps: f64,
    weight_decay: f64,
    momentum: f64,
    centered: bool,
    square_avg: Vec<f64>,
    grad_avg: Vec<f64>,
    buffer: Vec<f64>,
}

impl RmsProp {
    /// RMSProp with smoothing ρ (`alpha`), ε, weight decay λ, momentum μ and centring.
    pub fn new(
        dim: usize,
        alpha: f64,
        eps: f64,
        weight_decay: f64,
        momentum: f64,
        centered: bool,
    ) -> Self {
        Self {
            alpha,
            eps,
            weight_decay,
            momentum,
            centered,
            square_avg: vec![0.0; dim],
            grad_avg: vec![0.0; dim],
            buffer: vec![0.0; dim],
        }
    }
}

impl FirstOrder for RmsProp {
    fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        for i in 0..params.len() {
            let g = with_weight_decay(grad[i], params[i], self.weight_decay);
            let v = &mut self.square_avg[i];
            *v = *v * self.alpha + (1.0 - self.alpha) * g * g;
            let avg = if self.centered {
                let m = &mut self.grad_avg[i];
                *m = lerp(*m, g, 1.0 - self.alpha);
                (*v - *m * *m).sqrt() + self.eps
            } else {
                v.sqrt() + self.eps
            };
            if self.momentum > 0.0 {
                let b = &mut self.buffer[i];
                *b = *b * self.momentum + g / avg;
                params[i] -= lr * *b;
            } else {
                params[i] -= lr * (g / avg);
            }
        }
    }
}

/// Adadelta, as `torch.optim.Adadelta`: g ← ∇f + λθ;  v ← ρ v + (1 − ρ) g²;
/// Δ = √(u + ε)/√(v + ε) · g;  u ← ρ u + (1 − ρ) Δ²;  θ ← θ − α Δ.
#[derive(Clone, Debug, PartialEq)]
pub struct Adadelta {
    rho: f64,
    eps: f64,
    weight_decay: f64,
    square_avg: Vec<f64>,
    acc_delta: Vec<f64>,
}

impl Adadelta {
    /// Adadelta with decay ρ, ε and weight decay λ.
    pub fn new(dim: usize, rho: f64, eps: f64, weight_decay: f64) -> Self {
        Self {
            rho,
            eps,
            weight_decay,
            square_avg: vec![0.0; dim],
            acc_delta: vec![0.0; dim],
        }
    }
}

impl FirstOrder for Adadelta {
    fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        for i in 0..params.len() {
            let g = with_weight_decay(grad[i], params[i], self.weight_decay);
            let v = &mut self.square_avg[i];
            *v = *v * self.rho + (1.0 - self.rho) * g * g;
            let std = (*v + self.eps).sqrt();
            let delta = (self.acc_delta[i] + self.eps).sqrt() / std * g;
            let u = &mut self.acc_delta[i];
            *u = *u * self.rho + (1.0 - self.rho) * delta * delta;
            params[i] -= lr * delta;
        }
    }
}
