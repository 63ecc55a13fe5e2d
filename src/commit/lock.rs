//! The advisory lock that serialises writers of one folder (the label store,
//! `models/`). Two `stance labels add` at once used to read the same store,
//! merge their own rows and rename their files over each other's, losing
//! rows; with the lock held for the whole read-modify-write, the second
//! writer reads what the first one wrote.
//!
//! The lock is the standard library's `File::lock` (`flock` on Unix,
//! `LockFileEx` on Windows) on `<dir>/.stance.lock`: the kernel drops it when
//! the process dies however it dies, so a crash never leaves a stale lock
//! behind. The file itself stays; deleting a lock file while another process
//! waits on it would let two writers in.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use super::recovery::{Recovery, needs_recovery, recover};
use super::{Commit, LOCK_FILE};
use crate::error::{Error, Result, display_path};

/// What a writer does when another process holds the lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Wait for it (after calling the `on_wait` callback once).
    Block,
    /// Fail at once with [`Error::Locked`].
    Fail,
}

/// The lock on one folder, held until dropped.
#[derive(Debug)]
pub struct DirLock {
    dir: PathBuf,
    _file: File,
}

impl DirLock {
    /// Takes the lock on `dir`, which must exist. When another process holds
    /// it, `on_wait` is called (to say so) and the call blocks, or fails
    /// under [`Wait::Fail`].
    pub fn acquire(dir: &Path, wait: Wait, on_wait: impl FnOnce()) -> Result<DirLock> {
        let path = dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => match wait {
                Wait::Fail => {
                    return Err(Error::Locked {
                        dir: display_path(dir),
                    });
                }
                Wait::Block => {
                    on_wait();
                    file.lock().map_err(|e| Error::io(&path, e))?;
                }
            },
            Err(TryLockError::Error(e)) => return Err(Error::io(&path, e)),
        }
        Ok(DirLock {
            dir: dir.to_path_buf(),
            _file: file,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Finishes or rolls back a commit a dead process left in this folder.
    /// Only a lock holder may: a live writer's temporary files look just
    /// like a dead one's.
    pub fn recover(&self) -> Result<Option<Recovery>> {
        recover(&self.dir)
    }

    /// Starts a multi-file commit into this folder.
    pub fn begin(&self) -> Commit<'_> {
        Commit::new(self)
    }
}

/// For readers: when `dir` holds what an interrupted commit left, takes the
/// lock (which waits out a live writer) and recovers; otherwise touches
/// nothing, so reading needs no write access and never waits on a writer
/// that is still working.
pub fn recover_if_needed(
    dir: &Path,
    wait: Wait,
    on_wait: impl FnOnce(),
) -> Result<Option<Recovery>> {
    if !needs_recovery(dir) {
        return Ok(None);
    }
    DirLock::acquire(dir, wait, on_wait)?.recover()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_fails_or_waits() {
        let dir = tempfile::tempdir().unwrap();
        let first = DirLock::acquire(dir.path(), Wait::Fail, || {}).unwrap();
        let e = DirLock::acquire(dir.path(), Wait::Fail, || {}).unwrap_err();
        assert!(matches!(e, Error::Locked { .. }), "{e}");
        assert!(e.to_string().contains("another stance process"), "{e}");

        let path = dir.path().to_path_buf();
        let (tx, rx) = std::sync::mpsc::channel();
        let waiter = std::thread::spawn(move || {
            let said = std::cell::Cell::new(false);
            let lock = DirLock::acquire(&path, Wait::Block, || said.set(true)).unwrap();
            tx.send(()).unwrap();
            drop(lock);
            said.get()
        });
        let early = rx.recv_timeout(std::time::Duration::from_millis(300));
        assert!(early.is_err(), "the waiter got the lock while it was held");
        drop(first);
        rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap();
        assert!(waiter.join().unwrap(), "the waiter did not say it waits");
    }
}
