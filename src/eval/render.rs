//! Terminal rendering of [`Scores`] for `stance eval`.
//!
//! Plain ASCII with fixed-width columns so the output survives logs, diffs
//! and copy-paste into issues; JSON is the machine-readable form.

use std::collections::BTreeMap;

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
