//! Validation of label rows against the corpus and the actor list. Every
//! problem is reported with its file and line, all at once, so an annotator
//! can fix a file in one pass. Labels still missing are kept apart from
//! the problems: there can be hundreds of them (a file half-way through),
//! and they must not bury a typo; [`summarise_missing`] condenses them to
//! a line per document.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;

use super::{LabelRow, Sentiment, Stance};
use crate::actors::ActorSet;
use crate::corpus::{Unit, UnitKind};
use crate::error::{Location, Rejection};

/// What a check found.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Rows that are wrong: unknown actors or units, pairs labelled twice,
    /// sentiment that disagrees within a unit.
    pub problems: Vec<Rejection>,
    /// Units of labelled documents that lack labels, in corpus order.
    pub missing: Vec<Missing>,
    /// Labelled (unit, actor) pairs that passed.
    pub pairs: usize,
    /// Units with a complete set of labels.
    pub units: usize,
    /// Documents of the corpus that have no labels at all (not an error:
    /// new articles are labelled over time).
    pub unlabelled_docs: Vec<String>,
}

impl CheckReport {
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty() && self.missing.is_empty()
    }
}

/// A unit that lacks labels for some actors its label file has started on
/// (or that were required).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// The label file that holds the unit's document.
    pub file: String,
    pub doc_id: String,
    pub unit_id: String,
    pub actors: Vec<String>,
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} {} has no label for {}",
            self.file,
            self.doc_id,
            self.unit_id,
            self.actors.join(", ")
        )
    }
}

/// The missing labels of one document: how many units lack some, how
/// many labels each actor lacks, and the first of those units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingInDoc {
    pub file: String,
    pub doc_id: String,
    pub units: usize,
    /// Per actor (in the actors file's order), the units lacking its label.
    pub per_actor: Vec<(String, usize)>,
    /// The first units lacking labels, in corpus order.
    pub first: Vec<String>,
}

impl fmt::Display for MissingInDoc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let per_actor: Vec<String> = self
            .per_actor
            .iter()
            .map(|(actor, n)| format!("{actor} {n}"))
            .collect();
        write!(
            f,
            "{}: {}: labels missing on {} unit(s) ({}): {}",
            self.file,
            self.doc_id,
            self.units,
            per_actor.join(", "),
            self.first.join(", ")
        )?;
        match self.units - self.first.len() {
            0 => Ok(()),
            more => write!(f, " and {more} more"),
        }
    }
}

/// `missing` per document (in the order first met): the units, the count
/// per actor in the order of `actors`, and the first `first` units. A
/// screenful of units still to label becomes a line per document.
pub fn summarise_missing(
    missing: &[Missing],
    actors: &ActorSet,
    first: usize,
) -> Vec<MissingInDoc> {
    let mut docs: Vec<MissingInDoc> = Vec::new();
    for m in missing {
        let i = match docs
            .iter()
            .position(|d| d.file == m.file && d.doc_id == m.doc_id)
        {
            Some(i) => i,
            None => {
                docs.push(MissingInDoc {
                    file: m.file.clone(),
                    doc_id: m.doc_id.clone(),
                    units: 0,
                    per_actor: Vec::new(),
                    first: Vec::new(),
                });
                docs.len() - 1
            }
        };
        let d = &mut docs[i];
        d.units += 1;
        if d.first.len() < first {
            d.first.push(m.unit_id.clone());
        }
        for actor in &m.actors {
            match d.per_actor.iter_mut().find(|(a, _)| a == actor) {
                Some((_, n)) => *n += 1,
                None => d.per_actor.push((actor.clone(), 1)),
            }
        }
    }
    for d in &mut docs {
        d.per_actor
            .sort_by_key(|(a, _)| actors.index_of(a).unwrap_or(usize::MAX));
    }
    docs
}

/// What [`check_rows`] found: the problems, and for each row whether it
/// passed, so a caller (e.g. `labels add`) can act on the good rows while it
/// reports the bad ones.
#[derive(Debug, Default)]
pub struct RowCheck {
    pub problems: Vec<Rejection>,
    /// `accepted[i]` is true when `rows[i]` raised no problem.
    pub accepted: Vec<bool>,
}

/// The per-row half of [`check`], without completeness: unknown actors
/// (skipped when `actors` is `None`), units not in `units` (skipped when
/// `units` is `None`, for a store whose corpus is not at hand), pairs
/// labelled twice or in conflict, and rows that disagree on a unit's
/// sentiment. Partial labels are not a problem here. `labels add` and
/// reading label CSVs as training data (`train --data labels/`) check this
/// way, so they reject what `labels check` reports.
pub fn check_rows(
    rows: &[LabelRow],
    units: Option<&[Unit]>,
    actors: Option<&ActorSet>,
) -> RowCheck {
    scan(rows, units, actors).result
}

struct Scan<'a> {
    result: RowCheck,
    first: HashMap<(&'a str, &'a str, &'a str), &'a LabelRow>,
    labelled: BTreeMap<(&'a str, &'a str), BTreeSet<&'a str>>,
}

fn scan<'a>(rows: &'a [LabelRow], units: Option<&[Unit]>, actors: Option<&ActorSet>) -> Scan<'a> {
    let mut result = RowCheck {
        problems: Vec::new(),
        accepted: vec![true; rows.len()],
    };
    let known: Option<HashSet<(&str, &str)>> = units.map(|us| us.iter().map(Unit::key).collect());
    let mut first: HashMap<(&str, &str, &str), &LabelRow> = HashMap::new();
    let mut sentiment: HashMap<(&str, &str), (Sentiment, &LabelRow)> = HashMap::new();
    let mut labelled: BTreeMap<(&str, &str), BTreeSet<&str>> = BTreeMap::new();
    for (i, row) in rows.iter().enumerate() {
        let mut problem = |msg: String| {
            result.problems.push(Rejection::new(row.at.clone(), msg));
            result.accepted[i] = false;
        };
        let key = (row.doc_id.as_str(), row.unit_id.as_str());
        if let Some(actors) = actors.filter(|a| a.index_of(&row.actor).is_none()) {
            let codes: Vec<_> = actors.codes().collect();
            problem(format!(
                "unknown actor {:?} (actors: {})",
                row.actor,
                codes.join(", ")
            ));
            continue;
        }
        if known.as_ref().is_some_and(|k| !k.contains(&key)) {
            problem(format!(
                "unit {} {} is not in the corpus (give the one it is in with --corpus or --units)",
                row.doc_id, row.unit_id
            ));
            continue;
        }
        match first.get(&(key.0, key.1, row.actor.as_str())) {
            Some(prev) if prev.stance != row.stance => {
                problem(format!(
                    "{} {} {} labelled {} here and {} at {}",
                    row.doc_id, row.unit_id, row.actor, row.stance, prev.stance, prev.at
                ));
                continue;
            }
            Some(prev) => {
                problem(format!(
                    "{} {} {} labelled twice (also at {})",
                    row.doc_id, row.unit_id, row.actor, prev.at
                ));
                continue;
            }
            None => {
                first.insert((key.0, key.1, row.actor.as_str()), row);
            }
        }
        match sentiment.get(&key) {
            Some((s, prev)) if *s != row.sentiment => problem(format!(
                "{} {} has sentiment {} here but {} at {}",
                row.doc_id, row.unit_id, row.sentiment, s, prev.at
            )),
            Some(_) => {}
            None => {
                sentiment.insert(key, (row.sentiment, row));
            }
        }
        labelled.entry(key).or_default().insert(row.actor.as_str());
    }
    Scan {
        result,
        first,
        labelled,
    }
}

/// Checks `rows` against the units the corpus produces and the actor list:
/// unknown actors and units, pairs labelled twice, inconsistent sentiment
/// within a unit, and — for every document that has labels — paragraphs and
/// comments without a label for an actor its label file has started on.
/// Titles are optional.
pub fn check(rows: &[LabelRow], units: &[Unit], actors: &ActorSet) -> CheckReport {
    check_with(rows, units, actors, &HashSet::new(), &[])
}

/// [`check`], where the documents in `sampled` are pools labelled unit by
/// unit (there only a unit that has labels must be complete, and the
/// unlabelled rest of the pool is not a problem), and the actors in
/// `require` are demanded of every unit whatever its file has started on.
///
/// Completeness is per label file: a unit must have a label for every
/// actor its file has at least one label of. An actor added to the actors
/// file later is so not demanded of the units labelled before it existed
/// (hundreds of rows no one means to relabel) until someone starts on it
/// in that file, or asks for it with `require`.
pub fn check_with(
    rows: &[LabelRow],
    units: &[Unit],
    actors: &ActorSet,
    sampled: &HashSet<String>,
    require: &[String],
) -> CheckReport {
    let Scan {
        result,
        first,
        labelled,
    } = scan(rows, Some(units), Some(actors));
    let mut report = CheckReport {
        problems: result.problems,
        ..CheckReport::default()
    };

    // Completeness, per document that has labels.
    let docs_with_labels: BTreeSet<&str> = rows.iter().map(|r| r.doc_id.as_str()).collect();
    let file_of: HashMap<&str, &Location> =
        rows.iter().map(|r| (r.doc_id.as_str(), &r.at)).collect();
    let mut started: HashMap<&str, HashSet<&str>> = HashMap::new();
    for r in rows {
        started
            .entry(r.at.file.as_str())
            .or_default()
            .insert(r.actor.as_str());
    }
    for unit in units {
        if unit.kind == UnitKind::Title || !docs_with_labels.contains(unit.doc_id.as_str()) {
            continue;
        }
        let have = labelled.get(&unit.key());
        if have.is_none() && sampled.contains(&unit.doc_id) {
            continue;
        }
        let file = file_of[unit.doc_id.as_str()].file.as_str();
        let wanted = |c: &&str| started[file].contains(c) || require.iter().any(|r| r == c);
        let missing: Vec<&str> = actors
            .codes()
            .filter(wanted)
            .filter(|c| !have.is_some_and(|h| h.contains(c)))
            .collect();
        if missing.is_empty() {
            report.units += 1;
        } else {
            report.missing.push(Missing {
                file: file.to_string(),
                doc_id: unit.doc_id.clone(),
                unit_id: unit.unit_id.clone(),
                actors: missing.into_iter().map(str::to_string).collect(),
            });
        }
    }
    let mut unlabelled: Vec<String> = units
        .iter()
        .map(|u| u.doc_id.as_str())
        .filter(|d| !docs_with_labels.contains(d))
        .map(str::to_string)
        .collect();
    unlabelled.dedup();
    report.unlabelled_docs = unlabelled;
    report.pairs = first.len();
    report
}

/// Counts of labels per actor and stance, for summaries.
pub fn stance_counts(rows: &[LabelRow]) -> BTreeMap<String, BTreeMap<Stance, usize>> {
    let mut out: BTreeMap<String, BTreeMap<Stance, usize>> = BTreeMap::new();
    for r in rows {
        *out.entry(r.actor.clone())
            .or_default()
            .entry(r.stance)
            .or_default() += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::labels::fixtures::{label, two_actors as actors};

    fn unit(id: &str, kind: UnitKind) -> Unit {
        crate::labels::fixtures::unit("d", id, kind)
    }

    fn row(line: u64, unit: &str, actor: &str, stance: Stance, sentiment: Sentiment) -> LabelRow {
        label(("l.csv", line), ("d", unit), actor, stance, sentiment)
    }

    #[test]
    fn clean_and_complete() {
        use {Sentiment::*, Stance::*};
        let units = [
            unit("title", UnitKind::Title),
            unit("p1", UnitKind::Paragraph),
        ];
        let rows = [
            row(2, "p1", "A", Pro, Neutral),
            row(3, "p1", "B", None, Neutral),
        ];
        let r = check(&rows, &units, &actors());
        assert!(r.is_clean(), "{:?}", r.problems);
        assert_eq!((r.pairs, r.units), (2, 1));
    }

    #[test]
    fn each_problem_is_reported_with_its_line() {
        use {Sentiment::*, Stance::*};
        let units = [
            unit("p1", UnitKind::Paragraph),
            unit("c1", UnitKind::Comment),
        ];
        let rows = [
            row(2, "p1", "A", Pro, Neutral),
            row(3, "p1", "A", Anti, Neutral),
            row(4, "p1", "A", Pro, Neutral),
            row(5, "p1", "B", None, Positive),
            row(6, "p9", "A", None, Neutral),
            row(7, "c1", "Z", None, Neutral),
        ];
        let r = check(&rows, &units, &actors());
        let msgs: Vec<String> = r.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(msgs.len(), 5, "{msgs:#?}");
        assert!(msgs[0].starts_with("l.csv:3: d p1 A labelled anti here and pro at l.csv:2"));
        assert!(msgs[1].starts_with("l.csv:4: d p1 A labelled twice"));
        assert!(msgs[2].starts_with("l.csv:5: d p1 has sentiment positive here but neutral"));
        assert!(msgs[3].starts_with("l.csv:6: unit d p9 is not in the corpus"));
        assert!(msgs[4].starts_with("l.csv:7: unknown actor \"Z\""));
        // Missing labels are apart from the problems.
        let missing: Vec<String> = r.missing.iter().map(|m| m.to_string()).collect();
        assert_eq!(missing, ["l.csv: d c1 has no label for A, B"]);
        assert!(!r.is_clean());
    }

    #[test]
    fn missing_labels_are_summarised_per_document_and_actor() {
        let m = |doc: &str, unit: &str, actors: &[&str]| Missing {
            file: format!("{doc}.csv"),
            doc_id: doc.into(),
            unit_id: unit.into(),
            actors: actors.iter().map(|a| a.to_string()).collect(),
        };
        let mut missing = vec![m("d1", "p1", &["B"])];
        missing.extend((2..=6).map(|i| m("d1", &format!("p{i}"), &["A", "B"])));
        missing.push(m("d2", "c1", &["B"]));
        let lines: Vec<String> = summarise_missing(&missing, &actors(), 3)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            lines,
            [
                "d1.csv: d1: labels missing on 6 unit(s) (A 5, B 6): p1, p2, p3 and 3 more",
                "d2.csv: d2: labels missing on 1 unit(s) (B 1): c1",
            ]
        );
        assert!(summarise_missing(&[], &actors(), 3).is_empty());
    }

    #[test]
    fn a_sampled_pool_needs_only_its_labelled_units_complete() {
        use {Sentiment::*, Stance::*};
        let units = [
            unit("c1", UnitKind::Comment),
            unit("c2", UnitKind::Comment),
            unit("c3", UnitKind::Comment),
        ];
        let rows = [
            row(2, "c1", "A", Pro, Neutral),
            row(3, "c1", "B", None, Neutral),
            row(4, "c2", "A", Anti, Negative),
        ];
        let sampled: HashSet<String> = ["d".to_string()].into();
        let r = check_with(&rows, &units, &actors(), &sampled, &[]);
        let msgs: Vec<String> = r.missing.iter().map(|p| p.to_string()).collect();
        assert_eq!(msgs, ["l.csv: d c2 has no label for B"]);
        assert_eq!(r.units, 1);
        // Labelled whole, the same document also lacks c3.
        let r = check(&rows, &units, &actors());
        assert_eq!(r.missing.len(), 2);
    }

    #[test]
    fn a_new_actor_is_demanded_only_where_started_or_required() {
        use {Sentiment::*, Stance::*};
        let three = ActorSet::from_toml(
            "[[actor]]\ncode = \"A\"\nname = \"a\"\nnames = [\"a\"]\n\
             [[actor]]\ncode = \"B\"\nname = \"b\"\nnames = [\"b\"]\n\
             [[actor]]\ncode = \"C\"\nname = \"c\"\nnames = [\"c\"]\n",
        )
        .unwrap();
        let units = [
            unit("p1", UnitKind::Paragraph),
            unit("p2", UnitKind::Paragraph),
        ];
        let mut rows = vec![
            row(2, "p1", "A", Pro, Neutral),
            row(3, "p1", "B", None, Neutral),
            row(4, "p2", "A", Pro, Neutral),
            row(5, "p2", "B", None, Neutral),
        ];
        let none = HashSet::new();
        let msgs =
            |r: CheckReport| -> Vec<String> { r.missing.iter().map(|p| p.to_string()).collect() };
        // C was added after the file was labelled: not a problem.
        assert!(msgs(check(&rows, &units, &three)).is_empty());
        // Asked for, it is demanded of every unit.
        let required = ["C".to_string()];
        assert_eq!(
            msgs(check_with(&rows, &units, &three, &none, &required)),
            [
                "l.csv: d p1 has no label for C",
                "l.csv: d p2 has no label for C"
            ]
        );
        // Started on in the file: the other units of the file need it too.
        rows.push(row(6, "p1", "C", Anti, Neutral));
        assert_eq!(
            msgs(check(&rows, &units, &three)),
            ["l.csv: d p2 has no label for C"]
        );
    }
}
