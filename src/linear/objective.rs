//! The training objective and its gradient, computed in parallel yet
//! bit-for-bit reproducible.
//!
//! Parameter layout (length `n_features · K + K` with an intercept, else
//! `n_features · K`): feature-major weights `w[f·K + k]`, the same layout as
//! [`LinearModel::weights`](super::LinearModel), then the `K` intercepts.
//!
//! One evaluation is two passes:
//!
//! 1. **Rows.** Rows are cut into fixed chunks of [`ROW_CHUNK`] rows (a
//!    constant, not a function of the thread count). Each chunk computes its
//!    rows' scores, adds up its own loss in row order, and stores each row's
//!    weighted loss derivative with respect to the scores, `dL_i/ds_i` (K
//!    numbers per row). The chunk losses are then added in chunk order.
//! 2. **Features.** The weight gradient is `Xᵀ · D` plus the L2 term. It is
//!    computed column by column from a transposed (CSC) copy of `X` made once
//!    at construction: each feature's K gradient entries are summed over its
//!    rows in increasing row order by exactly one task. Feature chunks of
//!    [`FEATURE_CHUNK`] run in parallel and the regulariser partial sums are
//!    added in chunk order.
//!
//! Every sum therefore has an order fixed by the data, so the result does not
//! depend on `RAYON_NUM_THREADS`. Compared to per-chunk dense gradient
//! buffers summed at the end, the transposed pass needs no `chunks × n_features
//! × K` scratch memory and no dense reduction, at the cost of one copy of `X`.
//! Everything accumulates in `f64`.

use rayon::prelude::*;

use super::Loss;
use crate::sparse::CsrMatrix;

/// Rows per parallel task in the row pass. Fixed so sums are reproducible.
pub(crate) const ROW_CHUNK: usize = 1024;
/// Features per parallel task in the gradient pass.
const FEATURE_CHUNK: usize = 4096;

/// Column-major copy of the training matrix: for each feature, the rows it
/// occurs in (increasing) and its values there.
struct Columns {
    ptr: Vec<usize>,
    rows: Vec<u32>,
    vals: Vec<f32>,
}

impl Columns {
    fn transpose(x: &CsrMatrix) -> Self {
        let nf = x.n_cols();
        let mut ptr = vec![0usize; nf + 1];
        for i in 0..x.n_rows() {
            for &f in x.row(i).0 {
                ptr[f as usize + 1] += 1;
            }
        }
        for f in 0..nf {
            ptr[f + 1] += ptr[f];
        }
        let mut next = ptr[..nf].to_vec();
        let mut rows = vec![0u32; ptr[nf]];
        let mut vals = vec![0f32; ptr[nf]];
        for i in 0..x.n_rows() {
            let (idx, val) = x.row(i);
            for (&f, &v) in idx.iter().zip(val) {
                let p = &mut next[f as usize];
                rows[*p] = i as u32;
                vals[*p] = v;
                *p += 1;
            }
        }
        Columns { ptr, rows, vals }
    }
}

/// `Σ_i s_i · c_{y_i} · loss_i(W, b) + ‖W‖² / (2C)` over a fixed training
/// set, with class weights `c` and optional per-row sample weights `s`
/// (1 when absent; see [`Objective::with_sample_weights`]).
///
/// Holds the scratch buffers so repeated evaluations allocate nothing but a
/// few chunk partial sums.
pub struct Objective<'a> {
    x: &'a CsrMatrix,
    cols: Columns,
    y: &'a [usize],
    class_weight: Vec<f64>,
    /// One weight per row, or `None` for all ones.
    sample_weight: Option<&'a [f32]>,
    n_classes: usize,
    loss: Loss,
    inv_c: f64,
    fit_intercept: bool,
    /// Per-row weighted `dL_i/ds_ik`, `n_rows × K`.
    dscore: Vec<f64>,
}

impl<'a> Objective<'a> {
    /// `x` must have in-range indices and finite values, `y[i] < n_classes`,
    /// `class_weight.len() == n_classes` and `c > 0` (`fit` checks all this).
    pub fn new(
        x: &'a CsrMatrix,
        y: &'a [usize],
        n_classes: usize,
        class_weight: Vec<f64>,
        loss: Loss,
        c: f64,
        fit_intercept: bool,
    ) -> Self {
        assert_eq!(y.len(), x.n_rows(), "one label per row");
        assert_eq!(class_weight.len(), n_classes, "one weight per class");
        assert!(n_classes >= 1 && c > 0.0);
        Objective {
            x,
            cols: Columns::transpose(x),
            y,
            class_weight,
            sample_weight: None,
            n_classes,
            loss,
            inv_c: 1.0 / c,
            fit_intercept,
            dscore: vec![0.0; x.n_rows() * n_classes],
        }
    }

    /// Weighs row `i`'s loss by `weights[i]` on top of its class weight.
    ///
    /// Why a separate builder rather than folding the product into one
    /// per-row vector: without sample weights the row weight stays exactly
    /// `c_{y_i}` (no multiplication at all), so training without them is
    /// bit-for-bit what it was before they existed. With them it is
    /// `c_{y_i} · s_i` computed in `f64`; a weight of 1 is exact, so all-ones
    /// sample weights also give the same bytes. Rows of weight 0 contribute
    /// nothing and are not even scored.
    ///
    /// # Panics
    /// If `weights.len()` differs from the row count. Values must be finite
    /// and `>= 0` (`fit_weighted` checks this).
    pub fn with_sample_weights(mut self, weights: &'a [f32]) -> Self {
        assert_eq!(weights.len(), self.x.n_rows(), "one sample weight per row");
        self.sample_weight = Some(weights);
        self
    }

    /// Length of the parameter vector.
    pub fn n_params(&self) -> usize {
        (self.x.n_cols() + usize::from(self.fit_intercept)) * self.n_classes
    }

    /// Returns the objective at `w` and writes its gradient into `grad`.
    pub fn value_and_gradient(&mut self, w: &[f64], grad: &mut [f64]) -> f64 {
        let k = self.n_classes;
        let nw = self.x.n_cols() * k;
        assert_eq!(w.len(), self.n_params());
        assert_eq!(grad.len(), self.n_params());
        let (wmat, bias) = w.split_at(nw);
        let (x, y, loss, cw, sw, intercept) = (
            self.x,
            self.y,
            self.loss,
            &self.class_weight,
            self.sample_weight,
            self.fit_intercept,
        );

        // Pass 1: scores → per-row loss and dL/ds, in fixed row chunks.
        let bias = if intercept { Some(bias) } else { None };
        let chunk_losses: Vec<f64> = self
            .dscore
            .par_chunks_mut(ROW_CHUNK * k)
            .enumerate()
            .map(|(c, d)| {
                let rows = RowPass {
                    x,
                    y,
                    cw,
                    sw,
                    loss,
                    wmat,
                    bias,
                    first: c * ROW_CHUNK,
                };
                with_classes!(k, rows.run(d))
            })
            .collect();
        let mut value: f64 = chunk_losses.iter().sum();

        // Pass 2: weight gradient Xᵀ·D + W/C, feature by feature.
        let (gw, gb) = grad.split_at_mut(nw);
        let (cols, d, inv_c) = (&self.cols, &self.dscore, self.inv_c);
        let chunk_reg: Vec<f64> = gw
            .par_chunks_mut(FEATURE_CHUNK * k)
            .enumerate()
            .map(|(c, g)| {
                let features = FeaturePass {
                    cols,
                    d,
                    wmat,
                    inv_c,
                    first: c * FEATURE_CHUNK,
                };
                with_classes!(k, features.run(g))
            })
            .collect();
        value += 0.5 * inv_c * chunk_reg.iter().sum::<f64>();

        // Intercepts: column sums of D, in row order.
        if intercept {
            gb.fill(0.0);
            for drow in d.chunks_exact(k) {
                for (g, &dk) in gb.iter_mut().zip(drow) {
                    *g += dk;
                }
            }
        }
        value
    }
}

/// Calls `$pass.run($k, $buf)` with `$k` a literal for the common class
/// counts, so the inlined per-class loops are unrolled.
macro_rules! with_classes {
    ($k:expr, $pass:ident.run($buf:expr)) => {
        match $k {
            2 => $pass.run(2, $buf),
            3 => $pass.run(3, $buf),
            4 => $pass.run(4, $buf),
            k => $pass.run(k, $buf),
        }
    };
}
use with_classes;

/// Class counts up to this take the register-accumulator path of
/// [`gather_add`].
const ACC: usize = 4;
/// Independent partial sums per class in [`gather_add`].
const CHAINS: usize = 4;

/// The row pass over one chunk of rows starting at row `first`.
struct RowPass<'a> {
    x: &'a CsrMatrix,
    y: &'a [usize],
    cw: &'a [f64],
    sw: Option<&'a [f32]>,
    loss: Loss,
    wmat: &'a [f64],
    bias: Option<&'a [f64]>,
    first: usize,
}

impl RowPass<'_> {
    /// Fills `d` (`rows × k`) with each row's weighted dL/ds and returns the
    /// chunk's weighted loss, summed in row order.
    #[inline(always)]
    fn run(&self, k: usize, d: &mut [f64]) -> f64 {
        let mut total = 0.0;
        for (r, drow) in d.chunks_exact_mut(k).enumerate() {
            let i = self.first + r;
            let label = self.y[i];
            let weight = match self.sw {
                None => self.cw[label],
                Some(sw) => self.cw[label] * f64::from(sw[i]),
            };
            if weight == 0.0 {
                // A row that does not count: no loss, no gradient. Skipping
                // it also keeps `0 · ∞` out should its scores overflow.
                drow.fill(0.0);
                continue;
            }
            match self.bias {
                Some(b) => drow.copy_from_slice(&b[..k]),
                None => drow.fill(0.0),
            }
            let (idx, val) = self.x.row(i);
            gather_add(k, drow, idx, val, self.wmat);
            total += row_loss(self.loss, drow, label, weight);
        }
        total
    }
}

/// The gradient pass over one chunk of features starting at `first`.
struct FeaturePass<'a> {
    cols: &'a Columns,
    d: &'a [f64],
    wmat: &'a [f64],
    inv_c: f64,
    first: usize,
}

impl FeaturePass<'_> {
    /// Writes `W/C + Xᵀ·D` for the chunk's features into `g` and returns
    /// their `Σ w²`.
    #[inline(always)]
    fn run(&self, k: usize, g: &mut [f64]) -> f64 {
        let mut reg = 0.0;
        for (j, gf) in g.chunks_exact_mut(k).enumerate() {
            let f = self.first + j;
            let wf = &self.wmat[f * k..][..k];
            for (gk, &wk) in gf.iter_mut().zip(wf) {
                *gk = self.inv_c * wk;
                reg += wk * wk;
            }
            let range = self.cols.ptr[f]..self.cols.ptr[f + 1];
            let (rows, vals) = (&self.cols.rows[range.clone()], &self.cols.vals[range]);
            gather_add(k, gf, rows, vals, self.d);
        }
        reg
    }
}

/// `out[..k] += Σ_j vals[j] · table[idx[j]·k ..][..k]`: the one kernel of
/// both passes (row scores from weights, feature gradients from dL/ds).
///
/// For `k <= ACC` and runs of at least `2·CHAINS` entries, the sums run in
/// `CHAINS` register-resident partial sums (entry `j` goes to chain
/// `j mod CHAINS`), added to `out` at the end: a single running sum would
/// wait on the previous addition at every non-zero. The order is fixed by
/// the data, so results stay reproducible.
#[inline(always)]
fn gather_add(k: usize, out: &mut [f64], idx: &[u32], vals: &[f32], table: &[f64]) {
    if k > ACC || idx.len() < 2 * CHAINS {
        // Many classes, or a short run (most columns of Zipfian text
        // features): a plain loop has the least overhead.
        for (&j, &v) in idx.iter().zip(vals) {
            let t = &table[j as usize * k..][..k];
            let v = f64::from(v);
            for (o, &tk) in out.iter_mut().zip(t) {
                *o += v * tk;
            }
        }
        return;
    }
    let mut acc = [[0.0; ACC]; CHAINS];
    let n = idx.len().min(vals.len());
    let (idx, vals) = (&idx[..n], &vals[..n]);
    let (gi, gv) = (idx.chunks_exact(CHAINS), vals.chunks_exact(CHAINS));
    let (ri, rv) = (gi.remainder(), gv.remainder());
    for (j, v) in gi.zip(gv) {
        for g in 0..CHAINS {
            let t = &table[j[g] as usize * k..][..k];
            let v = f64::from(v[g]);
            for c in 0..k {
                acc[g][c] += v * t[c];
            }
        }
    }
    for (g, (&j, &v)) in ri.iter().zip(rv).enumerate() {
        let t = &table[j as usize * k..][..k];
        for c in 0..k {
            acc[g][c] += f64::from(v) * t[c];
        }
    }
    for c in 0..k {
        let mut sum = 0.0;
        for chain in &acc {
            sum += chain[c];
        }
        out[c] += sum;
    }
}

/// Turns the scores in `s` into `weight · dloss/ds` and returns
/// `weight · loss` for one row with true class `y`.
fn row_loss(loss: Loss, s: &mut [f64], y: usize, weight: f64) -> f64 {
    match loss {
        Loss::Logistic => {
            // Stable log-sum-exp: shift by the max so exp never overflows.
            let max = s.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
            let true_score = s[y];
            let mut sum = 0.0;
            for v in s.iter_mut() {
                *v = (*v - max).exp();
                sum += *v;
            }
            for (k, v) in s.iter_mut().enumerate() {
                let p = *v / sum;
                *v = weight * (p - if k == y { 1.0 } else { 0.0 });
            }
            weight * (max - true_score + sum.ln())
        }
        Loss::SquaredHinge => {
            let mut total = 0.0;
            for (k, v) in s.iter_mut().enumerate() {
                let t = if k == y { 1.0 } else { -1.0 };
                let margin = 1.0 - t * *v;
                if margin > 0.0 {
                    total += margin * margin;
                    *v = -2.0 * weight * t * margin;
                } else {
                    *v = 0.0;
                }
            }
            weight * total
        }
    }
}
