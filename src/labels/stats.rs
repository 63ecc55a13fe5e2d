//! How far labelling has come: what the labels say (stance per actor,
//! sentiment) and which units of the corpus still wait for a label, so the
//! next labelling session knows where to start.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::Serialize;

use super::splits::{Split, SplitRule};
use super::{LabelRow, Sentiment, Stance};
use crate::actors::ActorSet;
use crate::corpus::{Unit, UnitKind};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StanceCounts {
    pub pro: usize,
    pub anti: usize,
    pub none: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SentimentCounts {
    pub positive: usize,
    pub negative: usize,
    pub neutral: usize,
}

/// Units by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct KindCounts {
    pub title: usize,
    pub paragraph: usize,
    pub comment: usize,
    pub total: usize,
}

impl KindCounts {
    fn add(&mut self, kind: UnitKind) {
        match kind {
            UnitKind::Title => self.title += 1,
            UnitKind::Paragraph => self.paragraph += 1,
            UnitKind::Comment => self.comment += 1,
        }
        self.total += 1;
    }
}

/// One document, in the corpus, the labels, or both.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DocStats {
    pub doc_id: String,
    pub in_corpus: bool,
    pub rows: usize,
    /// Units with at least one label row.
    pub units_labelled: usize,
    /// Labelled units that lack a label for some actor.
    pub units_partial: usize,
    /// Units of the corpus, by kind.
    pub corpus_units: KindCounts,
    /// Units of the corpus without any label row, by kind.
    pub unlabelled: KindCounts,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LabelStats {
    pub rows: usize,
    /// Units with at least one label row.
    pub units: usize,
    /// Rows per actor and stance, keyed by actor code.
    pub stance: BTreeMap<String, StanceCounts>,
    /// Per unit (a unit's rows share one sentiment; the first row counts).
    pub sentiment: SentimentCounts,
    /// Corpus documents in corpus order, then label-only ones by id.
    pub docs: Vec<DocStats>,
    pub unlabelled: KindCounts,
    pub partial: usize,
    /// Per document (a source of the pool) and split: units and rows per
    /// actor and stance, so each source's support is visible on its own.
    pub by_source: Vec<SourceCounts>,
}

/// Labels of one document in one split.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SourceCounts {
    pub doc_id: String,
    pub split: &'static str,
    pub units: usize,
    pub stance: BTreeMap<String, StanceCounts>,
    pub sentiment: SentimentCounts,
}

impl StanceCounts {
    fn add(&mut self, s: Stance) {
        match s {
            Stance::Pro => self.pro += 1,
            Stance::Anti => self.anti += 1,
            Stance::None => self.none += 1,
        }
    }
}

impl SentimentCounts {
    fn add(&mut self, s: Sentiment) {
        match s {
            Sentiment::Positive => self.positive += 1,
            Sentiment::Negative => self.negative += 1,
            Sentiment::Neutral => self.neutral += 1,
        }
    }
}

/// Counts over `rows` (as read, duplicates included) and the corpus
/// `units`. A unit is partial when some of `actors` have no label for it.
/// `splits` assigns each labelled unit to training or evaluation.
pub fn label_stats(
    rows: &[LabelRow],
    units: &[Unit],
    actors: &ActorSet,
    splits: &SplitRule,
) -> LabelStats {
    let mut stats = LabelStats {
        rows: rows.len(),
        ..LabelStats::default()
    };
    let kinds: HashMap<(&str, &str), UnitKind> = units.iter().map(|u| (u.key(), u.kind)).collect();
    let mut labelled: HashMap<(&str, &str), HashSet<&str>> = HashMap::new();
    let mut rows_per_doc: HashMap<&str, usize> = HashMap::new();
    let mut by_source: BTreeMap<(&str, Split), SourceCounts> = BTreeMap::new();
    for r in rows {
        stats
            .stance
            .entry(r.actor.clone())
            .or_default()
            .add(r.stance);
        *rows_per_doc.entry(&r.doc_id).or_default() += 1;
        let key = (r.doc_id.as_str(), r.unit_id.as_str());
        let kind = kinds.get(&key).copied().unwrap_or(UnitKind::Comment);
        let split = splits.of(&r.doc_id, &r.unit_id, kind);
        let source = by_source
            .entry((&r.doc_id, split))
            .or_insert_with(|| SourceCounts {
                doc_id: r.doc_id.clone(),
                split: split.as_str(),
                ..SourceCounts::default()
            });
        source
            .stance
            .entry(r.actor.clone())
            .or_default()
            .add(r.stance);
        let actors_of = labelled.entry(key).or_default();
        if actors_of.is_empty() {
            stats.sentiment.add(r.sentiment);
            source.sentiment.add(r.sentiment);
            source.units += 1;
        }
        actors_of.insert(&r.actor);
    }
    stats.by_source = by_source.into_values().collect();
    stats.units = labelled.len();

    let mut docs: Vec<DocStats> = Vec::new();
    let mut doc_index: HashMap<&str, usize> = HashMap::new();
    for u in units {
        let i = *doc_index.entry(&u.doc_id).or_insert_with(|| {
            docs.push(DocStats {
                doc_id: u.doc_id.clone(),
                in_corpus: true,
                ..DocStats::default()
            });
            docs.len() - 1
        });
        docs[i].corpus_units.add(u.kind);
        if !labelled.contains_key(&u.key()) {
            docs[i].unlabelled.add(u.kind);
            stats.unlabelled.add(u.kind);
        }
    }
    let label_only: BTreeSet<&str> = rows_per_doc
        .keys()
        .copied()
        .filter(|d| !doc_index.contains_key(d))
        .collect();
    for d in label_only {
        doc_index.insert(d, docs.len());
        docs.push(DocStats {
            doc_id: d.to_string(),
            ..DocStats::default()
        });
    }
    for ((doc, _), have) in &labelled {
        let d = &mut docs[doc_index[doc]];
        d.units_labelled += 1;
        if actors.codes().any(|c| !have.contains(c)) {
            d.units_partial += 1;
            stats.partial += 1;
        }
    }
    for d in &mut docs {
        d.rows = rows_per_doc.get(d.doc_id.as_str()).copied().unwrap_or(0);
    }
    stats.docs = docs;
    stats
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labels::fixtures::{label, two_actors, unit};

    #[test]
    fn counts_labels_and_what_is_left() {
        let actors = two_actors();
        let units = [
            unit("d", "title", UnitKind::Title),
            unit("d", "p1", UnitKind::Paragraph),
            unit("d", "c1", UnitKind::Comment),
            unit("e", "p1", UnitKind::Paragraph),
        ];
        let row = |doc: &str, u: &str, a: &str, s, m| label(("l.csv", 2), (doc, u), a, s, m);
        use Sentiment::*;
        let rows = [
            row("d", "p1", "A", Stance::Pro, Neutral),
            row("d", "p1", "B", Stance::Anti, Neutral),
            row("d", "c1", "A", Stance::None, Negative),
            row("x", "p1", "A", Stance::None, Positive),
        ];
        let s = label_stats(&rows, &units, &actors, &SplitRule::ByKind);
        assert_eq!((s.rows, s.units, s.partial), (4, 3, 2));
        assert_eq!(
            s.stance["A"],
            StanceCounts {
                pro: 1,
                anti: 0,
                none: 2
            }
        );
        assert_eq!(
            s.sentiment,
            SentimentCounts {
                positive: 1,
                negative: 1,
                neutral: 1
            }
        );
        let ids: Vec<&str> = s.docs.iter().map(|d| d.doc_id.as_str()).collect();
        assert_eq!(ids, ["d", "e", "x"]);
        let d = &s.docs[0];
        assert_eq!((d.rows, d.units_labelled, d.units_partial), (3, 2, 1));
        assert_eq!((d.unlabelled.title, d.unlabelled.total), (1, 1));
        assert_eq!(s.docs[1].unlabelled.paragraph, 1);
        assert!(!s.docs[2].in_corpus);
        assert_eq!(
            (
                s.unlabelled.title,
                s.unlabelled.paragraph,
                s.unlabelled.total
            ),
            (1, 1, 2)
        );
        let per: Vec<(&str, &str, usize, usize)> = s
            .by_source
            .iter()
            .map(|c| (c.doc_id.as_str(), c.split, c.units, c.stance["A"].pro))
            .collect();
        assert_eq!(
            per,
            [
                ("d", "train", 1, 1),
                ("d", "eval", 1, 0),
                ("x", "eval", 1, 0)
            ]
        );
    }
}
