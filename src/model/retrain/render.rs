//! The comparison as `stance retrain` prints it: per test set, default
//! and candidate side by side with the difference and its 95% interval,
//! then the decision and why.

use std::fmt::Write as _;

use super::Comparison;
use crate::eval::{Difference, PairedScores};

impl Comparison {
    /// The tables and the decision line, each line ending in a newline.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if self.cv.is_none() {
            out.push_str(
                "cross-validation: not run (the candidate has the default's settings, so both \
                 would score the same on the same folds)\n\n",
            );
        }
        for (what, paired) in [
            ("held-out comments", &self.holdout),
            ("cross-validation", &self.cv),
        ] {
            if let Some(p) = paired {
                section(&mut out, &format!("stance, {what}"), &p.stance);
                if let Some(s) = &p.sentiment {
                    section(&mut out, &format!("sentiment, {what}"), s);
                }
            }
        }
        let _ = writeln!(out, "decision ({}): {}", self.metric.as_str(), self.reason);
        out
    }
}

fn section(out: &mut String, title: &str, p: &PairedScores) {
    let _ = writeln!(
        out,
        "{title} (n {}, {} bootstrap rounds)\n{:<22} {:>8} {:>10} {:>8}  95% CI of difference",
        p.n, p.rounds, "metric", "default", "candidate", "diff"
    );
    let mut row = |name: &str, d: &Difference| {
        let _ = writeln!(
            out,
            "{name:<22} {:>8.3} {:>10.3} {:>+8.3}  [{:+.3}, {:+.3}]",
            d.a, d.b, d.diff, d.interval[0], d.interval[1]
        );
    };
    row("accuracy", &p.accuracy);
    row("macro_f1", &p.macro_f1);
    if let Some(f) = &p.f_avg {
        row("f_avg", f);
    }
    out.push('\n');
}
