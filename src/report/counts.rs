//! Reports from counts, for engines that score on many machines (Dask,
//! Spark; the Python package's `stance.dask` and `stance.spark`).
//!
//! What a per-article report of classify-and-count shares needs from the
//! units is additive: per document, part (comments or paragraphs) and
//! actor, how many units were classified pro, anti and none, how many
//! mention the actor, the section's units and sentiment split, and the
//! strongest pro and anti unit (the highest probability, then the smallest
//! unit id: a choice that does not depend on the order units come in) with
//! its quote centred on the actor's mention in the unit's full text, as
//! `stance report` centres it given the corpus.
//! Each worker counts its units into [`CountRow`]s ([`Counts::add_unit`]);
//! the engine adds rows of the same key up ([`CountRow::merge`], or the
//! same rules in the engine's own aggregation); [`from_counts`] makes the
//! report with the same code as [`build`](super::build): the statistics of
//! [`ActorCounts::stats`], the sentiment split of [`sentiment_stats`], the
//! shares of [`count_shares`]. So the report from counts is the one
//! `stance report` makes from the scores of the same units.
//!
//! Articles are listed in the order of their first unit when the units
//! carry a position (`at`, such as a line number: `stance report` lists
//! articles in the order it first reads them), else by document id; of
//! several title units, the last by position is the headline (as `stance
//! report` keeps the last it reads), else the one with the greatest unit id.

use std::collections::HashMap;

use super::assemble::{TitleStances, headline, part_of};
use super::context::{CONTEXT_CHARS, first_mention, window};
use super::{
    ActorCounts, ArticleReport, Section, ShareOptions, UnitRef, count_shares, sentiment_stats,
    strength,
};
use crate::actors::ActorSet;
use crate::corpus::UnitKind;
use crate::error::{Error, Result};
use crate::labels::{Sentiment, Stance};
use crate::score::{ScoreRecord, excerpt};

/// The parts of an article, in the order a report lists them.
pub const PARTS: [&str; 2] = ["comments", "paragraphs"];

/// What rows are counted under: the parts, and the title, which is counted
/// in no part (as `stance report` counts it) and whose rows carry the
/// headline's stance toward their actor.
pub const ROW_PARTS: [&str; 3] = ["comments", "paragraphs", "title"];

/// Excerpts quote this many characters, as score records do.
const EXCERPT_CHARS: usize = 100;

/// A title unit of a document: where it was read (if known), its id and
/// its excerpt.
#[derive(Debug, Clone, PartialEq)]
pub struct Title {
    pub at: Option<i64>,
    pub unit_id: String,
    pub excerpt: String,
    /// The title's predicted stance toward the row's actor and its
    /// probability (in rows of part `title`).
    pub stance: Option<(Stance, f64)>,
}

impl Title {
    /// Puts `self` in `slot` unless the title there is later: the headline
    /// rule of [`CountRow::merge`] and [`Counts::add_unit`] ([`from_counts`]
    /// applies [`Title::later_than`] to borrowed titles).
    fn keep_if_later(self, slot: &mut Option<Title>) {
        if slot.as_ref().is_none_or(|x| self.later_than(x)) {
            *slot = Some(self);
        }
    }

    /// Whether this title replaces `than` as the headline: the later
    /// position, then the greater unit id.
    fn later_than(&self, than: &Title) -> bool {
        (self.at, &self.unit_id) > (than.at, &than.unit_id)
    }
}

/// The counts of one document's part toward one actor. Rows of the same
/// key add up by [`CountRow::merge`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CountRow {
    pub doc_id: String,
    /// `comments`, `paragraphs` or `title` ([`ROW_PARTS`]).
    pub part: String,
    pub actor: String,
    /// Units of the section (the same in each actor's row).
    pub units: u64,
    pub pro: u64,
    pub anti: u64,
    pub none: u64,
    /// Units that mention the actor.
    pub mentioned: u64,
    /// The section's units by sentiment: positive, negative, neutral (the
    /// same in each actor's row; zeros for a model without sentiment).
    pub sentiment: [u64; 3],
    /// The probability is the one score records hold (rounded to 4
    /// decimals, [`round4`](crate::score::round4)).
    pub strongest_pro: Option<UnitRef>,
    pub strongest_anti: Option<UnitRef>,
    /// The smallest position of the section's units.
    pub first: Option<i64>,
    /// The document's headline among the title units counted here.
    pub title: Option<Title>,
}

/// The smaller of two positions, either of which may be unknown.
fn earliest(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn stronger_of(a: &mut Option<UnitRef>, b: Option<UnitRef>) {
    if let Some(b) = b
        && a.as_ref()
            .is_none_or(|x| strength(b.p, &b.unit_id, x).is_gt())
    {
        *a = Some(b);
    }
}

impl CountRow {
    /// Adds `other`, a row of the same key, to this one.
    pub fn merge(&mut self, other: CountRow) {
        self.units += other.units;
        self.pro += other.pro;
        self.anti += other.anti;
        self.none += other.none;
        self.mentioned += other.mentioned;
        for (a, b) in self.sentiment.iter_mut().zip(other.sentiment) {
            *a += b;
        }
        stronger_of(&mut self.strongest_pro, other.strongest_pro);
        stronger_of(&mut self.strongest_anti, other.strongest_anti);
        self.first = earliest(self.first, other.first);
        if let Some(t) = other.title {
            t.keep_if_later(&mut self.title);
        }
    }
}

/// One unit to count: its ids, kind, position, text (quoted only if it is
/// the strongest so far or a title) and sentiment.
#[derive(Debug, Clone, Copy)]
pub struct UnitCount<'a> {
    pub doc_id: &'a str,
    pub unit_id: &'a str,
    pub kind: UnitKind,
    pub at: Option<i64>,
    pub text: &'a str,
    pub sentiment: Option<Sentiment>,
}

/// One unit's stance toward one actor: the actor, the stance, the
/// probability of that stance as score records hold it, and whether the
/// unit mentions the actor.
pub type ActorCount<'a> = (&'a str, Stance, f64, bool);

/// Count rows, one per (document, part, actor), in the order their keys
/// were first counted.
#[derive(Debug, Clone, Default)]
pub struct Counts {
    rows: Vec<CountRow>,
    /// document → per part of [`ROW_PARTS`] → its rows.
    index: HashMap<String, [Vec<usize>; 3]>,
    /// Finds the mention a quote is centred on ([`first_mention`]).
    actors: Option<ActorSet>,
}

fn part_index(part: &str) -> Option<usize> {
    ROW_PARTS.iter().position(|p| *p == part)
}

impl Counts {
    /// Counts whose quotes are centred on the words of each target.
    pub fn new() -> Counts {
        Counts::default()
    }

    /// Counts whose quotes are centred on the mentions `actors` finds, as
    /// `stance report` centres them with the actors file.
    pub fn with_actors(actors: ActorSet) -> Counts {
        Counts {
            actors: Some(actors),
            ..Counts::default()
        }
    }

    pub fn rows(&self) -> &[CountRow] {
        &self.rows
    }

    pub fn into_rows(self) -> Vec<CountRow> {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The row of (`doc`, `part`, `actor`), made empty if it is new.
    fn row(&mut self, doc: &str, part: usize, actor: &str) -> &mut CountRow {
        let i = self.row_index(doc, part, actor);
        &mut self.rows[i]
    }

    fn row_index(&mut self, doc: &str, part: usize, actor: &str) -> usize {
        let rows = &self.rows;
        let found = self.index.get(doc).and_then(|parts| {
            parts[part]
                .iter()
                .copied()
                .find(|&i| rows[i].actor == actor)
        });
        match found {
            Some(i) => i,
            None => {
                let i = self.rows.len();
                self.rows.push(CountRow {
                    doc_id: doc.to_string(),
                    part: ROW_PARTS[part].to_string(),
                    actor: actor.to_string(),
                    ..CountRow::default()
                });
                match self.index.get_mut(doc) {
                    Some(parts) => parts[part].push(i),
                    None => {
                        let mut parts: [Vec<usize>; 3] = Default::default();
                        parts[part].push(i);
                        self.index.insert(doc.to_string(), parts);
                    }
                }
                i
            }
        }
    }

    /// Counts one unit with its stance toward each actor.
    pub fn add_unit<'a>(
        &mut self,
        u: &UnitCount<'_>,
        actors: impl IntoIterator<Item = ActorCount<'a>>,
    ) {
        let part = part_index(part_of(Some(u.kind)).unwrap_or("title")).expect("a part");
        // The unit's excerpt, made once and only if the unit is quoted.
        let mut quoted: Option<String> = None;
        let mut quote = || {
            quoted
                .get_or_insert_with(|| excerpt(u.text, EXCERPT_CHARS))
                .clone()
        };
        let title = (u.kind == UnitKind::Title).then(|| Title {
            at: u.at,
            unit_id: u.unit_id.to_string(),
            excerpt: quote(),
            stance: None,
        });
        let sentiment = u.sentiment.map(|s| {
            Sentiment::ALL
                .iter()
                .position(|x| *x == s)
                .expect("a sentiment")
        });
        for (actor, stance, p, mentioned) in actors {
            let i = self.row_index(u.doc_id, part, actor);
            let row = &mut self.rows[i];
            row.units += 1;
            if let Some(s) = sentiment {
                row.sentiment[s] += 1;
            }
            row.mentioned += u64::from(mentioned);
            let strongest = match stance {
                Stance::Pro => {
                    row.pro += 1;
                    Some(&mut row.strongest_pro)
                }
                Stance::Anti => {
                    row.anti += 1;
                    Some(&mut row.strongest_anti)
                }
                Stance::None => {
                    row.none += 1;
                    None
                }
            };
            if let Some(best) = strongest
                && best
                    .as_ref()
                    .is_none_or(|b| strength(p, u.unit_id, b).is_gt())
            {
                *best = Some(UnitRef {
                    unit_id: u.unit_id.to_string(),
                    p,
                    excerpt: quote(),
                    context: first_mention(u.text, actor, self.actors.as_ref())
                        .map(|m| window(u.text, m, CONTEXT_CHARS)),
                });
            }
            row.first = earliest(row.first, u.at);
            if let Some(t) = &title {
                Title {
                    stance: Some((stance, p)),
                    ..t.clone()
                }
                .keep_if_later(&mut row.title);
            }
        }
    }

    /// Counts a score record as `stance report` reads it (`at`: its
    /// position); records without a document or unit id are not units and
    /// are skipped, as the report skips them.
    pub fn add_record(&mut self, r: &ScoreRecord, at: Option<i64>) {
        let (Some(doc_id), Some(unit_id)) = (&r.doc_id, &r.unit_id) else {
            return;
        };
        let u = UnitCount {
            doc_id,
            unit_id,
            kind: r.kind.unwrap_or(UnitKind::Paragraph),
            at,
            // The record's excerpt: an excerpt of it is itself.
            text: &r.excerpt,
            sentiment: r.sentiment,
        };
        self.add_unit(
            &u,
            r.actors.iter().map(|a| {
                let p = match a.stance {
                    Stance::Pro => a.probs.pro,
                    Stance::Anti => a.probs.anti,
                    Stance::None => a.probs.none,
                };
                (a.actor.as_str(), a.stance, f64::from(p), a.mentioned)
            }),
        );
    }

    /// Adds a row (counted elsewhere) to the row of its key.
    pub fn merge(&mut self, row: CountRow) -> Result<()> {
        let part = part_index(&row.part).ok_or_else(|| {
            Error::Param(format!(
                "the count row of document {:?} and actor {:?} has part {:?}, not comments, \
                 paragraphs or title",
                row.doc_id, row.actor, row.part
            ))
        })?;
        let (doc, actor) = (row.doc_id.clone(), row.actor.clone());
        self.row(&doc, part, &actor).merge(row);
        Ok(())
    }
}

/// The report of `rows` (merged first, so rows of the same key may come
/// more than once) toward `actors` (in the order they are listed), its
/// shares by `opts`: what `stance report` makes from the scores the rows
/// were counted from. Only methods that need no unit's probabilities can
/// be applied to counts (see [`count_shares`]); others are an
/// [`Error::Param`], as are rows of an unknown part and sections whose
/// actors' rows disagree on the section's units or sentiment.
pub fn from_counts(
    rows: impl IntoIterator<Item = CountRow>,
    actors: &[String],
    opts: &ShareOptions,
) -> Result<Vec<ArticleReport>> {
    let mut counts = Counts::new();
    for row in rows {
        counts.merge(row)?;
    }
    let Counts { rows, index, .. } = counts;
    let mut docs: Vec<(&String, &[Vec<usize>; 3])> = index.iter().collect();
    let first = |parts: &[Vec<usize>; 3]| {
        parts
            .iter()
            .flatten()
            .fold(None, |a, &i| earliest(a, rows[i].first))
    };
    // By first position (documents without one last), then by id.
    docs.sort_by_cached_key(|(doc, parts)| (first(parts).map_or((1, 0), |f| (0, f)), *doc));
    let mut reports = Vec::with_capacity(docs.len());
    for (doc, parts) in docs {
        let mut sections = Vec::new();
        // The headline: the latest title, and each actor's stance in its
        // row's latest title.
        let mut title: Option<&Title> = None;
        let mut heads: TitleStances = HashMap::new();
        for &i in &parts[2] {
            let Some(t) = &rows[i].title else { continue };
            if title.is_none_or(|x| t.later_than(x)) {
                title = Some(t);
            }
            heads.entry(&rows[i].actor).or_default().0 = t.stance;
        }
        for (part, ids) in PARTS.iter().zip(parts) {
            let Some(&one) = ids.first() else {
                continue;
            };
            let (units, sentiment) = (rows[one].units, rows[one].sentiment);
            let mut by_actor: HashMap<&str, &CountRow> = HashMap::with_capacity(ids.len());
            for &i in ids {
                let r = &rows[i];
                if (r.units, r.sentiment) != (units, sentiment) {
                    return Err(Error::Param(format!(
                        "the counts of document {doc:?}, {part}, disagree on the section's units \
                         or sentiment: actor {:?} has {} units ({:?}), actor {:?} has {} ({:?})",
                        rows[one].actor, units, sentiment, r.actor, r.units, r.sentiment
                    )));
                }
                by_actor.insert(&r.actor, r);
            }
            let stats = actors
                .iter()
                .map(|a| {
                    let c = by_actor.get(a.as_str()).map_or_else(
                        || ActorCounts {
                            mentioned: Some(0),
                            ..ActorCounts::default()
                        },
                        |r| ActorCounts {
                            pro: r.pro as usize,
                            anti: r.anti as usize,
                            none: r.none as usize,
                            mentioned: Some(r.mentioned as usize),
                            strongest_pro: r.strongest_pro.clone(),
                            strongest_anti: r.strongest_anti.clone(),
                        },
                    );
                    c.stats(a)
                })
                .collect();
            sections.push(Section {
                source: "predicted".into(),
                part: (*part).into(),
                units: units as usize,
                actors: stats,
                sentiment: sentiment_stats(sentiment.map(|k| k as usize)),
                estimate: None,
            });
        }
        reports.push(ArticleReport {
            doc_id: doc.clone(),
            title: title.map(|t| t.excerpt.clone()),
            sections,
            headline: headline(&heads, actors),
            compared: Vec::new(),
        });
    }
    count_shares(&mut reports, opts).map_err(Error::Param)?;
    Ok(reports)
}

#[cfg(test)]
mod tests;
