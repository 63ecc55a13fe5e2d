//! Line-oriented readers for units that already exist as records (JSON lines
//! or CSV), e.g. comments scraped elsewhere. They stream: one row in, one
//! `Result` out, so a bad row is rejected with its line number and the rest
//! goes on, and memory does not grow with the input.

use std::io::BufRead;
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value};

use super::columns::{Columns, add_field, json_fields};
use super::lines::{LineCounted, LineIndex};
use super::{Unit, UnitKind};
use crate::error::{Location, Rejection};
use crate::limits::{LineCapped, LineRead, LineTooLong, max_line_bytes, read_line_bounded};

/// The lines of a JSON-lines input as every reader of one sees them:
/// numbered from 1, a byte-order mark and surrounding whitespace trimmed,
/// blank lines skipped, invalid UTF-8 rejected with its line, a line
/// longer than [`max_line_bytes`] rejected with its line (without being
/// held in memory), and an I/O error or binary data reported once, ending
/// the input.
pub struct TextLines<R> {
    reader: R,
    file: String,
    line: u64,
    buf: Vec<u8>,
    max: usize,
    done: bool,
}

impl<R: BufRead> TextLines<R> {
    pub fn new(reader: R, file: impl Into<String>) -> Self {
        TextLines {
            reader,
            file: file.into(),
            line: 0,
            buf: Vec::with_capacity(1024),
            max: max_line_bytes(),
            done: false,
        }
    }

    fn here(&self) -> Location {
        Location::new(self.file.clone(), Some(self.line))
    }

    /// Calls `f` with the next non-blank line and where it is; `None` at
    /// the end. (A callback, because the text borrows the line buffer.)
    pub fn next_with<T>(
        &mut self,
        f: impl FnOnce(Location, &str) -> Result<T, Rejection>,
    ) -> Option<Result<T, Rejection>> {
        loop {
            if self.done {
                return None;
            }
            let read = read_line_bounded(&mut self.reader, &mut self.buf, self.max);
            if matches!(read, Ok(LineRead::Eof)) {
                return None;
            }
            self.line += 1;
            let reason = match read {
                Ok(LineRead::Eof | LineRead::Line) => None,
                Ok(LineRead::TooLong) => Some(format!(
                    "line longer than {} bytes (--max-line-bytes); skipped",
                    self.max
                )),
                // An I/O error or binary data ends this input: reported
                // once, not once per line.
                Ok(LineRead::Binary) => {
                    self.done = true;
                    Some(format!(
                        "binary data: a line longer than {} bytes holding NUL bytes; \
                         the rest of this input is skipped",
                        self.max
                    ))
                }
                Err(e) => {
                    self.done = true;
                    Some(format!("read error: {e}"))
                }
            };
            if let Some(reason) = reason {
                return Some(Err(Rejection::new(self.here(), reason)));
            }
            let at = self.here();
            let text = match std::str::from_utf8(&self.buf) {
                Ok(t) => t,
                Err(e) => {
                    let reason = format!("invalid UTF-8 at byte {} of the line", e.valid_up_to());
                    return Some(Err(Rejection::new(at, reason)));
                }
            };
            let text = text.trim_start_matches('\u{feff}').trim();
            if !text.is_empty() {
                return Some(f(at, text));
            }
        }
    }
}

/// A JSON object per line. Blank lines are not rows and are skipped; every
/// other line yields its object or a rejection naming the line.
pub struct JsonLines<R> {
    lines: TextLines<R>,
}

impl<R: BufRead> JsonLines<R> {
    pub fn new(reader: R, file: impl Into<String>) -> Self {
        JsonLines {
            lines: TextLines::new(reader, file),
        }
    }
}

/// One parsed JSON-lines row with where it came from.
pub type JsonRow = (Location, Map<String, Value>);

impl<R: BufRead> Iterator for JsonLines<R> {
    type Item = Result<JsonRow, Rejection>;

    fn next(&mut self) -> Option<Self::Item> {
        self.lines.next_with(|at, text| match json_object(text) {
            Ok(map) => Ok((at, map)),
            Err(reason) => Err(Rejection::new(at, reason)),
        })
    }
}

/// One line's JSON object, or why it is not one.
pub fn json_object(text: &str) -> Result<Map<String, Value>, String> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(format!(
            "expected a JSON object, found {}",
            json_kind(&other)
        )),
        Err(e) => Err(format!("invalid JSON: {e}")),
    }
}

pub fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A string field; ids may also be given as integers.
pub fn field_str(map: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => Ok(Some(n.to_string())),
        Some(other) => Err(format!(
            "field `{key}` must be a string, found {}",
            json_kind(other)
        )),
    }
}

/// A field holding text (a unit's `text`, a stance line's `text`, a
/// NewsMTSC `sentence`): a JSON string only. Ids may be integers
/// (`"unit_id": 3`), but a number where text belongs is a broken export,
/// not a comment that reads "42".
pub fn field_text(map: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match map.get(key) {
        Some(Value::Number(_)) => Err(format!("field `{key}` must be a string, found a number")),
        _ => field_str(map, key),
    }
}

pub fn require_str(map: &Map<String, Value>, key: &str) -> Result<String, String> {
    present(key, field_str(map, key)?)
}

/// [`field_text`], present and not blank.
pub fn require_text(map: &Map<String, Value>, key: &str) -> Result<String, String> {
    present(key, field_text(map, key)?)
}

fn present(key: &str, value: Option<String>) -> Result<String, String> {
    match missing_or_blank(key, value.as_deref()) {
        Some(why) => Err(why),
        None => Ok(value.unwrap_or_default()),
    }
}

/// Why a required field (`doc_id`, `unit_id`, `text`, a target) with this
/// value rejects its row, or `None`: absent (or null), or only
/// whitespace. Readers of columns (the Python package's Arrow batches)
/// reject rows by the same rule and message as the readers of files.
pub fn missing_or_blank(key: &str, value: Option<&str>) -> Option<String> {
    match value {
        Some(s) if !s.trim().is_empty() => None,
        Some(_) => Some(format!("field `{key}` is empty")),
        None => Some(format!("missing field `{key}`")),
    }
}

/// [`missing_or_blank`] for a text, which also may not be longer than
/// the longest line a reader accepts ([`max_line_bytes`]): a file reader
/// never sees a longer one.
pub fn text_problem(key: &str, value: Option<&str>) -> Option<String> {
    missing_or_blank(key, value).or_else(|| {
        let (len, max) = (value.map_or(0, str::len), max_line_bytes());
        (len > max).then(|| {
            format!("field `{key}` is {len} bytes, longer than the longest line ({max} bytes)")
        })
    })
}

/// The kind of a unit from its optional `kind` field: a comment when
/// absent or blank, an error for an unknown kind.
pub fn kind_field(value: Option<&str>) -> Result<UnitKind, String> {
    match value.filter(|s| !s.trim().is_empty()) {
        None => Ok(UnitKind::Comment),
        Some(k) => UnitKind::parse(k)
            .ok_or_else(|| format!("unknown kind {k:?} (expected title, paragraph or comment)")),
    }
}

/// Builds a unit from named fields, however they were stored. `get` returns
/// the text of a column (by the user's name, see [`Columns`]) or an error
/// for a field of the wrong type; `doc` is the document of rows without a
/// document column (renamed columns only).
pub(crate) fn unit_from_fields(
    get: impl Fn(&str) -> Result<Option<String>, String>,
    cols: &Columns,
    doc: Option<&str>,
) -> Result<Unit, String> {
    let required = |field: &str| {
        let key = cols.name(field);
        present(key, get(key)?)
    };
    let optional = |key: &str| -> Result<Option<String>, String> {
        Ok(get(key)?.filter(|s| !s.trim().is_empty()))
    };
    let kind = kind_field(optional("kind")?.as_deref())?;
    let doc_id = match (get(&cols.doc)?, doc) {
        (None, Some(d)) => d.to_string(),
        _ => required("doc_id")?,
    };
    Ok(Unit {
        doc_id,
        unit_id: required("unit_id")?,
        kind,
        author: optional("author")?,
        posted_at: optional("posted_at")?,
        text: required("text")?,
        fields: None,
    })
}

/// A unit from a JSON object (`doc_id`, `unit_id`, `text`; optional `kind`
/// — `comment` when absent —, `author`, `posted_at`); every other key is
/// kept in its `fields`.
pub fn unit_from_json(map: &Map<String, Value>) -> Result<Unit, String> {
    unit_from_json_with(map, &Columns::default(), None)
}

/// [`unit_from_json`] with the user's column names.
pub fn unit_from_json_with(
    map: &Map<String, Value>,
    cols: &Columns,
    doc: Option<&str>,
) -> Result<Unit, String> {
    // The text must be a string (`"text": 42` is a mistake, not a text);
    // ids may be numbers.
    let text = cols.name("text");
    let get = |k: &str| {
        if k == text {
            field_text(map, k)
        } else {
            field_str(map, k)
        }
    };
    let mut u = unit_from_fields(get, cols, doc)?;
    u.fields = json_fields(map, cols);
    Ok(u)
}

/// Streams units from JSON lines.
pub fn json_units<R: BufRead>(
    reader: R,
    file: impl Into<String>,
) -> impl Iterator<Item = Result<(Location, Unit), Rejection>> {
    json_units_with(reader, file.into(), &Columns::default(), None)
}

/// [`json_units`] by the user's key names; `doc` names the document of
/// lines without one (renamed columns only).
pub fn json_units_with<R: BufRead>(
    reader: R,
    file: String,
    cols: &Columns,
    doc: Option<String>,
) -> impl Iterator<Item = Result<(Location, Unit), Rejection>> + use<R> {
    let cols = cols.clone();
    JsonLines::new(reader, file).map(move |row| {
        let (at, map) = row?;
        match unit_from_json_with(&map, &cols, doc.as_deref()) {
            Ok(u) => Ok((at, u)),
            Err(reason) => Err(Rejection::new(at, reason)),
        }
    })
}

/// CSV with a header row; each record yields its fields by column name, or a
/// rejection with the record's line.
pub struct CsvRows<R: std::io::Read> {
    reader: csv::Reader<LineCounted<LineCapped<R>>>,
    delimiter: u8,
    lines: Arc<Mutex<LineIndex>>,
    file: String,
    header: Result<Vec<String>, Rejection>,
    record: csv::ByteRecord,
    done: bool,
}

impl<R: std::io::Read> CsvRows<R> {
    pub fn new(reader: R, file: impl Into<String>) -> Self {
        Self::with_delimiter(reader, file, b',')
    }

    /// CSV with another field separator (`\t` for TSV).
    pub fn with_delimiter(reader: R, file: impl Into<String>, delimiter: u8) -> Self {
        let file = file.into();
        // The csv crate holds a whole record in memory: lines are capped.
        let (reader, lines) = LineCounted::new(LineCapped::new(reader, max_line_bytes()));
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(reader);
        let header = match reader.byte_headers() {
            Ok(h) => h
                .iter()
                .map(|f| {
                    std::str::from_utf8(f)
                        .map(|s| s.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
                        .map_err(|_| {
                            Rejection::new(
                                Location::new(file.clone(), Some(1)),
                                "invalid UTF-8 in header",
                            )
                        })
                })
                .collect::<Result<Vec<String>, Rejection>>()
                .and_then(|names| unique_columns(names, &file)),
            Err(e) => Err(Rejection::new(
                Location::new(file.clone(), Some(1)),
                format!("cannot read CSV header: {e}"),
            )),
        };
        CsvRows {
            reader,
            delimiter,
            lines,
            file,
            header,
            record: csv::ByteRecord::new(),
            done: false,
        }
    }

    /// Column names, lowercased.
    pub fn header(&self) -> Result<&[String], &Rejection> {
        self.header.as_deref()
    }

    fn location(&self, position: Option<&csv::Position>) -> Location {
        let line = position.map(|p| {
            self.lines
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .line_at(p.byte())
        });
        Location::new(self.file.clone(), line)
    }
}

/// The header's names, unless a name (other than blank, as spreadsheets
/// export for unused columns) is given twice: which of two `text` columns
/// is meant cannot be guessed, and taking the first silently loses data.
fn unique_columns(names: Vec<String>, file: &str) -> Result<Vec<String>, Rejection> {
    for (i, name) in names.iter().enumerate() {
        if !name.is_empty() && names[..i].contains(name) {
            return Err(Rejection::new(
                Location::new(file.to_string(), Some(1)),
                format!("the header names the column `{name}` twice"),
            ));
        }
    }
    Ok(names)
}

/// One CSV record keyed by column name.
pub struct CsvRow {
    pub at: Location,
    pub fields: Vec<(String, String)>,
}

impl CsvRow {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

impl<R: std::io::Read> Iterator for CsvRows<R> {
    type Item = Result<CsvRow, Rejection>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let header = match &self.header {
            Ok(h) => h.len(),
            Err(r) => {
                self.done = true;
                return Some(Err(r.clone()));
            }
        };
        // A loop, not recursion: blank records (`,,` rows that spreadsheets
        // export below the data) can number in the hundreds of thousands.
        loop {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true) => {
                    let at = self.location(self.record.position());
                    if self
                        .record
                        .iter()
                        .all(|f| f.iter().all(u8::is_ascii_whitespace))
                    {
                        continue;
                    }
                    return Some(self.row(at, header));
                }
                Err(e) => {
                    self.done = !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. });
                    if let csv::ErrorKind::Io(io) = e.kind()
                        && let Some(long) = LineTooLong::of(io)
                    {
                        let at = Location::new(self.file.clone(), Some(long.line));
                        let reason = format!(
                            "line longer than {} bytes (--max-line-bytes); a quoted field \
                             may span lines, so the rest of this CSV file is skipped",
                            long.max
                        );
                        return Some(Err(Rejection::new(at, reason)));
                    }
                    let at = self.location(e.position());
                    return Some(Err(Rejection::new(at, format!("malformed CSV: {e}"))));
                }
            }
        }
    }
}

impl<R: std::io::Read> CsvRows<R> {
    /// The current record as named fields, once it is known not to be blank.
    fn row(&self, at: Location, width: usize) -> Result<CsvRow, Rejection> {
        if self.record.len() != width {
            let reason = format!("{} fields, the header has {width}", self.record.len());
            return Err(Rejection::new(at, reason));
        }
        let swallowed = swallowed_lines(&self.record, width, self.delimiter, at.line);
        if let (Some(first), Some(last)) = (swallowed.first(), swallowed.last()) {
            let reason = format!(
                "a quoted field runs over line breaks and lines {first}–{last} look like records \
                 of their own: an unterminated quote? ({} line(s) read as part of this row)",
                swallowed.len()
            );
            return Err(Rejection::new(at, reason));
        }
        let names = self.header.as_deref().unwrap_or_default();
        let mut fields = Vec::with_capacity(width);
        for (name, value) in names.iter().zip(self.record.iter()) {
            match std::str::from_utf8(value) {
                Ok(v) => fields.push((name.clone(), v.to_string())),
                Err(_) => {
                    let reason = format!("invalid UTF-8 in column `{name}`");
                    return Err(Rejection::new(at, reason));
                }
            }
        }
        Ok(CsvRow { at, fields })
    }
}

/// The lines inside `record` (which starts on line `start`) that look like
/// records of their own: after a line break within a field, a line of
/// exactly `width` fields whose first is a non-empty token without spaces
/// (an id) and whose separators are not followed by a space. That is what
/// an unterminated quote leaves behind — the rows below it read as one
/// field — and rare in prose (`see, here, it`), which this rule must let
/// through.
fn swallowed_lines(
    record: &csv::ByteRecord,
    width: usize,
    delimiter: u8,
    start: Option<u64>,
) -> Vec<u64> {
    let Some(start) = start.filter(|_| width > 1) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut breaks = 0u64;
    for field in record.iter() {
        let mut lines = field.split(|&b| b == b'\n');
        lines.next();
        for line in lines {
            breaks += 1;
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let first = line.split(|&b| b == delimiter).next().unwrap_or_default();
            let looks_like_record = line.split(|&b| b == delimiter).count() == width
                && !first.is_empty()
                && !first.iter().any(u8::is_ascii_whitespace)
                && !line
                    .windows(2)
                    .any(|w| w[0] == delimiter && w[1].is_ascii_whitespace());
            if looks_like_record {
                out.push(start + breaks);
            }
        }
    }
    out
}

/// Streams units from CSV with a header naming at least `doc_id`, `unit_id`
/// and `text`.
pub fn csv_units<R: std::io::Read>(
    reader: R,
    file: impl Into<String>,
) -> impl Iterator<Item = Result<(Location, Unit), Rejection>> {
    csv_units_with(CsvRows::new(reader, file), &Columns::default(), None)
}

/// Units from CSV rows by the user's column names; every other non-empty
/// column is kept in the unit's `fields`. `doc` names the document when
/// the columns are renamed and the header has no document column.
pub fn csv_units_with<R: std::io::Read>(
    rows: CsvRows<R>,
    cols: &Columns,
    doc: Option<&str>,
) -> impl Iterator<Item = Result<(Location, Unit), Rejection>> + use<R> {
    // Headers are matched lowercased (see `CsvRows::new`).
    let cols = Columns {
        doc: cols.doc.to_ascii_lowercase(),
        unit: cols.unit.to_ascii_lowercase(),
        text: cols.text.to_ascii_lowercase(),
    };
    let doc = match rows.header() {
        Ok(h) if !h.contains(&cols.doc) => doc.map(str::to_string),
        _ => None,
    };
    let mut needed = vec![cols.unit.as_str(), cols.text.as_str()];
    if doc.is_none() {
        needed.insert(0, cols.doc.as_str());
    }
    let missing: Option<Rejection> = match rows.header() {
        Ok(h) => needed.iter().find(|c| !h.iter().any(|x| x == *c)).map(|c| {
            Rejection::new(
                Location::new(rows.file.clone(), Some(1)),
                format!("CSV header lacks the column `{c}`"),
            )
        }),
        Err(_) => None,
    };
    let (rows, missing) = match missing {
        Some(r) => (None, Some(Err(r))),
        None => (Some(rows), None),
    };
    missing
        .into_iter()
        .chain(rows.into_iter().flatten().map(move |row| {
            let row = row?;
            let get = |k: &str| Ok(row.get(k).map(str::to_string));
            match unit_from_fields(get, &cols, doc.as_deref()) {
                Ok(mut u) => {
                    for (k, v) in &row.fields {
                        if !v.is_empty() && !cols.is_unit_field(k) {
                            add_field(&mut u.fields, k, Value::String(v.clone()));
                        }
                    }
                    Ok((row.at, u))
                }
                Err(reason) => Err(Rejection::new(row.at, reason)),
            }
        }))
}

#[cfg(test)]
mod tests;
