//! Which labelled units a model may learn from and which it is judged on.
//!
//! The seeds' rule was "comments evaluate, paragraphs train", read off the
//! unit kind. That cannot serve a pool in which every unit is a comment, so
//! a project records the assignment in a CSV (`labels/splits.csv`:
//! `doc_id,unit_id,split`, drawn once and never redrawn) and every command
//! reads it from there. Evaluation units must never leak into training:
//! [`SplitRule::of`] is the one place that decides.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::corpus::UnitKind;
use crate::corpus::records::CsvRows;
use crate::error::{Error, Location, Rejection, display_path};

/// The two roles a labelled unit can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Split {
    Train,
    Eval,
}

impl Split {
    pub fn parse(s: &str) -> Option<Split> {
        match s.trim().to_ascii_lowercase().as_str() {
            "train" | "training" => Some(Split::Train),
            "eval" | "evaluation" | "test" => Some(Split::Eval),
            _ => None,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Eval => "eval",
        }
    }
}

/// How a unit's split is decided.
#[derive(Debug, Clone, Default)]
pub enum SplitRule {
    /// No recorded assignment: comments are evaluation, the rest training
    /// (the seeds' convention, kept for projects without a splits file).
    #[default]
    ByKind,
    /// The recorded assignment; units it does not list take `unlisted`.
    /// Keyed doc_id → unit_id, so [`SplitRule::of`] looks a unit up from
    /// borrowed ids without allocating (it runs once per label row and per
    /// unit `suggest` reads).
    Recorded {
        units: HashMap<String, HashMap<String, Split>>,
        unlisted: Split,
        /// Where it was read from, for messages.
        file: String,
    },
}

impl SplitRule {
    /// Reads a splits CSV (`doc_id,unit_id,split`, extra columns ignored).
    /// Any bad row, or a unit listed twice, is an error naming file and line:
    /// a half-read assignment could put evaluation units into training.
    pub fn read(path: &Path, unlisted: Split) -> Result<SplitRule, Error> {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let rows = CsvRows::new(std::io::BufReader::new(file), display_path(path));
        let header = rows.header().map_err(|r| Error::Invalid(r.clone()))?;
        for col in ["doc_id", "unit_id", "split"] {
            if !header.iter().any(|h| h == col) {
                return Err(Error::Invalid(Rejection::new(
                    Location::of_path(path, Some(1)),
                    format!("splits file lacks the column `{col}`"),
                )));
            }
        }
        let mut units: HashMap<String, HashMap<String, Split>> = HashMap::new();
        let mut problems = Vec::new();
        for row in rows {
            let row = match row {
                Ok(r) => r,
                Err(r) => {
                    problems.push(r);
                    continue;
                }
            };
            let get = |k: &str| row.get(k).map(str::trim).unwrap_or("");
            let (doc, unit, split) = (get("doc_id"), get("unit_id"), get("split"));
            let Some(split) = Split::parse(split) else {
                problems.push(Rejection::new(
                    row.at.clone(),
                    format!("unknown split {split:?} (expected train or eval)"),
                ));
                continue;
            };
            if doc.is_empty() || unit.is_empty() {
                problems.push(Rejection::new(row.at.clone(), "empty doc_id or unit_id"));
                continue;
            }
            if units
                .entry(doc.to_string())
                .or_default()
                .insert(unit.to_string(), split)
                .is_some()
            {
                problems.push(Rejection::new(
                    row.at.clone(),
                    format!("{doc} {unit} is listed twice"),
                ));
            }
        }
        if !problems.is_empty() {
            return Err(Error::Many(problems));
        }
        Ok(SplitRule::Recorded {
            units,
            unlisted,
            file: display_path(path),
        })
    }

    /// The split of one unit.
    pub fn of(&self, doc_id: &str, unit_id: &str, kind: UnitKind) -> Split {
        match self {
            SplitRule::ByKind if kind == UnitKind::Comment => Split::Eval,
            SplitRule::ByKind => Split::Train,
            SplitRule::Recorded {
                units, unlisted, ..
            } => units
                .get(doc_id)
                .and_then(|by_unit| by_unit.get(unit_id))
                .copied()
                .unwrap_or(*unlisted),
        }
    }

    /// Whether the assignment is recorded rather than read off unit kinds.
    pub fn is_recorded(&self) -> bool {
        matches!(self, SplitRule::Recorded { .. })
    }

    /// Every listed unit with its split (none for the kind rule).
    fn listed(&self) -> impl Iterator<Item = (&str, &str, Split)> {
        let map = match self {
            SplitRule::Recorded { units, .. } => Some(units),
            SplitRule::ByKind => None,
        };
        map.into_iter().flatten().flat_map(|(d, by_unit)| {
            by_unit
                .iter()
                .map(move |(u, s)| (d.as_str(), u.as_str(), *s))
        })
    }

    /// Units listed as evaluation.
    pub fn eval_units(&self) -> impl Iterator<Item = (&str, &str)> {
        self.listed()
            .filter(|(_, _, s)| *s == Split::Eval)
            .map(|(d, u, _)| (d, u))
    }

    /// One line saying where splits come from.
    pub fn describe(&self) -> String {
        match self {
            SplitRule::ByKind => "splits by unit kind (comments eval, the rest train)".into(),
            SplitRule::Recorded { unlisted, file, .. } => {
                let eval = self.eval_units().count();
                format!(
                    "splits from {file}: {eval} eval and {} train unit(s) listed, unlisted units {}",
                    self.listed().count() - eval,
                    unlisted.as_str()
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> tempfile::NamedTempFile {
        use std::io::Write;
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f
    }

    #[test]
    fn recorded_assignment_overrides_the_kind() {
        let f = write("doc_id,unit_id,split,why\nd,c1,train,x\nd,p1,eval,y\n");
        let rule = SplitRule::read(f.path(), Split::Train).unwrap();
        assert_eq!(rule.of("d", "c1", UnitKind::Comment), Split::Train);
        assert_eq!(rule.of("d", "p1", UnitKind::Paragraph), Split::Eval);
        assert_eq!(rule.of("d", "c9", UnitKind::Comment), Split::Train);
        assert_eq!(rule.eval_units().collect::<Vec<_>>(), vec![("d", "p1")]);
    }

    #[test]
    fn by_kind_is_the_seed_convention() {
        let rule = SplitRule::ByKind;
        assert_eq!(rule.of("d", "c1", UnitKind::Comment), Split::Eval);
        assert_eq!(rule.of("d", "p1", UnitKind::Paragraph), Split::Train);
    }

    fn msgs(e: Error) -> String {
        match e {
            Error::Many(v) => v.iter().map(|r| r.to_string() + "\n").collect(),
            e => e.to_string(),
        }
    }

    #[test]
    fn bad_rows_are_errors_with_their_line() {
        let f = write("doc_id,unit_id,split\nd,c1,train\nd,c2,later\nd,c1,eval\n");
        let e = msgs(SplitRule::read(f.path(), Split::Train).unwrap_err());
        assert!(e.contains(":3: unknown split \"later\""), "{e}");
        assert!(e.contains(":4: d c1 is listed twice"), "{e}");
        let f = write("doc_id,unit_id\nd,c1\n");
        let e = msgs(SplitRule::read(f.path(), Split::Train).unwrap_err());
        assert!(e.contains("lacks the column `split`"), "{e}");
    }
}
