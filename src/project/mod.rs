//! The project file, `stance.toml`: the corpora, the label store, the
//! actors file and the recorded splits, declared once instead of repeated as
//! flags on every command.
//!
//! It is found the way git finds its folder (see [`discover`]): `--project
//! DIR` or `STANCE_PROJECT`, else the nearest `stance.toml` in the working
//! folder or above it, else the nearest folder holding `labels/actors.toml`
//! (a project without a file). Paths in it are relative to the folder that
//! holds it, so the commands work from any subfolder. Flags still win over
//! the file. Without any project, the commands use the model and actors
//! file built into the binary ([`in_use`]).
//!
//! A corpus may be `optional`: the pool of reader comments lives beside the
//! repository (`../shared/data`), which a fresh clone may lack. An absent
//! optional corpus is said on stderr and its labels are set aside (counted,
//! never silently dropped); an absent required corpus is an error.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Location, Rejection};
use crate::labels::splits::{Split, SplitRule};

pub mod defaults;
pub mod discover;
pub mod in_use;
pub mod info;
pub mod init;
pub mod units;

pub use defaults::{corpus_inputs, labels_dir, models_dir, split_rule};
pub use in_use::{ActorsSource, ModelSource};
pub use units::{ProjectUnits, units};

/// The file name searched for.
pub const FILE: &str = "stance.toml";

/// The actors file of a project that does not name one, and the file that
/// marks a folder as a project when it has no `stance.toml`.
pub const ACTORS: &str = "labels/actors.toml";

/// The label store of a project that does not name one.
pub const LABELS: &str = "labels";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectFile {
    actors: Option<String>,
    labels: Option<String>,
    splits: Option<SplitsFile>,
    #[serde(default)]
    corpus: Vec<CorpusFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SplitsFile {
    file: String,
    /// Split of the labelled units the file does not list.
    unlisted: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CorpusFile {
    name: String,
    inputs: Vec<String>,
    #[serde(default)]
    optional: bool,
    #[serde(default = "yes")]
    whole_documents: bool,
}

fn yes() -> bool {
    true
}

/// One declared corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Corpus {
    pub name: String,
    /// Inputs as `stance ingest` takes them, resolved against the project.
    pub inputs: Vec<String>,
    /// Absent is a note, not an error (data that lives beside the repo).
    pub optional: bool,
    /// Every paragraph and comment of a labelled document must be labelled
    /// (articles labelled whole). False for pools labelled unit by unit,
    /// where only each labelled unit must be complete.
    pub whole_documents: bool,
}

impl Corpus {
    /// Whether every input exists (stdin always does).
    pub fn is_present(&self) -> bool {
        self.inputs
            .iter()
            .all(|i| i == "-" || Path::new(i).exists())
    }
}

/// A loaded project.
#[derive(Debug, Clone)]
pub struct Project {
    /// The folder holding `stance.toml` (or `labels/actors.toml`).
    pub root: PathBuf,
    /// The `stance.toml` read; `None` for a folder found by its
    /// `labels/actors.toml` alone (see [`Project::implicit`]).
    pub file: Option<PathBuf>,
    pub actors: PathBuf,
    /// Whether `stance.toml` names the actors file: a named file must
    /// exist, while the default one may be absent (the built-in file is
    /// used then).
    pub actors_declared: bool,
    pub labels: PathBuf,
    pub corpora: Vec<Corpus>,
    /// The splits file and the split of units it does not list.
    pub splits: Option<(PathBuf, Split)>,
}

impl Project {
    /// `path` as written in records that travel (a model's `data_files`):
    /// relative to the project's folder when inside it, so the same data
    /// and settings give the same model bytes in any checkout.
    pub fn recorded_path(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .ok()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(path)
            .display()
            .to_string()
    }

    pub fn load(path: &Path) -> Result<Project, Error> {
        let bytes = crate::limits::read_config(path)?;
        let text = String::from_utf8(bytes).map_err(|_| {
            Error::Invalid(Rejection::new(
                Location::of_path(path, None),
                "not UTF-8 text",
            ))
        })?;
        Project::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Project, Error> {
        let at = |line: Option<u64>, msg: String| {
            Error::Invalid(Rejection::new(Location::of_path(path, line), msg))
        };
        let file: ProjectFile = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() as u64 + 1);
            at(line, e.message().to_string())
        })?;
        let root = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let resolve = |p: &str| -> PathBuf {
            if p == "-" {
                PathBuf::from(p)
            } else {
                root.join(p)
            }
        };
        // What the project owns and writes (its actors file, label store
        // and splits) stays inside it; corpus inputs are data it only
        // reads, which may live beside it (`../shared/data`).
        let owned = |what: &str, p: &str| crate::confine::resolve(&root, p, path, what);
        let splits = match file.splits {
            Some(s) => {
                let unlisted = Split::parse(&s.unlisted).ok_or_else(|| {
                    at(
                        None,
                        format!(
                            "[splits] unlisted = {:?}: expected \"train\" or \"eval\"",
                            s.unlisted
                        ),
                    )
                })?;
                Some((owned("[splits] file", &s.file)?, unlisted))
            }
            None => None,
        };
        let mut corpora: Vec<Corpus> = Vec::new();
        for c in file.corpus {
            if corpora.iter().any(|k| k.name == c.name) {
                return Err(at(None, format!("corpus {:?} declared twice", c.name)));
            }
            if c.inputs.is_empty() {
                return Err(at(None, format!("corpus {:?} has no inputs", c.name)));
            }
            corpora.push(Corpus {
                name: c.name,
                inputs: c
                    .inputs
                    .iter()
                    .map(|i| resolve(i).display().to_string())
                    .collect(),
                optional: c.optional,
                whole_documents: c.whole_documents,
            });
        }
        Ok(Project {
            actors: owned("actors", file.actors.as_deref().unwrap_or(ACTORS))?,
            actors_declared: file.actors.is_some(),
            labels: owned("labels", file.labels.as_deref().unwrap_or(LABELS))?,
            file: Some(path.to_path_buf()),
            root,
            corpora,
            splits,
        })
    }

    /// The recorded split rule, read now (or the kind rule without one).
    pub fn split_rule(&self) -> Result<SplitRule, Error> {
        match &self.splits {
            Some((file, unlisted)) => SplitRule::read(file, *unlisted),
            None => Ok(SplitRule::ByKind),
        }
    }

    /// Declared corpora split into present and absent ones; an absent
    /// required corpus is an error.
    pub fn present_corpora(&self) -> Result<(Vec<&Corpus>, Vec<&Corpus>), Error> {
        let (present, absent): (Vec<&Corpus>, Vec<&Corpus>) =
            self.corpora.iter().partition(|c| c.is_present());
        if let Some(c) = absent.iter().find(|c| !c.optional) {
            let missing: Vec<&str> = c
                .inputs
                .iter()
                .filter(|i| !Path::new(i).exists())
                .map(String::as_str)
                .collect();
            // The project file names it: a settings problem at that file,
            // not a command-line parameter.
            return Err(Error::invalid(
                Location::of_path(&self.root.join(FILE), None),
                format!(
                    "corpus {:?} is missing: {} (`optional = true` lets it be absent)",
                    c.name,
                    missing.join(", ")
                ),
            ));
        }
        Ok((present, absent))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"
actors = "labels/actors.toml"
labels = "labels"
splits = { file = "labels/splits.csv", unlisted = "train" }

[[corpus]]
name = "seeds"
inputs = ["seeds"]

[[corpus]]
name = "pool"
inputs = ["../data/pool.jsonl"]
optional = true
whole_documents = false
"#;

    /// A model trained on the project's labels records them as `labels`,
    /// not as the absolute path of this checkout: the same data and
    /// settings give the same bytes wherever the project sits.
    #[test]
    fn recorded_paths_are_relative_inside_the_project() {
        let p = Project::parse(Path::new("/somewhere/proj/stance.toml"), TEXT).unwrap();
        assert_eq!(p.recorded_path(&p.labels), "labels");
        assert_eq!(
            p.recorded_path(Path::new("/data/pool.jsonl")),
            "/data/pool.jsonl"
        );
        assert_eq!(p.recorded_path(&p.root), p.root.display().to_string());
    }

    /// Issue 12, row 4 for the project file: what the project writes
    /// (actors, labels, splits) stays inside it; data it reads may not.
    #[test]
    fn owned_paths_stay_inside_the_project() {
        for (key, bad) in [
            ("actors", "actors = \"/etc/passwd\""),
            ("labels", "labels = \"../elsewhere\""),
            (
                "[splits] file",
                "splits = { file = \"../../s.csv\", unlisted = \"train\" }",
            ),
        ] {
            let e = Project::parse(Path::new("/x/proj/stance.toml"), bad).unwrap_err();
            let e = e.to_string();
            assert!(
                e.starts_with("/x/proj/stance.toml: ") && e.contains(key),
                "{e}"
            );
            assert!(e.contains("must be relative"), "{e}");
        }
    }

    #[test]
    fn paths_resolve_against_the_project_folder() {
        let p = Project::parse(Path::new("/x/proj/stance.toml"), TEXT).unwrap();
        assert_eq!(p.file, Some(PathBuf::from("/x/proj/stance.toml")));
        assert!(p.actors_declared);
        assert_eq!(p.actors, Path::new("/x/proj/labels/actors.toml"));
        assert_eq!(p.labels, Path::new("/x/proj/labels"));
        assert_eq!(
            p.splits,
            Some((PathBuf::from("/x/proj/labels/splits.csv"), Split::Train))
        );
        assert_eq!(p.corpora[0].inputs, ["/x/proj/seeds"]);
        assert!(p.corpora[0].whole_documents && !p.corpora[0].optional);
        assert_eq!(p.corpora[1].inputs, ["/x/proj/../data/pool.jsonl"]);
        assert!(!p.corpora[1].whole_documents && p.corpora[1].optional);
    }

    #[test]
    fn mistakes_name_the_file_and_line() {
        let e = Project::parse(Path::new("p/stance.toml"), "actors = 3\n").unwrap_err();
        assert!(e.to_string().starts_with("p/stance.toml:1:"), "{e}");
        let e = Project::parse(Path::new("p/stance.toml"), "\ncorpora = []\n").unwrap_err();
        assert!(e.to_string().contains("p/stance.toml:2:"), "{e}");
        let text = "splits = { file = \"s.csv\", unlisted = \"later\" }\n";
        let e = Project::parse(Path::new("stance.toml"), text).unwrap_err();
        assert!(
            e.to_string().contains("expected \"train\" or \"eval\""),
            "{e}"
        );
    }

    #[test]
    fn an_absent_required_corpus_is_an_error_an_optional_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(FILE);
        std::fs::create_dir(dir.path().join("seeds")).unwrap();
        let text = "[[corpus]]\nname = \"seeds\"\ninputs = [\"seeds\"]\n\
                    [[corpus]]\nname = \"pool\"\ninputs = [\"nowhere.jsonl\"]\noptional = true\n";
        let p = Project::parse(&file, text).unwrap();
        let (present, absent) = p.present_corpora().unwrap();
        assert_eq!((present.len(), absent[0].name.as_str()), (1, "pool"));
        let p = Project::parse(&file, &text.replace("optional = true", "")).unwrap();
        let e = p.present_corpora().unwrap_err().to_string();
        assert!(
            e.contains("corpus \"pool\"") && e.contains("nowhere.jsonl"),
            "{e}"
        );
    }
}
