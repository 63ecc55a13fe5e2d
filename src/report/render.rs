//! Terminal table and CSV renderings of a report (JSON is the serde form).

use std::fmt::Write;

use super::{ArticleReport, Section, ShareMethod, describe};

use super::visible::visible;
use crate::spreadsheet::cell;

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

fn ci(c: [f64; 2]) -> String {
    format!("[{:.0}–{:.0}]", c[0] * 100.0, c[1] * 100.0)
}

fn section_table(out: &mut String, s: &Section) {
    let _ = writeln!(out, "  {} {} ({} units)", s.source, s.part, s.units);
    let _ = writeln!(
        out,
        "    {:<6} {:>5} {:>5} {:>5}  {:>4} {:<10} {:>4} {:<10} {:>6} {:>9}",
        "actor", "pro", "anti", "none", "pro", "95% CI", "anti", "95% CI", "net", "mentioned"
    );
    for a in &s.actors {
        let _ = writeln!(
            out,
            "    {:<6} {:>5} {:>5} {:>5}  {:>4} {:<10} {:>4} {:<10} {:>+6.2} {:>9}",
            a.actor,
            a.pro,
            a.anti,
            a.none,
            pct(a.pro_share),
            ci(a.pro_ci),
            pct(a.anti_share),
            ci(a.anti_ci),
            a.net,
            a.mentioned.map_or("-".to_string(), |m| m.to_string()),
        );
    }
    if let Some(t) = &s.sentiment {
        let _ = writeln!(
            out,
            "    sentiment: positive {} ({}), negative {} ({}), neutral {} ({})",
            t.positive,
            pct(t.positive_share),
            t.negative,
            pct(t.negative_share),
            t.neutral,
            pct(t.neutral_share)
        );
    }
    let fell_back: Vec<&str> = s
        .actors
        .iter()
        .filter(|a| {
            s.estimate
                .as_ref()
                .is_some_and(|e| a.method.is_some_and(|m| m != e.method))
        })
        .map(|a| a.actor.as_str())
        .collect();
    if !fell_back.is_empty() {
        let _ = writeln!(
            out,
            "    classify and count for {}: too few labelled pairs or a singular error matrix",
            fell_back.join(", ")
        );
    }
    for a in &s.actors {
        for (label, u) in [("pro", &a.strongest_pro), ("anti", &a.strongest_anti)] {
            if let Some(u) = u {
                let _ = writeln!(
                    out,
                    "    strongest {label:<4} {}: {} ({:.2}) {}",
                    a.actor,
                    visible(&u.unit_id),
                    u.p,
                    visible(&u.excerpt)
                );
            }
        }
    }
}

/// The share method of the report's predicted sections (all carry the
/// same), if any.
pub(super) fn share_method(reports: &[ArticleReport]) -> Option<&ShareMethod> {
    reports
        .iter()
        .flat_map(|r| &r.sections)
        .find_map(|s| s.estimate.as_ref())
}

/// A readable table per article, after a line naming how predicted shares
/// were estimated.
pub fn render_table(reports: &[ArticleReport]) -> String {
    let mut out = String::new();
    if let Some(m) = share_method(reports) {
        let _ = writeln!(out, "{}\n", describe(m));
    }
    for r in reports {
        match &r.title {
            Some(t) => writeln!(out, "{}  {}", visible(&r.doc_id), visible(t)),
            None => writeln!(out, "{}", visible(&r.doc_id)),
        }
        .expect("writing to a String");
        let polar: Vec<String> = (r.headline.iter())
            .filter_map(|h| {
                let s = h.predicted.filter(|s| *s != crate::labels::Stance::None)?;
                Some(format!(
                    "{} {} ({:.2})",
                    s.as_str(),
                    h.actor,
                    h.p.unwrap_or(0.0)
                ))
            })
            .collect();
        if !polar.is_empty() {
            let _ = writeln!(out, "  headline: {}", polar.join(", "));
        }
        for s in &r.sections {
            section_table(&mut out, s);
        }
        out.push('\n');
    }
    out
}

/// One row per article × source × part × actor.
pub fn render_csv(reports: &[ArticleReport]) -> String {
    let mut out = String::from(
        "doc_id,source,part,units,actor,pro,anti,none,pro_share,anti_share,none_share,\
         pro_ci_lo,pro_ci_hi,anti_ci_lo,anti_ci_hi,net,mentioned,\
         positive_share,negative_share,neutral_share,strongest_pro,strongest_anti,\
         none_ci_lo,none_ci_hi,method,rates,intervals,method_mae,net_ci_lo,net_ci_hi\n",
    );
    for r in reports {
        for s in &r.sections {
            let (p, n, u) = s
                .sentiment
                .as_ref()
                .map(|t| {
                    (
                        format!("{:.4}", t.positive_share),
                        format!("{:.4}", t.negative_share),
                        format!("{:.4}", t.neutral_share),
                    )
                })
                .unwrap_or_default();
            for a in &s.actors {
                let (method, intervals, mae) = match (&s.estimate, a.method) {
                    (Some(e), Some(m)) => (
                        m.as_str(),
                        e.intervals.as_str(),
                        e.measured
                            .map_or(String::new(), |x| format!("{:.4}", x.mae)),
                    ),
                    _ => ("", "wilson", String::new()),
                };
                let (net_lo, net_hi) = a.net_ci.map_or((String::new(), String::new()), |[l, h]| {
                    (format!("{l:.4}"), format!("{h:.4}"))
                });
                let _ = writeln!(
                    out,
                    "{},{},{},{},{},{},{},{},{:.4},{:.4},{:.4},{:.4},{:.4},{:.4},{:.4},{:.4},{},{},{},{},{},{},{:.4},{:.4},{},{},{},{},{},{}",
                    cell(&r.doc_id),
                    cell(&s.source),
                    s.part,
                    s.units,
                    a.actor,
                    a.pro,
                    a.anti,
                    a.none,
                    a.pro_share,
                    a.anti_share,
                    a.none_share,
                    a.pro_ci[0],
                    a.pro_ci[1],
                    a.anti_ci[0],
                    a.anti_ci[1],
                    a.net,
                    a.mentioned.map_or(String::new(), |m| m.to_string()),
                    p,
                    n,
                    u,
                    cell(a.strongest_pro.as_ref().map_or("", |x| x.unit_id.as_str())),
                    cell(a.strongest_anti.as_ref().map_or("", |x| x.unit_id.as_str())),
                    a.none_ci[0],
                    a.none_ci[1],
                    method,
                    a.rates.map_or("", |r| r.as_str()),
                    intervals,
                    mae,
                    net_lo,
                    net_hi,
                );
            }
        }
    }
    out
}
