//! Where the error rates come from: labelled pairs (gold class and the
//! probabilities of a classifier that never trained on them), pooled over
//! all targets or per target when a target has enough of its own.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::ErrorStats;
use crate::model::{Calibration, OofPoint};

/// One labelled (unit, target) pair: the document and unit it belongs to,
/// the target, the gold class (0 pro, 1 anti, 2 none) and the classifier's
/// probabilities.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledPair {
    pub doc: String,
    /// The unit (text) the pair is about, when known: pairs of one unit
    /// share it, so a measurement can keep all of a unit's pairs out of the
    /// rates.
    pub unit: Option<u64>,
    pub target: String,
    pub gold: usize,
    pub proba: [f64; 3],
}

impl LabelledPair {
    /// From a model's out-of-fold points: raw decision values through the
    /// model's calibration, as scoring turns them into probabilities (each
    /// point by its target's temperature: the target head's own, else the
    /// task-wide one). The points do not say their unit.
    pub fn from_oof(points: &[OofPoint], calibration: &Calibration) -> Vec<LabelledPair> {
        points
            .iter()
            .filter(|p| p.gold < 3)
            .map(|p| {
                let mut s = p.scores;
                calibration.apply_for(&p.target, &mut s);
                LabelledPair {
                    doc: p.doc.clone(),
                    unit: None,
                    target: p.target.clone(),
                    gold: p.gold as usize,
                    proba: s.map(f64::from),
                }
            })
            .collect()
    }

    /// From parallel slices, e.g. `cross_validate`'s predictions: `ids` are
    /// example ids, whose part before the first `/` is the document (label
    /// CSVs give `doc_id/unit_id`; ids without one belong to the unnamed
    /// document `""`); `units` the examples' groups.
    ///
    /// # Panics
    /// If the slices differ in length.
    pub fn from_slices(
        ids: &[&str],
        units: &[u64],
        targets: &[String],
        gold: &[usize],
        proba: &[[f32; 3]],
    ) -> Vec<LabelledPair> {
        let n = ids.len();
        assert!(
            [units.len(), targets.len(), gold.len(), proba.len()]
                .iter()
                .all(|&k| k == n),
            "ids, units, targets, gold and proba differ in length"
        );
        (0..n)
            .map(|i| LabelledPair {
                doc: doc_of(ids[i]).to_string(),
                unit: Some(units[i]),
                target: targets[i].clone(),
                gold: gold[i],
                proba: proba[i].map(f64::from),
            })
            .collect()
    }
}

/// The document of an example id `doc_id/unit_id`; `""` without a `/`.
pub fn doc_of(id: &str) -> &str {
    id.split_once('/').map_or("", |(d, _)| d)
}

/// A target gets its own error rates only with at least this many labelled
/// pairs in every gold class. Each column of the misclassification matrix is
/// a rate estimated from one class's pairs; below ten the rate of a rare
/// class moves by 0.1 per pair, and inverting the matrix amplifies that.
/// Below the threshold the target borrows the rates of all targets pooled.
pub const MIN_PER_CLASS: usize = 10;

/// Which labelled pairs a target's rates come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RatesScope {
    /// The target's own pairs.
    PerTarget,
    /// All targets' pairs pooled.
    Pooled,
}

impl RatesScope {
    pub fn as_str(self) -> &'static str {
        match self {
            RatesScope::PerTarget => "per-target",
            RatesScope::Pooled => "pooled",
        }
    }
}

/// Labelled pairs grouped for estimation: pool 0 is every pair, and each
/// target with [`MIN_PER_CLASS`] pairs in every class has a pool of its own.
#[derive(Debug, Clone, Default)]
pub struct Rates {
    /// `(gold, proba)` per pool; pool 0 pooled.
    pools: Vec<(Vec<usize>, Vec<[f64; 3]>)>,
    /// Target → its own pool.
    own: BTreeMap<String, usize>,
}

impl Rates {
    /// Groups `pairs`; `per_target: false` pools every target (for
    /// measuring what per-target rates are worth).
    pub fn new(pairs: &[&LabelledPair], per_target: bool) -> Rates {
        let mut by_target: BTreeMap<&str, (Vec<usize>, Vec<[f64; 3]>)> = BTreeMap::new();
        let mut all = (
            Vec::with_capacity(pairs.len()),
            Vec::with_capacity(pairs.len()),
        );
        for p in pairs {
            all.0.push(p.gold);
            all.1.push(p.proba);
            let e = by_target.entry(&p.target).or_default();
            e.0.push(p.gold);
            e.1.push(p.proba);
        }
        let mut rates = Rates {
            pools: vec![all],
            own: BTreeMap::new(),
        };
        if per_target {
            for (t, pool) in by_target {
                let mut n = [0usize; 3];
                for &g in &pool.0 {
                    n[g] += 1;
                }
                if n.iter().all(|&k| k >= MIN_PER_CLASS) {
                    rates.own.insert(t.to_string(), rates.pools.len());
                    rates.pools.push(pool);
                }
            }
        }
        rates
    }

    /// Labelled pairs in all.
    pub fn len(&self) -> usize {
        self.pools[0].0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The pool a target's rates come from, and its scope.
    pub fn pool_of(&self, target: &str) -> (usize, RatesScope) {
        match self.own.get(target) {
            Some(&i) => (i, RatesScope::PerTarget),
            None => (0, RatesScope::Pooled),
        }
    }

    /// The pools' `(gold, proba)` slices, by index.
    pub fn pools(&self) -> impl ExactSizeIterator<Item = (&[usize], &[[f64; 3]])> {
        self.pools.iter().map(|(g, p)| (g.as_slice(), p.as_slice()))
    }

    /// Error statistics of one pool.
    pub fn stats(&self, pool: usize) -> ErrorStats {
        let (g, p) = &self.pools[pool];
        ErrorStats::from_pairs(g, p)
    }
}
