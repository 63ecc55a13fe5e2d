//! Finding the project the way git finds its folder, so every command works
//! from any subfolder and an installed `stance` works from anywhere.
//!
//! `--project DIR` or `STANCE_PROJECT` name it; else the nearest
//! `stance.toml` at or above the working folder; else the nearest folder at
//! or above it holding `labels/actors.toml` — the layout the commands'
//! defaults always assumed, so a checkout or a copy of one without a
//! project file is still a project. With none of these, there is no
//! project, and the commands fall back to what is built into the binary.

use std::path::{Path, PathBuf};

use super::{ACTORS, FILE, LABELS, Project};
use crate::error::{Error, display_path};

/// The environment variable naming the project folder (or its file).
pub const ENV: &str = "STANCE_PROJECT";

impl Project {
    /// The nearest `stance.toml` at `start` or above.
    pub fn find(start: &Path) -> Option<PathBuf> {
        start
            .ancestors()
            .map(|d| d.join(FILE))
            .find(|f| f.is_file())
    }

    /// The nearest folder at `start` or above holding `labels/actors.toml`.
    pub fn find_actors_root(start: &Path) -> Option<PathBuf> {
        start
            .ancestors()
            .find(|d| d.join(ACTORS).is_file())
            .map(Path::to_path_buf)
    }

    /// A project without a file: the folder's `labels/` and
    /// `labels/actors.toml`, no declared corpora, no recorded splits.
    pub fn implicit(root: &Path) -> Project {
        Project {
            root: root.to_path_buf(),
            file: None,
            actors: root.join(ACTORS),
            actors_declared: false,
            labels: root.join(LABELS),
            corpora: Vec::new(),
            splits: None,
        }
    }

    /// The project `given` names: a `stance.toml` (or another project
    /// file), a folder holding one, or a folder holding
    /// `labels/actors.toml`; anything else is [`Error::NotAProject`].
    pub fn open(given: &Path) -> Result<Project, Error> {
        if given.is_file() {
            return Project::load(given);
        }
        if given.join(FILE).is_file() {
            return Project::load(&given.join(FILE));
        }
        if given.join(ACTORS).is_file() {
            return Ok(Project::implicit(given));
        }
        Err(Error::NotAProject {
            dir: display_path(given),
        })
    }

    /// `dir` (from `--project`) or `STANCE_PROJECT` when given, else the
    /// nearest project above the working folder; `None` when there is none,
    /// and the commands keep their built-in defaults.
    pub fn discover(dir: Option<&Path>) -> Result<Option<Project>, Error> {
        let env = std::env::var_os(ENV).filter(|v| !v.is_empty());
        let given = dir
            .map(Path::to_path_buf)
            .or_else(|| env.map(PathBuf::from));
        let cwd = std::env::current_dir().map_err(|e| Error::io(".", e))?;
        Project::discover_from(given.as_deref(), &cwd)
    }

    /// [`Project::discover`] with the flag or variable already read and the
    /// working folder given.
    pub fn discover_from(given: Option<&Path>, cwd: &Path) -> Result<Option<Project>, Error> {
        if let Some(d) = given {
            return Project::open(d).map(Some);
        }
        if let Some(f) = Project::find(cwd) {
            return Project::load(&f).map(Some);
        }
        Ok(Project::find_actors_root(cwd).map(|root| Project::implicit(&root)))
    }

    /// The project's models folder (registry, kept models, default).
    pub fn models_dir(&self) -> PathBuf {
        self.root.join("models")
    }

    /// `models/default.model` of the project, when it has one.
    pub fn default_model(&self) -> Option<PathBuf> {
        let path = self.models_dir().join(crate::model::registry::DEFAULT_FILE);
        path.is_file().then_some(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn actors_folder(dir: &Path) {
        fs::create_dir_all(dir.join(LABELS)).unwrap();
        fs::write(dir.join(ACTORS), crate::actors::EMBEDDED_TOML).unwrap();
    }

    #[test]
    fn found_from_a_subfolder() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(FILE), "").unwrap();
        let sub = dir.path().join("a/b");
        fs::create_dir_all(&sub).unwrap();
        assert_eq!(Project::find(&sub), Some(dir.path().join(FILE)));
        let p = Project::discover_from(None, &sub).unwrap().unwrap();
        assert_eq!(p.root, dir.path());
        assert_eq!(p.file, Some(dir.path().join(FILE)));
    }

    #[test]
    fn a_folder_with_an_actors_file_is_a_project_without_a_file() {
        let dir = tempfile::tempdir().unwrap();
        actors_folder(dir.path());
        let sub = dir.path().join("labels/deeper");
        fs::create_dir_all(&sub).unwrap();
        let p = Project::discover_from(None, &sub).unwrap().unwrap();
        assert_eq!(p.root, dir.path());
        assert_eq!(p.file, None);
        assert_eq!(p.actors, dir.path().join(ACTORS));
        assert_eq!(p.labels, dir.path().join(LABELS));
        assert!(p.corpora.is_empty() && p.splits.is_none());
    }

    #[test]
    fn a_project_file_above_wins_over_an_actors_file_below() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(FILE), "labels = \"store\"\n").unwrap();
        let inner = dir.path().join("inner");
        actors_folder(&inner);
        let p = Project::discover_from(None, &inner).unwrap().unwrap();
        assert_eq!(p.root, dir.path());
        assert_eq!(p.labels, dir.path().join("store"));
    }

    #[test]
    fn a_given_folder_wins_and_must_be_a_project() {
        let dir = tempfile::tempdir().unwrap();
        let proj = dir.path().join("proj");
        actors_folder(&proj);
        let elsewhere = dir.path().join("elsewhere");
        fs::create_dir_all(&elsewhere).unwrap();
        fs::write(elsewhere.join(FILE), "").unwrap();
        let p = Project::discover_from(Some(&proj), &elsewhere)
            .unwrap()
            .unwrap();
        assert_eq!(p.root, proj);
        // Given as its file, too.
        let p = Project::discover_from(Some(&elsewhere.join(FILE)), &proj)
            .unwrap()
            .unwrap();
        assert_eq!(p.root, elsewhere);
        let e = Project::discover_from(Some(&dir.path().join("typo")), &proj).unwrap_err();
        assert!(matches!(e, Error::NotAProject { .. }), "{e}");
        assert!(e.to_string().contains("typo"), "{e}");
    }

    #[test]
    fn no_project_anywhere_is_none() {
        let dir = tempfile::tempdir().unwrap();
        // Only an actors file elsewhere (not at or above) does not count.
        actors_folder(&dir.path().join("side"));
        let sub = dir.path().join("a");
        fs::create_dir_all(&sub).unwrap();
        let found = Project::discover_from(None, &sub).unwrap();
        // A temp folder's ancestors may hold a project on some machines;
        // none may be below the temp folder.
        assert!(found.is_none_or(|p| !p.root.starts_with(dir.path())));
    }

    #[test]
    fn the_default_model_is_the_projects_when_it_has_one() {
        let dir = tempfile::tempdir().unwrap();
        actors_folder(dir.path());
        let p = Project::implicit(dir.path());
        assert_eq!(p.default_model(), None);
        fs::create_dir_all(p.models_dir()).unwrap();
        fs::write(p.models_dir().join("default.model"), b"x").unwrap();
        assert_eq!(
            p.default_model(),
            Some(dir.path().join("models/default.model"))
        );
    }
}
