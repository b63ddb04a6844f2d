// The element-wise parts of one training step of the 2 → width → 5 network:
// gathering the mini-batch, adding biases (with ReLU for the hidden layer, or
// the logit scale s for the output), softmax cross-entropy with its gradient,
// and ReLU's backward pass. θ holds W₁ (2 × width), b₁, W₂ (width × 5), b₂.

struct Shape {
    rows: u32,
    cols: u32,
    bias_offset: u32,
    relu: u32,
    scale: f32,
}

@group(0) @binding(0) var<uniform> shape: Shape;
@group(0) @binding(1) var<storage, read> theta: array<f32>;
@group(0) @binding(2) var<storage, read_write> values: array<f32>;

// values ← relu(values + b) for the hidden layer, s·(values + b) for the logits.
@compute @workgroup_size(256)
fn bias_activation(@builtin(global_invocation_id) id: vec3<u32>) {
    let i = id.x;
    if (i >= shape.rows * shape.cols) {
        return;
    }
    let z = values[i] + theta[shape.bias_offset + i % shape.cols];
    if (shape.relu == 1u) {
        values[i] = max(z, 0.0);
    } else {
        values[i] = shape.scale * z;
    }
}
