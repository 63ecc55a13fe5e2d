//! One self-contained HTML page for a report: inline CSS and hand-written
//! inline SVG only, so the file opens from disk, offline, and can be mailed
//! around without a server, a chart library or anything fetched.
//!
//! Elements carry `class` and `data-*` hooks (`section.article[data-doc-id]`,
//! `svg.chart.stance`, `rect.bar.pro[data-actor][data-share]`, table cells
//! with `data-value`) so tests can check the page against the JSON report
//! without scraping rendered text; numbers in hooks use three decimals.

use std::fmt::Write;

use super::quantify::Method;
use super::{ActorStats, ArticleReport, Section, SentimentStats, describe};

/// `write!` into a `String`, which cannot fail.
macro_rules! w {
    ($($t:tt)*) => {
        let _ = write!($($t)*);
    };
}

/// Escapes text for element content and for double-quoted attribute values.
/// Doc ids, unit ids and above all reader-comment excerpts are untrusted
/// input, so nothing reaches the page without passing through here.
fn escape(s: &str) -> String {
    let s = super::visible::visible(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A share as drawn: reports read back from JSON may hold anything, and a
/// NaN or out-of-range width would silently break the SVG.
fn unit(x: f64) -> f64 {
    if x.is_finite() {
        x.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

fn ci_text(c: [f64; 2]) -> String {
    format!("{:.0}–{:.0}%", c[0] * 100.0, c[1] * 100.0)
}

/// Geometry of the stance chart. The axis always spans 0–100% on both sides
/// so bars are comparable between sections and articles; `ROOM` keeps the
/// share labels clear of the longest bar or whisker.
const ACTOR_W: f64 = 56.0;
const ROOM: f64 = 44.0;
const HALF: f64 = 240.0;
const ROW: f64 = 26.0;
const BAR: f64 = 14.0;
const TOP: f64 = 34.0;
const WIDTH: f64 = ACTOR_W + 2.0 * (ROOM + HALF) + 8.0;
const CX: f64 = ACTOR_W + ROOM + HALF;

/// Everything before the articles. The Content-Security-Policy is belt and
/// braces on top of escaping: even a missed hole in an excerpt can neither
/// run script nor fetch anything.
const HEAD: &str = "<!DOCTYPE html>
<html lang=\"en\"><head><meta charset=\"utf-8\">
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">
<title>Stance report</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:24px auto;max-width:1500px;padding:0 16px;color:#222;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:0 0 8px;font-family:ui-monospace,monospace}
h3{font-size:15px;margin:14px 0 6px}.note{color:#555;max-width:60em}
nav ul{columns:2;padding-left:18px}
section.article{border-top:2px solid #ccc;padding:16px 0 8px;margin-top:16px}
.pair{display:flex;flex-wrap:wrap;gap:12px 32px}.part{flex:0 1 auto;width:660px;max-width:100%}
svg.chart{display:block;max-width:100%;height:auto}
svg text{font-size:11px;fill:#333}svg text.actor{font-size:12px;font-weight:600;fill:#222}
svg text.head{font-size:12px;font-weight:600}svg text.seg-label{fill:#fff;font-weight:600}
.bar.pro{fill:#2c7bb6}.bar.anti{fill:#d7301f}.band{fill:#f4f4f4}
.whisker{stroke:#111;stroke-width:1.2;fill:none}.grid{stroke:#ddd}.axis{stroke:#444;stroke-width:1.5}
.seg.negative,.key.negative{fill:#e08a6b}.seg.neutral,.key.neutral{fill:#a8a8a8}.seg.positive,.key.positive{fill:#5a9bd0}
svg.chart.sentiment.empty text{fill:#777}
table.numbers{border-collapse:collapse;font-variant-numeric:tabular-nums;margin:8px 0 4px;font-size:13px}
table.numbers th,table.numbers td{padding:2px 8px;text-align:right;border-bottom:1px solid #e6e6e6}
table.numbers thead th{border-bottom:1px solid #999;font-weight:600;white-space:nowrap}table.numbers th[scope=row]{text-align:left}
ul.strongest{padding-left:18px;margin:6px 0;max-width:680px;font-size:13px}ul.strongest li{margin:2px 0}
.tag{font-weight:600}.tag.pro{color:#1f5f8f}.tag.anti{color:#b0240f}code{font-size:12px}
</style></head>
<body><header><h1>Stance report</h1>
";

/// The whole report as one HTML page.
pub fn render_html(reports: &[ArticleReport]) -> String {
    let mut out = String::with_capacity(16_384 * (reports.len() + 1));
    out.push_str(HEAD);
    let (n, plural) = (reports.len(), if reports.len() == 1 { "" } else { "s" });
    w!(
        out,
        "<p class=\"note\" data-articles=\"{n}\">{n} article{plural}. Per actor, bars show the share of units \
         <b>anti</b> (left) and <b>pro</b> (right) of the centre line; whiskers are 95% \
         intervals (Wilson for hand labels; for predicted shares as said below); the rest of the \
         units are neutral toward the actor. Below each chart: the sentiment split (negative / \
         neutral / positive, with counts) and a table of the numbers.</p>\n"
    );
    if let Some(m) = super::render::share_method(reports) {
        let mae = m
            .measured
            .map_or(String::new(), |e| format!(" data-mae=\"{:.4}\"", e.mae));
        w!(
            out,
            "<p class=\"note method\" data-method=\"{}\" data-requested=\"{}\" data-intervals=\"{}\"{mae}>{}</p>\n",
            m.method,
            m.requested,
            escape(&m.intervals),
            escape(&describe(m))
        );
    }
    if reports.len() > 1 {
        out.push_str("<nav>\n<ul>\n");
        for (i, r) in reports.iter().enumerate() {
            let id = escape(&r.doc_id);
            w!(out, "<li><a href=\"#article-{i}\">{id}</a>");
            if let Some(t) = &r.title {
                w!(out, " {}", escape(t));
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ul>\n</nav>\n");
    }
    out.push_str("</header>\n<main>\n");
    for (i, r) in reports.iter().enumerate() {
        article(&mut out, i, r);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn article(out: &mut String, i: usize, r: &ArticleReport) {
    let id = escape(&r.doc_id);
    w!(
        out,
        "<section class=\"article\" id=\"article-{i}\" data-doc-id=\"{id}\">\n<h2>{id}</h2>\n"
    );
    if let Some(t) = &r.title {
        w!(out, "<p class=\"headline\">{}</p>\n", escape(t));
    }
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
            section(out, s);
        }
        out.push_str("</div>\n");
    }
    out.push_str("</section>\n");
}

fn hooks(s: &Section) -> String {
    let (source, part) = (escape(&s.source), escape(&s.part));
    format!("data-source=\"{source}\" data-part=\"{part}\"")
}

fn section(out: &mut String, s: &Section) {
    let part = match s.part.as_str() {
        "comments" => "Reader comments".to_string(),
        "paragraphs" => "Article paragraphs".to_string(),
        other => escape(other),
    };
    let (hooks, source, n) = (hooks(s), escape(&s.source), s.units);
    let plural = if n == 1 { "" } else { "s" };
    let method = s
        .estimate
        .as_ref()
        .map_or(String::new(), |e| format!(" data-method=\"{}\"", e.method));
    w!(
        out,
        "<div class=\"part\" {hooks} data-units=\"{n}\"{method}>\n<h3>{part} — {source} ({n} unit{plural})</h3>\n"
    );
    stance_chart(out, s);
    sentiment_chart(out, s);
    table(out, s);
    strongest(out, s);
    out.push_str("</div>\n");
}

fn svg_open(out: &mut String, class: &str, s: &Section, h: f64, label: &str) {
    let hooks = hooks(s);
    w!(
        out,
        "<svg class=\"chart {class}\" {hooks} xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {h}\" \
         width=\"{WIDTH}\" height=\"{h}\" role=\"img\" aria-label=\"{label}\">\n"
    );
}

fn stance_chart(out: &mut String, s: &Section) {
    let h = TOP + ROW * s.actors.len() as f64 + 8.0;
    svg_open(out, "stance", s, h, "Pro and anti shares per actor");
    let (y0, y1, ty) = (TOP - 4.0, h - 6.0, TOP - 8.0);
    for t in [0.25, 0.5, 0.75, 1.0] {
        for x in [CX - t * HALF, CX + t * HALF] {
            let tick = pct(t);
            w!(
                out,
                "<line class=\"grid\" x1=\"{x:.1}\" y1=\"{y0}\" x2=\"{x:.1}\" y2=\"{y1}\"/>\
                 <text class=\"tick\" x=\"{x:.1}\" y=\"{ty}\" text-anchor=\"middle\">{tick}</text>\n"
            );
        }
    }
    let (xa, xp) = (CX - 6.0, CX + 6.0);
    w!(
        out,
        "<text class=\"head\" x=\"{xa}\" y=\"13\" text-anchor=\"end\">◀ anti</text>\
         <text class=\"head\" x=\"{xp}\" y=\"13\">pro ▶</text>\n"
    );
    for (i, a) in s.actors.iter().enumerate() {
        let top = TOP + ROW * i as f64;
        if i % 2 == 1 {
            w!(
                out,
                "<rect class=\"band\" x=\"0\" y=\"{top:.1}\" width=\"{WIDTH}\" height=\"{ROW}\"/>\n"
            );
        }
        let (x, y, actor) = (ACTOR_W - 8.0, top + ROW / 2.0 + 4.0, escape(&a.actor));
        w!(
            out,
            "<text class=\"actor\" x=\"{x}\" y=\"{y}\" text-anchor=\"end\">{actor}</text>\n"
        );
        let n = a.pro + a.anti + a.none;
        bar(out, a, n, top, ("anti", a.anti_share, a.anti_ci, a.anti));
        bar(out, a, n, top, ("pro", a.pro_share, a.pro_ci, a.pro));
    }
    w!(
        out,
        "<line class=\"axis\" x1=\"{CX}\" y1=\"{y0}\" x2=\"{CX}\" y2=\"{y1}\"/>\n</svg>\n"
    );
}

/// One side of an actor's row: the bar (drawn even at zero width so every
/// actor has both hooks), its whisker and its share label.
fn bar(out: &mut String, a: &ActorStats, n: usize, top: f64, side: (&str, f64, [f64; 2], usize)) {
    let (side, share, ci, k) = side;
    let sign = if side == "anti" { -1.0 } else { 1.0 };
    let actor = escape(&a.actor);
    let width = unit(share) * HALF;
    let x = if sign < 0.0 { CX - width } else { CX };
    let (lo, hi) = (unit(ci[0]), unit(ci[1]));
    // Estimated shares are not k / n: say both.
    let what = match a.method {
        Some(m) if m != Method::Cc => {
            format!("{} by {m} ({k} of {n} classified {side})", pct(share))
        }
        _ => format!("{k} of {n} ({})", pct(share)),
    };
    w!(
        out,
        "<rect class=\"bar {side}\" data-actor=\"{actor}\" data-share=\"{share:.3}\" data-count=\"{k}\" \
         data-ci-lo=\"{:.3}\" data-ci-hi=\"{:.3}\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{width:.1}\" height=\"{BAR}\">\
         <title>{actor} {side}: {what}, 95% CI {}</title></rect>\n",
        ci[0],
        ci[1],
        top + (ROW - BAR) / 2.0,
        ci_text(ci),
    );
    let (mid, c0, c1) = (
        top + ROW / 2.0,
        top + ROW / 2.0 - 4.0,
        top + ROW / 2.0 + 4.0,
    );
    let (x_lo, x_hi) = (CX + sign * lo * HALF, CX + sign * hi * HALF);
    if hi > lo {
        w!(
            out,
            "<path class=\"whisker {side}\" data-actor=\"{actor}\" \
             d=\"M{x_lo:.1} {c0}V{c1}M{x_lo:.1} {mid}H{x_hi:.1}M{x_hi:.1} {c0}V{c1}\"/>\n"
        );
    }
    let reach = unit(share).max(hi);
    let (lx, anchor) = (
        CX + sign * (reach * HALF + 4.0),
        if sign < 0.0 { "end" } else { "start" },
    );
    let label = pct(share);
    w!(
        out,
        "<text class=\"label {side}\" data-actor=\"{actor}\" x=\"{lx:.1}\" y=\"{c1}\" \
         text-anchor=\"{anchor}\">{label}</text>\n"
    );
}

/// Negative on the left and positive on the right, the same reading
/// direction as anti / pro in the stance chart.
fn sentiment_parts(t: &SentimentStats) -> [(&'static str, usize, f64); 3] {
    [
        ("negative", t.negative, t.negative_share),
        ("neutral", t.neutral, t.neutral_share),
        ("positive", t.positive, t.positive_share),
    ]
}

fn sentiment_chart(out: &mut String, s: &Section) {
    let Some(t) = &s.sentiment else {
        svg_open(out, "sentiment empty", s, 24.0, "No sentiment");
        w!(
            out,
            "<text x=\"{ACTOR_W}\" y=\"16\">no sentiment for these units</text></svg>\n"
        );
        return;
    };
    let span = 2.0 * (ROOM + HALF);
    svg_open(out, "sentiment", s, 56.0, "Sentiment split");
    let tx = ACTOR_W - 8.0;
    w!(
        out,
        "<text class=\"actor\" x=\"{tx}\" y=\"19\" text-anchor=\"end\">tone</text>\n"
    );
    // Normalised so rounding in a hand-made report cannot overflow the row.
    let total = sentiment_parts(t)
        .iter()
        .map(|p| unit(p.2))
        .sum::<f64>()
        .max(1.0);
    let mut x = ACTOR_W;
    for (j, (name, k, share)) in sentiment_parts(t).into_iter().enumerate() {
        let w = unit(share) / total * span;
        w!(
            out,
            "<rect class=\"seg {name}\" data-share=\"{share:.3}\" data-count=\"{k}\" x=\"{x:.1}\" y=\"6\" \
             width=\"{w:.1}\" height=\"18\"><title>{name}: {k} ({})</title></rect>\n",
            pct(share)
        );
        let (label, lx) = (pct(share), x + w / 2.0);
        if w >= 34.0 {
            w!(
                out,
                "<text class=\"seg-label\" x=\"{lx:.1}\" y=\"19\" text-anchor=\"middle\">{label}</text>\n"
            );
        }
        let (kx, tx) = (
            ACTOR_W + 170.0 * j as f64,
            ACTOR_W + 170.0 * j as f64 + 14.0,
        );
        w!(
            out,
            "<rect class=\"key {name}\" x=\"{kx}\" y=\"37\" width=\"10\" height=\"10\"/>\
             <text x=\"{tx}\" y=\"46\">{name} {k} ({label})</text>\n"
        );
        x += w;
    }
    out.push_str("</svg>\n");
}

fn table(out: &mut String, s: &Section) {
    w!(
        out,
        "<table class=\"numbers stance\" {}>\n<thead><tr><th>actor</th><th>pro</th><th>anti</th>\
         <th>none</th><th>pro %</th><th>95% CI</th><th>anti %</th><th>95% CI</th>\
         <th>net</th><th>mentioned</th></tr></thead>\n<tbody>\n",
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
            let (label, ci) = (pct(share), ci_text([lo, hi]));
            w!(
                row,
                "<td class=\"{side}-share\" data-value=\"{share:.3}\">{label}</td>\
                 <td class=\"{side}-ci\" data-lo=\"{lo:.3}\" data-hi=\"{hi:.3}\">{ci}</td>"
            );
        }
        let mentioned = a
            .mentioned
            .map_or("<td class=\"mentioned\">–</td>".into(), |m| {
                format!("<td class=\"mentioned\" data-value=\"{m}\">{m}</td>")
            });
        let net = a.net;
        w!(
            out,
            "{row}<td class=\"net\" data-value=\"{net:.3}\">{net:+.2}</td>{mentioned}</tr>\n"
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

fn strongest(out: &mut String, s: &Section) {
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
        w!(
            out,
            "<li class=\"unit {side}\" data-actor=\"{actor}\" data-unit-id=\"{id}\" data-p=\"{:.3}\">\
             <span class=\"tag {side}\">most {side} {actor}</span> <code>{id}</code> ({:.2}): \
             <q>{}</q></li>\n",
            u.p,
            u.p,
            escape(&u.excerpt)
        );
    }
    out.push_str("</ul>\n");
}

#[cfg(test)]
mod tests;
