//! Batch scoring: records in (units, or target-given lines), score records
//! out, in input order. Inputs stream in bounded chunks that are scored in
//! parallel, so memory stays flat however long the input is.

mod output;

pub use output::{CsvLayout, ScoreRecord, excerpt, write_csv_header, write_record};

use rayon::prelude::*;
use serde_json::{Map, Value};

use crate::corpus::Unit;
use crate::corpus::ingest::{Input, Reader, Stream, expand, open_with};
use crate::corpus::records::JsonLines;
use crate::dataset::Example;
use crate::dataset::readers::example_from_json;
use crate::error::Rejection;
use crate::model::StanceModel;
use crate::model::predict::Scratch;

/// One thing to score.
#[derive(Debug, Clone)]
pub enum Record {
    /// A unit: sentiment and stance toward every actor.
    Unit(Unit),
    /// A text with one given target (stance JSON lines, NewsMTSC lines).
    Target(Example),
}

/// Units or target lines from a JSON object: `doc_id`/`unit_id`/`text` is a
/// unit; `target` or `sentence`+`mention` is a target line (a gold label, if
/// present, is ignored).
pub fn record_from_json(mut map: Map<String, Value>) -> Result<Record, String> {
    if map.contains_key("sentence") && map.contains_key("mention") {
        map.entry("polarity").or_insert(Value::from(0));
        return example_from_json(&map).map(Record::Target);
    }
    if map.contains_key("target") {
        map.entry("label").or_insert(Value::from("none"));
        return example_from_json(&map).map(Record::Target);
    }
    crate::corpus::records::unit_from_json(&map).map(Record::Unit)
}

fn json_records(reader: Reader, name: String) -> Stream<Record> {
    Box::new(JsonLines::new(reader, name).map(|row| {
        let (at, map) = row?;
        match record_from_json(map) {
            Ok(r) => Ok((at, r)),
            Err(reason) => Err(Rejection::new(at, reason)),
        }
    }))
}

/// All inputs as one stream of records.
pub fn records(inputs: &[Input]) -> impl Iterator<Item = Result<Record, Rejection>> + Send {
    expand(inputs)
        .into_iter()
        .flat_map(|i| -> Stream<Record> {
            match i {
                Ok(input) => open_with(&input, json_records, Record::Unit),
                Err(r) => Box::new(std::iter::once(Err(r))),
            }
        })
        .map(|r| r.map(|(_, rec)| rec))
}

/// Scores one record.
pub fn score_record(model: &StanceModel, rec: &Record, s: &mut Scratch) -> ScoreRecord {
    match rec {
        Record::Unit(u) => {
            let sc = model.score_unit(&u.text, s);
            ScoreRecord::unit(model, u, sc)
        }
        Record::Target(e) => {
            let mut p = Vec::new();
            let mentioned = model
                .stance_proba(&e.text, &e.target, e.span, s, &mut p)
                .unwrap_or(false);
            ScoreRecord::target(model, e, p, mentioned)
        }
    }
}

/// Counts for the closing summary: `read = scored + rejected` always.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScoreSummary {
    pub read: u64,
    pub scored: u64,
    pub rejected: u64,
}

impl std::fmt::Display for ScoreSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "read {}, scored {}, rejected {}",
            self.read, self.scored, self.rejected
        )
    }
}

/// Records per parallel chunk: large enough to keep the cores busy, small
/// enough that memory does not depend on the input size.
pub const CHUNK: usize = 8192;

/// Streams `input` through the model: `emit` gets each score in input order,
/// `reject` each rejected row. Stops at the first error either returns.
pub fn score_stream<E>(
    model: &StanceModel,
    input: impl Iterator<Item = Result<Record, Rejection>>,
    mut emit: impl FnMut(&ScoreRecord) -> Result<(), E>,
    mut reject: impl FnMut(&Rejection) -> Result<(), E>,
    mut progress: impl FnMut(u64),
) -> Result<ScoreSummary, E> {
    let mut summary = ScoreSummary::default();
    let mut input = input.peekable();
    let mut chunk: Vec<Result<Record, Rejection>> = Vec::with_capacity(CHUNK);
    while input.peek().is_some() {
        chunk.clear();
        chunk.extend(input.by_ref().take(CHUNK));
        let scored: Vec<Option<ScoreRecord>> = chunk
            .par_iter()
            .map_init(Scratch::default, |s, r| {
                r.as_ref().ok().map(|rec| score_record(model, rec, s))
            })
            .collect();
        for (item, score) in chunk.iter().zip(&scored) {
            summary.read += 1;
            match (item, score) {
                (Ok(_), Some(sc)) => {
                    summary.scored += 1;
                    emit(sc)?;
                }
                (Err(r), _) => {
                    summary.rejected += 1;
                    reject(r)?;
                }
                (Ok(_), None) => unreachable!("every record is scored"),
            }
        }
        progress(chunk.len() as u64);
    }
    Ok(summary)
}
