//! The one-hidden-layer network's loss and gradient in one pass over blocks
//! of rows, the fast path beside the readable reference in `mlp.rs` (and
//! tested against it).
//!
//! The width × batch activations are never stored: for each block of
//! [`ROWS`] inputs, a first sweep over the hidden units computes
//! h = relu(x·W₁ + b₁) tile by tile and accumulates the logits; after the
//! softmax, a second sweep recomputes h (two multiply-adds a unit, cheaper
//! than reading it back) and accumulates every gradient. The weights a sweep
//! reads stay in cache across the block's rows.
//!
//! Sums run in a fixed order with [`LANES`] explicit partial sums, never in
//! an order the compiler or the CPU chooses, so the result is the same bits
//! on every machine and in WebAssembly, with or without SIMD.

use super::mlp::{Eval, Mlp};
use crate::data::CLASSES;

/// Partial sums per dot product: enough independent lanes for any SIMD width.
pub const LANES: usize = 8;
/// Inputs per block: the weights are read once a block.
pub const ROWS: usize = 8;

/// Reusable buffers of the fused pass, sized to the network.
#[derive(Clone, Debug, Default)]
pub struct FusedScratch {
    /// W₂ transposed: one row of the hidden width per class.
    w2t: Vec<f64>,
    /// ∂W₂ transposed, accumulated row by row.
    g2t: Vec<f64>,
}

/// Whether `mlp` has the shape the fused pass serves: one hidden layer.
pub fn applies(mlp: &Mlp) -> bool {
    mlp.layers.len() == 2 && mlp.layers[0].n_in == 2 && mlp.layers[1].n_out == CLASSES
}

/// h = max(b + x₀w₀ + x₁w₁, 0) for one lane chunk (the reference's order of additions).
#[inline(always)]
fn hidden(x: [f64; 2], b: &[f64], w0: &[f64], w1: &[f64], z: &mut [f64; LANES]) {
    for l in 0..LANES {
        z[l] = b[l] + x[0] * w0[l] + x[1] * w1[l];
    }
}

/// Loss, accuracy and (with `grad`) the gradient of the mean cross-entropy
/// over `inputs`, for a one-hidden-layer `mlp` (see [`applies`]).
pub fn loss_and_gradient(
    mlp: &Mlp,
    theta: &[f64],
    inputs: &[[f64; 2]],
    labels: &[usize],
    mut grad: Option<&mut [f64]>,
    scratch: &mut FusedScratch,
) -> Eval {
    let (first, second) = (mlp.layers[0], mlp.layers[1]);
    let m = first.n_out;
    let n = inputs.len().max(1) as f64;
    let scale = mlp.logit_scale;
    let train_output = !mlp.frozen_output;
    let w0 = &theta[first.w..first.w + m];
    let w1 = &theta[first.w + m..first.b];
    let b1 = &theta[first.b..first.b + m];
    let b2 = &theta[second.b..second.b + CLASSES];
    scratch.w2t.clear();
    scratch.w2t.resize(CLASSES * m, 0.0);
    for (j, row) in theta[second.w..second.b].chunks_exact(CLASSES).enumerate() {
        for (c, &v) in row.iter().enumerate() {
            scratch.w2t[c * m + j] = v;
        }
    }
    let w2t = &scratch.w2t;
    let with_grad = grad.is_some();
    if with_grad {
        scratch.g2t.clear();
        scratch.g2t.resize(CLASSES * m, 0.0);
    }
    if let Some(g) = grad.as_deref_mut() {
        g.fill(0.0);
    }
    // The first layer's bias and weights for the lane chunk starting at `at`.
    let first_layer_lanes = |at: usize| {
        (
            &b1[at..at + LANES],
            &w0[at..at + LANES],
            &w1[at..at + LANES],
        )
    };
    let chunks = m / LANES;
    let tail = chunks * LANES;
    let mut loss = 0.0;
    let mut correct = 0usize;
    for (block, block_labels) in inputs.chunks(ROWS).zip(labels.chunks(ROWS)) {
        let rows = block.len();
        // Sweep 1: the logits, with LANES partial sums per row and class.
        let mut partial = [[[0.0; LANES]; CLASSES]; ROWS];
        let mut z = [0.0; LANES];
        for k in 0..chunks {
            let at = k * LANES;
            let (b, u, v) = first_layer_lanes(at);
            for (r, x) in block.iter().enumerate() {
                hidden(*x, b, u, v, &mut z);
                for (c, acc) in partial[r].iter_mut().enumerate() {
                    let w = &w2t[c * m + at..c * m + at + LANES];
                    for l in 0..LANES {
                        acc[l] += z[l].max(0.0) * w[l];
                    }
                }
            }
        }
        // Softmax and ∂loss/∂z₂ = s·(softmax − one-hot)/N per row.
        let mut delta = [[0.0; CLASSES]; ROWS];
        for r in 0..rows {
            let x = block[r];
            let mut logits = [0.0; CLASSES];
            for c in 0..CLASSES {
                let p = &partial[r][c];
                let mut dot = ((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]));
                for j in tail..m {
                    dot += (b1[j] + x[0] * w0[j] + x[1] * w1[j]).max(0.0) * w2t[c * m + j];
                }
                logits[c] = (b2[c] + dot) * scale;
            }
            let label = block_labels[r];
            let (argmax, max) =
                logits
                    .iter()
                    .copied()
                    .enumerate()
                    .fold((0, f64::NEG_INFINITY), |best, (k, v)| {
                        if v > best.1 {
                            (k, v)
                        } else {
                            best
                        }
                    });
            let mut sum = 0.0;
            let mut e = [0.0; CLASSES];
            for c in 0..CLASSES {
                e[c] = libm::exp(logits[c] - max);
                sum += e[c];
            }
            loss += max + libm::log(sum) - logits[label];
            correct += usize::from(argmax == label);
            for c in 0..CLASSES {
                let d = e[c] / (sum * n) - if c == label { 1.0 / n } else { 0.0 };
                delta[r][c] = d * scale;
            }
        }
        let Some(g) = grad.as_deref_mut() else {
            continue;
        };
        // Sweep 2: every gradient, h recomputed; a lane chunk's sums over
        // the block's rows stay in registers and are added once.
        let (g_first, g_rest) = g[first.w..].split_at_mut(first.b + m - first.w);
        let (g0, g_rest1) = g_first.split_at_mut(m);
        let (g1, gb1) = g_rest1.split_at_mut(m);
        let g2t = &mut scratch.g2t;
        for k in 0..chunks {
            let at = k * LANES;
            let (b, u, v) = first_layer_lanes(at);
            let mut s0 = [0.0; LANES];
            let mut s1 = [0.0; LANES];
            let mut sb = [0.0; LANES];
            let mut s2 = [[0.0; LANES]; CLASSES];
            for (r, x) in block.iter().enumerate() {
                hidden(*x, b, u, v, &mut z);
                let d = &delta[r];
                let mut dh = [0.0; LANES];
                for c in 0..CLASSES {
                    let w = &w2t[c * m + at..c * m + at + LANES];
                    for l in 0..LANES {
                        dh[l] += d[c] * w[l];
                        s2[c][l] += d[c] * z[l].max(0.0);
                    }
                }
                for l in 0..LANES {
                    let dz = if z[l] > 0.0 { dh[l] } else { 0.0 };
                    s0[l] += x[0] * dz;
                    s1[l] += x[1] * dz;
                    sb[l] += dz;
                }
            }
            for l in 0..LANES {
                g0[at + l] += s0[l];
                g1[at + l] += s1[l];
                gb1[at + l] += sb[l];
            }
            if train_output {
                for (c, sc) in s2.iter().enumerate() {
                    for l in 0..LANES {
                        g2t[c * m + at + l] += sc[l];
                    }
                }
            }
        }
        for (r, x) in block.iter().enumerate() {
            let d = &delta[r];
            for j in tail..m {
                let zj = b1[j] + x[0] * w0[j] + x[1] * w1[j];
                let mut dh = 0.0;
                for c in 0..CLASSES {
                    dh += d[c] * w2t[c * m + j];
                    if train_output {
                        g2t[c * m + j] += d[c] * zj.max(0.0);
                    }
                }
                let dz = if zj > 0.0 { dh } else { 0.0 };
                g0[j] += x[0] * dz;
                g1[j] += x[1] * dz;
                gb1[j] += dz;
            }
        }
        if train_output {
            let gb2 = &mut g_rest[second.b - (first.b + m)..second.b - (first.b + m) + CLASSES];
            for d in delta.iter().take(rows) {
                for c in 0..CLASSES {
                    gb2[c] += d[c];
                }
            }
        }
    }
    if let (Some(g), true) = (grad, train_output) {
        for (j, row) in g[second.w..second.b].chunks_exact_mut(CLASSES).enumerate() {
            for (c, v) in row.iter_mut().enumerate() {
                *v = scratch.g2t[c * m + j];
            }
        }
    }
    Eval {
        loss: loss / n,
        accuracy: correct as f64 / n,
    }
}
