//! Output plumbing shared by the subcommands: `-` means stdout, errors and
//! summaries go to stderr, progress bars only on a terminal.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::Path;

use stance::Error;

/// Where results go: a file, or stdout for `-` / no `-o`.
pub fn output(path: Option<&Path>) -> stance::Result<Box<dyn Write>> {
    match path {
        None => Ok(Box::new(BufWriter::new(std::io::stdout().lock()))),
        Some(p) if p.as_os_str() == "-" => Ok(Box::new(BufWriter::new(std::io::stdout().lock()))),
        Some(p) => {
            let f = File::create(p).map_err(|e| Error::io(p, e))?;
            Ok(Box::new(BufWriter::with_capacity(1 << 16, f)))
        }
    }
}

pub fn write_err(path: Option<&Path>, e: std::io::Error) -> Error {
    let name = path.map_or("-".to_string(), |p| p.display().to_string());
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
