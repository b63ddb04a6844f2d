// Inference for many points at once (the decision-region grid, the test set):
// each thread takes one point through the whole network, looping over the
// hidden units in blocks of 64 whose weights the workgroup first stages in
// workgroup memory. No width × points activation matrix is ever stored, so the
// grid costs the same memory at width 16384 as at width 32.

struct Points {
    count: u32,
    width: u32,
    has_labels: u32,
    scale: f32,
}

const BLOCK: u32 = 64u;
const CLASSES: u32 = 5u;

@group(0) @binding(0) var<uniform> points: Points;
@group(0) @binding(1) var<storage, read> theta: array<f32>;
@group(0) @binding(2) var<storage, read> inputs: array<f32>;
@group(0) @binding(3) var<storage, read> labels: array<u32>;
@group(0) @binding(4) var<storage, read_write> classes: array<u32>;
@group(0) @binding(5) var<storage, read_write> losses: array<f32>;
@group(0) @binding(6) var<storage, read_write> correct: array<f32>;

var<workgroup> w1x: array<f32, BLOCK>;
var<workgroup> w1y: array<f32, BLOCK>;
var<workgroup> b1: array<f32, BLOCK>;
var<workgroup> w2: array<array<f32, CLASSES>, BLOCK>;

@compute @workgroup_size(64)
fn main(
    @builtin(global_invocation_id) id: vec3<u32>,
    @builtin(local_invocation_id) local: vec3<u32>,
) {
    let i = id.x;
    let h = points.width;
    var x = 0.0;
    var y = 0.0;
    if (i < points.count) {
        x = inputs[2u * i];
        y = inputs[2u * i + 1u];
    }
    var z = array<f32, CLASSES>(0.0, 0.0, 0.0, 0.0, 0.0);
    for (var start = 0u; start < h; start += BLOCK) {
        let unit = start + local.x;
        if (unit < h) {
            w1x[local.x] = theta[unit];
            w1y[local.x] = theta[h + unit];
            b1[local.x] = theta[2u * h + unit];
            for (var k = 0u; k < CLASSES; k++) {
                w2[local.x][k] = theta[3u * h + CLASSES * unit + k];
            }
        } else {
            w1x[local.x] = 0.0;
            w1y[local.x] = 0.0;
            b1[local.x] = 0.0;
            for (var k = 0u; k < CLASSES; k++) {
                w2[local.x][k] = 0.0;
            }
        }
        workgroupBarrier();
        for (var j = 0u; j < BLOCK; j++) {
            let a = max(w1x[j] * x + w1y[j] * y + b1[j], 0.0);
            for (var k = 0u; k < CLASSES; k++) {
                z[k] += a * w2[j][k];
            }
        }
        workgroupBarrier();
    }
    if (i >= points.count) {
        return;
    }
    var best = 0u;
    var max_logit = -3.4e38;
    for (var k = 0u; k < CLASSES; k++) {
        z[k] = points.scale * (z[k] + theta[8u * h + k]);
        if (z[k] > max_logit) {
            max_logit = z[k];
            best = k;
        }
    }
    classes[i] = best;
    if (points.has_labels == 1u) {
        var sum = 0.0;
        for (var k = 0u; k < CLASSES; k++) {
            sum += exp(z[k] - max_logit);
        }
        let label = labels[i];
        losses[i] = max_logit + log(sum) - z[label];
        correct[i] = select(0.0, 1.0, best == label);
    }
}
