//! A loaded model, ready to score: compiled actor matchers, the tokenizer,
//! vocabularies with their lookup tables, and the heads.

use std::path::Path;

use super::{ModelData, POOLED, TaskModel, file};
use crate::actors::{ActorSet, Mention};
use crate::error::{Error, Location, Result, display_path};
use crate::features::{Extractor, Group, Scratch as FeatureScratch, TargetSpans, Vocabulary};
use crate::linear::{LinearModel, Predict};
use crate::sparse::SparseRow;

struct Task {
    labels: Vec<String>,
    vocab: Vocabulary,
    heads: Vec<(String, LinearModel)>,
}

impl Task {
    fn new(t: &TaskModel) -> Task {
        Task {
            labels: t.labels.clone(),
            vocab: Vocabulary::from_data(t.vocab.clone()),
            heads: t.heads.clone(),
        }
    }

    fn head(&self, target: &str) -> &LinearModel {
        self.heads
            .iter()
            .find(|(t, _)| t == target)
            .or_else(|| self.heads.iter().find(|(t, _)| t == POOLED))
            .or(self.heads.first())
            .map(|(_, m)| m)
            .expect("a task has at least one head")
    }
}

/// Buffers reused across calls on one thread.
#[derive(Default)]
pub struct Scratch {
    features: FeatureScratch,
    keys: Vec<(u64, Group)>,
    row: SparseRow,
    mentions: Vec<Mention>,
}

/// Scores of one unit: sentiment and, per actor of the model's actors file,
/// whether it is mentioned and the stance probabilities.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitScore {
    pub sentiment: Option<Vec<f32>>,
    pub actors: Vec<(bool, Vec<f32>)>,
}

pub struct StanceModel {
    data: ModelData,
    actors: ActorSet,
    extractor: Extractor,
    stance: Option<Task>,
    sentiment: Option<Task>,
}

impl StanceModel {
    pub fn load(path: &Path) -> Result<StanceModel> {
        let data = file::load(path)?;
        StanceModel::from_data(data).map_err(|e| match e {
            Error::Param(m) => Error::invalid(Location::of_path(path, None), m),
            other => other,
        })
    }

    pub fn from_data(data: ModelData) -> Result<StanceModel> {
        let actors = ActorSet::from_toml(&data.actors_toml)
            .map_err(|(_, m)| Error::Param(format!("the model's actors file is invalid: {m}")))?;
        let extractor = Extractor::new(data.features.clone(), data.tokenizer.clone());
        Ok(StanceModel {
            stance: data.stance.as_ref().map(Task::new),
            sentiment: data.sentiment.as_ref().map(Task::new),
            actors,
            extractor,
            data,
        })
    }

    pub fn data(&self) -> &ModelData {
        &self.data
    }

    pub fn actors(&self) -> &ActorSet {
        &self.actors
    }

    /// Fails unless `other` is the actors file this model was trained with.
    pub fn require_actors(&self, other: &ActorSet, path: &Path) -> Result<()> {
        if other.digest() == self.actors.digest() {
            return Ok(());
        }
        Err(Error::invalid(
            Location::new(display_path(path), None),
            format!(
                "this actors file differs from the one the model was trained with \
                 (model actors: {}); retrain, or drop --actors to use the model's own",
                self.actors.codes().collect::<Vec<_>>().join(", ")
            ),
        ))
    }

    pub fn stance_labels(&self) -> Option<&[String]> {
        self.stance.as_ref().map(|t| t.labels.as_slice())
    }

    pub fn sentiment_labels(&self) -> Option<&[String]> {
        self.sentiment.as_ref().map(|t| t.labels.as_slice())
    }

    /// Stance probabilities of `text` toward `target` into `out`. `span`
    /// marks the target's mention when the data gives it. Returns whether
    /// the target is mentioned, or `None` when the model has no stance head.
    pub fn stance_proba(
        &self,
        text: &str,
        target: &str,
        span: Option<(usize, usize)>,
        s: &mut Scratch,
        out: &mut Vec<f32>,
    ) -> Option<bool> {
        let task = self.stance.as_ref()?;
        self.actors.mentions_into(text, &mut s.mentions);
        let spans = target_spans(&self.actors, &s.mentions, target, span);
        self.extractor.tokenize(text, &mut s.features);
        self.extractor
            .keys_of_tokens(text, Some(&spans), &mut s.features, &mut s.keys);
        predict_into(task, target, s, out);
        Some(!spans.own.is_empty())
    }

    pub fn sentiment_proba(&self, text: &str, s: &mut Scratch, out: &mut Vec<f32>) -> bool {
        let Some(task) = self.sentiment.as_ref() else {
            return false;
        };
        self.extractor.tokenize(text, &mut s.features);
        self.extractor
            .keys_of_tokens(text, None, &mut s.features, &mut s.keys);
        predict_into(task, POOLED, s, out);
        true
    }

    /// Sentiment and the stance toward every actor, tokenizing once.
    pub fn score_unit(&self, text: &str, s: &mut Scratch) -> UnitScore {
        self.extractor.tokenize(text, &mut s.features);
        let mut score = UnitScore {
            sentiment: None,
            actors: Vec::with_capacity(self.actors.len()),
        };
        if let Some(task) = &self.sentiment {
            self.extractor
                .keys_of_tokens(text, None, &mut s.features, &mut s.keys);
            let mut p = Vec::new();
            predict_into(task, POOLED, s, &mut p);
            score.sentiment = Some(p);
        }
        if let Some(task) = &self.stance {
            self.actors.mentions_into(text, &mut s.mentions);
            for actor in self.actors.actors() {
                let spans = target_spans(&self.actors, &s.mentions, &actor.code, None);
                self.extractor
                    .keys_of_tokens(text, Some(&spans), &mut s.features, &mut s.keys);
                let mut p = Vec::new();
                predict_into(task, &actor.code, s, &mut p);
                score.actors.push((!spans.own.is_empty(), p));
            }
        }
        score
    }
}

fn predict_into(task: &Task, target: &str, s: &mut Scratch, out: &mut Vec<f32>) {
    task.vocab
        .transform(&s.keys, &mut s.features.indices, &mut s.row);
    let head = task.head(target);
    out.clear();
    out.resize(task.labels.len(), 0.0);
    head.predict_proba((&s.row.indices, &s.row.values), out);
}

/// Where `target` and the other actors are mentioned. A given span wins;
/// an actor code uses the actors file; any other target has no mentions of
/// its own, and all actor mentions count as others.
pub fn target_spans(
    actors: &ActorSet,
    mentions: &[Mention],
    target: &str,
    span: Option<(usize, usize)>,
) -> TargetSpans {
    let me = actors.index_of(target);
    let mut spans = TargetSpans {
        target: target.to_string(),
        own: Vec::new(),
        others: Vec::new(),
    };
    if let Some(s) = span {
        spans.own.push(s);
    }
    for m in mentions {
        let overlaps_given = span.is_some_and(|(a, b)| m.start < b && a < m.end);
        if overlaps_given {
            continue;
        }
        if span.is_none() && Some(m.actor) == me {
            spans.own.push((m.start, m.end));
        } else {
            spans.others.push((m.start, m.end));
        }
    }
    spans
}
