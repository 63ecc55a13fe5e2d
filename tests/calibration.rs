//! Calibrated probabilities: temperature fitted on out-of-fold scores of
//! real data (the seed paragraphs), applied by scoring, and reported by
//! `stance eval`.

mod common;

use common::*;
use stance::actors::ActorSet;
use stance::dataset::Dataset;
use stance::eval::{BINS, calibration_scores};
use stance::linear::Loss;
use stance::model::calibrate::{calibrate_task, log_scores, rescale};
use stance::model::evaluate::{argmax, cross_validate};
use stance::model::predict::Scratch;
use stance::model::{OofPoint, StanceModel, TrainParams, train};

fn seed_paragraphs() -> (Dataset, ActorSet, String) {
    let data = seed_paragraph_data();
    let path = root().join("labels/actors.toml");
    let toml = std::fs::read_to_string(&path).unwrap();
    (data, ActorSet::from_file(&path).unwrap(), toml)
}

fn svm() -> TrainParams {
    TrainParams::linear(Loss::SquaredHinge, 0.1)
}

/// Out-of-fold points from cross-validation, as training will store them:
/// log-probabilities of the uncalibrated fold models (softmax ignores the
/// per-row shift, so they act as the margins would).
#[test]
fn temperature_fitted_out_of_fold_lowers_ece_and_scoring_applies_it() {
    let (data, actors, toml) = seed_paragraphs();
    let params = svm();
    let p = cross_validate(
        &data,
        &actors,
        &toml,
        &params,
        5,
        42,
        &stance::progress::Silent,
    )
    .unwrap();
    let points: Vec<OofPoint> = p
        .stance_proba
        .iter()
        .zip(&p.stance_gold)
        .zip(&p.targets)
        .map(|((q, &g), t)| OofPoint {
            doc: String::new(),
            target: t.clone(),
            gold: g as u8,
            scores: log_scores(q),
        })
        .collect();

    let mut model = train(
        &data,
        &actors,
        &toml,
        &params,
        vec![],
        &stance::progress::Silent,
    )
    .unwrap();
    let before = StanceModel::from_data(model.clone()).unwrap();
    let t = calibrate_task(model.stance.as_mut().unwrap(), &points);
    assert_ne!(t, 1.0);
    assert_eq!(model.stance.as_ref().unwrap().calibration.temperature, t);

    // On the out-of-fold set the fitted temperature gives better
    // calibrated probabilities (in-sample for T: one parameter).
    let raw = calibration_scores(&p.stance_proba, &p.stance_gold, BINS);
    let scaled: Vec<[f32; 3]> = p.stance_proba.iter().map(|q| rescale(q, t)).collect();
    let cal = calibration_scores(&scaled, &p.stance_gold, BINS);
    eprintln!(
        "T = {t}: ECE {:.4} → {:.4}, NLL {:.4} → {:.4}",
        raw.ece, cal.ece, raw.nll, cal.nll
    );
    assert!(cal.ece < raw.ece, "ECE {} → {}", raw.ece, cal.ece);
    assert!(cal.nll < raw.nll, "NLL {} → {}", raw.nll, cal.nll);
    assert_eq!(raw.accuracy, cal.accuracy);

    // Scoring applies the temperature on both paths (one row per actor in
    // score_unit, one row per call in stance_proba); labels stay.
    let after = StanceModel::from_data(model).unwrap();
    let (mut s, mut a, mut b) = (Scratch::default(), Vec::new(), Vec::new());
    for e in data.stance.iter().take(60) {
        before.stance_proba(&e.text, &e.target, e.span, &mut s, &mut a);
        after.stance_proba(&e.text, &e.target, e.span, &mut s, &mut b);
        assert_eq!(argmax(&a), argmax(&b));
        let want = rescale(&[a[0], a[1], a[2]], t);
        for (x, y) in want.iter().zip(&b) {
            assert!((x - y).abs() < 1e-4, "{want:?} vs {b:?}");
        }
        let u0 = before.score_unit(&e.text, &mut s);
        let u1 = after.score_unit(&e.text, &mut s);
        for ((_, p0), (_, p1)) in u0.actors.iter().zip(&u1.actors) {
            assert_eq!(argmax(p0), argmax(p1));
            let want = rescale(&[p0[0], p0[1], p0[2]], t);
            for (x, y) in want.iter().zip(p1) {
                assert!((x - y).abs() < 1e-4, "{want:?} vs {p1:?}");
            }
        }
        // Sentiment was not calibrated: unchanged, bit for bit.
        assert_eq!(u0.sentiment, u1.sentiment);
    }
}

#[test]
fn a_model_with_a_bad_temperature_is_refused() {
    let (data, actors, toml) = seed_paragraphs();
    let mut model = train(
        &data,
        &actors,
        &toml,
        &svm(),
        vec![],
        &stance::progress::Silent,
    )
    .unwrap();
    for t in [0.0, -1.0, f32::NAN, f32::INFINITY] {
        model.stance.as_mut().unwrap().calibration.temperature = t;
        let err = StanceModel::from_data(model.clone())
            .err()
            .expect("refused");
        assert!(err.to_string().contains("temperature"), "{err}");
    }
}

fn eval_json(args: &[&str]) -> serde_json::Value {
    let o = stance(args);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_str(stdout(&o).trim()).unwrap()
}

/// Checks one task's calibration object: figures in range, bins covering
/// [0, 1] and counting every example.
fn check_calibration(c: &serde_json::Value, n: u64) {
    let ece = c["ece"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&ece), "{c}");
    assert!((0.0..=2.0).contains(&c["brier"].as_f64().unwrap()));
    assert!(c["nll"].as_f64().unwrap() >= 0.0);
    assert_eq!(c["n"], n);
    let bins = c["reliability"].as_array().unwrap();
    assert_eq!(bins.len(), BINS);
    assert_eq!(
        bins.iter().map(|b| b["n"].as_u64().unwrap()).sum::<u64>(),
        n
    );
    assert_eq!(bins[0]["lo"], 0.0);
    assert_eq!(bins[BINS - 1]["hi"], 1.0);
}

#[test]
fn eval_reports_calibration_of_the_shipped_model() {
    let v = eval_json(&[
        "eval",
        "--model",
        "models/default.model",
        "--data",
        "labels/",
        "--json",
    ]);
    let n = v["n"].as_u64().unwrap();
    check_calibration(&v["calibration"], n);
    check_calibration(
        &v["sentiment"]["calibration"],
        v["sentiment"]["n"].as_u64().unwrap(),
    );
    // The shipped model is calibrated (`stance train --oof-folds 5`): said
    // so, and no cross-fitting outside cross-validation.
    let what = v["calibration"]["probabilities"].as_str().unwrap();
    assert!(
        what.contains("calibrated by temperature") && what.contains("out-of-fold"),
        "{what}"
    );
    assert!(v["calibration"].get("cross_fitted").is_none());
    // Accuracy from the probabilities is the report's accuracy.
    let acc = v["calibration"]["accuracy"].as_f64().unwrap();
    assert!((acc - v["accuracy"].as_f64().unwrap()).abs() < 1e-12);

    let o = stance(&[
        "eval",
        "--model",
        "models/default.model",
        "--data",
        "labels/",
    ]);
    let text = stdout(&o);
    assert!(
        text.contains("probabilities: logistic-regression probabilities calibrated by temperature"),
        "{text}"
    );
    assert!(text.contains("ECE") && text.contains("Brier") && text.contains("NLL"));
}

#[test]
fn cross_validation_reports_cross_fitted_temperatures() {
    let v = eval_json(&[
        "eval",
        "--cv",
        "4",
        "--model-kind",
        "svm",
        "--c",
        "0.1",
        "--data",
        "tests/fixtures/newsmtsc_small.jsonl",
        "--json",
    ]);
    let c = &v["calibration"];
    check_calibration(c, 120);
    let what = c["probabilities"].as_str().unwrap();
    assert!(
        what.starts_with("out-of-fold, from 4 fold models: uncalibrated"),
        "{what}"
    );
    let x = &c["cross_fitted"];
    check_calibration(x, 120);
    let temps = x["temperatures"].as_array().unwrap();
    assert_eq!(temps.len(), 4);
    assert!(temps.iter().all(|t| t.as_f64().unwrap() > 0.0));
    // Recalibration keeps every predicted class.
    assert_eq!(x["accuracy"], c["accuracy"]);
}
