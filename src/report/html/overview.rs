//! The overview the page opens with: per view (reader comments or article
//! paragraphs, predicted or labelled) a table of net stance, articles in
//! rows (by headline) and actors in columns, each cell coloured on the
//! blue–orange scale and sortable by its column.

use std::fmt::Write;

use super::style::{ANTI_RAMP, PRO_RAMP, STEPS, heat_class};
use super::{escape, part_name, signed};
use crate::report::{ActorStats, ArticleReport};

/// The views in the order shown: what comments say first, as the tool is
/// for them.
const VIEWS: [(&str, &str); 4] = [
    ("predicted", "comments"),
    ("predicted", "paragraphs"),
    ("labelled", "comments"),
    ("labelled", "paragraphs"),
];

/// Every actor of the report, in the order its sections list them.
pub(super) fn actors_of(reports: &[ArticleReport]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for a in reports
        .iter()
        .flat_map(|r| &r.sections)
        .flat_map(|s| &s.actors)
    {
        if seen.insert(a.actor.as_str()) {
            out.push(&a.actor);
        }
    }
    out
}

/// The overview section. `open` opens every view; otherwise only the
/// first is open, so a page of thousands of articles starts short.
pub(super) fn overview(out: &mut String, reports: &[ArticleReport], open: bool) {
    let actors = actors_of(reports);
    out.push_str(
        "<section class=\"overview\" id=\"overview\">\n<h2>Overview: net stance per article and actor</h2>\n\
         <p class=\"note\">Each cell is the <b>net stance</b> of the article's units toward the actor: \
         the pro share minus the anti share, from −1 (all anti) to +1 (all pro), with its 95% interval \
         below it. <b>Blue</b>: more pro than anti; <b>orange</b>: more anti than pro; white: within \
         ±0.05; <b>hatched</b>: the interval includes 0, so these units do not settle the direction. \
         Click a column header to sort by it (again to reverse); a headline leads to its article.</p>\n",
    );
    scale(out);
    let mut shown = 0;
    for (source, part) in VIEWS {
        let rows: Vec<(usize, &ArticleReport)> = reports
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                r.sections
                    .iter()
                    .any(|s| s.source == source && s.part == part)
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        let is_open = if open || shown == 0 { " open" } else { "" };
        let (n, plural) = (rows.len(), if rows.len() == 1 { "" } else { "s" });
        w!(
            out,
            "<details class=\"view\" data-source=\"{source}\" data-part=\"{part}\"{is_open}>\
             <summary>{} — {source} ({n} article{plural})</summary>\n<div class=\"scroll\">\
             <table class=\"overview sortable\" id=\"overview-{shown}\" data-source=\"{source}\" \
             data-part=\"{part}\">\n<thead><tr><th scope=\"col\" data-sort=\"text\">article</th>\
             <th scope=\"col\" data-sort=\"number\" title=\"units in this part of the article\">units</th>",
            part_name(part)
        );
        for a in &actors {
            let a = escape(a);
            w!(
                out,
                "<th scope=\"col\" data-sort=\"number\" data-actor=\"{a}\">{a}</th>"
            );
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for (i, r) in rows {
            let s = r
                .sections
                .iter()
                .find(|s| s.source == source && s.part == part)
                .expect("filtered on it");
            let id = escape(&r.doc_id);
            let heading = r.title.as_deref().map_or_else(|| id.clone(), escape);
            w!(
                out,
                "<tr data-doc-id=\"{id}\"><th scope=\"row\"><a href=\"#article-{i}\" title=\"{id}\">\
                 {heading}</a></th><td class=\"units\" data-sort=\"{u}\">{u}</td>",
                u = s.units
            );
            for actor in &actors {
                cell(out, actor, s.actors.iter().find(|a| a.actor == *actor));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table></div></details>\n");
        shown += 1;
    }
    out.push_str("</section>\n");
}

/// One article × actor cell: net stance, its interval, and the shares it
/// comes from in the tooltip.
fn cell(out: &mut String, actor: &str, a: Option<&ActorStats>) {
    let actor = escape(actor);
    let Some(a) = a.filter(|a| a.pro + a.anti + a.none > 0) else {
        w!(
            out,
            "<td class=\"h empty\" data-actor=\"{actor}\" data-sort=\"\" title=\"no units\">–</td>"
        );
        return;
    };
    let n = a.pro + a.anti + a.none;
    let net = if a.net.is_finite() { a.net } else { 0.0 };
    let mut class = heat_class(net);
    let (ci_attrs, ci_text) = match a.net_ci {
        Some([lo, hi]) => {
            if lo <= 0.0 && hi >= 0.0 {
                class.push_str(" ns");
            }
            (
                format!(" data-lo=\"{lo:.3}\" data-hi=\"{hi:.3}\""),
                format!("{} to {}", signed(lo), signed(hi)),
            )
        }
        None => (String::new(), "interval not given".into()),
    };
    w!(
        out,
        "<td class=\"h {class}\" data-actor=\"{actor}\" data-sort=\"{net:.3}\" data-net=\"{net:.3}\"{ci_attrs} \
         title=\"{actor}: net {v} (95% interval {ci_text}); pro {pro:.0}%, anti {anti:.0}% of {n} units\">\
         <span class=\"v\">{v}</span><span class=\"ci\">{ci_text}</span></td>",
        v = signed(net),
        pro = a.pro_share * 100.0,
        anti = a.anti_share * 100.0,
    );
}

/// The colour key under the overview's note.
fn scale(out: &mut String) {
    out.push_str("<div class=\"scale\" role=\"list\" aria-label=\"colour scale\">");
    let bound = |k: usize| format!("{:.2}", STEPS[k]);
    for k in (0..ANTI_RAMP.len()).rev() {
        let range = match k {
            3 => format!("≤ −{}", bound(3)),
            _ => format!("−{} to −{}", bound(k + 1), bound(k)),
        };
        w!(
            out,
            "<span role=\"listitem\"><span class=\"swatch anti{}\"></span> {range}</span>",
            k + 1
        );
    }
    w!(
        out,
        "<span role=\"listitem\"><span class=\"swatch even\"></span> within ±{}</span>",
        bound(0)
    );
    for k in 0..PRO_RAMP.len() {
        let range = match k {
            3 => format!("≥ +{}", bound(3)),
            _ => format!("+{} to +{}", bound(k), bound(k + 1)),
        };
        w!(
            out,
            "<span role=\"listitem\"><span class=\"swatch pro{}\"></span> {range}</span>",
            k + 1
        );
    }
    out.push_str(
        "<span role=\"listitem\"><span class=\"swatch ns\"></span> hatched: interval includes 0</span>\
         <span role=\"listitem\">– no units</span></div>\n",
    );
}
