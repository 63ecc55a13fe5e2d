//! Invariants of the parsers of user input, shared by the stable proptests in
//! `tests/parsers_never_panic/` and the cargo-fuzz targets in `fuzz/`
//! (which include this file with `#[path]`). Each check runs one parser on
//! one input and returns `Err(what broke)` when an invariant does not hold;
//! a panic inside the parser is the other way to fail.
//!
//! Only `stance`, `csv` and `std` are used here, so that the fuzz crate
//! needs no test-only dependencies.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use stance::Rejection;
use stance::actors::ActorSet;
use stance::corpus::records::{CsvRows, JsonRow, csv_units, json_units};
use stance::corpus::{Unit, UnitKind, parse_seed};
use stance::dataset::readers::example_from_json;
use stance::dataset::{DataOptions, Example, fnv1a, read_data};
use stance::error::Location;
use stance::labels::read_labels;
use stance::model::StanceModel;
use stance::model::file::{decode, encode};
use stance::model::predict::Scratch as ScoreScratch;
use stance::text::{Tokenizer, TokenizerConfig};

pub type Check = Result<(), String>;

macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

/// For the fuzz targets: a broken invariant is a crash like a panic.
pub fn must(c: Check) {
    if let Err(e) = c {
        panic!("invariant broken: {e}");
    }
}

fn trimmed_nonempty(s: &str) -> bool {
    !s.trim().is_empty()
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

fn is_iso_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 19
        && is_iso_date(&s[..10])
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && [11, 12, 14, 15, 17, 18]
            .iter()
            .all(|&i| b[i].is_ascii_digit())
}

// ---------------------------------------------------------------------------
// Article pages
// ---------------------------------------------------------------------------

/// `parse_seed` on any text: an error has a message and a line inside the
/// text; a document has units `title, p1..pn, c1..cm` in that order, each
/// with non-empty trimmed text, and the title and paragraphs are lines of
/// the input.
pub fn seed_page(doc_id: &str, text: &str) -> Check {
    let n_lines = text.lines().count() as u64;
    let doc = match parse_seed(doc_id, text) {
        Err(e) => {
            ensure!(!e.message.is_empty(), "error without a message");
            if let Some(l) = e.line {
                ensure!(
                    (1..=n_lines).contains(&l),
                    "error line {l} outside 1..={n_lines}"
                );
            }
            ensure!(
                (e.message == "empty document") == text.trim().is_empty(),
                "`empty document` iff the text is blank, got {:?}",
                e.message
            );
            return Ok(());
        }
        Ok(d) => d,
    };
    ensure!(!text.trim().is_empty(), "a blank text parsed as a document");
    ensure!(doc.doc_id == doc_id, "doc_id {:?}", doc.doc_id);
    ensure!(doc.units.len() >= 2, "only {} unit(s)", doc.units.len());
    let title = &doc.units[0];
    ensure!(
        title.unit_id == "title" && title.kind == UnitKind::Title && title.text == doc.title,
        "first unit is not the title: {title:?}"
    );
    let n_par = doc
        .units
        .iter()
        .filter(|u| u.kind == UnitKind::Paragraph)
        .count();
    let mut expected = vec!["title".to_string()];
    expected.extend((1..=n_par).map(|i| format!("p{i}")));
    expected.extend((1..doc.units.len() - n_par).map(|i| format!("c{i}")));
    let ids: Vec<&str> = doc.units.iter().map(|u| u.unit_id.as_str()).collect();
    ensure!(ids == expected, "unit ids {ids:?}, expected {expected:?}");
    if let Some(p) = &doc.published {
        ensure!(is_iso_date(p), "published {p:?} is not YYYY-MM-DD");
    }
    if let Some(b) = &doc.byline {
        ensure!(trimmed_nonempty(b), "blank byline");
    }
    for (i, u) in doc.units.iter().enumerate() {
        let kind = match u.unit_id.as_bytes()[0] {
            b't' => UnitKind::Title,
            b'p' => UnitKind::Paragraph,
            _ => UnitKind::Comment,
        };
        ensure!(
            u.kind == kind,
            "unit {i} has id {} and kind {:?}",
            u.unit_id,
            u.kind
        );
        ensure!(u.doc_id == doc_id, "unit {i} has doc_id {:?}", u.doc_id);
        ensure!(!u.text.is_empty(), "unit {} has empty text", u.unit_id);
        ensure!(
            u.text.trim() == u.text,
            "unit {} text is not trimmed: {:?}",
            u.unit_id,
            u.text
        );
        if u.kind == UnitKind::Comment {
            if let Some(a) = &u.author {
                ensure!(
                    trimmed_nonempty(a),
                    "comment {} has a blank author",
                    u.unit_id
                );
            }
            if let Some(t) = &u.posted_at {
                ensure!(is_iso_timestamp(t), "posted_at {t:?} is not a timestamp");
            }
        } else {
            ensure!(
                u.author == doc.byline && u.posted_at == doc.published,
                "unit {} does not carry the page's byline and date",
                u.unit_id
            );
            ensure!(
                text.lines().any(|l| l.trim() == u.text),
                "unit {} text {:?} is not a line of the page",
                u.unit_id,
                u.text
            );
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Unit records (JSON lines, CSV)
// ---------------------------------------------------------------------------

/// Line numbers (1-based) of the lines of `bytes` that are rows: every line
/// but those that are valid UTF-8 and blank once a leading BOM is dropped.
pub fn json_row_lines(bytes: &[u8]) -> Vec<u64> {
    let mut out = Vec::new();
    let mut segments: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    if bytes.ends_with(b"\n") || bytes.is_empty() {
        segments.pop(); // nothing after the last newline
    }
    for (i, seg) in segments.iter().enumerate() {
        let row = match std::str::from_utf8(seg) {
            Err(_) => true,
            Ok(t) => !t.trim_start_matches('\u{feff}').trim().is_empty(),
        };
        if row {
            out.push(i as u64 + 1);
        }
    }
    out
}

fn check_rejection(r: &Rejection, file: &str) -> Check {
    ensure!(
        r.at.file == file,
        "rejection names file {:?}, not {file:?}",
        r.at.file
    );
    ensure!(
        !r.reason.is_empty(),
        "rejection without a reason at {}",
        r.at
    );
    if let Some(l) = r.at.line {
        ensure!(l >= 1, "rejection at line 0");
    }
    Ok(())
}

fn check_unit(u: &Unit) -> Check {
    for (k, v) in [
        ("doc_id", &u.doc_id),
        ("unit_id", &u.unit_id),
        ("text", &u.text),
    ] {
        ensure!(trimmed_nonempty(v), "accepted unit with blank `{k}`: {u:?}");
    }
    for (k, v) in [("author", &u.author), ("posted_at", &u.posted_at)] {
        if let Some(v) = v {
            ensure!(trimmed_nonempty(v), "accepted unit with blank `{k}`: {u:?}");
        }
    }
    Ok(())
}

fn check_location(at: &Location, file: &str) -> Check {
    ensure!(
        at.file == file,
        "row names file {:?}, not {file:?}",
        at.file
    );
    Ok(())
}

/// `json_units`: exactly one item per non-blank line, in order, each at its
/// own line and naming the file; accepted units have the required fields.
pub fn unit_jsonl(bytes: &[u8], file: &str) -> Check {
    let expected = json_row_lines(bytes);
    let mut lines = Vec::new();
    for item in json_units(bytes, file) {
        match item {
            Ok((at, u)) => {
                check_location(&at, file)?;
                check_unit(&u)?;
                lines.push(at.line);
            }
            Err(r) => {
                check_rejection(&r, file)?;
                lines.push(r.at.line);
            }
        }
    }
    let expected: Vec<Option<u64>> = expected.into_iter().map(Some).collect();
    ensure!(
        lines == expected,
        "items at lines {lines:?}, rows at {expected:?}"
    );
    Ok(())
}

/// What `CsvRows` should yield for `bytes`, read independently with the csv
/// crate: `Err(())` for a header that is not UTF-8 or names a column twice
/// (blank names aside) — one rejection, then nothing —, else the header and
/// the number of records that are not blank.
pub fn csv_expected(bytes: &[u8]) -> Result<(Vec<String>, usize), ()> {
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let header = r.byte_headers().map_err(|_| ())?.clone();
    let header = header
        .iter()
        .map(|f| {
            std::str::from_utf8(f)
                .map(|s| s.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| ())?;
    let twice = |(i, c): (usize, &String)| !c.is_empty() && header[..i].contains(c);
    if header.iter().enumerate().any(twice) {
        return Err(());
    }
    let mut n = 0;
    let mut rec = csv::ByteRecord::new();
    // Reading from a byte slice with `flexible` never fails.
    while r.read_byte_record(&mut rec).expect("in-memory CSV") {
        if !rec.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            n += 1;
        }
    }
    Ok((header, n))
}

/// `CsvRows`: the header is read as the csv crate reads it; every record
/// that is not blank yields exactly one row or rejection, in line order; a
/// row has one field per column, named by the header.
pub fn csv_rows(bytes: &[u8], file: &str) -> Check {
    let rows = CsvRows::new(bytes, file);
    let expected = csv_expected(bytes);
    match (&expected, rows.header()) {
        (Ok((h, _)), Ok(got)) => ensure!(got == h.as_slice(), "header {got:?}, expected {h:?}"),
        (Err(()), Err(r)) => check_rejection(r, file)?,
        (e, g) => return Err(format!("header {g:?}, expected {e:?}")),
    }
    let header: Vec<String> = rows.header().map(|h| h.to_vec()).unwrap_or_default();
    let mut n = 0usize;
    let mut last_line = 0u64;
    for item in rows {
        n += 1;
        let at = match item {
            Ok(row) => {
                ensure!(
                    row.fields.len() == header.len()
                        && row.fields.iter().zip(&header).all(|((k, _), h)| k == h),
                    "row fields {:?} do not follow the header {header:?}",
                    row.fields
                );
                row.at
            }
            Err(r) => {
                check_rejection(&r, file)?;
                r.at
            }
        };
        check_location(&at, file)?;
        let line = at.line.unwrap_or(0);
        ensure!(line >= last_line, "line {line} after line {last_line}");
        last_line = line;
    }
    let want = match expected {
        Ok((_, n)) => n,
        Err(()) => 1,
    };
    ensure!(n == want, "{n} rows and rejections for {want} records");
    Ok(())
}

/// Whether a header (as `CsvRows` normalises it) names all `columns`.
pub fn has_columns(header: &[String], columns: &[&str]) -> bool {
    columns.iter().all(|c| header.iter().any(|h| h == c))
}

/// `csv_units`: a header without `doc_id`, `unit_id` or `text` is one
/// rejection at line 1; otherwise one item per record that is not blank,
/// and accepted units have the required fields.
pub fn unit_csv(bytes: &[u8], file: &str) -> Check {
    let items: Vec<_> = csv_units(bytes, file).collect();
    let want = match csv_expected(bytes) {
        Err(()) => 1,
        Ok((h, _)) if !has_columns(&h, &["doc_id", "unit_id", "text"]) => {
            ensure!(
                items.len() == 1
                    && items[0]
                        .as_ref()
                        .is_err_and(|r| r.at.line == Some(1) && r.reason.contains("lacks")),
                "a header without the unit columns gave {items:?}"
            );
            1
        }
        Ok((_, n)) => n,
    };
    ensure!(
        items.len() == want,
        "{} items for {want} records",
        items.len()
    );
    for item in &items {
        match item {
            Ok((at, u)) => {
                check_location(at, file)?;
                check_unit(u)?;
            }
            Err(r) => check_rejection(r, file)?,
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Files on disk (label CSVs and data sets are read by path)
// ---------------------------------------------------------------------------

/// Runs `f` on a fresh temporary file holding `bytes`, then removes it.
pub fn with_temp_file<T>(bytes: &[u8], ext: &str, f: impl FnOnce(&Path) -> T) -> T {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let path: PathBuf =
        std::env::temp_dir().join(format!("stance-inv-{}-{n}.{ext}", std::process::id()));
    std::fs::write(&path, bytes).expect("write temporary file");
    let out = f(&path);
    let _ = std::fs::remove_file(&path);
    out
}

/// The label columns, as `stance::labels::COLUMNS`.
pub const LABEL_COLUMNS: [&str; 5] = stance::labels::COLUMNS;

/// `read_labels` on a file holding `bytes`: every rejection names the file;
/// a header without the label columns is one rejection and no rows;
/// otherwise rows + rejections cover every record that is not blank (or
/// are one "no rows" rejection), and kept rows have every field filled.
pub fn label_csv(bytes: &[u8]) -> Check {
    with_temp_file(bytes, "csv", |path| {
        let file = path.display().to_string();
        let (rows, bad) = read_labels(&[path.to_path_buf()]);
        for r in &bad {
            check_rejection(r, &file)?;
        }
        let mut last = 0;
        for row in &rows {
            check_location(&row.at, &file)?;
            for (k, v) in [
                ("doc_id", &row.doc_id),
                ("unit_id", &row.unit_id),
                ("actor", &row.actor),
            ] {
                ensure!(
                    !v.is_empty() && v.trim() == v,
                    "kept label row with `{k}` {v:?}"
                );
            }
            // Not strictly increasing: the csv crate reports the previous
            // line for a record after a CRLF line (BurntSushi/rust-csv#395),
            // so a file mixing LF and CRLF can give two rows one line.
            let line = row.at.line.unwrap_or(0);
            ensure!(line >= last, "label row at line {line} after line {last}");
            last = line;
        }
        match csv_expected(bytes) {
            Err(()) => ensure!(
                rows.is_empty() && bad.len() == 1,
                "header not UTF-8: {} rows, {} rejections",
                rows.len(),
                bad.len()
            ),
            Ok((h, _)) if !has_columns(&h, &LABEL_COLUMNS) => ensure!(
                rows.is_empty() && bad.len() == 1 && bad[0].reason.contains("lacks the column"),
                "header {h:?} lacks a column: {} rows, rejections {bad:?}",
                rows.len()
            ),
            Ok((_, n)) => ensure!(
                rows.len() + bad.len() == n.max(1),
                "{} rows + {} rejections for {n} records",
                rows.len(),
                bad.len()
            ),
        }
        Ok(())
    })
}

/// `read_data` on a JSON-lines file holding `bytes`: one row read per
/// non-blank line, each kept or rejected (naming the file); kept examples
/// pass [`check_example`].
pub fn dataset_jsonl(bytes: &[u8]) -> Check {
    with_temp_file(bytes, "jsonl", |path| {
        let file = path.display().to_string();
        let data = read_data(&[path.to_path_buf()], &[], &DataOptions::default());
        let want = json_row_lines(bytes).len();
        ensure!(data.read == want, "read {} rows of {want}", data.read);
        ensure!(
            data.stance.len() + data.rejected.len() == data.read,
            "{} examples + {} rejections != {} read",
            data.stance.len(),
            data.rejected.len(),
            data.read
        );
        ensure!(
            data.sentiment.is_empty(),
            "sentiment examples from JSON lines"
        );
        for r in &data.rejected {
            check_rejection(r, &file)?;
        }
        for e in &data.stance {
            check_example(e)?;
        }
        Ok(())
    })
}

// ---------------------------------------------------------------------------
// Data-set lines
// ---------------------------------------------------------------------------

/// An example read from a line: text and target filled, the group is the
/// text's hash, and a span (NewsMTSC) lies on character boundaries.
pub fn check_example(e: &Example) -> Check {
    ensure!(trimmed_nonempty(&e.text), "example with blank text {e:?}");
    ensure!(
        !e.target.is_empty() && e.target.trim() == e.target,
        "example with target {:?}",
        e.target
    );
    ensure!(
        e.group == fnv1a(e.text.as_bytes()),
        "group is not the text's hash"
    );
    ensure!(e.kind.is_none(), "a JSON line example has a unit kind");
    if let Some((a, b)) = e.span {
        ensure!(
            a <= b && b <= e.text.len() && e.text.is_char_boundary(a) && e.text.is_char_boundary(b),
            "span {a}..{b} is not a char range of {:?}",
            e.text
        );
    }
    Ok(())
}

/// `example_from_json` on one JSON object.
pub fn example_line(row: &JsonRow) -> Check {
    match example_from_json(&row.1) {
        Ok(e) => {
            check_example(&e)?;
            if let Some((a, b)) = e.span {
                let mention = row.1.get("mention").and_then(|v| v.as_str()).unwrap_or("");
                ensure!(
                    &e.text[a..b] == mention,
                    "span text {:?} is not the mention {mention:?}",
                    &e.text[a..b]
                );
            }
            Ok(())
        }
        Err(reason) => {
            ensure!(!reason.is_empty(), "rejection without a reason");
            Ok(())
        }
    }
}

/// `JsonLines` + `example_from_json` on any bytes, as `read_data` does per
/// line but without a file.
pub fn dataset_lines(bytes: &[u8], file: &str) -> Check {
    let mut n = 0;
    for row in stance::corpus::records::JsonLines::new(bytes, file) {
        n += 1;
        match row {
            Ok(row) => {
                check_location(&row.0, file)?;
                example_line(&row)?;
            }
            Err(r) => check_rejection(&r, file)?,
        }
    }
    let want = json_row_lines(bytes).len();
    ensure!(n == want, "{n} rows for {want} non-blank lines");
    Ok(())
}

// ---------------------------------------------------------------------------
// Actors file
// ---------------------------------------------------------------------------

/// `ActorSet::from_toml`: an error has a message and a line within the
/// text; a set has valid, distinct codes, each with names; its mentions in
/// `sample` (and in each of its own names) are sorted, disjoint char ranges
/// that spell a configured name.
pub fn actors_toml(text: &str, sample: &str) -> Check {
    let set = match ActorSet::from_toml(text) {
        Err((line, msg)) => {
            ensure!(!msg.is_empty(), "actors error without a message");
            if let Some(l) = line {
                let max = text.matches('\n').count() as u64 + 1;
                ensure!((1..=max).contains(&l), "actors error at line {l} of {max}");
            }
            return Ok(());
        }
        Ok(s) => s,
    };
    ensure!(!set.is_empty(), "an empty actor set was accepted");
    ensure!(
        set.digest().len() == 64 && set.digest().bytes().all(|b| b.is_ascii_hexdigit()),
        "digest {:?}",
        set.digest()
    );
    for (i, a) in set.actors().iter().enumerate() {
        ensure!(
            !a.code.is_empty()
                && a.code
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_'),
            "accepted actor code {:?}",
            a.code
        );
        ensure!(
            set.index_of(&a.code) == Some(i),
            "code {} defined twice",
            a.code
        );
        ensure!(
            !(a.names.is_empty() && a.exact.is_empty()),
            "actor {} has no names",
            a.code
        );
    }
    check_mentions(&set, sample)?;
    for a in set.actors() {
        for name in a.names.iter().chain(&a.exact) {
            check_mentions(&set, name)?;
            let m = set.mentions(name);
            ensure!(
                m.len() == 1 && m[0].start == 0 && m[0].end == name.len(),
                "the name {name:?} alone is found as {m:?}"
            );
        }
    }
    Ok(())
}

pub fn check_mentions(set: &ActorSet, text: &str) -> Check {
    let mut last_end = 0;
    for m in set.mentions(text) {
        ensure!(
            m.actor < set.len(),
            "mention of actor {} of {}",
            m.actor,
            set.len()
        );
        ensure!(
            last_end <= m.start
                && m.start < m.end
                && m.end <= text.len()
                && text.is_char_boundary(m.start)
                && text.is_char_boundary(m.end),
            "mention {m:?} after {last_end} in {text:?}"
        );
        last_end = m.end;
        let found = &text[m.start..m.end];
        let a = &set.actors()[m.actor];
        ensure!(
            a.exact.iter().any(|n| n == found)
                || a.names.iter().any(|n| n.eq_ignore_ascii_case(found)),
            "mention {found:?} is not a name of {}",
            a.code
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Model files
// ---------------------------------------------------------------------------

/// The framing of a model file around `payload`, with a correct checksum,
/// so that the payload decoder is reached (random bytes never pass the
/// SHA-256 check).
pub fn frame_model(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 52);
    out.extend_from_slice(b"STANCEM\0");
    out.extend_from_slice(&stance::model::file::FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(payload);
    let hex = stance::digest::sha256_hex(payload);
    out.extend(
        (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex digest")),
    );
    out
}

/// `decode` on any bytes returns instead of panicking, and what it accepts
/// encodes back to bytes that decode to the same encoding.
pub fn model_bytes(bytes: &[u8]) -> Check {
    let Ok(model) = decode(bytes) else {
        return Ok(());
    };
    let again = encode(&model).map_err(|e| format!("cannot re-encode a decoded model: {e}"))?;
    let model2 = decode(&again).map_err(|e| format!("re-encoded model does not decode: {e:?}"))?;
    let again2 = encode(&model2).map_err(|e| format!("{e}"))?;
    ensure!(again == again2, "encode ∘ decode is not stable");
    Ok(())
}

/// The whole load path of a model file: `decode`, then `StanceModel::from_data`,
/// then scoring a text. A model the loader accepts must score without
/// panicking, and give one probability per class summing to 1.
pub fn model_load_and_score(bytes: &[u8], text: &str) -> Check {
    model_bytes(bytes)?;
    let Ok(data) = decode(bytes) else {
        return Ok(());
    };
    let Ok(model) = StanceModel::from_data(data) else {
        return Ok(());
    };
    let mut s = ScoreScratch::default();
    let score = model.score_unit(text, &mut s);
    let probs = score
        .sentiment
        .iter()
        .chain(score.actors.iter().map(|(_, p)| p));
    for p in probs {
        let sum: f32 = p.iter().sum();
        ensure!(
            p.iter().all(|x| x.is_finite()) && (sum - 1.0).abs() < 1e-3,
            "probabilities {p:?}"
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Tokenizer
// ---------------------------------------------------------------------------

/// Every token has non-empty text and a non-empty span on char boundaries of
/// the original text; spans are in order and disjoint.
pub fn tokens(text: &str, config: TokenizerConfig) -> Check {
    let mut last_end = 0;
    for t in Tokenizer::new(config).tokenize(text) {
        ensure!(
            last_end <= t.start
                && t.start < t.end
                && t.end <= text.len()
                && text.is_char_boundary(t.start)
                && text.is_char_boundary(t.end),
            "token {t:?} after {last_end} in {text:?}"
        );
        ensure!(!t.text.is_empty(), "token with empty text {t:?}");
        last_end = t.end;
    }
    Ok(())
}

/// A tokenizer configuration from 4 bits.
pub fn config_from_bits(b: u8) -> TokenizerConfig {
    TokenizerConfig {
        lowercase: b & 1 != 0,
        stem: b & 2 != 0,
        mark_negation: b & 4 != 0,
        keep_punct: b & 8 != 0,
    }
}

// After the macros above: a module sees only the macros defined before it.
pub mod columns;
pub use columns::unit_columns;
