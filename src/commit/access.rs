//! How a command reaches the folders it writes (the label store,
//! `models/`): whether it waits for another writer's lock, and who hears
//! that it waits or that an interrupted commit was recovered. The CLI says
//! both on stderr and fails instead of waiting under `--no-wait`; a library
//! caller that passes [`Quiet`] waits and says nothing. Every reader and
//! writer of those folders goes through [`lock`] and [`recover`], so none
//! reads a half-committed folder.

use std::path::{Path, PathBuf};

use super::lock::{DirLock, Wait, recover_if_needed};
use super::recovery::Recovery;
use crate::error::{Error, Result};

/// A caller's policy for locked folders and what it is told.
pub trait Access: Sync {
    /// Wait for another writer, or fail with [`Error::Locked`].
    fn wait(&self) -> Wait {
        Wait::Block
    }
    /// About to wait for the lock another process holds on `dir`.
    fn waiting(&self, _dir: &Path) {}
    /// An interrupted commit in `dir` was finished or undone.
    fn recovered(&self, _dir: &Path, _what: &Recovery) {}
}

/// Waits for other writers and tells nothing.
pub struct Quiet;

impl Access for Quiet {}

/// Locks `dir` for a read-modify-write, waiting for (or refusing, as
/// `access` says) another writer, and finishes a commit a dead process
/// left there.
pub fn lock(dir: &Path, access: &dyn Access) -> Result<DirLock> {
    if !dir.is_dir() {
        return Err(Error::Param(format!(
            "{} is not a folder (nothing to lock and write into)",
            dir.display()
        )));
    }
    let lock = DirLock::acquire(dir, access.wait(), || access.waiting(dir))?;
    if let Some(r) = lock.recover()? {
        access.recovered(dir, &r);
    }
    Ok(lock)
}

/// Before reading `dir` (a label store or models folder; anything else is
/// left alone): finishes or rolls back a commit a dead process left there.
pub fn recover(dir: &Path, access: &dyn Access) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    if let Some(r) = recover_if_needed(dir, access.wait(), || access.waiting(dir))? {
        access.recovered(dir, &r);
    }
    Ok(())
}

/// [`recover`] for every folder among label inputs (files are read as
/// they are: they belong to no store).
pub fn recover_all(inputs: &[PathBuf], access: &dyn Access) -> Result<()> {
    inputs.iter().try_for_each(|p| recover(p, access))
}

/// [`recover`] for the folder of a model file about to be read.
pub fn recover_parent(file: &Path, access: &dyn Access) -> Result<()> {
    match file.parent() {
        Some(p) if p.as_os_str().is_empty() => recover(Path::new("."), access),
        Some(p) => recover(p, access),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_not_a_folder_to_lock_and_is_left_alone_by_recovery() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("x.csv");
        std::fs::write(&file, "a\n").unwrap();
        let e = lock(&file, &Quiet).unwrap_err();
        assert!(e.to_string().contains("is not a folder"), "{e}");
        recover(&file, &Quiet).unwrap();
        recover_parent(&file, &Quiet).unwrap();
        let held = lock(dir.path(), &Quiet).unwrap();
        assert_eq!(held.dir(), dir.path());
    }
}
