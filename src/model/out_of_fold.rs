//! Filling a model's out-of-fold scores from a cross-validation of the data
//! it was trained on, so quantification has error rates from examples no
//! fold's model saw.
//!
//! `stance train --oof-folds K` calls [`fill_and_calibrate`]: the
//! out-of-fold scores are what each task's temperatures (task-wide, and per
//! target head where a target has enough points) are fitted on and
//! what `stance report` takes the classifier's error rates from.
//! `cross_validate` keeps probabilities, not decision values, so the stored
//! scores are their logarithms; softmax is shift-invariant, so temperature
//! scaling of `ln p` is temperature scaling of the decision values.
//!
//! [`ModelMeta::out_of_fold`]: super::ModelMeta::out_of_fold

use super::calibrate::calibrate_task;
use super::evaluate::{cross_validate_with, is_held};
use super::{ModelData, OofPoint, OutOfFold};
use crate::actors::ActorSet;
use crate::dataset::Dataset;
use crate::error::{Error, Result};
use crate::progress::Silent;
use crate::report::quantify::rates::doc_of;

/// Log of a probability, floored so a zero stays finite.
fn ln_floor(p: f32) -> f32 {
    p.max(1e-30).ln()
}

/// Cross-validates `model`'s training settings on `data` (`k` folds grouped
/// by unit, `seed`) and stores the out-of-fold stance and sentiment scores
/// in its metadata. Each point's document is the part of the example id
/// before the first `/` (label CSVs: the doc_id; other data: `""`).
pub fn fill_out_of_fold(model: &mut ModelData, data: &Dataset, k: usize, seed: u64) -> Result<()> {
    fill_out_of_fold_with(model, data, &[], k, seed)
}

/// [`fill_out_of_fold`] where the examples of the sources in
/// `always_train` (external data sets) train every fold and get no
/// out-of-fold score: the error rates are the project's own data's.
pub fn fill_out_of_fold_with(
    model: &mut ModelData,
    data: &Dataset,
    always_train: &[String],
    k: usize,
    seed: u64,
) -> Result<()> {
    let actors = ActorSet::from_toml(&model.actors_toml)
        .map_err(|(_, m)| Error::Model(format!("the model's actors file is invalid: {m}")))?;
    let p = cross_validate_with(
        data,
        always_train,
        &actors,
        &model.actors_toml,
        &model.meta.params,
        k,
        seed,
        &Silent,
    )?;
    let stance = data
        .stance
        .iter()
        .filter(|e| is_held(e, always_train))
        .zip(&p.stance_proba)
        .zip(&p.stance_gold)
        .map(|((e, proba), &gold)| OofPoint {
            doc: doc_of(&e.id).to_string(),
            target: e.target.clone(),
            gold: gold as u8,
            scores: proba.map(ln_floor),
        })
        .collect();
    let sentiment = data
        .sentiment
        .iter()
        .zip(&p.sentiment_proba)
        .zip(&p.sentiment_gold)
        .map(|((e, proba), &gold)| OofPoint {
            doc: doc_of(&e.id).to_string(),
            target: super::POOLED.to_string(),
            gold: gold as u8,
            scores: proba.map(ln_floor),
        })
        .collect();
    model.meta.out_of_fold = Some(OutOfFold {
        folds: k,
        stance,
        sentiment,
    });
    Ok(())
}

/// Out-of-fold folds of `stance train` when none are asked for.
pub const DEFAULT_OOF_FOLDS: usize = 5;

/// The out-of-fold folds `stance train` uses on `data`: `requested`, else
/// [`DEFAULT_OOF_FOLDS`] unless the data has fewer units (the examples'
/// groups) than that, when it is `Err(units)`: out-of-fold scores are
/// skipped and the probabilities left uncalibrated.
pub fn oof_folds(data: &Dataset, requested: Option<usize>) -> std::result::Result<usize, usize> {
    if let Some(k) = requested {
        return Ok(k);
    }
    let units = data
        .stance
        .iter()
        .map(|e| e.group)
        .collect::<std::collections::HashSet<_>>()
        .len();
    if units < DEFAULT_OOF_FOLDS {
        Err(units)
    } else {
        Ok(DEFAULT_OOF_FOLDS)
    }
}

/// Fills the out-of-fold scores, then fits each task's temperatures on
/// them (task-wide, and per target head where a target has enough points:
/// [`calibrate_task`]). Returns the stance and sentiment task-wide
/// temperatures; the per-target ones are in the tasks' `calibration`.
pub fn fill_and_calibrate(
    model: &mut ModelData,
    data: &Dataset,
    always_train: &[String],
    k: usize,
    seed: u64,
) -> Result<(Option<f32>, Option<f32>)> {
    fill_out_of_fold_with(model, data, always_train, k, seed)?;
    let oof = model.meta.out_of_fold.as_ref().expect("just filled");
    let t_stance = model
        .stance
        .as_mut()
        .map(|t| calibrate_task(t, &oof.stance));
    let t_sentiment = model
        .sentiment
        .as_mut()
        .map(|t| calibrate_task(t, &oof.sentiment));
    Ok((t_stance, t_sentiment))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::{Example, fnv1a};
    use crate::labels::Stance;
    use crate::model::{TrainParams, train};

    const ACTORS: &str = "[[actor]]\ncode = \"A\"\nname = \"Aland\"\nnames = [\"Aland\"]\n\n\
                          [[actor]]\ncode = \"B\"\nname = \"Bland\"\nnames = [\"Bland\"]\n";

    fn example(doc: &str, i: usize, target: &str, stance: Stance) -> Example {
        let word = match stance {
            Stance::Pro => "love",
            Stance::Anti => "hate",
            Stance::None => "saw",
        };
        let text = format!("We {word} {target}land number {i}");
        let id = format!("{doc}/u{i}");
        Example {
            group: fnv1a(id.as_bytes()),
            id,
            text,
            target: target.into(),
            span: None,
            stance,
            kind: None,
            probe_type: None,
            source: "labels".into(),
        }
    }

    #[test]
    fn out_of_fold_points_give_back_the_cross_validated_probabilities() {
        let mut data = Dataset::default();
        for i in 0..36 {
            let doc = if i < 18 { "d1" } else { "d2" };
            let target = if i % 2 == 0 { "A" } else { "B" };
            data.stance
                .push(example(doc, i, target, Stance::ALL[(i / 2) % 3]));
        }
        let actors = ActorSet::from_toml(ACTORS).unwrap();
        let params = TrainParams::default();
        let mut model = train(&data, &actors, ACTORS, &params, vec![], &Silent).unwrap();
        fill_out_of_fold(&mut model, &data, 3, 5).unwrap();
        let oof = model.meta.out_of_fold.as_ref().unwrap();
        assert_eq!(
            (oof.folds, oof.stance.len(), oof.sentiment.len()),
            (3, 36, 0)
        );
        let cv =
            crate::model::evaluate::cross_validate(&data, &actors, ACTORS, &params, 3, 5, &Silent)
                .unwrap();
        let cal = &model.stance.as_ref().unwrap().calibration;
        for (i, p) in oof.stance.iter().enumerate() {
            assert_eq!(p.doc, if i < 18 { "d1" } else { "d2" });
            assert_eq!(p.target, data.stance[i].target);
            assert_eq!(p.gold as usize, cv.stance_gold[i]);
            let mut s = p.scores;
            cal.apply_for(&p.target, &mut s);
            for k in 0..3 {
                assert!((s[k] - cv.stance_proba[i][k]).abs() < 1e-5, "{s:?}");
            }
        }
    }
}
