use super::{with_weight_decay, FirstOrder, MomentumSplit, RuleState};

/// Stochastic gradient descent with momentum, as `torch.optim.SGD`:
/// g ← ∇f + λθ;  b ← μ b + (1 − τ) g (b = g on the first step);
/// d = g + μ b with Nesterov, else d = b;  θ ← θ − α d.
#[derive(Clone, Debug, PartialEq)]
pub struct Sgd {
    momentum: f64,
    dampening: f64,
    nesterov: bool,
    weight_decay: f64,
    buffer: Option<Vec<f64>>,
    /// Updates taken so far (the first one sets b = g).
    updates: u64,
}

impl Sgd {
    /// SGD with momentum μ, dampening τ, Nesterov's look-ahead and weight decay λ.
    pub fn new(momentum: f64, dampening: f64, nesterov: bool, weight_decay: f64) -> Self {
        Self {
            momentum,
            dampening,
            nesterov,
            weight_decay,
            buffer: None,
            updates: 0,
        }
    }

    /// The momentum buffer b (the velocity), once a step has been taken.
    pub fn velocity(&self) -> Option<&[f64]> {
        self.buffer.as_deref()
    }
}

impl FirstOrder for Sgd {
    fn splits_momentum(&self) -> bool {
        self.momentum != 0.0
    }

    fn load_state(&mut self, state: &RuleState) -> Result<(), String> {
        self.updates = state.step;
        self.buffer = match state.step {
            0 => None,
            _ if self.momentum == 0.0 => None,
            _ => Some(
                state
                    .buffer("momentum_buffer")
                    .map(<[f64]>::to_vec)
                    .ok_or("the state has no momentum_buffer")?,
            ),
        };
        Ok(())
    }

    fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        let first = self.buffer.is_none();
        let buffer = self.buffer.get_or_insert_with(|| vec![0.0; params.len()]);
        for ((p, &g), b) in params.iter_mut().zip(grad).zip(buffer.iter_mut()) {
            let mut d = with_weight_decay(g, *p, self.weight_decay);
            if self.momentum != 0.0 {
                *b = if first {
                    d
                } else {
                    self.momentum * *b + (1.0 - self.dampening) * d
                };
                d = if self.nesterov {
                    d + self.momentum * *b
                } else {
                    *b
                };
            }
            *p -= lr * d;
        }
        self.updates += 1;
    }

    /// The gradient's share of the step is −α·c·(g + λθ) with c = 1 − τ for
    /// heavy ball and 1 + μ(1 − τ) with Nesterov (τ = 0 on the first step,
    /// where b = g); the velocity carries the rest.
    fn momentum_split(
        &self,
        before: &[f64],
        after: &[f64],
        grad: &[f64],
        lr: f64,
    ) -> Option<MomentumSplit> {
        if self.momentum == 0.0 || self.updates == 0 {
            return None;
        }
        let kept = if self.updates == 1 {
            1.0
        } else {
            1.0 - self.dampening
        };
        let share = if self.nesterov {
            1.0 + self.momentum * kept
        } else {
            kept
        };
        let gradient: Vec<f64> = before
            .iter()
            .zip(grad)
            .map(|(&p, &g)| -lr * share * with_weight_decay(g, p, self.weight_decay))
            .collect();
        let velocity = after
            .iter()
            .zip(before)
            .zip(&gradient)
            .map(|((a, b), g)| a - b - g)
            .collect();
        Some(MomentumSplit { gradient, velocity })
    }
}
