//! Paths read from files rather than typed by the user — a model registry
//! entry's `file`, `retrain.external_data` — stay inside the folder they
//! belong to. Such files travel (a registry copied from a colleague, a
//! checkout of someone's branch), and a path like `/etc/shadow` or
//! `../../x.model` in them used to be opened, copied into `models/`, and
//! echoed in errors. A confined path is relative, has no `..`, and does
//! not leave its folder through a symbolic link either.
//!
//! Errors name the file the path was read from and the entry; they never
//! include anything read from the path itself.

use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Location, Result, display_path};

/// Why `path` cannot be confined, judged by its text alone.
pub fn lexical_problem(path: &str) -> Option<&'static str> {
    if path.is_empty() {
        return Some("is empty");
    }
    for c in Path::new(path).components() {
        match c {
            Component::Normal(_) | Component::CurDir => {}
            Component::ParentDir => return Some("goes up with `..`"),
            Component::RootDir | Component::Prefix(_) => return Some("is absolute"),
        }
    }
    None
}

/// The error for `what` (e.g. `model "x": file`) = `path`, read from
/// `source`, that must stay inside `root`.
pub fn refused(source: &Path, what: &str, path: &str, root: &Path, why: &str) -> Error {
    Error::invalid(
        Location::of_path(source, None),
        format!(
            "{what} {path:?} {why}; paths here must be relative to {} and stay inside it (no absolute paths, no `..`, no symbolic link out)",
            display_path(root)
        ),
    )
}

/// Checks the text of `path` (see [`lexical_problem`]).
pub fn check_lexical(source: &Path, what: &str, path: &str, root: &Path) -> Result<()> {
    match lexical_problem(path) {
        Some(why) => Err(refused(source, what, path, root, why)),
        None => Ok(()),
    }
}

/// `root.join(path)`, once `path` is known to stay inside `root`: by its
/// text, and, when it exists, by where it really leads (symbolic links
/// resolved). A path that does not exist is returned as is: opening it
/// fails with an error that names it and reads nothing.
pub fn resolve(root: &Path, path: &str, source: &Path, what: &str) -> Result<PathBuf> {
    check_lexical(source, what, path, root)?;
    let joined = root.join(path);
    match std::fs::canonicalize(&joined) {
        Ok(real) => {
            let real_root = std::fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
            if real.starts_with(&real_root) {
                Ok(joined)
            } else {
                let why = "leads outside through a symbolic link";
                Err(refused(source, what, path, root, why))
            }
        }
        // A link that leads nowhere (yet): refused, as it could be made to
        // lead anywhere.
        Err(_) if std::fs::symlink_metadata(&joined).is_ok() => {
            let why = "is a symbolic link whose target cannot be resolved";
            Err(refused(source, what, path, root, why))
        }
        Err(_) => Ok(joined),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_pass_by_text() {
        for ok in ["a.model", "sub/a.model", "./a.jsonl"] {
            assert_eq!(lexical_problem(ok), None, "{ok}");
        }
        for (bad, why) in [
            ("", "is empty"),
            ("/etc/shadow", "is absolute"),
            ("../../m.model", "goes up with `..`"),
            ("sub/../../x", "goes up with `..`"),
        ] {
            assert_eq!(lexical_problem(bad), Some(why), "{bad}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_out_is_refused_and_one_inside_is_not() {
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret");
        std::fs::write(&secret, "top secret").unwrap();
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        std::fs::write(r.join("in.model"), "x").unwrap();
        std::os::unix::fs::symlink(&secret, r.join("out.model")).unwrap();
        std::os::unix::fs::symlink(r.join("in.model"), r.join("alias.model")).unwrap();
        std::os::unix::fs::symlink(outside.path(), r.join("sub")).unwrap();
        std::os::unix::fs::symlink(r.join("gone"), r.join("dangling.model")).unwrap();
        let src = Path::new("models/registry.json");
        for ok in ["in.model", "alias.model", "missing.model"] {
            assert_eq!(resolve(r, ok, src, "file").unwrap(), r.join(ok));
        }
        for bad in ["out.model", "sub/secret", "dangling.model"] {
            let e = resolve(r, bad, src, "model \"m\": file").unwrap_err();
            let e = e.to_string();
            assert!(
                e.starts_with("models/registry.json: model \"m\": file"),
                "{e}"
            );
            assert!(!e.contains("top secret"), "{e}");
        }
    }
}
