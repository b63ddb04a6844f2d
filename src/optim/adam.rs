//! Adam and its relatives, as in `torch.optim`: Adam, AdamW, Adamax, NAdam, RAdam.

use super::{lerp, state_buffer, with_weight_decay, FirstOrder, RuleState};

/// β₁ᵗ, computed with `libm` so native and WebAssembly agree to the bit.
fn power(beta: f64, t: u64) -> f64 {
    libm::pow(beta, t as f64)
}

/// Adam, as `torch.optim.Adam` (and `AdamW` when the decay is decoupled):
/// g ← ∇f + λθ (AdamW instead θ ← θ(1 − αλ));  m ← β₁ m + (1 − β₁) g;
/// v ← β₂ v + (1 − β₂) g²;  v̂ = max(v̂, v) with AMSGrad, else v;
/// θ ← θ − α/(1 − β₁ᵗ) · m / (√v̂ / √(1 − β₂ᵗ) + ε).
#[derive(Clone, Debug, PartialEq)]
pub struct Adam {
    beta1: f64,
    beta2: f64,
    eps: f64,
    weight_decay: f64,
    decoupled: bool,
    amsgrad: bool,
    step: u64,
    m: Vec<f64>,
    v: Vec<f64>,
    v_max: Vec<f64>,
}

impl Adam {
    /// Adam with β₁, β₂, ε, weight decay λ (coupled as Adam or decoupled as AdamW) and AMSGrad.
    pub fn new(
        dim: usize,
        (beta1, beta2): (f64, f64),
        eps: f64,
        weight_decay: f64,
        decoupled: bool,
        amsgrad: bool,
    ) -> Self {
        Self {
            beta1,
            beta2,
            eps,
            weight_decay,
            decoupled,
            amsgrad,
            step: 0,
            m: vec![0.0; dim],
            v: vec![0.0; dim],
            v_max: vec![0.0; dim],
        }
    }
}

impl FirstOrder for Adam {
    fn load_state(&mut self, state: &RuleState) -> Result<(), String> {
        let len = self.m.len();
        self.m = state_buffer(state, "exp_avg", len)?;
        self.v = state_buffer(state, "exp_avg_sq", len)?;
        if self.amsgrad {
            self.v_max = state_buffer(state, "max_exp_avg_sq", len)?;
        }
        self.step = state.step;
        Ok(())
    }

    fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        self.step += 1;
        let step_size = lr / (1.0 - power(self.beta1, self.step));
        let bias_correction2_sqrt = (1.0 - power(self.beta2, self.step)).sqrt();
        for i in 0..params.len() {
            let g = if self.decoupled {
                params[i] *= 1.0 - lr * self.weight_decay;
                grad[i]
            } else {
                with_weight_decay(grad[i], params[i], self.weight_decay)
            };
            self.m[i] = lerp(self.m[i], g, 1.0 - self.beta1);
            self.v[i] = self.v[i] * self.beta2 + (1.0 - self.beta2) * g * g;
            let v_hat = if self.amsgrad {
                self.v_max[i] = self.v_max[i].max(self.v[i]);
                self.v_max[i]
            } else {
                self.v[i]
            };
            let denom = v_hat.sqrt() / bias_correction2_sqrt + self.eps;
            params[i] -= step_size * (self.m[i] / denom);
        }
    }
}

/// Adamax, as `torch.optim.Adamax`: g ← ∇f + λθ;  m ← β₁ m + (1 − β₁) g;
/// u ← max(β₂ u, |g| + ε);  θ ← θ − α/(1 − β₁ᵗ) · m/u.
#[derive(Clone, Debug, PartialEq)]
pub struct Adamax {
    beta1: f64,
    beta2: f64,
    eps: f64,
    weight_decay: f64,
    step: u64,
    m: Vec<f64>,
    u: Vec<f64>,
}

impl Adamax {
    /// Adamax with β₁, β₂, ε and weight decay λ.
    pub fn new(dim: usize, (beta1, beta2): (f64, f64), eps: f64, weight_decay: f64) -> Self {
        Self {
            beta1,
            beta2,
            eps,
            weight_decay,
            step: 0,
            m: vec![0.0; dim],
            u: vec![0.0; dim],
        }
    }
}

impl FirstOrder for Adamax {
    fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        self.step += 1;
        let clr = lr / (1.0 - power(self.beta1, self.step));
        for i in 0..params.len() {
            let g = with_weight_decay(grad[i], params[i], self.weight_decay);
            self.m[i] = lerp(self.m[i], g, 1.0 - self.beta1);
            self.u[i] = (self.u[i] * self.beta2).max(g.abs() + self.eps);
            params[i] -= clr * (self.m[i] / self.u[i]);
        }
    }
}

/// NAdam, as `torch.optim.NAdam`: Adam with Nesterov momentum and a momentum
/// schedule μₜ = β₁(1 − ½·0.96^(tψ)) (ψ = `momentum_decay`):
/// θ ← θ − α(1 − μₜ)/(1 − Πμ) · g/d − α μₜ₊₁/(1 − Πμ·μₜ₊₁) · m/d,
/// d = √(v/(1 − β₂ᵗ)) + ε.
#[derive(Clone, Debug, PartialEq)]
pub struct NAdam {
    beta1: f64,
    beta2: f64,
    eps: f64,
    weight_decay: f64,
    momentum_decay: f64,
    step: u64,
    mu_product: f64,
    m: Vec<f64>,
    v: Vec<f64>,
}

impl NAdam {
    /// NAdam with β₁, β₂, ε, weight decay λ and momentum decay ψ.
    pub fn new(
        dim: usize,
        (beta1, beta2): (f64, f64),
        eps: f64,
        weight_decay: f64,
        momentum_decay: f64,
    ) -> Self {
        Self {
            beta1,
            beta2,
            eps,
            weight_decay,
            momentum_decay,
            step: 0,
            mu_product: 1.0,
            m: vec![0.0; dim],
            v: vec![0.0; dim],
        }
    }
}

impl FirstOrder for NAdam {
    fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        self.step += 1;
        let t = self.step as f64;
        let bias_correction2 = 1.0 - power(self.beta2, self.step);
        let mu = self.beta1 * (1.0 - 0.5 * libm::pow(0.96, t * self.momentum_decay));
        let mu_next = self.beta1 * (1.0 - 0.5 * libm::pow(0.96, (t + 1.0) * self.momentum_decay));
        self.mu_product *= mu;
        let mu_product_next = self.mu_product * mu_next;
        let grad_coef = -lr * (1.0 - mu) / (1.0 - self.mu_product);
        let momentum_coef = (-lr * mu_next) / (1.0 - mu_product_next);
        for i in 0..params.len() {
            let g = with_weight_decay(grad[i], params[i], self.weight_decay);
            self.m[i] = lerp(self.m[i], g, 1.0 - self.beta1);
            self.v[i] = self.v[i] * self.beta2 + (1.0 - self.beta2) * g * g;
            let denom = (self.v[i] / bias_correction2).sqrt() + self.eps;
            params[i] += grad_coef * (g / denom);
            params[i] += momentum_coef * (self.m[i] / denom);
        }
    }
}

/// RAdam, as `torch.optim.RAdam`: Adam whose adaptive step is switched on only
/// once the variance of v is tractable (ρₜ > 5), scaled by the rectification rₜ.
#[derive(Clone, Debug, PartialEq)]
pub struct RAdam {
    beta1: f64,
    beta2: f64,
    eps: f64,
    weight_decay: f64,
    step: u64,
    m: Vec<f64>,
    v: Vec<f64>,
}

impl RAdam {
    /// RAdam with β₁, β₂, ε and weight decay λ.
    pub fn new(dim: usize, (beta1, beta2): (f64, f64), eps: f64, weight_decay: f64) -> Self {
        Self {
            beta1,
            beta2,
            eps,
            weight_decay,
            step: 0,
            m: vec![0.0; dim],
            v: vec![0.0; dim],
        }
    }
}

impl FirstOrder for RAdam {
    fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        self.step += 1;
        let t = self.step as f64;
        let bias_correction1 = 1.0 - power(self.beta1, self.step);
        let bias_correction2 = 1.0 - power(self.beta2, self.step);
        let rho_inf = 2.0 / (1.0 - self.beta2) - 1.0;
        let rho_t = rho_inf - 2.0 * t * power(self.beta2, self.step) / bias_correction2;
        let rect = ((rho_t - 4.0) * (rho_t - 2.0) * rho_inf
            / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t))
            .sqrt();
        for i in 0..params.len() {
            let g = with_weight_decay(grad[i], params[i], self.weight_decay);
            self.m[i] = lerp(self.m[i], g, 1.0 - self.beta1);
            self.v[i] = self.v[i] * self.beta2 + (1.0 - self.beta2) * g * g;
            let corrected = self.m[i] / bias_correction1;
            if rho_t > 5.0 {
                let adaptive = bias_correction2.sqrt() / (self.v[i].sqrt() + self.eps);
                params[i] -= corrected * lr * adaptive * rect;
            } else {
                params[i] -= corrected * lr;
            }
        }
    }
}
