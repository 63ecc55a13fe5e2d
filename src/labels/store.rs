//! Label files read so that writing them back changes only what a merge
//! touched. Every record keeps its original bytes (quoting, notes, line
//! endings) until it is edited, so the diff of a merge shows the merged
//! labels and nothing else, and re-adding removed rows restores a file
//! byte for byte.

use std::path::{Path, PathBuf};

use super::{COLUMNS, LabelRow, is_unfilled, parse_fields};
use crate::error::{Location, Rejection, display_path};

/// One label CSV, header and records, with the bytes it was read from.
#[derive(Debug, Clone)]
pub struct LabelFile {
    pub path: PathBuf,
    /// Column names, trimmed and lowercased like every other reader does.
    pub header: Vec<String>,
    /// The header line (and anything before the first record) as read.
    head: Vec<u8>,
    pub records: Vec<Record>,
    crlf: bool,
}

/// One data record of a [`LabelFile`].
#[derive(Debug, Clone)]
pub struct Record {
    pub at: Location,
    /// Values in header order.
    pub fields: Vec<String>,
    /// Why the record cannot be used as it stands (wrong width, bad UTF-8).
    pub bad: Option<String>,
    /// Bytes as read, trailing blank lines included; `None` once edited.
    raw: Option<Vec<u8>>,
}

/// What a record says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    Label(LabelRow),
    /// Stance and sentiment both blank: a template row still to be filled.
    Unfilled,
    Bad(Rejection),
}

impl LabelFile {
    /// Reads a label file. A file that cannot be a label file at all (cannot
    /// be read, no header, a required column missing) is one rejection.
    pub fn read(path: &Path) -> Result<LabelFile, Rejection> {
        let cannot = |e: std::io::Error| {
            Rejection::new(Location::of_path(path, None), format!("cannot open: {e}"))
        };
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut crate::input::open(path).map_err(cannot)?, &mut bytes)
            .map_err(cannot)?;
        Self::parse(path, &bytes)
    }

    /// A file not on disk yet, with the given columns.
    pub fn new(path: PathBuf, header: Vec<String>) -> LabelFile {
        LabelFile {
            path,
            header,
            head: Vec::new(),
            records: Vec::new(),
            crlf: false,
        }
    }

    pub fn parse(path: &Path, bytes: &[u8]) -> Result<LabelFile, Rejection> {
        let file = display_path(path);
        let at_line = |line| Location::new(file.clone(), Some(line));
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut record = csv::ByteRecord::new();
        let mut header: Option<Vec<String>> = None;
        let mut starts: Vec<usize> = Vec::new();
        let mut records = Vec::new();
        let mut lines = LineCounter::default();
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map_or(0, |p| {
                        lines.line_at(bytes, real_start(bytes, p.byte() as usize))
                    });
                    return Err(Rejection::new(at_line(line), format!("malformed CSV: {e}")));
                }
            }
            let start = real_start(bytes, record.position().map_or(0, |p| p.byte() as usize));
            let line = lines.line_at(bytes, start);
            let Some(names) = &header else {
                let names: Result<Vec<String>, _> = record
                    .iter()
                    .map(|f| {
                        std::str::from_utf8(f)
                            .map(|s| s.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
                    })
                    .collect();
                let names =
                    names.map_err(|_| Rejection::new(at_line(line), "invalid UTF-8 in header"))?;
                if let Some(c) = COLUMNS.iter().find(|c| !names.iter().any(|x| x == *c)) {
                    return Err(Rejection::new(
                        at_line(line),
                        format!(
                            "label file lacks the column `{c}` (needs {})",
                            COLUMNS.join(",")
                        ),
                    ));
                }
                header = Some(names);
                continue;
            };
            // Blank records (`,,,,` below the data) are not rows; their
            // bytes stay with the record before them.
            if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                continue;
            }
            let mut fields = Vec::with_capacity(record.len());
            let mut bad = None;
            for (i, f) in record.iter().enumerate() {
                match std::str::from_utf8(f) {
                    Ok(v) => fields.push(v.to_string()),
                    Err(_) => {
                        let name = names.get(i).map_or("?", String::as_str);
                        bad = Some(format!("invalid UTF-8 in column `{name}`"));
                        fields.push(String::from_utf8_lossy(f).into_owned());
                    }
                }
            }
            if record.len() != names.len() && bad.is_none() {
                bad = Some(format!(
                    "{} fields, the header has {}",
                    record.len(),
                    names.len()
                ));
            }
            starts.push(start);
            records.push(Record {
                at: at_line(line),
                fields,
                bad,
                raw: None,
            });
        }
        let Some(header) = header else {
            return Err(Rejection::new(at_line(1), "empty file: no header"));
        };
        for (i, r) in records.iter_mut().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(bytes.len());
            r.raw = Some(bytes[starts[i]..end].to_vec());
        }
        let head_end = starts.first().copied().unwrap_or(bytes.len());
        let head = bytes[..head_end].to_vec();
        let crlf = head.ends_with(b"\r\n");
        Ok(LabelFile {
            path: path.to_path_buf(),
            header,
            head,
            records,
            crlf,
        })
    }

    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    pub fn get<'a>(&self, record: &'a Record, name: &str) -> Option<&'a str> {
        self.column(name)
            .and_then(|i| record.fields.get(i))
            .map(String::as_str)
    }

    /// The labels of record `i`.
    pub fn parsed(&self, i: usize) -> Parsed {
        let r = &self.records[i];
        if let Some(reason) = &r.bad {
            return Parsed::Bad(Rejection::new(r.at.clone(), reason.clone()));
        }
        let get = |k: &str| self.get(r, k);
        if is_unfilled(get) {
            return Parsed::Unfilled;
        }
        match parse_fields(&r.at, get) {
            Ok(row) => Parsed::Label(row),
            Err(e) => Parsed::Bad(e),
        }
    }

    /// Sets one field of record `i`; the record is then written afresh.
    /// Returns whether the value changed.
    pub fn set(&mut self, i: usize, column: &str, value: &str) -> bool {
        let Some(c) = self.column(column) else {
            return false;
        };
        let r = &mut self.records[i];
        if r.fields[c] == value {
            return false;
        }
        r.fields[c] = value.to_string();
        r.raw = None;
        true
    }

    /// Appends a record given by column name; columns not named are empty.
    pub fn push(&mut self, at: Location, values: &[(&str, &str)]) {
        let fields = self
            .header
            .iter()
            .map(|h| {
                values
                    .iter()
                    .find(|(k, _)| k == h)
                    .map_or(String::new(), |(_, v)| v.to_string())
            })
            .collect();
        self.records.push(Record {
            at,
            fields,
            bad: None,
            raw: None,
        });
    }

    /// Reorders the records; ties keep their order.
    pub fn sort_by_key<K: Ord>(&mut self, key: impl Fn(&LabelFile, &Record) -> K) {
        let mut records = std::mem::take(&mut self.records);
        records.sort_by_cached_key(|r| key(self, r));
        self.records = records;
    }

    /// The file's bytes: untouched records as read, edited ones written in
    /// the CSV dialect of the shipped files (quotes only where needed).
    pub fn to_bytes(&self) -> Vec<u8> {
        let nl: &[u8] = if self.crlf { b"\r\n" } else { b"\n" };
        let mut out = if self.head.is_empty() {
            self.render(&self.header)
        } else {
            self.head.clone()
        };
        for r in &self.records {
            if !out.is_empty() && !out.ends_with(b"\n") {
                out.extend_from_slice(nl);
            }
            match &r.raw {
                Some(raw) => out.extend_from_slice(raw),
                None => out.extend(self.render(&r.fields)),
            }
        }
        out
    }

    fn render(&self, fields: &[String]) -> Vec<u8> {
        let terminator = if self.crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        };
        let mut w = csv::WriterBuilder::new()
            .terminator(terminator)
            .from_writer(Vec::new());
        // Writing to a Vec cannot fail.
        w.write_record(fields).expect("write to memory");
        w.into_inner().expect("flush to memory")
    }
}

/// The `csv` crate reports some records at the line terminator before them
/// (after CRLF or a blank line); a record never starts with one.
fn real_start(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
        at += 1;
    }
    at
}

/// 1-based line numbers for increasing byte offsets.
#[derive(Default)]
struct LineCounter {
    at: usize,
    newlines: u64,
}

impl LineCounter {
    fn line_at(&mut self, bytes: &[u8], offset: usize) -> u64 {
        let offset = offset.min(bytes.len());
        if offset >= self.at {
            self.newlines += bytes[self.at..offset]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            self.at = offset;
        }
        self.newlines + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "doc_id,unit_id,actor,stance,sentiment,note\n\
        d,p1,A,pro,neutral,\"a, quoted \"\"note\"\"\"\n\
        \n\
        d,p1,B,none,neutral,\n\
        ,,,,,\n\
        d,p2,A,,,\n\
        d,p2,B,maybe,neutral,\n\
        d,p3\n";

    #[test]
    fn unedited_file_comes_back_byte_for_byte() {
        let f = LabelFile::parse(Path::new("l.csv"), TEXT.as_bytes()).unwrap();
        assert_eq!(f.to_bytes(), TEXT.as_bytes());
        let lines: Vec<u64> = f.records.iter().map(|r| r.at.line.unwrap()).collect();
        assert_eq!(lines, [2, 4, 6, 7, 8]);
        assert!(matches!(f.parsed(0), Parsed::Label(ref r) if r.actor == "A"));
        assert_eq!(f.parsed(2), Parsed::Unfilled);
        let Parsed::Bad(e) = f.parsed(3) else {
            panic!()
        };
        assert!(e.to_string().starts_with("l.csv:7: unknown stance"));
        let Parsed::Bad(e) = f.parsed(4) else {
            panic!()
        };
        assert_eq!(e.to_string(), "l.csv:8: 2 fields, the header has 6");
    }

    #[test]
    fn edited_and_new_records_are_rendered_and_sorted() {
        let text = "doc_id,unit_id,actor,stance,sentiment,note\r\nd,p2,A,pro,neutral,x\r\nd,p1,A,none,neutral,\r\n";
        let mut f = LabelFile::parse(Path::new("l.csv"), text.as_bytes()).unwrap();
        assert!(f.set(1, "stance", "anti"));
        assert!(!f.set(1, "stance", "anti"));
        f.push(
            Location::new("n.csv", Some(2)),
            &[("doc_id", "d"), ("unit_id", "p0"), ("note", "a, b")],
        );
        f.sort_by_key(|f, r| f.get(r, "unit_id").unwrap_or_default().to_string());
        assert_eq!(
            String::from_utf8(f.to_bytes()).unwrap(),
            "doc_id,unit_id,actor,stance,sentiment,note\r\nd,p0,,,,\"a, b\"\r\nd,p1,A,anti,neutral,\r\nd,p2,A,pro,neutral,x\r\n"
        );
    }

    #[test]
    fn missing_final_newline_is_added_only_when_rows_follow() {
        let text = "doc_id,unit_id,actor,stance,sentiment\nd,p1,A,pro,neutral";
        let mut f = LabelFile::parse(Path::new("l.csv"), text.as_bytes()).unwrap();
        assert_eq!(f.to_bytes(), text.as_bytes());
        f.push(Location::new("n", None), &[("doc_id", "d")]);
        assert!(f.to_bytes().ends_with(b"neutral\nd,,,,\n"));
        let bad = LabelFile::parse(Path::new("l.csv"), b"doc_id,unit_id\n").unwrap_err();
        assert!(bad.to_string().contains("lacks the column `actor`"));
    }
}
