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
    let r = calibration_report(&proba, &g, &folds, &[], &ProbaSource::default());
    assert_eq!(r.scores, before);
    assert_eq!(r.cross_fitted.unwrap().scores, after);
    assert!(
        calibration_report(&proba, &g, &[], &[], &ProbaSource::default())
            .cross_fitted
            .is_none()
    );
}

#[test]
fn descriptions_say_what_the_numbers_are() {
    let svm = ProbaSource {
        svm: true,
        temperatures: vec![1.0],
        per_target: vec![],
        per_target_heads: false,
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
        per_target: vec![],
        per_target_heads: false,
        folds: Some(5),
    };
    assert!(
        cv.describe()
            .starts_with("out-of-fold, from 5 fold models: logistic")
    );
}

/// OOF points of `target`: `n` examples off by temperature `t_true`.
fn points_of(target: &str, n: usize, t_true: f64, seed: u64) -> Vec<OofPoint> {
    let (s, g) = synthetic(n, t_true, seed);
    s.iter()
        .zip(&g)
        .map(|(s, &g)| OofPoint {
            doc: String::new(),
            target: target.into(),
            gold: g as u8,
            scores: *s,
        })
        .collect()
}

fn task_with_heads(heads: &[&str]) -> TaskModel {
    let head = crate::linear::LinearModel {
        n_features: 0,
        n_classes: 3,
        weights: vec![],
        bias: vec![0.0; 3],
        loss: crate::linear::Loss::Logistic,
        iterations: 0,
        converged: true,
    };
    TaskModel {
        labels: vec!["a".into(), "b".into(), "c".into()],
        vocab: crate::features::Vocabulary::fit(std::iter::empty(), 1, true)
            .data()
            .clone(),
        heads: heads
            .iter()
            .map(|h| (h.to_string(), head.clone()))
            .collect(),
        calibration: Calibration::default(),
    }
}

#[test]
fn each_target_head_gets_its_own_temperature_when_it_has_enough_points() {
    // A's scores are over-confident (3× the true log-odds: T > 1 undoes
    // it), B's under-confident (0.5×: T < 1); C has too few points, D one
    // class only, E no head at all.
    let mut points = points_of("A", 3_000, 3.0, 11);
    points.extend(points_of("B", 3_000, 0.5, 12));
    points.extend(points_of("C", MIN_TARGET_POINTS - 1, 3.0, 13));
    points.extend(
        points_of("D", 200, 3.0, 14)
            .into_iter()
            .map(|p| OofPoint { gold: 0, ..p }),
    );
    points.extend(points_of("E", 500, 3.0, 15));
    let mut task = task_with_heads(&[crate::model::POOLED, "B", "A", "C", "D"]);
    let t = calibrate_task(&mut task, &points);
    let cal = &task.calibration;
    assert_eq!(cal.temperature, t);
    // The task-wide T is the one fitted on all points, as before.
    let all: (Vec<[f32; 3]>, Vec<usize>) = points
        .iter()
        .map(|p| (p.scores, usize::from(p.gold)))
        .unzip();
    assert_eq!(t, fit_temperature(&all.0, &all.1));
    // Head order; only the targets with enough points of two classes.
    let names: Vec<&str> = cal.per_target.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(names, ["B", "A"]);
    let (ta, tb) = (cal.temperature_of("A"), cal.temperature_of("B"));
    assert!((2.7..3.3).contains(&ta), "A: {ta}");
    assert!((0.45..0.55).contains(&tb), "B: {tb}");
    assert!(ta > t && t > tb, "A {ta}, task {t}, B {tb}");
    // Each is the fit on that target's points alone.
    let own: (Vec<[f32; 3]>, Vec<usize>) = points
        .iter()
        .filter(|p| p.target == "A")
        .map(|p| (p.scores, usize::from(p.gold)))
        .unzip();
    assert_eq!(ta, fit_temperature(&own.0, &own.1));
    for fallback in ["C", "D", "E", crate::model::POOLED] {
        assert_eq!(cal.temperature_of(fallback), t, "{fallback}");
    }
    assert!(
        cal.describe().starts_with(&format!(
            "{t:.3} (pooled); per target: B {tb:.3}, A {ta:.3}"
        )),
        "{}",
        cal.describe()
    );
}

#[test]
fn the_minimum_is_a_hundred_usable_points_of_two_classes() {
    let (s, g) = synthetic(MIN_TARGET_POINTS, 1.0, 21);
    assert!(enough_to_fit(&s, &g));
    assert!(!enough_to_fit(&s[1..], &g[1..]));
    // A row with a NaN is not usable, so does not count.
    let mut s2 = s.clone();
    s2[0] = [f32::NAN, 0.0, 0.0];
    assert!(!enough_to_fit(&s2, &g));
    let one_class = vec![1; g.len()];
    assert!(!enough_to_fit(&s, &one_class));
}

#[test]
fn a_pooled_task_keeps_one_temperature() {
    let mut points = points_of("A", 1_000, 3.0, 31);
    points.extend(points_of("B", 1_000, 0.5, 32));
    let mut task = task_with_heads(&[crate::model::POOLED]);
    let t = calibrate_task(&mut task, &points);
    assert_eq!(task.calibration, Calibration::uniform(t));
    assert_eq!(task.calibration.describe(), format!("{t:.3}"));
    // So its probabilities are what one temperature gives, bit for bit.
    let mut a = [0.3f32, -1.2, 2.0];
    let mut b = a;
    task.calibration.apply_for("A", &mut a);
    crate::model::apply_temperature(t, &mut b);
    assert_eq!(a.map(f32::to_bits), b.map(f32::to_bits));
}

#[test]
fn per_target_temperatures_are_described() {
    let src = ProbaSource {
        svm: true,
        temperatures: vec![0.87],
        per_target: vec![("A".into(), 0.91), ("B".into(), 1.2)],
        per_target_heads: true,
        folds: None,
    };
    let d = src.describe();
    assert!(
        d.starts_with("softmax of SVM margins calibrated by temperatures fitted on out-of-fold"),
        "{d}"
    );
    assert!(
        d.ends_with("T = 0.870 (pooled); per target: A 0.910, B 1.200"),
        "{d}"
    );
    // Per-target temperatures make a model calibrated even when the
    // task-wide one happens to be 1.
    let one = ProbaSource {
        temperatures: vec![1.0],
        ..src
    };
    assert!(!one.describe().contains("uncalibrated"));
}

#[test]
fn cross_fitting_by_target_fits_each_target_on_the_other_folds() {
    // A over-confident, B under-confident, C too rare for its own T.
    let mut points = points_of("A", 1_500, 3.0, 41);
    points.extend(points_of("B", 1_500, 0.5, 42));
    points.extend(points_of("C", 60, 3.0, 43));
    let proba: Vec<[f32; 3]> = points
        .iter()
        .map(|p| {
            let mut q = p.scores;
            crate::linear::softmax(&mut q);
            q
        })
        .collect();
    let gold: Vec<usize> = points.iter().map(|p| usize::from(p.gold)).collect();
    let targets: Vec<String> = points.iter().map(|p| p.target.clone()).collect();
    let folds: Vec<usize> = (0..points.len()).map(|i| i % 3).collect();
    let (out, temps) = cross_fit_by_target(&proba, &gold, &folds, Some(&targets));
    let (pooled, pooled_temps) = cross_fit(&proba, &gold, &folds);
    assert_eq!(temps, pooled_temps);
    let fit_on = |target: &str, fold: usize| {
        let (s, g): (Vec<[f32; 3]>, Vec<usize>) = (0..points.len())
            .filter(|&i| targets[i] == target && folds[i] != fold)
            .map(|i| (log_scores(&proba[i]), gold[i]))
            .unzip();
        fit_temperature(&s, &g)
    };
    for i in [0, 1, 2, 1_500, 1_501, 1_502, 3_000, 3_001, 3_002] {
        let f = folds[i];
        let want = match targets[i].as_str() {
            "C" => temps[f],
            t => fit_on(t, f),
        };
        assert_eq!(out[i], rescale(&proba[i], want), "row {i}");
    }
    assert!(fit_on("A", 0) > temps[0] && temps[0] > fit_on("B", 0));
    // Per target beats one T for all when the targets differ.
    let per = calibration_scores(&out, &gold, BINS);
    let one = calibration_scores(&pooled, &gold, BINS);
    assert!(per.nll < one.nll, "{} vs {}", per.nll, one.nll);
    // calibration_report cross-fits by target for a per-target model only.
    let src = ProbaSource {
        per_target_heads: true,
        ..ProbaSource::default()
    };
    let r = calibration_report(&proba, &gold, &folds, &targets, &src);
    let x = r.cross_fitted.unwrap();
    assert_eq!(x.scores, per);
    assert!(x.probabilities.contains("per-target heads"));
    let r = calibration_report(&proba, &gold, &folds, &targets, &ProbaSource::default());
    assert_eq!(r.cross_fitted.unwrap().scores, one);
}
