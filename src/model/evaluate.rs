//! A model measured on labelled data: stance (pooled over targets, the
//! SemEval convention, and per target) and sentiment where the data has it.
//! Cross-validation refits features and heads inside every fold, so no
//! vocabulary or IDF statistic leaks from the held-out fold.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::calibrate::{ProbaSource, calibration_report};
use super::predict::Scratch;
use super::train::{TrainParams, sentiment_index, stance_index, train};
use super::{StanceModel, TaskModel};
use crate::actors::ActorSet;
use crate::dataset::Dataset;
use crate::error::Result;
use crate::eval::{Scores, bootstrap_units, score, score_by_group, stratified_group_folds};
use crate::labels::{Sentiment, Stance};
use crate::linear::Loss;
use crate::progress::Progress;

/// Gold and predicted classes, in example order.
#[derive(Debug, Clone, Default)]
pub struct Predictions {
    pub stance_gold: Vec<usize>,
    pub stance_pred: Vec<usize>,
    /// The model's stance probabilities of each example (as scoring gives
    /// them), in the order of [`Stance::ALL`].
    pub stance_proba: Vec<[f32; 3]>,
    pub targets: Vec<String>,
    /// The probe type of each stance example (behavioural test suites).
    pub probe_types: Vec<Option<String>>,
    /// The unit (text group) of each stance / sentiment example: the
    /// bootstrap resamples whole units. Empty: every example alone.
    pub stance_units: Vec<u64>,
    pub sentiment_units: Vec<u64>,
    pub sentiment_gold: Vec<usize>,
    pub sentiment_pred: Vec<usize>,
    pub sentiment_proba: Vec<[f32; 3]>,
    /// The fold of each example when the predictions are out-of-fold
    /// (empty otherwise): lets the report recalibrate fold by fold.
    pub stance_fold: Vec<usize>,
    pub sentiment_fold: Vec<usize>,
    /// What the probabilities are; `None` when the model lacks the task.
    pub stance_source: Option<ProbaSource>,
    pub sentiment_source: Option<ProbaSource>,
}

/// The three probabilities of a task's output (`[0; 3]` when the model
/// lacks the task, which argmax reads as the last class, none / neutral).
fn three(p: &[f32]) -> [f32; 3] {
    let mut out = [0.0; 3];
    if p.len() == 3 {
        out.copy_from_slice(p);
    } else {
        out[2] = 1.0;
    }
    out
}

/// What `stance eval --json` prints: the stance scores at the top level,
/// per-target scores, per-probe-type scores when the data carries a `type`
/// (behavioural test suites), and sentiment scores when the data has
/// sentiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalReport {
    #[serde(flatten)]
    pub stance: Scores,
    pub per_target: BTreeMap<String, Scores>,
    /// One entry per probe type, over the examples of that type only
    /// (examples without a type are in no entry). Point scores: a probe
    /// suite is a fixed checklist, not a sample to put intervals on.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub per_type: BTreeMap<String, Scores>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<Scores>,
}

/// pro and anti: the classes F_avg averages.
pub(crate) const POLAR: Option<(usize, usize)> = Some((0, 1));

/// Index of the largest probability (the first on ties).
pub fn argmax(p: &[f32]) -> usize {
    let mut best = 0;
    for (i, v) in p.iter().enumerate() {
        if *v > p[best] {
            best = i;
        }
    }
    best
}

/// What `model`'s probabilities for `task` are (one of its tasks).
fn source(task: Option<&TaskModel>, loss: Loss) -> Option<ProbaSource> {
    task.map(|t| ProbaSource {
        svm: loss == Loss::SquaredHinge,
        temperatures: vec![t.calibration.temperature],
        per_target: t.calibration.per_target.clone(),
        per_target_heads: t.heads.len() > 1,
        folds: None,
    })
}

/// Predicts every example of `data` with `model`.
pub fn predict(model: &StanceModel, data: &Dataset) -> Predictions {
    let stance_proba: Vec<[f32; 3]> = data
        .stance
        .par_iter()
        .map_init(
            || (Scratch::default(), Vec::new()),
            |(s, p), e| {
                model.stance_proba(&e.text, &e.target, e.span, s, p);
                three(p)
            },
        )
        .collect();
    let sentiment_proba: Vec<[f32; 3]> = data
        .sentiment
        .par_iter()
        .map_init(
            || (Scratch::default(), Vec::new()),
            |(s, p), e| {
                if !model.sentiment_proba(&e.text, s, p) {
                    p.clear();
                }
                three(p)
            },
        )
        .collect();
    Predictions {
        stance_gold: data.stance.iter().map(|e| stance_index(e.stance)).collect(),
        stance_pred: stance_proba.iter().map(|p| argmax(p)).collect(),
        stance_proba,
        targets: data.stance.iter().map(|e| e.target.clone()).collect(),
        probe_types: data.stance.iter().map(|e| e.probe_type.clone()).collect(),
        stance_units: data.stance.iter().map(|e| e.group).collect(),
        sentiment_units: data.sentiment.iter().map(|e| e.group).collect(),
        sentiment_gold: data
            .sentiment
            .iter()
            .map(|e| sentiment_index(e.sentiment))
            .collect(),
        sentiment_pred: sentiment_proba.iter().map(|p| argmax(p)).collect(),
        sentiment_proba,
        stance_fold: Vec::new(),
        sentiment_fold: Vec::new(),
        stance_source: source(
            model.data().stance.as_ref(),
            model.data().meta.params.stance.loss,
        ),
        sentiment_source: source(
            model.data().sentiment.as_ref(),
            model.data().meta.params.sentiment.loss,
        ),
    }
}

/// Scores predictions; `bootstrap_rounds > 0` adds 95% intervals. Pooled
/// stance and sentiment also get calibration figures of their
/// probabilities (cross-fitted ones too when the predictions are
/// out-of-fold).
pub fn report(p: &Predictions, bootstrap_rounds: usize, seed: u64) -> EvalReport {
    let mut stance = score(&p.stance_gold, &p.stance_pred, &Stance::NAMES, POLAR);
    let groups: Vec<&str> = p.targets.iter().map(String::as_str).collect();
    let mut per_target = score_by_group(
        &p.stance_gold,
        &p.stance_pred,
        &groups,
        &Stance::NAMES,
        POLAR,
    );
    let per_type = per_type(p);
    let mut sentiment = (!p.sentiment_gold.is_empty()).then(|| {
        score(
            &p.sentiment_gold,
            &p.sentiment_pred,
            &Sentiment::NAMES,
            None,
        )
    });
    if bootstrap_rounds > 0 {
        stance.intervals = Some(bootstrap_units(
            &p.stance_gold,
            &p.stance_pred,
            &p.stance_units,
            &Stance::NAMES,
            POLAR,
            bootstrap_rounds,
            seed,
        ));
        for (t, s) in per_target.iter_mut() {
            let idx: Vec<usize> = (0..groups.len()).filter(|&i| groups[i] == t).collect();
            let g: Vec<usize> = idx.iter().map(|&i| p.stance_gold[i]).collect();
            let q: Vec<usize> = idx.iter().map(|&i| p.stance_pred[i]).collect();
            let u: Vec<u64> = if p.stance_units.is_empty() {
                Vec::new()
            } else {
                idx.iter().map(|&i| p.stance_units[i]).collect()
            };
            s.intervals = Some(bootstrap_units(
                &g,
                &q,
                &u,
                &Stance::NAMES,
                POLAR,
                bootstrap_rounds,
                seed,
            ));
        }
        if let Some(s) = sentiment.as_mut() {
            s.intervals = Some(bootstrap_units(
                &p.sentiment_gold,
                &p.sentiment_pred,
                &p.sentiment_units,
                &Sentiment::NAMES,
                None,
                bootstrap_rounds,
                seed,
            ));
        }
    }
    if let Some(src) = &p.stance_source {
        stance.calibration = Some(calibration_report(
            &p.stance_proba,
            &p.stance_gold,
            &p.stance_fold,
            &p.targets,
            src,
        ));
    }
    if let (Some(s), Some(src)) = (sentiment.as_mut(), &p.sentiment_source) {
        s.calibration = Some(calibration_report(
            &p.sentiment_proba,
            &p.sentiment_gold,
            &p.sentiment_fold,
            &[],
            src,
        ));
    }
    EvalReport {
        stance,
        per_target,
        per_type,
        sentiment,
    }
}

/// Scores of each probe type, over the typed examples only.
fn per_type(p: &Predictions) -> BTreeMap<String, Scores> {
    let typed: Vec<(usize, &str)> = p
        .probe_types
        .iter()
        .enumerate()
        .filter_map(|(i, t)| t.as_deref().map(|t| (i, t)))
        .collect();
    let gold: Vec<usize> = typed.iter().map(|&(i, _)| p.stance_gold[i]).collect();
    let pred: Vec<usize> = typed.iter().map(|&(i, _)| p.stance_pred[i]).collect();
    let types: Vec<&str> = typed.iter().map(|&(_, t)| t).collect();
    score_by_group(&gold, &pred, &types, &Stance::NAMES, POLAR)
}

/// Stratified K-fold cross-validation: out-of-fold predictions for every
/// example. Stance and sentiment examples are folded by the same groups
/// (units), so a text is never scored by a model that saw it.
pub fn cross_validate(
    data: &Dataset,
    actors: &ActorSet,
    actors_toml: &str,
    params: &TrainParams,
    k: usize,
    seed: u64,
    progress: &dyn Progress,
) -> Result<Predictions> {
    cross_validate_with(data, &[], actors, actors_toml, params, k, seed, progress)
}

/// Whether [`cross_validate_with`] holds `e` out (and so predicts it):
/// its source is not one that always trains.
pub fn is_held(e: &crate::dataset::Example, always_train: &[String]) -> bool {
    !always_train.contains(&e.source)
}

/// [`cross_validate`] where the stance examples of the sources named in
/// `always_train` are never held out: they join every fold's training
/// data, and the predictions cover the other examples only (in order).
/// So external data sets can help a model that is measured on the
/// project's own labels alone.
#[allow(clippy::too_many_arguments)]
pub fn cross_validate_with(
    data: &Dataset,
    always_train: &[String],
    actors: &ActorSet,
    actors_toml: &str,
    params: &TrainParams,
    k: usize,
    seed: u64,
    progress: &dyn Progress,
) -> Result<Predictions> {
    let (fixed, held): (Vec<_>, Vec<_>) = data
        .stance
        .iter()
        .cloned()
        .partition(|e| !is_held(e, always_train));
    let held = Dataset {
        stance: held,
        sentiment: data.sentiment.clone(),
        ..Dataset::default()
    };
    let data = &held;
    let labels: Vec<usize> = data.stance.iter().map(|e| stance_index(e.stance)).collect();
    let groups: Vec<u64> = data.stance.iter().map(|e| e.group).collect();
    let folds = stratified_group_folds(&labels, &groups, k, seed).map_err(crate::Error::Param)?;
    let fold_of_group: std::collections::HashMap<u64, usize> =
        groups.iter().copied().zip(folds.iter().copied()).collect();
    // Sentiment examples whose unit has no stance row get a fold by hash.
    let sentiment_fold = |g: u64| {
        fold_of_group
            .get(&g)
            .copied()
            .unwrap_or((g % k as u64) as usize)
    };
    let mut out = Predictions {
        stance_gold: labels.clone(),
        stance_pred: vec![0; labels.len()],
        stance_proba: vec![[0.0; 3]; labels.len()],
        targets: data.stance.iter().map(|e| e.target.clone()).collect(),
        probe_types: data.stance.iter().map(|e| e.probe_type.clone()).collect(),
        stance_units: groups.clone(),
        sentiment_units: data.sentiment.iter().map(|e| e.group).collect(),
        sentiment_gold: data
            .sentiment
            .iter()
            .map(|e| sentiment_index(e.sentiment))
            .collect(),
        sentiment_pred: vec![0; data.sentiment.len()],
        sentiment_proba: vec![[0.0; 3]; data.sentiment.len()],
        stance_fold: folds.clone(),
        sentiment_fold: data
            .sentiment
            .iter()
            .map(|e| sentiment_fold(e.group))
            .collect(),
        stance_source: None,
        sentiment_source: None,
    };
    // Each fold model's temperature, per task, to say what the
    // out-of-fold probabilities are.
    let mut temps: [Vec<f32>; 2] = [Vec::new(), Vec::new()];
    progress.stage("cross-validation folds", k as u64);
    for fold in 0..k {
        let split = |held: bool| Dataset {
            stance: data
                .stance
                .iter()
                .zip(&folds)
                .filter(|(_, f)| (**f == fold) == held)
                .map(|(e, _)| e.clone())
                .collect(),
            sentiment: data
                .sentiment
                .iter()
                .filter(|e| (sentiment_fold(e.group) == fold) == held)
                .cloned()
                .collect(),
            ..Dataset::default()
        };
        let (mut train_set, test_set) = (split(false), split(true));
        train_set.stance.extend(fixed.iter().cloned());
        let model = train(
            &train_set,
            actors,
            actors_toml,
            params,
            vec![],
            &crate::progress::Silent,
        )?;
        for (t, task) in temps.iter_mut().zip([&model.stance, &model.sentiment]) {
            if let Some(task) = task {
                t.push(task.calibration.temperature);
            }
        }
        let model = StanceModel::from_data(model)?;
        let p = predict(&model, &test_set);
        let stance_idx = (0..data.stance.len()).filter(|&i| folds[i] == fold);
        for (i, (pred, proba)) in stance_idx.zip(p.stance_pred.into_iter().zip(p.stance_proba)) {
            out.stance_pred[i] = pred;
            out.stance_proba[i] = proba;
        }
        let sent_idx =
            (0..data.sentiment.len()).filter(|&i| sentiment_fold(data.sentiment[i].group) == fold);
        for (i, (pred, proba)) in sent_idx.zip(p.sentiment_pred.into_iter().zip(p.sentiment_proba))
        {
            out.sentiment_pred[i] = pred;
            out.sentiment_proba[i] = proba;
        }
        progress.advance(1);
    }
    progress.finish();
    let [stance_t, sentiment_t] = temps;
    let cv_source = |temperatures: Vec<f32>, loss: Loss, per_target_heads: bool| {
        (!temperatures.is_empty()).then(|| ProbaSource {
            svm: loss == Loss::SquaredHinge,
            temperatures,
            per_target: Vec::new(),
            per_target_heads,
            folds: Some(k),
        })
    };
    out.stance_source = cv_source(stance_t, params.stance.loss, params.per_target);
    out.sentiment_source = cv_source(sentiment_t, params.sentiment.loss, false);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Per-type scores count only the typed examples, each in its own type,
    /// and stay out of the JSON when no example has a type.
    #[test]
    fn per_type_scores_typed_examples_only() {
        let p = Predictions {
            stance_gold: vec![0, 1, 2, 0],
            stance_pred: vec![0, 2, 2, 1],
            targets: vec!["PAK".into(); 4],
            probe_types: vec![
                Some("negation".into()),
                Some("negation".into()),
                None,
                Some("contrast".into()),
            ],
            ..Predictions::default()
        };
        let r = report(&p, 0, 1);
        assert_eq!(r.stance.n, 4);
        assert_eq!(r.per_type.len(), 2);
        assert_eq!(r.per_type["negation"].n, 2);
        assert_eq!(r.per_type["negation"].accuracy, 0.5);
        assert_eq!(r.per_type["negation"].confusion.matrix[1], [0, 0, 1]);
        assert_eq!(r.per_type["contrast"].accuracy, 0.0);
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["per_type"]["contrast"]["n"], 1);

        let untyped = Predictions {
            probe_types: vec![None; 4],
            ..p
        };
        let r = report(&untyped, 0, 1);
        assert!(r.per_type.is_empty());
        assert!(serde_json::to_value(&r).unwrap().get("per_type").is_none());
    }
}
