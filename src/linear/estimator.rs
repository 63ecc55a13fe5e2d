//! The sparse classifier as a linfa estimator: [`CsrMatrix`] is a linfa
//! [`Records`] type, [`LinearParams`] a [`ParamGuard`] whose validated form
//! [`LinearValidParams`] implements linfa's [`Fit`] on a
//! `DatasetBase<CsrMatrix, Array1<usize>>`, and [`LinearModel`] implements
//! [`PredictInplace`] (and [`Predict`] on `&CsrMatrix`). So
//!
//! ```
//! use linfa::prelude::*;
//! use ndarray::array;
//! use stance::linear::LinearParams;
//! use stance::sparse::{CsrMatrix, SparseRow};
//!
//! let row = |f: u32| SparseRow { indices: vec![f], values: vec![1.0] };
//! let x = CsrMatrix::from_rows(2, [&row(0), &row(1), &row(0), &row(1)]);
//! let data = DatasetBase::new(x, array![0usize, 1, 0, 1]).with_weights(array![1.0, 1.0, 2.0, 0.5]);
//! let model = LinearParams::default().fit(&data)?;
//! let predicted: ndarray::Array1<usize> = model.predict(data.records());
//! assert_eq!(predicted, array![0, 1, 0, 1]);
//! # Ok::<(), stance::Error>(())
//! ```
//!
//! works as with any linfa estimator. Everything here is a thin layer over
//! [`LinearParams::fit_weighted`] and the row scoring of [`LinearModel`]; the
//! crate's own [`super::Fit`] (explicit class count) stays for callers that
//! must declare classes absent from their data.

use linfa::ParamGuard;
use linfa::dataset::{DatasetBase, Records};
use linfa::traits::{Fit, Predict, PredictInplace};
use ndarray::Array1;

use super::{LinearModel, LinearParams};
use crate::Error;
use crate::sparse::CsrMatrix;

/// Rows are samples, columns features. The element type is the stored
/// value type; linfa uses it only to name the records' numbers.
impl Records for CsrMatrix {
    type Elem = f32;

    fn nsamples(&self) -> usize {
        self.n_rows()
    }

    fn nfeatures(&self) -> usize {
        self.n_cols()
    }
}

/// linfa's own errors (shape mismatches and the like, raised by linfa's
/// generic code) are parameter errors to our callers.
impl From<linfa::Error> for Error {
    fn from(e: linfa::Error) -> Self {
        Error::Param(e.to_string())
    }
}

/// [`LinearParams`] that passed [`LinearParams::check`]; only
/// [`ParamGuard::check`] / [`ParamGuard::check_ref`] make one, so holding it
/// proves the settings are usable. Reads like the parameters it wraps
/// (`Deref`).
///
/// Why a wrapper over the same struct and not linfa's usual split (public
/// builder wrapping private valid fields): `LinearParams` is plain data with
/// public fields, written into model files and set field by field by the
/// CLI; the wrapper adds the guarantee without changing any of that.
#[derive(Debug, Clone, PartialEq)]
#[repr(transparent)]
pub struct LinearValidParams(LinearParams);

impl LinearValidParams {
    /// The checked parameters.
    pub fn params(&self) -> &LinearParams {
        &self.0
    }
}

impl std::ops::Deref for LinearValidParams {
    type Target = LinearParams;

    fn deref(&self) -> &LinearParams {
        &self.0
    }
}

impl ParamGuard for LinearParams {
    type Checked = LinearValidParams;
    type Error = Error;

    fn check_ref(&self) -> Result<&LinearValidParams, Error> {
        LinearParams::check(self)?;
        // SAFETY: `LinearValidParams` is `#[repr(transparent)]` over
        // `LinearParams`, so both have the same layout and the reference
        // keeps the lifetime and (immutable) borrow of `self`. This is the
        // cast the `ref-cast` crate generates; it is the only way to hand
        // out `&Checked` without moving the fields into a wrapper.
        Ok(unsafe { &*(self as *const LinearParams).cast::<LinearValidParams>() })
    }

    fn check(self) -> Result<LinearValidParams, Error> {
        LinearParams::check(&self)?;
        Ok(LinearValidParams(self))
    }
}

/// Trains on a dataset of sparse rows and class indices, with the dataset's
/// weights (if any: linfa datasets have none unless `with_weights` was
/// called) as per-sample weights.
///
/// The class count is `1 + the largest label`: linfa datasets carry no
/// class count (their `target_names` name target *columns*), and labels are
/// indices. A class absent from the data at the top of the range is
/// therefore not learned; use [`LinearParams::fit_weighted`] to declare it.
/// Data with a single class fails with "need at least 2 classes".
impl Fit<CsrMatrix, Array1<usize>, Error> for LinearValidParams {
    type Object = LinearModel;

    fn fit(&self, dataset: &DatasetBase<CsrMatrix, Array1<usize>>) -> Result<LinearModel, Error> {
        let y = dataset.targets();
        // Owned 1-D arrays are contiguous unless reversed; copy only then.
        let labels = match y.as_slice() {
            Some(s) => std::borrow::Cow::Borrowed(s),
            None => std::borrow::Cow::Owned(y.to_vec()),
        };
        let n_classes = labels.iter().max().map_or(0, |&m| m + 1);
        self.0
            .fit_weighted(dataset.records(), &labels, n_classes, dataset.weights())
    }
}

/// Predicts the class of every row ([`super::Predict::predict`]: the highest
/// score, the lowest class on ties).
impl PredictInplace<CsrMatrix, Array1<usize>> for LinearModel {
    /// # Panics
    /// If `y` does not have one entry per row of `x`.
    fn predict_inplace(&self, x: &CsrMatrix, y: &mut Array1<usize>) {
        assert_eq!(
            y.len(),
            x.n_rows(),
            "the target array needs one entry per row"
        );
        for (i, out) in y.iter_mut().enumerate() {
            *out = super::Predict::predict(self, x.row(i));
        }
    }

    fn default_target(&self, x: &CsrMatrix) -> Array1<usize> {
        Array1::zeros(x.n_rows())
    }
}

/// `model.predict(&x)` on bare records. linfa's blanket impls cover
/// `&DatasetBase` for any records but bare records only for `ndarray`
/// arrays, hence this one.
impl Predict<&CsrMatrix, Array1<usize>> for LinearModel {
    fn predict(&self, x: &CsrMatrix) -> Array1<usize> {
        let mut y = self.default_target(x);
        self.predict_inplace(x, &mut y);
        y
    }
}

#[cfg(test)]
mod tests {
    use linfa::prelude::{DatasetBase, Fit as _, ParamGuard as _, Predict as _, Records as _};
    use ndarray::{Array1, array};

    use super::super::tests::random_problem;
    use super::super::{ClassWeight, LinearParams, Loss};
    use crate::Error;
    use crate::sparse::CsrMatrix;

    fn bits(m: &super::LinearModel) -> Vec<u32> {
        m.weights
            .iter()
            .chain(&m.bias)
            .map(|v| v.to_bits())
            .collect()
    }

    /// The crate's own `Fit`, called by path: with linfa's `Fit` in scope
    /// too, method syntax would be ambiguous.
    fn own_fit(p: &LinearParams, x: &CsrMatrix, y: &[usize]) -> super::LinearModel {
        super::super::Fit::fit(p, x, y, 3).unwrap()
    }

    #[test]
    fn param_guard_checks_like_check() {
        let good = LinearParams::default();
        assert_eq!(**good.check_ref().unwrap(), good);
        // With `ParamGuard` in scope, method syntax `check()` is the
        // by-value `ParamGuard::check` (it needs no auto-ref, so it wins
        // over the inherent `&self` method).
        assert_eq!(good.clone().check().unwrap().params(), &good);
        for bad in [
            LinearParams {
                c: 0.0,
                ..good.clone()
            },
            LinearParams {
                max_iter: 0,
                ..good.clone()
            },
            LinearParams {
                tol: f32::NAN,
                ..good.clone()
            },
        ] {
            let expected = LinearParams::check(&bad).unwrap_err().to_string();
            let by_ref = bad.check_ref().unwrap_err().to_string();
            assert_eq!(by_ref, expected);
            let owned = bad.check().unwrap_err().to_string();
            assert_eq!(owned, expected);
        }
    }

    #[test]
    fn linfa_fit_is_fit_weighted_with_the_dataset_weights() {
        let (x, y) = random_problem(31, 300, 40, 6, 3);
        let sw: Vec<f32> = (0..x.n_rows()).map(|i| (i % 5) as f32 * 0.5).collect();
        for loss in [Loss::Logistic, Loss::SquaredHinge] {
            let p = LinearParams {
                loss,
                class_weight: ClassWeight::Balanced,
                max_iter: 50,
                ..LinearParams::default()
            };
            let plain = DatasetBase::new(x.clone(), Array1::from(y.clone()));
            assert_eq!((plain.nsamples(), plain.nfeatures()), (300, 40));
            let via_linfa = p.fit(&plain).unwrap();
            assert_eq!(bits(&via_linfa), bits(&own_fit(&p, &x, &y)));

            let weighted = plain.with_weights(Array1::from(sw.clone()));
            let via_linfa = p.fit(&weighted).unwrap();
            let direct = p.fit_weighted(&x, &y, 3, Some(&sw)).unwrap();
            assert_eq!(bits(&via_linfa), bits(&direct), "{loss:?}");
            assert_ne!(bits(&via_linfa), bits(&own_fit(&p, &x, &y)));

            // Predictions through linfa are the row-by-row predictions.
            let on_records: Array1<usize> = via_linfa.predict(&x);
            let on_dataset: Array1<usize> = via_linfa.predict(&weighted);
            let by_row: Array1<usize> = (0..x.n_rows())
                .map(|i| super::super::Predict::predict(&via_linfa, x.row(i)))
                .collect();
            assert_eq!(on_records, by_row);
            assert_eq!(on_dataset, by_row);
        }
    }

    #[test]
    fn class_count_is_one_plus_the_largest_label() {
        let (x, mut y) = random_problem(2, 60, 10, 4, 3);
        y.iter_mut().filter(|l| **l == 2).for_each(|l| *l = 1);
        let m = LinearParams::default()
            .fit(&DatasetBase::new(x.clone(), Array1::from(y.clone())))
            .unwrap();
        assert_eq!(m.n_classes, 2);
        let one_class = DatasetBase::new(x, Array1::zeros(60));
        let err = LinearParams::default().fit(&one_class).unwrap_err();
        assert!(err.to_string().contains("need at least 2 classes"), "{err}");
    }

    #[test]
    fn bad_dataset_weights_and_params_fail_with_param_errors() {
        let (x, y) = random_problem(3, 20, 10, 3, 2);
        let short =
            DatasetBase::new(x.clone(), Array1::from(y.clone())).with_weights(array![1.0, 2.0]);
        match LinearParams::default().fit(&short) {
            Err(Error::Param(msg)) => {
                assert!(msg.contains("2 sample weights for 20 rows"), "{msg}")
            }
            other => panic!("expected a parameter error, got {other:?}"),
        }
        let bad = LinearParams {
            c: -1.0,
            ..LinearParams::default()
        };
        let data = DatasetBase::new(x, Array1::from(y));
        assert!(matches!(bad.fit(&data), Err(Error::Param(m)) if m.contains("C must be")));
    }

    #[test]
    fn weight_views_match_the_stored_layout() {
        let (x, y) = random_problem(4, 50, 7, 3, 3);
        let m = LinearParams::default()
            .fit(&DatasetBase::new(x, Array1::from(y)))
            .unwrap();
        let w = m.params();
        assert_eq!(w.dim(), (7, 3));
        for f in 0..7 {
            assert_eq!(w.row(f).to_vec(), m.feature_weights(f));
        }
        assert_eq!(m.intercept().to_vec(), m.bias);
    }
}
