//! The sparse classifier against a reference: `linfa-logistic`, dense, on
//! the same features. Both minimise the same objective, the multinomial
//! log-loss summed over rows plus `‖W‖² / (2C)` (linfa's `alpha = 1/C`) with
//! an unpenalised intercept, so both must reach the same optimum: the same
//! objective value, the same predictions and nearly the same probabilities.
//! This is what licenses using our own optimiser instead of linfa's (which
//! is dense-only and far too slow at text-feature sizes; see
//! `models/README.md`).
//!
//! The data are the hand-labelled seed paragraphs' stance rows, word
//! unigrams with `min_df = 2`: a few thousand features, small enough for a
//! dense matrix.
//!
//! Also here: the sparse classifier used through linfa's own traits
//! (weighted `DatasetBase` → `fit` → `predict`), and our evaluation scores
//! against linfa's confusion matrix.

mod common;

use common::{root, seed_paragraph_data};
use std::time::Instant;

use linfa::metrics::ToConfusionMatrix;
use linfa::traits::{Fit as _, Predict as _};
use linfa::{Dataset, DatasetBase};
use linfa_logistic::MultiLogisticRegression;
use ndarray::{Array1, Array2};
use stance::actors::ActorSet;
use stance::eval::{ClassScores, SplitMix64, score};
use stance::features::{Extractor, FeatureParams};
use stance::linear::{ClassWeight, LinearModel, LinearParams, Loss};
use stance::model::train::{stance_index, stance_keys, vectorize};
use stance::sparse::CsrMatrix;

const C: f64 = 1.0;

/// Stance rows of the seed paragraphs as a sparse matrix and labels.
fn seed_paragraphs() -> (CsrMatrix, Vec<usize>) {
    let data = seed_paragraph_data();
    let actors = ActorSet::from_file(&root().join("labels/actors.toml")).unwrap();
    let params = FeatureParams {
        word_ngrams: 1,
        window: 0,
        min_df: 2,
        ..FeatureParams::default()
    };
    let extractor = Extractor::new(params.clone(), Default::default());
    let keys = stance_keys(&extractor, &actors, &data);
    let (_, x) = vectorize(&keys, &params);
    let y = data.stance.iter().map(|e| stance_index(e.stance)).collect();
    (x, y)
}

fn dense(x: &CsrMatrix) -> Array2<f64> {
    let mut d = Array2::zeros((x.n_rows(), x.n_cols()));
    for i in 0..x.n_rows() {
        let (idx, val) = x.row(i);
        for (&j, &v) in idx.iter().zip(val) {
            d[[i, j as usize]] = f64::from(v);
        }
    }
    d
}

/// The shared objective at weights `w` (`n_features × K`) and bias `b`.
fn objective(x: &Array2<f64>, y: &[usize], w: &Array2<f64>, b: &Array1<f64>) -> f64 {
    let scores = x.dot(w) + b;
    let mut loss = 0.0;
    for (row, &label) in scores.rows().into_iter().zip(y) {
        let max = row.fold(f64::NEG_INFINITY, |m, &s| m.max(s));
        let lse = max + row.iter().map(|s| (s - max).exp()).sum::<f64>().ln();
        loss += lse - row[label];
    }
    loss + w.iter().map(|v| v * v).sum::<f64>() / (2.0 * C)
}

fn ours_as_dense(m: &LinearModel) -> (Array2<f64>, Array1<f64>) {
    (m.params().mapv(f64::from), m.intercept().mapv(f64::from))
}

/// The crate's own `Fit` (explicit class count), called by path because
/// linfa's `Fit` is in scope too.
fn fit_ours(p: &LinearParams, x: &CsrMatrix, y: &[usize]) -> LinearModel {
    stance::linear::Fit::fit(p, x, y, 3).unwrap()
}

/// The crate's own row prediction, by path for the same reason.
fn predict_row(m: &LinearModel, row: (&[u32], &[f32])) -> usize {
    stance::linear::Predict::predict(m, row)
}

#[test]
fn sparse_logistic_matches_linfa_logistic() {
    let (x, y) = seed_paragraphs();
    let xd = dense(&x);
    println!("{} rows × {} features", x.n_rows(), x.n_cols());
    assert!(
        (1_000..20_000).contains(&x.n_cols()),
        "{} features",
        x.n_cols()
    );

    let t = Instant::now();
    let params = LinearParams {
        loss: Loss::Logistic,
        c: C as f32,
        class_weight: ClassWeight::None,
        max_iter: 2_000,
        tol: 1e-7,
        fit_intercept: true,
    };
    let ours = fit_ours(&params, &x, &y);
    let ours_secs = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let targets = Array1::from(y.clone());
    let reference = MultiLogisticRegression::default()
        .alpha(1.0 / C)
        .max_iterations(2_000)
        .gradient_tolerance(1e-7)
        .fit(&Dataset::new(xd.clone(), targets))
        .unwrap();
    let linfa_secs = t.elapsed().as_secs_f64();
    println!("sparse L-BFGS {ours_secs:.3} s, linfa-logistic dense {linfa_secs:.3} s");

    // linfa orders its columns by sorted class label, which here is 0, 1, 2.
    let (w, b) = ours_as_dense(&ours);
    let f_ours = objective(&xd, &y, &w, &b);
    let f_ref = objective(&xd, &y, reference.params(), reference.intercept());
    println!("objective: ours {f_ours:.6}, linfa {f_ref:.6}");
    assert!(
        (f_ours - f_ref).abs() <= 1e-4 * f_ref.abs(),
        "objectives differ: {f_ours} vs {f_ref}"
    );

    let ref_proba = reference.predict_probabilities(&xd);
    let mut agree = 0;
    let mut max_diff = 0.0f64;
    let mut p = [0.0f32; 3];
    for i in 0..x.n_rows() {
        stance::linear::Predict::predict_proba(&ours, x.row(i), &mut p);
        let r = ref_proba.row(i);
        for k in 0..3 {
            max_diff = max_diff.max((f64::from(p[k]) - r[k]).abs());
        }
        let ref_class = (0..3).fold(0, |best, k| if r[k] > r[best] { k } else { best });
        agree += usize::from(predict_row(&ours, x.row(i)) == ref_class);
    }
    let agreement = agree as f64 / x.n_rows() as f64;
    println!("prediction agreement {agreement:.4}, max |Δp| {max_diff:.4}");
    assert!(agreement >= 0.995, "agreement {agreement}");
    assert!(max_diff <= 0.02, "max probability difference {max_diff}");
}

/// The sparse classifier as a linfa estimator, end to end on the seed rows:
/// a `DatasetBase` of sparse records with per-sample weights is fitted and
/// predicted through linfa's traits, and gives exactly what the direct
/// calls give.
#[test]
fn sparse_classifier_through_linfa_traits() {
    let (x, y) = seed_paragraphs();
    let n = x.n_rows();
    // Every third row counts double, every seventh not at all.
    let weights: Vec<f32> = (0..n)
        .map(|i| match (i % 3, i % 7) {
            (_, 0) => 0.0,
            (0, _) => 2.0,
            _ => 1.0,
        })
        .collect();
    let params = LinearParams {
        loss: Loss::SquaredHinge,
        c: 0.1,
        class_weight: ClassWeight::Balanced,
        ..LinearParams::default()
    };
    let data = DatasetBase::new(x.clone(), Array1::from(y.clone()))
        .with_weights(Array1::from(weights.clone()));

    let model = params.fit(&data).unwrap();
    let direct = params.fit_weighted(&x, &y, 3, Some(&weights)).unwrap();
    assert_eq!(model, direct);
    assert_ne!(model, fit_ours(&params, &x, &y), "weights were ignored");

    let predicted: Array1<usize> = model.predict(&data);
    assert_eq!(predicted.len(), n);
    for i in 0..n {
        assert_eq!(predicted[i], predict_row(&model, x.row(i)), "row {i}");
    }
    // Training accuracy by linfa's confusion matrix and by ours.
    let cm = data.targets().confusion_matrix(&predicted).unwrap();
    let ours = score(
        &y,
        &predicted.to_vec(),
        &["pro", "anti", "none"],
        Some((0, 1)),
    );
    println!(
        "training accuracy {:.4} (linfa {:.4})",
        ours.accuracy,
        cm.accuracy()
    );
    assert!((f64::from(cm.accuracy()) - ours.accuracy).abs() < 1e-6);
    assert!(ours.accuracy > 0.8, "training accuracy {}", ours.accuracy);
}

/// `stance::eval::score` against linfa's `ConfusionMatrix` on random labels.
///
/// Agreement needs linfa's argument order `gold.confusion_matrix(&pred)`:
/// linfa counts `matrix[self][argument]` and takes precision down a column,
/// so its documented `pred.confusion_matrix(&gold)` swaps precision and
/// recall (checked below, so an upstream change shows up here). linfa's
/// multi-class `f1_score` is the F1 of macro-precision and macro-recall,
/// not scikit-learn's macro-F1, so macro-F1 is compared as the mean of
/// linfa's one-vs-all F1s. Every class occurs in gold and predictions
/// (linfa drops absent classes and divides 0 by 0 where ours counts 0).
#[test]
fn eval_scores_agree_with_linfa_confusion_matrix() {
    let names = ["a", "b", "c", "d"];
    for (seed, k) in [(1u64, 3usize), (2, 3), (3, 4), (4, 4)] {
        let mut rng = SplitMix64::new(seed);
        let n = 400 + rng.below(300);
        let gold: Vec<usize> = (0..n)
            .map(|i| if i < k { i } else { rng.below(k) })
            .collect();
        // Right ~60% of the time, otherwise a random class.
        let pred: Vec<usize> = gold
            .iter()
            .enumerate()
            .map(|(i, &g)| match i {
                _ if i < k => (i + 1) % k,
                _ if rng.below(10) < 6 => g,
                _ => rng.below(k),
            })
            .collect();
        let ours = score(&gold, &pred, &names[..k], None);
        let (g, p) = (Array1::from(gold), Array1::from(pred));
        let cm = g.confusion_matrix(&p).unwrap();
        let close = |a: f32, b: f64, what: &str| {
            assert!(
                (f64::from(a) - b).abs() < 1e-5,
                "seed {seed} {what}: linfa {a} vs ours {b}"
            );
        };
        close(cm.accuracy(), ours.accuracy, "accuracy");
        let one_vs_all = cm.split_one_vs_all();
        assert_eq!(one_vs_all.len(), k);
        let mut f1_sum = 0.0;
        for (c, bin) in one_vs_all.iter().enumerate() {
            let s = &ours.per_class[names[c]];
            close(bin.precision(), s.precision, &format!("precision {c}"));
            close(bin.recall(), s.recall, &format!("recall {c}"));
            close(bin.f1_score(), s.f1, &format!("F1 {c}"));
            f1_sum += f64::from(bin.f1_score());
        }
        close((f1_sum / k as f64) as f32, ours.macro_f1, "macro F1");
        let mean =
            |f: fn(&ClassScores) -> f64| ours.per_class.values().map(f).sum::<f64>() / k as f64;
        close(cm.precision(), mean(|s| s.precision), "macro precision");
        close(cm.recall(), mean(|s| s.recall), "macro recall");

        // linfa's documented order: precision and recall trade places.
        let swapped = p.confusion_matrix(&g).unwrap();
        close(swapped.precision(), mean(|s| s.recall), "swapped precision");
        close(swapped.recall(), mean(|s| s.precision), "swapped recall");
    }
}
