//! Evaluation: how well predicted labels match the hand labels.
//!
//! Labels are class indices plus a list of class names, so the same code
//! scores stance (pro/anti/none toward an actor) and sentiment.
//!
//! Conventions follow scikit-learn's `precision_recall_fscore_support` with
//! `zero_division=0` and `labels=` given, so numbers can be checked against a
//! Python notebook:
//!
//! * a ratio with a zero denominator is 0, never NaN — a class never
//!   predicted has precision 0, a class never in gold has recall 0;
//! * macro-F1 averages over **all** given labels, including labels with no
//!   gold examples in the slice being scored, so slices stay comparable;
//! * `f_avg` is the mean F1 of the two polar classes (pro and anti), the
//!   SemEval-2016 / TweetEval stance metric, computed on pooled predictions;
//! * `n = 0` gives all-zero scores.
//!
//! Probabilities are judged separately from labels (ECE, Brier, NLL and a
//! reliability table, see [`calibration_scores`]).
//!
//! Uncertainty comes from a percentile bootstrap over units (all rows of a
//! text drawn together, see [`bootstrap_units`]), and model
//! selection uses stratified K-fold that keeps the rows of one text
//! together. Both are driven by the in-house [`SplitMix64`] with an explicit
//! seed, so a seed recorded in a report reproduces it exactly.

mod calibration;
mod metrics;
mod paired;
mod render;
mod resample;

#[cfg(test)]
mod tests;

pub use calibration::{
    BINS, CalibrationReport, CalibrationScores, CrossFitted, NLL_FLOOR, ReliabilityBin,
    calibration_scores,
};
pub use metrics::{ClassScores, Confusion, Intervals, Scores, score, score_by_group};
pub use paired::{Difference, PairedScores, paired_bootstrap, paired_bootstrap_units};
pub use render::{render, render_calibration, render_groups};
/// Percentile interval (2.5th, 97.5th) of bootstrap samples, for other
/// modules' bootstraps.
pub(crate) use resample::interval;
pub use resample::{SplitMix64, bootstrap, bootstrap_units, stratified_group_folds};
