//! Memory bounds on input (issue 12, row 6).
//!
//! Memory must not follow the input: one 100 MB line took 4.1 GB to
//! score, and `/dev/zero` as input grew until allocation failed. So a line
//! (JSON lines, CSV, a page's line) may hold at most [`max_line_bytes`];
//! a longer one is read in bounded pieces and thrown away, and becomes a
//! rejection with its line number while the rest of the stream goes on.
//! The limit is one setting for the whole process (the CLI's
//! `--max-line-bytes`), set before any reading starts, so every reader —
//! units, labels, data sets, score records — applies the same rule.

use std::io::{BufRead, Read};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The default longest line: far above any real comment or article
/// paragraph, far below what a machine can hold several times over.
pub const DEFAULT_MAX_LINE_BYTES: usize = 4 << 20;

static MAX_LINE_BYTES: AtomicUsize = AtomicUsize::new(DEFAULT_MAX_LINE_BYTES);

/// The longest line any reader accepts, without its line terminator.
pub fn max_line_bytes() -> usize {
    MAX_LINE_BYTES.load(Ordering::Relaxed)
}

/// Sets the longest line (at least 1 byte).
pub fn set_max_line_bytes(bytes: usize) {
    MAX_LINE_BYTES.store(bytes.max(1), Ordering::Relaxed);
}

/// The largest article page: pages are parsed whole, so they are bounded
/// as a whole — 16 longest lines, at least 64 MiB.
pub fn max_page_bytes() -> usize {
    max_line_bytes().saturating_mul(16).max(64 << 20)
}

/// Why a line was not returned whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineRead {
    /// End of input: nothing was read.
    Eof,
    /// A line (with its `\n`, if it had one) is in the buffer.
    Line,
    /// The line was longer than the limit; it was read to its end and
    /// dropped, and the buffer is empty.
    TooLong,
    /// The line was longer than the limit and its rest holds NUL bytes:
    /// binary data (`/dev/zero`, an image), which may have no line end at
    /// all. Reading stopped there.
    Binary,
}

/// Reads one line into `buf` (cleared first), holding at most `max`
/// bytes of it: the rest of a longer line is consumed piece by piece
/// through `fill_buf` and discarded, so memory stays at `max` however
/// long the line is.
pub fn read_line_bounded<R: BufRead + ?Sized>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<LineRead> {
    buf.clear();
    let mut read_any = false;
    let mut too_long = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(match (read_any, too_long) {
                (false, _) => LineRead::Eof,
                (true, true) => LineRead::TooLong,
                (true, false) => LineRead::Line,
            });
        }
        read_any = true;
        let end = available.iter().position(|&b| b == b'\n');
        let piece = &available[..end.map_or(available.len(), |i| i + 1)];
        let content = piece.len() - usize::from(end.is_some());
        if !too_long && buf.len() + content > max {
            too_long = true;
            buf.clear();
            buf.shrink_to(max.min(1 << 16));
        }
        if too_long {
            if piece.contains(&0) {
                return Ok(LineRead::Binary);
            }
        } else {
            buf.extend_from_slice(piece);
        }
        let n = piece.len();
        reader.consume(n);
        if end.is_some() {
            return Ok(if too_long {
                LineRead::TooLong
            } else {
                LineRead::Line
            });
        }
    }
}

/// The error a [`LineCapped`] reader returns: the line that is too long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("line {line} is longer than {max} bytes (--max-line-bytes)")]
pub struct LineTooLong {
    pub line: u64,
    pub max: usize,
}

impl LineTooLong {
    /// The [`LineTooLong`] inside an I/O error, if that is what it is.
    pub fn of(e: &std::io::Error) -> Option<LineTooLong> {
        e.get_ref()?.downcast_ref::<LineTooLong>().copied()
    }
}

/// A reader that fails with [`LineTooLong`] once a line runs past `max`
/// bytes, for parsers that hold a whole record in memory (the `csv`
/// crate). A CSV record may span lines inside quotes, so after an
/// over-long line the parser cannot know where the next record starts:
/// the error ends that input instead of guessing.
pub struct LineCapped<R> {
    inner: R,
    max: usize,
    line: u64,
    in_line: usize,
    /// Set once a line ran over: the bytes before it were handed out,
    /// every read after fails.
    failed: Option<LineTooLong>,
}

impl<R: Read> LineCapped<R> {
    pub fn new(inner: R, max: usize) -> Self {
        LineCapped {
            inner,
            max,
            line: 1,
            in_line: 0,
            failed: None,
        }
    }
}

impl<R: Read> Read for LineCapped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let too_long = |e: LineTooLong| std::io::Error::new(std::io::ErrorKind::InvalidData, e);
        if let Some(e) = self.failed {
            return Err(too_long(e));
        }
        let n = self.inner.read(buf)?;
        for (i, &b) in buf[..n].iter().enumerate() {
            if b == b'\n' {
                self.line += 1;
                self.in_line = 0;
            } else if b != b'\r' {
                self.in_line += 1;
                if self.in_line > self.max {
                    let e = LineTooLong {
                        line: self.line,
                        max: self.max,
                    };
                    self.failed = Some(e);
                    // The records before the long line are still read.
                    return if i > 0 { Ok(i) } else { Err(too_long(e)) };
                }
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], max: usize) -> Vec<(LineRead, Vec<u8>)> {
        let mut r = std::io::BufReader::with_capacity(4, input);
        let mut buf = Vec::new();
        let mut out = Vec::new();
        loop {
            let kind = read_line_bounded(&mut r, &mut buf, max).unwrap();
            if kind == LineRead::Eof {
                return out;
            }
            out.push((kind, buf.clone()));
            if kind == LineRead::Binary {
                return out;
            }
        }
    }

    #[test]
    fn a_long_line_is_dropped_and_the_next_is_read() {
        let got = lines(b"short\n0123456789abc\nok\nlast", 8);
        assert_eq!(
            got,
            vec![
                (LineRead::Line, b"short\n".to_vec()),
                (LineRead::TooLong, vec![]),
                (LineRead::Line, b"ok\n".to_vec()),
                (LineRead::Line, b"last".to_vec()),
            ]
        );
        // Exactly `max` bytes is fine; the newline does not count.
        assert_eq!(lines(b"12345678\n", 8)[0].0, LineRead::Line);
        assert_eq!(lines(b"123456789", 8)[0].0, LineRead::TooLong);
    }

    #[test]
    fn zeros_without_end_stop_as_binary() {
        let zeros = std::io::Read::take(std::io::repeat(0), 1 << 30);
        let mut r = std::io::BufReader::new(zeros);
        let mut buf = Vec::new();
        let kind = read_line_bounded(&mut r, &mut buf, 1024).unwrap();
        assert_eq!(kind, LineRead::Binary);
        assert!(buf.capacity() <= 1 << 16);
    }

    #[test]
    fn capped_reader_names_the_long_line_after_the_lines_before() {
        let mut r = LineCapped::new(&b"a,b\r\n1,2\n123456789\nx\n"[..], 8);
        let mut out = Vec::new();
        let e = r.read_to_end(&mut out).unwrap_err();
        assert_eq!(LineTooLong::of(&e), Some(LineTooLong { line: 3, max: 8 }));
        assert!(out.starts_with(b"a,b\r\n1,2\n"), "{out:?}");
        assert!(r.read(&mut [0; 4]).is_err(), "it stays failed");
    }
}

/// The largest settings file (`stance.toml`, an actors file, the model
/// registry): real ones are kilobytes; 16 MiB leaves room for a registry
/// of thousands of models.
pub const MAX_CONFIG_BYTES: u64 = 16 << 20;

/// Reads a settings file whole, within [`MAX_CONFIG_BYTES`]: checked
/// against the file's size first, then while reading, so neither a huge
/// file nor an endless one (`/dev/zero`) is held in memory.
pub fn read_config(path: &std::path::Path) -> crate::Result<Vec<u8>> {
    use crate::error::{Error, Location};
    let too_big = || {
        Error::invalid(
            Location::of_path(path, None),
            format!("larger than {MAX_CONFIG_BYTES} bytes: not a settings file"),
        )
    };
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    if file
        .metadata()
        .is_ok_and(|m| m.is_file() && m.len() > MAX_CONFIG_BYTES)
    {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(too_big());
    }
    Ok(bytes)
}

#[cfg(test)]
mod config_tests {
    use super::*;

    #[test]
    fn settings_files_are_read_within_their_bound() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("actors.toml");
        std::fs::write(&small, "x = 1\n").unwrap();
        assert_eq!(read_config(&small).unwrap(), b"x = 1\n");
        // A sparse file past the bound is refused from its size, unread.
        let big = dir.path().join("registry.json");
        let f = std::fs::File::create(&big).unwrap();
        f.set_len(MAX_CONFIG_BYTES + 1).unwrap();
        let e = read_config(&big).unwrap_err().to_string();
        assert!(
            e.contains("registry.json") && e.contains("not a settings file"),
            "{e}"
        );
        // An endless one stops at the bound.
        if std::path::Path::new("/dev/zero").exists() {
            let e = read_config(std::path::Path::new("/dev/zero")).unwrap_err();
            assert!(e.to_string().contains("not a settings file"), "{e}");
        }
    }
}
