//! The parsers of user input never panic, on arbitrary bytes and on
//! near-valid input built from the shapes each format has, and keep their
//! invariants (see `invariants/mod.rs`, shared with the cargo-fuzz targets in
//! `fuzz/`, which need a nightly toolchain; these run on stable in
//! `cargo test`). Each property runs at most 256 cases.

mod invariants;

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

use invariants::*;

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

// ---------------------------------------------------------------------------
// Article pages
// ---------------------------------------------------------------------------

const WORDS: &[&str] = &[
    "Pakistan",
    "Russia",
    "China",
    "the",
    "US",
    "alliance",
    "talks",
    "were",
    "held",
    "in",
    "Islamabad",
    "on",
    "Monday",
    "and",
    "officials",
    "said",
    "that",
    "it",
    "is",
    "not",
    "a",
    "new",
    "policy",
    "Moscow’s",
    "“quoted”",
    "2017",
    "élan",
    "本",
    "Recommend",
    "Share",
];

fn words(n: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    vec(select(WORDS), n).prop_map(|w| w.join(" "))
}

/// A paragraph that the parser keeps: a capitalised sentence of at least ten
/// words, ending in a full stop.
fn kept_sentence() -> impl Strategy<Value = String> {
    (
        select(vec!["It", "Officials", "Pakistan", "Russia", "The"]),
        words(10..20),
    )
        .prop_map(|(first, rest)| format!("{first} {rest}."))
}

const MONTHS: &[&str] = &[
    "Apr", "April", "apr.", "Sept", "sep", "May", "December", "Foo", "Ma", "",
];

fn date() -> impl Strategy<Value = String> {
    (
        select(MONTHS),
        0u32..40,
        prop_oneof![0u32..12000, Just(u32::MAX)],
        any::<bool>(),
    )
        .prop_map(|(m, d, y, comma)| format!("{m} {d}{} {y}", if comma { "," } else { "" }))
}

fn timestamp() -> impl Strategy<Value = String> {
    (
        date(),
        select(vec![" - ", "-", " – ", " -  "]),
        0u32..26,
        0u32..70,
        select(vec!["AM", "PM", "am", "pm", " PM", "", "XM"]),
    )
        .prop_map(|(d, sep, h, m, ap)| format!("{d}{sep}{h}:{m:02}{ap}"))
}

fn banner() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Reader Comments".to_string()),
        Just("Comments".to_string()),
        Just("Reader Comments ()".to_string()),
        Just("Comments (x)".to_string()),
        Just("Reader Comments (-1)".to_string()),
        Just("Reader Comments (99999999999999999999999)".to_string()),
        any::<u64>().prop_map(|n| format!("Reader Comments ({n})")),
        (0u32..50).prop_map(|n| format!("  Comments ( {n} )  ")),
    ]
}

fn bullet() -> impl Strategy<Value = String> {
    (
        select(vec!["", "  ", "\t"]),
        select(vec![
            "",
            " ",
            "Ann",
            " Bob B",
            "•",
            "Ann Recommend",
            "本 人",
            "By Jane",
        ]),
    )
        .prop_map(|(indent, name)| format!("{indent}•{name}"))
}

/// Any line a page could have, furniture and malformed lines included.
fn page_line() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => kept_sentence(),
        2 => words(0..12),
        1 => Just(String::new()),
        1 => select(vec![" ", "\t", "\r", "\u{a0}", "\u{feff}"]).prop_map(String::from),
        1 => date().prop_map(|d| format!("Published: {d}")),
        1 => select(vec!["Published:", "By Jane Doe.", "By", "By ", "By a b c d e f g h."])
            .prop_map(String::from),
        2 => banner(),
        3 => bullet(),
        3 => timestamp(),
        1 => words(1..5).prop_map(|w| format!("{w}Recommend")),
        1 => select(vec!["Recommend", " Recommend ", "RecommendRecommend"]).prop_map(String::from),
        1 => words(3..12).prop_map(|w| format!("{w} […]")),
        1 => select(vec![
            "Leave a Reply", "You may also like", "More in Pakistan", "Related articles",
            "Your email address will not be published.", "Facebook Conversations", "Share",
            "Tweet", "Advertisement",
        ])
        .prop_map(String::from),
        1 => odd_text(),
        1 => any::<String>(),
    ]
}

fn page() -> impl Strategy<Value = String> {
    (vec(page_line(), 0..30), any::<bool>(), any::<bool>())
        .prop_map(|(lines, crlf, nl)| join_lines(&lines, crlf, nl))
}

#[derive(Debug, Clone)]
struct Comment {
    author: &'static str,
    timestamp: Option<(u32, u32, bool)>,
    lines: Vec<String>,
    recommend: bool,
}

fn comment() -> impl Strategy<Value = Comment> {
    (
        select(vec!["", "Ann", "Bob B", "本 人"]),
        proptest::option::of((1u32..=12, 0u32..60, any::<bool>())),
        vec(kept_sentence(), 1..4),
        any::<bool>(),
    )
        .prop_map(|(author, timestamp, lines, recommend)| Comment {
            author,
            timestamp,
            lines,
            recommend,
        })
}

/// A well-formed page: title, paragraphs and comments the parser must find
/// exactly, with blank lines and headings between them.
#[derive(Debug, Clone)]
struct Page {
    title: String,
    paragraphs: Vec<String>,
    headings: Vec<bool>,
    comments: Vec<Comment>,
    announced: Option<u32>,
}

fn well_formed_page() -> impl Strategy<Value = Page> {
    (
        words(1..8),
        vec(kept_sentence(), 1..6),
        vec(any::<bool>(), 6),
        vec(comment(), 0..5),
        proptest::option::of(0u32..100),
    )
        .prop_map(|(title, paragraphs, headings, comments, announced)| Page {
            title: if title.trim().is_empty() {
                "Title".into()
            } else {
                title
            },
            paragraphs,
            headings,
            comments,
            announced,
        })
}

impl Page {
    fn render(&self) -> String {
        let mut out = vec![
            self.title.clone(),
            String::new(),
            "Published: April 3, 2017".into(),
        ];
        for (i, p) in self.paragraphs.iter().enumerate() {
            out.push(String::new());
            out.push(p.clone());
            if self.headings[i] {
                out.push("A related story link".into());
            }
        }
        if !self.comments.is_empty() {
            out.push(String::new());
            out.push(match self.announced {
                Some(n) => format!("Reader Comments ({n})"),
                None => "Reader Comments".into(),
            });
        }
        for c in &self.comments {
            out.push(String::new());
            out.push(format!("  • {}", c.author));
            if let Some((h, m, pm)) = c.timestamp {
                out.push(format!(
                    "    Apr 3, 2017 - {h}:{m:02}{}",
                    if pm { "PM" } else { "AM" }
                ));
            }
            out.push(String::new());
            for (i, l) in c.lines.iter().enumerate() {
                let last = i + 1 == c.lines.len();
                out.push(format!(
                    "    {l}{}",
                    if last && c.recommend { "Recommend" } else { "" }
                ));
            }
        }
        out.push(String::new());
        out.push("More in Pakistan".into());
        out.push("A story that is not part of this article at all, but in the footer.".into());
        out.join("\n")
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn seed_any_string(text in any::<String>()) {
        ok(seed_page("d", &text))?;
    }

    #[test]
    fn seed_odd_text(text in odd_text()) {
        ok(seed_page("d", &text))?;
    }

    #[test]
    fn seed_near_valid_pages(text in page()) {
        ok(seed_page("doc", &text))?;
    }

    #[test]
    fn seed_well_formed_pages_parse_exactly(p in well_formed_page()) {
        let text = p.render();
        ok(seed_page("doc", &text))?;
        let d = parse_seed("doc", &text).map_err(|e| TestCaseError::fail(format!("{e:?}\n{text}")))?;
        prop_assert_eq!(&d.title, &p.title);
        prop_assert_eq!(d.published.as_deref(), Some("2017-04-03"));
        prop_assert_eq!(d.announced_comments, if p.comments.is_empty() { None } else { p.announced.map(|n| n as usize) });
        let paras: Vec<&str> = d.units.iter().filter(|u| u.kind == UnitKind::Paragraph).map(|u| u.text.as_str()).collect();
        prop_assert_eq!(paras, p.paragraphs.iter().map(String::as_str).collect::<Vec<_>>());
        let comments: Vec<_> = d.comments().collect();
        prop_assert_eq!(comments.len(), p.comments.len());
        for (u, c) in comments.iter().zip(&p.comments) {
            prop_assert_eq!(u.text.clone(), c.lines.join("\n"));
            prop_assert_eq!(u.author.as_deref(), (!c.author.is_empty()).then_some(c.author));
            let ts = c.timestamp.map(|(h, m, pm)| {
                let h24 = match (h, pm) { (12, false) => 0, (12, true) => 12, (h, true) => h + 12, (h, false) => h };
                format!("2017-04-03T{h24:02}:{m:02}:00")
            });
            prop_assert_eq!(u.posted_at.clone(), ts);
        }
    }
}

// ---------------------------------------------------------------------------
// Unit records: JSON lines
// ---------------------------------------------------------------------------

/// A JSON value of any type, biased to what fields hold.
#[derive(Debug, Clone)]
enum V {
    Str(String),
    Int(i64),
    Big(u64),
    Float(f64),
    Bool(bool),
    Null,
    Arr,
    Obj,
}

impl V {
    fn json(&self) -> Value {
        match self {
            V::Str(s) => Value::from(s.as_str()),
            V::Int(i) => Value::from(*i),
            V::Big(u) => Value::from(*u),
            V::Float(f) => Value::from(*f),
            V::Bool(b) => Value::from(*b),
            V::Null => Value::Null,
            V::Arr => serde_json::json!([1, "a"]),
            V::Obj => serde_json::json!({"a": 1}),
        }
    }

    /// What `field_str` makes of it: `Ok(None)` absent, `Err` wrong type.
    fn as_field(&self) -> Result<Option<String>, ()> {
        match self {
            V::Str(s) => Ok(Some(s.clone())),
            V::Int(i) => Ok(Some(i.to_string())),
            V::Big(u) => Ok(Some(u.to_string())),
            V::Null => Ok(None),
            _ => Err(()),
        }
    }
}

fn string_value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => words(1..6),
        1 => select(vec!["", " ", "\t\n", "\u{feff}", "comment", "Title", " PARAGRAPH ", "reply"])
            .prop_map(String::from),
        1 => odd_text(),
        1 => any::<String>(),
    ]
}

fn value() -> impl Strategy<Value = V> {
    prop_oneof![
        8 => string_value().prop_map(V::Str),
        2 => any::<i64>().prop_map(V::Int),
        1 => (i64::MAX as u64..=u64::MAX).prop_map(V::Big),
        1 => (-1e9f64..1e9).prop_map(|f| V::Float(f + 0.5)),
        1 => any::<bool>().prop_map(V::Bool),
        1 => Just(V::Null),
        1 => Just(V::Arr),
        1 => Just(V::Obj),
    ]
}

const UNIT_KEYS: &[&str] = &[
    "doc_id",
    "unit_id",
    "text",
    "kind",
    "author",
    "posted_at",
    "extra",
    "Text",
];

/// An object with each unit field present with probability 3/4 (required
/// ones) or 1/2, so that most objects are units and many are almost.
fn unit_object() -> impl Strategy<Value = BTreeMap<String, V>> {
    vec((0u8..4, value()), UNIT_KEYS.len()).prop_map(|fields| {
        fields
            .into_iter()
            .zip(UNIT_KEYS)
            .filter(|((p, _), k)| {
                if k.ends_with("id") || **k == "text" {
                    *p > 0
                } else {
                    *p > 1
                }
            })
            .map(|((_, v), k)| (k.to_string(), v))
            .collect()
    })
}

/// What `unit_from_json` must decide for an object: accepted or not.
fn unit_accepted(obj: &BTreeMap<String, V>) -> bool {
    let get = |k: &str| obj.get(k).map_or(Ok(None), V::as_field);
    let required = |k: &str| matches!(get(k), Ok(Some(s)) if !s.trim().is_empty());
    let kind_ok = match get("kind") {
        Err(()) => false,
        Ok(None) => true,
        Ok(Some(k)) => k.trim().is_empty() || UnitKind::parse(&k).is_some(),
    };
    required("doc_id")
        && required("unit_id")
        && required("text")
        && kind_ok
        && get("author").is_ok()
        && get("posted_at").is_ok()
}

#[derive(Debug, Clone)]
enum JLine {
    Object(BTreeMap<String, V>),
    Blank(String),
    /// Valid JSON that is not an object, or not JSON at all.
    Other(String),
    Bytes(Vec<u8>),
}

fn jline() -> impl Strategy<Value = JLine> {
    prop_oneof![
        6 => unit_object().prop_map(JLine::Object),
        1 => select(vec!["", " ", "\t", "\r", "\u{feff}", "\u{feff} \t", "\u{a0}"])
            .prop_map(|s| JLine::Blank(s.into())),
        1 => select(vec!["[1,2]", "3", "\"x\"", "null", "true", "{", "{\"a\":}", "not json",
                          "{\"doc_id\":\"d\"}{}", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]"])
            .prop_map(|s| JLine::Other(s.into())),
        1 => vec(any::<u8>(), 1..20).prop_map(JLine::Bytes),
    ]
}

fn encode_jlines(lines: &[JLine], crlf: bool, nl: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
        }
        match l {
            JLine::Object(m) => {
                let obj: Map<String, Value> =
                    m.iter().map(|(k, v)| (k.clone(), v.json())).collect();
                out.extend_from_slice(serde_json::to_string(&obj).unwrap().as_bytes());
            }
            JLine::Blank(s) | JLine::Other(s) => out.extend_from_slice(s.as_bytes()),
            JLine::Bytes(b) => out.extend(b.iter().map(|&b| if b == b'\n' { b'x' } else { b })),
        }
    }
    if nl {
        out.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
    }
    out
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn jsonl_any_bytes(bytes in vec(any::<u8>(), 0..400)) {
        ok(unit_jsonl(&bytes, "f.jsonl"))?;
    }

    #[test]
    fn jsonl_any_text(text in vec(prop_oneof![any::<String>(), odd_text(), Just("\n".to_string())], 0..10)) {
        ok(unit_jsonl(text.concat().as_bytes(), "f.jsonl"))?;
    }

    /// One item per line that is not blank, each accepted exactly when its
    /// object is a unit.
    #[test]
    fn jsonl_near_valid_objects(lines in vec(jline(), 0..12), crlf in any::<bool>(), nl in any::<bool>()) {
        let bytes = encode_jlines(&lines, crlf, nl);
        ok(unit_jsonl(&bytes, "f.jsonl"))?;
        let items: Vec<_> = json_units(&bytes[..], "f.jsonl").collect();
        let expected: Vec<(u64, Option<bool>)> = lines
            .iter()
            .enumerate()
            .filter_map(|(i, l)| {
                let n = i as u64 + 1;
                match l {
                    JLine::Object(m) => Some((n, Some(unit_accepted(m)))),
                    JLine::Blank(_) => None,
                    JLine::Other(_) => Some((n, Some(false))),
                    // Random bytes may be blank or even a unit; only the
                    // count is known.
                    JLine::Bytes(b) => {
                        let b: Vec<u8> = b.iter().map(|&b| if b == b'\n' { b'x' } else { b }).collect();
                        (!json_row_lines(&b).is_empty()).then_some((n, None))
                    }
                }
            })
            .collect();
        prop_assert_eq!(items.len(), expected.len(), "{:?}", String::from_utf8_lossy(&bytes));
        for (item, (line, accepted)) in items.iter().zip(&expected) {
            let at = match item { Ok((at, _)) => at, Err(r) => &r.at };
            prop_assert_eq!(at.line, Some(*line));
            if let Some(a) = accepted {
                prop_assert_eq!(item.is_ok(), *a, "line {}: {:?}", line, item);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Unit records and labels: CSV
// ---------------------------------------------------------------------------

fn csv_field(s: &str, quote: bool) -> String {
    if quote || s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv_record(fields: &[String], quote: bool) -> String {
    fields
        .iter()
        .map(|f| csv_field(f, quote))
        .collect::<Vec<_>>()
        .join(",")
}

/// How `CsvRows` names a header field.
fn column(name: &str) -> String {
    name.trim()
        .trim_start_matches('\u{feff}')
        .to_ascii_lowercase()
}

fn is_blank_record(r: &[String]) -> bool {
    r.iter().all(|f| f.bytes().all(|b| b.is_ascii_whitespace()))
}

fn csv_value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => words(0..4),
        2 => select(vec!["", " ", "\t", "d1", "c1", "PAK", "title", "comment", "pro", "Anti ",
                          "favor", "NONE", "maybe", "positive", " Negative", "neutral", "mixed",
                          "a,b", "say \"hi\"", "two\nlines", "cr\r\nlf", "\"", "\u{feff}x"])
            .prop_map(String::from),
        1 => odd_text(),
        1 => any::<String>(),
    ]
}

/// A CSV document from `columns` (names as written) and records with about
/// the right number of fields.
#[derive(Debug, Clone)]
struct Csv {
    header: Vec<String>,
    records: Vec<Vec<String>>,
    quote: bool,
    crlf: bool,
    nl: bool,
}

impl Csv {
    fn render(&self) -> String {
        let mut lines = vec![csv_record(&self.header, self.quote)];
        lines.extend(self.records.iter().map(|r| csv_record(r, self.quote)));
        join_lines(&lines, self.crlf, self.nl)
    }

    fn columns(&self) -> Vec<String> {
        let mut header = self.header.clone();
        // The csv crate drops a BOM that starts the input (not one inside
        // quotes) before `CsvRows` sees the first name.
        if !self.quote
            && let Some(h) = header.first_mut()
        {
            *h = h.trim_start_matches('\u{feff}').to_string();
        }
        header.iter().map(|h| column(h)).collect()
    }

    /// Field `name` of a record of the right length (first matching column).
    fn get<'a>(&self, r: &'a [String], name: &str) -> Option<&'a str> {
        self.columns()
            .iter()
            .position(|c| c == name)
            .map(|i| r[i].as_str())
    }
}

fn csv_doc(columns: Vec<&'static str>) -> impl Strategy<Value = Csv> {
    let n = columns.len();
    (
        proptest::sample::subsequence(columns, 1..=n).prop_shuffle(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_flat_map(|(header, bom, quote, crlf, nl)| {
            let width = header.len();
            let mut header: Vec<String> = header.into_iter().map(String::from).collect();
            if bom {
                header[0].insert(0, '\u{feff}');
            }
            let record = prop_oneof![
                8 => vec(csv_value(), width),
                1 => vec(csv_value(), 0..width + 2),
                1 => vec(select(vec!["", " ", "\t"]).prop_map(String::from), 1..4),
            ];
            (
                Just(header),
                vec(record, 0..10),
                Just(quote),
                Just(crlf),
                Just(nl),
            )
        })
        .prop_map(|(header, records, quote, crlf, nl)| Csv {
            header,
            records,
            quote,
            crlf,
            nl,
        })
}

const UNIT_COLUMNS: &[&str] = &[
    "doc_id",
    "unit_id",
    "text",
    "kind",
    "author",
    "posted_at",
    "note",
    " Text ",
    "DOC_ID",
];

const LABEL_COLUMN_NAMES: &[&str] = &[
    "doc_id",
    "unit_id",
    "actor",
    "stance",
    "sentiment",
    "note",
    " Stance",
    "ACTOR",
];

/// CSV text that is not necessarily well-formed: stray quotes, short and
/// long rows, blank lines, invalid UTF-8.
fn messy_csv(header: &'static str) -> impl Strategy<Value = Vec<u8>> {
    vec(
        prop_oneof![
            4 => vec(csv_value(), 1..7).prop_map(|f| f.join(",")),
            1 => select(vec!["", " ", ",", ",,,,", " , ", "\"", "\"open", "a\"b\"c", "\"\"\"",
                              "x,\"y", "\r"])
                .prop_map(String::from),
        ],
        0..12,
    )
    .prop_flat_map(move |lines| {
        (
            Just(lines),
            any::<bool>(),
            proptest::option::of((any::<prop::sample::Index>(), any::<u8>())),
        )
    })
    .prop_map(move |(lines, crlf, poke)| {
        let mut bytes = format!("{header}\n{}", join_lines(&lines, crlf, true)).into_bytes();
        if let Some((i, b)) = poke {
            let i = i.index(bytes.len());
            bytes[i] = b;
        }
        bytes
    })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn csv_any_bytes(bytes in vec(any::<u8>(), 0..400)) {
        ok(csv_rows(&bytes, "f.csv"))?;
        ok(unit_csv(&bytes, "f.csv"))?;
    }

    #[test]
    fn csv_messy_text(bytes in messy_csv("doc_id,unit_id,text,author")) {
        ok(csv_rows(&bytes, "f.csv"))?;
        ok(unit_csv(&bytes, "f.csv"))?;
    }

    /// Every record that is not blank yields one row (its fields as written)
    /// or one rejection (its field count is wrong).
    #[test]
    fn csv_rows_cover_records(doc in csv_doc(UNIT_COLUMNS.to_vec())) {
        let text = doc.render();
        ok(csv_rows(text.as_bytes(), "f.csv"))?;
        let items: Vec<_> = CsvRows::new(text.as_bytes(), "f.csv").collect();
        let records: Vec<&Vec<String>> = doc.records.iter().filter(|r| !is_blank_record(r)).collect();
        prop_assert_eq!(items.len(), records.len(), "{:?}", text);
        for (item, r) in items.iter().zip(records) {
            if r.len() == doc.header.len() {
                let row = item.as_ref().map_err(|e| TestCaseError::fail(format!("{e}\n{text:?}")))?;
                let values: Vec<&String> = row.fields.iter().map(|(_, v)| v).collect();
                prop_assert_eq!(values, r.iter().collect::<Vec<_>>());
            } else {
                prop_assert!(item.is_err(), "{} fields for {} columns accepted", r.len(), doc.header.len());
            }
        }
    }

    /// `csv_units` accepts a record exactly when it has the right width and
    /// its unit fields are valid; a header without the unit columns is one
    /// rejection.
    #[test]
    fn csv_units_accept_exactly_units(doc in csv_doc(UNIT_COLUMNS.to_vec())) {
        let text = doc.render();
        ok(unit_csv(text.as_bytes(), "f.csv"))?;
        let items: Vec<_> = csv_units(text.as_bytes(), "f.csv").collect();
        if !has_columns(&doc.columns(), &["doc_id", "unit_id", "text"]) {
            prop_assert_eq!(items.len(), 1);
            return Ok(());
        }
        let records: Vec<&Vec<String>> = doc.records.iter().filter(|r| !is_blank_record(r)).collect();
        prop_assert_eq!(items.len(), records.len());
        for (item, r) in items.iter().zip(records) {
            let accepted = r.len() == doc.header.len() && {
                let filled = |k: &str| doc.get(r, k).is_some_and(|v| !v.trim().is_empty());
                let kind_ok = doc.get(r, "kind").is_none_or(|k| k.trim().is_empty() || UnitKind::parse(k).is_some());
                filled("doc_id") && filled("unit_id") && filled("text") && kind_ok
            };
            prop_assert_eq!(item.is_ok(), accepted, "{:?} → {:?}", r, item);
        }
    }

    #[test]
    fn labels_any_bytes(bytes in vec(any::<u8>(), 0..300)) {
        ok(label_csv(&bytes))?;
    }

    #[test]
    fn labels_messy_text(bytes in messy_csv("doc_id,unit_id,actor,stance,sentiment")) {
        ok(label_csv(&bytes))?;
    }

    /// A label row is kept exactly when it has the right width, every label
    /// field filled, and a known stance and sentiment; a file whose header
    /// lacks a label column is one rejection; a file of blank rows is one.
    #[test]
    fn labels_keep_exactly_valid_rows(doc in csv_doc(LABEL_COLUMN_NAMES.to_vec())) {
        let text = doc.render();
        ok(label_csv(text.as_bytes()))?;
        let (rows, bad) = with_temp_file(text.as_bytes(), "csv", |p| read_labels(&[p.to_path_buf()]));
        if !has_columns(&doc.columns(), &LABEL_COLUMNS) {
            prop_assert!(rows.is_empty() && bad.len() == 1);
            return Ok(());
        }
        let records: Vec<&Vec<String>> = doc.records.iter().filter(|r| !is_blank_record(r)).collect();
        let kept: Vec<&&Vec<String>> = records
            .iter()
            .filter(|r| {
                r.len() == doc.header.len() && {
                    let filled = |k: &str| doc.get(r, k).is_some_and(|v| !v.trim().is_empty());
                    filled("doc_id") && filled("unit_id") && filled("actor")
                        && doc.get(r, "stance").and_then(Stance::parse).is_some()
                        && doc.get(r, "sentiment").and_then(Sentiment::parse).is_some()
                }
            })
            .collect();
        prop_assert_eq!(rows.len(), kept.len(), "{:?} {:?}", text, bad);
        prop_assert_eq!(bad.len(), if records.is_empty() { 1 } else { records.len() - kept.len() });
        for (row, r) in rows.iter().zip(kept) {
            prop_assert_eq!(Some(row.doc_id.as_str()), doc.get(r, "doc_id").map(str::trim));
            prop_assert_eq!(Some(row.stance), doc.get(r, "stance").and_then(Stance::parse));
        }
    }
}

/// Blank records (`,,` lines, as spreadsheets export below the data) were
/// once skipped one recursive call each, and about 20 000 overflowed the
/// stack of `stance ingest` and `stance labels check`.
#[test]
fn csv_many_blank_records_do_not_overflow_the_stack() {
    let mut text = String::from("doc_id,unit_id,text\n");
    for _ in 0..200_000 {
        text.push_str(",,\n");
    }
    text.push_str("d,u,hello\n");
    let items: Vec<_> = csv_units(text.as_bytes(), "f.csv").collect();
    assert_eq!(items.len(), 1);
}

/// A rejection names the line its record starts on, although the csv
/// crate's positions are one line early for a record after a CRLF line
/// ending (BurntSushi/rust-csv#395) or after a blank line (#208).
#[test]
fn csv_rejections_name_their_own_line() {
    for (text, line) in [
        ("doc_id,unit_id,text\nd,c1,x\nd,c2\n", 3),
        ("doc_id,unit_id,text\r\nd,c1,x\r\nd,c2\r\n", 3),
        ("doc_id,unit_id,text\nd,c1,x\n\nd,c2\n", 4),
        // Both at once: two lines early (reported as line 2).
        ("doc_id,unit_id,text\r\nd,c1,x\r\n\r\nd,c2\r\n", 4),
    ] {
        let items: Vec<_> = csv_units(text.as_bytes(), "f.csv").collect();
        let r = items[1].as_ref().unwrap_err();
        assert_eq!(r.at.line, Some(line), "{text:?}: {r}");
    }
}

// ---------------------------------------------------------------------------
// Actors file
// ---------------------------------------------------------------------------

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[derive(Debug, Clone)]
struct ActorSpec {
    code: &'static str,
    name: Option<&'static str>,
    names: Option<Vec<String>>,
    exact: Option<Vec<String>>,
    extra: bool,
}

fn actor_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(vec!["Pakistan", "Pakistani", "Pak", "U.S.", "US", "USA", "Indo", "India",
                          "Indian Ocean", "Russia", "Vladimir Putin", "a", "ü", "本", "o'clock",
                          "Pakistan-Russia", "x.", ".x", " spaced ", "🇵🇰"])
            .prop_map(String::from),
        1 => select(vec!["", " ", "\t", "a\"b", "back\\slash", "\u{7f}", "line\nbreak"])
            .prop_map(String::from),
        1 => "[a-zA-Z ]{1,8}",
        1 => odd_text(),
    ]
}

fn actor_spec() -> impl Strategy<Value = ActorSpec> {
    (
        select(vec!["PAK", "RUS", "USA", "A_1", "x", "", "A-B", "Ü", "a b"]),
        proptest::option::weighted(0.9, select(vec!["Pakistan", "", "Ü \"q\""])),
        proptest::option::weighted(0.8, vec(actor_name(), 0..4)),
        proptest::option::weighted(0.4, vec(actor_name(), 0..3)),
        proptest::bool::weighted(0.1),
    )
        .prop_map(|(code, name, names, exact, extra)| ActorSpec {
            code,
            name,
            names,
            exact,
            extra,
        })
}

fn render_actors(actors: &[ActorSpec], top_extra: bool) -> String {
    let list = |v: &[String]| {
        v.iter()
            .map(|s| toml_string(s))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = String::from("# actors\n");
    if top_extra {
        out.push_str("version = 1\n");
    }
    for a in actors {
        out.push_str("\n[[actor]]\n");
        out.push_str(&format!("code = {}\n", toml_string(a.code)));
        if let Some(n) = a.name {
            out.push_str(&format!("name = {}\n", toml_string(n)));
        }
        if let Some(v) = &a.names {
            out.push_str(&format!("names = [{}]\n", list(v)));
        }
        if let Some(v) = &a.exact {
            // Multi-line, with a trailing comma when not empty.
            let sep = if v.is_empty() { "" } else { "," };
            out.push_str(&format!("exact = [\n  {}{sep}\n]\n", list(v)));
        }
        if a.extra {
            out.push_str("colour = \"red\"\n");
        }
    }
    out
}

/// What `from_toml` must decide for a rendered file.
fn actors_accepted(actors: &[ActorSpec], top_extra: bool) -> bool {
    !top_extra
        && !actors.is_empty()
        && actors.iter().enumerate().all(|(i, a)| {
            let names: Vec<&String> = a.names.iter().chain(&a.exact).flatten().collect();
            a.name.is_some()
                && !a.extra
                && !a.code.is_empty()
                && a.code
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && actors[..i].iter().all(|b| b.code != a.code)
                && !names.is_empty()
                && names.iter().all(|n| !n.trim().is_empty())
        })
}

fn mention_text() -> impl Strategy<Value = String> {
    vec(
        prop_oneof![
            actor_name(),
            select(vec![
                " ", "’s ", "-", ".", ", ", "Indiana", "us", "pakistan", "PAKISTAN", "\n", "é"
            ])
            .prop_map(String::from),
        ],
        0..12,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn actors_any_string(text in any::<String>(), sample in any::<String>()) {
        ok(actors_toml(&text, &sample))?;
    }

    #[test]
    fn actors_near_valid_files(actors in vec(actor_spec(), 0..5), top_extra in proptest::bool::weighted(0.1), sample in mention_text()) {
        let text = render_actors(&actors, top_extra);
        ok(actors_toml(&text, &sample))?;
        let got = ActorSet::from_toml(&text);
        prop_assert_eq!(got.is_ok(), actors_accepted(&actors, top_extra), "{}\n{:?}", text, got.err());
    }

    /// Damaged files: cut at any character, or a character put anywhere.
    #[test]
    fn actors_damaged_files(
        actors in vec(actor_spec(), 1..4),
        at in any::<prop::sample::Index>(),
        insert in proptest::option::of(select(vec!['"', '[', ']', '=', '\n', '\\', '#', 'ü', '\'', '{', '\u{0}'])),
        sample in mention_text(),
    ) {
        let mut text = render_actors(&actors, false);
        let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        let i = bounds[at.index(bounds.len())];
        match insert {
            Some(c) => text.insert(i, c),
            None => text.truncate(i),
        }
        ok(actors_toml(&text, &sample))?;
    }

    #[test]
    fn actors_shipped_file_on_any_text(sample in prop_oneof![any::<String>(), mention_text()]) {
        ok(actors_toml(shipped_actors(), &sample))?;
    }
}

fn shipped_actors() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/labels/actors.toml")).unwrap()
    })
}

// ---------------------------------------------------------------------------
// Data-set lines (stance JSON lines, NewsMTSC)
// ---------------------------------------------------------------------------

/// A NewsMTSC-shaped object: sentence, a character span, the mention (mostly
/// the span's text), polarity, with random damage.
fn newsmtsc_object() -> impl Strategy<Value = BTreeMap<String, V>> {
    (
        prop_oneof![words(1..10), odd_text(), any::<String>()],
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
        prop_oneof![4 => Just(None), 1 => any::<i64>().prop_map(Some), 1 => (-3i64..30).prop_map(Some)],
        prop_oneof![4 => (-1i64..=1).prop_map(V::Int), 1 => value()],
        proptest::bool::weighted(0.8),
        proptest::option::weighted(0.5, value()),
        vec(0u8..12, 0..2),
    )
        .prop_map(|(sentence, a, b, bad_to, polarity, true_mention, id, drop)| {
            let n = sentence.chars().count();
            let (mut from, mut to) = (a.index(n + 1), b.index(n + 1));
            if from > to {
                std::mem::swap(&mut from, &mut to);
            }
            let mention: String = if true_mention {
                sentence.chars().skip(from).take(to - from).collect()
            } else {
                "Smith".into()
            };
            let to = bad_to.unwrap_or(to as i64);
            let mut m = BTreeMap::new();
            m.insert("sentence".to_string(), V::Str(sentence));
            m.insert("mention".to_string(), V::Str(mention));
            m.insert("from".to_string(), V::Int(from as i64));
            m.insert("to".to_string(), V::Int(to));
            m.insert("polarity".to_string(), polarity);
            if let Some(id) = id {
                m.insert("id".to_string(), id);
            }
            for d in drop {
                let keys: Vec<String> = m.keys().cloned().collect();
                if let Some(k) = keys.get(d as usize) {
                    m.remove(k);
                }
            }
            m
        })
}

fn stance_object() -> impl Strategy<Value = BTreeMap<String, V>> {
    let keys = ["text", "target", "label", "id", "extra"];
    (
        prop_oneof![4 => words(1..10).prop_map(V::Str), 1 => value()],
        prop_oneof![4 => select(vec!["PAK", "Hillary Clinton", " RUS ", ""]).prop_map(|s| V::Str(s.into())), 1 => value()],
        prop_oneof![4 => select(vec!["favor", "AGAINST", "none", "pro", " anti", "neutral", "maybe", ""]).prop_map(|s| V::Str(s.into())), 1 => value()],
        value(),
        value(),
        vec(0u8..4, 5),
    )
        .prop_map(move |(text, target, label, id, extra, keep)| {
            [text, target, label, id, extra]
                .into_iter()
                .zip(keys)
                .zip(keep)
                .filter(|((_, k), p)| if *k == "id" || *k == "extra" { *p > 1 } else { *p > 0 })
                .map(|((v, k), _)| (k.to_string(), v))
                .collect()
        })
}

/// What `example_from_json` must make of an object.
fn expected_example(m: &BTreeMap<String, V>) -> Option<Example> {
    let get = |k: &str| m.get(k).map_or(Ok(None), V::as_field);
    let required = |k: &str| match get(k) {
        Ok(Some(s)) if !s.trim().is_empty() => Some(s),
        _ => None,
    };
    let id = |text: &str| match get("id") {
        Err(()) => None,
        Ok(id) => Some(id.unwrap_or_else(|| format!("{:016x}", fnv1a(text.as_bytes())))),
    };
    if m.contains_key("sentence") && m.contains_key("polarity") {
        let sentence = required("sentence")?;
        let mention = required("mention")?;
        let int = |k: &str| match m.get(k) {
            Some(V::Int(i)) => Some(*i),
            _ => None,
        };
        let stance = match int("polarity")? {
            1 => Stance::Pro,
            0 => Stance::None,
            -1 => Stance::Anti,
            _ => return None,
        };
        let (from, to) = (int("from")?, int("to")?);
        let n = sentence.chars().count() as i64;
        if from < 0 || to < from || to > n {
            return None;
        }
        let byte = |c: i64| {
            sentence
                .char_indices()
                .map(|(i, _)| i)
                .chain([sentence.len()])
                .nth(c as usize)
                .unwrap()
        };
        let span = (byte(from), byte(to));
        if sentence[span.0..span.1] != mention {
            return None;
        }
        Some(Example {
            id: id(&sentence)?,
            group: fnv1a(sentence.as_bytes()),
            text: sentence,
            target: "mention".into(),
            span: Some(span),
            stance,
            kind: None,
        })
    } else if m.contains_key("target") && m.contains_key("label") {
        let text = required("text")?;
        let target = required("target")?;
        let stance = Stance::parse(&required("label")?)?;
        Some(Example {
            id: id(&text)?,
            group: fnv1a(text.as_bytes()),
            text,
            target: target.trim().to_string(),
            span: None,
            stance,
            kind: None,
        })
    } else {
        None
    }
}

fn to_map(m: &BTreeMap<String, V>) -> Map<String, Value> {
    m.iter().map(|(k, v)| (k.clone(), v.json())).collect()
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn dataset_any_bytes(bytes in vec(any::<u8>(), 0..400)) {
        ok(dataset_lines(&bytes, "d.jsonl"))?;
    }

    #[test]
    fn dataset_file_any_lines(lines in vec(jline(), 0..8)) {
        ok(dataset_jsonl(&encode_jlines(&lines, false, true)))?;
    }

    /// Each line is decided exactly as its format says; kept examples are
    /// exactly what the line holds.
    #[test]
    fn dataset_near_valid_lines(obj in prop_oneof![newsmtsc_object(), stance_object()]) {
        let got = example_from_json(&to_map(&obj));
        let want = expected_example(&obj);
        prop_assert_eq!(got.as_ref().ok(), want.as_ref(), "{:?}", got);
        if let Ok(e) = &got {
            ok(check_example(e))?;
        }
    }

    /// The same objects as JSON lines in a file, read by `read_data`.
    #[test]
    fn dataset_near_valid_files(objs in vec(prop_oneof![newsmtsc_object(), stance_object()], 0..8)) {
        let text: String = objs
            .iter()
            .map(|o| serde_json::to_string(&to_map(o)).unwrap() + "\n")
            .collect();
        ok(dataset_jsonl(text.as_bytes()))?;
        ok(dataset_lines(text.as_bytes(), "d.jsonl"))?;
    }
}

// ---------------------------------------------------------------------------
// Model files
// ---------------------------------------------------------------------------

const TINY_ACTORS: &str = "[[actor]]\ncode = \"PAK\"\nname = \"Pakistan\"\nnames = [\"Pakistan\"]\n\n[[actor]]\ncode = \"RUS\"\nname = \"Russia\"\nnames = [\"Russia\", \"Moscow\"]\n";

/// A model trained on a few in-memory examples, and its bytes.
fn tiny_model() -> &'static (ModelData, Vec<u8>) {
    static MODEL: OnceLock<(ModelData, Vec<u8>)> = OnceLock::new();
    MODEL.get_or_init(|| {
        let actors = ActorSet::from_toml(TINY_ACTORS).unwrap();
        let mut data = Dataset::default();
        let texts = [
            (
                "We trust Pakistan again",
                "PAK",
                Stance::Pro,
                Sentiment::Positive,
            ),
            (
                "We blame Russia today",
                "RUS",
                Stance::Anti,
                Sentiment::Negative,
            ),
            (
                "Officials visited Moscow this week",
                "RUS",
                Stance::None,
                Sentiment::Neutral,
            ),
            (
                "Pakistan failed us badly",
                "PAK",
                Stance::Anti,
                Sentiment::Negative,
            ),
            (
                "Russia is a good friend",
                "RUS",
                Stance::Pro,
                Sentiment::Positive,
            ),
            (
                "Pakistan held talks",
                "PAK",
                Stance::None,
                Sentiment::Neutral,
            ),
        ];
        for (i, (text, target, stance, sentiment)) in texts.into_iter().enumerate() {
            let group = fnv1a(text.as_bytes());
            data.stance.push(Example {
                id: format!("e{i}"),
                group,
                text: text.into(),
                target: target.into(),
                span: None,
                stance,
                kind: None,
            });
            data.sentiment.push(SentimentExample {
                id: format!("e{i}"),
                group,
                text: text.into(),
                sentiment,
            });
        }
        let mut params = TrainParams {
            per_target: true,
            ..TrainParams::default()
        };
        params.stance.max_iter = 20;
        params.sentiment.max_iter = 20;
        let model = train(
            &data,
            &actors,
            TINY_ACTORS,
            &params,
            vec!["mem".into()],
            &Silent,
        )
        .unwrap();
        let bytes = encode(&model).unwrap();
        (model, bytes)
    })
}

#[test]
fn model_round_trips_and_scores() {
    let (model, bytes) = tiny_model();
    assert_eq!(&decode(bytes).unwrap(), model);
    model_load_and_score(bytes, "We trust Pakistan but not Russia.").unwrap();
}

/// A crafted model file (valid framing and checksum, inconsistent contents)
/// must be rejected by the loader or score without panicking
/// (`StanceModel::from_data` validates what scoring indexes into; see the
/// report in `fuzz/README.md`).
#[test]
fn crafted_models_are_rejected_not_panicking() {
    let panics = crafted_model_panics();
    assert!(
        panics.is_empty(),
        "the loader accepted and then panicked on: {panics:#?}"
    );
}

/// The mutations of a valid model that the load path must survive, and
/// which of them panic.
fn crafted_model_panics() -> Vec<String> {
    let (model, _) = tiny_model();
    type Mutation = (&'static str, fn(&mut ModelData));
    let mutations: &[Mutation] = &[
        ("features.word_ngrams = 0", |m| m.features.word_ngrams = 0),
        ("features.window = usize::MAX", |m| {
            m.features.window = usize::MAX
        }),
        ("features.char_ngrams = Some((0, 0))", |m| {
            m.features.char_ngrams = Some((0, 0))
        }),
        ("stance head weights truncated", |m| {
            for (_, h) in &mut m.stance.as_mut().unwrap().heads {
                h.weights.truncate(h.weights.len() / 2);
            }
        }),
        ("stance head bias emptied", |m| {
            for (_, h) in &mut m.stance.as_mut().unwrap().heads {
                h.bias.clear();
            }
        }),
        ("stance labels has a fourth label", |m| {
            m.stance.as_mut().unwrap().labels.push("maybe".into())
        }),
        ("sentiment head n_classes = 0", |m| {
            m.sentiment.as_mut().unwrap().heads[0].1.n_classes = 0
        }),
        ("sentiment heads emptied", |m| {
            m.sentiment.as_mut().unwrap().heads.clear()
        }),
        ("vocabulary group 200", |m| {
            m.sentiment
                .as_mut()
                .unwrap()
                .vocab
                .groups
                .iter_mut()
                .for_each(|g| *g = 200)
        }),
        ("vocabulary idf emptied", |m| {
            m.sentiment.as_mut().unwrap().vocab.idf.clear()
        }),
        ("vocabulary groups emptied", |m| {
            m.stance.as_mut().unwrap().vocab.groups.clear()
        }),
    ];
    let text = "We trust Pakistan again, but we blame Russia today.";
    let mut panics = Vec::new();
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for (name, mutate) in mutations {
        let mut m = model.clone();
        mutate(&mut m);
        let bytes = encode(&m).unwrap();
        match std::panic::catch_unwind(|| model_load_and_score(&bytes, text)) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => panics.push(format!("{name}: {e}")),
            Err(p) => {
                let msg = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                panics.push(format!("{name}: panic: {msg}"));
            }
        }
    }
    std::panic::set_hook(hook);
    panics
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn model_any_bytes_is_an_error(bytes in vec(any::<u8>(), 0..200)) {
        prop_assert!(decode(&bytes).is_err());
        ok(model_bytes(&bytes))?;
    }

    #[test]
    fn model_any_payload_with_valid_framing(payload in vec(any::<u8>(), 0..300)) {
        ok(model_load_and_score(&frame_model(&payload), "Pakistan and Russia"))?;
    }

    /// A valid model's payload with bytes changed and the checksum fixed up:
    /// the payload decoder sees near-valid input.
    #[test]
    fn model_damaged_payload_with_valid_framing(
        edits in vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in proptest::option::weighted(0.2, any::<prop::sample::Index>()),
    ) {
        let (_, bytes) = tiny_model();
        let mut payload = bytes[20..bytes.len() - 32].to_vec();
        for (i, b) in edits {
            let i = i.index(payload.len());
            payload[i] = b;
        }
        if let Some(c) = cut {
            payload.truncate(c.index(payload.len()));
        }
        // Decoding must not panic. Scoring is not checked here: a payload
        // that decodes may be inconsistent (see crafted_models_…).
        ok(model_bytes(&frame_model(&payload)))?;
    }

    /// Any single byte flipped anywhere in a valid file is an error: the
    /// header is checked field by field, the rest by the checksum.
    #[test]
    fn model_single_byte_flip_is_an_error(at in any::<prop::sample::Index>(), x in 1u8..=255) {
        let (_, bytes) = tiny_model();
        let mut b = bytes.clone();
        let i = at.index(b.len());
        b[i] ^= x;
        match decode(&b) {
            Ok(_) => return Err(TestCaseError::fail(format!("flip at byte {i} of {} (xor {x:#04x}) decoded", b.len()))),
            Err(Decode::Version(v)) => prop_assert!((8..12).contains(&i) && v != FORMAT_VERSION),
            Err(Decode::Invalid(_)) => {}
        }
    }

    #[test]
    fn model_truncated_or_extended_is_an_error(at in any::<prop::sample::Index>(), tail in vec(any::<u8>(), 1..40)) {
        let (_, bytes) = tiny_model();
        prop_assert!(decode(&bytes[..at.index(bytes.len())]).is_err());
        let mut longer = bytes.clone();
        longer.extend(tail);
        prop_assert!(decode(&longer).is_err());
    }
}

// ---------------------------------------------------------------------------
// Tokenizer
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn tokenizer_any_string(text in any::<String>(), bits in 0u8..16) {
        ok(tokens(&text, config_from_bits(bits)))?;
    }

    #[test]
    fn tokenizer_odd_text(text in prop_oneof![odd_text(), mention_text(), page()], bits in 0u8..16) {
        ok(tokens(&text, config_from_bits(bits)))?;
    }
}
