//! The CLI's side of the folders commands write (`stance::commit::access`):
//! `--no-wait` fails instead of waiting for another writer, and waiting and
//! recoveries are said on stderr.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use stance::Result;
use stance::commit::{Access, DirLock, Recovery, Wait};

static NO_WAIT: AtomicBool = AtomicBool::new(false);

/// `--no-wait`: fail instead of waiting for another writer's lock.
pub fn set_no_wait(no_wait: bool) {
    NO_WAIT.store(no_wait, Ordering::Relaxed);
}

/// `--no-wait` and stderr.
pub struct Cli;

/// What every command passes the library.
pub const CLI: Cli = Cli;

/// `labels` → `labels/`, the way the messages name folders.
fn folder(dir: &Path) -> String {
    let s = dir.display().to_string();
    if s.ends_with('/') { s } else { s + "/" }
}

impl Access for Cli {
    fn wait(&self) -> Wait {
        if NO_WAIT.load(Ordering::Relaxed) {
            Wait::Fail
        } else {
            Wait::Block
        }
    }

    fn waiting(&self, dir: &Path) {
        eprintln!(
            "waiting for lock on {} held by another stance process… (--no-wait fails instead)",
            folder(dir)
        );
    }

    fn recovered(&self, dir: &Path, what: &Recovery) {
        eprintln!("recovery: {}: {what}", folder(dir));
    }
}

/// [`stance::commit::lock`] the CLI's way.
pub fn lock(dir: &Path) -> Result<DirLock> {
    stance::commit::lock(dir, &CLI)
}

/// [`stance::commit::recover`] the CLI's way.
pub fn recover(dir: &Path) -> Result<()> {
    stance::commit::recover(dir, &CLI)
}

/// [`stance::commit::recover_all`] the CLI's way.
pub fn recover_all(inputs: &[PathBuf]) -> Result<()> {
    stance::commit::recover_all(inputs, &CLI)
}

/// [`stance::commit::recover_parent`] the CLI's way.
pub fn recover_parent(file: &Path) -> Result<()> {
    stance::commit::recover_parent(file, &CLI)
}
