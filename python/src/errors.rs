//! Rust errors as Python exceptions. A `stance.StanceError` carries the
//! file and line the library names (as `file` and `line` attributes, and
//! in its message), so a notebook shows where the bad input is, as the
//! CLI's stderr does; invalid arguments are `ValueError`s, as Python
//! users expect.

use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use stance::Error;

pyo3::create_exception!(
    stance,
    StanceError,
    PyException,
    "An error of the stance library: a model file that cannot be read, bad content at a \
     known place. `file` and `line` say where (None when unknown)."
);

/// The Python exception for `e`.
pub fn to_py(py: Python<'_>, e: Error) -> PyErr {
    let (file, line) = match &e {
        Error::Param(m) => return PyValueError::new_err(m.clone()),
        Error::Io { path, .. } | Error::ModelVersion { path, .. } => (Some(path.clone()), None),
        Error::Invalid(r) => (Some(r.at.file.clone()), r.at.line),
        Error::Many(rs) => match rs.first() {
            Some(r) => (Some(r.at.file.clone()), r.at.line),
            None => (None, None),
        },
        Error::Locked { dir } | Error::NotAProject { dir } => (Some(dir.clone()), None),
        Error::ProjectExists { path } => (Some(path.clone()), None),
        Error::NoData(_) | Error::Model(_) => (None, None),
    };
    let message = match &e {
        Error::Many(rs) => std::iter::once(e.to_string())
            .chain(rs.iter().map(ToString::to_string))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => e.to_string(),
    };
    let err = StanceError::new_err(message);
    let value = err.value(py);
    // Setting attributes on a fresh exception object cannot fail short of
    // memory exhaustion; the message names the place in any case.
    let _ = value.setattr("file", file);
    let _ = value.setattr("line", line);
    err
}

/// `ValueError(message)` for a caller's mistake found in the binding
/// itself (a missing column, a null text).
pub fn value_error(message: impl Into<String>) -> PyErr {
    PyValueError::new_err(message.into())
}
