// The hidden layer's two products with a tiny inner dimension, fused with
// what surrounds them, one thread per hidden activation:
//   forward:  A₁ = relu(X_B W₁ + b₁)        (inner dimension 2: the inputs)
//   backward: D = (Δ W₂ᵀ) ⊙ [A₁ > 0]        (inner dimension 5: the classes)
// θ holds W₁ (2 × h), b₁ (h), W₂ (h × 5), b₂ (5).

struct Shape {
    rows: u32,
    width: u32,
}

const CLASSES: u32 = 5u;

@group(0) @binding(0) var<uniform> shape: Shape;
@group(0) @binding(1) var<storage, read> theta: array<f32>;
@group(0) @binding(2) var<storage, read> source: array<f32>;
@group(0) @binding(3) var<storage, read_write> hidden: array<f32>;

// source: the batch's inputs (rows × 2); hidden ← A₁.
@compute @workgroup_size(256)
fn forward(@builtin(global_invocation_id) id: vec3<u32>) {
    let i = id.x;
    if (i >= shape.rows * shape.width) {
        return;
    }
    let row = i / shape.width;
    let unit = i % shape.width;
    let h = shape.width;
    let z = source[2u * row] * theta[unit] + source[2u * row + 1u] * theta[h + unit] + theta[2u * h + unit];
    hidden[i] = max(z, 0.0);
}

@group(0) @binding(4) var<storage, read_write> delta: array<f32>;

// source: Δ, the logits' deltas (rows × 5); hidden: A₁; delta ← D.
@compute @workgroup_size(256)
fn backward(@builtin(global_invocation_id) id: vec3<u32>) {
    let i = id.x;
    if (i >= shape.rows * shape.width) {
        return;
    }
    if (hidden[i] <= 0.0) {
        delta[i] = 0.0;
        return;
    }
    let row = i / shape.width;
    let unit = i % shape.width;
    let w2 = 3u * shape.width + CLASSES * unit;
    var sum = 0.0;
    for (var k = 0u; k < CLASSES; k++) {
        sum += source[CLASSES * row + k] * theta[w2 + k];
    }
    delta[i] = sum;
}
