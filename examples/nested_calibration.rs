//! How well does temperature scaling calibrate held-out probabilities?
//! Nested cross-validation on the project's training split.
//!
//! Outer K-fold as `stance eval --cv K` (same folds, same fold models).
//! For each outer fold k, an inner K-fold on the other folds gives their
//! out-of-fold scores; a temperature fitted on those alone rescales fold
//! k's probabilities. That is what a model trained on the other folds and
//! calibrated from its own out-of-fold scores gives fold k: no label of
//! fold k touches its calibration, not even through the inner models.
//! Prints ECE, Brier and NLL uncalibrated, nested and cross-fitted (the
//! cheaper estimate `stance eval --cv` shows) for stance and sentiment.
//!
//! cargo run --release --example nested_calibration -- [K] [--logistic]
//!
//! Run from the project folder (reads stance.toml); stance SVM C = 0.1
//! (the shipped settings) unless `--logistic` (C = 1); sentiment C = 1, as
//! the CLI's default --sentiment-c.

use stance::dataset::{Dataset, read_data};
use stance::eval::{BINS, CalibrationScores, calibration_scores};
use stance::labels::splits::Split;
use stance::linear::Loss;
use stance::model::TrainParams;
use stance::model::calibrate::{cross_fit, fit_temperature, log_scores, rescale};
use stance::model::evaluate::cross_validate;
use stance::progress::Silent;
use stance::project::{Project, ProjectUnits};

const SEED: u64 = 42;

fn main() -> stance::Result<()> {
    let mut args = std::env::args().skip(1);
    let k: usize = args.next().map_or(5, |s| s.parse().expect("K"));
    let logistic = args.any(|a| a == "--logistic");
    let project = Project::discover(None)?.expect("run from the project folder");
    let (present, absent) = project.present_corpora()?;
    let units = ProjectUnits::read(&present, &absent);
    let opts = stance::dataset::DataOptions {
        kinds: vec![],
        split: Some(Split::Train),
        splits: project.split_rule()?,
        set_aside_unknown_docs: !units.absent.is_empty(),
        actors: None,
    };
    let data = read_data(std::slice::from_ref(&project.labels), &units.units, &opts);
    let actors = stance::actors::ActorSet::from_file(&project.actors)?;
    let toml = std::fs::read_to_string(&project.actors).expect("actors file");
    let (loss, c) = if logistic {
        (Loss::Logistic, 1.0)
    } else {
        (Loss::SquaredHinge, 0.1)
    };
    // As `stance eval --cv --model-kind svm --c 0.1`: --sentiment-c stays 1.
    let mut params = TrainParams::linear(loss, c);
    params.sentiment.c = 1.0;
    eprintln!(
        "{} stance, {} sentiment examples; {k}-fold outer and inner",
        data.stance.len(),
        data.sentiment.len()
    );
    let outer = cross_validate(&data, &actors, &toml, &params, k, SEED, &Silent)?;
    let mut nested_stance = outer.stance_proba.clone();
    let mut nested_sentiment = outer.sentiment_proba.clone();
    for fold in 0..k {
        let rest = Dataset {
            stance: data
                .stance
                .iter()
                .zip(&outer.stance_fold)
                .filter(|(_, f)| **f != fold)
                .map(|(e, _)| e.clone())
                .collect(),
            sentiment: data
                .sentiment
                .iter()
                .zip(&outer.sentiment_fold)
                .filter(|(_, f)| **f != fold)
                .map(|(e, _)| e.clone())
                .collect(),
            ..Dataset::default()
        };
        let inner = cross_validate(&rest, &actors, &toml, &params, k, SEED, &Silent)?;
        let fit = |p: &[[f32; 3]], g: &[usize]| {
            fit_temperature(&p.iter().map(log_scores).collect::<Vec<_>>(), g)
        };
        let ts = fit(&inner.stance_proba, &inner.stance_gold);
        let tm = fit(&inner.sentiment_proba, &inner.sentiment_gold);
        eprintln!("outer fold {fold}: T stance {ts:.3}, sentiment {tm:.3}");
        for (p, f) in nested_stance.iter_mut().zip(&outer.stance_fold) {
            if *f == fold {
                *p = rescale(p, ts);
            }
        }
        for (p, f) in nested_sentiment.iter_mut().zip(&outer.sentiment_fold) {
            if *f == fold {
                *p = rescale(p, tm);
            }
        }
    }
    let row = |name: &str, s: &CalibrationScores| {
        println!(
            "{name:<28} {:>6.4} {:>6.4} {:>6.4} {:>6.4}",
            s.ece, s.brier, s.nll, s.confidence
        );
    };
    for (task, proba, nested, gold, folds) in [
        (
            "stance",
            &outer.stance_proba,
            &nested_stance,
            &outer.stance_gold,
            &outer.stance_fold,
        ),
        (
            "sentiment",
            &outer.sentiment_proba,
            &nested_sentiment,
            &outer.sentiment_gold,
            &outer.sentiment_fold,
        ),
    ] {
        let acc = calibration_scores(proba, gold, BINS).accuracy;
        println!("{task} (n = {}, accuracy {acc:.4})", gold.len());
        println!(
            "{:<28} {:>6} {:>6} {:>6} {:>6}",
            "", "ECE", "Brier", "NLL", "conf"
        );
        row("uncalibrated", &calibration_scores(proba, gold, BINS));
        row(
            "nested temperature",
            &calibration_scores(nested, gold, BINS),
        );
        let (cf, _) = cross_fit(proba, gold, folds);
        row(
            "cross-fitted (eval --cv)",
            &calibration_scores(&cf, gold, BINS),
        );
    }
    Ok(())
}
