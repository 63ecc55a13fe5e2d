//! The trained model: everything scoring needs, in one file — the actors
//! file it was trained with, tokenizer and feature settings, vocabularies
//! with IDF, the linear heads, and how it was trained and scored.

pub mod calibrate;
pub mod evaluate;
pub mod file;
pub mod out_of_fold;
pub mod predict;
pub mod provenance;
pub mod registry;
pub mod retrain;
pub mod sources;
pub mod train;
pub mod tune;

pub use out_of_fold::{fill_and_calibrate, fill_out_of_fold, fill_out_of_fold_with};
pub use predict::{StanceModel, UnitScore};
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
    /// One line on how well the model did on the data it was validated on
    /// (`stance train --validate`, stored in the model), for reports and
    /// `stance run` to show beside the numbers they print.
    pub fn quality(&self) -> String {
        let parsed = self
            .meta
            .metrics_json
            .as_deref()
            .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok());
        let Some(v) = parsed else {
            return "model quality: not measured (trained without --validate)".into();
        };
        let r = &v["report"];
        let data: Vec<&str> = v["data"]
            .as_array()
            .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
            .unwrap_or_default();
        let f = |k: &str| r[k].as_f64().map_or("-".into(), |x| format!("{x:.3}"));
        format!(
            "model quality on {} held-out labelled pairs ({}; evaluation split of label CSVs): \
             stance F_avg {}, macro-F1 {}, accuracy {}",
            r["n"].as_u64().unwrap_or(0),
            data.join(", "),
            f("f_avg"),
            f("macro_f1"),
            f("accuracy")
        )
    }
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
/// values divided by `temperature` (temperature scaling, Guo et al. 2017;
/// fitted by [`calibrate::calibrate_task`]). `1.0` is the plain softmax of
/// an uncalibrated model. Dividing by a positive number keeps the order of
/// the values, so calibration never changes a predicted class.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    pub temperature: f32,
}

impl Default for Calibration {
    fn default() -> Self {
        Calibration { temperature: 1.0 }
    }
}

impl Calibration {
    /// Decision values in `v` → calibrated probabilities, in place.
    pub fn apply(&self, v: &mut [f32]) {
        if self.temperature != 1.0 {
            for x in v.iter_mut() {
                *x /= self.temperature;
            }
        }
        crate::linear::softmax(v);
    }
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
