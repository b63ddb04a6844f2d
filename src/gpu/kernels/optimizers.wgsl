// Parameter updates with torch.optim's semantics, one thread per parameter.
// The host passes the step's learning rate and Adam's bias corrections, so
// schedules and step counts live in one place.
//
// SGD:   g ← ∇ + λθ;  b ← g on the first step, else μb + (1 − τ)g;
//        θ ← θ − α(g + μb) with Nesterov, else θ ← θ − αb (no b when μ = 0).
// Adam:  g ← ∇ + λθ (AdamW: θ ← θ(1 − αλ), g ← ∇);  m ← β₁m + (1 − β₁)g;
//        v ← β₂v + (1 − β₂)g²;  v̂ ← max(v̂, v) with AMSGrad, else v;
//        θ ← θ − α/(1 − β₁ᵗ) · m / (√v̂ / √(1 − β₂ᵗ) + ε).

struct Update {
    count: u32,
    first_step: u32,
    nesterov: u32,
    decoupled: u32,
    amsgrad: u32,
    lr: f32,
    weight_decay: f32,
    momentum: f32,
    dampening: f32,
    beta1: f32,
    beta2: f32,
    eps: f32,
    step_size: f32,
    bias_correction2_sqrt: f32,
}

@group(0) @binding(0) var<uniform> update: Update;
@group(0) @binding(1) var<storage, read_write> theta: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> first: array<f32>;
@group(0) @binding(4) var<storage, read_write> second: array<f32>;
@group(0) @binding(5) var<storage, read_write> second_max: array<f32>;

@compute @workgroup_size(256)
fn sgd(@builtin(global_invocation_id) id: vec3<u32>) {
    let i = id.x;
    if (i >= update.count) {
        return;
    }
    var g = grad[i] + update.weight_decay * theta[i];
    if (update.momentum != 0.0) {
        var b = g;
        if (update.first_step == 0u) {
            b = update.momentum * first[i] + (1.0 - update.dampening) * g;
        }
        first[i] = b;
        if (update.nesterov == 1u) {
            g = g + update.momentum * b;
        } else {
            g = b;
        }
    }
    theta[i] = theta[i] - update.lr * g;
}

@compute @workgroup_size(256)
fn adam(@builtin(global_invocation_id) id: vec3<u32>) {
    let i = id.x;
    if (i >= update.count) {
        return;
    }
    var g = grad[i];
    if (update.decoupled == 1u) {
        theta[i] = theta[i] * (1.0 - update.lr * update.weight_decay);
    } else {
        g = g + update.weight_decay * theta[i];
    }
    let m = first[i] + (1.0 - update.beta1) * (g - first[i]);
    let v = update.beta2 * second[i] + (1.0 - update.beta2) * g * g;
    first[i] = m;
    second[i] = v;
    var v_hat = v;
    if (update.amsgrad == 1u) {
        v_hat = max(second_max[i], v);
        second_max[i] = v_hat;
    }
    let denom = sqrt(v_hat) / update.bias_correction2_sqrt + update.eps;
    theta[i] = theta[i] - update.step_size * (m / denom);
}
