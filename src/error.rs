//! Errors as types. Two kinds matter to users: a fatal [`Error`] that stops a
//! command, and a [`Rejection`] — one bad row or file that is reported, counted
//! and skipped while the rest of the input is still processed.

use std::fmt;
use std::path::Path;

/// A place in a user's input: file (or `-` for stdin) and 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    pub file: String,
    pub line: Option<u64>,
}

impl Location {
    pub fn new(file: impl Into<String>, line: Option<u64>) -> Self {
        Location {
            file: file.into(),
            line,
        }
    }

    pub fn of_path(path: &Path, line: Option<u64>) -> Self {
        Location::new(display_path(path), line)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}", self.file, line),
            None => write!(f, "{}", self.file),
        }
    }
}

/// One input row (or whole file) that could not be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rejection {
    #[serde(flatten)]
    pub at: Location,
    pub reason: String,
}

impl Rejection {
    pub fn new(at: Location, reason: impl Into<String>) -> Self {
        Rejection {
            at,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.reason)
    }
}

/// A fatal error: the command cannot go on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// Bad content at a known place in a file the command cannot do without
    /// (actors file, model file, a label file under `--strict`, …).
    #[error("{0}")]
    Invalid(Rejection),
    /// Invalid settings or arguments, caught before any work starts: a
    /// flag's value, an option of the library's API. Never a problem of a
    /// file's content, which is [`Error::Invalid`] and names file and line.
    #[error("invalid parameter: {0}")]
    Param(String),
    /// The inputs hold nothing the command can work with: no label files,
    /// no examples left once the bad rows were rejected (each of those was
    /// reported with its file and line before).
    #[error("no usable data: {0}")]
    NoData(String),
    /// A model that cannot do what was asked: inconsistent content (a
    /// crafted or damaged file is [`Error::Invalid`] at its path instead),
    /// or no head for the task.
    #[error("unusable model: {0}")]
    Model(String),
    /// A model file written by another format version.
    #[error(
        "{path}: model format version {found}, this build reads version {expected}; retrain the model with this version of stance"
    )]
    ModelVersion {
        path: String,
        found: u32,
        expected: u32,
    },
    /// Several problems found by a validation pass, all reported at once.
    #[error("{} problem(s) found", .0.len())]
    Many(Vec<Rejection>),
    /// Another process holds the lock of a folder this command writes, and
    /// the caller chose not to wait (`--no-wait`).
    #[error(
        "{dir}: locked by another stance process that is writing there; not waiting (--no-wait)"
    )]
    Locked { dir: String },
    /// `--project DIR` or `STANCE_PROJECT` names a folder that holds
    /// neither a project file nor an actors file: a typo should not fall
    /// back to the built-in defaults in silence.
    #[error(
        "{dir}: not a stance project (no stance.toml, no labels/actors.toml); `stance init {dir}` starts one"
    )]
    NotAProject { dir: String },
    /// `stance init` never overwrites a project: `path` (its stance.toml
    /// or non-empty label store) is already there.
    #[error("{path} already exists: `stance init` starts a new project only where there is none")]
    ProjectExists { path: String },
}

impl Error {
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: display_path(path.as_ref()),
            source,
        }
    }

    pub fn invalid(at: Location, reason: impl Into<String>) -> Self {
        Error::Invalid(Rejection::new(at, reason))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Paths as users typed them; `-` stays `-`.
pub fn display_path(path: &Path) -> String {
    path.display().to_string()
}
