//! Where a command's results go: a file named by the user, which appears
//! whole at [`Output::finish`] (an [`AtomicFile`]), or stdout for `-` or no
//! file. Not terminal-specific: the CLI, and any program that writes the
//! same outputs, opens them here.

use std::io::{BufWriter, StdoutLock, Write};
use std::path::Path;

use super::AtomicFile;
use crate::error::{Error, Result};

/// Where results go: a file (appearing only at [`Output::finish`]), or
/// stdout.
pub enum Output {
    Stdout(BufWriter<StdoutLock<'static>>),
    File(AtomicFile),
}

/// Where results go: a file, or stdout for `-` / no path.
pub fn output(path: Option<&Path>) -> Result<Output> {
    match path {
        Some(p) if p.as_os_str() != "-" => Ok(Output::File(AtomicFile::create(p)?)),
        _ => Ok(Output::Stdout(BufWriter::new(std::io::stdout().lock()))),
    }
}

/// A write error of an output, naming its file, or "standard output".
pub fn write_err(path: Option<&Path>, e: std::io::Error) -> Error {
    let name = path.map_or("standard output".to_string(), |p| p.display().to_string());
    Error::Io {
        path: name,
        source: e,
    }
}

impl Output {
    /// Flushes stdout, or commits the file (fsync, rename over the final
    /// path). An output dropped without this leaves no file behind.
    pub fn finish(self) -> Result<()> {
        match self {
            Output::Stdout(mut w) => w.flush().map_err(|e| write_err(None, e)),
            Output::File(f) => f.commit(),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Output::Stdout(w) => w.write(buf),
            Output::File(f) => f.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match self {
            Output::Stdout(w) => w.write_all(buf),
            Output::File(f) => f.write_all(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
            Output::File(f) => f.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_output_appears_only_when_finished() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let mut out = output(Some(&path)).unwrap();
        out.write_all(b"a,b\n").unwrap();
        assert!(!path.exists());
        out.finish().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"a,b\n");
        let dropped = output(Some(&dir.path().join("gone.csv"))).unwrap();
        drop(dropped);
        assert!(!dir.path().join("gone.csv").exists());
        let e = write_err(None, std::io::Error::other("full"));
        assert_eq!(e.to_string(), "standard output: full");
    }
}
