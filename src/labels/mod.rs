//! Hand labels: per (unit, actor) stance and per unit sentiment, in CSV files
//! `doc_id,unit_id,actor,stance,sentiment` (extra columns are ignored).
//! Which units train and which evaluate is recorded ([`splits`]); see
//! `labels/GUIDE.md`.

pub mod agree;
pub mod check;
#[cfg(test)]
mod fixtures;
pub mod merge;
pub mod splits;
pub mod stats;
pub mod store;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::corpus::records::CsvRows;
use crate::error::{Location, Rejection, display_path};

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

    /// Accepts the project's names and the SemEval ones (favor, against).
    pub fn parse(s: &str) -> Option<Stance> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pro" | "favor" | "favour" => Some(Stance::Pro),
            "anti" | "against" => Some(Stance::Anti),
            "none" | "neutral" => Some(Stance::None),
            _ => None,
        }
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

    pub fn parse(s: &str) -> Option<Sentiment> {
        match s.trim().to_ascii_lowercase().as_str() {
            "positive" => Some(Sentiment::Positive),
            "negative" => Some(Sentiment::Negative),
            "neutral" => Some(Sentiment::Neutral),
            _ => None,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Sentiment::Positive => "positive",
            Sentiment::Negative => "negative",
            Sentiment::Neutral => "neutral",
        }
    }
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
/// trimmed; stance and sentiment accept the spellings of [`Stance::parse`]
/// and [`Sentiment::parse`].
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
            "unknown stance {stance_s:?} (expected pro, anti or none)"
        ))
    })?;
    let sent_s = field("sentiment")?;
    let sentiment = Sentiment::parse(&sent_s).ok_or_else(|| {
        reject(format!(
            "unknown sentiment {sent_s:?} (expected positive, negative or neutral)"
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
