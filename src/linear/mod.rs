//! Multinomial linear classifiers on sparse rows: softmax logistic regression
//! and a one-vs-rest squared-hinge SVM (the loss of scikit-learn's
//! `LinearSVC`), both trained with L-BFGS, optionally with per-sample
//! weights ([`LinearParams::fit_weighted`]).
//!
//! A linfa estimator on sparse records (`estimator.rs`): [`CsrMatrix`] is a
//! linfa `Records` type, [`LinearParams`] a `ParamGuard` checked into
//! [`LinearValidParams`], which implements linfa's `Fit` on a
//! `DatasetBase<CsrMatrix, Array1<usize>>` (its `weights` are the sample
//! weights), and [`LinearModel`] implements `PredictInplace`; so
//! `params.fit(&dataset)?.predict(&x)` works as with any linfa model.
//!
//! Why not linfa's algorithm crates (`linfa-logistic`, `linfa-svm`): they
//! take dense `ndarray` matrices. TF-IDF rows are >99.9% zeros (~150
//! non-zeros out of ~100k columns), so densifying costs gigabytes and
//! minutes where the sparse computation takes a fraction of a second
//! (measured in `models/README.md`). The optimiser and objective here are
//! ours; linfa supplies the interface. The crate's own [`Fit`] (an explicit
//! class count, for classes absent from the data) and [`Predict`] (one
//! borrowed row, no allocation: the scoring path) stay beside linfa's.
//!
//! Training is deterministic: the same data and parameters give
//! byte-identical weights whatever the number of rayon threads, because every
//! floating-point sum is taken in an order fixed by the data (see
//! `objective.rs`). Model files and evaluation numbers are therefore
//! reproducible.
//!
//! Cost: each L-BFGS iteration is usually one objective evaluation (two
//! passes over the non-zeros) plus the direction update (passes over the
//! `2m` stored pairs). Memory is a transposed copy of `X` (8 bytes per
//! non-zero) and about 16 parameter-sized `f64` vectors' worth of optimiser
//! state (`n_features × n_classes` parameters).

#[cfg(test)]
mod benchmark;
mod estimator;
mod history;
mod lbfgs;
mod model;
mod objective;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod weight_tests;

pub use estimator::LinearValidParams;
pub use lbfgs::{LbfgsOptions, LbfgsReport, Stop, minimize, minimize_observed};
pub use model::{LinearModel, softmax};
pub use objective::Objective;

use serde::{Deserialize, Serialize};

use crate::Error;
use crate::sparse::CsrMatrix;

/// The per-example loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Loss {
    /// Multinomial (softmax) cross-entropy: `log Σ_k exp(s_k) − s_y`.
    /// `predict_proba` gives its fitted class probabilities.
    Logistic,
    /// One-vs-rest L2-SVM as in `LinearSVC`: for every class `k`,
    /// `max(0, 1 − t_k s_k)²` with `t_k = +1` for the true class and `−1`
    /// otherwise. Squared so it is differentiable and L-BFGS applies.
    SquaredHinge,
}

/// How training examples are weighted by their class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClassWeight {
    /// Every example weighs 1.
    None,
    /// scikit-learn's `"balanced"`: `n_samples / (n_present * count_c)`, where
    /// `n_present` counts the classes that occur in `y` (as sklearn, which
    /// only knows the classes it sees). A class with no examples gets 0.
    Balanced,
}

/// Training parameters. Validated by [`LinearParams::check`] before any
/// work, so a bad setting fails fast with [`Error::Param`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinearParams {
    pub loss: Loss,
    /// Inverse L2 strength, as scikit-learn's `C`: the objective is
    /// `Σ_i w_i · loss_i + ‖W‖² / (2C)`; the intercept is not regularised.
    pub c: f32,
    pub class_weight: ClassWeight,
    /// L-BFGS iterations (each one line search, usually one evaluation).
    pub max_iter: usize,
    /// Stop when `‖g‖ ≤ tol · ‖g₀‖` (gradient relative to its value at the
    /// start), or when the objective fell by no more than
    /// `tol · max(|f|, 1)` over the last 10 iterations.
    pub tol: f32,
    pub fit_intercept: bool,
}

impl Default for LinearParams {
    fn default() -> Self {
        LinearParams {
            loss: Loss::Logistic,
            c: 1.0,
            class_weight: ClassWeight::None,
            max_iter: 200,
            tol: 1e-4,
            fit_intercept: true,
        }
    }
}

impl LinearParams {
    /// Rejects settings no training run could use: `c` must be positive and
    /// finite, `max_iter` at least 1, `tol` finite and non-negative.
    ///
    /// Where linfa's `ParamGuard` is in scope, `params.check()` calls its
    /// by-value `check` instead (same test, returns [`LinearValidParams`]);
    /// write `LinearParams::check(&params)` for this one there.
    pub fn check(&self) -> Result<(), Error> {
        if !(self.c.is_finite() && self.c > 0.0) {
            return Err(Error::Param(format!(
                "C must be a positive finite number, got {}",
                self.c
            )));
        }
        if self.max_iter == 0 {
            return Err(Error::Param("max_iter must be at least 1".into()));
        }
        if !(self.tol.is_finite() && self.tol >= 0.0) {
            return Err(Error::Param(format!(
                "tol must be a finite number >= 0, got {}",
                self.tol
            )));
        }
        Ok(())
    }
}

/// Parameters that can be trained into a model, for sparse rows and integer
/// labels `0..n_classes` with the class count given (linfa's `Fit` takes it
/// from the labels instead).
pub trait Fit {
    type Model;
    fn fit(&self, x: &CsrMatrix, y: &[usize], n_classes: usize) -> Result<Self::Model, Error>;
}

/// Scoring of one sparse row `(indices, values)`. Feature indices the model
/// does not know (`>= n_features`) are ignored, so rows featurised with a
/// newer vocabulary still score.
pub trait Predict {
    /// Raw scores, one per class; `out.len()` must equal the class count.
    fn decision(&self, row: (&[u32], &[f32]), out: &mut [f32]);
    /// Softmax of the scores: probabilities for [`Loss::Logistic`];
    /// uncalibrated, order-preserving confidences for [`Loss::SquaredHinge`].
    fn predict_proba(&self, row: (&[u32], &[f32]), out: &mut [f32]);
    /// The class with the highest score (the lowest index on ties).
    fn predict(&self, row: (&[u32], &[f32])) -> usize;
}

impl LinearParams {
    /// Trains a model with an optional weight per training row: row `i`'s
    /// loss counts `sample_weight[i] · class_weight[y_i]` times, so weight 2
    /// is the same objective as the row taken twice and weight 0 the same as
    /// the row left out. Weights must be finite and `>= 0`, one per row, and
    /// not all zero.
    ///
    /// [`ClassWeight::Balanced`] keeps scikit-learn's semantics: its class
    /// weights come from the plain class counts of `y`, not from the sums of
    /// the sample weights (sklearn's `compute_class_weight("balanced")` is
    /// likewise given `y` alone and multiplied with `sample_weight` after).
    ///
    /// `None` trains exactly as before sample weights existed (byte-identical
    /// weights), and so do all-ones weights. The primitive the [`Fit`] trait
    /// and the linfa estimator are built on.
    pub fn fit_weighted(
        &self,
        x: &CsrMatrix,
        y: &[usize],
        n_classes: usize,
        sample_weight: Option<&[f32]>,
    ) -> Result<LinearModel, Error> {
        self.fit_observed(x, y, n_classes, sample_weight, &mut |_, _| {})
    }

    /// [`LinearParams::fit_weighted`], calling `observe(iteration,
    /// objective)` after every optimiser iteration (at most `max_iter`),
    /// for progress reports; the model is the same with or without it.
    pub fn fit_observed(
        &self,
        x: &CsrMatrix,
        y: &[usize],
        n_classes: usize,
        sample_weight: Option<&[f32]>,
        observe: &mut dyn FnMut(usize, f64),
    ) -> Result<LinearModel, Error> {
        self.check()?;
        validate_data(x, y, n_classes)?;
        if let Some(sw) = sample_weight {
            validate_sample_weights(sw, x.n_rows())?;
        }
        let weights = class_weights(self.class_weight, y, n_classes);
        let mut objective = Objective::new(
            x,
            y,
            n_classes,
            weights,
            self.loss,
            f64::from(self.c),
            self.fit_intercept,
        );
        if let Some(sw) = sample_weight {
            objective = objective.with_sample_weights(sw);
        }
        let options = LbfgsOptions {
            max_iter: self.max_iter,
            tol: f64::from(self.tol),
            ..LbfgsOptions::default()
        };
        let x0 = vec![0.0; objective.n_params()];
        let report = minimize_observed(
            |w, g| objective.value_and_gradient(w, g),
            x0,
            &options,
            observe,
        );
        if !report.f.is_finite() {
            return Err(Error::Param(
                "training objective is not finite; check feature values".into(),
            ));
        }
        Ok(LinearModel::from_solution(
            &report.x,
            x.n_cols(),
            n_classes,
            self.fit_intercept,
            self.loss,
            report.iterations,
            report.converged(),
        ))
    }
}

impl Fit for LinearParams {
    type Model = LinearModel;

    /// [`LinearParams::fit_weighted`] without sample weights.
    fn fit(&self, x: &CsrMatrix, y: &[usize], n_classes: usize) -> Result<LinearModel, Error> {
        self.fit_weighted(x, y, n_classes, None)
    }
}

/// One finite, non-negative weight per row, not all zero (an all-zero
/// objective has nothing to learn and would silently return the prior-free
/// zero model).
fn validate_sample_weights(sw: &[f32], n_rows: usize) -> Result<(), Error> {
    if sw.len() != n_rows {
        return Err(Error::Param(format!(
            "{} sample weights for {n_rows} rows",
            sw.len()
        )));
    }
    if let Some((i, w)) = sw
        .iter()
        .enumerate()
        .find(|&(_, w)| !(w.is_finite() && *w >= 0.0))
    {
        return Err(Error::Param(format!(
            "sample weight {w} of row {i} is not a finite number >= 0"
        )));
    }
    if sw.iter().all(|&w| w == 0.0) {
        return Err(Error::Param("all sample weights are zero".into()));
    }
    Ok(())
}

/// Checks shapes, labels and values so the optimiser never sees NaN or an
/// out-of-range index.
fn validate_data(x: &CsrMatrix, y: &[usize], n_classes: usize) -> Result<(), Error> {
    if n_classes < 2 {
        return Err(Error::Param(format!(
            "need at least 2 classes, got {n_classes}"
        )));
    }
    if x.n_rows() == 0 {
        return Err(Error::Param("no training rows".into()));
    }
    if y.len() != x.n_rows() {
        return Err(Error::Param(format!(
            "{} labels for {} rows",
            y.len(),
            x.n_rows()
        )));
    }
    if u32::try_from(x.n_rows()).is_err() {
        return Err(Error::Param(format!("too many rows: {}", x.n_rows())));
    }
    if let Some((i, &label)) = y.iter().enumerate().find(|&(_, &l)| l >= n_classes) {
        return Err(Error::Param(format!(
            "label {label} of row {i} is not below n_classes = {n_classes}"
        )));
    }
    for i in 0..x.n_rows() {
        let (idx, val) = x.row(i);
        if let Some(&f) = idx.iter().find(|&&f| f as usize >= x.n_cols()) {
            return Err(Error::Param(format!(
                "row {i}: feature index {f} is not below the column count {}",
                x.n_cols()
            )));
        }
        if let Some(v) = val.iter().find(|v| !v.is_finite()) {
            return Err(Error::Param(format!(
                "row {i}: feature value {v} is not finite"
            )));
        }
    }
    Ok(())
}

/// Per-class example weights for [`ClassWeight`].
fn class_weights(kind: ClassWeight, y: &[usize], n_classes: usize) -> Vec<f64> {
    match kind {
        ClassWeight::None => vec![1.0; n_classes],
        ClassWeight::Balanced => {
            let mut counts = vec![0usize; n_classes];
            for &label in y {
                counts[label] += 1;
            }
            let present = counts.iter().filter(|&&c| c > 0).count() as f64;
            let n = y.len() as f64;
            counts
                .iter()
                .map(|&c| {
                    if c == 0 {
                        0.0
                    } else {
                        n / (present * c as f64)
                    }
                })
                .collect()
        }
    }
}
