//! The inline SVG charts of a section: stance (anti left, pro right of a
//! centre line, with whiskers) and the sentiment split.

use std::fmt::Write;

use super::{ci_text, escape, hooks, pct, unit};
use crate::report::quantify::Method;
use crate::report::{ActorStats, Section, SentimentStats};

/// Geometry of the stance chart. The axis always spans 0–100% on both sides
/// so bars are comparable between sections and articles; `ROOM` keeps the
/// share labels clear of the longest bar or whisker.
pub(super) const ACTOR_W: f64 = 56.0;
pub(super) const ROOM: f64 = 44.0;
pub(super) const HALF: f64 = 240.0;
pub(super) const ROW: f64 = 26.0;
pub(super) const BAR: f64 = 14.0;
pub(super) const TOP: f64 = 34.0;
pub(super) const WIDTH: f64 = ACTOR_W + 2.0 * (ROOM + HALF) + 8.0;
pub(super) const CX: f64 = ACTOR_W + ROOM + HALF;

fn svg_open(out: &mut String, class: &str, s: &Section, h: f64, label: &str) {
    let hooks = hooks(s);
    w!(
        out,
        "<svg class=\"chart {class}\" {hooks} xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {h}\" \
         width=\"{WIDTH}\" height=\"{h}\" role=\"img\" aria-label=\"{label}\">\n"
    );
}

pub(super) fn stance_chart(out: &mut String, s: &Section) {
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

pub(super) fn sentiment_chart(out: &mut String, s: &Section) {
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
                "<text class=\"seg-label {name}\" x=\"{lx:.1}\" y=\"19\" text-anchor=\"middle\">{label}</text>\n"
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
