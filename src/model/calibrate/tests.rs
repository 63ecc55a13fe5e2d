use super::*;
use crate::eval::SplitMix64;
use crate::model::Calibration;

fn uniform(r: &mut SplitMix64) -> f64 {
    (r.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// `n` examples whose true log-odds are `z` (uniform in [0, 3) per class)
/// and whose gold class is drawn from softmax(z); the model reports
/// `z · t_true`, i.e. it is off by temperature `t_true`.
fn synthetic(n: usize, t_true: f64, seed: u64) -> (Vec<[f32; 3]>, Vec<usize>) {
    let mut rng = SplitMix64::new(seed);
    let mut scores = Vec::with_capacity(n);
    let mut gold = Vec::with_capacity(n);
    for _ in 0..n {
        let z = [0, 1, 2].map(|_| 3.0 * uniform(&mut rng));
        let e = z.map(f64::exp);
        let sum: f64 = e.iter().sum();
        let r = uniform(&mut rng) * sum;
        let g = if r < e[0] {
            0
        } else if r < e[0] + e[1] {
            1
        } else {
            2
        };
        scores.push(z.map(|x| (x * t_true) as f32));
        gold.push(g);
    }
    (scores, gold)
}

#[test]
fn recovers_a_known_temperature() {
    for (t_true, seed) in [(2.5, 1), (0.5, 2), (1.0, 3)] {
        let (s, g) = synthetic(20_000, t_true, seed);
        let t = f64::from(fit_temperature(&s, &g));
        assert!((t / t_true - 1.0).abs() < 0.05, "true {t_true}, fitted {t}");
        // A minimum: nudging T either way costs likelihood.
        let at = |x: f64| temperature_nll(&s, &g, x);
        assert!(at(t) <= at(t * 1.05) && at(t) <= at(t / 1.05));
    }
}

#[test]
fn deterministic_and_shift_invariant() {
    let (s, g) = synthetic(2_000, 2.0, 9);
    let t = fit_temperature(&s, &g);
    assert_eq!(t.to_bits(), fit_temperature(&s, &g).to_bits());
    // Log-probabilities of the uncalibrated model fit the same T as the
    // raw scores: softmax ignores a per-row shift.
    let logp: Vec<[f32; 3]> = s
        .iter()
        .map(|x| {
            let mut p = *x;
            crate::linear::softmax(&mut p);
            log_scores(&p)
        })
        .collect();
    let t2 = fit_temperature(&logp, &g);
    assert!((t - t2).abs() / t < 1e-3, "{t} vs {t2}");
}

#[test]
fn nothing_to_fit_gives_one_and_separable_data_hits_the_bound() {
    assert_eq!(fit_temperature(&[], &[]), 1.0);
    assert_eq!(fit_temperature(&[[0.5; 3], [2.0; 3]], &[0, 2]), 1.0);
    assert_eq!(fit_temperature(&[[f32::NAN, 0.0, 1.0]], &[0]), 1.0);
    // Gold always on top by a wide margin: sharper is always better, so T
    // goes to the lower end of the range and stays there.
    let s = vec![[5.0f32, 0.0, 0.0], [0.0, 5.0, 0.0], [0.0, 0.0, 5.0]];
    let t = f64::from(fit_temperature(&s, &[0, 1, 2]));
    assert!((t.ln() - LN_T_RANGE.0).abs() < 1e-4, "{t}");
    // A row with an infinite score is skipped, not fatal.
    let mut s2 = s.clone();
    s2.push([f32::NEG_INFINITY, 0.0, 0.0]);
    assert_eq!(
        fit_temperature(&s2, &[0, 1, 2, 0]),
        fit_temperature(&s, &[0, 1, 2])
    );
}

#[test]
fn calibrate_task_stores_the_fitted_temperature() {
    let (s, g) = synthetic(3_000, 3.0, 4);
    let points: Vec<OofPoint> = s
        .iter()
        .zip(&g)
        .enumerate()
        .map(|(i, (s, &g))| OofPoint {
            doc: format!("d{i}"),
            target: "*".into(),
            gold: g as u8,
            scores: *s,
        })
        .collect();
    let mut task = TaskModel {
        labels: vec!["a".into(), "b".into(), "c".into()],
        vocab: crate::features::Vocabulary::fit(std::iter::empty(), 1, true)
            .data()
            .clone(),
        heads: vec![],
        calibration: Calibration::default(),
    };
    assert_eq!(calibrate_task(&mut task, &[]), 1.0);
    assert_eq!(task.calibration.temperature, 1.0);
    let t = calibrate_task(&mut task, &points);
    assert_eq!(task.calibration.temperature, t);
    assert_eq!(t, fit_temperature(&s, &g));
    assert!((2.7..3.3).contains(&t), "{t}");
}

#[test]
fn cross_fitting_uses_only_the_other_folds() {
    let (s, g) = synthetic(3_000, 2.0, 5);
    let proba: Vec<[f32; 3]> = s
        .iter()
        .map(|x| {
            let mut p = *x;
            crate::linear::softmax(&mut p);
            p
        })
        .collect();
    let folds: Vec<usize> = (0..s.len()).map(|i| i % 3).collect();
    let (out, temps) = cross_fit(&proba, &g, &folds);
    assert_eq!(temps.len(), 3);
    for (f, &t) in temps.iter().enumerate() {
        let (ps, pg): (Vec<[f32; 3]>, Vec<usize>) = proba
            .iter()
            .zip(&g)
            .zip(&folds)
            .filter(|(_, x)| **x != f)
            .map(|((p, g), _)| (log_scores(p), *g))
            .unzip();
        assert_eq!(t, fit_temperature(&ps, &pg));
    }
    let argmax = crate::model::evaluate::argmax;
    for (i, (a, b)) in proba.iter().zip(&out).enumerate() {
        assert_eq!(argmax(a), argmax(b), "row {i}");
        assert_eq!(b, &rescale(a, temps[folds[i]]));
    }
    // Over-confident by 2: the recalibrated probabilities are better.
    let before = calibration_scores(&proba, &g, BINS);
    let after = calibration_scores(&out, &g, BINS);
    assert!(
        after.ece < before.ece / 2.0,
        "{} → {}",
        before.ece,
        after.ece
    );
    assert!(after.nll < before.nll);
    let r = calibration_report(&proba, &g, &folds, &ProbaSource::default());
    assert_eq!(r.scores, before);
    assert_eq!(r.cross_fitted.unwrap().scores, after);
    assert!(
        calibration_report(&proba, &g, &[], &ProbaSource::default())
            .cross_fitted
            .is_none()
    );
}

#[test]
fn descriptions_say_what_the_numbers_are() {
    let svm = ProbaSource {
        svm: true,
        temperatures: vec![1.0],
        folds: None,
    };
    assert!(
        svm.describe()
            .starts_with("uncalibrated softmax of SVM margins")
    );
    let cal = ProbaSource {
        temperatures: vec![1.25],
        ..svm.clone()
    };
    assert!(
        cal.describe()
            .contains("calibrated by temperature T = 1.250 fitted on out-of-fold")
    );
    let cv = ProbaSource {
        svm: false,
        temperatures: vec![1.0; 5],
        folds: Some(5),
    };
    assert!(
        cv.describe()
            .starts_with("out-of-fold, from 5 fold models: logistic")
    );
}
