//! What an optimizer's state looks like outside the CPU: the update rules a
//! GPU backend implements (read from the registry's typed hyperparameters)
//! and the state a first-order rule carries between steps, under
//! `torch.optim`'s names, so a run can move between backends without losing
//! its momenta.

/// An update rule a GPU backend implements, with `torch.optim`'s semantics.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DeviceRule {
    /// `torch.optim.SGD`.
    Sgd {
        /// μ.
        momentum: f64,
        /// τ.
        dampening: f64,
        /// Nesterov's look-ahead.
        nesterov: bool,
        /// λ (coupled: added to the gradient).
        weight_decay: f64,
    },
    /// `torch.optim.Adam` (coupled decay) or `AdamW` (decoupled).
    Adam {
        /// β₁.
        beta1: f64,
        /// β₂.
        beta2: f64,
        /// ε.
        eps: f64,
        /// λ.
        weight_decay: f64,
        /// AdamW's decoupled decay.
        decoupled: bool,
        /// AMSGrad's running maximum of v.
        amsgrad: bool,
    },
}

impl DeviceRule {
    /// The names of the buffers it keeps, as `torch.optim`'s state calls them.
    pub fn buffers(&self) -> &'static [&'static str] {
        match self {
            DeviceRule::Sgd { .. } => &["momentum_buffer"],
            DeviceRule::Adam { .. } => &["exp_avg", "exp_avg_sq", "max_exp_avg_sq"],
        }
    }
}

/// The state a first-order rule carries between steps: its step count and
/// its buffers, named as `torch.optim`'s `state_dict` names them.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RuleState {
    /// Updates taken so far.
    pub step: u64,
    /// Each buffer by name (`momentum_buffer`; `exp_avg`, `exp_avg_sq`, `max_exp_avg_sq`).
    pub buffers: Vec<(String, Vec<f64>)>,
}

impl RuleState {
    /// The buffer called `name`, if the state has it.
    pub fn buffer(&self, name: &str) -> Option<&[f64]> {
        self.buffers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.as_slice())
    }
}
