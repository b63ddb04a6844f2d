// The mini-batch: inputs and labels of the sampled rows, in sampling order.

struct Count {
    n: u32,
}

@group(0) @binding(0) var<uniform> count: Count;
@group(0) @binding(1) var<storage, read> indices: array<u32>;
@group(0) @binding(2) var<storage, read> inputs: array<f32>;
@group(0) @binding(3) var<storage, read> labels: array<u32>;
@group(0) @binding(4) var<storage, read_write> batch_inputs: array<f32>;
@group(0) @binding(5) var<storage, read_write> batch_labels: array<u32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
    let i = id.x;
    if (i >= count.n) {
        return;
    }
    let j = indices[i];
    batch_inputs[2u * i] = inputs[2u * j];
    batch_inputs[2u * i + 1u] = inputs[2u * j + 1u];
    batch_labels[i] = labels[j];
}
