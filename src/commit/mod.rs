//! All-or-nothing commits of several files into one folder, and the lock
//! that lets one writer at a time do them.
//!
//! `stance labels add` may rewrite several label files, and `stance retrain`
//! writes a model, its metadata, the registry and the default model; a crash
//! or a refused rename halfway used to leave some files new and some old.
//! The design follows SQLite's atomic commit (<https://sqlite.org/atomiccommit.html>),
//! with the journal recording intent rather than old pages:
//!
//! 1. every new file is written to `.<name>.stance-tmp` beside its target and
//!    fsynced;
//! 2. every file to be replaced gets a backup, `.<name>.stance-old`, a hard
//!    link (a copy where links are not supported), so the old content
//!    survives its rename;
//! 3. the journal `.stance-journal` lists the files and ends with a checksummed
//!    `commit` line; it and the folder are fsynced. A complete journal is
//!    the commit point;
//! 4. the temporary files are renamed over their targets, the folder fsynced;
//! 5. the journal is removed (folder fsynced), then the backups.
//!
//! A rename refused in step 4 (a full disk, an immutable file) restores the
//! backups before the error is returned. A process killed at any step
//! leaves files that [`recovery`] resolves the next time any command reads
//! the folder: an incomplete journal is rolled back, a complete one rolled
//! forward. Every step can be interrupted on purpose through [`failpoint`].

pub mod access;
pub mod failpoint;
mod journal;
pub mod lock;
mod recovery;

use std::fs;
use std::io::Write;
use std::path::Path;

pub use access::{Access, Quiet, lock, recover, recover_all, recover_parent};
pub use lock::{DirLock, Wait, recover_if_needed};
pub use recovery::{Recovery, needs_recovery};

use crate::error::{Error, Result, display_path};
use journal::Entry;

/// The lock file, kept in the folder it locks.
pub const LOCK_FILE: &str = ".stance.lock";
/// The journal of the commit under way.
pub const JOURNAL_FILE: &str = ".stance-journal";
const TEMP_SUFFIX: &str = ".stance-tmp";
const OLD_SUFFIX: &str = ".stance-old";

fn temp_name(target: &str) -> String {
    format!(".{target}{TEMP_SUFFIX}")
}

fn old_name(target: &str) -> String {
    format!(".{target}{OLD_SUFFIX}")
}

/// Makes renames and removals in `dir` durable where the platform can
/// (directories cannot be opened for fsync on Windows; nothing to do there).
fn sync_dir(dir: &Path) {
    if let Ok(f) = fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

/// A set of new file contents for one folder, written by [`Commit::run`]
/// all or not at all. Made by [`DirLock::begin`], so only the lock holder
/// commits.
#[derive(Debug)]
pub struct Commit<'a> {
    lock: &'a DirLock,
    files: Vec<(String, Vec<u8>)>,
}

impl<'a> Commit<'a> {
    fn new(lock: &'a DirLock) -> Self {
        Commit {
            lock,
            files: Vec::new(),
        }
    }

    pub fn dir(&self) -> &Path {
        self.lock.dir()
    }

    /// Stages `bytes` as the new content of `name`, a file name in the
    /// folder; staging a name again replaces what was staged.
    pub fn stage(&mut self, name: &str, bytes: Vec<u8>) -> Result<()> {
        if !journal::valid_name(name) {
            return Err(Error::Param(format!(
                "cannot commit `{name}` into {}: not a plain file name",
                display_path(self.dir())
            )));
        }
        match self.files.iter_mut().find(|(n, _)| n == name) {
            Some(f) => f.1 = bytes,
            None => self.files.push((name.to_string(), bytes)),
        }
        Ok(())
    }

    /// [`Commit::stage`] for a path, which must lie directly in the folder.
    pub fn stage_path(&mut self, path: &Path, bytes: Vec<u8>) -> Result<()> {
        let name = path.file_name().and_then(|n| n.to_str());
        match name {
            Some(name) if path.parent() == Some(self.dir()) => self.stage(name, bytes),
            _ => Err(Error::Param(format!(
                "cannot commit {} with {}: not a file of that folder",
                display_path(path),
                display_path(self.dir())
            ))),
        }
    }

    /// What is staged for `name`, if anything.
    pub fn staged(&self, name: &str) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.as_slice())
    }

    /// Writes every staged file, all or none (see the module doc).
    pub fn run(self) -> Result<()> {
        if self.files.is_empty() {
            return Ok(());
        }
        let dir = self.dir();
        // Files made so far, removed again if the commit stops before its
        // journal is complete.
        let mut made = Vec::new();
        let undo = |made: &[std::path::PathBuf]| {
            for p in made {
                let _ = fs::remove_file(p);
            }
        };
        for (i, (name, bytes)) in self.files.iter().enumerate() {
            let tmp = dir.join(temp_name(name));
            made.push(tmp.clone());
            if let Err(e) = write_synced(&tmp, bytes) {
                undo(&made);
                return Err(Error::io(dir.join(name), e));
            }
            failpoint::hit(&format!("commit:after-temp-{}", i + 1));
        }
        let mut entries = Vec::with_capacity(self.files.len());
        for (name, _) in &self.files {
            let target = dir.join(name);
            let replaces = fs::symlink_metadata(&target).is_ok();
            if replaces {
                let old = dir.join(old_name(name));
                made.push(old.clone());
                if let Err(e) = backup(&target, &old) {
                    undo(&made);
                    return Err(Error::io(&target, e));
                }
                let n = entries.iter().filter(|e: &&Entry| e.replaces).count() + 1;
                failpoint::hit(&format!("commit:after-backup-{n}"));
            }
            entries.push(Entry {
                name: name.clone(),
                replaces,
            });
        }
        let journal = dir.join(JOURNAL_FILE);
        if let Err(e) = write_journal(&journal, &journal::encode(&entries)) {
            let _ = fs::remove_file(&journal);
            undo(&made);
            return Err(Error::io(&journal, e));
        }
        sync_dir(dir);
        failpoint::hit("commit:after-journal");
        for (i, e) in entries.iter().enumerate() {
            let target = dir.join(&e.name);
            let step = format!("commit:fail-rename-{}", i + 1);
            let renamed = if failpoint::fails(&step) {
                Err(std::io::Error::other(format!("failpoint {step}")))
            } else {
                fs::rename(dir.join(temp_name(&e.name)), &target)
            };
            if let Err(err) = renamed {
                // The backups make the renames done so far undoable.
                recovery::roll_back(dir, &entries)?;
                sync_dir(dir);
                let _ = fs::remove_file(&journal);
                undo(&made);
                sync_dir(dir);
                return Err(Error::io(&target, err));
            }
            failpoint::hit(&format!("commit:after-rename-{}", i + 1));
        }
        sync_dir(dir);
        fs::remove_file(&journal).map_err(|e| Error::io(&journal, e))?;
        sync_dir(dir);
        failpoint::hit("commit:after-journal-removed");
        undo(&made);
        Ok(())
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = fs::File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// The journal, written in two halves so a failpoint can stop the process
/// with only the first half on disk (a torn journal write).
fn write_journal(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = fs::File::create(path)?;
    let (first, rest) = bytes.split_at(bytes.len() / 2);
    f.write_all(first)?;
    failpoint::hit("commit:journal-half");
    f.write_all(rest)?;
    f.sync_all()
}

/// Keeps the old content of `target` reachable as `old`: a hard link costs
/// no copy; where links fail (some file systems), a synced copy.
fn backup(target: &Path, old: &Path) -> std::io::Result<()> {
    let _ = fs::remove_file(old);
    if fs::hard_link(target, old).is_ok() {
        return Ok(());
    }
    fs::copy(target, old)?;
    fs::File::open(old)?.sync_all()
}

#[cfg(test)]
mod tests;
