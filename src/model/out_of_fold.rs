//! Filling a model's out-of-fold scores from a cross-validation of the data
//! it was trained on, so quantification has error rates from examples no
//! fold's model saw.
//!
//! A minimal stand-in until training fills [`ModelMeta::out_of_fold`]
//! itself: `cross_validate` keeps probabilities, not decision values, so the
//! stored scores are their logarithms. With the default calibration
//! (temperature 1) `softmax(ln p) = p` gives the probabilities back exactly.
//!
//! [`ModelMeta::out_of_fold`]: super::ModelMeta::out_of_fold

use super::evaluate::cross_validate;
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
    let actors = ActorSet::from_toml(&model.actors_toml)
        .map_err(|(_, m)| Error::Param(format!("the model's actors file is invalid: {m}")))?;
    let p = cross_validate(
        data,
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
        let cv = cross_validate(&data, &actors, ACTORS, &params, 3, 5, &Silent).unwrap();
        let cal = model.stance.as_ref().unwrap().calibration;
        for (i, p) in oof.stance.iter().enumerate() {
            assert_eq!(p.doc, if i < 18 { "d1" } else { "d2" });
            assert_eq!(p.target, data.stance[i].target);
            assert_eq!(p.gold as usize, cv.stance_gold[i]);
            let mut s = p.scores;
            cal.apply(&mut s);
            for k in 0..3 {
                assert!((s[k] - cv.stance_proba[i][k]).abs() < 1e-5, "{s:?}");
            }
        }
    }
}
