//! Line numbers for CSV records, counted from the bytes themselves.
//!
//! The `csv` crate's record positions are one line early after a CRLF line
//! ending (BurntSushi/rust-csv#395) and after a blank line (#208): its byte
//! offset points at the terminator that precedes the record rather than the
//! record's first byte. A rejection that names the wrong line sends a user
//! to fix the wrong row, so [`LineCounted`] notes where every `\r` and `\n`
//! is as the parser reads, and [`LineIndex::line_at`] turns the parser's
//! byte offset into the line the record really starts on.

use std::collections::VecDeque;
use std::io::Read;
use std::sync::{Arc, Mutex};

/// Line terminators not yet passed by a query, and the `\n`s already passed.
///
/// Queries come in increasing byte order (records are read front to back),
/// so passed terminators are dropped: memory is bounded by the parser's
/// read-ahead, not by the input.
#[derive(Debug, Default)]
pub struct LineIndex {
    /// Offset of each `\r` or `\n` read but not yet passed; `true` for `\n`.
    pending: VecDeque<(u64, bool)>,
    /// Bytes read so far.
    read: u64,
    /// `\n`s before the last queried offset.
    newlines: u64,
}

impl LineIndex {
    fn note(&mut self, bytes: &[u8]) {
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' || b == b'\r' {
                self.pending.push_back((self.read + i as u64, b == b'\n'));
            }
        }
        self.read += bytes.len() as u64;
    }

    /// The 1-based line of the first byte at or after `byte` that is not a
    /// line terminator: where a record reported at `byte` really starts.
    pub fn line_at(&mut self, byte: u64) -> u64 {
        let mut at = byte;
        while let Some(&(offset, lf)) = self.pending.front() {
            if offset > at {
                break;
            }
            if offset == at {
                at += 1;
            }
            self.newlines += u64::from(lf);
            self.pending.pop_front();
        }
        self.newlines + 1
    }
}

/// A reader that records its line terminators in a shared [`LineIndex`].
pub struct LineCounted<R> {
    inner: R,
    index: Arc<Mutex<LineIndex>>,
}

impl<R: Read> LineCounted<R> {
    pub fn new(inner: R) -> (Self, Arc<Mutex<LineIndex>>) {
        let index = Arc::new(Mutex::new(LineIndex::default()));
        let reader = LineCounted {
            inner,
            index: Arc::clone(&index),
        };
        (reader, index)
    }
}

impl<R: Read> Read for LineCounted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.index
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .note(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(text: &str, offsets: &[u64]) -> Vec<u64> {
        let mut index = LineIndex::default();
        index.note(text.as_bytes());
        offsets.iter().map(|&b| index.line_at(b)).collect()
    }

    #[test]
    fn terminators_at_the_offset_are_skipped() {
        // Where the csv crate reports each record: at the '\n' that ends
        // the line before it, after CRLF, and at a blank line before it.
        assert_eq!(lines_of("h\r\na\r\n\r\nb\r\n", &[2, 5]), vec![2, 4]);
        assert_eq!(lines_of("h\na\n\nb\n", &[2, 4]), vec![2, 4]);
    }

    #[test]
    fn newlines_inside_a_record_count_for_the_next_one() {
        assert_eq!(lines_of("h\n\"x\ny\"\nz\n", &[2, 8]), vec![2, 4]);
    }
}
