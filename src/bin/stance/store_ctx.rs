//! The folders commands write — the label store and `models/` — locked for
//! a command's whole read-modify-write, and recovered from an interrupted
//! commit before any command reads them (`stance::commit`). This module
//! only decides when, and says what happened on stderr.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use stance::commit::{DirLock, Recovery, Wait, recover_if_needed};
use stance::{Error, Result};

static NO_WAIT: AtomicBool = AtomicBool::new(false);

/// `--no-wait`: fail instead of waiting for another writer's lock.
pub fn set_no_wait(no_wait: bool) {
    NO_WAIT.store(no_wait, Ordering::Relaxed);
}

fn wait() -> Wait {
    if NO_WAIT.load(Ordering::Relaxed) {
        Wait::Fail
    } else {
        Wait::Block
    }
}

/// `labels` → `labels/`, the way the messages name folders.
fn folder(dir: &Path) -> String {
    let s = dir.display().to_string();
    if s.ends_with('/') { s } else { s + "/" }
}

fn say_waiting(dir: &Path) {
    eprintln!(
        "waiting for lock on {} held by another stance process… (--no-wait fails instead)",
        folder(dir)
    );
}

fn say(dir: &Path, r: &Recovery) {
    eprintln!("recovery: {}: {r}", folder(dir));
}

/// Locks `dir` for a read-modify-write, waiting for (or, with --no-wait,
/// refusing) another writer, and finishes a commit a dead process left.
pub fn lock(dir: &Path) -> Result<DirLock> {
    if !dir.is_dir() {
        return Err(Error::Param(format!(
            "{} is not a folder (nothing to lock and write into)",
            dir.display()
        )));
    }
    let lock = DirLock::acquire(dir, wait(), || say_waiting(dir))?;
    if let Some(r) = lock.recover()? {
        say(dir, &r);
    }
    Ok(lock)
}

/// Before reading `dir` (a label store or models folder; anything else is
/// left alone): finishes or rolls back a commit a dead process left there.
pub fn recover(dir: &Path) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    if let Some(r) = recover_if_needed(dir, wait(), || say_waiting(dir))? {
        say(dir, &r);
    }
    Ok(())
}

/// [`recover`] for every folder among label inputs (files are read as
/// they are: they belong to no store).
pub fn recover_all(inputs: &[PathBuf]) -> Result<()> {
    inputs.iter().try_for_each(|p| recover(p))
}

/// [`recover`] for the folder of a model file about to be read.
pub fn recover_parent(file: &Path) -> Result<()> {
    match file.parent() {
        Some(p) if p.as_os_str().is_empty() => recover(Path::new(".")),
        Some(p) => recover(p),
        None => Ok(()),
    }
}
