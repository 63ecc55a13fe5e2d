//! The terminal side of output: errors and summaries go to stderr, progress
//! bars only on a terminal. Opening outputs (`-` is stdout, files written
//! whole or not at all) and refusing outputs that are inputs are the
//! library's (`stance::outfile`).

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressState, ProgressStyle};

use stance::Error;

pub fn report_error(e: &Error) {
    match e {
        Error::Many(problems) => {
            for p in problems {
                eprintln!("error: {p}");
            }
            eprintln!("error: {e}");
        }
        // A closed pipe (`stance … | head`) is not worth a message.
        Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe => {}
        _ => eprintln!("error: {e}"),
    }
}

/// Whether progress bars should be drawn: only on a terminal, so pipes,
/// logs and tests see the summary lines alone.
pub fn interactive() -> bool {
    std::io::stderr().is_terminal()
}

/// How often a bar's step text may change: the learners report every
/// iteration, far more often than anyone can read.
const STEP_EVERY: Duration = Duration::from_millis(100);

/// Progress bars on a terminal, nothing in a pipe.
pub struct Bars {
    current: Mutex<Option<Current>>,
}

/// The bar of the stage running, and when its step text last changed.
struct Current {
    bar: ProgressBar,
    stepped: Option<Instant>,
}

impl Bars {
    pub fn new() -> Bars {
        Bars {
            current: Mutex::new(None),
        }
    }

    fn current(&self) -> std::sync::MutexGuard<'_, Option<Current>> {
        self.current.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The look of a stage's bar: its name, its steps (heads, folds, trials)
/// when counted, and, once the stage reports them, what it is doing now
/// (a head's optimiser iteration) on a line of its own, so a narrow
/// terminal cuts neither.
fn stage_style(counted: bool, stepping: bool) -> ProgressStyle {
    let head = if counted {
        "{spinner} {prefix} [{bar:24}] {pos}/{len} {elapsed} eta {eta}"
    } else {
        "{spinner} {prefix} {elapsed}"
    };
    let template = if stepping {
        format!("{head}\n  {{wide_msg}}")
    } else {
        head.to_string()
    };
    ProgressStyle::with_template(&template)
        .expect("valid template")
        .progress_chars("=> ")
}

impl stance::progress::Progress for Bars {
    fn stage(&self, name: &str, total: u64) {
        if !interactive() {
            return;
        }
        let mut cur = self.current();
        if let Some(c) = cur.take() {
            c.bar.finish_and_clear();
        }
        let bar = if total > 0 {
            ProgressBar::new(total)
        } else {
            ProgressBar::new_spinner()
        };
        bar.set_style(stage_style(total > 0, false));
        bar.set_prefix(name.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        *cur = Some(Current { bar, stepped: None });
    }

    fn advance(&self, steps: u64) {
        if let Some(c) = self.current().as_ref() {
            c.bar.inc(steps);
        }
    }

    fn step(&self, what: std::fmt::Arguments<'_>) {
        let mut cur = self.current();
        let Some(c) = cur.as_mut() else { return };
        let now = Instant::now();
        match c.stepped {
            Some(t) if now.duration_since(t) < STEP_EVERY => return,
            Some(_) => {}
            None => c.bar.set_style(stage_style(c.bar.length().is_some(), true)),
        }
        c.stepped = Some(now);
        c.bar.set_message(what.to_string());
    }

    fn finish(&self) {
        if let Some(c) = self.current().take() {
            c.bar.finish_and_clear();
        }
    }
}

/// Progress of reading inputs: a bar of the bytes read with an ETA when
/// their total size is known, else a spinner with the rows and their rate
/// (`13,305/s`). Hidden in pipes.
pub struct ReadProgress {
    bar: ProgressBar,
    bytes: Option<stance::input::ByteCount>,
    rows: u64,
}

impl ReadProgress {
    /// `bytes`: the counter the reader adds to and the total it will reach
    /// (see [`stance::corpus::ingest::known_size`]), when known.
    pub fn new(name: &str, bytes: Option<(stance::input::ByteCount, u64)>) -> ReadProgress {
        if !interactive() {
            return ReadProgress {
                bar: ProgressBar::hidden(),
                bytes: None,
                rows: 0,
            };
        }
        let (bar, style, bytes) = match bytes {
            Some((count, total)) => (
                ProgressBar::new(total),
                ProgressStyle::with_template(
                    "{spinner} {prefix} [{wide_bar}] {done_bytes}/{total} {byte_rate} eta {eta}, {msg}",
                )
                .expect("valid template")
                .with_key("done_bytes", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = w.write_str(&stance::progress::bytes(s.pos()));
                })
                .with_key("total", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = w.write_str(&stance::progress::bytes(s.len().unwrap_or(0)));
                })
                .with_key("byte_rate", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{}/s", stance::progress::bytes(s.per_sec() as u64));
                })
                .progress_chars("=> "),
                Some(count),
            ),
            None => (
                ProgressBar::new_spinner(),
                ProgressStyle::with_template("{spinner} {prefix} {rows} rows, {rate}, {elapsed}")
                    .expect("valid template")
                    .with_key("rows", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = w.write_str(&stance::progress::thousands(s.pos()));
                    })
                    .with_key("rate", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = w.write_str(&stance::progress::per_second(s.per_sec()));
                    }),
                None,
            ),
        };
        bar.set_style(style);
        bar.set_prefix(name.to_string());
        bar.set_message("0 rows");
        bar.enable_steady_tick(Duration::from_millis(120));
        ReadProgress {
            bar,
            bytes,
            rows: 0,
        }
    }

    /// `n` more rows done.
    pub fn rows(&mut self, n: u64) {
        self.rows += n;
        match &self.bytes {
            Some(count) => {
                self.bar.set_position(count.get());
                self.bar
                    .set_message(format!("{} rows", stance::progress::thousands(self.rows)));
            }
            None => self.bar.inc(n),
        }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
