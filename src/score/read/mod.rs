//! Reading records to score from JSON lines, fast.
//!
//! [`JsonLines`](crate::corpus::records::JsonLines) parses every line into a
//! `serde_json::Value` tree (an allocation per key and value) before
//! [`record_from_json`] picks the fields it needs. Here each line is first
//! parsed straight into the fields a record can have, borrowing strings from
//! the line, and the record is built from them when the line is one of the
//! usual, valid shapes. Anything else — invalid JSON, a field of an unusual
//! type, a value a record would reject — goes the old way, so rejections and
//! their messages are exactly the old ones. Where both ways accept a line
//! they build the same record (tested below): the fast way parses with the
//! same parser (`deserialize_any` everywhere, so the same recursion limit,
//! number range and string checks), later duplicate keys win as in a `Map`,
//! and the record rules are those of `record_from_json`.

use std::borrow::Cow;
use std::fmt;
use std::io::BufRead;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::{Record, record_from_json, record_from_json_with};
use crate::corpus::columns::{Columns, add_field};
use crate::corpus::records::{TextLines, json_object};
use crate::corpus::{Unit, UnitKind};
use crate::dataset::Example;
use crate::dataset::readers::{newsmtsc_from_fields, stance_from_fields};
use crate::error::{Location, Rejection};
use crate::labels::Stance;

/// Records from JSON lines, one per non-blank line, or a rejection naming
/// the line — line for line what `JsonLines` + `record_from_json` give.
pub struct JsonRecords<R> {
    lines: TextLines<R>,
    /// Renamed columns and the document of lines without one; `None` for
    /// the standard names, the only case the fast way reads.
    mapped: Option<(Columns, Option<String>)>,
}

impl<R: BufRead> JsonRecords<R> {
    pub fn new(reader: R, file: impl Into<String>) -> Self {
        JsonRecords {
            lines: TextLines::new(reader, file),
            mapped: None,
        }
    }

    /// Lines with the user's key names (`doc`: the document of lines that
    /// name none). Renamed keys are rare enough to go the old way.
    pub fn with_columns(mut self, cols: &Columns, doc: Option<String>) -> Self {
        if !cols.is_default() {
            self.mapped = Some((cols.clone(), doc));
        }
        self
    }
}

impl<R: BufRead> Iterator for JsonRecords<R> {
    type Item = Result<(Location, Record), Rejection>;

    fn next(&mut self) -> Option<Self::Item> {
        let mapped = &self.mapped;
        self.lines.next_with(|at, text| {
            if let Some((cols, doc)) = mapped {
                return match json_object(text)
                    .and_then(|m| record_from_json_with(m, cols, doc.as_deref()))
                {
                    Ok(r) => Ok((at, r)),
                    Err(reason) => Err(Rejection::new(at, reason)),
                };
            }
            if let Some(rec) = fast_record(text) {
                return Ok((at, rec));
            }
            match json_object(text).and_then(record_from_json) {
                Ok(r) => Ok((at, r)),
                Err(reason) => Err(Rejection::new(at, reason)),
            }
        })
    }
}

/// The record of a JSON object line when it is one of the usual valid
/// shapes; `None` sends the line the old way.
pub(crate) fn fast_record(text: &str) -> Option<Record> {
    let line: Line<'_> = serde_json::from_str(text).ok()?;
    line.record()
}

/// One field's value, as far as records care. `Absent` is a missing key
/// (`Null` is a key with `null`: present, as `Map::contains_key` sees it).
#[derive(Debug, Default)]
enum Field<'a> {
    #[default]
    Absent,
    Null,
    Str(Cow<'a, str>),
    U64(u64),
    I64(i64),
    /// A float, boolean, array or object: no record takes one here.
    Other,
}

impl Field<'_> {
    fn present(&self) -> bool {
        !matches!(self, Field::Absent)
    }

    /// `field_str`: a string, or an integer as text; `None` when missing or
    /// null; `Err` (the old way decides) for anything else.
    fn text(&self) -> Result<Option<String>, ()> {
        match self {
            Field::Absent | Field::Null => Ok(None),
            Field::Str(s) => Ok(Some(s.to_string())),
            Field::U64(n) => Ok(Some(n.to_string())),
            Field::I64(n) => Ok(Some(n.to_string())),
            Field::Other => Err(()),
        }
    }

    /// `require_str`: present and not blank.
    fn required(&self) -> Option<String> {
        self.text().ok()?.filter(|s| !s.trim().is_empty())
    }

    /// `require_text`: a string (a number is no text), not blank.
    fn required_text(&self) -> Option<String> {
        match self {
            Field::Str(s) if !s.trim().is_empty() => Some(s.to_string()),
            _ => None,
        }
    }

    /// The `optional` of `unit_from_fields`: blank counts as missing.
    fn optional(&self) -> Result<Option<String>, ()> {
        Ok(self.text()?.filter(|s| !s.trim().is_empty()))
    }

    /// `Number::as_i64` of an integer field.
    fn int(&self) -> Option<i64> {
        match *self {
            Field::U64(n) => i64::try_from(n).ok(),
            Field::I64(n) => Some(n),
            _ => None,
        }
    }
}

/// The fields records are made of. A gold `label` or `polarity` is read
/// only to tell a unit's extra columns from a target line's keys: scoring
/// ignores it (and so does not check it); every other key is kept as a
/// unit's extra field (parsed into a value only when there is one).
#[derive(Debug, Default)]
struct Line<'a> {
    extra: Option<Map<String, Value>>,
    /// A `fields` object (what `score` and `ingest` write), merged under
    /// the other extras at the end, as `json_fields` does.
    nested: Option<Value>,
    doc_id: Field<'a>,
    unit_id: Field<'a>,
    text: Field<'a>,
    kind: Field<'a>,
    author: Field<'a>,
    posted_at: Field<'a>,
    target: Field<'a>,
    id: Field<'a>,
    sentence: Field<'a>,
    mention: Field<'a>,
    from: Field<'a>,
    to: Field<'a>,
    label: Field<'a>,
    polarity: Field<'a>,
}

impl Line<'_> {
    /// `record_from_json`, for lines it accepts without a question.
    fn record(self) -> Option<Record> {
        if self.sentence.present() && self.mention.present() {
            return self.newsmtsc().map(Record::Target);
        }
        if self.target.present() {
            return self.stance().map(Record::Target);
        }
        self.unit().map(Record::Unit)
    }

    fn unit(self) -> Option<Unit> {
        // Keys of other record kinds are a unit's extras: the old way
        // keeps them.
        let foreign = [&self.label, &self.id, &self.from, &self.to, &self.polarity];
        if foreign.iter().any(|f| f.present()) || self.mention.present() || self.sentence.present()
        {
            return None;
        }
        let mut fields = self.extra;
        if let Some(nested) = self.nested {
            add_field(&mut fields, "fields", nested);
        }
        let kind = match self.kind.optional().ok()? {
            None => UnitKind::Comment,
            Some(k) => UnitKind::parse(&k)?,
        };
        Some(Unit {
            doc_id: self.doc_id.required()?,
            unit_id: self.unit_id.required()?,
            kind,
            author: self.author.optional().ok()?,
            posted_at: self.posted_at.optional().ok()?,
            text: self.text.required_text()?,
            fields,
        })
    }

    /// A `{text, target}` line; its gold label, if any, is ignored.
    fn stance(self) -> Option<Example> {
        // With a sentence (and a polarity) the line is read as NewsMTSC.
        if self.sentence.present() {
            return None;
        }
        let text = self.text.required_text()?;
        let target = self.target.required()?;
        let id = self.id.text().ok()?;
        Some(stance_from_fields(text, &target, Stance::None, id))
    }

    /// A NewsMTSC line; its polarity, if any, is ignored.
    fn newsmtsc(self) -> Option<Example> {
        let sentence = self.sentence.required_text()?;
        let mention = self.mention.required()?;
        let stance = Stance::None;
        let (from, to) = (self.from.int()?, self.to.int()?);
        let id = || self.id.text().map_err(|_| String::new());
        newsmtsc_from_fields(sentence, &mention, (from, to), stance, id).ok()
    }
}

impl<'de> Deserialize<'de> for Line<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LineVisitor)
    }
}

struct LineVisitor;

impl<'de> Visitor<'de> for LineVisitor {
    type Value = Line<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Line<'de>, A::Error> {
        let mut line = Line::default();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let slot = match key.0.as_ref() {
                "doc_id" => &mut line.doc_id,
                "unit_id" => &mut line.unit_id,
                "text" => &mut line.text,
                "kind" => &mut line.kind,
                "author" => &mut line.author,
                "posted_at" => &mut line.posted_at,
                "target" => &mut line.target,
                "id" => &mut line.id,
                "sentence" => &mut line.sentence,
                "mention" => &mut line.mention,
                "from" => &mut line.from,
                "to" => &mut line.to,
                "label" => &mut line.label,
                "polarity" => &mut line.polarity,
                "fields" => {
                    line.nested = Some(map.next_value()?);
                    continue;
                }
                other => {
                    let value: Value = map.next_value()?;
                    add_field(&mut line.extra, other, value);
                    continue;
                }
            };
            // A later duplicate key wins, as in a `Map`.
            *slot = map.next_value()?;
        }
        Ok(line)
    }
}

/// A key, borrowed when it has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for Field<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FieldVisitor)
    }
}

struct FieldVisitor;

impl<'de> Visitor<'de> for FieldVisitor {
    type Value = Field<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Field<'de>, E> {
        Ok(Field::Other)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Field<'de>, E> {
        Ok(Field::I64(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Field<'de>, E> {
        Ok(Field::U64(v))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Field<'de>, E> {
        Ok(Field::Other)
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Field<'de>, E> {
        Ok(Field::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Field<'de>, E> {
        Ok(Field::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Field<'de>, E> {
        Ok(Field::Str(Cow::Owned(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Field<'de>, E> {
        Ok(Field::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Field<'de>, E> {
        Ok(Field::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Field<'de>, A::Error> {
        SkipVisitor.visit_seq(seq)?;
        Ok(Field::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Field<'de>, A::Error> {
        SkipVisitor.visit_map(map)?;
        Ok(Field::Other)
    }
}

/// Any JSON value, parsed as a `Value` would be and dropped.
struct Skip;

impl<'de> Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SkipVisitor)
    }
}

impl<'de> DeserializeSeed<'de> for SkipVisitor {
    type Value = Skip;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Skip, D::Error> {
        d.deserialize_any(self)
    }
}

#[derive(Clone, Copy)]
struct SkipVisitor;

impl<'de> Visitor<'de> for SkipVisitor {
    type Value = Skip;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_none<E: de::Error>(self) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skip, A::Error> {
        while seq.next_element_seed(SkipVisitor)?.is_some() {}
        Ok(Skip)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skip, A::Error> {
        while map.next_key::<Key<'de>>()?.is_some() {
            map.next_value_seed(SkipVisitor)?;
        }
        Ok(Skip)
    }
}

#[cfg(test)]
mod tests;
