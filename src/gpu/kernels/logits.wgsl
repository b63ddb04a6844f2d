// The output layer's bias and scale: Z ← s (Z + b₂), where Z = A₁ W₂ came from
// the matrix product and s is 1, 1/√width or 1/width by parametrisation.

struct Shape {
    rows: u32,
    cols: u32,
    bias_offset: u32,
    scale: f32,
}

@group(0) @binding(0) var<uniform> shape: Shape;
@group(0) @binding(1) var<storage, read> theta: array<f32>;
@group(0) @binding(2) var<storage, read_write> values: array<f32>;

@compute @workgroup_size(256)
fn bias_scale(@builtin(global_invocation_id) id: vec3<u32>) {
    let i = id.x;
    if (i >= shape.rows * shape.cols) {
        return;
    }
    values[i] = shape.scale * (values[i] + theta[shape.bias_offset + i % shape.cols]);
}
