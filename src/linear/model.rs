//! The trained linear model and its scoring: the hot path when scoring
//! corpora, so it allocates nothing and touches only the weights of the
//! row's non-zero features.

use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::{Loss, Predict};
use crate::Error;

/// A trained multinomial linear model: `score_k = bias_k + Σ_f x_f · W[f, k]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinearModel {
    pub n_classes: usize,
    pub n_features: usize,
    /// Feature-major `n_features × n_classes`: `weights[f * n_classes + k]`.
    /// One feature's class weights are contiguous, so scoring a sparse row
    /// reads one short run of memory per non-zero.
    pub weights: Vec<f32>,
    /// One intercept per class (zeros when trained without intercept).
    pub bias: Vec<f32>,
    /// The loss it was trained with; decides what `predict_proba` means.
    pub loss: Loss,
    /// L-BFGS iterations the training run took.
    pub iterations: usize,
    /// Whether a convergence test stopped training (rather than `max_iter`
    /// or the line search).
    pub converged: bool,
}

impl LinearModel {
    /// Builds the model from the optimiser's parameter vector (layout in
    /// [`super::objective`]), rounding to `f32`.
    pub(super) fn from_solution(
        w: &[f64],
        n_features: usize,
        n_classes: usize,
        fit_intercept: bool,
        loss: Loss,
        iterations: usize,
        converged: bool,
    ) -> Self {
        let nw = n_features * n_classes;
        let weights = w[..nw].iter().map(|&v| v as f32).collect();
        let bias = if fit_intercept {
            w[nw..nw + n_classes].iter().map(|&v| v as f32).collect()
        } else {
            vec![0.0; n_classes]
        };
        LinearModel {
            n_classes,
            n_features,
            weights,
            bias,
            loss,
            iterations,
            converged,
        }
    }

    /// Checks that the shapes agree and every number is finite — for models
    /// read from files, before they are used for scoring.
    pub fn validate(&self) -> Result<(), Error> {
        if self.n_classes < 2 {
            return Err(Error::Model(format!(
                "model has {} classes, need at least 2",
                self.n_classes
            )));
        }
        if Some(self.weights.len()) != self.n_features.checked_mul(self.n_classes) {
            return Err(Error::Model(format!(
                "model has {} weights for {} features × {} classes",
                self.weights.len(),
                self.n_features,
                self.n_classes
            )));
        }
        if self.bias.len() != self.n_classes {
            return Err(Error::Model(format!(
                "model has {} intercepts for {} classes",
                self.bias.len(),
                self.n_classes
            )));
        }
        if !self.weights.iter().chain(&self.bias).all(|v| v.is_finite()) {
            return Err(Error::Model("model has non-finite weights".into()));
        }
        Ok(())
    }

    /// [`Predict::predict_proba`] computed with [`LinearModel::accumulate`]:
    /// the same probabilities, bit for bit, faster for three classes.
    ///
    /// # Panics
    /// If `out.len() != self.n_classes`.
    pub fn predict_proba_fast(&self, row: (&[u32], &[f32]), out: &mut [f32]) {
        assert_eq!(
            out.len(),
            self.n_classes,
            "decision buffer must have one slot per class"
        );
        out.copy_from_slice(&self.bias);
        self.accumulate(row.0, row.1, out);
        softmax(out);
    }

    /// Adds the decision terms of `(idx, val)` to `out`, in order: called
    /// on consecutive runs of a row after `out` is set to the bias, it
    /// does what [`Predict::decision`] does on the whole row, in the same
    /// order, so the scores are bit-for-bit the same.
    ///
    /// # Panics
    /// If `out.len() != self.n_classes`.
    #[inline]
    pub fn accumulate(&self, idx: &[u32], val: &[f32], out: &mut [f32]) {
        let k = self.n_classes;
        assert_eq!(out.len(), k, "decision buffer must have one slot per class");
        if let Ok(o) = <&mut [f32; 3]>::try_from(&mut *out) {
            // Three classes (every stance and sentiment head): the sums in
            // registers, each class still summed in row order.
            let [mut o0, mut o1, mut o2] = *o;
            for (&f, &v) in idx.iter().zip(val) {
                let f = f as usize;
                if f >= self.n_features {
                    continue;
                }
                let wf = &self.weights[f * 3..][..3];
                o0 += v * wf[0];
                o1 += v * wf[1];
                o2 += v * wf[2];
            }
            *o = [o0, o1, o2];
            return;
        }
        for (&f, &v) in idx.iter().zip(val) {
            let f = f as usize;
            if f >= self.n_features {
                continue;
            }
            let wf = &self.weights[f * k..][..k];
            for (o, &w) in out.iter_mut().zip(wf) {
                *o += v * w;
            }
        }
    }

    /// The class weights of feature `f`.
    pub fn feature_weights(&self, f: usize) -> &[f32] {
        &self.weights[f * self.n_classes..][..self.n_classes]
    }

    /// The weights as an `n_features × n_classes` matrix, without copying
    /// (named as `linfa-logistic`'s `params()`).
    ///
    /// Why the field stays a `Vec` and not an `Array2`: the layout is the
    /// same row-major block either way, so scoring would not gain, while an
    /// `Array2` field would change the model file bytes (ndarray's serde
    /// form adds a version and the shape, duplicating `n_features` and
    /// `n_classes`) and every stored model would need re-encoding. The view
    /// gives ndarray users the matrix for free.
    ///
    /// # Panics
    /// If the shape fields disagree with the weight count (a model that
    /// fails [`LinearModel::validate`]).
    pub fn params(&self) -> ArrayView2<'_, f32> {
        ArrayView2::from_shape((self.n_features, self.n_classes), &self.weights)
            .expect("weights must hold n_features × n_classes values")
    }

    /// The intercepts as an array view, one per class.
    pub fn intercept(&self) -> ArrayView1<'_, f32> {
        ArrayView1::from(&self.bias[..])
    }
}

impl Predict for LinearModel {
    /// # Panics
    /// If `out.len() != self.n_classes`.
    fn decision(&self, row: (&[u32], &[f32]), out: &mut [f32]) {
        let k = self.n_classes;
        assert_eq!(out.len(), k, "decision buffer must have one slot per class");
        out.copy_from_slice(&self.bias);
        let (idx, val) = row;
        for (&f, &v) in idx.iter().zip(val) {
            let f = f as usize;
            if f >= self.n_features {
                continue; // unknown feature (e.g. newer vocabulary)
            }
            let wf = &self.weights[f * k..][..k];
            for (o, &w) in out.iter_mut().zip(wf) {
                *o += v * w;
            }
        }
    }

    /// For [`Loss::SquaredHinge`] this is the softmax of SVM margins: it sums
    /// to 1 and ranks classes like the scores, but is not a calibrated
    /// probability.
    fn predict_proba(&self, row: (&[u32], &[f32]), out: &mut [f32]) {
        self.decision(row, out);
        softmax(out);
    }

    fn predict(&self, row: (&[u32], &[f32])) -> usize {
        let mut stack = [0f32; 16];
        let mut heap = Vec::new();
        let out = if self.n_classes <= stack.len() {
            &mut stack[..self.n_classes]
        } else {
            heap.resize(self.n_classes, 0.0);
            &mut heap[..]
        };
        self.decision(row, out);
        argmax(out)
    }
}

/// Index of the largest value, the first one on ties; NaN never wins.
fn argmax(v: &[f32]) -> usize {
    let mut best = 0;
    for (k, &x) in v.iter().enumerate() {
        if x > v[best] || v[best].is_nan() {
            best = k;
        }
    }
    best
}

/// Numerically stable softmax in place (shifted by the maximum, summed in
/// `f64`). Always returns finite values summing to 1, even for scores that
/// overflowed: `+inf` scores share the mass, NaN scores get none, and if no
/// score is usable the distribution is uniform.
pub fn softmax(v: &mut [f32]) {
    if v.is_empty() {
        return;
    }
    let max = v
        .iter()
        .filter(|x| !x.is_nan())
        .fold(f32::NEG_INFINITY, |a, &b| a.max(b));
    if max.is_infinite() {
        // Either some scores overflowed or none is finite: split evenly.
        let hit = |x: f32| if max == f32::INFINITY { x == max } else { true };
        let count = v.iter().filter(|&&x| hit(x)).count() as f32;
        for x in v.iter_mut() {
            *x = if hit(*x) { 1.0 / count } else { 0.0 };
        }
        return;
    }
    let max = f64::from(max);
    let mut sum = 0.0f64;
    for x in v.iter_mut() {
        let e = if x.is_nan() {
            0.0
        } else {
            (f64::from(*x) - max).exp()
        };
        *x = e as f32;
        sum += e;
    }
    // sum >= 1 because the maximum contributes exp(0).
    for x in v.iter_mut() {
        *x = (f64::from(*x) / sum) as f32;
    }
}
