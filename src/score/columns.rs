//! Scores as columns, for callers that hold many texts in memory (the
//! Python package's DataFrames and Arrow batches) rather than a stream of
//! records. The numbers come from the same calls `stance score` makes
//! ([`StanceModel::score_unit_ref`], [`StanceModel::stance_proba`]), so
//! they are the CLI's, before its rounding to 4 decimals: columns keep
//! the model's `f32`s whole, for analyses that need them.

use std::collections::HashMap;

use rayon::prelude::*;

use super::output::{sentiment_label, stance_label};
use crate::error::{Error, Result};
use crate::labels::{Sentiment, Stance};
use crate::model::StanceModel;
use crate::model::predict::Scratch;

/// Sentiment per row: the label and its probabilities (positive,
/// negative, neutral). A unit's sentiment repeats on each of its actor
/// rows, so a row is whole on its own (one table, no join).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SentimentColumns {
    pub label: Vec<Sentiment>,
    pub probs: [Vec<f32>; 3],
}

/// One row per text and actor of the model (texts in order, actors in the
/// actors file's order), or per text and its given target.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScoreColumns {
    /// The index of the row's text among the texts scored.
    pub text: Vec<u64>,
    /// The row's actor (or target): an index into `names`.
    pub actor: Vec<u32>,
    /// Actor codes (the model's) or the distinct targets, in order of
    /// first appearance.
    pub names: Vec<String>,
    pub stance: Vec<Stance>,
    /// Stance probabilities: pro, anti, none.
    pub stance_probs: [Vec<f32>; 3],
    pub mentioned: Vec<bool>,
    /// `None` when the model has no sentiment task.
    pub sentiment: Option<SentimentColumns>,
}

impl ScoreColumns {
    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    fn empty(names: Vec<String>, sentiment: bool) -> ScoreColumns {
        ScoreColumns {
            names,
            sentiment: sentiment.then(SentimentColumns::default),
            ..ScoreColumns::default()
        }
    }

    fn push(&mut self, text: usize, actor: u32, stance: &[f32], mentioned: bool, sent: &[f32]) {
        self.text.push(text as u64);
        self.actor.push(actor);
        self.stance.push(stance_label(stance));
        for (col, &p) in self.stance_probs.iter_mut().zip(stance) {
            col.push(p);
        }
        self.mentioned.push(mentioned);
        if let Some(s) = &mut self.sentiment {
            s.label.push(sentiment_label(sent));
            for (col, &p) in s.probs.iter_mut().zip(sent) {
                col.push(p);
            }
        }
    }

    /// Appends the rows of `other`, which has the same `names`.
    fn append(&mut self, mut other: ScoreColumns) {
        self.text.append(&mut other.text);
        self.actor.append(&mut other.actor);
        self.stance.append(&mut other.stance);
        for (a, b) in self.stance_probs.iter_mut().zip(&mut other.stance_probs) {
            a.append(b);
        }
        self.mentioned.append(&mut other.mentioned);
        if let (Some(a), Some(b)) = (&mut self.sentiment, &mut other.sentiment) {
            a.label.append(&mut b.label);
            for (x, y) in a.probs.iter_mut().zip(&mut b.probs) {
                x.append(y);
            }
        }
    }
}

/// Texts per parallel task: enough to amortize a task, few enough that a
/// batch of a few thousand still spreads over the cores.
const GRAIN: usize = 64;

/// Scores `texts` toward every actor of the model or, with `targets` (one
/// per text), toward each text's target, in parallel (rayon) and in order.
/// Target rows carry the text's sentiment too, which `stance score` does
/// not write for target lines.
pub fn score_columns(
    model: &StanceModel,
    texts: &[&str],
    targets: Option<&[&str]>,
) -> Result<ScoreColumns> {
    if model.stance_labels().is_none() {
        return Err(Error::Model("it has no stance task to score with".into()));
    }
    let sentiment = model.sentiment_labels().is_some();
    let Some(targets) = targets else {
        let names: Vec<String> = model.actors().codes().map(str::to_string).collect();
        return Ok(in_parallel(texts, names, sentiment, |b, i, out| {
            let score = model.score_unit_ref(texts[i], &mut b.scratch);
            let sent = score.sentiment.unwrap_or(&[]);
            for (a, (mentioned, p)) in score.actors().enumerate() {
                out.push(i, a as u32, p, mentioned, sent);
            }
        }));
    };
    if targets.len() != texts.len() {
        return Err(Error::Param(format!(
            "{} targets for {} texts: give one target per text",
            targets.len(),
            texts.len()
        )));
    }
    let mut index: HashMap<&str, u32> = HashMap::new();
    let mut names = Vec::new();
    let ids: Vec<u32> = targets
        .iter()
        .map(|&t| {
            *index.entry(t).or_insert_with(|| {
                names.push(t.to_string());
                names.len() as u32 - 1
            })
        })
        .collect();
    Ok(in_parallel(texts, names, sentiment, |b, i, out| {
        let mentioned = model
            .stance_proba(texts[i], targets[i], None, &mut b.scratch, &mut b.stance)
            .unwrap_or(false);
        model.sentiment_proba(texts[i], &mut b.scratch, &mut b.sentiment);
        out.push(i, ids[i], &b.stance, mentioned, &b.sentiment);
    }))
}

/// Per-thread buffers of [`in_parallel`].
#[derive(Default)]
struct Buffers {
    scratch: Scratch,
    stance: Vec<f32>,
    sentiment: Vec<f32>,
}

/// Runs `score(buffers, text index, out)` over all texts on the rayon
/// pool, GRAIN texts a task, and joins the tasks' columns in order.
fn in_parallel(
    texts: &[&str],
    names: Vec<String>,
    sentiment: bool,
    score: impl Fn(&mut Buffers, usize, &mut ScoreColumns) + Sync,
) -> ScoreColumns {
    let starts: Vec<usize> = (0..texts.len()).step_by(GRAIN).collect();
    let parts: Vec<ScoreColumns> = starts
        .par_iter()
        .map_init(Buffers::default, |b, &start| {
            let mut part = ScoreColumns::empty(Vec::new(), sentiment);
            for i in start..(start + GRAIN).min(texts.len()) {
                score(b, i, &mut part);
            }
            part
        })
        .collect();
    let mut all = ScoreColumns::empty(names, sentiment);
    for part in parts {
        all.append(part);
    }
    all
}
