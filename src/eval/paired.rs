//! Is model B better than model A on the same examples? A paired bootstrap
//! of the difference.
//!
//! Two separate intervals that overlap say little: both models err on the
//! same hard examples, so their scores move together from sample to sample.
//! Resampling the examples once per round and scoring *both* prediction sets
//! on that same draw gives the distribution of the difference itself, which
//! is what a promote / do-not-promote decision rests on.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::metrics::{Headline, check_inputs, count_into, headline};
use super::resample::{SplitMix64, clusters, draw_units, interval};

/// One metric for A and B, B − A, and the 95% interval of B − A.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    pub a: f64,
    pub b: f64,
    pub diff: f64,
    /// Percentile interval of `b − a` over the rounds (collapsed onto
    /// `diff` when there were no rounds).
    pub interval: [f64; 2],
}

/// Accuracy, macro-F1 and (with a polar pair) f_avg, each as a
/// [`Difference`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairedScores {
    pub n: usize,
    pub rounds: usize,
    pub seed: u64,
    pub accuracy: Difference,
    pub macro_f1: Difference,
    pub f_avg: Option<Difference>,
}

/// Compares `pred_a` and `pred_b` against the same `gold`, every example
/// its own unit (see [`paired_bootstrap_units`]).
///
/// # Panics
/// As [`score`](super::score), for either prediction set.
pub fn paired_bootstrap(
    gold: &[usize],
    pred_a: &[usize],
    pred_b: &[usize],
    labels: &[&str],
    polar: Option<(usize, usize)>,
    rounds: usize,
    seed: u64,
) -> PairedScores {
    paired_bootstrap_units(gold, pred_a, pred_b, &[], labels, polar, rounds, seed)
}

/// Compares `pred_a` and `pred_b` against the same `gold`, resampling
/// whole units (`units[i]` is example i's; empty = each example alone), so
/// the actor rows of one text move together as they do in reality.
///
/// Deterministic for a seed whatever the thread count: every round draws
/// from its own generator seeded in round order, as in
/// [`bootstrap`](super::bootstrap).
///
/// # Panics
/// As [`score`](super::score), for either prediction set.
#[allow(clippy::too_many_arguments)]
pub fn paired_bootstrap_units(
    gold: &[usize],
    pred_a: &[usize],
    pred_b: &[usize],
    units: &[u64],
    labels: &[&str],
    polar: Option<(usize, usize)>,
    rounds: usize,
    seed: u64,
) -> PairedScores {
    check_inputs(gold, pred_a, labels, polar);
    check_inputs(gold, pred_b, labels, polar);
    let n = gold.len();
    let k = labels.len();
    let point = |pred: &[usize]| {
        let mut m = vec![vec![0usize; k]; k];
        count_into(&mut m, gold.iter().copied().zip(pred.iter().copied()));
        headline(&m, polar)
    };
    let (a, b) = (point(pred_a), point(pred_b));
    let rounds = if n == 0 { 0 } else { rounds };
    let clusters = clusters(n, units);
    let mut master = SplitMix64::new(seed);
    let round_seeds: Vec<u64> = (0..rounds).map(|_| master.next_u64()).collect();
    let samples: Vec<(Headline, Headline)> = round_seeds
        .into_par_iter()
        .map_init(
            || {
                (
                    vec![vec![0usize; k]; k],
                    vec![vec![0usize; k]; k],
                    Vec::new(),
                )
            },
            |(ma, mb, draw), round_seed| {
                let mut rng = SplitMix64::new(round_seed);
                draw_units(&mut rng, &clusters, draw);
                count_into(ma, draw.iter().map(|&i| (gold[i], pred_a[i])));
                count_into(mb, draw.iter().map(|&i| (gold[i], pred_b[i])));
                (headline(ma, polar), headline(mb, polar))
            },
        )
        .collect();
    let diff = |pa: f64, pb: f64, get: &dyn Fn(&Headline) -> f64| Difference {
        a: pa,
        b: pb,
        diff: pb - pa,
        interval: if samples.is_empty() {
            [pb - pa; 2]
        } else {
            interval(samples.iter().map(|(x, y)| get(y) - get(x)).collect())
        },
    };
    PairedScores {
        n,
        rounds,
        seed,
        accuracy: diff(a.accuracy, b.accuracy, &|h| h.accuracy),
        macro_f1: diff(a.macro_f1, b.macro_f1, &|h| h.macro_f1),
        f_avg: match (a.f_avg, b.f_avg) {
            (Some(fa), Some(fb)) => Some(diff(fa, fb, &|h| h.f_avg.unwrap_or(0.0))),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const L: [&str; 3] = ["pro", "anti", "none"];

    #[test]
    fn identical_predictions_differ_by_exactly_zero() {
        let gold = [0, 1, 2, 2, 1, 0, 2];
        let pred = [0, 2, 2, 2, 1, 1, 2];
        let p = paired_bootstrap(&gold, &pred, &pred, &L, Some((0, 1)), 200, 7);
        assert_eq!(p.macro_f1.diff, 0.0);
        assert_eq!(p.macro_f1.interval, [0.0, 0.0]);
        assert_eq!(p.f_avg.unwrap().interval, [0.0, 0.0]);
    }

    #[test]
    fn a_better_model_has_a_positive_difference() {
        let gold: Vec<usize> = (0..60).map(|i| i % 3).collect();
        let worse: Vec<usize> = (0..60)
            .map(|i| if i % 2 == 0 { i % 3 } else { 2 })
            .collect();
        let p = paired_bootstrap(&gold, &worse, &gold, &L, Some((0, 1)), 500, 1);
        assert_eq!(p.accuracy.b, 1.0);
        assert!(p.accuracy.diff > 0.0);
        assert!(p.macro_f1.interval[0] > 0.0, "{:?}", p.macro_f1);
        let again = paired_bootstrap(&gold, &worse, &gold, &L, Some((0, 1)), 500, 1);
        assert_eq!(p, again);
    }

    #[test]
    fn no_rounds_or_no_examples_collapse_the_interval() {
        let p = paired_bootstrap(&[0, 1], &[0, 0], &[0, 1], &L, None, 0, 1);
        assert_eq!(p.accuracy.interval, [0.5, 0.5]);
        assert!(p.f_avg.is_none());
        let e = paired_bootstrap(&[], &[], &[], &L, Some((0, 1)), 100, 1);
        assert_eq!((e.n, e.rounds), (0, 0));
    }
}
