//! Tests of the linear classifiers: correctness against finite differences,
//! closed forms and gradient descent; determinism; validation. The timing
//! benchmark is in `benchmark.rs`.

use super::*;
use crate::sparse::SparseRow;

/// SplitMix64: a tiny deterministic generator so tests need no dependency.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub(super) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize
    }
}

pub(super) fn row(pairs: &[(u32, f32)]) -> SparseRow {
    SparseRow {
        indices: pairs.iter().map(|p| p.0).collect(),
        values: pairs.iter().map(|p| p.1).collect(),
    }
}

/// Random problem whose labels depend on the features (so it is learnable):
/// class `k` prefers features `f ≡ k (mod n_classes)`.
pub(super) fn random_problem(
    seed: u64,
    rows: usize,
    features: usize,
    nnz: usize,
    k: usize,
) -> (CsrMatrix, Vec<usize>) {
    let mut rng = Rng(seed);
    let mut out = Vec::with_capacity(rows);
    let mut y = Vec::with_capacity(rows);
    for _ in 0..rows {
        let label = rng.below(k);
        let mut idx: Vec<u32> = (0..nnz)
            .map(|_| {
                let mut f = rng.below(features);
                if rng.unit() < 0.5 {
                    f = f - f % k + label;
                }
                f.min(features - 1) as u32
            })
            .collect();
        idx.sort_unstable();
        idx.dedup();
        let values = idx.iter().map(|_| (0.1 + rng.unit()) as f32).collect();
        out.push(SparseRow {
            indices: idx,
            values,
        });
        y.push(label);
    }
    (CsrMatrix::from_rows(features, &out), y)
}

pub(super) fn accuracy(m: &LinearModel, x: &CsrMatrix, y: &[usize]) -> f64 {
    let hits = (0..x.n_rows())
        .filter(|&i| m.predict(x.row(i)) == y[i])
        .count();
    hits as f64 / y.len() as f64
}

pub(super) fn params(loss: Loss) -> LinearParams {
    LinearParams {
        loss,
        ..LinearParams::default()
    }
}

#[test]
fn separable_problem_learned_by_both_losses() {
    // Each class has its own feature; feature 3 is shared noise.
    let rows = [
        row(&[(0, 1.0), (3, 0.5)]),
        row(&[(0, 0.8)]),
        row(&[(1, 1.0), (3, 0.5)]),
        row(&[(1, 0.7)]),
        row(&[(2, 1.0), (3, 0.5)]),
        row(&[(2, 0.9)]),
    ];
    let x = CsrMatrix::from_rows(4, &rows);
    let y = [0, 0, 1, 1, 2, 2];
    for loss in [Loss::Logistic, Loss::SquaredHinge] {
        let m = params(loss).fit(&x, &y, 3).unwrap();
        assert_eq!(accuracy(&m, &x, &y), 1.0, "{loss:?}");
        assert!(m.converged, "{loss:?}: {} iterations", m.iterations);
        assert_eq!((m.weights.len(), m.bias.len()), (12, 3));
    }
}

#[test]
fn gradient_matches_finite_differences() {
    let (x, y) = random_problem(7, 40, 12, 5, 3);
    for loss in [Loss::Logistic, Loss::SquaredHinge] {
        for intercept in [false, true] {
            let cw = class_weights(ClassWeight::Balanced, &y, 3);
            let mut obj = Objective::new(&x, &y, 3, cw, loss, 0.7, intercept);
            let mut rng = Rng(11);
            assert_gradient_matches(&mut obj, &mut rng, &format!("{loss:?} {intercept}"));
        }
    }
}

/// Checks the objective's gradient at a random point against central
/// finite differences, parameter by parameter.
pub(super) fn assert_gradient_matches(obj: &mut Objective, rng: &mut Rng, what: &str) {
    let n = obj.n_params();
    let w: Vec<f64> = (0..n).map(|_| rng.unit() - 0.5).collect();
    let (mut g, mut scratch) = (vec![0.0; n], vec![0.0; n]);
    obj.value_and_gradient(&w, &mut g);
    let h = 1e-6;
    for j in 0..n {
        let (mut wp, mut wm) = (w.clone(), w.clone());
        wp[j] += h;
        wm[j] -= h;
        let fd = (obj.value_and_gradient(&wp, &mut scratch)
            - obj.value_and_gradient(&wm, &mut scratch))
            / (2.0 * h);
        let tol = 1e-5 * (1.0 + fd.abs());
        assert!(
            (fd - g[j]).abs() < tol,
            "{what} param {j}: fd {fd} vs {}",
            g[j]
        );
    }
}

#[test]
fn closed_form_optima() {
    // One row (x = 1, class 0), two classes, no intercept, C = 1.
    let x = CsrMatrix::from_rows(1, [&row(&[(0, 1.0)])]);
    let y = [0];
    let tight = |loss| LinearParams {
        loss,
        fit_intercept: false,
        tol: 1e-10,
        max_iter: 1000,
        ..LinearParams::default()
    };
    // Squared hinge: min (1−w₀)² + w₀²/2 → w₀ = 2/3; likewise w₁ = −2/3.
    let m = tight(Loss::SquaredHinge).fit(&x, &y, 2).unwrap();
    assert!((m.weights[0] - 2.0 / 3.0).abs() < 1e-5, "{:?}", m.weights);
    assert!((m.weights[1] + 2.0 / 3.0).abs() < 1e-5, "{:?}", m.weights);
    // Logistic: by symmetry w₁ = −w₀ = −a with a = σ(−2a); solve by bisection.
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for _ in 0..100 {
        let a = 0.5 * (lo + hi);
        if a < 1.0 / (1.0 + (2.0 * a).exp()) {
            lo = a
        } else {
            hi = a
        }
    }
    let m = tight(Loss::Logistic).fit(&x, &y, 2).unwrap();
    assert!(
        (f64::from(m.weights[0]) - lo).abs() < 1e-5,
        "{:?} vs {lo}",
        m.weights
    );
    assert!(
        (f64::from(m.weights[1]) + lo).abs() < 1e-5,
        "{:?} vs {lo}",
        m.weights
    );
}

#[test]
fn lbfgs_agrees_with_long_gradient_descent() {
    let (x, y) = random_problem(3, 60, 10, 4, 3);
    for loss in [Loss::Logistic, Loss::SquaredHinge] {
        let p = LinearParams {
            loss,
            tol: 1e-10,
            max_iter: 2000,
            c: 0.5,
            ..LinearParams::default()
        };
        let m = p.fit(&x, &y, 3).unwrap();
        let mut obj = Objective::new(&x, &y, 3, vec![1.0; 3], loss, 0.5, true);
        let n = obj.n_params();
        let (mut w, mut g) = (vec![0.0; n], vec![0.0; n]);
        // Fixed step below 2/L (L ≤ 2·Σ‖(x_i, 1)‖² + 1/C ≈ 700 for these
        // data), run until the gradient vanishes.
        let step = 1e-3;
        let mut iterations = 0;
        loop {
            obj.value_and_gradient(&w, &mut g);
            let gnorm = g.iter().map(|v| v * v).sum::<f64>().sqrt();
            if gnorm < 1e-7 || iterations == 200_000 {
                break;
            }
            for (wi, gi) in w.iter_mut().zip(&g) {
                *wi -= step * gi;
            }
            iterations += 1;
        }
        assert!(
            iterations < 200_000,
            "{loss:?}: gradient descent did not converge"
        );
        let nw = 10 * 3;
        for (j, &gd) in w.iter().enumerate() {
            let lb = if j < nw { m.weights[j] } else { m.bias[j - nw] };
            assert!(
                (f64::from(lb) - gd).abs() < 1e-3,
                "{loss:?} param {j}: lbfgs {lb} vs gd {gd}"
            );
        }
    }
}

#[test]
fn training_is_deterministic_across_runs_and_threads() {
    // > 2 row chunks and > 1 feature chunk so parallel splits matter.
    let (x, y) = random_problem(5, 2 * objective::ROW_CHUNK + 300, 9000, 30, 3);
    for loss in [Loss::Logistic, Loss::SquaredHinge] {
        let p = LinearParams {
            loss,
            max_iter: 30,
            class_weight: ClassWeight::Balanced,
            ..LinearParams::default()
        };
        let bits = |m: &LinearModel| -> Vec<u32> {
            m.weights
                .iter()
                .chain(&m.bias)
                .map(|v| v.to_bits())
                .collect()
        };
        let in_pool = |threads| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| p.fit(&x, &y, 3).unwrap())
        };
        let a = p.fit(&x, &y, 3).unwrap();
        let b = p.fit(&x, &y, 3).unwrap();
        let one = in_pool(1);
        let two = in_pool(2);
        assert_eq!(bits(&a), bits(&b));
        assert_eq!(bits(&a), bits(&one), "{loss:?}: 1 thread differs");
        assert_eq!(bits(&one), bits(&two), "{loss:?}: 2 threads differ");
        assert_eq!(a, two);
    }
}

#[test]
fn invalid_parameters_and_data_rejected() {
    let bad = |p: LinearParams| matches!(p.check(), Err(Error::Param(_)));
    let d = LinearParams::default();
    assert!(d.check().is_ok());
    for c in [0.0, -1.0, f32::NAN, f32::INFINITY] {
        assert!(bad(LinearParams { c, ..d.clone() }), "c = {c}");
    }
    assert!(bad(LinearParams {
        max_iter: 0,
        ..d.clone()
    }));
    for tol in [-1e-3, f32::NAN, f32::INFINITY] {
        assert!(bad(LinearParams { tol, ..d.clone() }), "tol = {tol}");
    }
    let x = CsrMatrix::from_rows(2, [&row(&[(0, 1.0)]), &row(&[(1, 1.0)])]);
    let err = |r: Result<LinearModel, Error>| match r {
        Err(Error::Param(msg)) => msg,
        other => panic!("expected a parameter error, got {other:?}"),
    };
    assert!(err(d.fit(&x, &[0, 2], 2)).contains("label 2"));
    assert!(err(d.fit(&x, &[0], 2)).contains("1 labels for 2 rows"));
    assert!(err(d.fit(&x, &[0, 1, 1], 2)).contains("labels"));
    assert!(err(d.fit(&x, &[0, 0], 1)).contains("2 classes"));
    assert!(err(d.fit(&CsrMatrix::new(2), &[], 2)).contains("no training rows"));
    let nan = CsrMatrix::from_rows(2, [&row(&[(0, f32::NAN)]), &row(&[(1, 1.0)])]);
    assert!(err(d.fit(&nan, &[0, 1], 2)).contains("not finite"));
    assert!(
        err(LinearParams {
            c: 0.0,
            ..d.clone()
        }
        .fit(&x, &[0, 1], 2))
        .contains("C must be")
    );
}

#[test]
fn balanced_weights_favour_the_minority_class() {
    // Query {f0, f1}: 30 majority rows vs 10 minority rows look exactly like it.
    let mut rows = Vec::new();
    let mut y = Vec::new();
    for _ in 0..60 {
        rows.push(row(&[(0, 1.0)]));
        y.push(0);
    }
    for _ in 0..30 {
        rows.push(row(&[(0, 1.0), (1, 1.0)]));
        y.push(0);
    }
    for _ in 0..10 {
        rows.push(row(&[(0, 1.0), (1, 1.0)]));
        y.push(1);
    }
    let x = CsrMatrix::from_rows(2, &rows);
    let query = row(&[(0, 1.0), (1, 1.0)]);
    let q = (&query.indices[..], &query.values[..]);
    for loss in [Loss::Logistic, Loss::SquaredHinge] {
        let plain = params(loss).fit(&x, &y, 2).unwrap();
        let balanced = LinearParams {
            class_weight: ClassWeight::Balanced,
            ..params(loss)
        }
        .fit(&x, &y, 2)
        .unwrap();
        let (mut p0, mut p1) = ([0f32; 2], [0f32; 2]);
        plain.predict_proba(q, &mut p0);
        balanced.predict_proba(q, &mut p1);
        assert!(p1[1] > p0[1], "{loss:?}: {p0:?} -> {p1:?}");
        assert_eq!((plain.predict(q), balanced.predict(q)), (0, 1), "{loss:?}");
    }
}

#[test]
fn probabilities_sum_to_one_even_for_extreme_inputs() {
    let (x, y) = random_problem(9, 200, 50, 8, 3);
    for loss in [Loss::Logistic, Loss::SquaredHinge] {
        let m = params(loss).fit(&x, &y, 3).unwrap();
        let huge = row(&[(0, 1e6), (1, -1e6), (7, 1e6), (49, 1e6), (60, 1e6)]);
        let overflow = row(&[(0, 3e38), (1, 3e38), (2, -3e38), (3, 3e38)]);
        for r in [&huge, &overflow, &row(&[])] {
            let mut p = [0f32; 3];
            m.predict_proba((&r.indices, &r.values), &mut p);
            assert!(
                p.iter().all(|v| v.is_finite() && (0.0..=1.0).contains(v)),
                "{p:?}"
            );
            assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5, "{p:?}");
        }
    }
    let mut v = [f32::INFINITY, 1.0, f32::INFINITY];
    softmax(&mut v);
    assert_eq!(v, [0.5, 0.0, 0.5]);
    let mut v = [f32::NAN, f32::NEG_INFINITY];
    softmax(&mut v);
    assert_eq!(v, [0.5, 0.5]);
}

#[test]
fn empty_class_and_unknown_features_are_harmless() {
    let (x, y) = random_problem(4, 100, 20, 5, 2); // labels 0 and 1 only
    for loss in [Loss::Logistic, Loss::SquaredHinge] {
        for class_weight in [ClassWeight::None, ClassWeight::Balanced] {
            let m = LinearParams {
                loss,
                class_weight,
                ..LinearParams::default()
            }
            .fit(&x, &y, 3)
            .unwrap();
            m.validate().unwrap();
            assert!(
                (0..x.n_rows()).all(|i| m.predict(x.row(i)) != 2),
                "{loss:?}"
            );
            let mut out = [0f32; 3];
            m.decision((&[3, 20, 1_000_000], &[1.0, 5.0, 5.0]), &mut out);
            let mut known = [0f32; 3];
            m.decision((&[3], &[1.0]), &mut known);
            assert_eq!(out, known);
        }
    }
}

#[test]
fn model_round_trips_through_json() {
    let (x, y) = random_problem(2, 50, 10, 4, 3);
    let m = params(Loss::Logistic).fit(&x, &y, 3).unwrap();
    let back: LinearModel = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
    assert_eq!(m, back);
    let mut broken = back;
    broken.weights.pop();
    assert!(broken.validate().is_err());
}
