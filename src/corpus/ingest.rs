//! Turns what users point the tool at — directories, files, `-` — into one
//! stream of units. Seed pages are parsed whole (they are small); record
//! files stream row by row. A file that cannot be read is one rejection, and
//! the other inputs are still processed.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use super::records::{csv_units, json_units};
use super::{Unit, parse_seed};
use crate::error::{Location, Rejection, display_path};
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
}

impl Format {
    /// By extension; anything not a record file is read as a page.
    pub fn of_path(path: &Path) -> Format {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("jsonl" | "ndjson" | "json") => Format::JsonLines,
            Some("csv") => Format::Csv,
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
                let cols: Vec<&str> = first.split(',').map(str::trim).collect();
                if cols.contains(&"text") && cols.len() > 1 {
                    Format::Csv
                } else {
                    Format::Page
                }
            }
        }
    }
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

type UnitStream = Stream<Unit>;

/// Rows of one input, each with where it came from.
pub type Stream<T> = Box<dyn Iterator<Item = Result<(Location, T), Rejection>> + Send>;

/// A buffered reader of one input.
pub type Reader = Box<dyn BufRead + Send>;

/// Opens one input as a stream of units.
pub fn open(input: &Input) -> UnitStream {
    open_with(
        input,
        |reader, name| Box::new(json_units(reader, name)),
        |u| u,
    )
}

/// Opens one input; JSON lines go to `json` (so other commands can read
/// other record kinds from them), CSV and pages become units mapped by
/// `unit`.
pub fn open_with<T: Send + 'static>(
    input: &Input,
    json: impl FnOnce(Reader, String) -> Stream<T>,
    unit: fn(Unit) -> T,
) -> Stream<T> {
    let (name, reader, format): (String, Box<dyn BufRead + Send>, Option<Format>) = match input {
        Input::Stdin => (
            "-".into(),
            Box::new(BufReader::with_capacity(1 << 16, std::io::stdin())),
            None,
        ),
        Input::Path(p) => match File::open(p) {
            Ok(f) => (
                display_path(p),
                Box::new(BufReader::with_capacity(1 << 16, f)),
                Some(Format::of_path(p)),
            ),
            Err(e) => {
                let r = Rejection::new(Location::of_path(p, None), format!("cannot open: {e}"));
                return Box::new(std::iter::once(Err(r)));
            }
        },
    };
    let mut reader = reader;
    let format = match format {
        Some(f) => f,
        None => match reader.fill_buf() {
            Ok(head) => Format::sniff(head),
            Err(e) => {
                let r = Rejection::new(Location::new(name, None), format!("cannot read: {e}"));
                return Box::new(std::iter::once(Err(r)));
            }
        },
    };
    let map = move |r: Result<(Location, Unit), Rejection>| r.map(|(at, u)| (at, unit(u)));
    match format {
        Format::JsonLines => json(reader, name),
        Format::Csv => Box::new(csv_units(reader, name).map(map)),
        Format::Page => Box::new(page_units(reader, name, input).into_iter().map(map)),
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
    let doc_id = match input {
        Input::Path(p) => p
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "doc".into()),
        Input::Stdin => "stdin".into(),
    };
    match parse_seed(&doc_id, text.trim_start_matches('\u{feff}')) {
        Ok(doc) => {
            let at = Location::new(name, None);
            doc.units.into_iter().map(|u| Ok((at.clone(), u))).collect()
        }
        Err(e) => vec![Err(Rejection::new(Location::new(name, e.line), e.message))],
    }
}

/// Reads all inputs as one stream of units.
pub struct Ingest {
    pending: std::vec::IntoIter<Result<Input, Rejection>>,
    current: Option<UnitStream>,
    seen: Option<HashSet<(String, String)>>,
    summary: IngestSummary,
}

impl Ingest {
    pub fn new(inputs: &[Input]) -> Self {
        Ingest {
            pending: expand(inputs).into_iter(),
            current: None,
            seen: None,
            summary: IngestSummary::default(),
        }
    }

    /// Rejects a unit whose (doc_id, unit_id) was already read. Costs memory
    /// per unit, so scoring at scale leaves it off.
    pub fn reject_duplicates(mut self) -> Self {
        self.seen = Some(HashSet::new());
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
            if let Some(stream) = &mut self.current {
                if let Some(item) = stream.next() {
                    self.summary.read += 1;
                    let seen = &mut self.seen;
                    let item = item.and_then(|(at, u)| {
                        let fresh = seen
                            .as_mut()
                            .is_none_or(|s| s.insert((u.doc_id.clone(), u.unit_id.clone())));
                        if fresh {
                            Ok(u)
                        } else {
                            let reason = format!("duplicate unit {} {}", u.doc_id, u.unit_id);
                            Err(Rejection::new(at, reason))
                        }
                    });
                    match &item {
                        Ok(_) => self.summary.kept += 1,
                        Err(_) => self.summary.rejected += 1,
                    }
                    return Some(item);
                }
                self.current = None;
            }
            match self.pending.next()? {
                Ok(input) => self.current = Some(open(&input)),
                Err(r) => {
                    self.summary.read += 1;
                    self.summary.rejected += 1;
                    return Some(Err(r));
                }
            }
        }
    }
}
