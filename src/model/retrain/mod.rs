//! Candidate versus default: the judgement behind `stance retrain`.
//!
//! Both models are scored on the *same* held-out labelled comments (a
//! stable, hash-chosen share of them that neither model trains on), and
//! both training configurations are cross-validated on the *same* folds of
//! the training pool. Every comparison is paired (see
//! [`paired_bootstrap`]), and the decision uses one agreed metric on the
//! held-out split, so "the new model is better" is a claim with an
//! interval, not a hunch.

mod render;
mod run;

pub use run::{
    Changes, Decision, NewLabels, Outcome, Pool, Request, Stopped, run, shipped_settings,
};

use serde::{Deserialize, Serialize};

use super::evaluate::{POLAR, Predictions, cross_validate, predict};
use super::provenance::TrainedOn;
use super::registry::{Metric, RetrainConfig};
use super::{StanceModel, TrainParams};
use crate::actors::ActorSet;
use crate::corpus::UnitKind;
use crate::dataset::{Dataset, fnv1a};
use crate::error::Result;
use crate::eval::{PairedScores, paired_bootstrap_units};
use crate::labels::splits::SplitRule;
use crate::labels::{self, Sentiment, Stance};
use crate::progress::Progress;

/// Training pool and held-out comments.
#[derive(Debug, Default)]
pub struct Split {
    pub train: Dataset,
    pub holdout: Dataset,
}

/// Whether a comment with this id (`doc_id/unit_id`) is held out. A hash of
/// the id alone, so the answer never changes as labels are added.
pub fn is_held_out(id: &str, percent: u32) -> bool {
    // fmix64 (MurmurHash3's finaliser): FNV's low bits alone are poorly
    // mixed for ids that differ in their last character.
    let mut h = fnv1a(id.as_bytes());
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^= h >> 33;
    (h % 100) < u64::from(percent)
}

/// Splits labelled data: held-out comments versus everything else.
/// Sentiment examples follow their unit's stance rows.
pub fn split(data: Dataset, percent: u32) -> Split {
    split_by(data, |e| {
        e.kind == Some(UnitKind::Comment) && is_held_out(&e.id, percent)
    })
}

/// Splits labelled data by a recorded assignment: its evaluation units are
/// held out, everything else (its training units, external data) trains.
pub fn split_recorded(data: Dataset, rule: &SplitRule) -> Split {
    split_by(data, |e| {
        let (Some(kind), Some((doc, unit))) = (e.kind, e.id.split_once('/')) else {
            return false;
        };
        rule.of(doc, unit, kind) == labels::splits::Split::Eval
    })
}

/// The hold-out for `retrain`: the recorded evaluation split when the
/// project records one, else `percent` % of the comments by a hash of
/// their id. Returns the parts and a phrase naming what was held out.
pub fn hold_out(data: Dataset, rule: &SplitRule, percent: u32) -> (Split, String) {
    if rule.is_recorded() {
        (
            split_recorded(data, rule),
            "the recorded eval split".to_string(),
        )
    } else {
        (split(data, percent), format!("{percent}% of comments"))
    }
}

fn split_by(data: Dataset, held_out: impl Fn(&crate::dataset::Example) -> bool) -> Split {
    let held: std::collections::HashSet<String> = data
        .stance
        .iter()
        .filter(|e| held_out(e))
        .map(|e| e.id.clone())
        .collect();
    let mut out = Split::default();
    for e in data.stance {
        let to = if held.contains(&e.id) {
            &mut out.holdout
        } else {
            &mut out.train
        };
        to.stance.push(e);
    }
    for e in data.sentiment {
        let to = if held.contains(&e.id) {
            &mut out.holdout
        } else {
            &mut out.train
        };
        to.sentiment.push(e);
    }
    out.train.read = data.read;
    out.train.rejected = data.rejected;
    out
}

/// The held-out examples fit to judge both models on: units the default
/// was trained on are dropped (a default trained on all comments would
/// otherwise be scored on its own training data and beat every honest
/// candidate), and so are rows of actors either model has no training
/// labels of (a new actor is zero-shot for the default: comparing there
/// measures the new labels, not the models). Returns the examples and one
/// line per thing dropped, for the user.
pub fn unseen_by_both(
    holdout: Dataset,
    default: &StanceModel,
    candidate: &StanceModel,
) -> (Dataset, Vec<String>) {
    let mut notes = Vec::new();
    let holdout = match TrainedOn::of_meta(&default.data().meta) {
        Some(seen) => {
            let (kept, left) = seen.exclude(holdout);
            if left.units > 0 {
                notes.push(format!(
                    "left out {} held-out unit(s) ({} stance rows) the default was trained on",
                    left.units, left.stance
                ));
            }
            kept
        }
        None => {
            notes.push(
                "the default records no training units (made before issue 13): the held-out \
                 comments may include some it was trained on"
                    .to_string(),
            );
            holdout
        }
    };
    let mut dropped: std::collections::BTreeMap<String, usize> = Default::default();
    let mut kept = Dataset {
        sentiment: holdout.sentiment,
        ..Dataset::default()
    };
    for e in holdout.stance {
        if default.is_zero_shot(&e.target) || candidate.is_zero_shot(&e.target) {
            *dropped.entry(e.target.clone()).or_insert(0) += 1;
        } else {
            kept.stance.push(e);
        }
    }
    if !dropped.is_empty() {
        let list: Vec<String> = dropped.iter().map(|(t, n)| format!("{t} ({n})")).collect();
        notes.push(format!(
            "compared on the actors both models were trained on; left out rows of {}",
            list.join(", ")
        ));
    }
    (kept, notes)
}

/// Default (`a`) against candidate (`b`) on one set of examples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Paired {
    pub stance: PairedScores,
    pub sentiment: Option<PairedScores>,
}

/// Everything `retrain` prints and records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub metric: Metric,
    /// On the held-out comments; `None` when none are labelled.
    pub holdout: Option<Paired>,
    /// Out-of-fold, both configurations on the same folds of the pool.
    pub cv: Option<Paired>,
    pub promote: bool,
    pub reason: String,
}

fn paired(gold: &Predictions, a: &Predictions, b: &Predictions, cfg: &RetrainConfig) -> Paired {
    let stance = paired_bootstrap_units(
        &gold.stance_gold,
        &a.stance_pred,
        &b.stance_pred,
        &gold.stance_units,
        &Stance::NAMES,
        POLAR,
        cfg.bootstrap,
        cfg.seed,
    );
    let sentiment = (!gold.sentiment_gold.is_empty()).then(|| {
        paired_bootstrap_units(
            &gold.sentiment_gold,
            &a.sentiment_pred,
            &b.sentiment_pred,
            &gold.sentiment_units,
            &Sentiment::NAMES,
            None,
            cfg.bootstrap,
            cfg.seed,
        )
    });
    Paired { stance, sentiment }
}

/// The agreed metric's (default, candidate) values, if defined.
pub fn metric_of(p: &PairedScores, metric: Metric) -> Option<(f64, f64)> {
    let d = match metric {
        Metric::MacroF1 => &p.macro_f1,
        Metric::Accuracy => &p.accuracy,
        Metric::FAvg => p.f_avg.as_ref()?,
    };
    Some((d.a, d.b))
}

/// What the two configurations need to be cross-validated.
pub struct Configs<'a> {
    pub default: &'a TrainParams,
    pub candidate: &'a TrainParams,
}

/// Scores both models on the held-out split, cross-validates both
/// configurations on the pool, and decides. Not worse means: the
/// candidate's agreed metric on the held-out split is at least the
/// default's. Without held-out labels the same rule applies to the
/// cross-validated scores.
#[allow(clippy::too_many_arguments)]
pub fn compare(
    default: &StanceModel,
    candidate: &StanceModel,
    configs: Configs<'_>,
    split: &Split,
    actors: &ActorSet,
    actors_toml: &str,
    cfg: &RetrainConfig,
    progress: &dyn Progress,
) -> Result<Comparison> {
    let holdout = (!split.holdout.stance.is_empty()).then(|| {
        let a = predict(default, &split.holdout);
        let b = predict(candidate, &split.holdout);
        paired(&a, &a, &b, cfg)
    });
    // The same settings on the same folds give the same scores: a table
    // equal by construction is left out rather than shown as evidence.
    let cv = if cfg.cv_folds >= 2
        && !split.train.stance.is_empty()
        && configs.candidate != configs.default
    {
        let run = |p: &TrainParams| {
            cross_validate(
                &split.train,
                actors,
                actors_toml,
                p,
                cfg.cv_folds,
                cfg.seed,
                progress,
            )
        };
        let a = run(configs.default)?;
        let b = run(configs.candidate)?;
        Some(paired(&a, &a, &b, cfg))
    } else {
        None
    };
    let name = cfg.metric.as_str();
    let judged = holdout
        .as_ref()
        .map(|p| ("held-out comments", p))
        .or(cv.as_ref().map(|p| ("cross-validation", p)));
    let (promote, reason) =
        match judged.and_then(|(what, p)| Some((what, metric_of(&p.stance, cfg.metric)?))) {
            None => (false, format!("no labelled data to judge stance {name} on")),
            Some((what, (a, b))) if b >= a => (
                true,
                format!("candidate not worse on {what}: stance {name} {b:.3} vs default {a:.3}"),
            ),
            Some((what, (a, b))) => (
                false,
                format!("candidate worse on {what}: stance {name} {b:.3} vs default {a:.3}"),
            ),
        };
    Ok(Comparison {
        metric: cfg.metric,
        holdout,
        cv,
        promote,
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::{Example, SentimentExample};
    use crate::labels::splits::Split as Role;

    fn example(id: &str, kind: UnitKind) -> Example {
        Example {
            id: id.into(),
            group: fnv1a(id.as_bytes()),
            text: format!("text of {id}"),
            target: "PAK".into(),
            span: None,
            stance: Stance::None,
            kind: Some(kind),
            source: "labels".into(),
            probe_type: None,
        }
    }

    #[test]
    fn only_comments_are_held_out_and_the_choice_is_stable() {
        let ids: Vec<String> = (0..400).map(|i| format!("doc/c{i}")).collect();
        let held = ids.iter().filter(|id| is_held_out(id, 50)).count();
        assert!((150..250).contains(&held), "{held} of 400 held out at 50%");
        assert!(ids.iter().all(|id| !is_held_out(id, 0)));
        assert!(ids.iter().all(|id| is_held_out(id, 100)));

        let mut data = Dataset::default();
        for id in &ids {
            data.stance.push(example(id, UnitKind::Comment));
            data.stance
                .push(example(&format!("{id}p"), UnitKind::Paragraph));
            data.sentiment.push(SentimentExample {
                id: id.clone(),
                group: 0,
                text: String::new(),
                sentiment: Sentiment::Neutral,
            });
        }
        let s = split(data, 50);
        assert_eq!(s.holdout.stance.len(), held);
        assert_eq!(s.holdout.sentiment.len(), held);
        assert_eq!(s.train.stance.len(), 800 - held);
        assert!(
            s.holdout
                .stance
                .iter()
                .all(|e| e.kind == Some(UnitKind::Comment) && is_held_out(&e.id, 50))
        );
    }

    #[test]
    fn a_recorded_split_holds_out_its_eval_units_only() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("splits.csv");
        std::fs::write(
            &file,
            "doc_id,unit_id,split\nd,c1,eval\nd,p1,eval\nd,c2,train\n",
        )
        .unwrap();
        let rule = SplitRule::read(&file, Role::Train).unwrap();
        let mut data = Dataset::default();
        for (id, kind) in [
            ("d/c1", UnitKind::Comment),
            ("d/c2", UnitKind::Comment),
            ("d/c3", UnitKind::Comment),
            ("d/p1", UnitKind::Paragraph),
        ] {
            data.stance.push(example(id, kind));
        }
        let mut external = example("tweet-7", UnitKind::Comment);
        external.kind = None;
        data.stance.push(external);
        let s = split_recorded(data, &rule);
        let ids = |d: &Dataset| d.stance.iter().map(|e| e.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&s.holdout), ["d/c1", "d/p1"]);
        assert_eq!(ids(&s.train), ["d/c2", "d/c3", "tweet-7"]);
    }
}
