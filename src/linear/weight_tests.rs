//! Tests of per-sample weights: no weights and all-ones weights train the
//! same bytes, an integer weight is the row repeated, weight 0 is the row
//! dropped, bad weights are refused, and weighted training stays
//! independent of the thread count.

use super::tests::{Rng, assert_gradient_matches, random_problem, row};
use super::*;

fn bits(m: &LinearModel) -> Vec<u32> {
    m.weights
        .iter()
        .chain(&m.bias)
        .map(|v| v.to_bits())
        .collect()
}

/// Tightly converged so two formulations of one objective meet.
fn tight(loss: Loss, class_weight: ClassWeight) -> LinearParams {
    LinearParams {
        loss,
        class_weight,
        tol: 1e-10,
        max_iter: 5_000,
        ..LinearParams::default()
    }
}

fn assert_close(a: &LinearModel, b: &LinearModel, tol: f32, what: &str) {
    assert_eq!(a.weights.len(), b.weights.len());
    for (j, (p, q)) in a
        .weights
        .iter()
        .chain(&a.bias)
        .zip(b.weights.iter().chain(&b.bias))
        .enumerate()
    {
        assert!((p - q).abs() <= tol, "{what}: param {j}: {p} vs {q}");
    }
}

#[test]
fn no_weights_and_unit_weights_give_identical_bytes() {
    // More than one row chunk so the chunked sums are exercised.
    let (x, y) = random_problem(21, objective::ROW_CHUNK + 200, 300, 12, 3);
    let ones = vec![1.0f32; x.n_rows()];
    for loss in [Loss::Logistic, Loss::SquaredHinge] {
        for cw in [ClassWeight::None, ClassWeight::Balanced] {
            let p = LinearParams {
                loss,
                class_weight: cw,
                max_iter: 40,
                ..LinearParams::default()
            };
            let plain = p.fit(&x, &y, 3).unwrap();
            let none = p.fit_weighted(&x, &y, 3, None).unwrap();
            let unit = p.fit_weighted(&x, &y, 3, Some(&ones)).unwrap();
            assert_eq!(bits(&plain), bits(&none), "{loss:?} {cw:?}");
            assert_eq!(bits(&plain), bits(&unit), "{loss:?} {cw:?}");
            assert_eq!(plain, unit);
        }
    }
}

#[test]
fn weight_two_equals_the_row_twice() {
    let (x, y) = random_problem(8, 80, 15, 5, 3);
    // Doubled rows: every third row.
    let doubled: Vec<usize> = (0..x.n_rows()).filter(|i| i % 3 == 0).collect();
    let sw: Vec<f32> = (0..x.n_rows())
        .map(|i| if i % 3 == 0 { 2.0 } else { 1.0 })
        .collect();
    let order: Vec<usize> = (0..x.n_rows()).chain(doubled.iter().copied()).collect();
    let (xd, yd) = (
        x.select(&order),
        order.iter().map(|&i| y[i]).collect::<Vec<_>>(),
    );
    for loss in [Loss::Logistic, Loss::SquaredHinge] {
        // Class weights None only: Balanced counts classes, so duplicating
        // rows changes them while weighting does not (sklearn semantics).
        let p = tight(loss, ClassWeight::None);
        let weighted = p.fit_weighted(&x, &y, 3, Some(&sw)).unwrap();
        let repeated = p.fit(&xd, &yd, 3).unwrap();
        assert_close(&weighted, &repeated, 1e-4, &format!("{loss:?}"));
        // And the weights matter: unweighted training differs.
        let plain = p.fit(&x, &y, 3).unwrap();
        let diff = plain
            .weights
            .iter()
            .zip(&weighted.weights)
            .map(|(a, b)| (a - b).abs())
            .fold(0f32, f32::max);
        assert!(diff > 1e-2, "{loss:?}: weights changed by only {diff}");
    }
}

#[test]
fn weight_zero_equals_dropping_the_row() {
    let (x, y) = random_problem(13, 90, 15, 5, 3);
    let sw: Vec<f32> = (0..x.n_rows())
        .map(|i| if i % 4 == 1 { 0.0 } else { 1.0 })
        .collect();
    let kept: Vec<usize> = (0..x.n_rows()).filter(|i| i % 4 != 1).collect();
    let (xk, yk) = (
        x.select(&kept),
        kept.iter().map(|&i| y[i]).collect::<Vec<_>>(),
    );
    for loss in [Loss::Logistic, Loss::SquaredHinge] {
        let p = tight(loss, ClassWeight::None);
        let weighted = p.fit_weighted(&x, &y, 3, Some(&sw)).unwrap();
        let dropped = p.fit(&xk, &yk, 3).unwrap();
        assert_close(&weighted, &dropped, 1e-4, &format!("{loss:?}"));
    }
}

#[test]
fn gradient_with_sample_weights_matches_finite_differences() {
    let (x, y) = random_problem(17, 30, 8, 4, 3);
    let mut rng = Rng(5);
    let sw: Vec<f32> = (0..x.n_rows()).map(|_| (rng.unit() * 3.0) as f32).collect();
    for loss in [Loss::Logistic, Loss::SquaredHinge] {
        let cw = class_weights(ClassWeight::Balanced, &y, 3);
        let mut obj = Objective::new(&x, &y, 3, cw, loss, 0.7, true).with_sample_weights(&sw);
        assert_gradient_matches(&mut obj, &mut rng, &format!("{loss:?}"));
    }
}

#[test]
fn weighted_training_is_deterministic_across_threads() {
    let (x, y) = random_problem(6, 2 * objective::ROW_CHUNK + 100, 9000, 20, 3);
    let mut rng = Rng(3);
    let sw: Vec<f32> = (0..x.n_rows()).map(|_| (rng.unit() * 2.0) as f32).collect();
    let p = LinearParams {
        max_iter: 25,
        class_weight: ClassWeight::Balanced,
        ..LinearParams::default()
    };
    let in_pool = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| p.fit_weighted(&x, &y, 3, Some(&sw)).unwrap())
    };
    let (one, two) = (in_pool(1), in_pool(2));
    assert_eq!(bits(&one), bits(&two));
    assert_ne!(bits(&one), bits(&p.fit(&x, &y, 3).unwrap()));
}

#[test]
fn bad_sample_weights_rejected() {
    let x = CsrMatrix::from_rows(2, [&row(&[(0, 1.0)]), &row(&[(1, 1.0)])]);
    let y = [0, 1];
    let d = LinearParams::default();
    let err = |sw: &[f32]| match d.fit_weighted(&x, &y, 2, Some(sw)) {
        Err(Error::Param(msg)) => msg,
        other => panic!("expected a parameter error for {sw:?}, got {other:?}"),
    };
    assert!(err(&[1.0]).contains("1 sample weights for 2 rows"));
    assert!(err(&[1.0, 1.0, 1.0]).contains("3 sample weights"));
    for bad in [-1.0, f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
        assert!(err(&[1.0, bad]).contains("row 1"), "{bad}");
    }
    assert!(err(&[0.0, 0.0]).contains("all sample weights are zero"));
    assert!(d.fit_weighted(&x, &y, 2, Some(&[0.0, 3.0])).is_ok());
}
