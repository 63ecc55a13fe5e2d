//! Which method to trust, by measurement: estimated shares against
//! hand-labelled shares on labelled data, with error rates that never come
//! from the units being estimated.
//!
//! The protocol, over labelled pairs that carry out-of-fold probabilities:
//!
//! 1. **Cells.** Per document (an article, or a source such as a comment
//!    pool) and target, one *article cell*: all of the document's pairs for
//!    that target. Because there are few documents, also *bag cells*:
//!    `bags` random samples of `bag_size` pairs drawn without replacement
//!    from every document × target with at least twice `bag_size` pairs (so
//!    a bag is at most half its document). A bag of pairs of one target is a
//!    bag of units, as far as that target's shares go. Bag draws are seeded
//!    by the protocol's seed and the document and target names.
//! 2. **Rates from elsewhere.** An article cell's error rates (and EM's
//!    prior) come from the pairs of the *other* documents only — leave one
//!    document out — which is how a model meets a new article: its rates
//!    come from its training data. A bag cell's rates come, by
//!    [`RatesFrom`], either from every pair except those of the bag's units
//!    (all their targets), which is how a model meets more units of a
//!    source it was trained on, or from the other documents too. Pairs that
//!    do not say their unit (a model's out-of-fold points) always take the
//!    latter: a bag's units could not be kept out otherwise.
//! 3. **Errors.** Per cell and method: the mean absolute error of the three
//!    shares, and the Kullback–Leibler divergence of the estimate from the
//!    truth, both smoothed as in QuaPy (`ε = 1/(2n)` for a cell of `n`).
//!    Reported as means over article cells, bag cells, and all cells.
//!
//! The best method is the one with the lowest MAE over all cells.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write;

use serde::{Deserialize, Serialize};

use super::{ErrorStats, LabelledPair, Method, Rates, estimate};
use crate::dataset::fnv1a;
use crate::eval::SplitMix64;

/// Where a bag cell's error rates come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RatesFrom {
    /// The other documents (as for article cells).
    OtherDocuments,
    /// Every pair but those of the bag's units, its own document included.
    OtherUnits,
}

impl RatesFrom {
    pub fn describe(self) -> &'static str {
        match self {
            RatesFrom::OtherDocuments => "the other documents",
            RatesFrom::OtherUnits => "all units but the bag's own",
        }
    }
}

/// How cells are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Protocol {
    pub bag_size: usize,
    /// Bags per document × target.
    pub bags: usize,
    pub seed: u64,
    /// Where bag cells' rates come from.
    pub bag_rates: RatesFrom,
}

impl Protocol {
    /// The protocol as it can be applied to `pairs`: bags fall back to
    /// rates from other documents when some pair's unit is unknown.
    pub fn applicable(mut self, pairs: &[LabelledPair]) -> Protocol {
        if pairs.iter().any(|p| p.unit.is_none()) {
            self.bag_rates = RatesFrom::OtherDocuments;
        }
        self
    }
}

impl Default for Protocol {
    /// 50 units is a typical comment section of one article.
    fn default() -> Self {
        Protocol {
            bag_size: 50,
            bags: 20,
            seed: 42,
            bag_rates: RatesFrom::OtherUnits,
        }
    }
}

/// Mean errors over a set of cells.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Errors {
    pub cells: usize,
    pub mae: f64,
    pub kl: f64,
}

/// One method's errors. `per_target: false` is the method with pooled
/// rates for every target, measured to see what per-target rates are worth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MethodError {
    pub method: Method,
    pub per_target: bool,
    pub articles: Errors,
    pub bags: Errors,
    pub all: Errors,
    /// Cells where the method fell back to CC.
    pub fallbacks: usize,
}

impl MethodError {
    /// `pacc`, or `pacc/pooled` for the pooled-rates variant.
    pub fn label(&self) -> String {
        if self.per_target || !self.method.needs_rates() {
            self.method.to_string()
        } else {
            format!("{}/pooled", self.method)
        }
    }
}

/// The result of [`measure`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    pub protocol: Protocol,
    pub pairs: usize,
    pub documents: usize,
    pub rows: Vec<MethodError>,
}

impl Measurement {
    /// Every method with per-target rates where enough pairs exist, then
    /// the rate-using methods with pooled rates.
    pub const VARIANTS: [(Method, bool); 8] = [
        (Method::Cc, true),
        (Method::Pcc, true),
        (Method::Acc, true),
        (Method::Pacc, true),
        (Method::Em, true),
        (Method::Acc, false),
        (Method::Pacc, false),
        (Method::Em, false),
    ];

    /// The row with the lowest MAE over all cells (the first on ties);
    /// `None` when nothing could be measured.
    pub fn best(&self) -> Option<&MethodError> {
        self.rows
            .iter()
            .filter(|r| r.all.cells > 0)
            .min_by(|a, b| a.all.mae.total_cmp(&b.all.mae))
    }

    pub fn row(&self, method: Method, per_target: bool) -> Option<&MethodError> {
        self.rows
            .iter()
            .find(|r| r.method == method && r.per_target == per_target)
    }
}

/// Gold shares of a cell.
fn truth(gold: impl Iterator<Item = usize>) -> [f64; 3] {
    let mut c = [0.0; 3];
    let mut n = 0.0;
    for g in gold {
        c[g] += 1.0;
        n += 1.0;
    }
    c.map(|k| k / n)
}

/// QuaPy's smoothing before KL, so a zero share does not make it infinite.
fn smooth(p: [f64; 3], eps: f64) -> [f64; 3] {
    p.map(|x| (x + eps) / (3.0 * eps + 1.0))
}

/// `(absolute error, KL(truth ‖ estimate))` of one cell of `n` units.
pub fn cell_errors(truth: [f64; 3], est: [f64; 3], n: usize) -> (f64, f64) {
    let ae = (0..3).map(|k| (truth[k] - est[k]).abs()).sum::<f64>() / 3.0;
    let eps = 1.0 / (2.0 * n.max(1) as f64);
    let (t, e) = (smooth(truth, eps), smooth(est, eps));
    let kl = (0..3).map(|k| t[k] * (t[k] / e[k]).ln()).sum();
    (ae, kl)
}

#[derive(Default)]
struct Sums {
    cells: usize,
    ae: f64,
    kl: f64,
}

impl Sums {
    fn add(&mut self, (ae, kl): (f64, f64)) {
        self.cells += 1;
        self.ae += ae;
        self.kl += kl;
    }
    fn mean(&self) -> Errors {
        let n = self.cells.max(1) as f64;
        Errors {
            cells: self.cells,
            mae: self.ae / n,
            kl: self.kl / n,
        }
    }
}

/// `bag_size` distinct items of `idx`, by a partial Fisher–Yates shuffle.
fn draw(idx: &[usize], bag_size: usize, rng: &mut SplitMix64) -> Vec<usize> {
    let mut v = idx.to_vec();
    for i in 0..bag_size {
        let j = i + rng.below(v.len() - i);
        v.swap(i, j);
    }
    v.truncate(bag_size);
    v
}

/// Measures `variants` (method, per-target rates) on `pairs` by the
/// protocol in the module documentation ([`Protocol::applicable`] to the
/// pairs; the result records it). Fewer than two documents leave nothing to
/// take rates from: the rows then have no cells.
pub fn measure(
    pairs: &[LabelledPair],
    protocol: &Protocol,
    variants: &[(Method, bool)],
) -> Measurement {
    let protocol = &protocol.applicable(pairs);
    let mut docs: BTreeMap<&str, BTreeMap<&str, Vec<usize>>> = BTreeMap::new();
    for (i, p) in pairs.iter().enumerate() {
        docs.entry(&p.doc)
            .or_default()
            .entry(&p.target)
            .or_default()
            .push(i);
    }
    let mut sums: Vec<[Sums; 2]> = variants.iter().map(|_| Default::default()).collect();
    let mut fallbacks = vec![0usize; variants.len()];
    // Rates with and without per-target pools, and their statistics.
    let rates_of = |keep: &dyn Fn(&LabelledPair) -> bool| {
        let kept: Vec<&LabelledPair> = pairs.iter().filter(|p| keep(p)).collect();
        let rates = [Rates::new(&kept, true), Rates::new(&kept, false)];
        let stats: [Vec<ErrorStats>; 2] = std::array::from_fn(|r| {
            (0..rates[r].pools().len())
                .map(|i| rates[r].stats(i))
                .collect()
        });
        (rates, stats)
    };
    if docs.len() >= 2 {
        for (doc, targets) in &docs {
            let of_doc = rates_of(&|p| p.doc != *doc);
            for (target, idx) in targets {
                let mut cells: Vec<(usize, Vec<usize>)> = vec![(0, idx.clone())];
                if protocol.bag_size > 0 && idx.len() >= 2 * protocol.bag_size {
                    let key = format!("{doc}\u{0}{target}");
                    let mut rng = SplitMix64::new(protocol.seed ^ fnv1a(key.as_bytes()));
                    for _ in 0..protocol.bags {
                        cells.push((1, draw(idx, protocol.bag_size, &mut rng)));
                    }
                }
                for (kind, members) in cells {
                    let gold = truth(members.iter().map(|&i| pairs[i].gold));
                    let proba: Vec<[f64; 3]> = members.iter().map(|&i| pairs[i].proba).collect();
                    let of_bag;
                    let (rates, stats) = if kind == 1 && protocol.bag_rates == RatesFrom::OtherUnits
                    {
                        let units: HashSet<Option<u64>> =
                            members.iter().map(|&i| pairs[i].unit).collect();
                        of_bag = rates_of(&|p| p.doc != *doc || !units.contains(&p.unit));
                        (&of_bag.0, &of_bag.1)
                    } else {
                        (&of_doc.0, &of_doc.1)
                    };
                    for (v, &(method, per_target)) in variants.iter().enumerate() {
                        let r = if per_target { 0 } else { 1 };
                        let (pool, _) = rates[r].pool_of(target);
                        let e = estimate(method, stats[r].get(pool), &proba);
                        fallbacks[v] += usize::from(e.fell_back);
                        sums[v][kind].add(cell_errors(gold, e.shares, proba.len()));
                    }
                }
            }
        }
    }
    let rows = variants
        .iter()
        .zip(sums)
        .zip(fallbacks)
        .map(|((&(method, per_target), [a, b]), fallbacks)| {
            let all = Sums {
                cells: a.cells + b.cells,
                ae: a.ae + b.ae,
                kl: a.kl + b.kl,
            };
            MethodError {
                method,
                per_target,
                articles: a.mean(),
                bags: b.mean(),
                all: all.mean(),
                fallbacks,
            }
        })
        .collect();
    Measurement {
        protocol: *protocol,
        pairs: pairs.len(),
        documents: docs.len(),
        rows,
    }
}

/// The measurement as a table, method by method.
pub fn render_measurement(m: &Measurement) -> String {
    let mut out = String::new();
    let p = &m.protocol;
    let (articles, bags) = m
        .rows
        .first()
        .map_or((0, 0), |r| (r.articles.cells, r.bags.cells));
    let _ = writeln!(
        out,
        "quantification error: {} labelled pairs in {} documents",
        m.pairs, m.documents
    );
    let _ = writeln!(
        out,
        "cells: {articles} document × target (rates from the other documents), {bags} bags \
         ({} of {} pairs per document × target with ≥ {}; rates from {}; seed {})",
        p.bags,
        p.bag_size,
        2 * p.bag_size,
        p.bag_rates.describe(),
        p.seed
    );
    let _ = writeln!(
        out,
        "{:<12} {:>9} {:>7} {:>9} {:>7} {:>9} {:>7} {:>9}",
        "method", "docs MAE", "KL", "bags MAE", "KL", "all MAE", "KL", "fallback"
    );
    for r in &m.rows {
        let _ = writeln!(
            out,
            "{:<12} {:>9.4} {:>7.4} {:>9.4} {:>7.4} {:>9.4} {:>7.4} {:>9}",
            r.label(),
            r.articles.mae,
            r.articles.kl,
            r.bags.mae,
            r.bags.kl,
            r.all.mae,
            r.all.kl,
            r.fallbacks
        );
    }
    match m.best() {
        Some(b) => {
            let _ = writeln!(
                out,
                "best (lowest MAE over all cells): {} ({:.4})",
                b.label(),
                b.all.mae
            );
        }
        None => out.push_str("nothing measured: need labelled pairs from at least two documents\n"),
    }
    out
}
