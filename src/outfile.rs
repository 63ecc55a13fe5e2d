//! Output files that appear whole or not at all (issue 12, row 3).
//!
//! Writing a result in place means a crash, a SIGTERM or a full disk
//! leaves a truncated file under the final name that looks complete, and
//! `score x -o x` empties its own input before reading it. So every file
//! a command writes goes to a temporary file in the same folder (same
//! file system, so the final rename is atomic), is flushed and fsynced,
//! and only then renamed over the final path. On an error the temporary
//! file is dropped, which removes it; after a SIGTERM a temporary named
//! `.<name>.<random>.stance-tmp` may be left, but the final path is
//! untouched. An output that is one of the command's inputs is refused
//! before any work ([`refuse_overwrite`]).

use std::fs::{File, Permissions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::{Error, Result, display_path};

/// The environment variable naming failpoints (the commit's, one name for
/// both), for the tests only: here a comma-separated list of `point` (fires
/// for every file) or `point@file-name` (fires only for that file name). It
/// lets tests stop a write where a full disk or a kill would, without root
/// or a tmpfs.
pub use crate::commit::failpoint::VAR as FAILPOINT_VAR;

/// An error when the failpoint `point` is set for `path` (see
/// [`FAILPOINT_VAR`]).
pub fn failpoint(point: &str, path: &Path) -> std::io::Result<()> {
    let Ok(set) = std::env::var(FAILPOINT_VAR) else {
        return Ok(());
    };
    let name = path.file_name().map(|n| n.to_string_lossy());
    let fires = set
        .split(',')
        .map(str::trim)
        .any(|entry| match entry.split_once('@') {
            None => entry == point,
            Some((p, file)) => p == point && name.as_deref() == Some(file),
        });
    if fires {
        return Err(std::io::Error::other(format!("failpoint {point}")));
    }
    Ok(())
}

/// A file being written: bytes go to a temporary beside `path` until
/// [`AtomicFile::commit`]. Dropped without a commit, it removes the
/// temporary and leaves `path` as it was.
pub struct AtomicFile {
    path: PathBuf,
    target: Target,
}

enum Target {
    Temp(BufWriter<NamedTempFile>),
    /// A device, FIFO or socket (`/dev/null`, `/dev/stdout`, `<(…)`):
    /// written in place, since renaming over it would replace the device
    /// with a file.
    Direct(BufWriter<File>),
}

impl AtomicFile {
    /// Starts writing `path`. A symbolic link is followed, so the link
    /// stays a link and its target is replaced.
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let shown = path.to_path_buf();
        let err = |e| Error::io(&shown, e);
        let resolved = match std::fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(path).map_err(err)?,
            _ => path.to_path_buf(),
        };
        if let Ok(m) = std::fs::metadata(&resolved)
            && !m.is_file()
        {
            if m.is_dir() {
                return Err(err(std::io::Error::other("is a directory")));
            }
            let f = File::create(&resolved).map_err(err)?;
            return Ok(AtomicFile {
                path: shown,
                target: Target::Direct(BufWriter::with_capacity(1 << 16, f)),
            });
        }
        let dir = parent(&resolved);
        let name = resolved
            .file_name()
            .map_or("out".into(), |n| n.to_string_lossy().into_owned());
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".stance-tmp");
        // 0666 before the umask, as `File::create` gives, not the 0600 of
        // temporary files: outputs are read by other people and programs.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(Permissions::from_mode(0o666));
        }
        let tmp = builder.tempfile_in(&dir).map_err(err)?;
        Ok(AtomicFile {
            path: resolved,
            target: Target::Temp(BufWriter::with_capacity(1 << 16, tmp)),
        })
    }

    /// Where the file goes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes and fsyncs the temporary: after this only the rename is
    /// left, which [`Prepared::rename`] does.
    pub fn prepare(self) -> Result<Prepared> {
        let path = self.path;
        let err = |e| Error::io(&path, e);
        match self.target {
            Target::Direct(mut w) => {
                w.flush().map_err(err)?;
                Ok(Prepared { path, tmp: None })
            }
            Target::Temp(w) => {
                let tmp = w.into_inner().map_err(|e| err(e.into_error()))?;
                tmp.as_file().sync_all().map_err(err)?;
                failpoint("output:before-rename", &path).map_err(err)?;
                Ok(Prepared {
                    path,
                    tmp: Some(tmp),
                })
            }
        }
    }

    /// Writes the file out: flush, fsync, rename over the final path.
    pub fn commit(self) -> Result<()> {
        self.prepare()?.rename()
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.target {
            Target::Temp(w) => w.write(buf),
            Target::Direct(w) => w.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match &mut self.target {
            Target::Temp(w) => w.write_all(buf),
            Target::Direct(w) => w.write_all(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        // The temporary is flushed at the commit; flushing it earlier
        // gains nothing.
        match &mut self.target {
            Target::Temp(_) => Ok(()),
            Target::Direct(w) => w.flush(),
        }
    }
}

/// A written and fsynced temporary, waiting for its rename.
pub struct Prepared {
    path: PathBuf,
    tmp: Option<NamedTempFile>,
}

impl Prepared {
    /// Renames the temporary over the final path and fsyncs the folder, so
    /// the rename itself survives a power cut.
    pub fn rename(self) -> Result<()> {
        let Some(tmp) = self.tmp else {
            return Ok(());
        };
        tmp.persist(&self.path)
            .map_err(|e| Error::io(&self.path, e.error))?;
        sync_dir(&parent(&self.path));
        Ok(())
    }
}

/// Writes `main` and its `companion` (a model and its `.meta.json`) so
/// that the two never disagree: both are written and fsynced first (a
/// full disk changes nothing), then the old companion is moved aside, the
/// main file renamed into place, and the new companion last. A failure
/// on the way puts the old companion back when the main file is still
/// the old one; a crash between the renames leaves the main file without
/// a companion, never beside a stale one.
pub fn commit_with_companion(main: AtomicFile, companion: AtomicFile) -> Result<()> {
    let main = main.prepare()?;
    let companion = companion.prepare()?;
    let old = companion.path.clone();
    let aside = hidden_sibling(&old, "old");
    let moved = match std::fs::rename(&old, &aside) {
        Ok(()) => true,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(Error::io(&old, e)),
    };
    let restore = || {
        if moved {
            let _ = std::fs::rename(&aside, &old);
        }
    };
    if let Err(e) = main.rename() {
        restore();
        return Err(e);
    }
    let done = failpoint("output:before-companion", &old)
        .map_err(|e| Error::io(&old, e))
        .and_then(|()| companion.rename());
    if moved {
        let _ = std::fs::remove_file(&aside);
    }
    // Still an I/O error of the companion, saying what state it left.
    done.map_err(|e| match e {
        Error::Io { path, source } => Error::Io {
            path,
            source: std::io::Error::new(
                source.kind(),
                format!(
                    "{source}; the new file is in place without this companion (write it again)"
                ),
            ),
        },
        other => other,
    })
}

/// `.name.<pid>.tag` beside `path`: hidden, so folder readers skip it.
fn hidden_sibling(path: &Path, tag: &str) -> PathBuf {
    let name = path
        .file_name()
        .map_or("out".into(), |n| n.to_string_lossy().into_owned());
    parent(path).join(format!(".{name}.{}.{tag}", std::process::id()))
}

fn parent(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Writes `bytes` to `path` whole or not at all (an [`AtomicFile`]
/// committed at once): for files written in one piece, such as the ones
/// `stance init` makes.
pub fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(bytes).map_err(|e| Error::io(path, e))?;
    f.commit()
}

/// Best effort: a folder that cannot be opened or synced (some file
/// systems refuse) does not fail a write that has already happened.
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// What makes two paths the same file: device and inode when the file
/// exists (so symlinks and hard links match), else the absolute path.
#[derive(PartialEq, Eq)]
enum FileKey {
    Inode(u64, u64),
    Path(PathBuf),
}

fn file_key(path: &Path) -> FileKey {
    if let Ok(m) = std::fs::metadata(path) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            return FileKey::Inode(m.dev(), m.ino());
        }
        #[cfg(not(unix))]
        let _ = m;
    }
    let absolute = std::fs::canonicalize(parent(path))
        .map(|d| d.join(path.file_name().unwrap_or_default()))
        .unwrap_or_else(|_| path.to_path_buf());
    FileKey::Path(absolute)
}

/// Refuses, before any work, an output that is one of the inputs (the
/// same file by device and inode, through symlinks and hard links), a
/// file inside an input folder, or another output. Writing it would
/// destroy what is read (`score x -o x`) or mix two outputs. `-` (stdin,
/// stdout) is skipped.
pub fn refuse_overwrite<I, O>(inputs: I, outputs: O) -> Result<()>
where
    I: IntoIterator,
    I::Item: AsRef<Path>,
    O: IntoIterator,
    O::Item: AsRef<Path>,
{
    let inputs: Vec<PathBuf> = inputs.into_iter().map(|p| p.as_ref().into()).collect();
    let outputs: Vec<PathBuf> = outputs
        .into_iter()
        .map(|p| p.as_ref().to_path_buf())
        .filter(|p| p.as_os_str() != "-")
        .collect();
    let refuse = |out: &Path, what: String| {
        Err(Error::Param(format!(
            "the output {} is {what}; refusing to overwrite it (choose another output path)",
            display_path(out)
        )))
    };
    for (i, out) in outputs.iter().enumerate() {
        let key = file_key(out);
        if std::fs::metadata(out).is_ok_and(|m| !m.is_file()) {
            // Devices and FIFOs are written in place; /dev/null may well
            // be an input too.
            continue;
        }
        for input in inputs.iter().filter(|p| p.as_os_str() != "-") {
            if file_key(input) == key {
                return refuse(out, format!("the input {}", display_path(input)));
            }
            if input.is_dir() && out.exists() && inside(out, input) {
                return refuse(out, format!("in the input folder {}", display_path(input)));
            }
        }
        if outputs[..i].iter().any(|o| file_key(o) == key) {
            return refuse(out, "given twice as an output".into());
        }
    }
    Ok(())
}

/// Whether the existing file `path` is somewhere below the folder `dir`.
fn inside(path: &Path, dir: &Path) -> bool {
    match (std::fs::canonicalize(path), std::fs::canonicalize(dir)) {
        (Ok(p), Ok(d)) => p.starts_with(d),
        _ => false,
    }
}

mod output;
pub use output::{Output, output, write_err};

#[cfg(test)]
mod tests;
