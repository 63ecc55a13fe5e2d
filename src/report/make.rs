//! A report from score records (and hand labels), as `stance report` and
//! `stance run` make it and the Python package's `stance.report.build`:
//! the sections counted ([`build`]), every quote centred on its actor's
//! mention in the unit's full text ([`centre_quotes`]), the predicted
//! shares estimated with the model's out-of-fold error rates
//! ([`estimate_shares`]); and the report rendered in one of the formats.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use super::quantify::Method;
use super::{
    ArticleReport, CONTEXT_CHARS, ModelCard, ModelShares, Page, build, centre_quotes,
    estimate_shares, render_csv, render_page, render_table,
};
use crate::actors::ActorSet;
use crate::corpus::{Unit, UnitKind};
use crate::labels::LabelRow;
use crate::model::ModelData;
use crate::score::ScoreRecord;

/// How the predicted shares are estimated: with `model`'s out-of-fold data
/// (the model that made the scores), by `method`, with `rounds` bootstrap
/// rounds from `seed`.
#[derive(Clone, Copy)]
pub struct Estimate<'a> {
    pub model: &'a ModelData,
    pub method: Method,
    pub rounds: usize,
    pub seed: u64,
}

/// The per-article reports of `scores` and `labels` over `actors` (in
/// that order). `units` (may be empty) give label-only sections their
/// excerpts and kinds and every quote its full text; `actor_set` finds
/// the mentions quotes are centred on. Without `estimate` (no scores), the
/// shares are the counted ones.
pub fn make_reports(
    scores: &[ScoreRecord],
    labels: &[LabelRow],
    actors: &[String],
    units: &[Unit],
    actor_set: Option<&ActorSet>,
    estimate: Option<Estimate<'_>>,
) -> Vec<ArticleReport> {
    let key = |u: &Unit| (u.doc_id.clone(), u.unit_id.clone());
    let excerpts: BTreeMap<(String, String), String> = units
        .iter()
        .map(|u| (key(u), crate::score::excerpt(&u.text, 100)))
        .collect();
    let kinds: BTreeMap<(String, String), UnitKind> =
        units.iter().map(|u| (key(u), u.kind)).collect();
    let mut reports = build(scores, labels, actors, &excerpts, &kinds);
    let texts: HashMap<(&str, &str), &str> = units
        .iter()
        .map(|u| ((u.doc_id.as_str(), u.unit_id.as_str()), u.text.as_str()))
        .collect();
    centre_quotes(
        &mut reports,
        |d, u| texts.get(&(d, u)).copied(),
        actor_set,
        CONTEXT_CHARS,
    );
    if let Some(e) = estimate {
        let shares = ModelShares::new(Ok(e.model), e.method);
        estimate_shares(
            &mut reports,
            scores,
            &shares.options(e.method, e.rounds, e.seed),
        );
    }
    reports
}

/// The output formats of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A table to read.
    Table,
    Csv,
    /// Pretty-printed JSON, a list of articles.
    Json,
    /// One self-contained HTML page.
    Html,
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Format, String> {
        match s {
            "table" => Ok(Format::Table),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            "html" => Ok(Format::Html),
            _ => Err(format!(
                "unknown report format {s:?} (table, csv, json or html)"
            )),
        }
    }
}

/// `reports` in `format`, as `stance report --format` writes them; the
/// HTML page shows `card` (the model's card) when given.
pub fn render(reports: &[ArticleReport], format: Format, card: Option<&ModelCard>) -> String {
    match format {
        Format::Table => render_table(reports),
        Format::Csv => render_csv(reports),
        Format::Json => serde_json::to_string_pretty(reports).expect("report serialises") + "\n",
        Format::Html => render_page(
            reports,
            &Page {
                card,
                ..Page::default()
            },
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_and_render() {
        assert_eq!("json".parse::<Format>(), Ok(Format::Json));
        assert!("xml".parse::<Format>().is_err());
        assert_eq!(render(&[], Format::Json, None), "[]\n");
    }
}
