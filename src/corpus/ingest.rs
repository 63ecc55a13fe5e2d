//! Turns what users point the tool at — directories, files, `-` — into one
//! stream of units. Seed pages are parsed whole (they are small); record
//! files stream row by row. A file that cannot be read is one rejection, and
//! the other inputs are still processed.

use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

use super::columns::Columns;
use super::records::{CsvRows, csv_units_with, json_units_with};
use super::{Dedup, Unit, UnitKind, parse_seed};
use crate::error::{Error, Location, Rejection, display_path};
use crate::limits::{max_line_bytes, max_page_bytes};

/// One thing named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Path(PathBuf),
    Stdin,
}

impl Input {
    pub fn parse(arg: &str) -> Input {
        if arg == "-" {
            Input::Stdin
        } else {
            Input::Path(PathBuf::from(arg))
        }
    }
}

/// How a file's content is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An article page as text (the seed format).
    Page,
    JsonLines,
    Csv,
    /// Tab-separated, with a header like CSV.
    Tsv,
}

impl Format {
    /// By extension; anything not a record file is read as a page.
    pub fn of_path(path: &Path) -> Format {
        match crate::input::uncompressed_name(path)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("jsonl" | "ndjson" | "json") => Format::JsonLines,
            Some("csv") => Format::Csv,
            Some("tsv" | "tab") => Format::Tsv,
            _ => Format::Page,
        }
    }

    /// For stdin: by the first bytes.
    pub fn sniff(head: &[u8]) -> Format {
        let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
        let start = head.iter().position(|b| !b.is_ascii_whitespace());
        match start.map(|i| head[i]) {
            Some(b'{') => Format::JsonLines,
            _ => {
                let first = head.split(|&b| b == b'\n').next().unwrap_or(&[]);
                let first = String::from_utf8_lossy(first).to_ascii_lowercase();
                let has_text = |sep: char| {
                    let cols: Vec<&str> = first.split(sep).map(str::trim).collect();
                    cols.contains(&"text") && cols.len() > 1
                };
                if has_text(',') {
                    Format::Csv
                } else if has_text('\t') {
                    Format::Tsv
                } else {
                    Format::Page
                }
            }
        }
    }
}

/// How record inputs are read, beyond what their name and content say.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The user's names of the id and text columns.
    pub columns: Columns,
    /// The field separator of CSV inputs (`\t`: TSV), whatever their name.
    pub delimiter: Option<u8>,
    /// Every line of every input is one unit of plain text (`--lines`).
    pub lines: bool,
    /// Where to count the bytes read from the inputs, for progress (see
    /// [`known_size`] for the total they reach).
    pub bytes_read: Option<crate::input::ByteCount>,
}

impl ReadOptions {
    /// The options of `stance ingest`'s flags: the columns of the id
    /// (`--id-col`), document (`--doc-col`) and text (`--text-col`), each
    /// by default the standard name; the CSV delimiter (`--delimiter`: one
    /// ASCII character, or `tab`); one unit a line (`--lines`).
    pub fn from_flags(
        id_col: Option<&str>,
        doc_col: Option<&str>,
        text_col: Option<&str>,
        delimiter: Option<&str>,
        lines: bool,
    ) -> Result<ReadOptions, Error> {
        let d = Columns::default();
        let delimiter = match delimiter {
            None => None,
            Some("tab" | "\\t" | "\t") => Some(b'\t'),
            Some(s) if s.len() == 1 && s.is_ascii() => Some(s.as_bytes()[0]),
            Some(s) => {
                return Err(Error::Param(format!(
                    "--delimiter {s:?}: give one ASCII character or `tab`"
                )));
            }
        };
        Ok(ReadOptions {
            columns: Columns {
                doc: doc_col.map_or(d.doc, str::to_string),
                unit: id_col.map_or(d.unit, str::to_string),
                text: text_col.map_or(d.text, str::to_string),
            },
            delimiter,
            lines,
            bytes_read: None,
        })
    }

    /// The document of rows that name none: only with renamed columns
    /// (see [`Columns::is_default`]), the input's name.
    fn default_doc(&self, input: &Input) -> Option<String> {
        (!self.columns.is_default()).then(|| input_doc(input))
    }
}

/// The document id an input stands for when it names none: its file stem,
/// `stdin` for `-`.
pub fn input_doc(input: &Input) -> String {
    match input {
        Input::Path(p) => crate::input::uncompressed_name(p)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "doc".into()),
        Input::Stdin => "stdin".into(),
    }
}

/// The inputs that do not exist, as one error naming them all, so a
/// mistyped name stops the command before any work rather than leaving
/// a result silently short of a file.
pub fn require_inputs(inputs: &[Input]) -> Result<(), Error> {
    let missing: Vec<Rejection> = inputs
        .iter()
        .filter_map(|i| match i {
            Input::Path(p) if !p.exists() => Some(Rejection::new(
                Location::of_path(p, None),
                "no such file or directory",
            )),
            _ => None,
        })
        .collect();
    match missing.len() {
        0 => Ok(()),
        1 => Err(Error::Invalid(missing.into_iter().next().expect("one"))),
        _ => Err(Error::Many(missing)),
    }
}

/// Units of plain texts given on the command line (`--text`): document
/// `text`, ids `text-1`, `text-2`, … in the order given.
pub fn text_units(texts: &[String]) -> Stream<Unit> {
    let units: Vec<_> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let at = Location::new("--text", Some(i as u64 + 1));
            if t.trim().is_empty() {
                return Err(Rejection::new(at, "empty text"));
            }
            Ok((at, plain_unit("text".into(), format!("text-{}", i + 1), t)))
        })
        .collect();
    Box::new(units.into_iter())
}

fn plain_unit(doc_id: String, unit_id: String, text: &str) -> Unit {
    Unit {
        doc_id,
        unit_id,
        kind: UnitKind::Comment,
        author: None,
        posted_at: None,
        text: text.to_string(),
        fields: None,
    }
}

/// Every non-blank line one unit: document [`input_doc`], ids `line-N` by
/// the physical line number, so they stay the same however the input is
/// split or filtered.
fn line_units(reader: Reader, name: String, doc: String) -> Stream<Unit> {
    let mut lines = super::records::TextLines::new(reader, name);
    Box::new(std::iter::from_fn(move || {
        lines.next_with(|at, text| {
            let id = format!("line-{}", at.line.unwrap_or(0));
            Ok((at, plain_unit(doc.clone(), id, text)))
        })
    }))
}

/// Counts for the closing summary: every row read is kept or rejected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IngestSummary {
    pub read: usize,
    pub kept: usize,
    pub rejected: usize,
}

impl std::fmt::Display for IngestSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "read {}, kept {}, rejected {}",
            self.read, self.kept, self.rejected
        )
    }
}

/// Expands directories into their files, sorted by name so runs are
/// reproducible. Hidden files are skipped.
pub fn expand(inputs: &[Input]) -> Vec<Result<Input, Rejection>> {
    let mut out = Vec::new();
    for input in inputs {
        match input {
            Input::Path(p) if p.is_dir() => match std::fs::read_dir(p) {
                Ok(entries) => {
                    let mut files: Vec<PathBuf> = entries
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| p.is_file())
                        .filter(|p| {
                            !p.file_name()
                                .and_then(|n| n.to_str())
                                .is_some_and(|n| n.starts_with('.'))
                        })
                        .collect();
                    files.sort();
                    if files.is_empty() {
                        out.push(Err(Rejection::new(
                            Location::of_path(p, None),
                            "directory has no files",
                        )));
                    }
                    out.extend(files.into_iter().map(|f| Ok(Input::Path(f))));
                }
                Err(e) => out.push(Err(Rejection::new(
                    Location::of_path(p, None),
                    e.to_string(),
                ))),
            },
            other => out.push(Ok(other.clone())),
        }
    }
    out
}

/// The bytes [`open_with`] will read from `inputs` (directories expanded
/// as [`expand`] does): the sum of their file sizes, compressed or not.
/// `None` when it cannot be known in advance: stdin, a pipe or device
/// named as a file.
pub fn known_size(inputs: &[Input]) -> Option<u64> {
    let mut total = 0u64;
    for input in expand(inputs) {
        match input {
            Ok(Input::Path(p)) => match std::fs::metadata(&p) {
                Ok(m) if m.is_file() => total = total.saturating_add(m.len()),
                // Not there: rejected when opened, reads nothing.
                Err(_) => {}
                Ok(_) => return None,
            },
            Ok(Input::Stdin) => return None,
            Err(_) => {}
        }
    }
    Some(total)
}

type UnitStream = Stream<Unit>;

/// Rows of one input, each with where it came from.
pub type Stream<T> = Box<dyn Iterator<Item = Result<(Location, T), Rejection>> + Send>;

/// A buffered reader of one input.
pub type Reader = Box<dyn BufRead + Send>;

/// Opens one input as a stream of units.
pub fn open(input: &Input, opts: &ReadOptions) -> UnitStream {
    open_with(
        input,
        opts,
        |reader, name, doc| Box::new(json_units_with(reader, name, &opts.columns, doc)),
        |u| u,
    )
}

/// Opens one input (decompressed, see [`crate::input`]); JSON lines go to
/// `json` with the document of rows that name none (so other commands can
/// read other record kinds from them), CSV, TSV, pages and plain lines
/// become units mapped by `unit`.
pub fn open_with<T: Send + 'static>(
    input: &Input,
    opts: &ReadOptions,
    json: impl FnOnce(Reader, String, Option<String>) -> Stream<T>,
    unit: fn(Unit) -> T,
) -> Stream<T> {
    let (name, path) = match input {
        Input::Stdin => ("-".to_string(), Path::new("-")),
        Input::Path(p) => (display_path(p), p.as_path()),
    };
    let mut reader = match crate::input::open_counted(path, opts.bytes_read.as_ref()) {
        Ok(r) => r,
        Err(e) => {
            let r = Rejection::new(Location::new(name, None), format!("cannot open: {e}"));
            return Box::new(std::iter::once(Err(r)));
        }
    };
    let map = move |r: Result<(Location, Unit), Rejection>| r.map(|(at, u)| (at, unit(u)));
    if opts.lines {
        return Box::new(line_units(reader, name, input_doc(input)).map(map));
    }
    let format = match input {
        Input::Path(p) => Format::of_path(p),
        Input::Stdin => match reader.fill_buf() {
            Ok(head) => Format::sniff(head),
            Err(e) => {
                let r = Rejection::new(Location::new(name, None), format!("cannot read: {e}"));
                return Box::new(std::iter::once(Err(r)));
            }
        },
    };
    let doc = opts.default_doc(input);
    let delimiter = match (opts.delimiter, format) {
        (Some(d), _) => Some(d),
        (None, Format::Csv) => Some(b','),
        (None, Format::Tsv) => Some(b'\t'),
        (None, _) => None,
    };
    match (format, delimiter) {
        (Format::JsonLines, _) => json(reader, name, doc),
        (_, Some(d)) => {
            let rows = CsvRows::with_delimiter(reader, name, d);
            Box::new(csv_units_with(rows, &opts.columns, doc.as_deref()).map(map))
        }
        _ => Box::new(page_units(reader, name, input).into_iter().map(map)),
    }
}

/// Reads a page whole (it is parsed whole), within the memory bounds:
/// at most [`max_page_bytes`], no line longer than [`max_line_bytes`], no
/// NUL bytes (binary data such as `/dev/zero` is no page). The error is
/// the line it is at, if any, and why.
fn read_page(reader: impl Read, bytes: &mut Vec<u8>) -> Result<(), (Option<u64>, String)> {
    let max = max_page_bytes();
    let mut limited = reader.take(max as u64 + 1);
    let mut piece = vec![0u8; 1 << 16];
    loop {
        let n = match limited.read(&mut piece) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err((None, format!("cannot read: {e}"))),
        };
        // Checked piece by piece, so `/dev/zero` stops at once.
        if piece[..n].contains(&0) {
            return Err((None, "binary data (NUL bytes), not a text page".into()));
        }
        bytes.extend_from_slice(&piece[..n]);
    }
    if bytes.len() > max {
        return Err((
            None,
            format!("larger than {max} bytes: not an article page (give units as JSON lines)"),
        ));
    }
    let max_line = max_line_bytes();
    let long = bytes
        .split(|&b| b == b'\n')
        .position(|l| l.strip_suffix(b"\r").unwrap_or(l).len() > max_line);
    match long {
        Some(i) => Err((
            Some(i as u64 + 1),
            format!("line longer than {max_line} bytes (--max-line-bytes)"),
        )),
        None => Ok(()),
    }
}

fn page_units(
    reader: impl Read,
    name: String,
    input: &Input,
) -> Vec<Result<(Location, Unit), Rejection>> {
    let mut bytes = Vec::new();
    if let Err(reason) = read_page(reader, &mut bytes) {
        return vec![Err(Rejection::new(Location::new(name, reason.0), reason.1))];
    }
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64
                + 1;
            return vec![Err(Rejection::new(
                Location::new(name, Some(line)),
                format!("invalid UTF-8 at byte {}", e.valid_up_to()),
            ))];
        }
    };
    let doc_id = input_doc(input);
    match parse_seed(&doc_id, text.trim_start_matches('\u{feff}')) {
        Ok(doc) => {
            let at = Location::new(name, None);
            doc.units.into_iter().map(|u| Ok((at.clone(), u))).collect()
        }
        Err(e) => vec![Err(Rejection::new(Location::new(name, e.line), e.message))],
    }
}

/// Reads all inputs as one stream of units; the second unit of a key
/// already read is rejected ([`Dedup`]).
pub struct Ingest {
    pending: std::vec::IntoIter<Result<Input, Rejection>>,
    current: Option<UnitStream>,
    first: Option<UnitStream>,
    seen: Dedup,
    opts: ReadOptions,
    summary: IngestSummary,
}

impl Ingest {
    pub fn new(inputs: &[Input]) -> Self {
        Self::with_options(inputs, ReadOptions::default())
    }

    pub fn with_options(inputs: &[Input], opts: ReadOptions) -> Self {
        Ingest {
            pending: expand(inputs).into_iter(),
            current: None,
            first: None,
            seen: Dedup::default(),
            opts,
            summary: IngestSummary::default(),
        }
    }

    /// Reads `units` (e.g. [`text_units`]) before the inputs.
    pub fn starting_with(mut self, units: UnitStream) -> Self {
        self.first = Some(units);
        self
    }

    pub fn summary(&self) -> IngestSummary {
        self.summary
    }
}

impl Iterator for Ingest {
    type Item = Result<Unit, Rejection>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.current.is_none() {
                self.current = self.first.take();
            }
            if let Some(stream) = &mut self.current {
                if let Some(item) = stream.next() {
                    self.summary.read += 1;
                    let seen = &mut self.seen;
                    let item = item.and_then(|(at, u)| seen.check(&at, &u).map(|()| u));
                    match &item {
                        Ok(_) => self.summary.kept += 1,
                        Err(_) => self.summary.rejected += 1,
                    }
                    return Some(item);
                }
                self.current = None;
            }
            match self.pending.next()? {
                Ok(input) => self.current = Some(open(&input, &self.opts)),
                Err(r) => {
                    self.summary.read += 1;
                    self.summary.rejected += 1;
                    return Some(Err(r));
                }
            }
        }
    }
}
