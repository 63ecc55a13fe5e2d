//! Quantification: estimating the pro / anti / none shares of a set of
//! units rather than classifying each one (Forman 2008; González et al.
//! 2017; QuaPy, Moreo et al. 2021). Counting the classifier's decisions is
//! biased whenever the classifier errs, and it errs most on exactly the rare
//! classes a report is read for: a classifier that calls 10% of neutral
//! comments "anti" reports 10% anti on an article without a single one.
//!
//! The methods, over the three stance classes in [`Stance::ALL`] order:
//!
//! - **CC** classify and count: the share of units whose most probable class
//!   is each class.
//! - **PCC** probabilistic classify and count: the mean probability.
//! - **ACC** adjusted classify and count: solves `M p = q` for the true
//!   shares `p`, where `q` is CC's answer and `M[i][j] = P(ŷ = i | y = j)`
//!   is estimated from labelled pairs the classifier never saw in training
//!   (the model's out-of-fold scores).
//! - **PACC** the same with `q` from PCC and `M[i][j] = E[p̂_i | y = j]`.
//! - **EM** Saerens, Latinne & Decaestecker (2002): re-weights every unit's
//!   probabilities by the ratio of the current to the training prior and
//!   re-estimates the prior until it stops moving.
//!
//! The core works on plain slices of gold classes and probabilities
//! ([`ErrorStats::from_pairs`], [`estimate`]), so it does not care whether
//! the labelled pairs come from a model file or a cross-validation run.
//! [`bootstrap`] adds intervals that include the classifier's error;
//! [`measure`] compares the methods on labelled data.

pub mod bootstrap;
pub mod measure;
pub mod rates;

pub use bootstrap::{Cell, CellIntervals, bootstrap, bootstrap_with_net};
pub use measure::{Measurement, Protocol, RatesFrom, measure, render_measurement};
pub use rates::{LabelledPair, MIN_PER_CLASS, Rates, RatesScope};

use serde::{Deserialize, Serialize};

#[cfg(doc)]
use crate::labels::Stance;

/// A quantification method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    Cc,
    Pcc,
    Acc,
    Pacc,
    Em,
}

/// What `stance report` uses unless told otherwise. Chosen by measurement,
/// not by taste: the rule, fixed before measuring, is the lowest mean
/// absolute share error over all cells of `stance eval --cv 5 --quantify
/// --split train --kind comment` with the default model's settings (see
/// `models/README.md`, "Quantification", for the command) on the
/// hand-labelled training comments. With the shipped model (logistic,
/// lexicon, NewsMTSC + RUW, min-df 3): CC 0.062 against PCC 0.096, PACC
/// 0.111, ACC 0.124, EM 0.259. (With the earlier seed-only SVM the rule picked PACC,
/// 0.104 against CC 0.125.) Re-measure when the model or its calibration
/// changes.
pub const DEFAULT_METHOD: Method = Method::Cc;

impl Method {
    pub const ALL: [Method; 5] = [
        Method::Cc,
        Method::Pcc,
        Method::Acc,
        Method::Pacc,
        Method::Em,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Cc => "cc",
            Method::Pcc => "pcc",
            Method::Acc => "acc",
            Method::Pacc => "pacc",
            Method::Em => "em",
        }
    }

    /// A reader's name for the method.
    pub fn describe(self) -> &'static str {
        match self {
            Method::Cc => "classify and count",
            Method::Pcc => "probabilistic classify and count",
            Method::Acc => "adjusted classify and count",
            Method::Pacc => "probabilistic adjusted classify and count",
            Method::Em => "EM prior adjustment (Saerens et al. 2002)",
        }
    }

    /// Whether the method needs labelled pairs (error rates or a prior).
    pub fn needs_rates(self) -> bool {
        matches!(self, Method::Acc | Method::Pacc | Method::Em)
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Method {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Method::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown method {s:?} (cc, pcc, acc, pacc, em)"))
    }
}

/// Sufficient statistics of labelled pairs for every method: per gold class
/// the number of pairs, how often each class was predicted (argmax), and
/// the summed probabilities. Additive, so a bootstrap round rebuilds them
/// from resampled pairs in one pass.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ErrorStats {
    /// Pairs per gold class.
    pub n: [f64; 3],
    /// `hard[gold][predicted]` counts.
    pub hard: [[f64; 3]; 3],
    /// `soft[gold][class]` summed probabilities.
    pub soft: [[f64; 3]; 3],
}

impl ErrorStats {
    pub fn add(&mut self, gold: usize, proba: &[f64; 3]) {
        self.n[gold] += 1.0;
        self.hard[gold][argmax(proba)] += 1.0;
        for (s, p) in self.soft[gold].iter_mut().zip(proba) {
            *s += p;
        }
    }

    /// From parallel slices of gold classes (0 pro, 1 anti, 2 none) and
    /// probabilities.
    ///
    /// # Panics
    /// If the slices differ in length or a gold class is above 2.
    pub fn from_pairs(gold: &[usize], proba: &[[f64; 3]]) -> Self {
        assert_eq!(gold.len(), proba.len(), "gold and proba differ in length");
        let mut s = ErrorStats::default();
        for (&g, p) in gold.iter().zip(proba) {
            s.add(g, p);
        }
        s
    }

    /// Gold class shares of the pairs: the training prior EM starts from.
    pub fn prior(&self) -> [f64; 3] {
        let total: f64 = self.n.iter().sum();
        if total == 0.0 {
            return [0.0; 3];
        }
        self.n.map(|k| k / total)
    }

    /// `M[i][j]`: `P(ŷ = i | y = j)` (hard) or `E[p̂_i | y = j]` (soft).
    /// `None` when some class has no labelled pair, so a column is unknown.
    fn matrix(&self, soft: bool) -> Option<[[f64; 3]; 3]> {
        if self.n.contains(&0.0) {
            return None;
        }
        let by_gold = if soft { &self.soft } else { &self.hard };
        Some(std::array::from_fn(|i| {
            std::array::from_fn(|j| by_gold[j][i] / self.n[j])
        }))
    }
}

/// Estimated shares and how they were reached.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// `[pro, anti, none]`, on the simplex.
    pub shares: [f64; 3],
    /// The method that produced `shares`: the one asked for, or CC after a
    /// fallback.
    pub method: Method,
    /// The method asked for could not be applied (singular misclassification
    /// matrix, a class without labelled pairs, or no labelled pairs at all)
    /// and the shares are CC's.
    pub fell_back: bool,
}

/// Index of the largest probability (the first on ties), the rule scores
/// and evaluation use.
pub fn argmax(p: &[f64; 3]) -> usize {
    let mut best = 0;
    for i in 1..3 {
        if p[i] > p[best] {
            best = i;
        }
    }
    best
}

/// CC's shares: the share of units predicted as each class.
pub fn classify_and_count(proba: &[[f64; 3]]) -> [f64; 3] {
    let mut out = [0.0; 3];
    if proba.is_empty() {
        return out;
    }
    for p in proba {
        out[argmax(p)] += 1.0;
    }
    out.map(|k| k / proba.len() as f64)
}

/// PCC's shares: the mean probability of each class.
pub fn probabilistic_classify_and_count(proba: &[[f64; 3]]) -> [f64; 3] {
    let mut out = [0.0; 3];
    if proba.is_empty() {
        return out;
    }
    for p in proba {
        for (o, x) in out.iter_mut().zip(p) {
            *o += x;
        }
    }
    out.map(|s| s / proba.len() as f64)
}

/// A pivot smaller than this makes the misclassification matrix singular.
/// Its entries are rates in [0, 1] whose columns sum to 1, so the scale is
/// fixed and an absolute threshold is meaningful.
const PIVOT_TOL: f64 = 1e-9;

/// Solves the 3×3 system `m x = q` by Gaussian elimination with partial
/// pivoting; `None` when `m` is singular.
pub fn solve3(m: [[f64; 3]; 3], q: [f64; 3]) -> Option<[f64; 3]> {
    let mut a = [[0.0; 4]; 3];
    for i in 0..3 {
        a[i][..3].copy_from_slice(&m[i]);
        a[i][3] = q[i];
    }
    for col in 0..3 {
        let pivot = (col..3)
            .max_by(|&x, &y| a[x][col].abs().total_cmp(&a[y][col].abs()))
            .expect("rows left");
        if a[pivot][col].abs() < PIVOT_TOL {
            return None;
        }
        a.swap(col, pivot);
        let top = a[col];
        for row in a.iter_mut().skip(col + 1) {
            let f = row[col] / top[col];
            for (x, t) in row[col..].iter_mut().zip(&top[col..]) {
                *x -= f * t;
            }
        }
    }
    let mut x = [0.0; 3];
    for i in (0..3).rev() {
        let tail: f64 = (i + 1..3).map(|k| a[i][k] * x[k]).sum();
        x[i] = (a[i][3] - tail) / a[i][i];
    }
    Some(x)
}

/// Onto the simplex by clipping negatives to 0 and renormalising: QuaPy's
/// default (`normalize_prevalence` after `solve_adjustment`, Forman's
/// original choice). The adjustment's exact solution already sums to 1
/// (the columns of `M` do), so clipping only bites when sampling noise
/// pushes a rare class below 0, and then 0 is the honest answer. A
/// projection onto the simplex would instead take mass from the other
/// classes evenly; clipping keeps their ratios.
pub fn clip_to_simplex(x: [f64; 3]) -> [f64; 3] {
    let c = x.map(|v| {
        if v.is_finite() {
            v.clamp(0.0, 1.0)
        } else {
            0.0
        }
    });
    let s: f64 = c.iter().sum();
    if s <= 0.0 {
        [1.0 / 3.0; 3]
    } else {
        c.map(|v| v / s)
    }
}

/// Iterations EM runs at most.
pub const EM_MAX_ITER: usize = 1000;
/// EM stops when no class's prior moves by more than this in an iteration.
pub const EM_TOL: f64 = 1e-6;

/// SLD's EM: `None` when some class has a zero training prior (its weight
/// ratio is undefined). Returns the prior and the iterations used.
pub fn em(train_prior: [f64; 3], proba: &[[f64; 3]]) -> Option<([f64; 3], usize)> {
    if train_prior.iter().any(|&p| p <= 0.0) {
        return None;
    }
    if proba.is_empty() {
        return Some(([0.0; 3], 0));
    }
    let mut prior = train_prior;
    for it in 1..=EM_MAX_ITER {
        let ratio: [f64; 3] = std::array::from_fn(|j| prior[j] / train_prior[j]);
        let mut next = [0.0; 3];
        for p in proba {
            let w: [f64; 3] = std::array::from_fn(|j| ratio[j] * p[j]);
            let s: f64 = w.iter().sum();
            if s > 0.0 {
                for j in 0..3 {
                    next[j] += w[j] / s;
                }
            } else {
                // Every class the unit could be has prior 0 by now: it
                // keeps its own probabilities rather than vanishing.
                for j in 0..3 {
                    next[j] += p[j];
                }
            }
        }
        let next = next.map(|v| v / proba.len() as f64);
        let moved = (0..3)
            .map(|j| (next[j] - prior[j]).abs())
            .fold(0.0, f64::max);
        prior = next;
        if moved < EM_TOL {
            return Some((prior, it));
        }
    }
    Some((prior, EM_MAX_ITER))
}

/// The shares of the units with probabilities `proba` by `method`, with
/// error rates (or EM's training prior) from `stats`. Methods that need
/// rates fall back to CC, flagged, when `stats` is `None` or cannot support
/// them. An empty set of units has shares `[0, 0, 0]`.
pub fn estimate(method: Method, stats: Option<&ErrorStats>, proba: &[[f64; 3]]) -> Estimate {
    let cc = || Estimate {
        shares: classify_and_count(proba),
        method: Method::Cc,
        fell_back: method != Method::Cc,
    };
    let done = |shares| Estimate {
        shares,
        method,
        fell_back: false,
    };
    if proba.is_empty() {
        return Estimate {
            shares: [0.0; 3],
            method,
            fell_back: false,
        };
    }
    match method {
        Method::Cc => cc(),
        Method::Pcc => done(probabilistic_classify_and_count(proba)),
        Method::Acc | Method::Pacc => {
            let soft = method == Method::Pacc;
            let q = if soft {
                probabilistic_classify_and_count(proba)
            } else {
                classify_and_count(proba)
            };
            match stats
                .and_then(|s| s.matrix(soft))
                .and_then(|m| solve3(m, q))
            {
                Some(p) => done(clip_to_simplex(p)),
                None => cc(),
            }
        }
        Method::Em => match stats.and_then(|s| em(s.prior(), proba)) {
            Some((p, _)) => done(p),
            None => cc(),
        },
    }
}

#[cfg(test)]
mod tests;
