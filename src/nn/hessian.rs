//! Exact Hessian-vector products of the mean cross-entropy, Hv, by
//! Pearlmutter's R-operator: a forward pass of tangents (how every
//! pre-activation moves along v) and a backward pass of the tangents of the
//! back-propagated errors. Written for a student to follow: the same loops
//! as backpropagation in `mlp.rs`, each with its tangent beside it.
//!
//! With zₗ = aₗ₋₁Wₗ + bₗ, aₗ = relu(zₗ) and logits s·z_L, and (V, c) the
//! part of v for (W, b):
//!   forward:   żₗ = ȧₗ₋₁Wₗ + aₗ₋₁Vₗ + cₗ,   ȧₗ = relu′(zₗ) ⊙ żₗ   (relu″ = 0);
//!   output:    δ_L = s(p − y)/N,   δ̇_L = s·(p ⊙ u − p (pᵀu))/N with u = s·ż_L;
//!   backward:  δₗ₋₁ = (δₗWₗᵀ) ⊙ relu′,   δ̇ₗ₋₁ = (δ̇ₗWₗᵀ + δₗVₗᵀ) ⊙ relu′;
//!   product:   (Hv)_W = ȧₗ₋₁ᵀδₗ + aₗ₋₁ᵀδ̇ₗ,   (Hv)_b = Σ δ̇ₗ.

use super::mlp::{Mlp, Workspace};
use crate::data::{Dataset, CLASSES};

/// Hv at θ over `data` (a frozen output layer's entries of v are ignored and
/// its entries of Hv are 0, as for the gradient).
pub fn hessian_times(
    mlp: &Mlp,
    theta: &[f64],
    data: &Dataset,
    v: &[f64],
    ws: &mut Workspace,
) -> Vec<f64> {
    let n = data.len();
    let layers = &mlp.layers;
    let last = layers.len() - 1;
    let s = mlp.logit_scale;
    mlp.forward(theta, &data.x, ws);
    let trained = |l: usize| !(l == last && mlp.frozen_output);
    // Tangents of each layer's output (ȧ for hidden layers, ż for the last).
    let mut tangents: Vec<Vec<f64>> = Vec::with_capacity(layers.len());
    for (l, layer) in layers.iter().enumerate() {
        let input = mlp.layer_input(ws, l);
        let w = &theta[layer.w..layer.b];
        let mut tz = vec![0.0; n * layer.n_out];
        for (r, row) in tz.chunks_exact_mut(layer.n_out).enumerate() {
            let a = &input[r * layer.n_in..(r + 1) * layer.n_in];
            if trained(l) {
                let (vw, c) = (&v[layer.w..layer.b], &v[layer.b..layer.b + layer.n_out]);
                row.copy_from_slice(c);
                add_row_times(row, a, vw, layer.n_out);
            }
            if l > 0 {
                let ta = &tangents[l - 1][r * layer.n_in..(r + 1) * layer.n_in];
                add_row_times(row, ta, w, layer.n_out);
            }
        }
        if l < last {
            let out = mlp.layer_input(ws, l + 1);
            for (t, &a) in tz.iter_mut().zip(out) {
                if a <= 0.0 {
                    *t = 0.0;
                }
            }
        }
        tangents.push(tz);
    }
    // δ_L and its tangent, per row.
    let logits = mlp.logits(ws);
    let mut delta = vec![0.0; n * CLASSES];
    let mut delta_dot = vec![0.0; n * CLASSES];
    for r in 0..n {
        let z = &logits[r * CLASSES..(r + 1) * CLASSES];
        let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let e: Vec<f64> = z.iter().map(|&zk| libm::exp(zk - max)).collect();
        let sum: f64 = e.iter().sum();
        let u: Vec<f64> = tangents[last][r * CLASSES..(r + 1) * CLASSES]
            .iter()
            .map(|t| s * t)
            .collect();
        let pu: f64 = e.iter().zip(&u).map(|(p, u)| p / sum * u).sum();
        for k in 0..CLASSES {
            let p = e[k] / sum;
            let y = f64::from(u8::from(k == data.labels[r]));
            delta[r * CLASSES + k] = s * (p - y) / n as f64;
            delta_dot[r * CLASSES + k] = s * (p * u[k] - p * pu) / n as f64;
        }
    }
    let mut hv = vec![0.0; theta.len()];
    for l in (0..layers.len()).rev() {
        let layer = layers[l];
        let input = mlp.layer_input(ws, l);
        if trained(l) {
            let (hw, hb) =
                hv[layer.w..layer.b + layer.n_out].split_at_mut(layer.n_in * layer.n_out);
            for r in 0..n {
                let d = &delta[r * layer.n_out..(r + 1) * layer.n_out];
                let dd = &delta_dot[r * layer.n_out..(r + 1) * layer.n_out];
                let a = &input[r * layer.n_in..(r + 1) * layer.n_in];
                for (i, row) in hw.chunks_exact_mut(layer.n_out).enumerate() {
                    let ta = if l > 0 {
                        tangents[l - 1][r * layer.n_in + i]
                    } else {
                        0.0
                    };
                    for ((h, &dk), &ddk) in row.iter_mut().zip(d).zip(dd) {
                        *h += ta * dk + a[i] * ddk;
                    }
                }
                for (h, &ddk) in hb.iter_mut().zip(dd) {
                    *h += ddk;
                }
            }
        }
        if l == 0 {
            break;
        }
        let w = &theta[layer.w..layer.b];
        let vw: &[f64] = if trained(l) {
            &v[layer.w..layer.b]
        } else {
            &[]
        };
        let mut below = vec![0.0; n * layer.n_in];
        let mut below_dot = vec![0.0; n * layer.n_in];
        for r in 0..n {
            let d = &delta[r * layer.n_out..(r + 1) * layer.n_out];
            let dd = &delta_dot[r * layer.n_out..(r + 1) * layer.n_out];
            for i in 0..layer.n_in {
                if input[r * layer.n_in + i] <= 0.0 {
                    continue;
                }
                let w_row = &w[i * layer.n_out..(i + 1) * layer.n_out];
                let mut sum = 0.0;
                let mut sum_dot = 0.0;
                for k in 0..layer.n_out {
                    sum += d[k] * w_row[k];
                    sum_dot += dd[k] * w_row[k];
                    if !vw.is_empty() {
                        sum_dot += d[k] * vw[i * layer.n_out + k];
                    }
                }
                below[r * layer.n_in + i] = sum;
                below_dot[r * layer.n_in + i] = sum_dot;
            }
        }
        delta = below;
        delta_dot = below_dot;
    }
    hv
}

/// row += a · M for a row vector `a` and a row-major M with `cols` columns.
fn add_row_times(row: &mut [f64], a: &[f64], m: &[f64], cols: usize) {
    for (&ai, m_row) in a.iter().zip(m.chunks_exact(cols)) {
        for (o, &mv) in row.iter_mut().zip(m_row) {
            *o += ai * mv;
        }
    }
}
