//! Readers for each input format. Every row read is either an example or a
//! rejection naming file and line.

use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::{Dataset, Example, SentimentExample, fnv1a};
use crate::actors::ActorSet;
use crate::corpus::records::{JsonLines, field_str, json_kind, require_str, require_text};
use crate::corpus::{Unit, UnitKind};
use crate::error::{Location, Rejection, display_path};
use crate::labels::check::check_rows;
use crate::labels::splits::{Split, SplitRule};
use crate::labels::{self, LabelRow, Stance};

/// What to read from label CSVs.
#[derive(Debug, Clone, Default)]
pub struct DataOptions {
    /// Only units of these kinds (label CSVs only; external data has no
    /// kinds). Empty = all.
    pub kinds: Vec<UnitKind>,
    /// Only units of this split, as `splits` assigns them (label CSVs only:
    /// external data sets are always training data). `None` = both.
    pub split: Option<Split>,
    pub splits: SplitRule,
    /// Set aside (count in [`Dataset::set_aside`]) rows whose document is
    /// in no unit given, instead of rejecting them: a declared corpus is
    /// absent on this machine.
    pub set_aside_unknown_docs: bool,
    /// The actors label rows may name; a row naming another is rejected,
    /// as `labels check` reports it. `None`: any actor.
    pub actors: Option<ActorSet>,
}

/// What one input file gave, in input order.
enum Part {
    /// Label CSV rows: `rows[range]` of all label rows read.
    Labels(std::ops::Range<usize>),
    /// Examples of JSON lines.
    Lines(Dataset),
}

/// Reads every input. Directories contribute their `*.csv` and `*.jsonl`
/// files. `units` resolves the (doc_id, unit_id) of label rows to text.
///
/// Label rows are validated as `labels check` validates them
/// ([`check_rows`]): all files together, so a pair labelled in two files
/// is a duplicate; a rejected row names its file and line.
pub fn read_data(inputs: &[PathBuf], units: &[Unit], opts: &DataOptions) -> Dataset {
    let by_key: HashMap<(&str, &str), &Unit> = units.iter().map(|u| (u.key(), u)).collect();
    let mut data = Dataset::default();
    let mut parts = Vec::new();
    let mut rows = Vec::new();
    for path in expand(inputs, &mut data) {
        let mut reader = match crate::input::open(&path) {
            Ok(r) => r,
            Err(e) => {
                data.read += 1;
                data.rejected.push(Rejection::new(
                    Location::of_path(&path, None),
                    format!("cannot open: {e}"),
                ));
                continue;
            }
        };
        // A name says its format; stdin says it by its first byte.
        let is_csv = if crate::input::is_stdin(&path) {
            reader
                .fill_buf()
                .is_ok_and(|head| head.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{'))
        } else {
            crate::input::uncompressed_name(&path)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
        };
        if is_csv {
            let start = rows.len();
            read_label_csv(reader, &path, &by_key, opts, &mut rows, &mut data);
            parts.push(Part::Labels(start..rows.len()));
        } else {
            let mut lines = Dataset::default();
            read_json_lines(reader, &path, &mut lines);
            parts.push(Part::Lines(lines));
        }
    }
    // Every accepted row's unit is known: `by_key` has it.
    let checked = check_rows(&rows, Some(units), opts.actors.as_ref());
    data.rejected.extend(checked.problems);
    let mut sentiment_seen = HashSet::new();
    for part in parts {
        match part {
            Part::Lines(lines) => data.extend(lines),
            Part::Labels(range) => {
                for i in range.filter(|&i| checked.accepted[i]) {
                    let unit = by_key[&(rows[i].doc_id.as_str(), rows[i].unit_id.as_str())];
                    push_label(&rows[i], unit, opts, &mut sentiment_seen, &mut data);
                }
            }
        }
    }
    data
}

fn expand(inputs: &[PathBuf], data: &mut Dataset) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in inputs {
        if !p.is_dir() {
            out.push(p.clone());
            continue;
        }
        match std::fs::read_dir(p) {
            Ok(entries) => {
                let mut files: Vec<PathBuf> = entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|f| {
                        f.is_file()
                            && f.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                                matches!(e.to_ascii_lowercase().as_str(), "csv" | "jsonl")
                            })
                    })
                    .collect();
                files.sort();
                if files.is_empty() {
                    data.rejected.push(Rejection::new(
                        Location::of_path(p, None),
                        "directory has no .csv or .jsonl data files",
                    ));
                }
                out.extend(files);
            }
            Err(e) => data
                .rejected
                .push(Rejection::new(Location::of_path(p, None), e.to_string())),
        }
    }
    out
}

/// Reads the rows of a label CSV into `rows`, but for those set aside
/// (their corpus is absent) or rejected (unreadable): counted in `data`.
fn read_label_csv(
    reader: crate::input::Reader,
    path: &Path,
    units: &HashMap<(&str, &str), &Unit>,
    opts: &DataOptions,
    rows: &mut Vec<LabelRow>,
    data: &mut Dataset,
) {
    let (mut read, mut bad) = (Vec::new(), Vec::new());
    labels::read_label_reader(reader, path, &mut read, &mut bad);
    data.read += read.len() + bad.len();
    data.rejected.extend(bad);
    let docs: HashSet<&str> = units.keys().map(|k| k.0).collect();
    for row in read {
        if opts.set_aside_unknown_docs && !docs.contains(row.doc_id.as_str()) {
            data.set_aside += 1;
            continue;
        }
        rows.push(row);
    }
}

/// The examples of a label row that passed the checks (its unit is
/// known): its stance, and its unit's sentiment the first time the unit
/// is met.
fn push_label(
    row: &LabelRow,
    unit: &Unit,
    opts: &DataOptions,
    sentiment_seen: &mut HashSet<(String, String)>,
    data: &mut Dataset,
) {
    if !opts.kinds.is_empty() && !opts.kinds.contains(&unit.kind) {
        return;
    }
    if opts
        .split
        .is_some_and(|want| opts.splits.of(&row.doc_id, &row.unit_id, unit.kind) != want)
    {
        return;
    }
    let id = format!("{}/{}", row.doc_id, row.unit_id);
    let group = fnv1a(id.as_bytes());
    if sentiment_seen.insert((row.doc_id.clone(), row.unit_id.clone())) {
        data.sentiment.push(SentimentExample {
            id: id.clone(),
            group,
            text: unit.text.clone(),
            sentiment: row.sentiment,
        });
    }
    data.stance.push(Example {
        id,
        group,
        text: unit.text.clone(),
        target: row.actor.clone(),
        span: None,
        stance: row.stance,
        kind: Some(unit.kind),
        source: "labels".into(),
        probe_type: None,
    });
}

fn read_json_lines(reader: crate::input::Reader, path: &Path, data: &mut Dataset) {
    for row in JsonLines::new(reader, display_path(path)) {
        data.read += 1;
        match row.and_then(|(at, map)| {
            example_from_json(&map).map_err(|reason| Rejection::new(at, reason))
        }) {
            Ok(e) => data.stance.push(e),
            Err(r) => data.rejected.push(r),
        }
    }
}

/// A stance line or a NewsMTSC line, told apart by their fields.
pub fn example_from_json(map: &Map<String, Value>) -> Result<Example, String> {
    if map.contains_key("sentence") && map.contains_key("polarity") {
        newsmtsc_example(map)
    } else if map.contains_key("target") && map.contains_key("label") {
        stance_example(map)
    } else {
        Err(
            "unknown line format: expected {text, target, label} (stance) or \
             {sentence, mention, from, to, polarity} (NewsMTSC)"
                .into(),
        )
    }
}

fn stance_example(map: &Map<String, Value>) -> Result<Example, String> {
    let text = require_text(map, "text")?;
    let target = require_str(map, "target")?;
    let label = require_str(map, "label")?;
    let stance = Stance::parse(&label)
        .ok_or_else(|| format!("unknown label {label:?} (expected {})", Stance::EXPECTED))?;
    let mut example = stance_from_fields(text, &target, stance, field_str(map, "id")?);
    example.probe_type = probe_type(map)?;
    Ok(example)
}

/// The optional `type` of a behavioural probe line (trimmed; blank = none).
fn probe_type(map: &Map<String, Value>) -> Result<Option<String>, String> {
    Ok(field_str(map, "type")?
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty()))
}

/// The example of a `{text, target, label}` line from its fields.
pub(crate) fn stance_from_fields(
    text: String,
    target: &str,
    stance: Stance,
    id: Option<String>,
) -> Example {
    Example {
        group: fnv1a(text.as_bytes()),
        id: id.unwrap_or_else(|| id_of_text(&text)),
        text,
        target: target.trim().to_string(),
        span: None,
        stance,
        kind: None,
        source: "data".into(),
        probe_type: None,
    }
}

/// The id of a line that has none: a hash of its text.
fn id_of_text(text: &str) -> String {
    format!("{:016x}", fnv1a(text.as_bytes()))
}

fn newsmtsc_example(map: &Map<String, Value>) -> Result<Example, String> {
    let sentence = require_text(map, "sentence")?;
    let mention = require_str(map, "mention")?;
    let int = |k: &str| match map.get(k) {
        Some(Value::Number(n)) => n
            .as_i64()
            .ok_or_else(|| format!("field `{k}` must be an integer")),
        Some(other) => Err(format!(
            "field `{k}` must be an integer, found {}",
            json_kind(other)
        )),
        None => Err(format!("missing field `{k}`")),
    };
    let polarity = int("polarity")?;
    let stance = polarity_stance(polarity)
        .ok_or_else(|| format!("polarity {polarity} is not -1, 0 or 1"))?;
    let (from, to) = (int("from")?, int("to")?);
    newsmtsc_from_fields(sentence, &mention, (from, to), stance, || {
        field_str(map, "id")
    })
}

/// A NewsMTSC polarity as a stance: 1 pro, 0 none, −1 anti.
pub(crate) fn polarity_stance(polarity: i64) -> Option<Stance> {
    match polarity {
        1 => Some(Stance::Pro),
        0 => Some(Stance::None),
        -1 => Some(Stance::Anti),
        _ => None,
    }
}

/// The example of a NewsMTSC line from its fields. The id is read only
/// once the span checks out, so a line's first problem is the one named.
pub(crate) fn newsmtsc_from_fields(
    sentence: String,
    mention: &str,
    (from, to): (i64, i64),
    stance: Stance,
    id: impl FnOnce() -> Result<Option<String>, String>,
) -> Result<Example, String> {
    // NewsMTSC offsets count characters; the pipeline works in bytes.
    let span = char_span_to_bytes(&sentence, from, to)
        .ok_or_else(|| format!("span {from}..{to} is outside the sentence"))?;
    if sentence[span.0..span.1] != *mention {
        return Err(format!(
            "span {from}..{to} is {:?}, not the mention {mention:?}",
            &sentence[span.0..span.1]
        ));
    }
    let id = id()?.unwrap_or_else(|| id_of_text(&sentence));
    Ok(Example {
        group: fnv1a(sentence.as_bytes()),
        id,
        text: sentence,
        target: "mention".into(),
        span: Some(span),
        stance,
        kind: None,
        source: "data".into(),
        probe_type: None,
    })
}

fn char_span_to_bytes(s: &str, from: i64, to: i64) -> Option<(usize, usize)> {
    if from < 0 || to < from {
        return None;
    }
    let mut starts = s
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(s.len()));
    let a = starts.nth(from as usize)?;
    let b = if to == from {
        a
    } else {
        starts.nth((to - from - 1) as usize)?
    };
    Some((a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Example, String> {
        let v: Value = serde_json::from_str(line).unwrap();
        example_from_json(v.as_object().unwrap())
    }

    #[test]
    fn stance_lines() {
        let e =
            parse(r#"{"id":"a","target":"Hillary Clinton","text":"Go #Hillary","label":"favor"}"#)
                .unwrap();
        assert_eq!(
            (e.target.as_str(), e.stance),
            ("Hillary Clinton", Stance::Pro)
        );
        let e = parse(r#"{"target":"PAK","text":"x","label":"anti"}"#).unwrap();
        assert_eq!(e.stance, Stance::Anti);
        assert!(
            parse(r#"{"target":"PAK","text":"x","label":"maybe"}"#)
                .unwrap_err()
                .contains("unknown label")
        );
        assert!(
            parse(r#"{"target":"PAK","label":"pro"}"#)
                .unwrap_err()
                .contains("`text`")
        );
        assert!(
            parse(r#"{"foo":1}"#)
                .unwrap_err()
                .contains("unknown line format")
        );
    }

    #[test]
    fn newsmtsc_lines_use_character_offsets() {
        let e = parse(r#"{"mention":"Cruz","polarity":-1,"from":10,"to":14,"sentence":"“Senator” Cruz lost.","id":"x"}"#).unwrap();
        assert_eq!(e.stance, Stance::Anti);
        let (a, b) = e.span.unwrap();
        assert_eq!(&e.text[a..b], "Cruz");
        assert!(
            parse(r#"{"mention":"Cruz","polarity":1,"from":0,"to":4,"sentence":"Ted Cruz"}"#)
                .unwrap_err()
                .contains("not the mention")
        );
        assert!(
            parse(r#"{"mention":"Cruz","polarity":2,"from":4,"to":8,"sentence":"Ted Cruz"}"#)
                .unwrap_err()
                .contains("polarity 2")
        );
        assert!(
            parse(r#"{"mention":"Cruz","polarity":1,"from":4,"to":80,"sentence":"Ted Cruz"}"#)
                .unwrap_err()
                .contains("outside")
        );
    }

    #[test]
    fn char_spans() {
        assert_eq!(char_span_to_bytes("aé b", 2, 4), Some((3, 5)));
        assert_eq!(char_span_to_bytes("ab", 2, 2), Some((2, 2)));
        assert_eq!(char_span_to_bytes("ab", 1, 3), None);
    }
}
