//! Finishing or undoing a commit that a dead process left half done. Run
//! under the folder's lock at the start of every command that reads the
//! folder, so a reader never sees the half-merged state.
//!
//! | what is left                       | what it means                         | what recovery does |
//! |------------------------------------|---------------------------------------|--------------------|
//! | temp/backup files, no journal      | died before the journal was complete, or after it was removed | delete them |
//! | an incomplete journal              | died while writing it; nothing renamed | delete it, the temps and backups: the old files stand |
//! | a complete journal                 | died during the renames               | rename the temps still there (roll forward); if a rename fails, restore the backups (roll back) |

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use super::journal::{self, Entry};
use super::{JOURNAL_FILE, OLD_SUFFIX, TEMP_SUFFIX, old_name, sync_dir, temp_name};
use crate::error::{Error, Result};

/// What recovery did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recovery {
    /// A complete journal was found and its commit finished.
    Forward { files: usize },
    /// An interrupted commit was undone; the old files stand.
    Back { removed: usize },
    /// Temporary files without a journal were removed; the folder already
    /// held its last complete commit.
    Cleaned { removed: usize },
}

impl fmt::Display for Recovery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Recovery::Forward { files } => write!(
                f,
                "finished an interrupted commit (rolled forward: {files} file(s) now hold the new version)"
            ),
            Recovery::Back { removed } => write!(
                f,
                "rolled back an interrupted commit (the old files stand; {removed} temporary file(s) removed)"
            ),
            Recovery::Cleaned { removed } => write!(
                f,
                "removed {removed} temporary file(s) an interrupted commit left (no file was half written)"
            ),
        }
    }
}

/// Whether `dir` holds a journal or temporary files of a commit. Cheap: a
/// stat and one listing of the folder.
pub fn needs_recovery(dir: &Path) -> bool {
    dir.join(JOURNAL_FILE).exists() || !leftovers(dir).is_empty()
}

/// Temporary files and backups of commits, by their names.
fn leftovers(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .filter(|e| {
            let n = e.file_name();
            let n = n.to_string_lossy();
            n.starts_with('.') && (n.ends_with(TEMP_SUFFIX) || n.ends_with(OLD_SUFFIX))
        })
        .map(|e| e.path())
        .collect()
}

fn sweep(dir: &Path) -> Result<usize> {
    let found = leftovers(dir);
    for p in &found {
        remove_if_there(p)?;
    }
    Ok(found.len())
}

fn remove_if_there(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(path, e)),
        _ => Ok(()),
    }
}

/// See the module doc. The caller holds the lock.
pub(super) fn recover(dir: &Path) -> Result<Option<Recovery>> {
    let journal = dir.join(JOURNAL_FILE);
    let bytes = match fs::read(&journal) {
        Ok(b) => Some(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io(&journal, e)),
    };
    let Some(bytes) = bytes else {
        let removed = sweep(dir)?;
        sync_dir(dir);
        return Ok((removed > 0).then_some(Recovery::Cleaned { removed }));
    };
    let outcome = match journal::parse(&bytes) {
        Some(entries) => match roll_forward(dir, &entries) {
            Ok(()) => Recovery::Forward {
                files: entries.len(),
            },
            Err(_) => {
                roll_back(dir, &entries)?;
                Recovery::Back { removed: 0 }
            }
        },
        None => Recovery::Back { removed: 0 },
    };
    sync_dir(dir);
    remove_if_there(&journal)?;
    let removed = sweep(dir)?;
    sync_dir(dir);
    Ok(Some(match outcome {
        Recovery::Back { .. } => Recovery::Back { removed },
        done => done,
    }))
}

/// Renames every temporary file still there over its target.
pub(super) fn roll_forward(dir: &Path, entries: &[Entry]) -> Result<()> {
    for e in entries {
        let tmp = dir.join(temp_name(&e.name));
        if tmp.exists() {
            let target = dir.join(&e.name);
            fs::rename(&tmp, &target).map_err(|err| Error::io(&target, err))?;
        }
    }
    Ok(())
}

/// Puts the old files back where a temporary file was already renamed over
/// them (a temporary file still there means its target was never touched):
/// a replaced file from its backup (a hard link to the old content), a
/// created one removed. Temporary files are left to the sweep.
pub(super) fn roll_back(dir: &Path, entries: &[Entry]) -> Result<()> {
    for e in entries {
        if dir.join(temp_name(&e.name)).exists() {
            continue;
        }
        let target = dir.join(&e.name);
        if e.replaces {
            let old = dir.join(old_name(&e.name));
            if old.exists() {
                fs::rename(&old, &target).map_err(|err| Error::io(&target, err))?;
            }
        } else {
            remove_if_there(&target)?;
        }
    }
    Ok(())
}
