//! Training on several data sets at once: per-source instance weights and
//! domain-adaptation feature augmentation.
//!
//! Mixing labelled sets naively fails in two ways: a big out-of-domain set
//! (NewsMTSC, 8.7k sentences) outvotes the few in-domain comments, and
//! what a feature means in one source (an unmentioned target in VAST can
//! still be argued for; in our comments it is almost always "none") is
//! forced onto the others. Source weights address the first. The second is
//! Daumé III's "frustratingly easy domain adaptation" (ACL 2007): every
//! feature gets a shared copy and a copy private to its source, plus one
//! indicator per source, so L2 regularisation puts what all sources agree
//! on into the shared weights and each source's quirks into its own.
//!
//! Scoring happens in one domain (the project's comments), so the model
//! file never holds the augmented weights: [`fold`] adds the domain's
//! private copy onto the shared one (and its indicator onto the bias).
//! The row of a text is then exactly the row training saw for that source,
//! the scoring path is unchanged, and the file is no bigger.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::linear::LinearModel;
use crate::sparse::{CsrMatrix, SparseRow};

/// How sources are mixed. Part of [`TrainParams`](super::TrainParams), so
/// a model records it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceParams {
    /// `(source, weight)`: each example of the source weighs this much in
    /// the loss (on top of class weights). Unlisted sources weigh 1.
    pub weights: Vec<(String, f32)>,
    /// Daumé augmentation (shared + per-source copies of every feature).
    pub augment: bool,
    /// With `augment`: the source whose private copy scoring uses. `None`
    /// or a source not in the data: the shared weights alone.
    pub domain: Option<String>,
}

impl SourceParams {
    pub fn check(&self) -> Result<()> {
        for (name, w) in &self.weights {
            if !(w.is_finite() && *w >= 0.0) {
                return Err(Error::Param(format!(
                    "the weight of source {name:?} must be a finite number >= 0, got {w}"
                )));
            }
        }
        Ok(())
    }

    /// The weight of an example of `source`.
    pub fn weight(&self, source: &str) -> f32 {
        self.weights
            .iter()
            .find(|(n, _)| n == source)
            .map_or(1.0, |(_, w)| *w)
    }

    /// Per-example weights, or `None` when every example weighs 1 (so the
    /// unweighted objective, and its bytes, are kept).
    pub fn example_weights<'a>(&self, sources: impl Iterator<Item = &'a str>) -> Option<Vec<f32>> {
        let w: Vec<f32> = sources.map(|s| self.weight(s)).collect();
        w.iter().any(|&x| x != 1.0).then_some(w)
    }
}

/// The sources of the examples in first-seen order, and each example's
/// index into it.
pub fn index_sources<'a>(sources: impl Iterator<Item = &'a str>) -> (Vec<String>, Vec<usize>) {
    let mut names: Vec<String> = Vec::new();
    let idx = sources
        .map(|s| match names.iter().position(|n| n == s) {
            Some(i) => i,
            None => {
                names.push(s.to_string());
                names.len() - 1
            }
        })
        .collect();
    (names, idx)
}

/// `x` with a private copy of each row's features in its source's block
/// and the source's indicator: columns `[shared | source 0 | … | source
/// S−1 | indicators]`, `(S + 1) · n + S` in all.
pub fn augment(x: &CsrMatrix, source_of_row: &[usize], n_sources: usize) -> CsrMatrix {
    let n = x.n_cols();
    let indicators = (n_sources + 1) * n;
    let mut out = CsrMatrix::new(indicators + n_sources);
    let mut row = SparseRow::default();
    for (i, &s) in source_of_row.iter().enumerate() {
        let (idx, val) = x.row(i);
        row.indices.clear();
        row.values.clear();
        row.indices.extend_from_slice(idx);
        row.values.extend_from_slice(val);
        let offset = ((s + 1) * n) as u32;
        row.indices.extend(idx.iter().map(|&f| f + offset));
        row.values.extend_from_slice(val);
        row.indices.push((indicators + s) as u32);
        row.values.push(1.0);
        out.push(&row);
    }
    out
}

/// The model on the original `n` columns that scores rows of `domain` as
/// the augmented model does: shared + private weights, bias + indicator.
/// `domain = None`: the shared weights alone.
pub fn fold(m: &LinearModel, n: usize, n_sources: usize, domain: Option<usize>) -> LinearModel {
    let k = m.n_classes;
    debug_assert_eq!(m.n_features, (n_sources + 1) * n + n_sources);
    let mut weights = m.weights[..n * k].to_vec();
    let mut bias = m.bias.clone();
    if let Some(d) = domain {
        let private = &m.weights[(d + 1) * n * k..(d + 2) * n * k];
        for (w, p) in weights.iter_mut().zip(private) {
            *w += p;
        }
        let ind = ((n_sources + 1) * n + d) * k;
        for (b, p) in bias.iter_mut().zip(&m.weights[ind..ind + k]) {
            *b += p;
        }
    }
    LinearModel {
        n_features: n,
        weights,
        bias,
        ..m.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linear::{Fit, LinearParams, Loss, Predict};

    fn matrix(rows: &[&[(u32, f32)]], n: usize) -> CsrMatrix {
        let rows: Vec<SparseRow> = rows
            .iter()
            .map(|r| SparseRow {
                indices: r.iter().map(|x| x.0).collect(),
                values: r.iter().map(|x| x.1).collect(),
            })
            .collect();
        CsrMatrix::from_rows(n, &rows)
    }

    #[test]
    fn augmented_rows_copy_features_into_their_source_block() {
        let x = matrix(&[&[(0, 0.5), (2, 1.0)], &[(1, 2.0)]], 3);
        let a = augment(&x, &[1, 0], 2);
        assert_eq!(a.n_cols(), 3 * 3 + 2);
        assert_eq!(a.row(0).0, &[0, 2, 6, 8, 10]);
        assert_eq!(a.row(0).1, &[0.5, 1.0, 0.5, 1.0, 1.0]);
        assert_eq!(a.row(1).0, &[1, 4, 9]);
    }

    /// Scoring a plain row with the folded model gives the augmented
    /// model's decision values for the augmented row of the domain.
    #[test]
    fn folding_scores_like_the_augmented_model() {
        let x = matrix(
            &[
                &[(0, 1.0)],
                &[(1, 1.0)],
                &[(0, 1.0), (2, 0.5)],
                &[(1, 1.0), (2, 0.5)],
                &[(2, 1.0)],
                &[(0, 0.3), (1, 0.3)],
            ],
            3,
        );
        let y = [0, 1, 1, 0, 2, 2];
        let src = [0, 0, 1, 1, 0, 1];
        let a = augment(&x, &src, 2);
        let params = LinearParams {
            loss: Loss::SquaredHinge,
            ..LinearParams::default()
        };
        let m = params.fit(&a, &y, 3).unwrap();
        for d in 0..2 {
            let f = fold(&m, 3, 2, Some(d));
            for i in 0..x.n_rows() {
                let (mut want, mut got) = ([0f32; 3], [0f32; 3]);
                let aug = augment(&x.select(&[i]), &[d], 2);
                m.decision(aug.row(0), &mut want);
                f.decision(x.row(i), &mut got);
                for (w, g) in want.iter().zip(got) {
                    assert!(
                        (w - g).abs() < 1e-5,
                        "domain {d}, row {i}: {want:?} vs {got:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn weights_default_to_one_and_reject_bad_values() {
        let p = SourceParams {
            weights: vec![("ruw".into(), 0.5)],
            ..SourceParams::default()
        };
        assert_eq!(p.weight("ruw"), 0.5);
        assert_eq!(p.weight("labels"), 1.0);
        assert!(p.example_weights(["labels"].into_iter()).is_none());
        assert_eq!(
            p.example_weights(["labels", "ruw"].into_iter()),
            Some(vec![1.0, 0.5])
        );
        let bad = SourceParams {
            weights: vec![("x".into(), f32::NAN)],
            ..SourceParams::default()
        };
        assert!(bad.check().is_err());
    }
}
