//! Every optimizer by name: hyperparameters, equations, reference and how to build it.
//!
//! The page's controls, the CLI's listing, spec validation and the docs are
//! all generated from [`OPTIMIZERS`]; nothing else lists optimizers.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::*;
use crate::error::{FieldError, SpecError};
use crate::param::{resolve, ParamSpec, ParamValues};

/// The broad kind of method, for grouping in menus and docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// Uses (stochastic) gradients only.
    FirstOrder,
    /// Stochastic methods for finite sums that reduce the gradient's variance.
    VarianceReduced,
    /// Uses the Hessian.
    SecondOrder,
    /// Uses residuals and their Jacobian (sums of squares).
    LeastSquares,
    /// Builds curvature from gradient differences, or conjugates directions.
    QuasiNewton,
}

impl Family {
    /// A heading for menus.
    pub fn label(self) -> &'static str {
        match self {
            Family::FirstOrder => "First-order",
            Family::VarianceReduced => "Variance-reduced",
            Family::SecondOrder => "Second-order",
            Family::LeastSquares => "Least squares",
            Family::QuasiNewton => "Quasi-Newton and CG",
        }
    }
}

/// What a problem must offer for an optimizer to run on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Requirement {
    /// Any differentiable objective.
    Nothing,
    /// A sum-of-squares (residual) form.
    Residuals,
    /// A finite-sum form with per-sample gradients.
    FiniteSum,
}

impl Requirement {
    /// What `problem` lacks for it, in words; `None` when it has it.
    pub fn unmet_by(
        self,
        problem: &crate::problem::registry::ProblemEntry,
    ) -> Option<&'static str> {
        match self {
            Requirement::Residuals if !problem.least_squares => Some(
                "needs a sum-of-squares problem (quadratic, rosenbrock, himmelblau, beale, booth, regression)",
            ),
            Requirement::FiniteSum if !problem.finite_sum => {
                Some("needs a finite-sum problem (regression)")
            }
            _ => None,
        }
    }
}

type Build = fn(&ParamValues, usize) -> Result<Box<dyn Optimizer>, FieldError>;

/// One optimizer of the registry.
pub struct OptimizerEntry {
    /// The key used in specs and URLs.
    pub name: &'static str,
    /// The name shown to people.
    pub label: &'static str,
    /// Its family.
    pub family: Family,
    /// Its hyperparameters; `lr` among them means schedules apply.
    pub params: &'static [ParamSpec],
    /// The update in the lecture's form, with the symbols of its controls (one equation per line).
    pub equations: &'static str,
    /// How the lecture's symbols map onto the hyperparameters (and onto `torch.optim`).
    pub mapping: &'static str,
    /// Where the method comes from.
    pub reference: &'static str,
    /// What the problem must offer.
    pub requires: Requirement,
    /// What its learning rate means, so a problem can suggest one.
    pub step_size: StepSize,
    build: Build,
}

/// What an optimizer's learning rate α means, which decides the value a
/// problem suggests for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepSize {
    /// α multiplies the gradient: stable below 2/L, so 1/L of the curvature
    /// at the start is suggested.
    Curvature,
    /// α is about how far one step moves (adaptive and sign methods): a
    /// hundredth of the view's width is suggested.
    Displacement,
    /// α is a scale of the method's own step (or there is none): the
    /// registry's default stands.
    Given,
}

impl OptimizerEntry {
    /// Whether it has a learning rate (so schedules apply).
    pub fn has_lr(&self) -> bool {
        self.params.iter().any(|p| p.name == "lr")
    }

    /// The declaration of hyperparameter `name`.
    pub fn param(&self, name: &str) -> Option<&'static ParamSpec> {
        self.params.iter().find(|p| p.name == name)
    }
}

impl std::fmt::Debug for OptimizerEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OptimizerEntry")
            .field("name", &self.name)
            .finish()
    }
}

const fn lr(default: f64) -> ParamSpec {
    ParamSpec::log("lr", "α", default, 1e-6, 10.0, "learning rate (step size)")
}
const fn eps(default: f64) -> ParamSpec {
    ParamSpec::log(
        "eps",
        "ε",
        default,
        1e-16,
        1.0,
        "added to the denominator for stability",
    )
}
const WEIGHT_DECAY: ParamSpec = ParamSpec::real(
    "weight_decay",
    "λ",
    0.0,
    0.0,
    1.0,
    "L2 penalty added to the gradient (λθ)",
);
const fn beta1(default: f64) -> ParamSpec {
    ParamSpec::real(
        "beta1",
        "β₁",
        default,
        0.0,
        0.9999,
        "decay of the first-moment average (betas[0])",
    )
}
const fn beta2(default: f64) -> ParamSpec {
    ParamSpec::real(
        "beta2",
        "β₂",
        default,
        0.0,
        0.99999,
        "decay of the second-moment average (betas[1])",
    )
}
const NEWTON_LR: ParamSpec = ParamSpec::log("lr", "α", 1.0, 1e-3, 2.0, "scale of the Newton step");

fn betas(p: &ParamValues) -> (f64, f64) {
    (p.number("beta1"), p.number("beta2"))
}

fn first_order<R: FirstOrder + 'static>(
    rule: R,
    dim: usize,
) -> Result<Box<dyn Optimizer>, FieldError> {
    Ok(Box::new(GradientMethod::new(rule, dim)))
}

/// All optimizers, in the order of the lectures.
pub const OPTIMIZERS: &[OptimizerEntry] = &[
    OptimizerEntry {
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
        requires: Requirement::Nothing,
        build: |p, dim| {
            let kind = match p.choice("line_search") {
                "exact" => LineSearchKind::Exact,
                "armijo" => LineSearchKind::Armijo,
                "wolfe" => LineSearchKind::Wolfe,
                _ => LineSearchKind::None,
            };
            Ok(Box::new(GradientDescent::new(dim, kind)))
        },
    },
    OptimizerEntry {
        name: "sgd",
        label: "SGD with momentum",
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
        requires: Requirement::Nothing,
        build: |p, dim| {
            if p.flag("nesterov") && (p.number("momentum") <= 0.0 || p.number("dampening") != 0.0) {
                return Err(FieldError::new("nesterov", "Nesterov momentum requires momentum > 0 and dampening = 0"));
            }
            first_order(Sgd::new(p.number("momentum"), p.number("dampening"), p.flag("nesterov"), p.number("weight_decay")), dim)
        },
    },
    OptimizerEntry {
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
        requires: Requirement::Nothing,
        build: |p, dim| {
            first_order(Adagrad::new(dim, p.number("lr_decay"), p.number("weight_decay"), p.number("initial_accumulator_value"), p.number("eps")), dim)
        },
    },
    OptimizerEntry {
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
        requires: Requirement::Nothing,
        build: |p, dim| {
            first_order(RmsProp::new(dim, p.number("alpha"), p.number("eps"), p.number("weight_decay"), p.number("momentum"), p.flag("centered")), dim)
        },
    },
    OptimizerEntry {
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
        requires: Requirement::Nothing,
        build: |p, dim| first_order(Adadelta::new(dim, p.number("rho"), p.number("eps"), p.number("weight_decay")), dim),
    },
    OptimizerEntry {
        name: "adam",
        label: "Adam",
        family: Family::FirstOrder,
        step_size: StepSize::Displacement,
        params: &[lr(1e-3), beta1(0.9), beta2(0.999), eps(1e-8), WEIGHT_DECAY, ParamSpec::flag("amsgrad", false, "use the running maximum of v (AMSGrad)")],
        equations: "g = ∇f(θ) + λθ\nm ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²  (AMSGrad: v ← max of all v so far)\nm̂ = m/(1 − β₁ᵗ);  v̂ = v/(1 − β₂ᵗ)\nθ ← θ − α m̂ / (√v̂ + ε)",
        mapping: "torch.optim.Adam(lr=α, betas=(β₁, β₂), eps=ε, weight_decay=λ, amsgrad); the bias-corrected form above is exactly torch's update.",
        reference: "Kingma & Ba (2015); Reddi, Kale & Kumar (2018) for AMSGrad",
        requires: Requirement::Nothing,
        build: |p, dim| first_order(Adam::new(dim, betas(p), p.number("eps"), p.number("weight_decay"), false, p.flag("amsgrad")), dim),
    },
    OptimizerEntry {
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
        requires: Requirement::Nothing,
        build: |p, dim| first_order(Adam::new(dim, betas(p), p.number("eps"), p.number("weight_decay"), true, p.flag("amsgrad")), dim),
    },
    OptimizerEntry {
        name: "adamax",
        label: "Adamax",
        family: Family::FirstOrder,
        step_size: StepSize::Displacement,
        params: &[lr(2e-3), beta1(0.9), beta2(0.999), eps(1e-8), WEIGHT_DECAY],
        equations: "g = ∇f(θ) + λθ\nm ← β₁ m + (1 − β₁) g;  u ← max(β₂ u, |g| + ε)\nθ ← θ − α/(1 − β₁ᵗ) · m / u",
        mapping: "torch.optim.Adamax(lr=α, betas=(β₁, β₂), eps=ε, weight_decay=λ): Adam with the ∞-norm in place of the 2-norm.",
        reference: "Kingma & Ba (2015), §7.1",
        requires: Requirement::Nothing,
        build: |p, dim| first_order(Adamax::new(dim, betas(p), p.number("eps"), p.number("weight_decay")), dim),
    },
    OptimizerEntry {
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
        requires: Requirement::Nothing,
        build: |p, dim| first_order(NAdam::new(dim, betas(p), p.number("eps"), p.number("weight_decay"), p.number("momentum_decay")), dim),
    },
    OptimizerEntry {
        name: "radam",
        label: "RAdam",
        family: Family::FirstOrder,
        step_size: StepSize::Displacement,
        params: &[lr(1e-3), beta1(0.9), beta2(0.999), eps(1e-8), WEIGHT_DECAY],
        equations: "m ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²\nρ_∞ = 2/(1 − β₂) − 1;  ρₜ = ρ_∞ − 2t β₂ᵗ/(1 − β₂ᵗ)\nρₜ > 5: θ ← θ − α rₜ · m/(1 − β₁ᵗ) · √(1 − β₂ᵗ)/(√v + ε),  rₜ² = (ρₜ − 4)(ρₜ − 2)ρ_∞ / ((ρ_∞ − 4)(ρ_∞ − 2)ρₜ)\nelse: θ ← θ − α m/(1 − β₁ᵗ)",
        mapping: "torch.optim.RAdam(lr=α, betas=(β₁, β₂), eps=ε, weight_decay=λ): momentum SGD until the variance of the adaptive rate is tractable.",
        reference: "Liu et al. (2020), On the Variance of the Adaptive Learning Rate and Beyond",
        requires: Requirement::Nothing,
        build: |p, dim| first_order(RAdam::new(dim, betas(p), p.number("eps"), p.number("weight_decay")), dim),
    },
    OptimizerEntry {
        name: "lion",
        label: "Lion",
        family: Family::FirstOrder,
        step_size: StepSize::Displacement,
        params: &[lr(1e-4), beta1(0.9), beta2(0.99), ParamSpec::real("weight_decay", "λ", 0.0, 0.0, 10.0, "decoupled weight decay")],
        equations: "c = β₁ m + (1 − β₁) g\nθ ← θ − α (sign(c) + λθ)\nm ← β₂ m + (1 − β₂) g",
        mapping: "As in the paper (Algorithm 2), with betas=(β₁, β₂); every coordinate moves by exactly α (plus decay).",
        reference: "Chen et al. (2023), Symbolic Discovery of Optimization Algorithms",
        requires: Requirement::Nothing,
        build: |p, dim| first_order(Lion::new(dim, betas(p), p.number("weight_decay")), dim),
    },
    OptimizerEntry {
        name: "signsgd",
        label: "signSGD / Signum",
        family: Family::FirstOrder,
        step_size: StepSize::Displacement,
        params: &[lr(0.01), ParamSpec::real("momentum", "β", 0.0, 0.0, 0.9999, "momentum (Signum); 0 is signSGD")],
        equations: "m ← β m + (1 − β) g\nθ ← θ − α sign(m)",
        mapping: "As in the paper: β = 0 gives signSGD, β > 0 Signum.",
        reference: "Bernstein et al. (2018), signSGD: Compressed Optimisation for Non-Convex Problems",
        requires: Requirement::Nothing,
        build: |p, dim| first_order(SignSgd::new(dim, p.number("momentum")), dim),
    },
    OptimizerEntry {
        name: "svrg",
        label: "SVRG",
        family: Family::VarianceReduced,
        step_size: StepSize::Curvature,
        params: &[lr(0.05), ParamSpec::integer("inner_steps", "m", 50, 1, 100_000, "steps between full-gradient snapshots")],
        equations: "every m steps: x̃ ← x, μ ← ∇f(x̃)\ng = ∇f_B(x) − ∇f_B(x̃) + μ\nx ← x − α g",
        mapping: "B is a fresh mini-batch of batch_size samples (one permutation prefix per step).",
        reference: "Johnson & Zhang (2013), Accelerating Stochastic Gradient Descent using Predictive Variance Reduction",
        requires: Requirement::FiniteSum,
        build: |p, dim| Ok(Box::new(Svrg::new(dim, p.count("inner_steps")))),
    },
    OptimizerEntry {
        name: "sag",
        label: "SAG",
        family: Family::VarianceReduced,
        step_size: StepSize::Curvature,
        params: &[lr(0.05)],
        equations: "for each sampled i: d ← d − yᵢ + ∇fᵢ(x), yᵢ ← ∇fᵢ(x)\nx ← x − α d / m   (m = samples seen so far)",
        mapping: "Each step refreshes the stored gradients of one mini-batch of batch_size samples.",
        reference: "Schmidt, Le Roux & Bach (2017), Minimizing Finite Sums with the Stochastic Average Gradient",
        requires: Requirement::FiniteSum,
        build: |_, dim| Ok(Box::new(Sag::new(dim))),
    },
    OptimizerEntry {
        name: "newton",
        label: "Newton",
        family: Family::SecondOrder,
        step_size: StepSize::Given,
        params: &[NEWTON_LR],
        equations: "xₖ₊₁ = xₖ − α ∇²f(xₖ)⁻¹ ∇f(xₖ)",
        mapping: "α = lr scales the step (1 is the pure method). It jumps to the stationary point of the local quadratic model, so it is attracted by saddles and maxima too.",
        reference: "Nocedal & Wright (2006), §3.3",
        requires: Requirement::Nothing,
        build: |_, _| Ok(Box::new(Newton)),
    },
    OptimizerEntry {
        name: "damped-newton",
        label: "Damped Newton",
        family: Family::SecondOrder,
        step_size: StepSize::Given,
        params: &[
            ParamSpec::log("min_eigenvalue", "δ", 1e-4, 1e-12, 10.0, "floor for the modified Hessian's eigenvalues"),
            ParamSpec::log("c1", "c₁", 1e-4, 1e-8, 0.5, "Armijo sufficient-decrease constant"),
            ParamSpec::real("backtrack", "ρ", 0.5, 0.05, 0.95, "backtracking factor"),
        ],
        equations: "H = QΛQᵀ,  H̃ = Q max(|Λ|, δ) Qᵀ\nd = −H̃⁻¹ ∇f(xₖ)\nα: largest of 1, ρ, ρ², … with f(xₖ + αd) ≤ f(xₖ) + c₁ α ∇f(xₖ)ᵀd\nxₖ₊₁ = xₖ + α d",
        mapping: "The step note says when and why the Hessian was modified.",
        reference: "Nocedal & Wright (2006), §3.4; Murray (1972); Paternain, Mokhtari & Ribeiro (2019)",
        requires: Requirement::Nothing,
        build: |p, _| Ok(Box::new(DampedNewton::new(p.number("min_eigenvalue"), p.number("c1"), p.number("backtrack")))),
    },
    OptimizerEntry {
        name: "trust-region",
        label: "Trust region",
        family: Family::SecondOrder,
        step_size: StepSize::Given,
        params: &[
            ParamSpec::choice("subproblem", "exact", &["exact", "dogleg"], "how the model is minimised in the ball"),
            ParamSpec::log("initial_radius", "Δ₀", 1.0, 1e-4, 100.0, "starting radius"),
            ParamSpec::log("max_radius", "Δ_max", 100.0, 1e-2, 1e4, "largest radius"),
            ParamSpec::real("eta", "η", 0.1, 0.0, 0.25, "accept the step when ρ > η"),
        ],
        equations: "pₖ = argmin ‖p‖≤Δ  f + ∇fᵀp + ½ pᵀ∇²f p\nρ = (f(xₖ) − f(xₖ + pₖ)) / (m(0) − m(pₖ))\nρ < ¼: Δ ← Δ/4;  ρ > ¾ and ‖pₖ‖ = Δ: Δ ← min(2Δ, Δ_max)\nρ > η: xₖ₊₁ = xₖ + pₖ, else xₖ₊₁ = xₖ",
        mapping: "The exact subproblem uses the Hessian's eigen-decomposition (the hard case included); dogleg falls back to the Cauchy point when the Hessian is indefinite. The radius is recorded every step.",
        reference: "Nocedal & Wright (2006), ch. 4",
        requires: Requirement::Nothing,
        build: |p, _| {
            let subproblem = if p.choice("subproblem") == "dogleg" { Subproblem::Dogleg } else { Subproblem::Exact };
            Ok(Box::new(TrustRegion::new(subproblem, p.number("initial_radius"), p.number("max_radius"), p.number("eta"))))
        },
    },
    OptimizerEntry {
        name: "gauss-newton",
        label: "Gauss–Newton",
        family: Family::LeastSquares,
        step_size: StepSize::Given,
        params: &[NEWTON_LR],
        equations: "f = Σ rᵢ(x)²,  J = ∂r/∂x\n(JᵀJ) d = −Jᵀr\nxₖ₊₁ = xₖ + α d",
        mapping: "α = lr scales the step (1 is the pure method). JᵀJ is the Hessian with the residuals' curvature dropped.",
        reference: "Nocedal & Wright (2006), §10.3",
        requires: Requirement::Residuals,
        build: |_, _| Ok(Box::new(GaussNewton)),
    },
    OptimizerEntry {
        name: "levenberg",
        label: "Levenberg",
        family: Family::LeastSquares,
        step_size: StepSize::Given,
        params: &[
            ParamSpec::log("lambda", "λ", 1e-2, 1e-12, 1e6, "initial damping"),
            ParamSpec::real("factor", "ν", 10.0, 1.1, 100.0, "λ is divided by ν after a success, multiplied after a failure"),
        ],
        equations: "(JᵀJ + λI) d = −Jᵀr\nf(xₖ + d) < f(xₖ): xₖ₊₁ = xₖ + d, λ ← λ/ν\nelse: xₖ₊₁ = xₖ, λ ← λν",
        mapping: "Large λ gives a short gradient-descent step, small λ Gauss–Newton. The damping is recorded every step.",
        reference: "Levenberg (1944)",
        requires: Requirement::Residuals,
        build: |p, _| Ok(Box::new(LevenbergMarquardt::new(Damping::Identity, p.number("lambda"), p.number("factor")))),
    },
    OptimizerEntry {
        name: "levenberg-marquardt",
        label: "Levenberg–Marquardt",
        family: Family::LeastSquares,
        step_size: StepSize::Given,
        params: &[
            ParamSpec::log("lambda", "λ", 1e-2, 1e-12, 1e6, "initial damping"),
            ParamSpec::real("factor", "ν", 10.0, 1.1, 100.0, "λ is divided by ν after a success, multiplied after a failure"),
        ],
        equations: "(JᵀJ + λ diag(JᵀJ)) d = −Jᵀr\nf(xₖ + d) < f(xₖ): xₖ₊₁ = xₖ + d, λ ← λ/ν\nelse: xₖ₊₁ = xₖ, λ ← λν",
        mapping: "Marquardt's scaling makes the damping invariant to rescaling each parameter.",
        reference: "Marquardt (1963)",
        requires: Requirement::Residuals,
        build: |p, _| Ok(Box::new(LevenbergMarquardt::new(Damping::Diagonal, p.number("lambda"), p.number("factor")))),
    },
    OptimizerEntry {
        name: "bfgs",
        label: "BFGS",
        family: Family::QuasiNewton,
        step_size: StepSize::Given,
        params: &[],
        equations: "dₖ = −Hₖ ∇f(xₖ);  αₖ: strong Wolfe (c₁ = 10⁻⁴, c₂ = 0.9)\nsₖ = αₖdₖ,  yₖ = ∇f(xₖ₊₁) − ∇f(xₖ),  ρₖ = 1/(yₖᵀsₖ)\nHₖ₊₁ = (I − ρₖ sₖyₖᵀ) Hₖ (I − ρₖ yₖsₖᵀ) + ρₖ sₖsₖᵀ",
        mapping: "H₀ = I, rescaled by yᵀs/yᵀy before the first update; the first trial step is min(1, 1/‖∇f‖).",
        reference: "Nocedal & Wright (2006), Algorithm 6.1",
        requires: Requirement::Nothing,
        build: |_, _| Ok(Box::new(Bfgs::default())),
    },
    OptimizerEntry {
        name: "lbfgs",
        label: "L-BFGS",
        family: Family::QuasiNewton,
        step_size: StepSize::Given,
        params: &[ParamSpec::integer("history_size", "m", 10, 1, 100, "pairs (s, y) kept")],
        equations: "dₖ = −Hₖ∇f(xₖ) by the two-loop recursion over the last m pairs (sᵢ, yᵢ)\nH₀ = (sᵀy / yᵀy) I;  αₖ: strong Wolfe (c₁ = 10⁻⁴, c₂ = 0.9)",
        mapping: "history_size = m, as torch.optim.LBFGS; the line search is strong Wolfe, as its line_search_fn='strong_wolfe'.",
        reference: "Liu & Nocedal (1989); Nocedal & Wright (2006), Algorithm 7.4",
        requires: Requirement::Nothing,
        build: |p, _| Ok(Box::new(Lbfgs::new(p.count("history_size")))),
    },
    OptimizerEntry {
        name: "nonlinear-cg",
        label: "Nonlinear conjugate gradient",
        family: Family::QuasiNewton,
        step_size: StepSize::Given,
        params: &[ParamSpec::choice("beta", "pr+", &["pr+", "fr"], "Polak–Ribière+ or Fletcher–Reeves")],
        equations: "dₖ₊₁ = −∇f(xₖ₊₁) + βₖ₊₁ dₖ;  αₖ: strong Wolfe (c₁ = 10⁻⁴, c₂ = 0.1)\nPR+: β = max(0, yₖᵀ∇fₖ₊₁ / ‖∇fₖ‖²),  yₖ = ∇fₖ₊₁ − ∇fₖ;  FR: β = ‖∇fₖ₊₁‖² / ‖∇fₖ‖²",
        mapping: "Restarts along −∇f whenever d is not a descent direction.",
        reference: "Fletcher & Reeves (1964); Polak & Ribière (1969); Nocedal & Wright (2006), §5.2",
        requires: Requirement::Nothing,
        build: |p, _| {
            let formula = if p.choice("beta") == "fr" { CgFormula::FletcherReeves } else { CgFormula::PolakRibierePlus };
            Ok(Box::new(NonlinearCg::new(formula)))
        },
    },
];

/// The registry entry called `name`, if there is one.
pub fn find(name: &str) -> Option<&'static OptimizerEntry> {
    OPTIMIZERS.iter().find(|o| o.name == name)
}

/// The registry entry called `name`, or an error (for `scope`) listing the known names.
pub fn find_or_error(name: &str, scope: &str) -> Result<&'static OptimizerEntry, FieldError> {
    find(name).ok_or_else(|| {
        let known: Vec<&str> = OPTIMIZERS.iter().map(|o| o.name).collect();
        FieldError::new(
            format!("{scope}.optimizer"),
            format!(
                "unknown optimizer '{name}'; known optimizers: {}",
                known.join(", ")
            ),
        )
    })
}

/// Resolved hyperparameters of one optimizer, ready to build it.
#[derive(Clone, Debug)]
pub struct Configured {
    /// The registry entry.
    pub entry: &'static OptimizerEntry,
    /// Every hyperparameter, defaults filled in.
    pub values: ParamValues,
}

impl Configured {
    /// Checks `params` against `name`'s declarations; `scope` prefixes field names in errors.
    pub fn new(
        name: &str,
        params: &BTreeMap<String, Json>,
        scope: &str,
    ) -> Result<Self, Vec<FieldError>> {
        let entry = find_or_error(name, scope).map_err(|e| vec![e])?;
        let values = resolve(entry.params, params, scope)?;
        Ok(Self { entry, values })
    }

    /// The base learning rate (NaN for methods without one).
    pub fn lr(&self) -> f64 {
        self.values.number("lr")
    }

    /// A fresh optimizer for `dim` parameters; `scope` prefixes field names in errors.
    pub fn build(&self, dim: usize, scope: &str) -> Result<Box<dyn Optimizer>, FieldError> {
        (self.entry.build)(&self.values, dim)
            .map_err(|e| FieldError::new(format!("{scope}.{}", e.field), e.message))
    }
}

/// Builds optimizer `name` for `dim` parameters with the given hyperparameters;
/// `scope` prefixes field names in errors (for example `runs[0]`).
pub fn build(
    name: &str,
    params: &BTreeMap<String, Json>,
    dim: usize,
    scope: &str,
) -> Result<Box<dyn Optimizer>, SpecError> {
    let configured = Configured::new(name, params, scope).map_err(|errors| SpecError { errors })?;
    configured
        .build(dim, scope)
        .map_err(|e| SpecError { errors: vec![e] })
}
