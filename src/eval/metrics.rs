//! Point scores from gold and predicted class indices.
//!
//! Everything is derived from one confusion matrix so that the pooled scores,
//! the per-group scores and every bootstrap round share a single definition
//! and cannot drift apart.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::calibration::CalibrationReport;

/// Scores of one set of predictions. Scores are fractions in [0, 1].
///
/// The serialised field names are part of the report format that downstream
/// notebooks read, so they are spelled out here and never renamed by serde.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    pub n: usize,
    pub accuracy: f64,
    /// Unweighted mean of F1 over *all* given labels, including labels with
    /// zero support (their F1 is 0). This is scikit-learn's
    /// `f1_score(average="macro", labels=..., zero_division=0)`: a class the
    /// evaluation slice happens to lack still drags the score down, which
    /// keeps macro-F1 comparable across slices that share a label set.
    pub macro_f1: f64,
    /// Mean F1 of the two polar classes (for stance: pro and anti), the
    /// SemEval-2016 / TweetEval stance metric, which ignores how well "none"
    /// is recognised. `None` when no polar pair was given (e.g. sentiment).
    pub f_avg: Option<f64>,
    /// Keyed by class name; the class order lives in `confusion.labels`.
    pub per_class: BTreeMap<String, ClassScores>,
    pub confusion: Confusion,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intervals: Option<Intervals>,
    /// How well the probabilities behind the predictions match observed
    /// frequencies; only where probabilities exist (filled by the caller).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<CalibrationReport>,
}

/// Precision, recall and F1 of one class, with zero_division = 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassScores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Number of gold examples of the class.
    pub support: usize,
}

/// Counts of (gold, predicted) pairs: `matrix[gold][pred]`, rows and columns
/// in the order of `labels` (the order the caller gave, not alphabetical).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Confusion {
    pub labels: Vec<String>,
    pub matrix: Vec<Vec<usize>>,
}

impl Confusion {
    /// Number of examples counted.
    pub fn total(&self) -> usize {
        self.matrix.iter().flatten().sum()
    }

    /// Number of examples on the diagonal (correctly classified).
    pub fn correct(&self) -> usize {
        self.matrix.iter().enumerate().map(|(i, row)| row[i]).sum()
    }
}

/// Percentile-bootstrap 95% intervals, each `[lo, hi]`.
///
/// `rounds` and `seed` are kept so a report can be regenerated bit for bit.
/// `rounds == 0` means no resampling was done and every interval collapses to
/// the point estimate; renderers treat that as "no interval".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Intervals {
    pub rounds: usize,
    pub seed: u64,
    pub accuracy: [f64; 2],
    pub macro_f1: [f64; 2],
    pub f_avg: Option<[f64; 2]>,
}

/// The three numbers the bootstrap resamples; cheaper than full [`Scores`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Headline {
    pub accuracy: f64,
    pub macro_f1: f64,
    pub f_avg: Option<f64>,
}

/// Rejects malformed input loudly: a label index out of range or a length
/// mismatch is a bug in the caller, and silently dropping examples would
/// produce plausible-looking but wrong scores.
pub(crate) fn check_inputs(
    gold: &[usize],
    pred: &[usize],
    labels: &[&str],
    polar: Option<(usize, usize)>,
) {
    assert_eq!(
        gold.len(),
        pred.len(),
        "gold and pred must have the same length"
    );
    let k = labels.len();
    let distinct: BTreeSet<&str> = labels.iter().copied().collect();
    assert_eq!(
        distinct.len(),
        k,
        "label names must be distinct: {labels:?}"
    );
    if let Some(&bad) = gold.iter().chain(pred).find(|&&c| c >= k) {
        panic!("label index {bad} out of range for {k} labels");
    }
    if let Some((a, b)) = polar {
        assert!(
            a < k && b < k,
            "polar pair ({a}, {b}) out of range for {k} labels"
        );
    }
}

/// Fills `matrix` (k × k, reused across bootstrap rounds to avoid
/// reallocating) with the counts of the given examples.
pub(crate) fn count_into(matrix: &mut [Vec<usize>], pairs: impl Iterator<Item = (usize, usize)>) {
    for row in matrix.iter_mut() {
        row.iter_mut().for_each(|c| *c = 0);
    }
    for (g, p) in pairs {
        matrix[g][p] += 1;
    }
}

/// Ratio with the zero_division = 0 convention, so no score is ever NaN.
fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

/// Per-class scores from the matrix. F1 is computed as 2·tp / (gold + pred),
/// which equals 2PR/(P+R) but divides integers once, keeping hand-computed
/// fractions exact to the last bit or two.
fn class_scores(matrix: &[Vec<usize>], c: usize) -> ClassScores {
    let tp = matrix[c][c];
    let support: usize = matrix[c].iter().sum();
    let predicted: usize = matrix.iter().map(|row| row[c]).sum();
    ClassScores {
        precision: ratio(tp, predicted),
        recall: ratio(tp, support),
        f1: ratio(2 * tp, support + predicted),
        support,
    }
}

pub(crate) fn headline(matrix: &[Vec<usize>], polar: Option<(usize, usize)>) -> Headline {
    let k = matrix.len();
    let n: usize = matrix.iter().flatten().sum();
    let correct: usize = (0..k).map(|i| matrix[i][i]).sum();
    let f1s: Vec<f64> = (0..k).map(|c| class_scores(matrix, c).f1).collect();
    let macro_f1 = if k == 0 {
        0.0
    } else {
        f1s.iter().sum::<f64>() / k as f64
    };
    Headline {
        accuracy: ratio(correct, n),
        macro_f1,
        f_avg: polar.map(|(a, b)| (f1s[a] + f1s[b]) / 2.0),
    }
}

/// Scores `pred` against `gold`; both hold indices into `labels`.
///
/// `polar` names the two classes whose mean F1 is reported as `f_avg`.
/// `n = 0` yields all-zero scores rather than NaN. Intervals are left empty;
/// attach [`bootstrap`](super::bootstrap) output when wanted, because
/// resampling costs far more than scoring.
///
/// # Panics
/// If the lengths differ, a label index is out of range, label names repeat,
/// or the polar pair is out of range.
pub fn score(
    gold: &[usize],
    pred: &[usize],
    labels: &[&str],
    polar: Option<(usize, usize)>,
) -> Scores {
    check_inputs(gold, pred, labels, polar);
    let k = labels.len();
    let mut matrix = vec![vec![0usize; k]; k];
    count_into(&mut matrix, gold.iter().copied().zip(pred.iter().copied()));
    let head = headline(&matrix, polar);
    let per_class = labels
        .iter()
        .enumerate()
        .map(|(c, name)| (name.to_string(), class_scores(&matrix, c)))
        .collect();
    Scores {
        n: gold.len(),
        accuracy: head.accuracy,
        macro_f1: head.macro_f1,
        f_avg: head.f_avg,
        per_class,
        confusion: Confusion {
            labels: labels.iter().map(|s| s.to_string()).collect(),
            matrix,
        },
        intervals: None,
        calibration: None,
    }
}

/// Scores each group (e.g. each target actor) separately, with the full
/// label set, so per-group macro-F1 counts classes absent from a group as 0
/// exactly like the pooled score does.
///
/// # Panics
/// As [`score`], and if `groups` is not as long as `gold`.
pub fn score_by_group(
    gold: &[usize],
    pred: &[usize],
    groups: &[&str],
    labels: &[&str],
    polar: Option<(usize, usize)>,
) -> BTreeMap<String, Scores> {
    check_inputs(gold, pred, labels, polar);
    assert_eq!(
        groups.len(),
        gold.len(),
        "groups must name one group per example"
    );
    let mut members: BTreeMap<&str, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
    for ((&g, &p), &name) in gold.iter().zip(pred).zip(groups) {
        let entry = members.entry(name).or_default();
        entry.0.push(g);
        entry.1.push(p);
    }
    members
        .into_iter()
        .map(|(name, (g, p))| (name.to_string(), score(&g, &p, labels, polar)))
        .collect()
}
