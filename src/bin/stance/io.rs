//! Output plumbing shared by the subcommands: `-` means stdout, errors and
//! summaries go to stderr, progress bars only on a terminal. Files are
//! written whole or not at all (`stance::outfile`).

use std::io::{BufWriter, IsTerminal, StdoutLock, Write};
use std::path::{Path, PathBuf};

use stance::Error;
use stance::outfile::AtomicFile;

/// Where results go: a file (appearing only at [`Output::finish`]), or
/// stdout.
pub enum Output {
    Stdout(BufWriter<StdoutLock<'static>>),
    File(AtomicFile),
}

/// Where results go: a file, or stdout for `-` / no `-o`.
pub fn output(path: Option<&Path>) -> stance::Result<Output> {
    match path {
        Some(p) if p.as_os_str() != "-" => Ok(Output::File(AtomicFile::create(p)?)),
        _ => Ok(Output::Stdout(BufWriter::new(std::io::stdout().lock()))),
    }
}

impl Output {
    /// Flushes stdout, or commits the file (fsync, rename over the final
    /// path). An output dropped without this leaves no file behind.
    pub fn finish(self) -> stance::Result<()> {
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

/// Refuses outputs that are inputs, before any work; `inputs` as typed on
/// the command line (`-` and missing ones are fine).
pub fn refuse_overwrite<I, O>(inputs: I, outputs: O) -> stance::Result<()>
where
    I: IntoIterator,
    I::Item: AsRef<Path>,
    O: IntoIterator,
    O::Item: AsRef<Path>,
{
    let inputs: Vec<PathBuf> = inputs.into_iter().map(|p| p.as_ref().into()).collect();
    let outputs: Vec<PathBuf> = outputs.into_iter().map(|p| p.as_ref().into()).collect();
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let outputs: Vec<&Path> = outputs.iter().map(PathBuf::as_path).collect();
    stance::outfile::refuse_overwrite(&inputs, &outputs)
}

pub fn write_err(path: Option<&Path>, e: std::io::Error) -> Error {
    let name = path.map_or("standard output".to_string(), |p| p.display().to_string());
    Error::Io {
        path: name,
        source: e,
    }
}

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

/// Whether progress bars should be drawn.
#[allow(dead_code)]
pub fn interactive() -> bool {
    std::io::stderr().is_terminal()
}

/// Progress bars on a terminal, nothing in a pipe.
pub struct Bars {
    bar: Option<indicatif::ProgressBar>,
    current: std::sync::Mutex<Option<indicatif::ProgressBar>>,
}

impl Bars {
    pub fn new() -> Bars {
        Bars {
            bar: interactive().then(indicatif::ProgressBar::hidden),
            current: std::sync::Mutex::new(None),
        }
    }
}

impl stance::progress::Progress for Bars {
    fn stage(&self, name: &str, total: u64) {
        if self.bar.is_none() {
            return;
        }
        let mut cur = self.current.lock().expect("progress lock");
        if let Some(b) = cur.take() {
            b.finish_and_clear();
        }
        let b = if total > 0 {
            let b = indicatif::ProgressBar::new(total);
            b.set_style(
                indicatif::ProgressStyle::with_template(
                    "{msg:32} [{bar:30}] {pos}/{len} {per_sec} eta {eta}",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            b
        } else {
            indicatif::ProgressBar::new_spinner()
        };
        b.set_message(name.to_string());
        b.enable_steady_tick(std::time::Duration::from_millis(120));
        *cur = Some(b);
    }

    fn advance(&self, steps: u64) {
        if let Some(b) = self.current.lock().expect("progress lock").as_ref() {
            b.inc(steps);
        }
    }

    fn finish(&self) {
        if let Some(b) = self.current.lock().expect("progress lock").take() {
            b.finish_and_clear();
        }
    }
}

/// A counting bar with rate for streams of unknown length (hidden in pipes).
pub fn counter(name: &str) -> indicatif::ProgressBar {
    if !interactive() {
        return indicatif::ProgressBar::hidden();
    }
    let b = indicatif::ProgressBar::new_spinner();
    b.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {msg} {human_pos} rows, {per_sec}, {elapsed}",
        )
        .expect("valid template"),
    );
    b.set_message(name.to_string());
    b.enable_steady_tick(std::time::Duration::from_millis(120));
    b
}
