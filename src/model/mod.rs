//! The trained model: everything scoring needs, in one file — the actors
//! file it was trained with, tokenizer and feature settings, vocabularies
//! with IDF, the linear heads, and how it was trained and scored.

pub mod calibrate;
pub mod embedded;
pub mod evaluate;
pub mod file;
pub mod out_of_fold;
pub mod predict;
pub mod provenance;
pub mod registry;
pub mod retrain;
pub mod settings;
pub mod sources;
pub mod train;
pub mod tune;

pub use out_of_fold::{
    DEFAULT_OOF_FOLDS, fill_and_calibrate, fill_out_of_fold, fill_out_of_fold_with, oof_folds,
};
pub use predict::{StanceModel, UnitScore};
pub use settings::TrainSettings;
pub use train::{TrainParams, train};

use serde::{Deserialize, Serialize};

use crate::features::FeatureParams;
use crate::features::VocabularyData;
use crate::linear::LinearModel;
use crate::text::TokenizerConfig;

/// Key of the head used for every target in a pooled model, and as the
/// fallback for unseen targets in a per-target model.
pub const POOLED: &str = "*";

/// The serialised model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelData {
    pub meta: ModelMeta,
    /// The actors file's text, so scoring finds the same mentions.
    pub actors_toml: String,
    pub tokenizer: TokenizerConfig,
    pub features: FeatureParams,
    pub stance: Option<TaskModel>,
    pub sentiment: Option<TaskModel>,
}

impl ModelData {
    /// How the model did on the data it was validated on (`stance train
    /// --validate`, stored in the model); `None` when it was not.
    pub fn validation(&self) -> Option<Validation> {
        let v: serde_json::Value = serde_json::from_str(self.meta.metrics_json.as_deref()?).ok()?;
        // The metrics also hold what the model was trained on
        // (`provenance`); only a report is a validation.
        let r = v.get("report").filter(|r| r.is_object())?;
        Some(Validation {
            data: v["data"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            n: r["n"].as_u64().unwrap_or(0),
            f_avg: r["f_avg"].as_f64(),
            macro_f1: r["macro_f1"].as_f64(),
            accuracy: r["accuracy"].as_f64(),
        })
    }

    /// One line on how well the model did on the data it was validated on,
    /// for reports, `stance run` and `stance info` to show beside the
    /// numbers they print.
    pub fn quality(&self) -> String {
        let Some(v) = self.validation() else {
            return "model quality: not measured (trained without --validate)".into();
        };
        let f = |x: Option<f64>| x.map_or("-".into(), |x| format!("{x:.3}"));
        format!(
            "model quality on {} held-out labelled pairs ({}; evaluation split of label CSVs): \
             stance F_avg {}, macro-F1 {}, accuracy {}",
            v.n,
            v.data.join(", "),
            f(v.f_avg),
            f(v.macro_f1),
            f(v.accuracy)
        )
    }
}

/// Stance scores of a model on its validation data (see
/// [`ModelData::validation`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Validation {
    /// The validation data, as given to `stance train --validate`.
    pub data: Vec<String>,
    /// Labelled (unit, actor) pairs scored.
    pub n: u64,
    pub f_avg: Option<f64>,
    pub macro_f1: Option<f64>,
    pub accuracy: Option<f64>,
}

/// One task (stance or sentiment): its classes, vocabulary and heads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskModel {
    pub labels: Vec<String>,
    pub vocab: VocabularyData,
    /// `(target, head)`; a pooled model has one head, [`POOLED`].
    pub heads: Vec<(String, LinearModel)>,
    /// How the heads' decision values become probabilities.
    pub calibration: Calibration,
}

/// Maps a head's decision values to probabilities: a softmax of the
/// values divided by a temperature (temperature scaling, Guo et al. 2017;
/// fitted by [`calibrate::calibrate_task`]). `1.0` is the plain softmax of
/// an uncalibrated model. Dividing by a positive number keeps the order of
/// the values, so calibration never changes a predicted class.
///
/// A per-target model's heads are fitted on different examples and are
/// over- or under-confident by different amounts, so each target head may
/// have its own temperature (`per_target`); `temperature`, fitted on all
/// out-of-fold points of the task, serves the pooled head and every head
/// without one of its own (a target with too few out-of-fold points to fit
/// one, see [`calibrate::MIN_TARGET_POINTS`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// The task-wide temperature: the pooled head's, and the fallback.
    pub temperature: f32,
    /// `(head name, temperature)` of the target heads that have their own,
    /// in head order; empty for a pooled model (and for a per-target model
    /// no target of which had enough out-of-fold points).
    pub per_target: Vec<(String, f32)>,
}

impl Default for Calibration {
    fn default() -> Self {
        Calibration::uniform(1.0)
    }
}

impl Calibration {
    /// One temperature for every head.
    pub fn uniform(temperature: f32) -> Calibration {
        Calibration {
            temperature,
            per_target: Vec::new(),
        }
    }

    /// The temperature of the head named `head`: its own, else the
    /// task-wide one. (Scoring looks this up once per head at load, not
    /// per unit.)
    pub fn temperature_of(&self, head: &str) -> f32 {
        self.per_target
            .iter()
            .find(|(h, _)| h == head)
            .map_or(self.temperature, |&(_, t)| t)
    }

    /// Decision values in `v` → probabilities under the task-wide
    /// temperature (the pooled head's), in place.
    pub fn apply(&self, v: &mut [f32]) {
        apply_temperature(self.temperature, v);
    }

    /// Decision values of head `head` in `v` → probabilities under that
    /// head's temperature, in place.
    pub fn apply_for(&self, head: &str, v: &mut [f32]) {
        apply_temperature(self.temperature_of(head), v);
    }

    /// The temperatures in one line: `"0.870"` with one, `"0.870 (pooled);
    /// per target: A 0.910, B 1.200"` with per-target ones.
    pub fn describe(&self) -> String {
        let mut out = format!("{:.3}", self.temperature);
        if !self.per_target.is_empty() {
            let ts: Vec<String> = self
                .per_target
                .iter()
                .map(|(h, t)| format!("{h} {t:.3}"))
                .collect();
            out += &format!(" (pooled); per target: {}", ts.join(", "));
        }
        out
    }
}

/// Decision values in `v` → `softmax(v / t)`, in place. `t == 1` skips the
/// division, so an uncalibrated head gives the plain softmax bit for bit.
pub fn apply_temperature(t: f32, v: &mut [f32]) {
    if t != 1.0 {
        for x in v.iter_mut() {
            *x /= t;
        }
    }
    crate::linear::softmax(v);
}

/// How the model was made. No wall-clock time: the same data and settings
/// must give the same bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelMeta {
    pub stance_version: String,
    pub actors_digest: String,
    pub params: TrainParams,
    pub data_files: Vec<String>,
    pub data_digest: String,
    pub n_stance: usize,
    pub n_sentiment: usize,
    /// `target → [pro, anti, none]` counts.
    pub stance_counts: Vec<(String, [usize; 3])>,
    /// `[positive, negative, neutral]` counts.
    pub sentiment_counts: [usize; 3],
    /// Validation metrics as JSON, filled in by whoever evaluated the model.
    pub metrics_json: Option<String>,
    /// Out-of-fold scores of the in-domain training examples: what
    /// calibration is fitted on and what quantification takes the
    /// classifier's error rates from. `None` when training did not
    /// cross-validate.
    pub out_of_fold: Option<OutOfFold>,
    /// The `stance train --tune` search that chose the settings (trials
    /// and scores as JSON), when there was one.
    pub tuning_json: Option<String>,
}

/// Scores that models which never saw an example gave it, from K-fold
/// cross-validation grouped by unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutOfFold {
    pub folds: usize,
    pub stance: Vec<OofPoint>,
    pub sentiment: Vec<OofPoint>,
}

/// One out-of-fold example: its raw decision values (before softmax and
/// calibration, so calibration can be fitted on them), its gold class
/// index, its target (`*` for sentiment) and the document it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OofPoint {
    pub doc: String,
    pub target: String,
    pub gold: u8,
    pub scores: [f32; 3],
}
