// Softmax cross-entropy over a batch of logits (rows × 5): per row the loss
// and whether the largest logit is the label, and ∂(mean loss)/∂z₂, which is
// s·(softmax − one-hot)/rows since the logits are s·z₂.

struct Batch {
    rows: u32,
    scale: f32,
}

const CLASSES: u32 = 5u;

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read_write> delta: array<f32>;
@group(0) @binding(4) var<storage, read_write> losses: array<f32>;
@group(0) @binding(5) var<storage, read_write> correct: array<f32>;

@compute @workgroup_size(64)
fn softmax_cross_entropy(@builtin(global_invocation_id) id: vec3<u32>) {
    let row = id.x;
    if (row >= batch.rows) {
        return;
    }
    let base = row * CLASSES;
    var best = 0u;
    var max_logit = logits[base];
    for (var k = 1u; k < CLASSES; k++) {
        if (logits[base + k] > max_logit) {
            max_logit = logits[base + k];
            best = k;
        }
    }
    var sum = 0.0;
    for (var k = 0u; k < CLASSES; k++) {
        sum += exp(logits[base + k] - max_logit);
    }
    let label = labels[row];
    losses[row] = max_logit + log(sum) - logits[base + label];
    correct[row] = select(0.0, 1.0, best == label);
    let factor = batch.scale / f32(batch.rows);
    for (var k = 0u; k < CLASSES; k++) {
        var p = exp(logits[base + k] - max_logit) / sum;
        if (k == label) {
            p -= 1.0;
        }
        delta[base + k] = factor * p;
    }
}
