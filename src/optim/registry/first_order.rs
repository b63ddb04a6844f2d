//! Registry entries of the first-order and variance-reduced methods.

use super::*;
use crate::optim::*;
use crate::param::ParamSpec;
use crate::problem::View;

/// Gradient descent.
pub const GD: OptimizerEntry = OptimizerEntry {
    name: "gd",
    label: "Gradient descent",
    family: Family::FirstOrder,
    step_size: StepSize::Curvature,
    params: &[
        lr(0.01),
        ParamSpec::choice("line_search", "none", &["none", "exact", "armijo", "wolfe"], "how the step length is chosen"),
    ],
    equations: "xₖ₊₁ = xₖ − αₖ ∇f(xₖ)\nαₖ = α, or the line search's choice along −∇f(xₖ) starting from α",
    mapping: "α = lr. Without a line search this is torch.optim.SGD with momentum 0. Armijo backtracks by ½ with c₁ = 10⁻⁴; Wolfe uses c₁ = 10⁻⁴, c₂ = 0.9; exact minimises f along −∇f.",
    reference: "Cauchy (1847); Nocedal & Wright, Numerical Optimization (2006), ch. 3",
    needs: &[],
    storage: |_| Storage::Vectors,
    budget: Budget::MINI_BATCH,
    gpu: None,
    build: |p, dim| {
        let kind = match p.choice("line_search") {
            "exact" => LineSearchKind::Exact,
            "armijo" => LineSearchKind::Armijo,
            "wolfe" => LineSearchKind::Wolfe,
            _ => LineSearchKind::None,
        };
        Ok(Box::new(GradientDescent::new(dim, kind)))
    },
};

/// SGD.
pub const SGD: OptimizerEntry = OptimizerEntry {
    name: "sgd",
    label: "SGD",
    family: Family::FirstOrder,
    step_size: StepSize::Curvature,
    params: &[
        lr(0.01),
        ParamSpec::real("momentum", "μ", 0.0, 0.0, 0.9999, "momentum factor"),
        ParamSpec::real("dampening", "τ", 0.0, 0.0, 1.0, "dampening of the gradient in the momentum"),
        ParamSpec::flag("nesterov", false, "Nesterov's look-ahead momentum"),
        WEIGHT_DECAY,
    ],
    equations: "g = ∇f(θ) + λθ\nb ← μ b + (1 − τ) g\nθ ← θ − α (g + μ b) with Nesterov, else θ ← θ − α b",
    mapping: "torch.optim.SGD(lr=α, momentum=μ, dampening=τ, nesterov, weight_decay=λ); the lecture's heavy ball v ← μv − α∇f is the same path with b = −v/α. On the first step b = g.",
    reference: "Polyak (1964); Nesterov (1983); Sutskever et al. (2013)",
    needs: &[],
    storage: |_| Storage::Vectors,
    budget: Budget::MINI_BATCH,
    gpu: Some(gpu_sgd),
    build: |p, dim| {
        if p.flag("nesterov") && (p.number("momentum") <= 0.0 || p.number("dampening") != 0.0) {
            return Err(FieldError::new("nesterov", "Nesterov momentum requires momentum > 0 and dampening = 0"));
        }
        first_order(Sgd::new(p.number("momentum"), p.number("dampening"), p.flag("nesterov"), p.number("weight_decay")), dim)
    },
};

/// AdaGrad.
pub const ADAGRAD: OptimizerEntry = OptimizerEntry {
    name: "adagrad",
    label: "AdaGrad",
    family: Family::FirstOrder,
    step_size: StepSize::Displacement,
    params: &[
        lr(0.01),
        ParamSpec::log("lr_decay", "η", 0.0, 0.0, 1.0, "learning-rate decay: αₜ = α/(1 + (t − 1)η)"),
        WEIGHT_DECAY,
        ParamSpec::real("initial_accumulator_value", "s₀", 0.0, 0.0, 10.0, "starting value of the sum of squares"),
        eps(1e-10),
    ],
    equations: "g = ∇f(θ) + λθ\ns ← s + g²\nθ ← θ − α / (1 + (t − 1)η) · g / (√s + ε)",
    mapping: "torch.optim.Adagrad(lr=α, lr_decay=η, weight_decay=λ, initial_accumulator_value=s₀, eps=ε).",
    reference: "Duchi, Hazan & Singer (2011)",
    needs: &[],
    storage: |_| Storage::Vectors,
    budget: Budget::MINI_BATCH,
    gpu: None,
    build: |p, dim| {
        first_order(Adagrad::new(dim, p.number("lr_decay"), p.number("weight_decay"), p.number("initial_accumulator_value"), p.number("eps")), dim)
    },
};

/// RMSProp.
pub const RMSPROP: OptimizerEntry = OptimizerEntry {
    name: "rmsprop",
    label: "RMSProp",
    family: Family::FirstOrder,
    step_size: StepSize::Displacement,
    params: &[
        lr(0.01),
        ParamSpec::real("alpha", "ρ", 0.99, 0.0, 0.99999, "decay of the average of squared gradients"),
        eps(1e-8),
        WEIGHT_DECAY,
        ParamSpec::real("momentum", "μ", 0.0, 0.0, 0.9999, "momentum factor"),
        ParamSpec::flag("centered", false, "divide by the estimated variance instead of the second moment"),
    ],
    equations: "g = ∇f(θ) + λθ\nv ← ρ v + (1 − ρ) g²;  centred: m ← ρ m + (1 − ρ) g, v̂ = v − m²\nb ← μ b + g / (√v̂ + ε);  θ ← θ − α b   (μ = 0: θ ← θ − α g / (√v̂ + ε))",
    mapping: "torch.optim.RMSprop(lr=α, alpha=ρ, eps=ε, weight_decay=λ, momentum=μ, centered). The lecture's decay ρ is torch's alpha.",
    reference: "Tieleman & Hinton (2012), Lecture 6.5; Graves (2013) for the centred form",
    needs: &[],
    storage: |_| Storage::Vectors,
    budget: Budget::MINI_BATCH,
    gpu: None,
    build: |p, dim| {
        first_order(RmsProp::new(dim, p.number("alpha"), p.number("eps"), p.number("weight_decay"), p.number("momentum"), p.flag("centered")), dim)
    },
};

/// Adadelta.
pub const ADADELTA: OptimizerEntry = OptimizerEntry {
    name: "adadelta",
    label: "Adadelta",
    family: Family::FirstOrder,
    step_size: StepSize::Given,
    params: &[
        lr(1.0),
        ParamSpec::real("rho", "ρ", 0.9, 0.0, 0.99999, "decay of both running averages"),
        eps(1e-6),
        WEIGHT_DECAY,
    ],
    equations: "g = ∇f(θ) + λθ\nv ← ρ v + (1 − ρ) g²\nΔ = √(u + ε) / √(v + ε) · g\nu ← ρ u + (1 − ρ) Δ²\nθ ← θ − α Δ",
    mapping: "torch.optim.Adadelta(lr=α, rho=ρ, eps=ε, weight_decay=λ); Zeiler's method is α = 1.",
    reference: "Zeiler (2012)",
    needs: &[],
    storage: |_| Storage::Vectors,
    budget: Budget::MINI_BATCH,
    gpu: None,
    build: |p, dim| first_order(Adadelta::new(dim, p.number("rho"), p.number("eps"), p.number("weight_decay")), dim),
};

/// Adam.
pub const ADAM: OptimizerEntry = OptimizerEntry {
    name: "adam",
    label: "Adam",
    family: Family::FirstOrder,
    step_size: StepSize::Displacement,
    params: &[lr(1e-3), beta1(0.9), beta2(0.999), eps(1e-8), WEIGHT_DECAY, ParamSpec::flag("amsgrad", false, "use the running maximum of v (AMSGrad)")],
    equations: "g = ∇f(θ) + λθ\nm ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²  (AMSGrad: v ← max of all v so far)\nm̂ = m/(1 − β₁ᵗ);  v̂ = v/(1 − β₂ᵗ)\nθ ← θ − α m̂ / (√v̂ + ε)",
    mapping: "torch.optim.Adam(lr=α, betas=(β₁, β₂), eps=ε, weight_decay=λ, amsgrad); the bias-corrected form above is exactly torch's update.",
    reference: "Kingma & Ba (2015); Reddi, Kale & Kumar (2018) for AMSGrad",
    needs: &[],
    storage: |_| Storage::Vectors,
    budget: Budget::MINI_BATCH,
    gpu: Some(gpu_adam),
    build: |p, dim| first_order(Adam::new(dim, betas(p), p.number("eps"), p.number("weight_decay"), false, p.flag("amsgrad")), dim),
};

/// AdamW.
pub const ADAMW: OptimizerEntry = OptimizerEntry {
    name: "adamw",
    label: "AdamW",
    family: Family::FirstOrder,
    step_size: StepSize::Displacement,
    params: &[
        lr(1e-3),
        beta1(0.9),
        beta2(0.999),
        eps(1e-8),
        ParamSpec::real("weight_decay", "λ", 1e-2, 0.0, 1.0, "decoupled weight decay: θ ← θ(1 − αλ)"),
        ParamSpec::flag("amsgrad", false, "use the running maximum of v (AMSGrad)"),
    ],
    equations: "θ ← θ (1 − αλ)\nm ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²\nθ ← θ − α m̂ / (√v̂ + ε),  m̂ = m/(1 − β₁ᵗ),  v̂ = v/(1 − β₂ᵗ)",
    mapping: "torch.optim.AdamW(lr=α, betas=(β₁, β₂), eps=ε, weight_decay=λ, amsgrad): the decay is applied to θ directly, not through the gradient.",
    reference: "Loshchilov & Hutter (2019)",
    needs: &[],
    storage: |_| Storage::Vectors,
    budget: Budget::MINI_BATCH,
    gpu: Some(gpu_adamw),
    build: |p, dim| first_order(Adam::new(dim, betas(p), p.number("eps"), p.number("weight_decay"), true, p.flag("amsgrad")), dim),
};

/// Adamax.
pub const ADAMAX: OptimizerEntry = OptimizerEntry {
    name: "adamax",
    label: "Adamax",
    family: Family::FirstOrder,
    step_size: StepSize::Displacement,
    params: &[lr(2e-3), beta1(0.9), beta2(0.999), eps(1e-8), WEIGHT_DECAY],
    equations: "g = ∇f(θ) + λθ\nm ← β₁ m + (1 − β₁) g;  u ← max(β₂ u, |g| + ε)\nθ ← θ − α/(1 − β₁ᵗ) · m / u",
    mapping: "torch.optim.Adamax(lr=α, betas=(β₁, β₂), eps=ε, weight_decay=λ): Adam with the ∞-norm in place of the 2-norm.",
    reference: "Kingma & Ba (2015), §7.1",
    needs: &[],
    storage: |_| Storage::Vectors,
    budget: Budget::MINI_BATCH,
    gpu: None,
    build: |p, dim| first_order(Adamax::new(dim, betas(p), p.number("eps"), p.number("weight_decay")), dim),
};

/// NAdam.
pub const NADAM: OptimizerEntry = OptimizerEntry {
    name: "nadam",
    label: "NAdam",
    family: Family::FirstOrder,
    step_size: StepSize::Displacement,
    params: &[
        lr(2e-3),
        beta1(0.9),
        beta2(0.999),
        eps(1e-8),
        WEIGHT_DECAY,
        ParamSpec::log("momentum_decay", "ψ", 4e-3, 1e-6, 1.0, "momentum schedule μₜ = β₁(1 − ½·0.96^(tψ))"),
    ],
    equations: "μₜ = β₁ (1 − ½ · 0.96^(tψ))\nm ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²;  d = √(v/(1 − β₂ᵗ)) + ε\nθ ← θ − α (1 − μₜ)/(1 − Πᵢ≤ₜ μᵢ) · g/d − α μₜ₊₁/(1 − Πᵢ≤ₜ₊₁ μᵢ) · m/d",
    mapping: "torch.optim.NAdam(lr=α, betas=(β₁, β₂), eps=ε, weight_decay=λ, momentum_decay=ψ): Adam whose momentum looks one step ahead, as Nesterov's.",
    reference: "Dozat (2016), Incorporating Nesterov Momentum into Adam",
    needs: &[],
    storage: |_| Storage::Vectors,
    budget: Budget::MINI_BATCH,
    gpu: None,
    build: |p, dim| first_order(NAdam::new(dim, betas(p), p.number("eps"), p.number("weight_decay"), p.number("momentum_decay")), dim),
};

/// RAdam.
pub const RADAM: OptimizerEntry = OptimizerEntry {
    name: "radam",
    label: "RAdam",
    family: Family::FirstOrder,
    step_size: StepSize::Displacement,
    params: &[lr(1e-3), beta1(0.9), beta2(0.999), eps(1e-8), WEIGHT_DECAY],
    equations: "m ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²\nρ_∞ = 2/(1 − β₂) − 1;  ρₜ = ρ_∞ − 2t β₂ᵗ/(1 − β₂ᵗ)\nρₜ > 5: θ ← θ − α rₜ · m/(1 − β₁ᵗ) · √(1 − β₂ᵗ)/(√v + ε),  rₜ² = (ρₜ − 4)(ρₜ − 2)ρ_∞ / ((ρ_∞ − 4)(ρ_∞ − 2)ρₜ)\nelse: θ ← θ − α m/(1 − β₁ᵗ)",
    mapping: "torch.optim.RAdam(lr=α, betas=(β₁, β₂), eps=ε, weight_decay=λ): momentum SGD until the variance of the adaptive rate is tractable.",
    reference: "Liu et al. (2020), On the Variance of the Adaptive Learning Rate and Beyond",
    needs: &[],
    storage: |_| Storage::Vectors,
    budget: Budget::MINI_BATCH,
    gpu: None,
    build: |p, dim| first_order(RAdam::new(dim, betas(p), p.number("eps"), p.number("weight_decay")), dim),
};

/// Lion.
pub const LION: OptimizerEntry = OptimizerEntry {
    name: "lion",
    label: "Lion",
    family: Family::FirstOrder,
    step_size: StepSize::Displacement,
    params: &[lr(1e-4), beta1(0.9), beta2(0.99), ParamSpec::real("weight_decay", "λ", 0.0, 0.0, 10.0, "decoupled weight decay")],
    equations: "c = β₁ m + (1 − β₁) g\nθ ← θ − α (sign(c) + λθ)\nm ← β₂ m + (1 − β₂) g",
    mapping: "As in the paper (Algorithm 2), with betas=(β₁, β₂); every coordinate moves by exactly α (plus decay).",
    reference: "Chen et al. (2023), Symbolic Discovery of Optimization Algorithms",
    needs: &[],
    storage: |_| Storage::Vectors,
    budget: Budget::MINI_BATCH,
    gpu: None,
    build: |p, dim| first_order(Lion::new(dim, betas(p), p.number("weight_decay")), dim),
};

/// signSGD / Signum.
pub const SIGNSGD: OptimizerEntry = OptimizerEntry {
    name: "signsgd",
    label: "signSGD / Signum",
    family: Family::FirstOrder,
    step_size: StepSize::Displacement,
    params: &[
        lr(0.01),
        ParamSpec::real(
            "momentum",
            "β",
            0.0,
            0.0,
            0.9999,
            "momentum (Signum); 0 is signSGD",
        ),
    ],
    equations: "m ← β m + (1 − β) g\nθ ← θ − α sign(m)",
    mapping: "As in the paper: β = 0 gives signSGD, β > 0 Signum.",
    reference: "Bernstein et al. (2018), signSGD: Compressed Optimisation for Non-Convex Problems",
    needs: &[],
    storage: |_| Storage::Vectors,
    budget: Budget::MINI_BATCH,
    gpu: None,
    build: |p, dim| first_order(SignSgd::new(dim, p.number("momentum")), dim),
};

/// SVRG.
pub const SVRG: OptimizerEntry = OptimizerEntry {
    name: "svrg",
    label: "SVRG",
    family: Family::VarianceReduced,
    step_size: StepSize::Curvature,
    params: &[lr(0.05), ParamSpec::integer("inner_steps", "m", 50, 1, 100_000, "steps between full-gradient snapshots")],
    equations: "every m steps: x̃ ← x, μ ← ∇f(x̃)\ng = ∇f_B(x) − ∇f_B(x̃) + μ\nx ← x − α g",
    mapping: "B is a fresh mini-batch of batch_size samples (one permutation prefix per step).",
    reference: "Johnson & Zhang (2013), Accelerating Stochastic Gradient Descent using Predictive Variance Reduction",
    needs: &[View::FiniteSum],
    storage: |_| Storage::Vectors,
    budget: Budget::MINI_BATCH,
    gpu: None,
    build: |p, dim| Ok(Box::new(Svrg::new(dim, p.count("inner_steps")))),
};

/// SAG.
pub const SAG: OptimizerEntry = OptimizerEntry {
    name: "sag",
    label: "SAG",
    family: Family::VarianceReduced,
    step_size: StepSize::Curvature,
    params: &[lr(0.05)],
    equations: "for each sampled i: d ← d − yᵢ + ∇fᵢ(x), yᵢ ← ∇fᵢ(x)\nx ← x − α d / m   (m = samples seen so far)",
    mapping: "Each step refreshes the stored gradients of one mini-batch of batch_size samples.",
    reference: "Schmidt, Le Roux & Bach (2017), Minimizing Finite Sums with the Stochastic Average Gradient",
    needs: &[View::FiniteSum],
    storage: |_| Storage::PerSample,
    budget: Budget::MINI_BATCH,
    gpu: None,
    build: |_, dim| Ok(Box::new(Sag::new(dim))),
};
