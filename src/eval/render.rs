//! Terminal rendering of [`Scores`] for `stance eval`.
//!
//! Plain ASCII with fixed-width columns so the output survives logs, diffs
//! and copy-paste into issues; JSON is the machine-readable form.

use std::collections::BTreeMap;

use super::calibration::{CalibrationReport, CalibrationScores};
use super::metrics::Scores;

/// Four decimals: enough to see a one-example change on a few thousand
/// examples without implying more precision than the data has.
fn num(x: f64) -> String {
    format!("{x:.4}")
}

fn headline_row(name: &str, value: f64, interval: Option<[f64; 2]>) -> String {
    match interval {
        Some([lo, hi]) => format!(
            "{name:<10} {}  95% CI [{}, {}]",
            num(value),
            num(lo),
            num(hi)
        ),
        None => format!("{name:<10} {}", num(value)),
    }
}

/// Renders the headline scores (with intervals when a bootstrap was run),
/// a per-class table and the confusion matrix, classes in the caller's label
/// order rather than alphabetically so pro/anti/none read naturally.
pub fn render(scores: &Scores, title: &str) -> String {
    let mut lines: Vec<String> = vec![title.to_string(), "=".repeat(title.chars().count())];
    lines.push(format!("{:<10} {}", "n", scores.n));

    // Intervals from zero rounds are collapsed point estimates, not CIs.
    let iv = scores.intervals.as_ref().filter(|iv| iv.rounds > 0);
    lines.push(headline_row(
        "accuracy",
        scores.accuracy,
        iv.map(|i| i.accuracy),
    ));
    lines.push(headline_row(
        "macro-F1",
        scores.macro_f1,
        iv.map(|i| i.macro_f1),
    ));
    if let Some(f_avg) = scores.f_avg {
        lines.push(headline_row("F_avg", f_avg, iv.and_then(|i| i.f_avg)));
    }
    if let Some(iv) = iv {
        lines.push(format!(
            "(percentile bootstrap, {} rounds, seed {})",
            iv.rounds, iv.seed
        ));
    }

    let labels = &scores.confusion.labels;
    let name_w = labels
        .iter()
        .map(|l| l.chars().count())
        .chain(["class".len(), r"gold \ pred".len()])
        .max()
        .unwrap_or(0);

    lines.push(String::new());
    lines.push(format!(
        "{:<name_w$}  {:>9}  {:>9}  {:>9}  {:>7}",
        "class", "precision", "recall", "F1", "support"
    ));
    for label in labels {
        if let Some(c) = scores.per_class.get(label) {
            lines.push(format!(
                "{label:<name_w$}  {:>9}  {:>9}  {:>9}  {:>7}",
                num(c.precision),
                num(c.recall),
                num(c.f1),
                c.support
            ));
        }
    }

    lines.push(String::new());
    lines.push("confusion (rows = gold, columns = predicted)".to_string());
    let max_count = scores
        .confusion
        .matrix
        .iter()
        .flatten()
        .max()
        .copied()
        .unwrap_or(0);
    let cell_w = labels
        .iter()
        .map(|l| l.chars().count())
        .chain([max_count.to_string().len()])
        .max()
        .unwrap_or(1);
    let mut header = format!("{:<name_w$}", r"gold \ pred");
    for label in labels {
        header.push_str(&format!("  {label:>cell_w$}"));
    }
    lines.push(header);
    for (label, row) in labels.iter().zip(&scores.confusion.matrix) {
        let mut line = format!("{label:<name_w$}");
        for count in row {
            line.push_str(&format!("  {count:>cell_w$}"));
        }
        lines.push(line);
    }

    let mut out = lines.join("\n");
    out.push('\n');
    if let Some(c) = &scores.calibration {
        out.push('\n');
        out.push_str(&render_calibration(c));
    }
    out
}

/// One line per group (e.g. per probe type of a behavioural test suite):
/// n, accuracy and the confusion flattened to one cell per gold class
/// (`pro→pro/anti/none` = how the gold-pro examples were predicted), so a
/// whole suite fits one screen and shows *which way* each capability fails.
pub fn render_groups(groups: &BTreeMap<String, Scores>, title: &str) -> String {
    let mut lines: Vec<String> = vec![title.to_string(), "=".repeat(title.chars().count())];
    let Some(labels) = groups.values().next().map(|s| &s.confusion.labels) else {
        lines.push("(no groups)".to_string());
        return lines.join("\n") + "\n";
    };
    let name_w = groups
        .keys()
        .map(|k| k.chars().count())
        .chain(["type".len()])
        .max()
        .unwrap_or(0);
    let heads: Vec<String> = labels
        .iter()
        .map(|gold| format!("{gold}\u{2192}{}", labels.join("/")))
        .collect();
    let cells: Vec<Vec<String>> = groups
        .values()
        .map(|s| {
            s.confusion
                .matrix
                .iter()
                .map(|row| {
                    row.iter()
                        .map(usize::to_string)
                        .collect::<Vec<_>>()
                        .join("/")
                })
                .collect()
        })
        .collect();
    let col_w: Vec<usize> = (0..heads.len())
        .map(|c| {
            cells
                .iter()
                .filter_map(|row| row.get(c))
                .chain([&heads[c]])
                .map(|x| x.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut header = format!("{:<name_w$}  {:>5}  {:>8}", "type", "n", "accuracy");
    for (h, w) in heads.iter().zip(&col_w) {
        header.push_str(&format!("  {h:>w$}"));
    }
    lines.push(header);
    for ((name, s), row) in groups.iter().zip(&cells) {
        let mut line = format!("{name:<name_w$}  {:>5}  {:>8}", s.n, num(s.accuracy));
        for (cell, w) in row.iter().zip(&col_w) {
            line.push_str(&format!("  {cell:>w$}"));
        }
        lines.push(line);
    }
    lines.join("\n") + "\n"
}

/// What the probabilities are, their ECE, Brier score and NLL, and the
/// reliability table (non-empty bins only: with three classes no
/// confidence is below 1/3), then the same after cross-fitted
/// recalibration when there is one.
pub fn render_calibration(c: &CalibrationReport) -> String {
    let mut lines = vec![format!("probabilities: {}", c.probabilities)];
    calibration_lines(&c.scores, &mut lines);
    if let Some(x) = &c.cross_fitted {
        lines.push(String::new());
        lines.push(format!("recalibrated: {}", x.probabilities));
        let ts: Vec<String> = x.temperatures.iter().map(|t| format!("{t:.3}")).collect();
        lines.push(format!("temperature per fold: {}", ts.join(" ")));
        calibration_lines(&x.scores, &mut lines);
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

fn calibration_lines(s: &CalibrationScores, lines: &mut Vec<String>) {
    lines.push(format!(
        "{:<10} {}  (top label, {} equal-width bins; 0 = confidence matches accuracy)",
        "ECE",
        num(s.ece),
        s.reliability.len()
    ));
    lines.push(format!(
        "{:<10} {}  (0 best, 2 worst)",
        "Brier",
        num(s.brier)
    ));
    lines.push(format!("{:<10} {}  (mean −ln p(gold))", "NLL", num(s.nll)));
    lines.push(format!(
        "mean confidence {} vs accuracy {}",
        num(s.confidence),
        num(s.accuracy)
    ));
    lines.push(format!(
        "{:<13}  {:>6}  {:>10}  {:>8}",
        "confidence", "n", "mean conf", "accuracy"
    ));
    for b in s.reliability.iter().filter(|b| b.n > 0) {
        lines.push(format!(
            "{:<13}  {:>6}  {:>10}  {:>8}",
            // The last bin also holds confidence 1.
            format!(
                "[{:.2}, {:.2}{}",
                b.lo,
                b.hi,
                if b.hi >= 1.0 { ']' } else { ')' }
            ),
            b.n,
            num(b.confidence),
            num(b.accuracy)
        ));
    }
}
