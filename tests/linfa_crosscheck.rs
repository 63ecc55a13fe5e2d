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

use std::path::PathBuf;
use std::time::Instant;

use linfa::Dataset;
use linfa::traits::Fit as _;
use linfa_logistic::MultiLogisticRegression;
use ndarray::{Array1, Array2};
use stance::actors::ActorSet;
use stance::corpus::ingest::{Ingest, Input};
use stance::dataset::readers::{DataOptions, read_data};
use stance::features::{Extractor, FeatureParams};
use stance::linear::{ClassWeight, Fit as _, LinearModel, LinearParams, Loss, Predict};
use stance::model::train::{stance_index, stance_keys, vectorize};
use stance::sparse::CsrMatrix;

const C: f64 = 1.0;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Stance rows of the seed paragraphs as a sparse matrix and labels.
fn seed_paragraphs() -> (CsrMatrix, Vec<usize>) {
    let units: Vec<_> = Ingest::new(&[Input::parse(root().join("seeds").to_str().unwrap())])
        .filter_map(Result::ok)
        .collect();
    let opts = DataOptions {
        kinds: vec![stance::corpus::UnitKind::Paragraph],
        ..DataOptions::default()
    };
    let data = read_data(&[root().join("labels")], &units, &opts);
    assert!(data.stance.len() > 1000, "{} rows", data.stance.len());
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
    let mut w = Array2::zeros((m.n_features, m.n_classes));
    for f in 0..m.n_features {
        for (k, &v) in m.feature_weights(f).iter().enumerate() {
            w[[f, k]] = f64::from(v);
        }
    }
    (w, m.bias.iter().map(|&v| f64::from(v)).collect())
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
    let ours = LinearParams {
        loss: Loss::Logistic,
        c: C as f32,
        class_weight: ClassWeight::None,
        max_iter: 2_000,
        tol: 1e-7,
        fit_intercept: true,
    }
    .fit(&x, &y, 3)
    .unwrap();
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
        ours.predict_proba(x.row(i), &mut p);
        let r = ref_proba.row(i);
        for k in 0..3 {
            max_diff = max_diff.max((f64::from(p[k]) - r[k]).abs());
        }
        let ref_class = (0..3).fold(0, |best, k| if r[k] > r[best] { k } else { best });
        agree += usize::from(ours.predict(x.row(i)) == ref_class);
    }
    let agreement = agree as f64 / x.n_rows() as f64;
    println!("prediction agreement {agreement:.4}, max |Δp| {max_diff:.4}");
    assert!(agreement >= 0.995, "agreement {agreement}");
    assert!(max_diff <= 0.02, "max probability difference {max_diff}");
}
