//! Temperature scaling: turning a head's decision values into probabilities
//! that match observed frequencies.
//!
//! A linear SVM's softmax of margins sums to 1 and ranks classes, but its
//! "0.9" is not right 90 % of the time; a logistic model trained with a
//! penalty is also off. Temperature scaling (Guo et al. 2017) divides the
//! decision values by one number T > 0 fitted to minimise the negative
//! log-likelihood of held-out labels. One parameter cannot overfit a few
//! hundred examples, and dividing by T never changes which class is
//! largest, so accuracy, F1 and every label the model gives are the same
//! calibrated or not; only the probabilities change. (Vector scaling or
//! Platt per class could move the argmax and needs more data per class
//! than the pool's rarer classes have.)
//!
//! T is fitted on out-of-fold scores, never on the examples a head was
//! trained on: training scores are over-confident by construction.
//!
//! Every head gets its own T where the data allows: a per-target model's
//! heads are trained on different examples (hundreds for one target,
//! thousands pooled) with the same penalty, so one is over-confident where
//! another is under-confident, and a single task-wide T would leave both
//! off. Each target's T is fitted on that target's out-of-fold points
//! only, when it has enough of them ([`MIN_TARGET_POINTS`]); the pooled
//! head and the targets with too few keep the task-wide T. Temperature
//! rather than Platt scaling per head for the reason above: still one
//! number per head, so the argmax stays.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{Calibration, OofPoint, POOLED, TaskModel, apply_temperature};
use crate::eval::{BINS, CalibrationReport, CrossFitted, calibration_scores};

/// Search range of ln T: T in [e⁻⁴, e⁴] ≈ [0.018, 54.6]. Wide enough for
/// any model seen here (fitted T have been 0.3–5); a fit that ends on a
/// bound means the scores carry (almost) no information, or are ranked
/// perfectly, and the bound is kept rather than running off to 0 or ∞.
pub const LN_T_RANGE: (f64, f64) = (-4.0, 4.0);

/// Golden-section steps: the bracket shrinks by 0.618 each, so 60 steps
/// leave 8 · 0.618⁶⁰ ≈ 2e-12 in ln T, far below f32 resolution.
const STEPS: usize = 60;

/// Mean negative log-likelihood of `softmax(scores / t)` at the gold
/// classes, in f64. Rows with a non-finite score are skipped (see
/// [`fit_temperature`]).
pub fn temperature_nll(scores: &[[f32; 3]], gold: &[usize], t: f64) -> f64 {
    let mut sum = 0.0;
    let mut n = 0usize;
    for (s, &g) in scores.iter().zip(gold) {
        if !usable(s) {
            continue;
        }
        let z = s.map(|x| f64::from(x) / t);
        let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let lse = max + z.iter().map(|x| (x - max).exp()).sum::<f64>().ln();
        sum += lse - z[g];
        n += 1;
    }
    if n == 0 { 0.0 } else { sum / n as f64 }
}

fn usable(s: &[f32; 3]) -> bool {
    s.iter().all(|x| x.is_finite())
}

/// The temperature minimising [`temperature_nll`], by golden-section
/// search on ln T over [`LN_T_RANGE`]. The NLL is convex in 1/T (a
/// log-sum-exp of linear functions minus a linear one), hence unimodal in
/// ln T, so the search finds the global minimum inside the range. The same
/// input always gives the same T.
///
/// Returns 1.0 (no change) when there is nothing to fit: no usable rows,
/// or scores equal within every row (every T gives the same NLL). Rows
/// with a NaN or infinite score are skipped: `ln` of a probability that
/// underflowed to 0 says "impossible", which no finite temperature can
/// score.
///
/// # Panics
/// If the lengths differ or a gold index is not 0, 1 or 2.
pub fn fit_temperature(scores: &[[f32; 3]], gold: &[usize]) -> f32 {
    assert_eq!(scores.len(), gold.len(), "one gold class per score row");
    assert!(gold.iter().all(|&g| g < 3), "gold classes are 0, 1 or 2");
    let spread = scores
        .iter()
        .filter(|s| usable(s))
        .any(|s| s.iter().any(|&x| x != s[0]));
    if !spread {
        return 1.0;
    }
    let f = |u: f64| temperature_nll(scores, gold, u.exp());
    let r = (5f64.sqrt() - 1.0) / 2.0;
    let (mut a, mut b) = LN_T_RANGE;
    let mut c = b - r * (b - a);
    let mut d = a + r * (b - a);
    let (mut fc, mut fd) = (f(c), f(d));
    for _ in 0..STEPS {
        if fc <= fd {
            b = d;
            d = c;
            fd = fc;
            c = b - r * (b - a);
            fc = f(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + r * (b - a);
            fd = f(d);
        }
    }
    ((a + b) / 2.0).exp() as f32
}

/// The fewest usable out-of-fold points (finite scores) a target needs for
/// a temperature of its own, and they must hold at least two gold classes;
/// a target with fewer uses the task-wide temperature.
///
/// Why 100: a target's own T is worth having when its sampling noise is
/// smaller than how far the target's true T is from the task's, since the
/// likelihood lost to a wrong T grows with the square of the error in ln T
/// either way. Measured on TweetEval's out-of-fold scores (`stance train`
/// defaults; 300 resamples of n points per target), the fitted ln T
/// scatters by 1.6–2.1 / √n (standard deviation 0.39–0.53 at n = 20,
/// 0.22–0.30 at 50, 0.16–0.21 at 100; this module's synthetic data: 2.1 /
/// √n), while the five targets' Ts (0.20–0.35 around a task-wide 0.26)
/// sit 0.23 from it in ln T (root mean square). Own beats shared when
/// 1.8² / n < 0.23², i.e. above about 60 points: at 50 a target's own T
/// would on average do worse than the task's, at 100 clearly better. The
/// targets this is for have hundreds (TweetEval 355–620 out-of-fold
/// points per target, the label store's actors ~650), so the minimum only
/// keeps rare targets on the shared T. Two classes: with one gold class
/// the likelihood mostly rewards ever sharper (or flatter) probabilities,
/// and the fit runs toward an end of [`LN_T_RANGE`].
pub const MIN_TARGET_POINTS: usize = 100;

/// Fits the task's temperatures on its out-of-fold points and stores them:
/// the task-wide one on all points (what the pooled head, and every target
/// without a temperature of its own, uses), and, for each target head
/// (every head but [`POOLED`]), one on that target's points alone when it
/// has [`MIN_TARGET_POINTS`] usable points of at least two classes.
/// Returns the task-wide temperature. With no points the task is left as
/// it is.
pub fn calibrate_task(task: &mut TaskModel, points: &[OofPoint]) -> f32 {
    if points.is_empty() {
        return task.calibration.temperature;
    }
    let (scores, gold) = columns(points.iter());
    let t = fit_temperature(&scores, &gold);
    let heads: Vec<&str> = task.heads.iter().map(|(h, _)| h.as_str()).collect();
    task.calibration = Calibration {
        temperature: t,
        per_target: fit_per_target(&heads, points),
    };
    t
}

/// The temperature of each head of `heads` (but [`POOLED`]) that has
/// enough out-of-fold points of its own (see [`MIN_TARGET_POINTS`]), in
/// head order.
pub fn fit_per_target(heads: &[&str], points: &[OofPoint]) -> Vec<(String, f32)> {
    let mut by_target: HashMap<&str, Vec<&OofPoint>> = HashMap::new();
    for p in points {
        by_target.entry(p.target.as_str()).or_default().push(p);
    }
    heads
        .iter()
        .filter(|&&h| h != POOLED)
        .filter_map(|&h| {
            let own = by_target.get(h)?;
            let (scores, gold) = columns(own.iter().copied());
            enough_to_fit(&scores, &gold).then(|| (h.to_string(), fit_temperature(&scores, &gold)))
        })
        .collect()
}

/// Whether `scores` hold [`MIN_TARGET_POINTS`] usable rows of at least two
/// gold classes.
pub fn enough_to_fit(scores: &[[f32; 3]], gold: &[usize]) -> bool {
    let mut n = 0;
    let mut classes = [false; 3];
    for (s, &g) in scores.iter().zip(gold) {
        if let (true, Some(c)) = (usable(s), classes.get_mut(g)) {
            n += 1;
            *c = true;
        }
    }
    n >= MIN_TARGET_POINTS && classes.iter().filter(|&&c| c).count() >= 2
}

fn columns<'a>(points: impl Iterator<Item = &'a OofPoint>) -> (Vec<[f32; 3]>, Vec<usize>) {
    points.map(|p| (p.scores, usize::from(p.gold))).unzip()
}

/// Log-probabilities as scores: softmax is shift-invariant, so
/// `softmax(ln p / T)` is what temperature `T` would have made of the
/// decision values behind `p`. Probabilities are floored at 1e-30 so an
/// underflowed 0 stays finite.
pub fn log_scores(p: &[f32; 3]) -> [f32; 3] {
    p.map(|x| x.max(1e-30).ln())
}

/// `p` rescaled by temperature `t`.
pub fn rescale(p: &[f32; 3], t: f32) -> [f32; 3] {
    let mut s = log_scores(p);
    apply_temperature(t, &mut s);
    s
}

/// Cross-fitted temperature scaling of out-of-fold probabilities: the
/// examples of fold k are rescaled by a temperature fitted on the other
/// folds only, so no example's own label touches its calibration. Returns
/// the rescaled probabilities and the temperature of each fold `0..k`
/// (1.0 for a fold with no other folds' examples).
///
/// # Panics
/// If the lengths differ or a gold index is not 0, 1 or 2.
pub fn cross_fit(proba: &[[f32; 3]], gold: &[usize], folds: &[usize]) -> (Vec<[f32; 3]>, Vec<f32>) {
    cross_fit_by_target(proba, gold, folds, None)
}

/// [`cross_fit`] as training calibrates a per-target model when `targets`
/// (one per example) are given: an example of target t in fold k is
/// rescaled by a temperature fitted on the other folds' examples of t when
/// they are enough for one ([`enough_to_fit`]), else by fold k's task-wide
/// temperature. The temperatures returned are the task-wide ones.
///
/// # Panics
/// If the lengths differ or a gold index is not 0, 1 or 2.
pub fn cross_fit_by_target(
    proba: &[[f32; 3]],
    gold: &[usize],
    folds: &[usize],
    targets: Option<&[String]>,
) -> (Vec<[f32; 3]>, Vec<f32>) {
    assert_eq!(proba.len(), folds.len(), "one fold per example");
    assert_eq!(proba.len(), gold.len(), "one gold class per example");
    let k = folds.iter().max().map_or(0, |m| m + 1);
    let scores: Vec<[f32; 3]> = proba.iter().map(log_scores).collect();
    // The temperature of the examples `idx` held out in `fold`, fitted on
    // those of them in the other folds (`None` when too few for a target).
    let fit_others = |idx: &mut dyn Iterator<Item = usize>, fold: usize| {
        let (s, g): (Vec<[f32; 3]>, Vec<usize>) = idx
            .filter(|&i| folds[i] != fold)
            .map(|i| (scores[i], gold[i]))
            .unzip();
        (fit_temperature(&s, &g), enough_to_fit(&s, &g))
    };
    let temps: Vec<f32> = (0..k)
        .map(|fold| fit_others(&mut (0..proba.len()), fold).0)
        .collect();
    let mut own: Vec<Option<f32>> = vec![None; proba.len()];
    if let Some(targets) = targets {
        assert_eq!(proba.len(), targets.len(), "one target per example");
        let mut by_target: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, t) in targets.iter().enumerate() {
            by_target.entry(t.as_str()).or_default().push(i);
        }
        for idx in by_target.values() {
            for fold in 0..k {
                let (t, enough) = fit_others(&mut idx.iter().copied(), fold);
                for &i in idx.iter().filter(|&&i| folds[i] == fold) {
                    own[i] = enough.then_some(t);
                }
            }
        }
    }
    let out = proba
        .iter()
        .zip(folds)
        .zip(&own)
        .map(|((p, &f), t)| rescale(p, t.unwrap_or(temps[f])))
        .collect();
    (out, temps)
}

/// Where a task's probabilities came from, for saying so in reports.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProbaSource {
    /// The heads are SVMs (squared hinge): their softmax is of margins.
    pub svm: bool,
    /// The task-wide temperature of each model that scored (one, or one
    /// per fold).
    pub temperatures: Vec<f32>,
    /// The per-target temperatures of the one model that scored (see
    /// [`Calibration::per_target`]); empty for a pooled model and for
    /// cross-validation (fold models are not calibrated).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub per_target: Vec<(String, f32)>,
    /// The model has one head per target, so calibration is fitted per
    /// target as well (see [`cross_fit_by_target`]).
    #[serde(default)]
    pub per_target_heads: bool,
    /// `Some(k)`: out-of-fold probabilities from K-fold cross-validation.
    pub folds: Option<usize>,
}

impl ProbaSource {
    /// One sentence saying what the probabilities are.
    pub fn describe(&self) -> String {
        let base = if self.svm {
            "softmax of SVM margins"
        } else {
            "logistic-regression probabilities"
        };
        let calibrated: Vec<f32> = self
            .temperatures
            .iter()
            .copied()
            .filter(|&t| t != 1.0)
            .collect();
        let what = if calibrated.is_empty() && self.per_target.is_empty() {
            if self.svm {
                format!(
                    "uncalibrated {base} (temperature 1, none fitted): they rank the \
                     classes but are not frequencies"
                )
            } else {
                format!("{base}, not recalibrated (temperature 1, none fitted)")
            }
        } else if self.per_target.is_empty() {
            let ts: Vec<String> = self
                .temperatures
                .iter()
                .map(|t| format!("{t:.3}"))
                .collect();
            format!(
                "{base} calibrated by temperature T = {} fitted on out-of-fold scores \
                 of the training data",
                ts.join(", ")
            )
        } else {
            let pooled = self.temperatures.first().copied().unwrap_or(1.0);
            let c = Calibration {
                temperature: pooled,
                per_target: self.per_target.clone(),
            };
            format!(
                "{base} calibrated by temperatures fitted on out-of-fold scores of the \
                 training data, one per target head where the target has {MIN_TARGET_POINTS} \
                 or more: T = {}",
                c.describe()
            )
        };
        match self.folds {
            Some(k) => format!("out-of-fold, from {k} fold models: {what}"),
            None => what,
        }
    }
}

/// The calibration figures of one task's probabilities, and with `folds`
/// (one per example, from cross-validation) the figures after
/// [`cross_fit`] as well — by target (`targets`, one per example) when the
/// source's model has per-target heads.
pub fn calibration_report(
    proba: &[[f32; 3]],
    gold: &[usize],
    folds: &[usize],
    targets: &[String],
    source: &ProbaSource,
) -> CalibrationReport {
    let cross_fitted = (!folds.is_empty()).then(|| {
        let by_target = source.per_target_heads.then_some(targets);
        let (p, temperatures) = cross_fit_by_target(proba, gold, folds, by_target);
        let per_target = if by_target.is_some() {
            format!(
                " (for a target with {MIN_TARGET_POINTS} or more out-of-fold points in the other \
                 folds, fitted on those alone, as training calibrates per-target heads)"
            )
        } else {
            String::new()
        };
        CrossFitted {
            probabilities: format!(
                "each fold's probabilities divided (as log-probabilities) by a temperature \
                 fitted on the other folds' out-of-fold scores{per_target}; the argmax, so \
                 accuracy and F1, is unchanged"
            ),
            temperatures,
            scores: calibration_scores(&p, gold, BINS),
        }
    });
    CalibrationReport {
        probabilities: source.describe(),
        scores: calibration_scores(proba, gold, BINS),
        cross_fitted,
    }
}

#[cfg(test)]
mod tests;
