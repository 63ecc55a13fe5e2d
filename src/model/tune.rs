//! `stance train --tune`: choose the training settings by grouped
//! cross-validation instead of by hand (cf. fastText's
//! `-autotune-validation`).
//!
//! The search is coordinate descent over a small, fixed list of dimensions
//! — model kind with C, word n-grams, character n-grams, window, pooled vs
//! per-target heads, class weights, the weight of the external sources —
//! each tried in turn with the others held at the best found so far. A
//! full grid of the same values is ~1,000 cross-validations; this is ~20,
//! which fits the 10-minute budget with external data on two cores. Every
//! trial is a `cross_validate_with` of the same folds (same seed), so
//! trials differ only by their settings; ties keep the earlier (simpler,
//! base-first) setting, so the result never depends on timing or threads.

use serde::{Deserialize, Serialize};

use super::evaluate::{cross_validate_with, report};
use super::train::TrainParams;
use crate::actors::ActorSet;
use crate::dataset::Dataset;
use crate::error::Result;
use crate::linear::{ClassWeight, Loss};
use crate::progress::{Progress, Silent};

/// The score a trial is judged by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Metric {
    FAvg,
    MacroF1,
}

/// One cross-validated setting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trial {
    /// What changed from the best setting before it (`base` first).
    pub change: String,
    pub f_avg: f64,
    pub macro_f1: f64,
    pub accuracy: f64,
    /// Whether it became the best so far.
    pub kept: bool,
}

/// The search: every trial in order, and the settings chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Search {
    pub folds: usize,
    pub seed: u64,
    pub metric: Metric,
    pub trials: Vec<Trial>,
    pub best: TrainParams,
}

impl Search {
    /// The trials as a fixed-width table.
    pub fn table(&self) -> String {
        let mut out = format!(
            "{:<44} {:>7} {:>9} {:>8}  kept\n",
            "setting", "F_avg", "macro-F1", "accuracy"
        );
        for t in &self.trials {
            out += &format!(
                "{:<44} {:>7.4} {:>9.4} {:>8.4}  {}\n",
                t.change,
                t.f_avg,
                t.macro_f1,
                t.accuracy,
                if t.kept { "*" } else { "" }
            );
        }
        out
    }
}

type Step = (String, TrainParams);

/// The values tried for each dimension, from the current best `p`.
/// `external` are the names of the external sources (their weight is one
/// dimension: all scaled together).
fn dimensions(p: &TrainParams, external: &[String]) -> Vec<Vec<Step>> {
    let mut dims: Vec<Vec<Step>> = Vec::new();
    let with = |f: &dyn Fn(&mut TrainParams)| {
        let mut q = p.clone();
        f(&mut q);
        q
    };
    let mut kind = Vec::new();
    for (loss, cs) in [
        (Loss::Logistic, [0.3f32, 1.0, 3.0]),
        (Loss::SquaredHinge, [0.03, 0.1, 0.3]),
    ] {
        for c in cs {
            let name = if loss == Loss::Logistic {
                "logistic"
            } else {
                "svm"
            };
            kind.push((
                format!("{name}, C {c}"),
                with(&|q| {
                    q.stance.loss = loss;
                    q.stance.c = c;
                    q.sentiment.loss = loss;
                }),
            ));
        }
    }
    dims.push(kind);
    dims.push(
        [1usize, 2, 3]
            .iter()
            .map(|&n| {
                (
                    format!("word 1-{n}-grams"),
                    with(&|q| q.features.word_ngrams = n),
                )
            })
            .collect(),
    );
    dims.push(
        [None, Some((2usize, 5usize))]
            .iter()
            .map(|&r| {
                let name = r.map_or("no char n-grams".into(), |(a, b)| format!("char {a}-{b}"));
                (name, with(&|q| q.features.char_ngrams = r))
            })
            .collect(),
    );
    dims.push(
        [5usize, 10, 20]
            .iter()
            .map(|&w| (format!("window {w}"), with(&|q| q.features.window = w)))
            .collect(),
    );
    dims.push(
        [false, true]
            .iter()
            .map(|&t| {
                let name = if t { "per-target heads" } else { "pooled head" };
                (name.to_string(), with(&|q| q.per_target = t))
            })
            .collect(),
    );
    dims.push(
        [ClassWeight::Balanced, ClassWeight::None]
            .iter()
            .map(|&w| {
                (
                    format!("class weights {w:?}").to_lowercase(),
                    with(&|q| q.stance.class_weight = w),
                )
            })
            .collect(),
    );
    if !external.is_empty() {
        dims.push(
            [0.25f32, 0.5, 1.0]
                .iter()
                .map(|&w| {
                    (
                        format!("external sources weight {w}"),
                        with(&|q| {
                            q.sources.weights.retain(|(n, _)| !external.contains(n));
                            q.sources
                                .weights
                                .extend(external.iter().map(|n| (n.clone(), w)));
                        }),
                    )
                })
                .collect(),
        );
    }
    dims
}

/// Runs the search from `base`. `external` sources train every fold and
/// are never scored (see [`cross_validate_with`]).
#[allow(clippy::too_many_arguments)]
pub fn tune(
    data: &Dataset,
    external: &[String],
    actors: &ActorSet,
    actors_toml: &str,
    base: &TrainParams,
    folds: usize,
    seed: u64,
    metric: Metric,
    progress: &dyn Progress,
) -> Result<Search> {
    let score = |p: &TrainParams| -> Result<(f64, f64, f64)> {
        let pred =
            cross_validate_with(data, external, actors, actors_toml, p, folds, seed, &Silent)?;
        let r = report(&pred, 0, seed);
        Ok((
            r.stance.f_avg.unwrap_or(0.0),
            r.stance.macro_f1,
            r.stance.accuracy,
        ))
    };
    let total: usize = 1 + dimensions(base, external)
        .iter()
        .map(Vec::len)
        .sum::<usize>();
    progress.stage("tuning (cross-validated settings)", total as u64);
    let judge = |s: (f64, f64, f64)| match metric {
        Metric::FAvg => s.0,
        Metric::MacroF1 => s.1,
    };
    let mut best = base.clone();
    let first = score(&best)?;
    progress.advance(1);
    let mut best_score = judge(first);
    let mut trials = vec![Trial {
        change: "base".into(),
        f_avg: first.0,
        macro_f1: first.1,
        accuracy: first.2,
        kept: true,
    }];
    let n_dims = dimensions(base, external).len();
    let mut tried = vec![best.clone()];
    for d in 0..n_dims {
        // Built from the best so far, so each step changes one dimension.
        for (change, p) in dimensions(&best, external).swap_remove(d) {
            progress.advance(1);
            if tried.contains(&p) {
                continue;
            }
            tried.push(p.clone());
            let s = score(&p)?;
            let kept = judge(s) > best_score;
            trials.push(Trial {
                change,
                f_avg: s.0,
                macro_f1: s.1,
                accuracy: s.2,
                kept,
            });
            if kept {
                best_score = judge(s);
                best = p;
            }
        }
    }
    progress.finish();
    Ok(Search {
        folds,
        seed,
        metric,
        trials,
        best,
    })
}
