//! The model card a report opens with: which model made the scores, when,
//! from what data, and how well it did where that was measured. Everything
//! is read from the model's own metadata and its registry entry; a field
//! neither records is `None`, and the page says "not recorded" rather than
//! guess.

use serde_json::Value;

use crate::eval::Intervals;
use crate::linear::Loss;
use crate::model::ModelData;
use crate::model::registry::Entry;

/// Stance scores measured on held-out labelled data (`stance train
/// --validate`, stored in the model's `metrics_json`).
#[derive(Debug, Clone, PartialEq)]
pub struct Validation {
    /// Labelled (unit, actor) pairs scored.
    pub n: usize,
    /// The data sets named by the measurement (`labels`, …).
    pub data: Vec<String>,
    pub accuracy: Option<f64>,
    pub macro_f1: Option<f64>,
    pub f_avg: Option<f64>,
    /// Bootstrap intervals, when the measurement made them.
    pub intervals: Option<Intervals>,
    /// Expected calibration error of the stance probabilities.
    pub ece: Option<f64>,
}

/// What a reader needs to know about the model behind a report.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelCard {
    /// The registry's name of the model (matched by the file's SHA-256).
    pub name: Option<String>,
    /// The model file as given.
    pub file: String,
    /// When it was kept in the registry (UTC).
    pub created: Option<String>,
    /// Kind of classifier and its main features, e.g. "logistic
    /// regression, one head for all actors, word 1–2-grams, lexicon".
    pub kind: String,
    /// Label files and folders it was trained on.
    pub data_files: Vec<String>,
    /// External data sets trained on besides them, with their weights.
    pub sources: Vec<(String, f64)>,
    pub n_stance: usize,
    pub n_sentiment: usize,
    /// `target → [pro, anti, none]` training labels.
    pub stance_counts: Vec<(String, [usize; 3])>,
    /// How probabilities were calibrated, as the model says it.
    pub calibration: Option<String>,
    pub validation: Option<Validation>,
    /// The registry's note on the model (why it is, or is not, the default).
    pub note: Option<String>,
}

impl ModelCard {
    /// The card of `model`, read from `file`, with its registry `entry`
    /// when the registry has one.
    pub fn new(file: &str, model: &ModelData, entry: Option<&Entry>) -> ModelCard {
        let meta = &model.meta;
        let params = &meta.params;
        let metrics: Option<Value> = meta
            .metrics_json
            .as_deref()
            .and_then(|j| serde_json::from_str(j).ok());
        let report = metrics.as_ref().map(|m| &m["report"]);
        let number = |v: &Value, k: &str| v[k].as_f64();
        let validation = report
            .filter(|r| r["n"].as_u64().is_some())
            .map(|r| Validation {
                n: r["n"].as_u64().unwrap_or(0) as usize,
                data: metrics
                    .as_ref()
                    .map_or_else(Vec::new, |m| strings(&m["data"])),
                accuracy: number(r, "accuracy"),
                macro_f1: number(r, "macro_f1"),
                f_avg: number(r, "f_avg"),
                intervals: serde_json::from_value(r["intervals"].clone()).ok(),
                ece: number(&r["calibration"], "ece"),
            });
        let calibration = report
            .and_then(|r| r["calibration"]["probabilities"].as_str())
            .map(str::to_string);
        let f = &params.features;
        let mut kind = vec![
            match params.stance.loss {
                Loss::Logistic => "logistic regression".to_string(),
                Loss::SquaredHinge => "linear SVM (squared hinge)".to_string(),
            },
            if params.per_target {
                "one head per actor".into()
            } else {
                "one head for all actors".into()
            },
            format!("word 1–{}-grams", f.word_ngrams),
        ];
        if let Some(c) = f.char_ngrams {
            kind.push(format!("character {}–{}-grams", c.0, c.1));
        }
        if f.lexicon {
            kind.push("sentiment lexicon features".into());
        }
        ModelCard {
            name: entry.map(|e| e.name.clone()),
            file: file.to_string(),
            created: entry.map(|e| e.created.clone()),
            kind: kind.join(", "),
            data_files: meta.data_files.clone(),
            sources: (params.sources.weights.iter())
                // Shown as written (0.3), not as the f32's binary value.
                .map(|(s, w)| (s.clone(), w.to_string().parse().unwrap_or(f64::from(*w))))
                .collect(),
            n_stance: meta.n_stance,
            n_sentiment: meta.n_sentiment,
            stance_counts: meta.stance_counts.clone(),
            calibration,
            validation,
            note: entry.and_then(|e| e.note.clone()),
        }
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
