//! A loaded model, ready to score: compiled actor matchers, the tokenizer,
//! vocabularies with their lookup tables, and the heads.

use std::path::Path;

use super::{ModelData, POOLED, TaskModel, apply_temperature, file};
use crate::actors::{ActorSet, Mention};
use crate::error::{Error, Location, Result};
use crate::features::{
    ActorKey, ActorOut, Extractor, FeatureTable, RowFeaturizer, RowScratch,
    Scratch as FeatureScratch, TargetSpans, share_rows,
};
use crate::linear::LinearModel;
use validate::validate;

mod validate;

struct Task {
    labels: Vec<String>,
    /// The vocabulary's lookup table for scoring.
    table: FeatureTable,
    heads: Vec<(String, LinearModel)>,
    /// The temperature of each head, in head order: looked up by name once
    /// here, so scoring indexes it like the heads and never compares
    /// strings per unit.
    temperatures: Vec<f32>,
}

impl Task {
    /// Takes the heads out of `t` (a model's weights are held once, here)
    /// and builds the vocabulary's lookup table.
    fn new(t: &mut TaskModel) -> Task {
        let heads = std::mem::take(&mut t.heads);
        Task {
            labels: t.labels.clone(),
            table: FeatureTable::from_data(&t.vocab),
            temperatures: heads
                .iter()
                .map(|(h, _)| t.calibration.temperature_of(h))
                .collect(),
            heads,
        }
    }

    /// The head for `target`: its own, else the pooled one, else the first.
    fn head_index(&self, target: &str) -> usize {
        self.heads
            .iter()
            .position(|(t, _)| t == target)
            .or_else(|| self.heads.iter().position(|(t, _)| t == POOLED))
            .unwrap_or(0)
    }

    /// Probabilities of the row in `r` under head `h` (an index into
    /// `heads`) into `out` (one slot per class): decision values, then the
    /// head's temperature. With temperature 1 this is
    /// `predict_proba_fast`, bit for bit.
    fn predict(&self, h: usize, r: &RowScratch, out: &mut [f32]) {
        let head = &self.heads[h].1;
        out.copy_from_slice(&head.bias);
        head.accumulate(&r.idx, &r.val, out);
        apply_temperature(self.temperatures[h], out);
    }
}

/// Buffers reused across calls on one thread.
#[derive(Default)]
pub struct Scratch {
    features: FeatureScratch,
    rows: RowScratch,
    mentions: Vec<Mention>,
    spans: TargetSpans,
    /// The last [`StanceModel::score_unit_ref`]: sentiment probabilities
    /// (empty without a sentiment task), stance probabilities actor after
    /// actor, and whether each actor is mentioned.
    sentiment: Vec<f32>,
    stance: Vec<f32>,
    mentioned: Vec<bool>,
}

/// Scores of one unit: sentiment and, per actor of the model's actors file,
/// whether it is mentioned and the stance probabilities.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitScore {
    pub sentiment: Option<Vec<f32>>,
    pub actors: Vec<(bool, Vec<f32>)>,
}

/// [`UnitScore`] borrowed from the [`Scratch`] it was computed in.
#[derive(Debug, Clone, Copy)]
pub struct UnitScoreRef<'a> {
    pub sentiment: Option<&'a [f32]>,
    stance: &'a [f32],
    mentioned: &'a [bool],
}

impl<'a> UnitScoreRef<'a> {
    /// Per actor of the model's actors file: mentioned, and the stance
    /// probabilities (empty without a stance task).
    pub fn actors(&self) -> impl ExactSizeIterator<Item = (bool, &'a [f32])> + 'a {
        let k = self
            .stance
            .len()
            .checked_div(self.mentioned.len())
            .unwrap_or(0);
        let stance = self.stance;
        self.mentioned
            .iter()
            .enumerate()
            .map(move |(a, &m)| (m, &stance[a * k..(a + 1) * k]))
    }

    pub fn to_owned(&self) -> UnitScore {
        UnitScore {
            sentiment: self.sentiment.map(<[f32]>::to_vec),
            actors: self.actors().map(|(m, p)| (m, p.to_vec())).collect(),
        }
    }
}

pub struct StanceModel {
    data: ModelData,
    actors: ActorSet,
    extractor: Extractor,
    rows: RowFeaturizer,
    stance: Option<Task>,
    sentiment: Option<Task>,
    /// Per actor of the actors file: its part of unit rows and the index of
    /// its stance head.
    actor_keys: Vec<ActorKey>,
    actor_heads: Vec<usize>,
    /// Per actor of the actors file: whether the model saw no stance
    /// example of it (see [`StanceModel::is_zero_shot`]).
    zero_shot: Vec<bool>,
}

impl StanceModel {
    pub fn load(path: &Path) -> Result<StanceModel> {
        StanceModel::checked(file::load(path)?, path)
    }

    /// A model from the bytes of a model file (see [`file::from_bytes`]);
    /// errors name `origin` as [`StanceModel::load`] names the file.
    pub fn from_bytes(bytes: &[u8], origin: &Path) -> Result<StanceModel> {
        StanceModel::checked(file::from_bytes(bytes, origin)?, origin)
    }

    fn checked(data: ModelData, origin: &Path) -> Result<StanceModel> {
        StanceModel::from_data(data).map_err(|e| match e {
            Error::Model(m) => Error::invalid(Location::of_path(origin, None), m),
            other => other,
        })
    }

    /// A model ready to score, after checking that `data` is consistent
    /// (shapes, labels, vocabularies, feature settings); an inconsistent
    /// model is an [`Error::Model`].
    pub fn from_data(mut data: ModelData) -> Result<StanceModel> {
        validate(&data)?;
        let actors = ActorSet::from_toml(&data.actors_toml)
            .map_err(|(_, m)| Error::Model(format!("the model's actors file is invalid: {m}")))?;
        let extractor = Extractor::new(data.features.clone(), data.tokenizer.clone());
        let rows = RowFeaturizer::new(data.features.clone(), extractor.lexicon().cloned());
        let stance = data.stance.as_mut().map(Task::new);
        let sentiment = data.sentiment.as_mut().map(Task::new);
        let mut model = StanceModel {
            stance,
            sentiment,
            actors: actors.clone(),
            extractor,
            rows,
            actor_keys: Vec::new(),
            actor_heads: Vec::new(),
            zero_shot: Vec::new(),
            data,
        };
        model.set_actors(actors);
        Ok(model)
    }

    /// The model scoring the actors of `actors` (the actors file in use)
    /// instead of the file it was trained with. Its features mask the
    /// target's mention and key on "a target" and "another actor", not on
    /// names, so they carry over to an actor it never saw: such an actor
    /// gets the pooled head (or, in a per-target model, the pooled
    /// fallback) and is flagged zero-shot. Keeping the model's own list
    /// instead would drop a newly added actor from every output in
    /// silence.
    pub fn with_actors(mut self, actors: ActorSet) -> StanceModel {
        self.set_actors(actors);
        self
    }

    fn set_actors(&mut self, actors: ActorSet) {
        (self.actor_keys, self.actor_heads) = match &self.stance {
            Some(t) => actors
                .actors()
                .iter()
                .map(|a| {
                    (
                        self.rows.actor_key(&a.code, &t.table),
                        t.head_index(&a.code),
                    )
                })
                .unzip(),
            None => (Vec::new(), Vec::new()),
        };
        share_rows(&mut self.actor_keys, &self.actor_heads);
        self.zero_shot = actors
            .actors()
            .iter()
            .map(|a| !self.trained_on_target(&a.code))
            .collect();
        self.actors = actors;
    }

    /// Whether the model's training data had stance examples of `code`.
    fn trained_on_target(&self, code: &str) -> bool {
        self.data
            .meta
            .stance_counts
            .iter()
            .any(|(t, n)| t == code && n.iter().sum::<usize>() > 0)
    }

    /// Whether `target` (a code, any listed name of an actor of the file in
    /// use, or free text) is one the model never saw a stance example of:
    /// its score then rests on the target-independent features alone.
    pub fn is_zero_shot(&self, target: &str) -> bool {
        match self.actors.resolve(target) {
            Some(a) => self.zero_shot[a],
            None => !self.trained_on_target(target.trim()),
        }
    }

    /// Per actor of the actors file in use: whether it is zero-shot.
    pub fn zero_shot(&self) -> &[bool] {
        &self.zero_shot
    }

    /// The codes of the actors in use that the model was not trained on.
    pub fn zero_shot_codes(&self) -> Vec<&str> {
        self.actors
            .codes()
            .zip(&self.zero_shot)
            .filter_map(|(c, &z)| z.then_some(c))
            .collect()
    }

    /// What the model file held, except the heads' weights: those moved
    /// into the scoring tasks (held once), so `stance`/`sentiment` here
    /// have empty `heads`. Load the file with [`file::load`] for a complete
    /// [`ModelData`].
    pub fn data(&self) -> &ModelData {
        &self.data
    }

    pub fn actors(&self) -> &ActorSet {
        &self.actors
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
        target_spans_into(text, &self.actors, &s.mentions, target, span, &mut s.spans);
        self.extractor.tokenize(text, &mut s.features);
        let tokens = s.features.tokens();
        self.rows.prepare(text, tokens, &mut s.rows);
        self.rows
            .row(tokens, Some(&s.spans), &task.table, &mut s.rows);
        out.clear();
        out.resize(task.labels.len(), 0.0);
        task.predict(task.head_index(target), &s.rows, out);
        Some(!s.spans.own.is_empty())
    }

    pub fn sentiment_proba(&self, text: &str, s: &mut Scratch, out: &mut Vec<f32>) -> bool {
        let Some(task) = self.sentiment.as_ref() else {
            return false;
        };
        self.extractor.tokenize(text, &mut s.features);
        let tokens = s.features.tokens();
        self.rows.prepare(text, tokens, &mut s.rows);
        self.rows.row(tokens, None, &task.table, &mut s.rows);
        out.clear();
        out.resize(task.labels.len(), 0.0);
        task.predict(task.head_index(POOLED), &s.rows, out);
        true
    }

    /// Sentiment and the stance toward every actor, tokenizing once.
    pub fn score_unit(&self, text: &str, s: &mut Scratch) -> UnitScore {
        self.score_unit_ref(text, s).to_owned()
    }

    /// [`StanceModel::score_unit`] without allocating: the scores stay in
    /// `s` until its next use.
    pub fn score_unit_ref<'s>(&self, text: &str, s: &'s mut Scratch) -> UnitScoreRef<'s> {
        let Scratch {
            features,
            rows,
            mentions,
            spans,
            sentiment,
            stance,
            mentioned,
        } = s;
        self.extractor.tokenize(text, features);
        let tokens = features.tokens();
        self.rows.prepare(text, tokens, rows);
        sentiment.clear();
        if let Some(task) = &self.sentiment {
            self.rows.row(tokens, None, &task.table, rows);
            sentiment.resize(task.labels.len(), 0.0);
            task.predict(task.head_index(POOLED), rows, sentiment);
        }
        stance.clear();
        mentioned.clear();
        if let Some(task) = &self.stance {
            self.actors.mentions_into(text, mentions);
            let n = self.actors.len();
            let k = task.labels.len();
            mentioned.extend((0..n).map(|a| mentions.iter().any(|m| m.actor == a)));
            stance.resize(n * k, 0.0);
            let shared = self.rows.actor_rows(
                tokens,
                mentions,
                &self.actor_keys,
                &task.table,
                rows,
                |a, row| match row {
                    ActorOut::Row(row) => {
                        let h = self.actor_heads[a];
                        let head = &task.heads[h].1;
                        let out = &mut stance[a * k..(a + 1) * k];
                        out.copy_from_slice(&head.bias);
                        row.for_each_run(|idx, val| head.accumulate(idx, val, out));
                        apply_temperature(task.temperatures[h], out);
                    }
                    ActorOut::Same(b) => stance.copy_within(b * k..(b + 1) * k, a * k),
                },
            );
            if !shared {
                // A token overlaps two mentions: one row per actor, as the
                // spans say.
                for (a, actor) in self.actors.actors().iter().enumerate() {
                    target_spans_into(text, &self.actors, mentions, &actor.code, None, spans);
                    self.rows.row(tokens, Some(spans), &task.table, rows);
                    task.predict(self.actor_heads[a], rows, &mut stance[a * k..(a + 1) * k]);
                }
            }
        }
        UnitScoreRef {
            sentiment: self.sentiment.is_some().then_some(&sentiment[..]),
            stance,
            mentioned,
        }
    }
}

/// Where `target` and the other actors are mentioned. A given span wins;
/// a target that names an actor (its code or any of its names, see
/// [`ActorSet::resolve`]) uses the actors file and is called by its code;
/// any other target is found by its own words
/// ([`target_phrase_spans`](crate::actors::target_phrase_spans)), so an
/// actor no actors file lists ("Nepal") still gets target features.
pub fn target_spans(
    text: &str,
    actors: &ActorSet,
    mentions: &[Mention],
    target: &str,
    span: Option<(usize, usize)>,
) -> TargetSpans {
    let mut spans = TargetSpans::default();
    target_spans_into(text, actors, mentions, target, span, &mut spans);
    spans
}

/// [`target_spans`] into reused buffers.
pub fn target_spans_into(
    text: &str,
    actors: &ActorSet,
    mentions: &[Mention],
    target: &str,
    span: Option<(usize, usize)>,
    spans: &mut TargetSpans,
) {
    let me = actors.resolve(target);
    spans.target.clear();
    spans.target.push_str(match me {
        Some(a) => &actors.actors()[a].code,
        None => target,
    });
    spans.own.clear();
    spans.others.clear();
    if let Some(s) = span {
        spans.own.push(s);
    } else if me.is_none() {
        crate::actors::target_phrase_spans(text, target, &mut spans.own);
    }
    for m in mentions {
        let overlaps_own = spans.own.iter().any(|&(a, b)| m.start < b && a < m.end);
        if overlaps_own {
            continue;
        }
        if span.is_none() && Some(m.actor) == me {
            spans.own.push((m.start, m.end));
        } else {
            spans.others.push((m.start, m.end));
        }
    }
}

#[cfg(test)]
mod tests;
