//! The predicted sections' shares by a quantification method: [`build`]
//! counts the classifier's decisions (CC, with Wilson intervals); this
//! replaces the shares, net stance and intervals of every predicted section
//! by the chosen method's estimate and bootstrap intervals, and records how
//! they were made. The counts stay the classifier's decisions, so a reader
//! sees both what was classified and what is estimated.
//!
//! [`build`]: super::build

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::ArticleReport;
use super::assemble::part_of;
use super::quantify::{Cell, Method, Rates, bootstrap_with_net, estimate};
use crate::score::ScoreRecord;

/// A method's error as measured on labelled data (see
/// [`quantify::measure`](super::quantify::measure)).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MeasuredError {
    /// Mean absolute error of the three shares over all cells.
    pub mae: f64,
    /// Mean smoothed KL divergence over all cells.
    pub kl: f64,
    pub cells: usize,
    pub documents: usize,
    /// Labelled pairs measured on.
    pub pairs: usize,
}

/// How a predicted section's shares were made; the same for every
/// predicted section of a report, carried by each so a section read alone
/// still says it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareMethod {
    /// The method used.
    pub method: Method,
    /// The method asked for; differs from `method` after a fallback.
    pub requested: Method,
    /// `wilson` (CC) or `bootstrap`.
    pub intervals: String,
    /// Bootstrap rounds and seed (bootstrap only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounds: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Labelled out-of-fold pairs the error rates come from (0 for methods
    /// that use none).
    pub labelled_pairs: usize,
    /// The method's measured error on the model's out-of-fold data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measured: Option<MeasuredError>,
    /// Anything a reader must know, such as why the method asked for was
    /// not used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The model that made the scores and its measured quality
    /// ([`ModelData::quality`](crate::model::ModelData::quality)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

/// What [`estimate_shares`] is asked to do.
#[derive(Debug, Clone)]
pub struct ShareOptions<'a> {
    pub method: Method,
    /// Labelled out-of-fold pairs; `None` when the model has none.
    pub rates: Option<&'a Rates>,
    /// Bootstrap rounds (not for CC, which keeps Wilson intervals).
    pub rounds: usize,
    pub seed: u64,
    pub measured: Option<MeasuredError>,
    /// Said in the output, e.g. where the rates come from.
    pub note: Option<String>,
    /// The model and its measured quality, shown above the shares.
    pub model: Option<String>,
}

impl ShareOptions<'_> {
    /// The method actually used and the note explaining a fallback.
    fn effective(&self) -> (Method, Option<String>) {
        let has_rates = self.rates.is_some_and(|r| !r.is_empty());
        if self.method.needs_rates() && !has_rates {
            let why = format!(
                "{} asked for, but the model has no out-of-fold data to take error rates from: \
                 shares are classify-and-count, uncorrected for classifier error",
                self.method
            );
            let note = match &self.note {
                Some(n) => format!("{why}; {n}"),
                None => why,
            };
            return (Method::Cc, Some(note));
        }
        (self.method, self.note.clone())
    }

    /// What every predicted section carries: the method used, how its
    /// intervals were made, the measured error and the notes.
    fn summary(&self) -> ShareMethod {
        let (method, note) = self.effective();
        let rates = self.rates.filter(|_| method.needs_rates());
        let bootstrapped = method != Method::Cc;
        ShareMethod {
            method,
            requested: self.method,
            intervals: if bootstrapped { "bootstrap" } else { "wilson" }.into(),
            rounds: bootstrapped.then_some(self.rounds),
            seed: bootstrapped.then_some(self.seed),
            labelled_pairs: rates.map_or(0, Rates::len),
            measured: self.measured,
            note,
            model: self.model.clone(),
        }
    }
}

/// What [`ShareOptions`] takes from the model that made the scores: its
/// out-of-fold error rates, the method's error measured on them and the
/// model's quality line. `stance report` and reports from counts
/// ([`from_counts`](super::counts::from_counts)) build their options alike
/// from it.
#[derive(Debug, Clone, Default)]
pub struct ModelShares {
    pub rates: Option<Rates>,
    pub measured: Option<MeasuredError>,
    pub note: Option<String>,
    pub quality: Option<String>,
}

impl ModelShares {
    /// From `model`, or `Err(why)` when there is none to read (the note
    /// says why, and methods that need rates fall back to CC).
    pub fn new(model: Result<&crate::model::ModelData, String>, method: Method) -> ModelShares {
        let (pairs, note, quality) = match model {
            Ok(m) => (model_pairs(m), None, Some(m.quality())),
            Err(why) => (Vec::new(), Some(why), None),
        };
        let refs: Vec<&super::quantify::LabelledPair> = pairs.iter().collect();
        ModelShares {
            rates: (!pairs.is_empty()).then(|| Rates::new(&refs, true)),
            measured: measured_error(&pairs, method),
            note,
            quality,
        }
    }

    /// The options of `method` with these rates.
    pub fn options(&self, method: Method, rounds: usize, seed: u64) -> ShareOptions<'_> {
        ShareOptions {
            method,
            rates: self.rates.as_ref(),
            rounds,
            seed,
            measured: self.measured,
            note: self.note.clone(),
            model: self.quality.clone(),
        }
    }
}

/// Marks every predicted section of `reports` as estimated by `summary`,
/// and, for CC, each of its actors: [`build`](super::build)'s counts,
/// shares and Wilson intervals stand.
fn mark(reports: &mut [ArticleReport], summary: &ShareMethod) {
    for r in reports.iter_mut() {
        for s in r.sections.iter_mut().filter(|s| s.source == "predicted") {
            if summary.method == Method::Cc {
                for a in &mut s.actors {
                    a.method = Some(Method::Cc);
                }
            }
            s.estimate = Some(summary.clone());
        }
    }
}

/// [`estimate_shares`] for reports made from counts
/// ([`from_counts`](super::counts::from_counts)) rather than scores: the
/// methods that need only the counts, that is CC (also where a method
/// asked for falls back to CC because the model has no error rates).
/// Every other method estimates from each unit's probabilities and
/// bootstraps its intervals over the units, so it needs the scores: an
/// error says so.
pub fn count_shares(reports: &mut [ArticleReport], opts: &ShareOptions) -> Result<(), String> {
    let summary = opts.summary();
    if summary.method != Method::Cc {
        return Err(format!(
            "method {} needs every unit's probabilities (its estimate and its bootstrap \
             intervals resample the units), not counts: report from counts with cc (the \
             default), or run `stance report --method {}` on the scores",
            summary.method, summary.method
        ));
    }
    mark(reports, &summary);
    Ok(())
}

/// Replaces the shares of every predicted section of `reports` (made by
/// [`build`](super::build) from `scores`) by `opts.method`'s estimates.
pub fn estimate_shares(reports: &mut [ArticleReport], scores: &[ScoreRecord], opts: &ShareOptions) {
    let summary = opts.summary();
    let method = summary.method;
    if method == Method::Cc {
        mark(reports, &summary);
        return;
    }
    let rates = opts.rates.filter(|_| method.needs_rates());
    // doc → part → actor → probabilities of its units, in score order.
    type ByActor<'s> = BTreeMap<&'s str, Vec<[f64; 3]>>;
    let mut proba: BTreeMap<&str, BTreeMap<&str, ByActor>> = BTreeMap::new();
    for r in scores {
        let (Some(doc), Some(_), Some(part)) = (&r.doc_id, &r.unit_id, part_of(r.kind)) else {
            continue;
        };
        let e = proba.entry(doc).or_default().entry(part).or_default();
        for a in &r.actors {
            let p = [a.probs.pro, a.probs.anti, a.probs.none].map(f64::from);
            e.entry(&a.actor).or_default().push(p);
        }
    }
    let empty = Vec::new();
    // Every predicted (section, actor) cell, in report order.
    let mut at: Vec<(usize, usize, usize)> = Vec::new();
    let mut cells: Vec<Cell> = Vec::new();
    for (ri, r) in reports.iter().enumerate() {
        for (si, s) in r.sections.iter().enumerate() {
            if s.source != "predicted" {
                continue;
            }
            let units = proba
                .get(r.doc_id.as_str())
                .and_then(|d| d.get(s.part.as_str()));
            for (ai, a) in s.actors.iter().enumerate() {
                let p = units
                    .and_then(|u| u.get(a.actor.as_str()))
                    .unwrap_or(&empty);
                let pool = rates.map_or(0, |r| r.pool_of(&a.actor).0);
                at.push((ri, si, ai));
                cells.push(Cell { proba: p, pool });
            }
        }
    }
    let stats: Vec<_> = rates.map_or_else(Vec::new, |r| {
        (0..r.pools().len()).map(|i| r.stats(i)).collect()
    });
    let intervals = bootstrap_with_net(method, rates, &cells, opts.rounds, opts.seed);
    for (c, &(ri, si, ai)) in at.iter().enumerate() {
        let a = &mut reports[ri].sections[si].actors[ai];
        let e = estimate(method, stats.get(cells[c].pool), cells[c].proba);
        let [pro, anti, none] = e.shares;
        (a.pro_share, a.anti_share, a.none_share) = (pro, anti, none);
        [a.pro_ci, a.anti_ci, a.none_ci] = intervals[c].shares;
        a.net = pro - anti;
        a.net_ci = Some(intervals[c].net);
        a.method = Some(e.method);
        a.rates = rates.map(|r| r.pool_of(&a.actor).1);
    }
    mark(reports, &summary);
}

/// One line naming the method, the intervals and the measured error, for
/// the table and HTML renderers.
pub fn describe(m: &ShareMethod) -> String {
    let mut out = m.model.as_ref().map_or(String::new(), |q| format!("{q}\n"));
    out += &format!("shares: {} ({})", m.method, m.method.describe());
    if m.labelled_pairs > 0 {
        out += &format!(
            "; error rates from {} labelled out-of-fold pairs (a target's own where it has \
             ≥ {} per class, else pooled)",
            m.labelled_pairs,
            super::quantify::MIN_PER_CLASS
        );
    }
    match (m.intervals.as_str(), m.rounds, m.seed) {
        ("bootstrap", Some(n), Some(seed)) => {
            let over = if m.labelled_pairs > 0 {
                "units and labelled pairs"
            } else {
                "units"
            };
            out += &format!("; 95% intervals: bootstrap over {over}, {n} rounds, seed {seed}");
        }
        _ => out += "; 95% intervals: Wilson",
    }
    match &m.measured {
        Some(e) => {
            out += &format!(
                "; measured error on the model's out-of-fold data: MAE {:.3}, KL {:.3} over {} \
                 cells in {} documents (rates from the other documents)",
                e.mae, e.kl, e.cells, e.documents
            )
        }
        None => out += "; error not measured",
    }
    if let Some(n) = &m.note {
        out += &format!(". Note: {n}");
    }
    out
}

/// A model's out-of-fold stance pairs, calibrated as scoring calibrates;
/// empty when training did not cross-validate.
pub fn model_pairs(model: &crate::model::ModelData) -> Vec<super::quantify::LabelledPair> {
    match (&model.meta.out_of_fold, &model.stance) {
        (Some(oof), Some(task)) => {
            super::quantify::LabelledPair::from_oof(&oof.stance, &task.calibration)
        }
        _ => Vec::new(),
    }
}

/// `method`'s error on `pairs` by the default protocol of
/// [`measure`](super::quantify::measure) (per-target rates where enough
/// pairs exist, as the report uses them); `None` when the pairs span fewer
/// than two documents.
pub fn measured_error(
    pairs: &[super::quantify::LabelledPair],
    method: Method,
) -> Option<MeasuredError> {
    let m = super::quantify::measure(pairs, &Default::default(), &[(method, true)]);
    let row = m.rows.first().filter(|r| r.all.cells > 0)?;
    Some(MeasuredError {
        mae: row.all.mae,
        kl: row.all.kl,
        cells: row.all.cells,
        documents: m.documents,
        pairs: m.pairs,
    })
}
