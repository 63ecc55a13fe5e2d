//! `stance init DIR`: a new project for a user's own corpus — a
//! `stance.toml`, the actors file to edit (a copy of the built-in one), an
//! empty label store and a short guide — so the commands work there as they
//! do in the checkout.

use std::path::{Path, PathBuf};

use super::{ACTORS, FILE, LABELS};
use crate::actors::EMBEDDED_TOML;
use crate::error::{Error, Result, display_path};
use crate::outfile::write_whole;

const PROJECT_FILE: &str = include_str!("templates/stance.toml");
const ACTORS_HEADER: &str = include_str!("templates/actors_header.toml");
const GUIDE: &str = include_str!("templates/GUIDE.md");

/// The guide's file name.
pub const GUIDE_FILE: &str = "GUIDE.md";

/// Starts a project in `dir` (made if missing) and returns the files
/// written. Refuses a folder that has a `stance.toml`, or a `labels/` that
/// is not empty, so nothing of an existing project is overwritten. Each
/// file is written whole or not at all, and `stance.toml` last: an init
/// that fails half-way leaves no project file claiming what is missing.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>> {
    let project_file = dir.join(FILE);
    if project_file.exists() {
        return Err(exists(&project_file));
    }
    let labels = dir.join(LABELS);
    if labels.exists() && !is_empty_dir(&labels)? {
        return Err(exists(&labels));
    }
    std::fs::create_dir_all(&labels).map_err(|e| Error::io(&labels, e))?;
    let actors = format!("{ACTORS_HEADER}{EMBEDDED_TOML}");
    let files = [
        (dir.join(ACTORS), actors.as_str()),
        (dir.join(GUIDE_FILE), GUIDE),
        (project_file, PROJECT_FILE),
    ];
    for (path, text) in &files {
        write_whole(path, text.as_bytes())?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

fn exists(path: &Path) -> Error {
    Error::ProjectExists {
        path: display_path(path),
    }
}

fn is_empty_dir(dir: &Path) -> Result<bool> {
    let mut entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    Ok(entries.next().is_none())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actors::ActorSet;
    use crate::project::Project;

    #[test]
    fn a_new_project_is_found_with_its_actors_and_label_store() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("mine");
        let files = init(&root).unwrap();
        assert_eq!(files.len(), 3);
        let p = Project::discover_from(None, &root).unwrap().unwrap();
        assert_eq!(p.file, Some(root.join(FILE)));
        assert_eq!(p.actors, root.join(ACTORS));
        assert!(p.labels.is_dir() && p.corpora.is_empty());
        let actors = ActorSet::from_file(&p.actors).unwrap();
        assert_eq!(
            actors.codes().collect::<Vec<_>>(),
            ActorSet::embedded().codes().collect::<Vec<_>>()
        );
        assert!(root.join(GUIDE_FILE).is_file());
    }

    #[test]
    fn the_commented_corpus_block_parses_once_uncommented() {
        let text: String = PROJECT_FILE
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest) if rest.starts_with("[[corpus]]") || rest.contains(" = ") => rest,
                _ => l,
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let p = Project::parse(Path::new("/x/stance.toml"), &text).unwrap();
        assert_eq!(p.corpora.len(), 1, "{text}");
        assert_eq!(p.corpora[0].inputs, ["/x/corpus"]);
        assert!(!p.corpora[0].whole_documents);
    }

    #[test]
    fn an_existing_project_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        init(dir.path()).unwrap();
        let e = init(dir.path()).unwrap_err();
        assert!(matches!(e, Error::ProjectExists { .. }), "{e}");
        assert!(e.to_string().contains("stance.toml"), "{e}");
        // A label store with files, even without a project file.
        let other = tempfile::tempdir().unwrap();
        std::fs::create_dir(other.path().join("labels")).unwrap();
        std::fs::write(other.path().join("labels/a.csv"), "x").unwrap();
        let e = init(other.path()).unwrap_err().to_string();
        assert!(e.contains("labels"), "{e}");
        assert!(!other.path().join(FILE).exists());
        // An empty one is fine.
        std::fs::remove_file(other.path().join("labels/a.csv")).unwrap();
        init(other.path()).unwrap();
    }
}
