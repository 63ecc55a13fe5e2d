//! The whole of `stance suggest` short of its flags and its CSV: score the
//! unlabelled units in parallel batches, keep the most uncertain of them
//! (pruned between batches, so memory does not grow with the input), draw
//! the exploration share uniformly at random in the same pass, pick with
//! the spread of [`pick`], and lay out one row to fill in per actor still
//! unlabelled for each picked unit.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use super::{Candidate, SPREAD, Uncertainty, most_uncertain_first, pick};
use crate::corpus::{Unit, UnitKind};
use crate::error::Rejection;
use crate::eval::SplitMix64;
use crate::labels::load::Pair;
use crate::labels::splits::{Split, SplitRule};
use crate::model::StanceModel;
use crate::model::evaluate::argmax;
use crate::model::predict::Scratch;

/// Units scored per parallel batch; the pool of best candidates is pruned
/// between batches.
const BATCH: usize = 8192;

/// `picked_for` of a unit drawn at random, in place of an actor.
pub const RANDOM: &str = "(random)";

/// How to choose.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// How many units to pick.
    pub n: usize,
    pub measure: Uncertainty,
    /// Per earlier pick of the same article or actor ([`SPREAD`]; 1 ranks
    /// by uncertainty alone).
    pub discount: f64,
    /// Share of the picks drawn uniformly at random from all unlabelled
    /// units (0–1).
    pub explore: f64,
    /// Seed of the random draw.
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            n: 50,
            measure: Uncertainty::Margin,
            discount: SPREAD,
            explore: 0.0,
            seed: 42,
        }
    }
}

/// One row to fill in: the label columns (stance and sentiment left
/// empty) and what helps the labeller.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub doc_id: String,
    pub unit_id: String,
    pub actor: String,
    pub kind: UnitKind,
    /// The actor the unit was picked for, `-` (for its sentiment) or
    /// [`RANDOM`].
    pub picked_for: String,
    /// The model's stance guess toward `actor` (empty without a stance
    /// head).
    pub predicted: String,
    pub uncertainty: f64,
    pub text: String,
}

/// What was picked, and from how much.
#[derive(Debug, Default)]
pub struct Suggestions {
    pub picked: Vec<Candidate>,
    pub rows: Vec<Row>,
    /// Units left out: every actor labelled, or held out for evaluation.
    pub skipped: usize,
    /// Units the input could not give, with file and line.
    pub rejected: Vec<Rejection>,
}

impl Suggestions {
    /// The articles the picks come from.
    pub fn articles(&self) -> usize {
        self.picked
            .iter()
            .map(|c| &c.doc_id)
            .collect::<HashSet<_>>()
            .len()
    }
}

fn key(u: &Unit, actor: &str) -> Pair {
    (u.doc_id.clone(), u.unit_id.clone(), actor.to_string())
}

/// Chooses from `units` what to label next with `model`: units whose every
/// actor is in `labelled`, and units `splits` records for evaluation, are
/// never suggested.
pub fn suggest(
    model: &StanceModel,
    units: impl Iterator<Item = Result<Unit, Rejection>>,
    labelled: &HashSet<Pair>,
    splits: &SplitRule,
    opts: &Options,
) -> Suggestions {
    let codes: Vec<String> = model.actors().codes().map(str::to_string).collect();
    let is_eval =
        |u: &Unit| splits.is_recorded() && splits.of(&u.doc_id, &u.unit_id, u.kind) == Split::Eval;
    let mut out = Suggestions::default();
    let keep = (20 * opts.n).max(1000);
    let mut pool: Vec<(Candidate, Unit)> = Vec::new();
    let n_random = (opts.n as f64 * opts.explore).round() as usize;
    let mut draw = Reservoir::new(opts.n, opts.seed);
    let mut units = units.peekable();
    while units.peek().is_some() {
        let mut batch = Vec::with_capacity(BATCH);
        for r in units.by_ref().take(BATCH) {
            match r {
                Ok(u) => batch.push(u),
                Err(e) => out.rejected.push(e),
            }
        }
        let before = batch.len();
        batch.retain(|u| !is_eval(u) && codes.iter().any(|c| !labelled.contains(&key(u, c))));
        out.skipped += before - batch.len();
        let scored: Vec<(Candidate, Unit)> = batch
            .into_par_iter()
            .map_init(Scratch::default, |s, u| {
                (candidate(model, &codes, labelled, opts.measure, &u, s), u)
            })
            .collect();
        if n_random > 0 {
            scored.iter().for_each(|item| draw.offer(item));
        }
        pool.extend(scored);
        if pool.len() > 2 * keep {
            prune(&mut pool, keep);
        }
    }
    prune(&mut pool, keep);
    let by_key: HashMap<(String, String), Unit> = pool
        .iter()
        .chain(&draw.items)
        .map(|(c, u)| ((c.doc_id.clone(), c.unit_id.clone()), u.clone()))
        .collect();
    let candidates = pool.into_iter().map(|(c, _)| c).collect();
    let mut chosen = pick(candidates, opts.n - n_random, opts.discount);
    let seen: HashSet<(String, String)> = chosen
        .iter()
        .map(|c| (c.doc_id.clone(), c.unit_id.clone()))
        .collect();
    let random = draw
        .items
        .into_iter()
        .filter(|(c, _)| !seen.contains(&(c.doc_id.clone(), c.unit_id.clone())))
        .take(n_random)
        .map(|(c, _)| Candidate {
            actor: RANDOM.into(),
            ..c
        });
    chosen.extend(random);
    out.rows = rows(model, &codes, labelled, opts.measure, &chosen, &by_key);
    out.picked = chosen;
    out
}

/// Reservoir sampling: a uniform sample of all unlabelled units in one
/// pass, `n` of them (not only the random share), so overlaps with the
/// uncertain picks can be topped up.
struct Reservoir {
    items: Vec<(Candidate, Unit)>,
    n: usize,
    offered: usize,
    rng: SplitMix64,
}

impl Reservoir {
    fn new(n: usize, seed: u64) -> Reservoir {
        Reservoir {
            items: Vec::new(),
            n,
            offered: 0,
            rng: SplitMix64::new(seed),
        }
    }

    fn offer(&mut self, item: &(Candidate, Unit)) {
        self.offered += 1;
        if self.items.len() < self.n {
            self.items.push(item.clone());
        } else {
            let j = self.rng.below(self.offered);
            if j < self.n {
                self.items[j] = item.clone();
            }
        }
    }
}

/// The rows to fill in for the `chosen` units: one per actor still
/// unlabelled, with the model's guess and its uncertainty.
fn rows(
    model: &StanceModel,
    codes: &[String],
    labelled: &HashSet<Pair>,
    measure: Uncertainty,
    chosen: &[Candidate],
    units: &HashMap<(String, String), Unit>,
) -> Vec<Row> {
    let mut out = Vec::new();
    let mut scratch = Scratch::default();
    for c in chosen {
        let u = &units[&(c.doc_id.clone(), c.unit_id.clone())];
        let score = model.score_unit(&u.text, &mut scratch);
        for (code, (_, p)) in codes.iter().zip(&score.actors) {
            if labelled.contains(&key(u, code)) {
                continue;
            }
            out.push(Row {
                doc_id: u.doc_id.clone(),
                unit_id: u.unit_id.clone(),
                actor: code.clone(),
                kind: u.kind,
                picked_for: c.actor.clone(),
                predicted: model
                    .stance_labels()
                    .map_or(String::new(), |l| l[argmax(p)].clone()),
                uncertainty: measure.of(p),
                text: u.text.clone(),
            });
        }
    }
    out
}

/// The unit's worth: its highest stance uncertainty over the unlabelled
/// actors it mentions; a unit that mentions none is worth half its
/// sentiment uncertainty, so it is picked only when little else is left.
fn candidate(
    model: &StanceModel,
    codes: &[String],
    labelled: &HashSet<Pair>,
    measure: Uncertainty,
    u: &Unit,
    s: &mut Scratch,
) -> Candidate {
    let score = model.score_unit(&u.text, s);
    let mut best: Option<(f64, &str)> = None;
    for (code, (mentioned, p)) in codes.iter().zip(&score.actors) {
        if !*mentioned || labelled.contains(&key(u, code)) {
            continue;
        }
        let x = measure.of(p);
        if best.is_none_or(|(b, _)| x > b) {
            best = Some((x, code));
        }
    }
    let (uncertainty, actor) = best.unwrap_or_else(|| {
        let x = score.sentiment.as_deref().map_or(0.0, |p| measure.of(p));
        (0.5 * x, "-")
    });
    Candidate {
        doc_id: u.doc_id.clone(),
        unit_id: u.unit_id.clone(),
        uncertainty,
        actor: actor.to_string(),
    }
}

fn prune(pool: &mut Vec<(Candidate, Unit)>, keep: usize) {
    pool.sort_by(|(a, _), (b, _)| most_uncertain_first(a, b));
    pool.truncate(keep);
}

#[cfg(test)]
mod tests;
