//! A section's table of numbers and its quoted units.

use std::fmt::Write;

use std::collections::HashMap;

use super::{ci_text, escape, hooks, pct, signed};
use crate::labels::Stance;
use crate::report::context::Context;
use crate::report::{Section, UnitRef};

/// Hand labels of an article's units by (unit id, actor), to mark whether
/// a quoted prediction agrees with them.
pub(super) type Labelled<'a> = HashMap<(&'a str, &'a str), Stance>;

/// The numbers of a section, one row per actor. Each share cell holds its
/// interval on a second line, so the table fits beside its twin when
/// predicted and labelled sections stand side by side.
pub(super) fn table(out: &mut String, s: &Section) {
    w!(
        out,
        "<table class=\"numbers stance\" {}>\n<thead><tr><th>actor</th><th>pro</th><th>anti</th>\
         <th>none</th><th>pro %<small>95% CI</small></th><th>anti %<small>95% CI</small></th>\
         <th>net<small>95% CI</small></th><th>mentioned</th></tr></thead>\n<tbody>\n",
        hooks(s)
    );
    for a in &s.actors {
        let actor = escape(&a.actor);
        let method = a
            .method
            .map_or(String::new(), |m| format!(" data-method=\"{m}\""));
        let mut row = format!("<tr data-actor=\"{actor}\"{method}><th scope=\"row\">{actor}</th>");
        for (class, k) in [("pro", a.pro), ("anti", a.anti), ("none", a.none)] {
            w!(row, "<td class=\"{class}\" data-value=\"{k}\">{k}</td>");
        }
        let sides = [
            ("pro", a.pro_share, a.pro_ci),
            ("anti", a.anti_share, a.anti_ci),
        ];
        for (side, share, [lo, hi]) in sides {
            w!(
                row,
                "<td class=\"{side}-share\" data-value=\"{share:.3}\" data-lo=\"{lo:.3}\" \
                 data-hi=\"{hi:.3}\">{}<small>{}</small></td>",
                pct(share),
                ci_text([lo, hi])
            );
        }
        let (net, ci) = (a.net, a.net_ci);
        let (attrs, interval) = ci.map_or((String::new(), "–".into()), |[lo, hi]| {
            (
                format!(" data-lo=\"{lo:.3}\" data-hi=\"{hi:.3}\""),
                format!("{} to {}", signed(lo), signed(hi)),
            )
        });
        w!(
            row,
            "<td class=\"net\" data-value=\"{net:.3}\"{attrs}>{}<small>{interval}</small></td>",
            signed(net)
        );
        let mentioned = a
            .mentioned
            .map_or("<td class=\"mentioned\">–</td>".into(), |m| {
                format!("<td class=\"mentioned\" data-value=\"{m}\">{m}</td>")
            });
        w!(out, "{row}{mentioned}</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// A quote: the text around the actor's mention (highlighted) when known,
/// else the start of the unit.
fn quote(u: &UnitRef) -> String {
    match &u.context {
        Some(Context {
            text,
            mention: [a, b],
        }) if text.get(*a..*b).is_some() => {
            format!(
                "{}<mark>{}</mark>{}",
                escape(&text[..*a]),
                escape(&text[*a..*b]),
                escape(&text[*b..])
            )
        }
        _ => escape(&u.excerpt),
    }
}

/// The strongest pro and anti unit per actor. A predicted quote carries the
/// model's probability of the class it is quoted for and, when the unit is
/// hand-labelled, whether the label agrees.
pub(super) fn strongest(out: &mut String, s: &Section, labelled: &Labelled) {
    let predicted = s.source == "predicted";
    let quoted: Vec<_> = s
        .actors
        .iter()
        .flat_map(|a| {
            [("pro", &a.strongest_pro), ("anti", &a.strongest_anti)]
                .into_iter()
                .filter_map(move |(side, u)| u.as_ref().map(|u| (a, side, u)))
        })
        .collect();
    if quoted.is_empty() {
        return;
    }
    out.push_str("<ul class=\"strongest\">\n");
    for (a, side, u) in quoted {
        let (actor, id) = (escape(&a.actor), escape(&u.unit_id));
        let p = if predicted {
            format!(
                " <span class=\"p\" title=\"the model's calibrated probability that this unit is \
                 {side} {actor}\">({:.2})</span>",
                u.p
            )
        } else {
            String::new()
        };
        let mark = match labelled.get(&(u.unit_id.as_str(), a.actor.as_str())) {
            Some(l) if predicted => {
                let (class, sign) = if l.as_str() == side {
                    ("yes", "✓")
                } else {
                    ("no", "✗")
                };
                format!(
                    " <span class=\"agree {class}\" data-labelled=\"{l}\">{sign} labelled {l}</span>",
                    l = l.as_str()
                )
            }
            _ => String::new(),
        };
        w!(
            out,
            "<li class=\"unit {side}\" data-actor=\"{actor}\" data-unit-id=\"{id}\" data-p=\"{:.3}\">\
             <span class=\"tag {side}\">most {side} {actor}</span> <code>{id}</code>{p}: \
             <q>{}</q>{mark}</li>\n",
            u.p,
            quote(u)
        );
    }
    out.push_str("</ul>\n");
}
