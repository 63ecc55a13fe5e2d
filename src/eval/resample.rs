//! Randomness for evaluation: bootstrap intervals and cross-validation folds.
//!
//! The generator is written here instead of pulling in `rand` so that a
//! seed in a report reproduces the same intervals and folds forever, whatever
//! version bumps happen to an external crate's algorithms.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;

use super::metrics::{Headline, Intervals, check_inputs, count_into, headline};

/// SplitMix64 (Steele, Lea & Flood 2014; Vigna's reference constants).
///
/// Chosen for being tiny, fast and statistically sound for resampling; it is
/// not cryptographic. Every stream is fully determined by its seed.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform integer in `0..n` without modulo bias (Lemire's
    /// multiply-and-reject), so bootstrap resamples weight all examples
    /// equally even for awkward `n`.
    ///
    /// # Panics
    /// If `n == 0`.
    pub fn below(&mut self, n: usize) -> usize {
        assert!(n > 0, "below(0) has no valid output");
        let n = n as u64;
        let mut m = u128::from(self.next_u64()) * u128::from(n);
        if (m as u64) < n {
            let threshold = n.wrapping_neg() % n;
            while (m as u64) < threshold {
                m = u128::from(self.next_u64()) * u128::from(n);
            }
        }
        (m >> 64) as usize
    }

    /// Fisher–Yates shuffle.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// Linear-interpolation percentile of sorted values (NumPy's default
/// "linear" method), so intervals match `np.percentile` on the same samples.
fn percentile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

pub(crate) fn interval(mut values: Vec<f64>) -> [f64; 2] {
    values.sort_by(f64::total_cmp);
    [percentile(&values, 0.025), percentile(&values, 0.975)]
}

/// Percentile bootstrap over examples, each its own unit: see
/// [`bootstrap_units`]. Right only when examples are independent (one
/// row per text); rows that share a text must be resampled together.
///
/// # Panics
/// As [`score`](super::score).
pub fn bootstrap(
    gold: &[usize],
    pred: &[usize],
    labels: &[&str],
    polar: Option<(usize, usize)>,
    rounds: usize,
    seed: u64,
) -> Intervals {
    bootstrap_units(gold, pred, &[], labels, polar, rounds, seed)
}

/// Indices of the examples of each unit, units in order of first
/// appearance. `units` empty means every example is its own unit.
pub(crate) fn clusters(n: usize, units: &[u64]) -> Vec<Vec<usize>> {
    if units.is_empty() {
        return (0..n).map(|i| vec![i]).collect();
    }
    assert_eq!(units.len(), n, "one unit id per example");
    let mut index: HashMap<u64, usize> = HashMap::new();
    let mut out: Vec<Vec<usize>> = Vec::new();
    for (i, u) in units.iter().enumerate() {
        let c = *index.entry(*u).or_insert_with(|| {
            out.push(Vec::new());
            out.len() - 1
        });
        out[c].push(i);
    }
    out
}

/// One bootstrap draw: as many units as there are, with replacement, each
/// bringing all of its examples.
pub(crate) fn draw_units(rng: &mut SplitMix64, clusters: &[Vec<usize>], out: &mut Vec<usize>) {
    out.clear();
    for _ in 0..clusters.len() {
        out.extend_from_slice(&clusters[rng.below(clusters.len())]);
    }
}

/// Percentile bootstrap over units (a cluster bootstrap): resample the
/// units (`units[i]` is example i's unit, e.g. its text's group) with
/// replacement `rounds` times, each drawn unit bringing all of its rows,
/// and take the 2.5th and 97.5th percentiles of accuracy, macro-F1 and
/// f_avg. The six actor rows of one comment share its words and mostly its
/// label ("none" for the actors it does not mention); drawing them one by
/// one counts one comment as six independent observations and gives
/// intervals that are too narrow.
///
/// Each round draws from its own generator, seeded from a master generator
/// in round order, so rounds run in parallel under rayon yet the result is
/// identical for any thread count. With every example its own unit the
/// draws are those of a plain bootstrap over examples.
///
/// `rounds == 0` (or `n == 0`, where there is nothing to resample) is not an
/// error: it returns intervals collapsed onto the point estimate with
/// `rounds: 0`, which [`render`](super::render) shows as "no interval".
///
/// # Panics
/// As [`score`](super::score), or when `units` is neither empty nor one
/// per example.
pub fn bootstrap_units(
    gold: &[usize],
    pred: &[usize],
    units: &[u64],
    labels: &[&str],
    polar: Option<(usize, usize)>,
    rounds: usize,
    seed: u64,
) -> Intervals {
    check_inputs(gold, pred, labels, polar);
    let n = gold.len();
    let k = labels.len();
    if rounds == 0 || n == 0 {
        let mut matrix = vec![vec![0usize; k]; k];
        count_into(&mut matrix, gold.iter().copied().zip(pred.iter().copied()));
        let point = headline(&matrix, polar);
        return Intervals {
            rounds: 0,
            seed,
            accuracy: [point.accuracy; 2],
            macro_f1: [point.macro_f1; 2],
            f_avg: point.f_avg.map(|f| [f; 2]),
        };
    }
    let clusters = clusters(n, units);
    let mut master = SplitMix64::new(seed);
    let round_seeds: Vec<u64> = (0..rounds).map(|_| master.next_u64()).collect();
    let samples: Vec<Headline> = round_seeds
        .into_par_iter()
        .map_init(
            || (vec![vec![0usize; k]; k], Vec::new()),
            |(matrix, draw), round_seed| {
                let mut rng = SplitMix64::new(round_seed);
                draw_units(&mut rng, &clusters, draw);
                count_into(matrix, draw.iter().map(|&i| (gold[i], pred[i])));
                headline(matrix, polar)
            },
        )
        .collect();
    Intervals {
        rounds,
        seed,
        accuracy: interval(samples.iter().map(|h| h.accuracy).collect()),
        macro_f1: interval(samples.iter().map(|h| h.macro_f1).collect()),
        f_avg: polar.map(|_| interval(samples.iter().filter_map(|h| h.f_avg).collect())),
    }
}

/// Stratified K-fold assignment that never splits a group.
///
/// Rows that share a group (e.g. the six actor rows of one text) are near
/// duplicates of each other; letting them straddle train and test would leak
/// the text into the test fold. Each group is stratified on its first
/// example's label; within each label the groups are shuffled with `seed`
/// and dealt round-robin. The dealing pointer carries over from one label to
/// the next instead of restarting at fold 0, so small labels do not all pile
/// into the first folds: every fold gets within one group of its fair share
/// of each label and of the total, and no fold is empty.
///
/// Labels are visited in ascending order and groups in order of first
/// appearance before shuffling, so the result depends only on the inputs
/// and the seed.
///
/// Returns the fold (in `0..k`) of every example.
pub fn stratified_group_folds(
    labels: &[usize],
    groups: &[u64],
    k: usize,
    seed: u64,
) -> Result<Vec<usize>, String> {
    if labels.len() != groups.len() {
        return Err(format!(
            "labels ({}) and groups ({}) differ in length",
            labels.len(),
            groups.len()
        ));
    }
    if k < 2 {
        return Err(format!("need at least 2 folds, got {k}"));
    }
    let mut seen: HashSet<u64> = HashSet::new();
    let mut by_label: BTreeMap<usize, Vec<u64>> = BTreeMap::new();
    for (&label, &group) in labels.iter().zip(groups) {
        if seen.insert(group) {
            by_label.entry(label).or_default().push(group);
        }
    }
    if k > seen.len() {
        return Err(format!(
            "{k} folds requested but only {} groups exist",
            seen.len()
        ));
    }
    let mut rng = SplitMix64::new(seed);
    let mut fold_of: HashMap<u64, usize> = HashMap::with_capacity(seen.len());
    let mut next = 0;
    for bucket in by_label.values_mut() {
        rng.shuffle(bucket);
        for &group in bucket.iter() {
            fold_of.insert(group, next);
            next = (next + 1) % k;
        }
    }
    Ok(groups.iter().map(|g| fold_of[g]).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_matches_reference_outputs() {
        // First outputs of Vigna's splitmix64.c for seed 1234567.
        let mut rng = SplitMix64::new(1_234_567);
        assert_eq!(rng.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(rng.next_u64(), 3_203_168_211_198_807_973);
        assert_eq!(rng.next_u64(), 9_817_491_932_198_370_423);
    }

    #[test]
    fn below_stays_in_range_and_is_roughly_uniform() {
        let mut rng = SplitMix64::new(7);
        let mut counts = [0usize; 6];
        for _ in 0..60_000 {
            counts[rng.below(6)] += 1;
        }
        // Expected 10_000 each, sd ≈ 91; 500 is > 5 sd.
        assert!(
            counts.iter().all(|&c| c.abs_diff(10_000) < 500),
            "{counts:?}"
        );
        assert_eq!(rng.below(1), 0);
    }

    #[test]
    fn shuffle_is_a_seeded_permutation() {
        let mut a: Vec<u32> = (0..50).collect();
        let mut b = a.clone();
        SplitMix64::new(3).shuffle(&mut a);
        SplitMix64::new(3).shuffle(&mut b);
        assert_eq!(a, b);
        assert_ne!(a, (0..50).collect::<Vec<_>>());
        let mut sorted = a.clone();
        sorted.sort();
        assert_eq!(sorted, (0..50).collect::<Vec<_>>());
    }

    #[test]
    fn percentile_interpolates_like_numpy() {
        let v = [0.0, 1.0, 2.0, 3.0, 4.0];
        // np.percentile([0,1,2,3,4], [2.5, 97.5]) == [0.1, 3.9]
        assert!((percentile(&v, 0.025) - 0.1).abs() < 1e-12);
        assert!((percentile(&v, 0.975) - 3.9).abs() < 1e-12);
        assert_eq!(percentile(&[5.0], 0.025), 5.0);
    }

    #[test]
    fn resampling_whole_units_widens_intervals_of_correlated_rows() {
        // 60 units of six rows each; a unit's rows are all right or all
        // wrong together, as the actor rows of one comment tend to be.
        let mut gold = Vec::new();
        let mut pred = Vec::new();
        let mut units = Vec::new();
        for u in 0..60u64 {
            for a in 0..6 {
                let g = (u as usize + a) % 3;
                gold.push(g);
                pred.push(if u % 3 == 0 { (g + 1) % 3 } else { g });
                units.push(u);
            }
        }
        let l = ["pro", "anti", "none"];
        let width = |iv: &Intervals| iv.accuracy[1] - iv.accuracy[0];
        let rows = bootstrap(&gold, &pred, &l, Some((0, 1)), 1000, 3);
        let whole = bootstrap_units(&gold, &pred, &units, &l, Some((0, 1)), 1000, 3);
        // sd of accuracy: rows sqrt(pq/360) = 0.025, units sqrt(pq/60) = 0.061.
        assert!(
            width(&whole) > 2.0 * width(&rows),
            "units {:?} vs rows {:?}",
            whole.accuracy,
            rows.accuracy
        );
        // Singleton units are the plain bootstrap, draw for draw.
        let singles: Vec<u64> = (0..gold.len() as u64).collect();
        assert_eq!(
            bootstrap_units(&gold, &pred, &singles, &l, Some((0, 1)), 200, 9),
            bootstrap(&gold, &pred, &l, Some((0, 1)), 200, 9)
        );
    }
}
