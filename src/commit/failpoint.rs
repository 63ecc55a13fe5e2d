//! Test-only failpoints: `STANCE_FAILPOINT=commit:after-rename-1` makes the
//! process stop dead at that step of a commit, the way `kill -9` or a power
//! cut would, so the end-to-end tests can interrupt a commit at every step
//! and check that the next command recovers. Checked in release builds too:
//! the tests drive the real binary, and one environment lookup per step of
//! a commit costs nothing next to the fsyncs around it.

use std::sync::OnceLock;

/// The environment variable naming the one step to stop at.
pub const VAR: &str = "STANCE_FAILPOINT";

/// The exit status of a process stopped by a failpoint (chosen to be none
/// of the statuses the commands use: 0, 1, 2, 3).
pub const EXIT_CODE: i32 = 99;

fn armed() -> Option<&'static str> {
    static ARMED: OnceLock<Option<String>> = OnceLock::new();
    ARMED
        .get_or_init(|| std::env::var(VAR).ok().filter(|v| !v.is_empty()))
        .as_deref()
}

/// Stops the process at once, without unwinding, cleanup or destructors,
/// when `step` is the armed failpoint.
pub fn hit(step: &str) {
    if armed() == Some(step) {
        eprintln!("failpoint {step}: stopping");
        std::process::exit(EXIT_CODE);
    }
}

/// Whether `step` is armed: for failpoints that inject an error (e.g. a
/// rename refused like one over a `chattr +i` file) instead of stopping.
pub fn fails(step: &str) -> bool {
    armed() == Some(step)
}
