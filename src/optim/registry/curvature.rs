//! Registry entries of the second-order, least-squares and quasi-Newton methods.

use super::*;
use crate::optim::*;
use crate::param::ParamSpec;
use crate::problem::View;

/// Newton.
pub const NEWTON: OptimizerEntry = OptimizerEntry {
    name: "newton",
    label: "Newton",
    family: Family::SecondOrder,
    step_size: StepSize::Given,
    params: &[NEWTON_LR],
    equations: "xₖ₊₁ = xₖ − α ∇²f(xₖ)⁻¹ ∇f(xₖ)",
    mapping: "α = lr scales the step (1 is the pure method). It jumps to the stationary point of the local quadratic model, so it is attracted by saddles and maxima too.",
    reference: "Nocedal & Wright (2006), §3.3",
    needs: &[View::Hessian],
    storage: |_| Storage::Matrix,
    budget: Budget::FULL_BATCH,
    gpu: None,
    build: |_, _| Ok(Box::new(Newton)),
};

/// Damped Newton.
pub const DAMPED_NEWTON: OptimizerEntry = OptimizerEntry {
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
    needs: &[View::Hessian],
    storage: |_| Storage::Matrix,
    budget: Budget::FULL_BATCH,
    gpu: None,
    build: |p, _| Ok(Box::new(DampedNewton::new(p.number("min_eigenvalue"), p.number("c1"), p.number("backtrack")))),
};

/// Trust region.
pub const TRUST_REGION: OptimizerEntry = OptimizerEntry {
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
    needs: &[View::Hessian],
    storage: |_| Storage::Matrix,
    budget: Budget::FULL_BATCH,
    gpu: None,
    build: |p, _| {
        let subproblem = if p.choice("subproblem") == "dogleg" { Subproblem::Dogleg } else { Subproblem::Exact };
        Ok(Box::new(TrustRegion::new(subproblem, p.number("initial_radius"), p.number("max_radius"), p.number("eta"))))
    },
};

/// Gauss–Newton.
pub const GAUSS_NEWTON: OptimizerEntry = OptimizerEntry {
    name: "gauss-newton",
    label: "Gauss–Newton",
    family: Family::LeastSquares,
    step_size: StepSize::Given,
    params: &[NEWTON_LR],
    equations: "f = Σ rᵢ(x)²,  J = ∂r/∂x\n(JᵀJ) d = −Jᵀr\nxₖ₊₁ = xₖ + α d",
    mapping: "α = lr scales the step (1 is the pure method). JᵀJ is the Hessian with the residuals' curvature dropped.",
    reference: "Nocedal & Wright (2006), §10.3",
    needs: &[View::Residuals],
    storage: |_| Storage::Vectors,
    budget: Budget::FULL_BATCH,
    gpu: None,
    build: |_, _| Ok(Box::new(GaussNewton)),
};

/// Levenberg.
pub const LEVENBERG: OptimizerEntry = OptimizerEntry {
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
    needs: &[View::Residuals],
    storage: |_| Storage::Vectors,
    budget: Budget::FULL_BATCH,
    gpu: None,
    build: |p, _| Ok(Box::new(LevenbergMarquardt::new(Damping::Identity, p.number("lambda"), p.number("factor")))),
};

/// Levenberg–Marquardt.
pub const LEVENBERG_MARQUARDT: OptimizerEntry = OptimizerEntry {
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
    needs: &[View::Residuals],
    storage: |_| Storage::Vectors,
    budget: Budget::FULL_BATCH,
    gpu: None,
    build: |p, _| Ok(Box::new(LevenbergMarquardt::new(Damping::Diagonal, p.number("lambda"), p.number("factor")))),
};

/// BFGS.
pub const BFGS: OptimizerEntry = OptimizerEntry {
    name: "bfgs",
    label: "BFGS",
    family: Family::QuasiNewton,
    step_size: StepSize::Given,
    params: &[],
    equations: "dₖ = −Hₖ ∇f(xₖ);  αₖ: strong Wolfe (c₁ = 10⁻⁴, c₂ = 0.9)\nsₖ = αₖdₖ,  yₖ = ∇f(xₖ₊₁) − ∇f(xₖ),  ρₖ = 1/(yₖᵀsₖ)\nHₖ₊₁ = (I − ρₖ sₖyₖᵀ) Hₖ (I − ρₖ yₖsₖᵀ) + ρₖ sₖsₖᵀ",
    mapping: "H₀ = I, rescaled by yᵀs/yᵀy before the first update; the first trial step is min(1, 1/‖∇f‖).",
    reference: "Nocedal & Wright (2006), Algorithm 6.1",
    needs: &[],
    storage: |_| Storage::Matrix,
    budget: Budget::FULL_BATCH,
    gpu: None,
    build: |_, _| Ok(Box::new(Bfgs::default())),
};

/// L-BFGS.
pub const LBFGS: OptimizerEntry = OptimizerEntry {
    name: "lbfgs",
    label: "L-BFGS",
    family: Family::QuasiNewton,
    step_size: StepSize::Given,
    params: &[ParamSpec::integer("history_size", "m", 10, 1, 100, "pairs (s, y) kept")],
    equations: "dₖ = −Hₖ∇f(xₖ) by the two-loop recursion over the last m pairs (sᵢ, yᵢ)\nH₀ = (sᵀy / yᵀy) I;  αₖ: strong Wolfe (c₁ = 10⁻⁴, c₂ = 0.9)",
    mapping: "history_size = m, as torch.optim.LBFGS; the line search is strong Wolfe, as its line_search_fn='strong_wolfe'.",
    reference: "Liu & Nocedal (1989); Nocedal & Wright (2006), Algorithm 7.4",
    needs: &[],
    storage: |_| Storage::Vectors,
    budget: Budget::FULL_BATCH,
    gpu: None,
    build: |p, _| Ok(Box::new(Lbfgs::new(p.count("history_size")))),
};

/// Nonlinear conjugate gradient.
pub const NONLINEAR_CG: OptimizerEntry = OptimizerEntry {
    name: "nonlinear-cg",
    label: "Nonlinear conjugate gradient",
    family: Family::QuasiNewton,
    step_size: StepSize::Given,
    params: &[ParamSpec::choice("beta", "pr+", &["pr+", "fr"], "Polak–Ribière+ or Fletcher–Reeves")],
    equations: "dₖ₊₁ = −∇f(xₖ₊₁) + βₖ₊₁ dₖ;  αₖ: strong Wolfe (c₁ = 10⁻⁴, c₂ = 0.1)\nPR+: β = max(0, yₖᵀ∇fₖ₊₁ / ‖∇fₖ‖²),  yₖ = ∇fₖ₊₁ − ∇fₖ;  FR: β = ‖∇fₖ₊₁‖² / ‖∇fₖ‖²",
    mapping: "Restarts along −∇f whenever d is not a descent direction.",
    reference: "Fletcher & Reeves (1964); Polak & Ribière (1969); Nocedal & Wright (2006), §5.2",
    needs: &[],
    storage: |_| Storage::Vectors,
    budget: Budget::FULL_BATCH,
    gpu: None,
    build: |p, _| {
        let formula = if p.choice("beta") == "fr" { CgFormula::FletcherReeves } else { CgFormula::PolakRibierePlus };
        Ok(Box::new(NonlinearCg::new(formula)))
    },
};
