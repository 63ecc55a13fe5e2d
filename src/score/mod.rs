//! Batch scoring: records in (units, or target-given lines), score records
//! out, in input order. Inputs stream in bounded chunks that are scored in
//! parallel, so memory stays flat however long the input is.

mod columns;
mod output;
mod read;

pub use columns::{ScoreColumns, SentimentColumns, score_columns};
pub use output::{
    ActorScore, CsvLayout, ScoreRecord, SentimentProbs, StanceProbs, excerpt, excerpt_into, round4,
    sentiment_label, stance_label, write_csv_header, write_record,
};
pub use read::JsonRecords;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{RecvTimeoutError, sync_channel};
use std::time::Duration;

use rayon::prelude::*;
use serde_json::{Map, Value};

use crate::corpus::Dedup;
use crate::corpus::Unit;
use crate::corpus::columns::Columns;
use crate::corpus::ingest::{Input, ReadOptions, Stream, expand, open_with, text_units};
use crate::dataset::Example;
use crate::dataset::readers::example_from_json;
use crate::error::Rejection;
use crate::model::StanceModel;
use crate::model::predict::Scratch;
use output::{WriteScratch, write_target_json, write_unit_json};

/// One thing to score.
#[derive(Debug, Clone)]
pub enum Record {
    /// A unit: sentiment and stance toward every actor.
    Unit(Unit),
    /// A text with one given target (stance JSON lines, NewsMTSC lines).
    Target(Example),
}

/// Units or target lines from a JSON object: `doc_id`/`unit_id`/`text` is a
/// unit; `target` or `sentence`+`mention` is a target line.
///
/// The rule for what scoring does not use: it is not checked. A target
/// line's gold label (`label`, `polarity`) and probe `type` are neither
/// read nor written by `score`, so a missing or invalid one never rejects
/// the line (it would in `train` and `eval`, which use them).
pub fn record_from_json(map: Map<String, Value>) -> Result<Record, String> {
    record_from_json_with(map, &Columns::default(), None)
}

/// [`record_from_json`] with the user's unit column names (`doc`: the
/// document of unit lines that name none).
pub fn record_from_json_with(
    mut map: Map<String, Value>,
    cols: &Columns,
    doc: Option<&str>,
) -> Result<Record, String> {
    if map.contains_key("sentence") && map.contains_key("mention") {
        map.insert("polarity".into(), Value::from(0));
        return example_from_json(&map).map(Record::Target);
    }
    if map.contains_key("target") {
        map.insert("label".into(), Value::from("none"));
        map.remove("type");
        return example_from_json(&map).map(Record::Target);
    }
    crate::corpus::records::unit_from_json_with(&map, cols, doc).map(Record::Unit)
}

/// All inputs as one stream of records: `texts` (`--text`) first, then
/// the inputs read by `opts`. The second unit of a key already read is
/// rejected ([`Dedup`]), as `ingest` does. The stream owns what it reads
/// (it borrows nothing from `inputs`), so it can be read on another thread.
pub fn records(
    inputs: &[Input],
    texts: &[String],
    opts: &ReadOptions,
) -> impl Iterator<Item = Result<Record, Rejection>> + Send + 'static + use<> {
    let opts = opts.clone();
    let texts = text_units(texts).map(|r| r.map(|(at, u)| (at, Record::Unit(u))));
    let files = expand(inputs)
        .into_iter()
        .flat_map(move |i| -> Stream<Record> {
            match i {
                Ok(input) => open_with(
                    &input,
                    &opts,
                    |reader, name, doc| {
                        let cols = opts.columns.clone();
                        Box::new(JsonRecords::new(reader, name).with_columns(&cols, doc))
                    },
                    Record::Unit,
                ),
                Err(r) => Box::new(std::iter::once(Err(r))),
            }
        });
    let mut seen = Dedup::default();
    texts.chain(files).map(move |r| {
        let (at, rec) = r?;
        if let Record::Unit(u) = &rec {
            seen.check(&at, u)?;
        }
        Ok(rec)
    })
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

/// Bytes a chunk may hold, in and out: rows are not all alike (a 4 MiB
/// comment, a model of 10,000 actors writing ~1 MB a row), and 8,192 of
/// the largest would need gigabytes.
pub const CHUNK_BYTES: usize = 64 << 20;

/// Records per parallel task within a chunk: each task writes the output of its
/// records into one buffer.
const GRAIN: usize = 256;

/// What one row's score record takes, about: an actor's entry is under
/// 128 bytes of JSON or CSV, the ids and excerpt under 512.
fn output_bytes(actors: usize) -> usize {
    512 + 128 * actors
}

/// Rows per chunk for a model with `actors` actors: [`CHUNK`], or fewer
/// when their output would pass [`CHUNK_BYTES`].
pub fn chunk_rows(actors: usize) -> usize {
    (CHUNK_BYTES / output_bytes(actors)).clamp(1, CHUNK)
}

/// The memory a row holds while it waits to be scored, about.
fn input_bytes(row: &Result<Record, Rejection>) -> usize {
    let held = match row {
        Ok(Record::Unit(u)) => u.text.len() + u.doc_id.len() + u.unit_id.len(),
        Ok(Record::Target(e)) => e.text.len() + e.target.len() + e.id.len(),
        Err(r) => r.reason.len() + r.at.file.len(),
    };
    held + 128
}

/// The next chunk of `input`: up to `rows` rows and, past the first row,
/// up to [`CHUNK_BYTES`] of them. Empty at the end.
pub fn take_chunk(
    input: &mut impl Iterator<Item = Result<Record, Rejection>>,
    rows: usize,
) -> Vec<Result<Record, Rejection>> {
    let mut chunk = Vec::new();
    let mut bytes = 0;
    while chunk.len() < rows && bytes < CHUNK_BYTES {
        let Some(row) = input.next() else { break };
        bytes += input_bytes(&row);
        chunk.push(row);
    }
    chunk
}

/// Rows per parallel task for a chunk of `rows`: [`GRAIN`], or fewer so a
/// small chunk still spreads across the threads.
fn grain(rows: usize) -> usize {
    (rows / (4 * rayon::current_num_threads())).clamp(1, GRAIN)
}

/// What a task makes of its slice of a chunk: the output of the scored
/// records back to back, and per input row, in order, where its output
/// ends or why it was rejected.
struct Part {
    bytes: Vec<u8>,
    items: Vec<Item>,
}

enum Item {
    Scored(usize),
    Rejected(Rejection),
}

/// Per-thread buffers of [`score_part`].
#[derive(Default)]
struct PartScratch<'m> {
    score: Scratch,
    write: WriteScratch<'m>,
    probs: Vec<f32>,
}

/// Scores `rows` and writes their records, as JSON lines or in `csv`.
fn score_part<'m>(
    model: &'m StanceModel,
    rows: &[Result<Record, Rejection>],
    csv: Option<&CsvLayout>,
    s: &mut PartScratch<'m>,
) -> Part {
    let mut part = Part {
        bytes: Vec::with_capacity(rows.len() * 512),
        items: Vec::with_capacity(rows.len()),
    };
    for row in rows {
        let rec = match row {
            Ok(rec) => rec,
            Err(r) => {
                part.items.push(Item::Rejected(r.clone()));
                continue;
            }
        };
        match (csv, rec) {
            (Some(layout), rec) => {
                let r = score_record(model, rec, &mut s.score);
                write_record(&mut part.bytes, &r, Some(layout)).expect("writing to memory");
            }
            (None, Record::Unit(u)) => {
                let score = model.score_unit_ref(&u.text, &mut s.score);
                write_unit_json(&mut part.bytes, model, u, &score, &mut s.write);
            }
            (None, Record::Target(e)) => {
                s.probs.clear();
                let mentioned = model
                    .stance_proba(&e.text, &e.target, e.span, &mut s.score, &mut s.probs)
                    .unwrap_or(false);
                write_target_json(&mut part.bytes, model, e, &s.probs, mentioned, &mut s.write);
            }
        }
        part.items.push(Item::Scored(part.bytes.len()));
    }
    part
}

/// Scores `input` and writes the records, JSON lines (or CSV rows in
/// `csv`), in input order through `write`; `reject` gets each rejected row,
/// `progress` the rows done after each chunk. Stops at the first error
/// `write` or `reject` returns — after writing every record of the rows
/// before it, as [`score_stream`] does.
///
/// Three stages overlap: a reader thread parses chunk N + 1 while the
/// rayon pool scores chunk N (each task writing its records into a
/// buffer) and the calling thread writes chunk N − 1. Channels hold one
/// chunk each, so memory stays flat however long the input is. The output
/// is byte for byte what `score_stream` with `write_record` gives.
pub fn score_to_writer<E>(
    model: &StanceModel,
    input: impl Iterator<Item = Result<Record, Rejection>> + Send + 'static,
    csv: Option<&CsvLayout>,
    mut write: impl FnMut(&[u8]) -> Result<(), E>,
    mut reject: impl FnMut(&Rejection) -> Result<(), E>,
    mut progress: impl FnMut(u64),
) -> Result<ScoreSummary, E> {
    // The reader is not joined: after an error it may be blocked reading
    // a pipe, and it ends on its own when its next chunk cannot be sent.
    let (in_tx, in_rx) = sync_channel::<Vec<Result<Record, Rejection>>>(1);
    let rows = chunk_rows(model.actors().len());
    std::thread::Builder::new()
        .name("stance-read".into())
        .spawn(move || {
            let mut input = input;
            loop {
                let chunk = take_chunk(&mut input, rows);
                if chunk.is_empty() || in_tx.send(chunk).is_err() {
                    break;
                }
            }
        })
        .expect("cannot start the reader thread");
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let (out_tx, out_rx) = sync_channel::<Vec<Part>>(1);
        let stop = &stop;
        scope.spawn(move || {
            loop {
                let chunk = match in_rx.recv_timeout(Duration::from_millis(20)) {
                    Ok(c) => c,
                    Err(RecvTimeoutError::Timeout) if !stop.load(Ordering::Relaxed) => continue,
                    Err(_) => return,
                };
                let parts: Vec<Part> = chunk
                    .par_chunks(grain(chunk.len()))
                    .map_init(PartScratch::default, |s, rows| {
                        score_part(model, rows, csv, s)
                    })
                    .collect();
                drop(chunk);
                if out_tx.send(parts).is_err() {
                    return;
                }
            }
        });
        let mut summary = ScoreSummary::default();
        let mut written = || -> Result<(), E> {
            for parts in &out_rx {
                let mut rows = 0u64;
                for part in &parts {
                    let mut start = 0;
                    let mut end = 0;
                    for item in &part.items {
                        rows += 1;
                        summary.read += 1;
                        match item {
                            Item::Scored(e) => {
                                summary.scored += 1;
                                end = *e;
                            }
                            Item::Rejected(r) => {
                                if end > start {
                                    write(&part.bytes[start..end])?;
                                    start = end;
                                }
                                summary.rejected += 1;
                                reject(r)?;
                            }
                        }
                    }
                    if end > start {
                        write(&part.bytes[start..end])?;
                    }
                }
                progress(rows);
            }
            Ok(())
        };
        let result = written();
        stop.store(true, Ordering::Relaxed);
        drop(out_rx);
        result.map(|()| summary)
    })
}

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
    let mut input = input;
    let rows = chunk_rows(model.actors().len());
    loop {
        let chunk = take_chunk(&mut input, rows);
        if chunk.is_empty() {
            break;
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::UnitKind;

    fn unit(text: String) -> Result<Record, Rejection> {
        Ok(Record::Unit(Unit {
            doc_id: "d".into(),
            unit_id: "u".into(),
            kind: UnitKind::Comment,
            author: None,
            posted_at: None,
            text,
            fields: None,
        }))
    }

    #[test]
    fn chunks_are_bounded_by_bytes_as_well_as_rows() {
        let mut small = (0..CHUNK + 5).map(|_| unit("x".into()));
        assert_eq!(take_chunk(&mut small, CHUNK).len(), CHUNK);
        assert_eq!(take_chunk(&mut small, CHUNK).len(), 5);
        assert!(take_chunk(&mut small, CHUNK).is_empty());
        // 4 MiB rows: the bytes end the chunk long before the rows do.
        let mut large = (0..1000).map(|_| unit("x".repeat(4 << 20)));
        let n = take_chunk(&mut large, CHUNK).len();
        assert!((1..=CHUNK_BYTES / (4 << 20) + 1).contains(&n), "{n} rows");
    }

    #[test]
    fn many_actors_make_short_chunks() {
        assert_eq!(chunk_rows(6), CHUNK);
        let rows = chunk_rows(10_000);
        assert!(rows * output_bytes(10_000) <= CHUNK_BYTES, "{rows} rows");
        assert!(rows >= 16);
        assert_eq!(chunk_rows(usize::MAX / 256), 1);
    }
}
