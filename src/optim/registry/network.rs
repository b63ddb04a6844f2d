//! Registry entries of the methods that precondition with a network's
//! curvature: they need the views only a model with a loss on its outputs
//! (Gauss–Newton products) or a layered network (layer structure) offers.

use super::*;
use crate::data::CLASSES;
use crate::param::ParamSpec;
use crate::problem::{CurvatureMatrix, View};

/// Trust-region Gauss–Newton (the lecture's method for the classifier).
pub const GAUSS_NEWTON_TR: OptimizerEntry = OptimizerEntry {
    name: "gauss-newton-tr",
    label: "Trust-region Gauss–Newton",
    family: Family::NetworkCurvature,
    step_size: StepSize::Given,
    params: &[
        ParamSpec::flag(
            "matrix_free",
            false,
            "solve the subproblem by conjugate gradient on products Gv instead of forming G",
        ),
        ParamSpec::integer("cg_iterations", "k", 50, 1, 10_000, "matrix-free: most CG iterations per step"),
        ParamSpec::log("cg_tolerance", "η", 1e-2, 1e-12, 1.0, "matrix-free: stop CG when ‖Gs + g‖ ≤ η‖g‖"),
        ParamSpec::log("radius", "Δ₀", 1.0, 1e-3, 1e3, "initial trust radius"),
    ],
    equations: "G = (1/N) Σᵢ JᵢᵀHᵢJᵢ,  g = ∇L(θ)\npₖ = argmin ‖p‖≤Δ  L + gᵀp + ½ pᵀG p   (matrix free: k CG steps on Gv, to ‖Gs + g‖ ≤ η‖g‖)\nρ = (L(θ) − L(θ + pₖ)) / (m(0) − m(pₖ))\nρ < 10⁻⁴: reject, Δ ← ½ min(Δ, ‖pₖ‖);  else θ ← θ + pₖ, and ρ < 0.1: Δ ← Δ/2;  ρ > ¾ on the boundary: Δ ← 1.5Δ",
    mapping: "The lecture's trust-region Gauss–Newton on the generalised Gauss–Newton matrix of the cross-entropy (Jᵢ = ∂logitsᵢ/∂θ, Hᵢ = diag(pᵢ) − pᵢpᵢᵀ): the step −G⁺g, pulled onto the boundary by a Levenberg–Marquardt λ (Moré–Sorensen) when it is longer than Δ; matrix free, Steihaug's truncated CG on products Gv. Full batch. Not `gauss-newton`, which solves sums of squares from their residuals.",
    reference: "Nocedal & Wright, Numerical Optimization (2006), ch. 4 and 10; Schraudolph (2002); Martens (2010)",
    needs: &[View::GaussNewton],
    storage: |p| {
        if p.flag("matrix_free") {
            Storage::Vectors
        } else {
            Storage::Dense { rows: CLASSES }
        }
    },
    budget: Budget { full_batch: true, iterations: 35 },
    gpu: None,
    build: |p, _| {
        let matrix_free = p.flag("matrix_free").then(|| (p.count("cg_iterations"), p.number("cg_tolerance")));
        Ok(Box::new(GaussNewtonTrustRegion::new(p.number("radius"), matrix_free)))
    },
};

/// Natural gradient.
pub const NATURAL_GRADIENT: OptimizerEntry = OptimizerEntry {
    name: "natural-gradient",
    label: "Natural gradient",
    family: Family::NetworkCurvature,
    step_size: StepSize::Given,
    params: &[
        ParamSpec::log("lr", "α", 0.5, 1e-6, 10.0, "step size"),
        ParamSpec::log("damping", "λ", 1e-2, 1e-9, 10.0, "added to the Fisher's diagonal"),
        ParamSpec::flag("empirical", false, "use the empirical Fisher (per-sample gradients) instead of the true one"),
    ],
    equations: "F = (1/N) Σᵢ JᵢᵀHᵢJᵢ   (empirical: F = (1/N) Σᵢ gᵢgᵢᵀ)\nθ ← θ − α (F + λI)⁻¹ ∇L(θ)",
    mapping: "Amari's natural gradient with the Fisher of the model's predictive distribution, which for softmax cross-entropy equals the Gauss–Newton matrix; `empirical` uses per-sample gradients of the observed labels instead. Full batch, Cholesky solve.",
    reference: "Amari (1998); Martens, New insights and perspectives on the natural gradient method (2020)",
    needs: &[View::GaussNewton],
    storage: |p| Storage::Dense { rows: if p.flag("empirical") { 1 } else { CLASSES } },
    budget: Budget::FULL_BATCH,
    gpu: None,
    build: |p, _| {
        let fisher = if p.flag("empirical") { CurvatureMatrix::EmpiricalFisher } else { CurvatureMatrix::GaussNewton };
        Ok(Box::new(NaturalGradient::new(p.number("damping"), fisher)))
    },
};

/// K-FAC.
pub const KFAC: OptimizerEntry = OptimizerEntry {
    name: "kfac",
    label: "K-FAC",
    family: Family::NetworkCurvature,
    step_size: StepSize::Given,
    params: &[
        ParamSpec::log("lr", "α", 0.1, 1e-6, 10.0, "step size"),
        ParamSpec::log("damping", "λ", 1e-2, 1e-9, 10.0, "Tikhonov damping, split as √λ on each factor"),
        ParamSpec::real("decay", "β", 0.95, 0.0, 0.9999, "running-average decay of the factors"),
    ],
    equations: "per layer: A ← β A + (1 − β) E[āāᵀ],  S ← β S + (1 − β) E[δδᵀ]\nW̄ ← W̄ − α (A + √λ I)⁻¹ ∇W̄ (S + √λ I)⁻¹",
    mapping: "Per layer W̄ = [W; b], the Fisher block approximated by the Kronecker product of the inputs' second moment A (with a 1 for the bias) and the pre-activation gradients' S, both running averages over mini-batches; no momentum, factors inverted every step.",
    reference: "Martens & Grosse, Optimizing neural networks with Kronecker-factored approximate curvature (2015)",
    needs: &[View::FiniteSum, View::Layers],
    storage: |_| Storage::Kronecker { eigen: false },
    budget: Budget { full_batch: false, iterations: 300 },
    gpu: None,
    build: |p, _| Ok(Box::new(Kfac::new(p.number("damping"), p.number("decay")))),
};

/// Shampoo.
pub const SHAMPOO: OptimizerEntry = OptimizerEntry {
    name: "shampoo",
    label: "Shampoo",
    family: Family::NetworkCurvature,
    step_size: StepSize::Given,
    params: &[
        ParamSpec::log("lr", "α", 0.1, 1e-6, 10.0, "step size"),
        ParamSpec::log("epsilon", "ε", 1e-4, 1e-12, 1.0, "initial diagonal of both preconditioners"),
    ],
    equations: "per layer, G = ∇W̄:  L ← L + GGᵀ,  R ← R + GᵀG   (L₀ = R₀ = εI)\nW̄ ← W̄ − α L^(−1/4) G R^(−1/4)",
    mapping: "Per layer W̄ = [W; b], left and right AdaGrad-like preconditioners accumulated from the mini-batch gradient, their inverse fourth roots by eigen-decomposition every step; no grafting or momentum.",
    reference: "Gupta, Koren & Singer, Shampoo: preconditioned stochastic tensor optimization (2018)",
    needs: &[View::FiniteSum, View::Layers],
    storage: |_| Storage::Kronecker { eigen: true },
    budget: Budget { full_batch: false, iterations: 300 },
    gpu: None,
    build: |p, _| Ok(Box::new(Shampoo::new(p.number("epsilon")))),
};
