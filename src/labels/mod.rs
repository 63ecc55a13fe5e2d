//! Hand labels: per (unit, actor) stance and per unit sentiment, in CSV files
//! `doc_id,unit_id,actor,stance,sentiment` (extra columns are ignored).
//! Which units train and which evaluate is recorded ([`splits`]); see
//! `labels/GUIDE.md`.
//!
//! # Label values
//!
//! One rule reads a stance or sentiment value wherever it comes from
//! (label CSVs in `labels check`, `labels add`, `train`/`eval --data`, and
//! the `label` of stance JSON lines): surrounding whitespace is ignored,
//! case is folded, and the names public stance data sets use are read as
//! ours — SemEval-2016, TweetEval and P-Stance say FAVOR / AGAINST / NONE.
//!
//! | value read | stance |
//! |---|---|
//! | `pro`, `favor`, `favour` | pro |
//! | `anti`, `against` | anti |
//! | `none`, `neutral` | none |
//!
//! Sentiment is `positive`, `negative` or `neutral`. So `Pro`, ` pro` and
//! `FAVOR` are all pro; anything else (`por`, `-`, `?`) is an error naming
//! file and line, never a guess. `labels add` writes the canonical name.

pub mod agree;
pub mod check;
#[cfg(test)]
mod fixtures;
pub mod load;
pub mod merge;
pub mod splits;
pub mod stats;
pub mod store;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::corpus::records::CsvRows;
use crate::error::{Location, Rejection, display_path};

pub use load::LabelSet;

/// Stance toward one actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stance {
    Pro,
    Anti,
    None,
}

impl Stance {
    pub const ALL: [Stance; 3] = [Stance::Pro, Stance::Anti, Stance::None];
    /// The names of [`Stance::ALL`], in that order: the class order of every
    /// stance model and score.
    pub const NAMES: [&'static str; 3] = [
        Stance::Pro.as_str(),
        Stance::Anti.as_str(),
        Stance::None.as_str(),
    ];

    /// The spellings read as each stance, after [`normalise`]: ours, then
    /// the public data sets' (see the module's "Label values").
    pub const SPELLINGS: [(&'static str, Stance); 7] = [
        ("pro", Stance::Pro),
        ("anti", Stance::Anti),
        ("none", Stance::None),
        ("favor", Stance::Pro),
        ("favour", Stance::Pro),
        ("against", Stance::Anti),
        ("neutral", Stance::None),
    ];
    /// What [`Stance::parse`] accepts, for error messages.
    pub const EXPECTED: &'static str =
        "pro, anti or none, in any case; also favor, against, neutral";

    /// A stance value by the one rule of the module's "Label values".
    pub fn parse(s: &str) -> Option<Stance> {
        let v = normalise(s);
        Stance::SPELLINGS
            .iter()
            .find(|(name, _)| *name == v)
            .map(|&(_, stance)| stance)
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Stance::Pro => "pro",
            Stance::Anti => "anti",
            Stance::None => "none",
        }
    }
}

/// Overall tone of a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sentiment {
    Positive,
    Negative,
    Neutral,
}

impl Sentiment {
    pub const ALL: [Sentiment; 3] = [Sentiment::Positive, Sentiment::Negative, Sentiment::Neutral];
    /// The names of [`Sentiment::ALL`], in that order.
    pub const NAMES: [&'static str; 3] = [
        Sentiment::Positive.as_str(),
        Sentiment::Negative.as_str(),
        Sentiment::Neutral.as_str(),
    ];

    /// What [`Sentiment::parse`] accepts, for error messages.
    pub const EXPECTED: &'static str = "positive, negative or neutral, in any case";

    /// A sentiment value by the one rule of the module's "Label values".
    pub fn parse(s: &str) -> Option<Sentiment> {
        let v = normalise(s);
        Sentiment::ALL.into_iter().find(|x| x.as_str() == v)
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Sentiment::Positive => "positive",
            Sentiment::Negative => "negative",
            Sentiment::Neutral => "neutral",
        }
    }
}

/// A label value as it is compared: without surrounding whitespace
/// (non-breaking spaces included), case folded.
pub fn normalise(value: &str) -> String {
    value.trim().to_lowercase()
}

impl fmt::Display for Stance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Sentiment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of a label file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelRow {
    pub at: Location,
    pub doc_id: String,
    pub unit_id: String,
    pub actor: String,
    pub stance: Stance,
    pub sentiment: Sentiment,
}

/// The columns every label file must have.
pub const COLUMNS: [&str; 5] = ["doc_id", "unit_id", "actor", "stance", "sentiment"];

/// Label CSV files named by `inputs`: files as given, directories expanded
/// to their `*.csv` files in name order.
pub fn label_files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, Rejection> {
    let mut files = Vec::new();
    for p in inputs {
        if p.is_dir() {
            let entries = std::fs::read_dir(p)
                .map_err(|e| Rejection::new(Location::of_path(p, None), e.to_string()))?;
            let mut csvs: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "csv"))
                .collect();
            csvs.sort();
            files.extend(csvs);
        } else {
            files.push(p.clone());
        }
    }
    Ok(files)
}

/// Reads label rows from CSV files. Rows that cannot be parsed are returned
/// as rejections with file and line; the rest are kept.
pub fn read_labels(files: &[PathBuf]) -> (Vec<LabelRow>, Vec<Rejection>) {
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    for path in files {
        read_label_file(path, &mut rows, &mut bad);
    }
    (rows, bad)
}

fn read_label_file(path: &Path, rows: &mut Vec<LabelRow>, bad: &mut Vec<Rejection>) {
    match crate::input::open(path) {
        Ok(r) => read_label_reader(r, path, rows, bad),
        Err(e) => bad.push(Rejection::new(
            Location::of_path(path, None),
            format!("cannot open: {e}"),
        )),
    }
}

/// Label rows from an open label CSV (`path` names it: `-` for stdin).
pub fn read_label_reader(
    reader: impl std::io::Read,
    path: &Path,
    rows: &mut Vec<LabelRow>,
    bad: &mut Vec<Rejection>,
) {
    let csv = CsvRows::new(reader, display_path(path));
    match csv.header() {
        Ok(h) => {
            if let Some(c) = COLUMNS.iter().find(|c| !h.iter().any(|x| x == *c)) {
                bad.push(Rejection::new(
                    Location::of_path(path, Some(1)),
                    format!(
                        "label file lacks the column `{c}` (needs {})",
                        COLUMNS.join(",")
                    ),
                ));
                return;
            }
        }
        Err(r) => {
            bad.push(r.clone());
            return;
        }
    }
    let mut any = false;
    for row in csv {
        any = true;
        match row.and_then(|r| parse_row(&r)) {
            Ok(l) => rows.push(l),
            Err(r) => bad.push(r),
        }
    }
    if !any {
        bad.push(Rejection::new(
            Location::of_path(path, None),
            "label file has no rows",
        ));
    }
}

fn parse_row(row: &crate::corpus::records::CsvRow) -> Result<LabelRow, Rejection> {
    parse_fields(&row.at, |k| row.get(k))
}

/// A label row from its named fields, however the file was read. Values are
/// trimmed; stance and sentiment are read by the one rule of the module's
/// "Label values".
pub fn parse_fields<'a>(
    at: &Location,
    get: impl Fn(&str) -> Option<&'a str>,
) -> Result<LabelRow, Rejection> {
    let reject = |msg: String| Rejection::new(at.clone(), msg);
    let field = |k: &str| -> Result<String, Rejection> {
        match get(k).map(str::trim) {
            Some(v) if !v.is_empty() => Ok(v.to_string()),
            _ => Err(reject(format!("empty `{k}`"))),
        }
    };
    let stance_s = field("stance")?;
    let stance = Stance::parse(&stance_s).ok_or_else(|| {
        reject(format!(
            "unknown stance {stance_s:?} (expected {})",
            Stance::EXPECTED
        ))
    })?;
    let sent_s = field("sentiment")?;
    let sentiment = Sentiment::parse(&sent_s).ok_or_else(|| {
        reject(format!(
            "unknown sentiment {sent_s:?} (expected {})",
            Sentiment::EXPECTED
        ))
    })?;
    Ok(LabelRow {
        at: at.clone(),
        doc_id: field("doc_id")?,
        unit_id: field("unit_id")?,
        actor: field("actor")?,
        stance,
        sentiment,
    })
}

/// A row whose stance and sentiment are both blank: a to-fill template row
/// nobody has labelled yet, which is not a mistake in the file.
pub fn is_unfilled<'a>(get: impl Fn(&str) -> Option<&'a str>) -> bool {
    ["stance", "sentiment"]
        .iter()
        .all(|k| get(k).is_none_or(|v| v.trim().is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rule_reads_every_spelling_of_a_value() {
        let pro = ["pro", "Pro", " pro", "PRO\t", "favor", "FAVOR", "Favour"];
        for v in pro {
            assert_eq!(Stance::parse(v), Some(Stance::Pro), "{v:?}");
        }
        for v in ["anti", "Against", "\u{a0}AGAINST "] {
            assert_eq!(Stance::parse(v), Some(Stance::Anti), "{v:?}");
        }
        for v in ["none", "NONE", "Neutral"] {
            assert_eq!(Stance::parse(v), Some(Stance::None), "{v:?}");
        }
        for v in ["", " ", "por", "-", "?", "pro anti", "support"] {
            assert_eq!(Stance::parse(v), None, "{v:?}");
        }
        for s in Sentiment::ALL {
            let shouted = format!(" {} ", s.as_str().to_uppercase());
            assert_eq!(Sentiment::parse(&shouted), Some(s));
        }
        assert_eq!(Sentiment::parse("pos"), None);
        // Every canonical name reads as itself.
        for s in Stance::ALL {
            assert_eq!(Stance::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn label_rows_use_the_rule_and_name_it_when_it_fails() {
        let at = Location::new("l.csv", Some(2));
        let row = |stance: &'static str| {
            let fields = [
                ("doc_id", "d"),
                ("unit_id", "p1"),
                ("actor", "IND"),
                ("stance", stance),
                ("sentiment", "Neutral"),
            ];
            parse_fields(&at, move |k| {
                fields.iter().find(|(n, _)| *n == k).map(|(_, v)| *v)
            })
        };
        assert_eq!(row(" Favor ").unwrap().stance, Stance::Pro);
        let err = row("por").unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "l.csv:2: unknown stance \"por\" (expected {})",
                Stance::EXPECTED
            )
        );
    }
}
