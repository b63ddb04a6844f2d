// ReLU's backward pass: δ ← δ ⊙ [a > 0], where a = relu(z) is what the
// forward pass kept (a > 0 exactly where z > 0).

struct Count {
    n: u32,
}

@group(0) @binding(0) var<uniform> count: Count;
@group(0) @binding(1) var<storage, read> activations: array<f32>;
@group(0) @binding(2) var<storage, read_write> delta: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
    let i = id.x;
    if (i < count.n && activations[i] <= 0.0) {
        delta[i] = 0.0;
    }
}
