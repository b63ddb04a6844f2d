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
//! Sums run in a fixed order with [`LANES`] (or [`LANES_F32`]) explicit
//! partial sums, never in
//! an order the compiler or the CPU chooses, so the result is the same bits
//! on every machine and in WebAssembly, with or without SIMD. The kernel is
//! written over [`Real`]: `f64`, or `f32` where a spec asks for it.

use super::confusion::Confusion;
use super::mlp::{Eval, Mlp};
use super::real::Real;
use crate::data::CLASSES;

/// Partial sums per dot product in `f64`: enough independent lanes for any
/// SIMD width (eight fill a 512-bit register).
pub const LANES: usize = 8;
/// Partial sums per dot product in `f32`: twice as many fit a register.
pub const LANES_F32: usize = 16;
/// Inputs per block: the weights are read once a block.
pub const ROWS: usize = 8;

/// Reusable buffers of the fused pass, sized to the network.
#[derive(Clone, Debug, Default)]
pub struct FusedScratch<T> {
    /// W₂ transposed: one row of the hidden width per class.
    w2t: Vec<T>,
    /// ∂W₂ transposed, accumulated row by row.
    g2t: Vec<T>,
}

/// The buffers of both precisions, and θ and ∂θ in `f32`.
#[derive(Clone, Debug, Default)]
pub struct Scratch {
    /// For the `f64` pass.
    pub double: FusedScratch<f64>,
    /// For the `f32` pass.
    pub single: FusedScratch<f32>,
    theta: Vec<f32>,
    grad: Vec<f32>,
    inputs: Vec<[f32; 2]>,
}

/// The `f32` pass with `f64` parameters and gradient: θ is rounded to `f32`,
/// and the gradient computed in `f32` is written back exactly.
pub fn loss_and_gradient_f32(
    mlp: &Mlp,
    theta: &[f64],
    inputs: &[[f64; 2]],
    labels: &[usize],
    grad: Option<&mut [f64]>,
    scratch: &mut Scratch,
) -> Eval {
    scratch.theta.clear();
    scratch.theta.extend(theta.iter().map(|&v| v as f32));
    scratch.inputs.clear();
    scratch
        .inputs
        .extend(inputs.iter().map(|x| [x[0] as f32, x[1] as f32]));
    let Some(grad) = grad else {
        return loss_and_gradient::<f32, LANES_F32>(
            mlp,
            &scratch.theta,
            &scratch.inputs,
            labels,
            None,
            &mut scratch.single,
        );
    };
    scratch.grad.clear();
    scratch.grad.resize(theta.len(), 0.0);
    let eval = loss_and_gradient::<f32, LANES_F32>(
        mlp,
        &scratch.theta,
        &scratch.inputs,
        labels,
        Some(&mut scratch.grad),
        &mut scratch.single,
    );
    for (g, &v) in grad.iter_mut().zip(&scratch.grad) {
        *g = f64::from(v);
    }
    eval
}

/// Whether `mlp` has the shape the fused pass serves: one hidden layer.
pub fn applies(mlp: &Mlp) -> bool {
    mlp.layers.len() == 2 && mlp.layers[0].n_in == 2 && mlp.layers[1].n_out == CLASSES
}

/// h = max(b + x₀w₀ + x₁w₁, 0) for one lane chunk (the reference's order of additions).
#[inline(always)]
fn hidden<T: Real, const L: usize>(x: [T; 2], b: &[T], w0: &[T], w1: &[T], z: &mut [T; L]) {
    for l in 0..L {
        z[l] = b[l] + x[0] * w0[l] + x[1] * w1[l];
    }
}

/// Loss, accuracy and (with `grad`) the gradient of the mean cross-entropy
/// over `inputs`, for a one-hidden-layer `mlp` (see [`applies`]).
pub fn loss_and_gradient<T: Real, const L: usize>(
    mlp: &Mlp,
    theta: &[T],
    inputs: &[[T; 2]],
    labels: &[usize],
    mut grad: Option<&mut [T]>,
    scratch: &mut FusedScratch<T>,
) -> Eval {
    let (first, second) = (mlp.layers[0], mlp.layers[1]);
    let m = first.n_out;
    let n = T::of(inputs.len().max(1) as f64);
    let scale = T::of(mlp.logit_scale);
    let train_output = !mlp.frozen_output;
    let w0 = &theta[first.w..first.w + m];
    let w1 = &theta[first.w + m..first.b];
    let b1 = &theta[first.b..first.b + m];
    let b2 = &theta[second.b..second.b + CLASSES];
    scratch.w2t.clear();
    scratch.w2t.resize(CLASSES * m, T::ZERO);
    for (j, row) in theta[second.w..second.b].chunks_exact(CLASSES).enumerate() {
        for (c, &v) in row.iter().enumerate() {
            scratch.w2t[c * m + j] = v;
        }
    }
    let w2t = &scratch.w2t;
    let with_grad = grad.is_some();
    if with_grad {
        scratch.g2t.clear();
        scratch.g2t.resize(CLASSES * m, T::ZERO);
    }
    if let Some(g) = grad.as_deref_mut() {
        g.fill(T::ZERO);
    }
    // The first layer's bias and weights for the lane chunk starting at `at`.
    let first_layer_lanes = |at: usize| (&b1[at..at + L], &w0[at..at + L], &w1[at..at + L]);
    let chunks = m / L;
    let tail = chunks * L;
    let mut loss = T::ZERO;
    let mut correct = 0usize;
    let mut confusion = Confusion::default();
    for (block, block_labels) in inputs.chunks(ROWS).zip(labels.chunks(ROWS)) {
        let rows = block.len();
        // Sweep 1: the logits, with L partial sums per row and class.
        let mut partial = [[[T::ZERO; L]; CLASSES]; ROWS];
        let mut z = [T::ZERO; L];
        for k in 0..chunks {
            let at = k * L;
            let (b, u, v) = first_layer_lanes(at);
            for (r, x) in block.iter().enumerate() {
                hidden(*x, b, u, v, &mut z);
                for (c, acc) in partial[r].iter_mut().enumerate() {
                    let w = &w2t[c * m + at..c * m + at + L];
                    for l in 0..L {
                        acc[l] += z[l].max(T::ZERO) * w[l];
                    }
                }
            }
        }
        // Softmax and ∂loss/∂z₂ = s·(softmax − one-hot)/N per row.
        let mut delta = [[T::ZERO; CLASSES]; ROWS];
        for r in 0..rows {
            let x = block[r];
            let mut logits = [T::ZERO; CLASSES];
            for c in 0..CLASSES {
                let p = &partial[r][c];
                let mut dot = pairwise_sum(p);
                for j in tail..m {
                    dot += (b1[j] + x[0] * w0[j] + x[1] * w1[j]).max(T::ZERO) * w2t[c * m + j];
                }
                logits[c] = (b2[c] + dot) * scale;
            }
            let label = block_labels[r];
            let (argmax, max) =
                logits
                    .iter()
                    .copied()
                    .enumerate()
                    .fold(
                        (0, T::NEG_INFINITY),
                        |best, (k, v)| {
                            if v > best.1 {
                                (k, v)
                            } else {
                                best
                            }
                        },
                    );
            let mut sum = T::ZERO;
            let mut e = [T::ZERO; CLASSES];
            for c in 0..CLASSES {
                e[c] = (logits[c] - max).exp();
                sum += e[c];
            }
            loss += max + sum.ln() - logits[label];
            correct += usize::from(argmax == label);
            confusion.count(label, argmax);
            for c in 0..CLASSES {
                let d = e[c] / (sum * n) - if c == label { T::ONE / n } else { T::ZERO };
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
            let at = k * L;
            let (b, u, v) = first_layer_lanes(at);
            let mut s0 = [T::ZERO; L];
            let mut s1 = [T::ZERO; L];
            let mut sb = [T::ZERO; L];
            let mut s2 = [[T::ZERO; L]; CLASSES];
            for (r, x) in block.iter().enumerate() {
                hidden(*x, b, u, v, &mut z);
                let d = &delta[r];
                let mut dh = [T::ZERO; L];
                for c in 0..CLASSES {
                    let w = &w2t[c * m + at..c * m + at + L];
                    for l in 0..L {
                        dh[l] += d[c] * w[l];
                        s2[c][l] += d[c] * z[l].max(T::ZERO);
                    }
                }
                for l in 0..L {
                    let dz = if z[l] > T::ZERO { dh[l] } else { T::ZERO };
                    s0[l] += x[0] * dz;
                    s1[l] += x[1] * dz;
                    sb[l] += dz;
                }
            }
            for l in 0..L {
                g0[at + l] += s0[l];
                g1[at + l] += s1[l];
                gb1[at + l] += sb[l];
            }
            if train_output {
                for (c, sc) in s2.iter().enumerate() {
                    for l in 0..L {
                        g2t[c * m + at + l] += sc[l];
                    }
                }
            }
        }
        for (r, x) in block.iter().enumerate() {
            let d = &delta[r];
            for j in tail..m {
                let zj = b1[j] + x[0] * w0[j] + x[1] * w1[j];
                let mut dh = T::ZERO;
                for c in 0..CLASSES {
                    dh += d[c] * w2t[c * m + j];
                    if train_output {
                        g2t[c * m + j] += d[c] * zj.max(T::ZERO);
                    }
                }
                let dz = if zj > T::ZERO { dh } else { T::ZERO };
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
        loss: (loss / n).to_f64(),
        accuracy: correct as f64 / n.to_f64(),
        confusion,
    }
}

/// The lanes' sum as a balanced tree, ((p₀ + p₁) + (p₂ + p₃)) + …: a fixed
/// order for every lane count (a power of two).
#[inline(always)]
fn pairwise_sum<T: Real, const L: usize>(p: &[T; L]) -> T {
    let mut sums = *p;
    let mut width = L;
    while width > 1 {
        width /= 2;
        for i in 0..width {
            sums[i] = sums[2 * i] + sums[2 * i + 1];
        }
    }
    sums[0]
}
