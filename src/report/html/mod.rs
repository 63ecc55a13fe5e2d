//! One self-contained HTML page for a report: inline CSS, hand-written
//! inline SVG and one small inline script (sorting), so the file opens from
//! disk, offline, and can be mailed around without a server, a chart
//! library or anything fetched. Without script everything but sorting
//! works.
//!
//! The page reads top-down as an analyst asks: the overview of net stance
//! per article × actor ([`overview`]), the model card and what every
//! number means ([`card`]), then one section per article, headed by its
//! headline ([`article`]).
//!
//! Elements carry `class` and `data-*` hooks (`section.article[data-doc-id]`,
//! `svg.chart.stance`, `rect.bar.pro[data-actor][data-share]`, table cells
//! with `data-value`, `table.overview td.h[data-net]`, `dd[data-field]`)
//! so tests can check the page against the JSON report without scraping
//! rendered text; numbers in hooks use three decimals.

use std::fmt::Write;

/// `write!` into a `String`, which cannot fail.
macro_rules! w {
    ($($t:tt)*) => {
        let _ = write!($($t)*);
    };
}

mod article;
mod card;
mod charts;
mod numbers;
mod overview;
mod script;
mod style;

use super::{ArticleReport, ModelCard, Section};

/// Articles up to which every article's section starts open; above it they
/// start collapsed, so a page of thousands of articles opens on the
/// overview and stays navigable.
pub const COLLAPSE_ABOVE: usize = 20;

/// What the page shows besides the reports.
#[derive(Debug, Clone, Copy)]
pub struct Page<'a> {
    /// The model that made the scores, for the model card.
    pub card: Option<&'a ModelCard>,
    /// Articles start collapsed when there are more than this.
    pub collapse_above: usize,
}

impl Default for Page<'_> {
    fn default() -> Self {
        Page {
            card: None,
            collapse_above: COLLAPSE_ABOVE,
        }
    }
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

/// A net stance for reading: sign always shown, a true minus sign, and no
/// "−0.00".
fn signed(x: f64) -> String {
    let s = format!("{x:+.2}");
    match s.as_str() {
        "-0.00" | "+0.00" => "0.00".into(),
        _ => s.replace('-', "−"),
    }
}

/// `21009` as `21,009` (the progress lines' rule).
fn thousands(n: usize) -> String {
    crate::progress::thousands(n as u64)
}

/// A part's name for headings.
fn part_name(part: &str) -> String {
    match part {
        "comments" => "Reader comments".into(),
        "paragraphs" => "Article paragraphs".into(),
        other => escape(other),
    }
}

fn hooks(s: &Section) -> String {
    let (source, part) = (escape(&s.source), escape(&s.part));
    format!("data-source=\"{source}\" data-part=\"{part}\"")
}

/// The whole report as one HTML page, without a model card.
pub fn render_html(reports: &[ArticleReport]) -> String {
    render_page(reports, &Page::default())
}

/// The whole report as one HTML page: overview, model card, guide to the
/// numbers, then the articles. Linear in the number of articles.
pub fn render_page(reports: &[ArticleReport], page: &Page) -> String {
    let mut out = String::with_capacity(20_000 * (reports.len() + 1));
    let has = |source: &str| (reports.iter().flat_map(|r| &r.sections)).any(|s| s.source == source);
    let (predicted, labelled) = (has("predicted"), has("labelled"));
    w!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Stance report</title>\n<style>\n{}</style></head>\n<body>\n",
        script::csp(),
        style::css()
    );
    let both = predicted && labelled;
    if both {
        // Radio buttons before header and main, so CSS alone can hide one
        // source everywhere (`:checked ~ main …`).
        out.push_str(
            "<input type=\"radio\" name=\"view\" id=\"view-both\" class=\"vh\" checked>\
             <input type=\"radio\" name=\"view\" id=\"view-predicted\" class=\"vh\">\
             <input type=\"radio\" name=\"view\" id=\"view-labelled\" class=\"vh\">\n",
        );
    }
    let (n, actors) = (reports.len(), overview::actors_of(reports).len());
    w!(
        out,
        "<header><h1>Stance report</h1>\n<p class=\"note\" data-articles=\"{n}\" data-actors=\"{actors}\">\
         {} and {}: who the comments and articles are for and against. The overview comes first, \
         then the model and what the numbers mean, then each article under its headline.</p>\n",
        plural(n, "article"),
        plural(actors, "actor")
    );
    if both {
        out.push_str(
            "<div class=\"views\" role=\"group\" aria-label=\"show\">Show: \
             <label for=\"view-both\">predicted and labelled side by side</label>\
             <label for=\"view-predicted\">predicted only</label>\
             <label for=\"view-labelled\">labelled only</label></div>\n",
        );
    }
    out.push_str("</header>\n<main>\n");
    let open = reports.len() <= page.collapse_above;
    overview::overview(&mut out, reports, open);
    let method = super::render::share_method(reports);
    card::card(&mut out, page.card, method);
    card::reading(&mut out, page.card, method, labelled);
    for (i, r) in reports.iter().enumerate() {
        article::article(&mut out, i, r, open);
    }
    w!(
        out,
        "</main>\n<script>{}</script>\n</body>\n</html>\n",
        script::SCRIPT
    );
    out
}

fn plural(n: usize, one: &str) -> String {
    format!("{n} {one}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests;
