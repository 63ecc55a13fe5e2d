//! Compressed sparse rows: the one matrix type features hand to models. Text
//! features are >99.9% zeros, which is why the dense `ndarray` estimators of
//! linfa are not used for training (see `models/README.md`); the matrix is a
//! linfa `Records` type all the same (`linear/estimator.rs`).

use serde::{Deserialize, Serialize};

/// A sparse row: feature indices (strictly increasing) and their values.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SparseRow {
    pub indices: Vec<u32>,
    pub values: Vec<f32>,
}

impl SparseRow {
    pub fn nnz(&self) -> usize {
        self.indices.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = (usize, f32)> + '_ {
        self.indices
            .iter()
            .zip(&self.values)
            .map(|(&i, &v)| (i as usize, v))
    }
}

/// Rows stored back to back (CSR). Built once per training run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CsrMatrix {
    indptr: Vec<usize>,
    indices: Vec<u32>,
    values: Vec<f32>,
    n_cols: usize,
}

impl CsrMatrix {
    pub fn new(n_cols: usize) -> Self {
        CsrMatrix {
            indptr: vec![0],
            indices: Vec::new(),
            values: Vec::new(),
            n_cols,
        }
    }

    /// Appends a row. Indices must be increasing and below `n_cols`.
    pub fn push(&mut self, row: &SparseRow) {
        debug_assert!(row.indices.windows(2).all(|w| w[0] < w[1]));
        debug_assert!(row.indices.iter().all(|&i| (i as usize) < self.n_cols));
        self.indices.extend_from_slice(&row.indices);
        self.values.extend_from_slice(&row.values);
        self.indptr.push(self.indices.len());
    }

    pub fn from_rows<'a>(n_cols: usize, rows: impl IntoIterator<Item = &'a SparseRow>) -> Self {
        let mut m = CsrMatrix::new(n_cols);
        for r in rows {
            m.push(r);
        }
        m
    }

    pub fn n_rows(&self) -> usize {
        self.indptr.len() - 1
    }

    pub fn n_cols(&self) -> usize {
        self.n_cols
    }

    pub fn nnz(&self) -> usize {
        self.indices.len()
    }

    /// Row `i` as (indices, values).
    pub fn row(&self, i: usize) -> (&[u32], &[f32]) {
        let (a, b) = (self.indptr[i], self.indptr[i + 1]);
        (&self.indices[a..b], &self.values[a..b])
    }

    /// A new matrix of the chosen rows, in the given order.
    pub fn select(&self, rows: &[usize]) -> CsrMatrix {
        let mut m = CsrMatrix::new(self.n_cols);
        for &r in rows {
            let (i, v) = self.row(r);
            m.indices.extend_from_slice(i);
            m.values.extend_from_slice(v);
            m.indptr.push(m.indices.len());
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_select_row() {
        let a = SparseRow {
            indices: vec![0, 3],
            values: vec![1.0, 2.0],
        };
        let b = SparseRow {
            indices: vec![1],
            values: vec![5.0],
        };
        let m = CsrMatrix::from_rows(4, [&a, &b]);
        assert_eq!((m.n_rows(), m.nnz()), (2, 3));
        assert_eq!(m.row(1), (&[1u32][..], &[5.0f32][..]));
        let s = m.select(&[1, 0, 1]);
        assert_eq!(s.n_rows(), 3);
        assert_eq!(s.row(1), (&[0u32, 3][..], &[1.0f32, 2.0][..]));
    }
}
