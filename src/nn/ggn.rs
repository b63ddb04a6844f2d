//! The generalised Gauss–Newton matrix of the classifier,
//! G = (1/N) Σᵢ Jᵢᵀ Hᵢ Jᵢ, where Jᵢ = ∂logitsᵢ/∂θ (5 × p) and
//! Hᵢ = diag(pᵢ) − pᵢpᵢᵀ is the Hessian of the cross-entropy in the logits.
//! For softmax cross-entropy it equals the Fisher information matrix.

use nalgebra::DMatrix;

use super::mlp::{log_softmax_parts, Mlp, Workspace};
use crate::data::{Dataset, CLASSES};

pub use crate::problem::Curvature;

/// Computes G densely. Hᵢ = MᵢMᵢᵀ with Mᵢ = diag(√pᵢ) − pᵢ√pᵢᵀ (as Σₖ pᵢₖ = 1),
/// so G = BᵀB/N with B stacking the rows Mᵢᵀ Jᵢ of every sample; with
/// `empirical`, Hᵢ is replaced by gᵢgᵢᵀ with gᵢ = pᵢ − yᵢ (the empirical Fisher).
pub fn dense(
    mlp: &Mlp,
    theta: &[f64],
    data: &Dataset,
    empirical: bool,
    ws: &mut Workspace,
) -> Curvature {
    let p = mlp.param_count();
    let n = data.len();
    let rows_per_sample = if empirical { 1 } else { CLASSES };
    // B is filled row by row (row-major), then handed to nalgebra.
    let mut b = vec![0.0; rows_per_sample * n * p];
    let mut gradient = vec![0.0; p];
    let mut jacobian = vec![0.0; CLASSES * p];
    let mut loss = 0.0;
    for (i, (&x, &label)) in data.x.iter().zip(&data.labels).enumerate() {
        let probs = mlp.logit_jacobian(theta, x, ws, &mut jacobian);
        let logits: Vec<f64> = mlp.logits(ws).to_vec();
        loss += log_softmax_parts(&logits).0 - logits[label];
        let residual: Vec<f64> = (0..CLASSES)
            .map(|k| probs[k] - f64::from(u8::from(k == label)))
            .collect();
        for (c, row) in jacobian.chunks_exact(p).enumerate() {
            for (g, j) in gradient.iter_mut().zip(row) {
                *g += residual[c] * j / n as f64;
            }
        }
        if empirical {
            // One row: gᵢᵀ Jᵢ.
            let out = &mut b[i * p..(i + 1) * p];
            for (c, row) in jacobian.chunks_exact(p).enumerate() {
                for (o, j) in out.iter_mut().zip(row) {
                    *o += residual[c] * j;
                }
            }
        } else {
            // Row k of Mᵀ J: Σ_c M[c][k] J[c] with M[c][k] = δ_ck √p_k − p_c √p_k.
            let rows = &mut b[i * CLASSES * p..(i + 1) * CLASSES * p];
            for (k, out) in rows.chunks_exact_mut(p).enumerate() {
                let sqrt_pk = probs[k].sqrt();
                for (c, row) in jacobian.chunks_exact(p).enumerate() {
                    let m = (f64::from(u8::from(c == k)) - probs[c]) * sqrt_pk;
                    if m != 0.0 {
                        for (o, j) in out.iter_mut().zip(row) {
                            *o += m * j;
                        }
                    }
                }
            }
        }
    }
    let ggn = gram(&b, rows_per_sample * n, p, 1.0 / n as f64);
    Curvature {
        loss: loss / n as f64,
        gradient,
        ggn,
    }
}

/// Buffers [`by_layers`] reuses between calls (megabytes at width 32:
/// allocating them afresh each step costs more than filling them).
#[derive(Clone, Debug, Default)]
pub struct Scratch {
    b: Vec<f64>,
    hj: Vec<f64>,
    h_tilde: Vec<f64>,
    hessians: Vec<[[f64; CLASSES]; CLASSES]>,
    jacobian: Vec<f64>,
    weighted: Vec<f64>,
}

/// Sets `buffer` to `len` zeros, keeping its allocation.
fn refill(buffer: &mut Vec<f64>, len: usize) {
    buffer.clear();
    buffer.resize(len, 0.0);
}

/// G as `dense` computes it (without `empirical`), from the output layer's
/// structure in about a quarter of the arithmetic. That layer's Jacobian is
/// h̃ ⊗ eₒ (its input with a 1 for the bias, times the logit scale), so with
/// J₁ the Jacobian in the hidden layers' parameters (the first `hidden`):
///   G₁₁ = (1/N) Σᵢ J₁ᵢᵀ Hᵢ J₁ᵢ, as BᵀB/N over the hidden columns only;
///   G₁₂[q, (j, o)] = (1/N) Σᵢ (Hᵢ J₁ᵢ)[o, q] h̃ᵢⱼ;
///   G₂₂[(j, o), (j′, o′)] = (1/N) Σᵢ h̃ᵢⱼ h̃ᵢⱼ′ Hᵢ[o, o′].
pub fn by_layers(
    mlp: &Mlp,
    theta: &[f64],
    data: &Dataset,
    ws: &mut Workspace,
    scratch: &mut Scratch,
) -> Curvature {
    let p = mlp.param_count();
    let n = data.len();
    let output_index = mlp.layers.len() - 1;
    let output = mlp.layers[output_index];
    let hidden = output.w;
    let h_cols = output.n_in + 1;
    let Scratch {
        b,
        hj,
        h_tilde,
        hessians,
        jacobian,
        weighted,
    } = scratch;
    refill(b, CLASSES * n * hidden);
    // Row i of the o-th n × hidden block: (Hᵢ J₁ᵢ)[o, ·].
    refill(hj, CLASSES * n * hidden);
    refill(h_tilde, n * h_cols);
    refill(jacobian, CLASSES * p);
    hessians.resize(n, [[0.0; CLASSES]; CLASSES]);
    let mut gradient = vec![0.0; p];
    let mut loss = 0.0;
    for (i, (&x, &label)) in data.x.iter().zip(&data.labels).enumerate() {
        let probs = mlp.logit_jacobian(theta, x, ws, jacobian);
        let logits = mlp.logits(ws);
        loss += log_softmax_parts(logits).0 - logits[label];
        let row = &mut h_tilde[i * h_cols..(i + 1) * h_cols];
        for (t, h) in row.iter_mut().zip(mlp.layer_input(ws, output_index)) {
            *t = mlp.logit_scale * h;
        }
        row[output.n_in] = mlp.logit_scale;
        let hessian = &mut hessians[i];
        for (c, jacobian_row) in jacobian.chunks_exact(p).enumerate() {
            let residual = probs[c] - f64::from(u8::from(c == label));
            for (g, j) in gradient.iter_mut().zip(jacobian_row) {
                *g += residual * j / n as f64;
            }
            for (k, h) in hessian[c].iter_mut().enumerate() {
                *h = f64::from(u8::from(c == k)) * probs[c] - probs[c] * probs[k];
            }
        }
        for k in 0..CLASSES {
            let sqrt_pk = probs[k].sqrt();
            let b_row = &mut b[(i * CLASSES + k) * hidden..][..hidden];
            let hj_row = &mut hj[(k * n + i) * hidden..][..hidden];
            for (c, jacobian_row) in jacobian.chunks_exact(p).enumerate() {
                // Mᵢ[c][k] = δ_ck √p_k − p_c √p_k, with Hᵢ = MᵢMᵢᵀ.
                let m = (f64::from(u8::from(c == k)) - probs[c]) * sqrt_pk;
                let h = hessian[k][c];
                for ((bv, hv), j) in b_row.iter_mut().zip(hj_row.iter_mut()).zip(jacobian_row) {
                    *bv += m * j;
                    *hv += h * j;
                }
            }
        }
    }
    let scale = 1.0 / n as f64;
    let mut ggn = DMatrix::<f64>::zeros(p, p);
    ggn.view_mut((0, 0), (hidden, hidden))
        .copy_from(&gram(b, CLASSES * n, hidden, scale));
    if !mlp.frozen_output {
        let column = |j: usize, o: usize| hidden + j * CLASSES + o;
        for o in 0..CLASSES {
            let block = &hj[o * n * hidden..(o + 1) * n * hidden];
            let cross = transposed_product(block, h_tilde, n, hidden, h_cols, scale);
            for (q, cross_row) in cross.chunks_exact(h_cols).enumerate() {
                for (j, &v) in cross_row.iter().enumerate() {
                    ggn[(q, column(j, o))] = v;
                    ggn[(column(j, o), q)] = v;
                }
            }
            refill(weighted, n * h_cols);
            for o2 in o..CLASSES {
                for (row, (source, hessian)) in weighted
                    .chunks_exact_mut(h_cols)
                    .zip(h_tilde.chunks_exact(h_cols).zip(hessians.iter()))
                {
                    for (w, s) in row.iter_mut().zip(source) {
                        *w = hessian[o][o2] * s;
                    }
                }
                let block = transposed_product(h_tilde, weighted, n, h_cols, h_cols, scale);
                for (j, block_row) in block.chunks_exact(h_cols).enumerate() {
                    for (j2, &v) in block_row.iter().enumerate() {
                        ggn[(column(j, o), column(j2, o2))] = v;
                        ggn[(column(j2, o2), column(j, o))] = v;
                    }
                }
            }
        }
    }
    Curvature {
        loss: loss * scale,
        gradient,
        ggn,
    }
}

/// αBᵀB for a row-major `rows × cols` matrix B, by a blocked matrix product.
pub fn gram(b: &[f64], rows: usize, cols: usize, alpha: f64) -> DMatrix<f64> {
    // AᵀB written column-major is (BᵀA)ᵀ = AᵀB again: the result is symmetric.
    DMatrix::from_vec(
        cols,
        cols,
        transposed_product(b, b, rows, cols, cols, alpha),
    )
}

/// αAᵀB for row-major `rows × a_cols` A and `rows × b_cols` B, row-major
/// (`a_cols × b_cols`).
fn transposed_product(
    a: &[f64],
    b: &[f64],
    rows: usize,
    a_cols: usize,
    b_cols: usize,
    alpha: f64,
) -> Vec<f64> {
    assert!(a.len() >= rows * a_cols && b.len() >= rows * b_cols);
    let mut out = vec![0.0; a_cols * b_cols];
    // Aᵀ is A's buffer read with unit row stride.
    // SAFETY: the asserted lengths cover `rows × a_cols` and `rows × b_cols`
    // elements with the strides given; `out` covers `a_cols × b_cols` and
    // aliases neither.
    unsafe {
        matrixmultiply::dgemm(
            a_cols,
            rows,
            b_cols,
            alpha,
            a.as_ptr(),
            1,
            a_cols as isize,
            b.as_ptr(),
            b_cols as isize,
            1,
            0.0,
            out.as_mut_ptr(),
            b_cols as isize,
            1,
        );
    }
    out
}
