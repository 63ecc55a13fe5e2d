//! Opening what a user names as an input. `-` is stdin everywhere, so any
//! command can sit in a pipe; gzip and zstd are recognised by their magic
//! bytes rather than the file name, so `.gz` files, renamed files and
//! compressed pipes all read the same.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A buffered, decompressed reader of one input.
pub type Reader = Box<dyn BufRead + Send>;

const BUF: usize = 1 << 16;
const GZIP: &[u8] = &[0x1f, 0x8b];
const ZSTD: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];

/// Whether `path` names stdin.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The bytes of the file at `path` as they are on disk (not decompressed:
/// for checksums and copies of model files), with an error naming it.
pub fn read_bytes(path: &Path) -> crate::Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| crate::Error::io(path, e))
}

/// Opens `path` (`-` for stdin), decompressing gzip or zstd content.
pub fn open(path: &Path) -> std::io::Result<Reader> {
    open_counted(path, None)
}

/// [`open`], adding the bytes read from the file (before decompression,
/// so they compare with its size) to `count` when given.
pub fn open_counted(path: &Path, count: Option<&ByteCount>) -> std::io::Result<Reader> {
    let raw: Box<dyn Read + Send> = if is_stdin(path) {
        Box::new(std::io::stdin())
    } else {
        Box::new(File::open(path)?)
    };
    match count {
        Some(c) => decompress(Box::new(Counting::new(raw, c.clone()))),
        None => decompress(raw),
    }
}

/// Bytes read so far, shared between the reader (which may run on another
/// thread) and whoever shows progress; clones count into the same total.
#[derive(Debug, Clone, Default)]
pub struct ByteCount(Arc<AtomicU64>);

impl ByteCount {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }
}

/// A reader that adds every byte it hands out to a [`ByteCount`].
pub struct Counting<R> {
    inner: R,
    count: ByteCount,
}

impl<R: Read> Counting<R> {
    pub fn new(inner: R, count: ByteCount) -> Counting<R> {
        Counting { inner, count }
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.add(n as u64);
        Ok(n)
    }
}

/// `raw`, decompressed when it starts with a gzip or zstd magic number.
pub fn decompress(mut raw: Box<dyn Read + Send>) -> std::io::Result<Reader> {
    // The head is read until it holds a magic number's length (a pipe may
    // hand over its first bytes one read at a time) and put back in front
    // of the rest. It is one buffer's worth, so a first `fill_buf` of the
    // result sees what format sniffing needs, not just four bytes.
    let mut head = vec![0u8; BUF];
    let mut n = 0;
    while n < ZSTD.len() {
        match raw.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    head.truncate(n);
    let gzip = head.starts_with(GZIP);
    let zstd = head.starts_with(ZSTD);
    let whole = std::io::Cursor::new(head).chain(raw);
    if gzip {
        // Multi-member, as `cat a.gz b.gz` and pigz write.
        let gz = flate2::read::MultiGzDecoder::new(BufReader::with_capacity(BUF, whole));
        Ok(Box::new(BufReader::with_capacity(BUF, gz)))
    } else if zstd {
        let z = zstd::stream::read::Decoder::new(whole)?;
        Ok(Box::new(BufReader::with_capacity(BUF, z)))
    } else {
        Ok(Box::new(BufReader::with_capacity(BUF, whole)))
    }
}

/// The name `path` would have without a compression suffix
/// (`a.csv.gz` → `a.csv`), so formats by extension see through it.
pub fn uncompressed_name(path: &Path) -> &Path {
    match path.extension().and_then(|e| e.to_str()) {
        Some(e) if ["gz", "zst", "zstd"].contains(&e.to_ascii_lowercase().as_str()) => {
            Path::new(path.file_stem().unwrap_or_default())
        }
        _ => path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn read_all(bytes: Vec<u8>) -> String {
        let mut out = String::new();
        decompress(Box::new(std::io::Cursor::new(bytes)))
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn gzip_zstd_and_plain_by_magic_bytes() {
        let text = "doc_id,unit_id,text\nd,1,hello\n";
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(text.as_bytes()).unwrap();
        assert_eq!(read_all(gz.finish().unwrap()), text);
        assert_eq!(
            read_all(zstd::encode_all(text.as_bytes(), 1).unwrap()),
            text
        );
        assert_eq!(read_all(text.as_bytes().to_vec()), text);
        // Shorter than a magic number.
        assert_eq!(read_all(b"x".to_vec()), "x");
        assert_eq!(read_all(Vec::new()), "");
    }

    #[test]
    fn counting_counts_the_bytes_before_decompression() {
        let text = "doc_id,unit_id,text\nd,1,hello\n".repeat(1000);
        let packed = zstd::encode_all(text.as_bytes(), 1).unwrap();
        let count = ByteCount::default();
        let raw = Counting::new(std::io::Cursor::new(packed.clone()), count.clone());
        let mut out = String::new();
        decompress(Box::new(raw))
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, text);
        assert_eq!(count.get(), packed.len() as u64);
        // Two files into one count, as `score` does with all its inputs.
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
        std::fs::write(&a, &text).unwrap();
        std::fs::write(&b, "x\n").unwrap();
        let count = ByteCount::default();
        for p in [&a, &b] {
            let mut sink = Vec::new();
            open_counted(p, Some(&count))
                .unwrap()
                .read_to_end(&mut sink)
                .unwrap();
        }
        assert_eq!(count.get(), text.len() as u64 + 2);
    }

    #[test]
    fn compression_suffix_is_seen_through() {
        assert_eq!(
            uncompressed_name(Path::new("d/a.csv.gz")),
            Path::new("a.csv")
        );
        assert_eq!(
            uncompressed_name(Path::new("a.jsonl.zst")),
            Path::new("a.jsonl")
        );
        assert_eq!(uncompressed_name(Path::new("a.tsv")), Path::new("a.tsv"));
    }
}
