//! Checks of a model file's contents before scoring: what is wrong is said
//! at load time, with the file's name, rather than found as a panic (or a
//! NaN) while scoring.

use crate::error::{Error, Result};
use crate::features::Vocabulary;
use crate::labels::{Sentiment, Stance};
use crate::model::{ModelData, POOLED, TaskModel};

/// Checks everything scoring indexes into, so that a crafted or damaged
/// model file (with a valid checksum) is an error at load time rather than
/// a panic while scoring.
pub(super) fn validate(data: &ModelData) -> Result<()> {
    let bad = Error::Model;
    let msg = |e: Error| match e {
        Error::Param(m) | Error::Model(m) => m,
        other => other.to_string(),
    };
    data.features.check().map_err(|e| {
        bad(format!(
            "the model's feature settings are invalid: {}",
            msg(e)
        ))
    })?;
    let tasks = [
        ("stance", &data.stance, &Stance::NAMES),
        ("sentiment", &data.sentiment, &Sentiment::NAMES),
    ];
    for (name, task, labels) in tasks {
        let Some(t) = task else { continue };
        if t.labels.len() != labels.len() || t.labels.iter().zip(labels.iter()).any(|(a, b)| a != b)
        {
            return Err(bad(format!(
                "the model's {name} labels are {:?}, expected {labels:?}",
                t.labels
            )));
        }
        Vocabulary::check_data(&t.vocab)
            .map_err(|m| bad(format!("the model's {name} vocabulary is invalid: {m}")))?;
        if t.heads.is_empty() {
            return Err(bad(format!("the model's {name} task has no heads")));
        }
        validate_calibration(name, t).map_err(bad)?;
        for (target, head) in &t.heads {
            head.validate().map_err(|e| {
                bad(format!(
                    "the model's {name} head {target:?} is invalid: {}",
                    msg(e)
                ))
            })?;
            if head.n_classes != t.labels.len() {
                return Err(bad(format!(
                    "the model's {name} head {target:?} has {} classes for {} labels",
                    head.n_classes,
                    t.labels.len()
                )));
            }
            if head.n_features != t.vocab.keys.len() {
                return Err(bad(format!(
                    "the model's {name} head {target:?} has {} features for a vocabulary of {}",
                    head.n_features,
                    t.vocab.keys.len()
                )));
            }
        }
    }
    Ok(())
}

/// The task's temperatures: the task-wide one and every per-target one
/// finite and positive (a softmax divided by 0, a negative or a NaN gives
/// no probabilities), each per-target one naming a target head of the task
/// (not the pooled head, which has the task-wide one), once.
fn validate_calibration(name: &str, t: &TaskModel) -> std::result::Result<(), String> {
    let positive = |x: f32| x.is_finite() && x > 0.0;
    let temperature = t.calibration.temperature;
    if !positive(temperature) {
        return Err(format!(
            "the model's {name} temperature is {temperature}, not a positive number"
        ));
    }
    for (i, (head, x)) in t.calibration.per_target.iter().enumerate() {
        if !positive(*x) {
            return Err(format!(
                "the model's {name} temperature of target {head:?} is {x}, not a positive number"
            ));
        }
        if head == POOLED || !t.heads.iter().any(|(h, _)| h == head) {
            return Err(format!(
                "the model's {name} calibration has a temperature for target {head:?}, \
                 which has no head of its own in the model"
            ));
        }
        if t.calibration.per_target[..i].iter().any(|(h, _)| h == head) {
            return Err(format!(
                "the model's {name} calibration has two temperatures for target {head:?}"
            ));
        }
    }
    Ok(())
}
