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

use serde::{Deserialize, Serialize};

use super::{OofPoint, TaskModel};
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

/// Fits the task's temperature on its out-of-fold points (all targets
/// together: one T per task, as the pooled head is shared) and stores it.
/// Returns the temperature. With no points the task is left as it is.
pub fn calibrate_task(task: &mut TaskModel, points: &[OofPoint]) -> f32 {
    if points.is_empty() {
        return task.calibration.temperature;
    }
    let scores: Vec<[f32; 3]> = points.iter().map(|p| p.scores).collect();
    let gold: Vec<usize> = points.iter().map(|p| usize::from(p.gold)).collect();
    let t = fit_temperature(&scores, &gold);
    task.calibration.temperature = t;
    t
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
    super::Calibration { temperature: t }.apply(&mut s);
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
    assert_eq!(proba.len(), folds.len(), "one fold per example");
    let k = folds.iter().max().map_or(0, |m| m + 1);
    let scores: Vec<[f32; 3]> = proba.iter().map(log_scores).collect();
    let temps: Vec<f32> = (0..k)
        .map(|fold| {
            let (s, g): (Vec<[f32; 3]>, Vec<usize>) = scores
                .iter()
                .zip(gold)
                .zip(folds)
                .filter(|(_, f)| **f != fold)
                .map(|((s, g), _)| (*s, *g))
                .unzip();
            fit_temperature(&s, &g)
        })
        .collect();
    let out = proba
        .iter()
        .zip(folds)
        .map(|(p, &f)| rescale(p, temps[f]))
        .collect();
    (out, temps)
}

/// Where a task's probabilities came from, for saying so in reports.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProbaSource {
    /// The heads are SVMs (squared hinge): their softmax is of margins.
    pub svm: bool,
    /// The temperature of each model that scored (one, or one per fold).
    pub temperatures: Vec<f32>,
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
        let what = if calibrated.is_empty() {
            if self.svm {
                format!(
                    "uncalibrated {base} (temperature 1, none fitted): they rank the \
                     classes but are not frequencies"
                )
            } else {
                format!("{base}, not recalibrated (temperature 1, none fitted)")
            }
        } else {
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
        };
        match self.folds {
            Some(k) => format!("out-of-fold, from {k} fold models: {what}"),
            None => what,
        }
    }
}

/// The calibration figures of one task's probabilities, and with `folds`
/// (one per example, from cross-validation) the figures after
/// [`cross_fit`] as well.
pub fn calibration_report(
    proba: &[[f32; 3]],
    gold: &[usize],
    folds: &[usize],
    source: &ProbaSource,
) -> CalibrationReport {
    let cross_fitted = (!folds.is_empty()).then(|| {
        let (p, temperatures) = cross_fit(proba, gold, folds);
        CrossFitted {
            probabilities: "each fold's probabilities divided (as log-probabilities) by a \
                            temperature fitted on the other folds' out-of-fold scores; the \
                            argmax, so accuracy and F1, is unchanged"
                .to_string(),
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
