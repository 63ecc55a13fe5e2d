//! How far predicted probabilities are from observed frequencies.
//!
//! Accuracy and F1 only look at the argmax; these numbers look at the
//! probabilities themselves, which is what a reader of `probs` (or a
//! quantifier summing them) relies on:
//!
//! * **ECE** (expected calibration error, top label): examples are put in
//!   [`BINS`] equal-width bins by their confidence (the largest
//!   probability); ECE is the count-weighted mean over bins of
//!   |accuracy − mean confidence|. 0 means "70 % confident" is right 70 % of
//!   the time. Bin `b` of `B` holds confidences in `[b/B, (b+1)/B)`, the last
//!   bin also holds 1.0. Equal-width bins follow Guo et al. (2017), whose
//!   15 bins we also use, so figures are comparable with the literature.
//!   ECE depends on the binning and is biased upwards on small sets (a
//!   perfectly calibrated model still shows sampling noise per bin), so it
//!   comes with two proper scoring rules that need no bins:
//! * **Brier score**: mean over examples of Σ_c (p_c − 1[c = gold])², the
//!   multi-class form, in [0, 2]; lower is better.
//! * **NLL**: mean of −ln p_gold, with p_gold floored at [`NLL_FLOOR`] so a
//!   single confident mistake cannot make it infinite.

use serde::{Deserialize, Serialize};

/// Number of equal-width confidence bins (Guo et al. 2017).
pub const BINS: usize = 15;

/// Smallest probability the NLL takes the log of: −ln(1e-12) ≈ 27.6 is the
/// most one example can add.
pub const NLL_FLOOR: f64 = 1e-12;

/// One row of a reliability table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReliabilityBin {
    /// Confidence range `[lo, hi)` (the last bin includes 1.0).
    pub lo: f64,
    pub hi: f64,
    /// Examples whose confidence falls in the bin.
    pub n: usize,
    /// Their mean confidence (0 when the bin is empty).
    pub confidence: f64,
    /// The fraction of them whose top class is the gold class (0 when empty).
    pub accuracy: f64,
}

/// Calibration figures of one set of probabilities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationScores {
    pub n: usize,
    pub ece: f64,
    pub brier: f64,
    pub nll: f64,
    /// Mean confidence over all examples; compare with `accuracy`: above it
    /// means over-confident.
    pub confidence: f64,
    /// Fraction whose top class (the first on ties) is the gold class.
    pub accuracy: f64,
    /// Every bin, empty ones included, lowest confidence first.
    pub reliability: Vec<ReliabilityBin>,
}

/// What `stance eval` reports about one task's probabilities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationReport {
    /// One sentence: what the probabilities are (calibrated how, or not).
    pub probabilities: String,
    #[serde(flatten)]
    pub scores: CalibrationScores,
    /// After cross-fitted temperature scaling (cross-validation only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_fitted: Option<CrossFitted>,
}

/// The same examples recalibrated without seeing their own labels: each
/// fold's probabilities are rescaled by a temperature fitted on the other
/// folds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrossFitted {
    pub probabilities: String,
    /// The temperature used on each fold, in fold order.
    pub temperatures: Vec<f32>,
    #[serde(flatten)]
    pub scores: CalibrationScores,
}

/// The index of the largest probability, the first on ties (as
/// `model::evaluate::argmax`, so the accuracy here is the report's).
fn top(p: &[f32]) -> usize {
    let mut best = 0;
    for (i, v) in p.iter().enumerate() {
        if *v > p[best] {
            best = i;
        }
    }
    best
}

/// ECE, Brier, NLL and the reliability table of `proba` against `gold`
/// with `bins` equal-width bins.
///
/// # Panics
/// If the lengths differ, `bins == 0`, a row is empty, or a gold index is
/// out of range of its row: these are caller bugs, and dropping examples
/// would give plausible but wrong figures.
pub fn calibration_scores<P: AsRef<[f32]>>(
    proba: &[P],
    gold: &[usize],
    bins: usize,
) -> CalibrationScores {
    assert_eq!(proba.len(), gold.len(), "one gold class per example");
    assert!(bins > 0, "at least one bin");
    let mut count = vec![0usize; bins];
    let mut conf_sum = vec![0.0f64; bins];
    let mut correct = vec![0usize; bins];
    let (mut brier, mut nll) = (0.0f64, 0.0f64);
    for (p, &g) in proba.iter().zip(gold) {
        let p = p.as_ref();
        assert!(g < p.len(), "gold class {g} out of range of {p:?}");
        let t = top(p);
        let conf = f64::from(p[t]);
        // Clamped: a confidence a hair outside [0, 1] from rounding still
        // lands in an end bin.
        let b = ((conf * bins as f64).floor().max(0.0) as usize).min(bins - 1);
        count[b] += 1;
        conf_sum[b] += conf;
        correct[b] += usize::from(t == g);
        brier += p
            .iter()
            .enumerate()
            .map(|(c, &q)| {
                let d = f64::from(q) - if c == g { 1.0 } else { 0.0 };
                d * d
            })
            .sum::<f64>();
        nll -= f64::from(p[g]).max(NLL_FLOOR).ln();
    }
    let n = gold.len();
    let per = |x: f64, m: usize| if m == 0 { 0.0 } else { x / m as f64 };
    let reliability: Vec<ReliabilityBin> = (0..bins)
        .map(|b| ReliabilityBin {
            lo: b as f64 / bins as f64,
            hi: (b + 1) as f64 / bins as f64,
            n: count[b],
            confidence: per(conf_sum[b], count[b]),
            accuracy: per(correct[b] as f64, count[b]),
        })
        .collect();
    let ece = reliability
        .iter()
        .map(|r| r.n as f64 * (r.accuracy - r.confidence).abs())
        .sum::<f64>();
    CalibrationScores {
        n,
        ece: per(ece, n),
        brier: per(brier, n),
        nll: per(nll, n),
        confidence: per(conf_sum.iter().sum(), n),
        accuracy: per(correct.iter().sum::<usize>() as f64, n),
        reliability,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::SplitMix64;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-6, "{a} vs {b}");
    }

    /// `k` copies of `p`, `right` of them with gold = its top class and the
    /// rest with gold = `wrong`.
    fn group(p: [f32; 3], k: usize, right: usize, wrong: usize) -> Vec<([f32; 3], usize)> {
        let t = top(&p);
        (0..k)
            .map(|i| (p, if i < right { t } else { wrong }))
            .collect()
    }

    fn split(rows: &[([f32; 3], usize)]) -> (Vec<[f32; 3]>, Vec<usize>) {
        rows.iter().copied().unzip()
    }

    #[test]
    fn calibrated_groups_have_zero_ece() {
        // 50 % confident and right half the time; 80 % and right 8 in 10.
        let mut rows = group([0.5, 0.3, 0.2], 10, 5, 1);
        rows.extend(group([0.1, 0.8, 0.1], 10, 8, 0));
        let (p, g) = split(&rows);
        let s = calibration_scores(&p, &g, 10);
        close(s.ece, 0.0);
        assert_eq!(s.reliability.len(), 10);
        assert_eq!(s.reliability[5].n, 10);
        assert_eq!(s.reliability[8].n, 10);
        assert_eq!(s.reliability.iter().map(|r| r.n).sum::<usize>(), 20);
        close(s.reliability[8].accuracy, 0.8);
        close(s.accuracy, 13.0 / 20.0);
        close(s.confidence, 0.65);
    }

    #[test]
    fn over_confident_group_has_known_figures() {
        // 90 % confident, right 6 times in 10: a gap of 0.3 on half the
        // examples; the other half is calibrated.
        let mut rows = group([0.9, 0.05, 0.05], 10, 6, 1);
        rows.extend(group([0.5, 0.3, 0.2], 10, 5, 1));
        let (p, g) = split(&rows);
        let s = calibration_scores(&p, &g, BINS);
        close(s.ece, 0.15);
        // Brier, by hand: right 0.1² + 2·0.05² = 0.015, wrong 0.9² + 0.95² +
        // 0.05² = 1.715; right 0.5² + 0.3² + 0.2² = 0.38, wrong 0.5² + 0.7² +
        // 0.2² = 0.78.
        let brier = (6.0 * 0.015 + 4.0 * 1.715 + 5.0 * 0.38 + 5.0 * 0.78) / 20.0;
        assert!((s.brier - brier).abs() < 1e-5, "{} vs {brier}", s.brier);
        let nll = -(6.0 * 0.9f64.ln() + 4.0 * 0.05f64.ln() + 5.0 * 0.5f64.ln() + 5.0 * 0.3f64.ln())
            / 20.0;
        assert!((s.nll - nll).abs() < 1e-5, "{} vs {nll}", s.nll);
        // 0.9 · 15 = 13.5 → bin 13; 0.5 · 15 = 7.5 → bin 7.
        assert_eq!(s.reliability[13].n, 10);
        assert_eq!(s.reliability[7].n, 10);
        close(s.reliability[13].accuracy, 0.6);
    }

    #[test]
    fn edges_zero_probability_and_empty_input() {
        // Confidence 1.0 goes to the last bin; p_gold = 0 is floored.
        let s = calibration_scores(&[[1.0f32, 0.0, 0.0]], &[1], 10);
        assert_eq!(s.reliability[9].n, 1);
        close(s.ece, 1.0);
        close(s.brier, 2.0);
        close(s.nll, -NLL_FLOOR.ln());
        let e = calibration_scores::<[f32; 3]>(&[], &[], 10);
        assert_eq!((e.n, e.ece, e.brier, e.nll), (0, 0.0, 0.0, 0.0));
    }

    #[test]
    fn sampled_from_its_own_probabilities_is_nearly_calibrated() {
        // Gold drawn from the predicted distribution: calibrated by
        // construction, so ECE is sampling noise only; a sharpened copy
        // of the same probabilities (over-confident) is clearly worse.
        let mut rng = SplitMix64::new(7);
        let u = |r: &mut SplitMix64| (r.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let (mut p, mut sharp, mut g) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..20_000 {
            let z: Vec<f64> = (0..3).map(|_| 4.0 * u(&mut rng)).collect();
            let soft = |t: f64| {
                let e: Vec<f64> = z.iter().map(|x| (x / t).exp()).collect();
                let s: f64 = e.iter().sum();
                [(e[0] / s) as f32, (e[1] / s) as f32, (e[2] / s) as f32]
            };
            let q = soft(1.0);
            let r = u(&mut rng);
            let gold = if r < f64::from(q[0]) {
                0
            } else if r < f64::from(q[0] + q[1]) {
                1
            } else {
                2
            };
            p.push(q);
            sharp.push(soft(0.4));
            g.push(gold);
        }
        let a = calibration_scores(&p, &g, BINS);
        let b = calibration_scores(&sharp, &g, BINS);
        assert!(a.ece < 0.02, "{}", a.ece);
        assert!(b.ece > 0.1, "{}", b.ece);
        assert!(a.nll < b.nll && a.brier < b.brier);
    }

    #[test]
    #[should_panic(expected = "out of range")]
    fn gold_out_of_range_panics() {
        calibration_scores(&[[0.5f32, 0.5, 0.0]], &[3], 10);
    }
}
