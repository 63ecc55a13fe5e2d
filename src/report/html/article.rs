//! One article: its headline as the heading, the headline's own stance,
//! predicted and labelled sections side by side, and the unit-by-unit
//! comparison of the two.

use std::fmt::Write;

use super::charts::{sentiment_chart, stance_chart};
use super::numbers::{Labelled, strongest, table};
use super::{escape, hooks, part_name, pct, plural};
use crate::labels::Stance;
use crate::report::{ArticleReport, Compared, Section};

/// "24 comments, 16 paragraphs" of one source's sections.
fn units_of(r: &ArticleReport, source: &str) -> String {
    let parts: Vec<String> = (r.sections.iter())
        .filter(|s| s.source == source)
        .map(|s| match s.part.as_str() {
            "comments" => plural(s.units, "comment"),
            "paragraphs" => plural(s.units, "paragraph"),
            other => format!("{} {}", s.units, escape(other)),
        })
        .collect();
    parts.join(", ")
}

/// The article's section of the page; `open` unless the page has so many
/// articles that each starts collapsed.
pub(super) fn article(out: &mut String, i: usize, r: &ArticleReport, open: bool) {
    let id = escape(&r.doc_id);
    let heading = r.title.as_deref().map_or_else(|| id.clone(), escape);
    let mut meta: Vec<String> = Vec::new();
    if r.title.is_some() {
        meta.push(format!("<code>{id}</code>"));
    }
    for source in ["predicted", "labelled"] {
        let units = units_of(r, source);
        if !units.is_empty() {
            meta.push(format!("{source}: {units}"));
        }
    }
    w!(
        out,
        "<section class=\"article\" id=\"article-{i}\" data-doc-id=\"{id}\">\n<details class=\"body\"{}>\
         <summary><h2 class=\"headline\">{heading}</h2><span class=\"meta\">{}</span></summary>\n",
        if open { " open" } else { "" },
        meta.join(" · ")
    );
    headline_stance(out, r);
    let labelled: Labelled = (r.compared.iter())
        .flat_map(|c| {
            (c.actors.iter()).map(move |a| ((c.unit_id.as_str(), a.actor.as_str()), a.labelled))
        })
        .collect();
    // Sections of one part (predicted beside labelled) share a row, so a
    // wide window compares them side by side.
    let mut parts: Vec<&str> = Vec::new();
    for s in &r.sections {
        if !parts.contains(&s.part.as_str()) {
            parts.push(&s.part);
        }
    }
    for part in parts {
        w!(out, "<div class=\"pair\" data-part=\"{}\">\n", escape(part));
        for s in r.sections.iter().filter(|s| s.part == part) {
            section(out, s, &labelled);
        }
        out.push_str("</div>\n");
    }
    compare(out, r);
    out.push_str("</details>\n</section>\n");
}

/// The headline's stance toward the actors it takes one on, with its hand
/// label where it has one.
fn headline_stance(out: &mut String, r: &ArticleReport) {
    if r.headline.is_empty() {
        return;
    }
    let polar = |s: Option<Stance>| s.is_some_and(|s| s != Stance::None);
    let items: Vec<String> = (r.headline.iter())
        .filter(|h| polar(h.predicted) || polar(h.labelled))
        .map(|h| {
            let actor = escape(&h.actor);
            let mut item = match (h.predicted, h.p) {
                (Some(s), p) => format!(
                    "<span class=\"tag {s}\" data-actor=\"{actor}\" data-predicted=\"{s}\">{s} {actor}</span>{}",
                    p.map_or(String::new(), |p| format!(" ({p:.2})")),
                    s = s.as_str()
                ),
                (None, _) => format!("<span data-actor=\"{actor}\">{actor}: not scored</span>"),
            };
            if let Some(l) = h.labelled {
                let (class, sign) = if h.predicted == Some(l) {
                    ("yes", "✓")
                } else {
                    ("no", "✗")
                };
                w!(
                    item,
                    " <span class=\"agree {class}\" data-labelled=\"{l}\">{sign} labelled {l}</span>",
                    l = l.as_str()
                );
            }
            item
        })
        .collect();
    let text = if items.is_empty() {
        "no stance toward any actor".to_string()
    } else {
        format!("{}; none toward the others", items.join(", "))
    };
    w!(
        out,
        "<p class=\"headline-stance\">The headline itself: {text}.</p>\n"
    );
}

fn section(out: &mut String, s: &Section, labelled: &Labelled) {
    let (hooks, source, n) = (hooks(s), escape(&s.source), s.units);
    let method = s
        .estimate
        .as_ref()
        .map_or(String::new(), |e| format!(" data-method=\"{}\"", e.method));
    w!(
        out,
        "<div class=\"part\" {hooks} data-units=\"{n}\"{method}>\n<h3>{} — {source} ({})</h3>\n",
        part_name(&s.part),
        plural(n, "unit")
    );
    stance_chart(out, s);
    sentiment_chart(out, s);
    out.push_str("<div class=\"scroll\">");
    table(out, s);
    out.push_str("</div>\n");
    strongest(out, s, labelled);
    out.push_str("</div>\n");
}

/// Agreement of `pairs` as "a of n (p%)".
fn agreement(pairs: &[(&Compared, &crate::report::ComparedActor)]) -> String {
    let agree = pairs.iter().filter(|(_, a)| a.agrees()).count();
    let n = pairs.len();
    format!("{agree} of {n} ({})", pct(agree as f64 / n.max(1) as f64))
}

/// Every unit with both a prediction and a hand label, actor by actor.
fn compare(out: &mut String, r: &ArticleReport) {
    if r.compared.is_empty() {
        return;
    }
    let mut actors: Vec<&str> = Vec::new();
    for a in r.compared.iter().flat_map(|c| &c.actors) {
        if !actors.contains(&a.actor.as_str()) {
            actors.push(&a.actor);
        }
    }
    let pairs: Vec<_> = (r.compared.iter())
        .flat_map(|c| c.actors.iter().map(move |a| (c, a)))
        .collect();
    let agree = pairs.iter().filter(|(_, a)| a.agrees()).count();
    let mut by_part: Vec<String> = Vec::new();
    for part in ["comments", "paragraphs", "title"] {
        let mine: Vec<_> = pairs
            .iter()
            .filter(|(c, _)| c.part == part)
            .copied()
            .collect();
        if !mine.is_empty() {
            by_part.push(format!("{part} {}", agreement(&mine)));
        }
    }
    w!(
        out,
        "<details class=\"compare\" data-pairs=\"{}\" data-agree=\"{agree}\"><summary>Predicted vs \
         labelled, unit by unit: {} unit × actor pairs agree — {}</summary>\n\
         <p class=\"note\">✓ the model's stance is the hand label's; ✗ it is not (shown as predicted → \
         labelled). The last row counts agreement per actor.</p>\n<div class=\"scroll\">\
         <table class=\"numbers compare\">\n<thead><tr><th>unit</th><th>part</th>",
        pairs.len(),
        agreement(&pairs),
        by_part.join("; ")
    );
    for a in &actors {
        w!(out, "<th>{}</th>", escape(a));
    }
    out.push_str("<th>text</th></tr></thead>\n<tbody>\n");
    for c in &r.compared {
        w!(
            out,
            "<tr data-unit-id=\"{id}\"><th scope=\"row\"><code>{id}</code></th><td class=\"part\">{}</td>",
            escape(&c.part),
            id = escape(&c.unit_id)
        );
        for actor in &actors {
            let Some(a) = c.actors.iter().find(|a| a.actor == *actor) else {
                out.push_str("<td class=\"mark\">–</td>");
                continue;
            };
            let (p, l) = (a.predicted.as_str(), a.labelled.as_str());
            let (class, text) = if a.agrees() {
                ("yes", format!("✓ {p}"))
            } else {
                ("no", format!("✗ {p} → {l}"))
            };
            w!(
                out,
                "<td class=\"mark {class}\" data-actor=\"{}\" data-predicted=\"{p}\" data-labelled=\"{l}\" \
                 title=\"predicted {p} ({:.2}), labelled {l}\">{text}</td>",
                escape(actor),
                a.p
            );
        }
        w!(out, "<td class=\"text\">{}</td></tr>\n", escape(&c.excerpt));
    }
    out.push_str("</tbody>\n<tfoot><tr><th scope=\"row\">agree</th><td></td>");
    for actor in &actors {
        let mine: Vec<_> = pairs
            .iter()
            .filter(|(_, a)| a.actor == *actor)
            .copied()
            .collect();
        let k = mine.iter().filter(|(_, a)| a.agrees()).count();
        w!(
            out,
            "<td data-actor=\"{}\" data-agree=\"{k}\" data-pairs=\"{}\">{k}/{}</td>",
            escape(actor),
            mine.len(),
            mine.len()
        );
    }
    out.push_str("<td></td></tr></tfoot>\n</table></div>\n</details>\n");
}
