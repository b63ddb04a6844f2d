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

/// αBᵀB for a row-major `rows × cols` matrix B, by a blocked matrix product.
pub fn gram(b: &[f64], rows: usize, cols: usize, alpha: f64) -> DMatrix<f64> {
    let mut out = DMatrix::<f64>::zeros(cols, cols);
    // Bᵀ is B's buffer read with unit row stride; the result is symmetric, so
    // its storage order does not matter.
    // SAFETY: the pointers cover `rows × cols` and `cols × cols` elements with
    // the strides given, and `out` does not alias `b`.
    unsafe {
        matrixmultiply::dgemm(
            cols,
            rows,
            cols,
            alpha,
            b.as_ptr(),
            1,
            cols as isize,
            b.as_ptr(),
            cols as isize,
            1,
            0.0,
            out.as_mut_slice().as_mut_ptr(),
            1,
            cols as isize,
        );
    }
    out
}
