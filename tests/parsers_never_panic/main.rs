//! The parsers of user input never panic, on arbitrary bytes and on
//! near-valid input built from the shapes each format has, and keep their
//! invariants (see `invariants/mod.rs`, shared with the cargo-fuzz targets in
//! `fuzz/`, which need a nightly toolchain; these run on stable in
//! `cargo test`). Each property runs at most 256 cases.

mod actors_file;
mod csv_records;
mod dataset_lines;
#[path = "../invariants/mod.rs"]
mod invariants;
mod model_files;
mod pages;
mod tokenizer;
mod unit_columns;
mod unit_jsonl;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Map, Value};

use stance::actors::ActorSet;
use stance::corpus::records::{CsvRows, csv_units, json_units};
use stance::corpus::{UnitKind, parse_seed};
use stance::dataset::readers::example_from_json;
use stance::dataset::{Dataset, Example, SentimentExample, fnv1a};
use stance::labels::{Sentiment, Stance, read_labels};
use stance::model::file::{Decode, FORMAT_VERSION, decode, encode};
use stance::model::{ModelData, TrainParams, train};
use stance::progress::Silent;

#[allow(unused_imports)]
use actors_file::*;
#[allow(unused_imports)]
use csv_records::*;
#[allow(unused_imports)]
use dataset_lines::*;
use invariants::*;
#[allow(unused_imports)]
use model_files::*;
#[allow(unused_imports)]
use pages::*;
#[allow(unused_imports)]
use tokenizer::*;
#[allow(unused_imports)]
use unit_jsonl::*;

/// `cases` per property, or `PROPTEST_CASES` from the environment for a
/// longer run by hand (`PROPTEST_CASES=20000 cargo test --release --test
/// parsers_never_panic`).
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(cases),
        // A failure prints its minimal input; nothing is written to disk.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Lines joined with `\n` or `\r\n`, with or without a final newline.
fn join_lines(lines: &[String], crlf: bool, final_newline: bool) -> String {
    let sep = if crlf { "\r\n" } else { "\n" };
    let mut s = lines.join(sep);
    if final_newline {
        s.push_str(sep);
    }
    s
}

fn ok(c: Check) -> Result<(), TestCaseError> {
    c.map_err(TestCaseError::fail)
}

/// Unicode text that is not uniformly random: letters, marks, spaces of
/// every kind, BOMs, quotes, separators and controls.
fn odd_text() -> impl Strategy<Value = String> {
    vec(
        select(vec![
            "a", "Z", "é", "e\u{301}", "ß", "İ", "本", "پ", "🇵🇰", " ", "\t", "\u{a0}", "\u{2028}",
            "\u{feff}", "\u{200b}", "\r", "\0", "\u{7f}", "\"", "'", "’", ",", ";", ".", "…", "•",
            "[", "]", "(", ")", "{", "}", "#", "=", "\\", "-", "0", "9",
        ]),
        0..12,
    )
    .prop_map(|v| v.concat())
}
