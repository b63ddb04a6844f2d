//! An optimizer's current preconditioner P, for looking at it: methods that
//! step θ ← θ − α P ∇L (K-FAC, Shampoo, natural gradient) hand out a factor
//! R with P = R Rᵀ. The symmetric RᵀCR then has the eigenvalues of PC for
//! any symmetric curvature C, so Lanczos on it shows the preconditioned
//! curvature, and the step is stable on a quadratic while α λ_max(PH) < 2.

use nalgebra::{DMatrix, DVector, SymmetricEigen};

/// One layer's Kronecker-factored block: on its W̄ (`left.nrows()` rows ×
/// `right.nrows()` columns, row by row from `offset` in θ), R V = left · V · right.
#[derive(Clone, Debug, PartialEq)]
pub struct KroneckerRoot {
    /// Where the layer's block starts in θ.
    pub offset: usize,
    /// The symmetric factor over the layer's inputs (with the bias).
    pub left: DMatrix<f64>,
    /// The symmetric factor over the layer's outputs.
    pub right: DMatrix<f64>,
}

/// A factor R of the preconditioner, P = R Rᵀ.
#[derive(Clone, Debug, PartialEq)]
pub enum PreconditionerFactor {
    /// Block-diagonal over the layers, each block a Kronecker product of two
    /// symmetric factors (so R = Rᵀ); parameters in no block are left alone.
    Kronecker(Vec<KroneckerRoot>),
    /// P = (L Lᵀ)⁻¹ from the lower-triangular Cholesky factor L of the
    /// matrix it inverts, so R = L⁻ᵀ.
    InverseCholesky(DMatrix<f64>),
}

impl PreconditionerFactor {
    /// R v.
    pub fn times(&self, v: &[f64]) -> Vec<f64> {
        match self {
            Self::Kronecker(blocks) => kronecker_times(blocks, v),
            Self::InverseCholesky(l) => l
                .tr_solve_lower_triangular(&DVector::from_column_slice(v))
                .map_or_else(|| vec![f64::NAN; v.len()], |x| x.as_slice().to_vec()),
        }
    }

    /// Rᵀ v.
    pub fn transpose_times(&self, v: &[f64]) -> Vec<f64> {
        match self {
            Self::Kronecker(blocks) => kronecker_times(blocks, v),
            Self::InverseCholesky(l) => l
                .solve_lower_triangular(&DVector::from_column_slice(v))
                .map_or_else(|| vec![f64::NAN; v.len()], |x| x.as_slice().to_vec()),
        }
    }

    /// P v = R Rᵀ v.
    pub fn precondition(&self, v: &[f64]) -> Vec<f64> {
        self.times(&self.transpose_times(v))
    }
}

fn kronecker_times(blocks: &[KroneckerRoot], v: &[f64]) -> Vec<f64> {
    let mut out = v.to_vec();
    for block in blocks {
        let (rows, cols) = (block.left.nrows(), block.right.nrows());
        let range = block.offset..block.offset + rows * cols;
        let w = DMatrix::from_row_slice(rows, cols, &v[range.clone()]);
        let product = &block.left * w * &block.right;
        for (slot, r) in out[range].chunks_mut(cols).zip(0..rows) {
            for (c, value) in slot.iter_mut().enumerate() {
                *value = product[(r, c)];
            }
        }
    }
    out
}

/// (M + shift·I)^power for a symmetric M, through its eigendecomposition
/// (eigenvalues below 10⁻³⁰⁰ after the shift are taken as 10⁻³⁰⁰).
pub fn symmetric_power(m: &DMatrix<f64>, shift: f64, power: f64) -> DMatrix<f64> {
    let eigen = SymmetricEigen::new(m.clone());
    let values = eigen
        .eigenvalues
        .map(|v| libm::pow((v + shift).max(1e-300), power));
    &eigen.eigenvectors * DMatrix::from_diagonal(&values) * eigen.eigenvectors.transpose()
}
