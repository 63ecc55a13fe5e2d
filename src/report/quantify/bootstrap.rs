//! Percentile bootstrap intervals of estimated shares that include the
//! classifier's error.
//!
//! Resampling only the units gives the sampling error of a perfect
//! classifier. An adjusted estimate also inherits the error of the rates it
//! divides by, which come from a finite labelled sample, so every round
//! resamples both: the units of each cell (with replacement, as many as it
//! has) and the labelled pairs of each rate pool (likewise), rebuilds the
//! rates from the resampled pairs and re-estimates. Methods that use no
//! rates (CC, PCC) resample the units only. The labelled pairs are
//! resampled once per round and shared by every cell, as one redraw of the
//! labelled data would be.
//!
//! Each round draws from its own [`SplitMix64`], seeded from a master
//! generator in round order, so rounds run in parallel yet the intervals
//! are identical for any thread count.

use rayon::prelude::*;

use super::{ErrorStats, Method, Rates, estimate};
use crate::eval::{SplitMix64, interval};

/// One set of units whose shares are estimated: the units' probabilities
/// and the rate pool ([`Rates::pool_of`]) its error rates come from.
#[derive(Debug, Clone, Copy)]
pub struct Cell<'a> {
    pub proba: &'a [[f64; 3]],
    pub pool: usize,
}

/// 95% percentile intervals `[lo, hi]` of `[pro, anti, none]` per cell.
/// `rounds == 0` collapses each interval onto the point estimate.
pub fn bootstrap(
    method: Method,
    rates: Option<&Rates>,
    cells: &[Cell],
    rounds: usize,
    seed: u64,
) -> Vec<[[f64; 2]; 3]> {
    bootstrap_with_net(method, rates, cells, rounds, seed)
        .into_iter()
        .map(|c| c.shares)
        .collect()
}

/// A cell's intervals: the three shares' and the net stance's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellIntervals {
    /// `[pro, anti, none]`, each `[lo, hi]`.
    pub shares: [[f64; 2]; 3],
    /// Of pro − anti, from the same rounds (not the difference of the two
    /// intervals, which would ignore that pro and anti move together).
    pub net: [f64; 2],
}

/// [`bootstrap`] with the net stance's interval too.
pub fn bootstrap_with_net(
    method: Method,
    rates: Option<&Rates>,
    cells: &[Cell],
    rounds: usize,
    seed: u64,
) -> Vec<CellIntervals> {
    let rates = rates.filter(|r| method.needs_rates() && !r.is_empty());
    if rounds == 0 {
        let stats: Vec<ErrorStats> = rates.map_or_else(Vec::new, |r| {
            (0..r.pools().len()).map(|i| r.stats(i)).collect()
        });
        return cells
            .iter()
            .map(|c| {
                let e = estimate(method, stats.get(c.pool), c.proba);
                let net = e.shares[0] - e.shares[1];
                CellIntervals {
                    shares: e.shares.map(|s| [s, s]),
                    net: [net, net],
                }
            })
            .collect();
    }
    let mut master = SplitMix64::new(seed);
    let round_seeds: Vec<u64> = (0..rounds).map(|_| master.next_u64()).collect();
    let samples: Vec<Vec<[f64; 3]>> = round_seeds
        .into_par_iter()
        .map_init(Vec::new, |buf: &mut Vec<[f64; 3]>, round_seed| {
            let mut rng = SplitMix64::new(round_seed);
            let stats: Vec<ErrorStats> = rates.map_or_else(Vec::new, |r| {
                r.pools()
                    .map(|(gold, proba)| {
                        let mut s = ErrorStats::default();
                        for _ in 0..gold.len() {
                            let i = rng.below(gold.len());
                            s.add(gold[i], &proba[i]);
                        }
                        s
                    })
                    .collect()
            });
            cells
                .iter()
                .map(|c| {
                    buf.clear();
                    let n = c.proba.len();
                    buf.extend((0..n).map(|_| c.proba[rng.below(n)]));
                    estimate(method, stats.get(c.pool), buf).shares
                })
                .collect()
        })
        .collect();
    (0..cells.len())
        .map(|c| CellIntervals {
            shares: std::array::from_fn(|k| interval(samples.iter().map(|r| r[c][k]).collect())),
            net: interval(samples.iter().map(|r| r[c][0] - r[c][1]).collect()),
        })
        .collect()
}
